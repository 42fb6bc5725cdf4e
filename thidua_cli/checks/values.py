"""Checks of one figure: a target or a reported value of the right type, in range, not a
thousands slip or a fraction typed for a percentage, and its evidence."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticCustomError

from thidua_cli import numfmt
from thidua_cli.checks.context import _HUNDRED, Context
from thidua_cli.problems import Problem, YamlPath, error, warning
from thidua_cli.read.models import Catalogue, Indicator, Result, Unit
from thidua_cli.read.schema_errors import HINTS, comma_hint
from thidua_cli.read.types import fraction
from thidua_cli.read.types import number as _number
from thidua_cli.read.yamlload import Loaded


def is_number(v: Any) -> bool:
    return isinstance(v, Decimal) and v.is_finite()


def check_value(
    ind: Indicator,
    v: Any,
    f: Loaded,
    at: YamlPath,
    ctx: Context,
    target: Decimal | None = None,
    *,
    as_target: bool = False,
) -> Iterator[Problem]:
    """A single value (a target or `value:`): right type, in range, not a thousands slip.
    A unit's target for a share may be written as its parts: "4/7" (4 of 7 villages)."""
    if ind.kind == "rating":
        if v not in ind.levels:
            yield error(
                f.path,
                f.pos(at),
                "unknown-level",
                f"Chỉ tiêu {ind.code} cần một mức xếp loại, không phải «{v}».",
                "Chọn một trong: " + "; ".join(ind.levels) + ".",
                at,
            )
        return
    if as_target and isinstance(v, str) and ind.kind in ("percent", "ratio") and "/" in v:
        if fraction(v) is None:
            yield error(
                f.path,
                f.pos(at),
                "expected-number",
                f"Kế hoạch {ind.code} «{v}» không phải tỷ lệ hay phân số.",
                'Viết tỷ lệ phần trăm (57.1) hoặc tử số/mẫu số trong ngoặc kép: "4/7".',
                at,
            )
        return
    if ctx.expects_bool(ind):
        if not isinstance(v, bool):
            yield error(
                f.path,
                f.pos(at),
                "expected-boolean",
                f"Chỉ tiêu {ind.code} cần giá trị đúng/sai, không phải «{v}».",
                "Viết true (có, đạt) hoặc false (không, không đạt).",
                at,
            )
        return
    if isinstance(v, bool):
        yield error(
            f.path,
            f.pos(at),
            "expected-number",
            f"Chỉ tiêu {ind.code} cần một số ({ind.unit}), không phải đúng/sai.",
            "Viết con số thực hiện, ví dụ 152.4.",
            at,
        )
        return
    if not isinstance(v, Decimal) or not v.is_finite():
        try:
            _number(v)
            code, why = "expected-number", f"«{v}» không phải một số"
        except PydanticCustomError as exc:
            code, why = exc.type, exc.message()
        hint = comma_hint(str(v)) if code == "decimal-comma" else ""
        yield error(
            f.path,
            f.pos(at),
            code,
            f"Chỉ tiêu {ind.code} cần một số ({ind.unit}): {why}.",
            hint or HINTS[code],
            at,
        )
        return
    if at in f.thousands:
        return  # reported once for the whole file, see thousands_problems
    yield from _range(ind, v, f, at)
    if target is None or target <= 0 or v <= 0:
        return
    if ind.kind == "percent":
        if v <= 1 and Decimal("0.25") <= v * _HUNDRED / target <= 4:
            # 0.9614 against a plan of 94.12: a fraction typed for 96.14%. It changes the
            # result (0,96% "Không đạt"), so it is an error, not a warning.
            yield error(
                f.path,
                f.pos(at),
                "percent-as-fraction",
                f"Tỷ lệ {numfmt.number(v)}% của {ind.code} bằng khoảng 1/100 kế hoạch "
                f"{numfmt.number(target)}%: có vẻ đã viết dạng thập phân thay cho phần trăm.",
                f"Tỷ lệ viết theo phần trăm: {numfmt.number(v * 100)}% viết là "
                f"{(v * 100).normalize():f}.",
                at,
            )
        elif target >= 10 and v <= 1:
            yield warning(
                f.path,
                f.pos(at),
                "suspicious-magnitude",
                f"Tỷ lệ {numfmt.number(v)}% quá nhỏ so với kế hoạch "
                f"{numfmt.number(target)}%: có thể đã viết dạng thập phân.",
                f"Tỷ lệ viết theo phần trăm: {numfmt.number(v * 100)}% viết là "
                f"{(v * 100).normalize():f}.",
                at,
            )
        return
    ratio = target / v
    if 300 <= ratio <= 3000:  # what a lost thousands separator looks like
        thousand = v * 1000
        hint = (
            f"Nếu ý là {numfmt.number(thousand)} {ind.unit}, hãy viết "
            f"{thousand.quantize(Decimal(1)):f} (không có dấu chấm)."
            if thousand == thousand.to_integral_value()
            else "Kiểm tra lại đơn vị tính và dấu thập phân."
        )
        yield warning(
            f.path,
            f.pos(at),
            "suspicious-magnitude",
            f"Giá trị {numfmt.number(v)} nhỏ hơn kế hoạch {numfmt.number(target)} "
            f"khoảng {numfmt.number(numfmt.quantize(ratio, 0))} lần.",
            hint,
            at,
        )
    elif ratio >= 8 and target >= 50:  # an eighth of the target: a digit lost?
        yield warning(
            f.path,
            f.pos(at),
            "suspicious-magnitude",
            f"Giá trị {numfmt.number(v)} nhỏ hơn kế hoạch {numfmt.number(target)} "
            f"khoảng {numfmt.number(numfmt.quantize(ratio, 0))} lần.",
            "Kiểm tra xem có gõ thiếu một chữ số không; một số quá nhỏ làm thay đổi điểm của "
            "cả khối.",
            at,
        )
    elif ratio <= Decimal("0.125"):  # eight times the target: an extra zero?
        yield warning(
            f.path,
            f.pos(at),
            "suspicious-magnitude",
            f"Giá trị {numfmt.number(v)} lớn gấp khoảng "
            f"{numfmt.number(numfmt.quantize(1 / ratio, 0))} lần kế hoạch "
            f"{numfmt.number(target)}.",
            "Kiểm tra xem có gõ thừa chữ số 0 không; một số quá lớn làm thay đổi điểm của cả khối.",
            at,
        )


def check_zero_target(ind: Indicator, target: Any, f: Loaded, at: YamlPath) -> Iterator[Problem]:
    if (
        isinstance(target, Decimal)
        and not isinstance(target, bool)
        and target == 0
        and ind.comparator == ">="
    ):
        yield warning(
            f.path,
            f.pos(at),
            "zero-target",
            f"Kế hoạch {ind.code} bằng 0: mọi số thực hiện đều «vượt», và đơn vị sẽ "
            "dẫn đầu khối ở tiêu chí này.",
            "Ghi kế hoạch thật của đơn vị, hoặc bỏ chỉ tiêu khỏi danh sách đăng ký.",
            at,
        )


def _range(ind: Indicator, v: Decimal, f: Loaded, at: YamlPath) -> Iterator[Problem]:
    low = ind.minimum if ind.minimum is not None else Decimal(0)
    high = ind.maximum if ind.maximum is not None else (_HUNDRED if ind.kind == "percent" else None)
    if v < low:
        code = "negative-value" if low == 0 else "out-of-range"
        yield error(
            f.path,
            f.pos(at),
            code,
            f"Giá trị {numfmt.number(v)} của {ind.code} nhỏ hơn mức cho phép {numfmt.number(low)}.",
            "Kiểm tra lại dấu và con số.",
            at,
        )
    elif high is not None and v > high:
        code = "percent-out-of-range" if ind.kind == "percent" else "out-of-range"
        yield error(
            f.path,
            f.pos(at),
            code,
            f"Tỷ lệ {numfmt.number(v)}% của {ind.code} vượt quá {numfmt.number(high)}%."
            if ind.kind == "percent"
            else f"Giá trị {numfmt.number(v)} của {ind.code} vượt quá {numfmt.number(high)}.",
            "Tỷ lệ phần trăm viết từ 0 đến 100 (95 nghĩa là 95%).",
            at,
        )
    elif ind.kind == "count" and v != v.to_integral_value():
        yield error(
            f.path,
            f.pos(at),
            "not-integer",
            f"{ind.code} đếm theo {ind.unit}, phải là số nguyên (không phải {numfmt.number(v)}).",
            "Viết số nguyên, không có phần thập phân; số lớn viết liền, không có dấu ngăn cách "
            "hàng nghìn (6500, không phải 6.500 hay 6,500).",
            at,
        )


def own_target(cat: Catalogue, unit: Unit, ind: Indicator, phase: int) -> Decimal | None:
    reg = unit.registration_for(cat.phase(phase))
    if reg is None:
        return None
    for value in (reg.phase_targets.get(phase, {}).get(ind.code), reg.targets.get(ind.code)):
        if isinstance(value, Decimal) and not isinstance(value, bool):
            return value
    return ind.target if ind.aggregation != "sum" else None


def check_result(
    unit: Unit, ind: Indicator, r: Result, phase: int, f: Loaded, at: YamlPath, ctx: Context
) -> Iterator[Problem]:
    has_ratio = r.numerator is not None or r.denominator is not None
    if ind.aggregation == "ratio" and (r.numerator is None or r.denominator is None):
        yield error(
            f.path,
            f.pos(at),
            "expected-ratio",
            f"Chỉ tiêu {ind.code} cộng dồn theo tử số và mẫu số; cần ghi cả «numerator» "
            "và «denominator».",
            "Ví dụ: {numerator: 612, denominator: 648} (612 người trên 648 người).",
            at,
        )
    elif r.value is None and not has_ratio and not told(f, at):
        yield error(
            f.path,
            f.pos(at),
            "missing-value",
            f"Chỉ tiêu {ind.code} chưa có giá trị thực hiện.",
            "Ghi «value: …», hoặc xóa dòng nếu chưa có số liệu.",
            at,
        )
    if r.value is not None:
        slipped = {
            ("registration", "targets", ind.code),
            ("registration", "phase_targets", phase, ind.code),
        } & set(f.thousands)
        target = (
            None if slipped else own_target(ctx.catalogue, unit, ind, phase)
        )  # already reported
        yield from check_value(ind, r.value, f, (*at, "value"), ctx, target)
    if has_ratio and r.numerator is not None and r.denominator is not None:
        if ctx.expects_bool(ind):
            yield error(
                f.path,
                f.pos(at),
                "expected-boolean",
                f"Chỉ tiêu {ind.code} cần giá trị đúng/sai, không phải tử số/mẫu số.",
                "Viết value: true (đạt) hoặc value: false.",
                at,
            )
        elif ind.kind not in ("percent", "ratio") and ind.aggregation != "ratio":
            # «1/2» for tonnes would be read as 50: a quantity is never a share of something
            yield error(
                f.path,
                f.pos(at),
                "unexpected-ratio",
                f"Chỉ tiêu {ind.code} là một số lượng ({ind.unit}), không phải tỷ lệ: không ghi "
                "tử số/mẫu số.",
                "Ghi «value: …» (với thidua set: --value).",
                at,
            )
        elif r.denominator <= 0:
            yield error(
                f.path,
                f.pos((*at, "denominator")),
                "zero-denominator",
                "Mẫu số phải lớn hơn 0.",
                "Mẫu số là tổng số (dân số, số hộ, số km…); kiểm tra lại con số.",
                (*at, "denominator"),
            )
        elif r.numerator > r.denominator and (ind.maximum is None or ind.maximum <= _HUNDRED):
            yield error(
                f.path,
                f.pos((*at, "numerator")),
                "numerator-exceeds-denominator",
                f"Tử số {numfmt.number(r.numerator)} lớn hơn mẫu số "
                f"{numfmt.number(r.denominator)}: tỷ lệ sẽ vượt 100%.",
                "Kiểm tra xem có ghi đảo tử số và mẫu số không.",
                (*at, "numerator"),
            )
        elif r.numerator < 0 and (ind.minimum is None or ind.minimum >= 0):
            yield error(
                f.path,
                f.pos((*at, "numerator")),
                "negative-value",
                "Tử số không được âm.",
                "",
                (*at, "numerator"),
            )
        elif isinstance(r.value, Decimal) and r.value.is_finite():
            computed = r.numerator / r.denominator * _HUNDRED
            if abs(computed - r.value) > Decimal("0.05"):
                yield error(
                    f.path,
                    f.pos((*at, "value")),
                    "value-mismatch",
                    f"Tỷ lệ ghi là {numfmt.number(r.value)}% nhưng tử số/mẫu số cho "
                    f"{numfmt.percent(computed)}.",
                    "Chỉ ghi tử số và mẫu số; công cụ tự tính tỷ lệ.",
                    (*at, "value"),
                )
    elif has_ratio and ind.aggregation != "ratio":  # the ratio case was reported above
        yield error(
            f.path,
            f.pos(at),
            "expected-ratio",
            "Cần ghi cả tử số (numerator) và mẫu số (denominator).",
            "",
            at,
        )
    if not r.evidence:
        yield warning(
            f.path,
            f.pos(at, key=True),
            "missing-evidence",
            f"Số liệu {ind.code} không có minh chứng.",
            f"Ghi số văn bản, tệp trong {ctx.data}/evidence/ hoặc đường dẫn vào «evidence».",
            at,
        )
    for i, ev in enumerate(r.evidence):
        eat: YamlPath = (*at, "evidence", i)
        if ev.url is not None and not ev.url.lower().startswith(("http://", "https://")):
            yield error(
                f.path,
                f.pos(eat),
                "evidence-url-scheme",
                f"Đường dẫn minh chứng «{ev.url[:80]}» không bắt đầu bằng http:// hoặc https://.",
                "Chỉ ghi đường dẫn trang web (https://…); tệp thì chép vào data/evidence/ và "
                "ghi ở «file».",
                eat,
            )
        file = ev.path
        if file is None:
            continue
        place = ctx.evidence(file)
        if place == "git":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-in-git-folder",
                f"Tệp minh chứng «{file}» nằm trong thư mục .git của kho.",
                "Minh chứng là tệp trong data/evidence/; thư mục .git là của git, không phải "
                "dữ liệu.",
                eat,
            )
        if place == "outside":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-outside-repo",
                f"Tệp minh chứng «{file}» nằm ngoài kho dữ liệu.",
                f"Chép tệp vào {ctx.data}/evidence/ và ghi đường dẫn tính từ gốc kho.",
                eat,
            )
        elif place == "missing":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-not-found",
                f"Không tìm thấy tệp minh chứng «{file}».",
                f"Đường dẫn tính từ thư mục gốc của kho, ví dụ {ctx.data}/evidence/thon-a/bb.pdf.",
                eat,
            )


def told(f: Loaded, at: YamlPath) -> bool:
    """Did reading already report the value at `at` (a number it could not take)? Then a
    "missing value" on top would tell the same mistake twice."""
    return any(p.yaml_path[: len(at)] == at for p in f.problems)


def _unambiguous(text: str) -> str:
    """The same decimal written so it cannot be read as thousands: 10.900 -> 10.9, 2.125 -> 2.1250."""
    value = Decimal(text)
    plain = f"{value.normalize():f}"
    return plain if plain != text else text + "0"


def thousands_problems(f: Loaded) -> list[Problem]:
    """The Vietnamese thousands trap: `10.900` typed for ten thousand nine hundred."""
    out = []
    for ypath, text in f.thousands.items():
        whole = text.replace(".", "")
        out.append(
            error(
                f.path,
                f.pos(ypath),
                "thousands-separator",
                f"«{text}» có dấu chấm ngăn cách hàng nghìn: YAML đọc thành "
                f"{numfmt.number(Decimal(text))}, không phải {numfmt.number(Decimal(whole))}.",
                f"Nếu là {numfmt.number(Decimal(whole))}, viết {whole}. Nếu đúng là số thập phân "
                f"{numfmt.number(Decimal(text))}, viết {_unambiguous(text)}.",
                ypath,
            )
        )
    return out
