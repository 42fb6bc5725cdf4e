"""Checks of one unit file against the catalogue: codes, types, ranges, dates, evidence."""

from __future__ import annotations

import difflib
import itertools
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from thidua_cli import numfmt
from thidua_cli.problems import Problem, YamlPath, error, warning
from thidua_cli.read.models import Bloc, Catalogue, Indicator, Registration, Result, Unit
from thidua_cli.read.schema_errors import HINTS
from thidua_cli.read.types import bool_word, fraction
from thidua_cli.read.types import number as _number
from thidua_cli.read.yamlload import Loaded

_HUNDRED = Decimal(100)
LATE_LIMIT = timedelta(days=120)  # a report this long after the last deadline is a typo


@lru_cache(maxsize=4096)
def _realpath(folder: str) -> str:
    return os.path.realpath(folder)


@dataclass(frozen=True)
class Context:
    """The catalogue, indexed for look-ups, and the repository root for evidence files."""

    catalogue: Catalogue
    root: Path
    data: str = "data"  # the data folder as shown, relative to the root: hints name it

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.catalogue.indicators}

    @cached_property
    def blocs(self) -> dict[str, Bloc]:
        return {b.id: b for b in self.catalogue.blocs}

    @cached_property
    def phases(self) -> set[int]:
        return {p.number for p in self.catalogue.phases}

    @cached_property
    def last_due(self) -> date:
        return max(w.due for c in self.catalogue.calendars for w in c.phases)

    @cached_property
    def first_start(self) -> date:
        """The earliest day a report can belong to: the campaign's start or a calendar's."""
        starts = [w.start for c in self.catalogue.calendars for w in c.phases]
        return min([self.catalogue.campaign.start, *starts])

    @cached_property
    def real_root(self) -> str:
        return os.path.realpath(self.root)

    def evidence(self, file: str) -> str:
        """Where an evidence path leads: "ok", "missing", "outside" the repository (also
        through a symlink) or into its "git" folder. Directories are resolved once each:
        thousands of files share few."""
        joined = os.path.normpath(os.path.join(self.real_root, file))
        folder, name = os.path.split(joined)
        real_folder = _realpath(folder)
        inside = real_folder == self.real_root or real_folder.startswith(self.real_root + os.sep)
        if not inside:
            return "outside"
        target = os.path.join(real_folder, name)
        if os.path.islink(target):
            target = os.path.realpath(target)
            if not target.startswith(self.real_root + os.sep):
                return "outside"
        if ".git" in Path(os.path.relpath(target, self.real_root)).parts:
            return "git"
        return "ok" if os.path.isfile(target) else "missing"

    def may_register(self, unit: Unit, ind: Indicator) -> bool:
        return unit.kind in ind.applies_to or ind.owner == unit.id

    def score_ceiling(self, bloc: Bloc | None) -> Decimal | None:
        """The most points a unit can have: its table's points plus every bonus (the scale is
        the catalogue's: 100, 30 or 1000 points)."""
        scoring = self.catalogue.scoring
        if scoring is None:
            return None
        tables = [t for t in scoring.tables if bloc is None or t.id == bloc.scoring]
        return max(
            (
                sum((c.points for c in t.criteria), Decimal(0))
                + sum(
                    (
                        a.limit if a.limit is not None else a.points
                        for a in t.adjustments
                        if a.points > 0
                    ),
                    Decimal(0),
                )
                for t in tables or scoring.tables
            ),
            default=Decimal(0),
        )

    def expects_bool(self, ind: Indicator) -> bool:
        return ind.kind == "boolean" or ind.aggregation == "count-true"


_CODE_PARTS = re.compile(r"^\s*([A-Za-z]{2,4})\s*[-_ ]?\s*0*(\d{1,3})((?:\.\d{1,2})?)\s*$")


def suggest_code(word: str, options: list[str]) -> str:
    """ "Did you mean" that knows how codes are written: "CT3", "ct 3", "CT-003" mean CT03
    (zero-padded to the catalogue's width before any fuzzy match, so CT3 is never CT23)."""
    parts = _CODE_PARTS.match(word)
    if parts:
        prefix, digits, sub = parts.group(1).upper(), parts.group(2), parts.group(3)
        for width in (2, 3):
            padded = f"{prefix}{digits.zfill(width)}{sub}"
            if padded in options:
                return f"Có phải ý bạn là «{padded}»?"
    close = difflib.get_close_matches(word.upper(), options, n=1, cutoff=0.6)
    return f"Có phải ý bạn là «{close[0]}»?" if close else ""


# --- one unit -------------------------------------------------------------------------------


def with_booleans(unit: Unit, ctx: Context) -> Unit:
    """The unit with "có", "Không đạt", "yes"… read as true/false wherever its indicator
    expects a boolean (read/types.BOOL_WORDS), and left as text everywhere else: a rating
    level or a name that happens to be such a word stays what it is. Most files have no
    such word and are returned as they are."""

    def wanted(code: str, v: Any) -> bool:
        ind = ctx.indicators.get(code)
        return isinstance(v, str) and ind is not None and ctx.expects_bool(ind)

    def conv(code: str, v: Any) -> Any:
        return bool_word(v) if wanted(code, v) else v

    def targets(t: dict[str, Any]) -> dict[str, Any]:
        return {c: conv(c, v) for c, v in t.items()}

    def registration(r: Registration) -> Registration:
        if not any(wanted(c, v) for c, v in r.targets.items()) and not any(
            wanted(c, v) for t in r.phase_targets.values() for c, v in t.items()
        ):
            return r
        return r.model_copy(
            update={
                "targets": targets(r.targets),
                "phase_targets": {p: targets(t) for p, t in r.phase_targets.items()},
            }
        )

    def result(code: str, r: Result) -> Result:
        fix = r.correction
        if fix is not None and wanted(code, fix.value):
            fix = fix.model_copy(update={"value": conv(code, fix.value)})
        if not wanted(code, r.value) and fix is r.correction:
            return r
        return r.model_copy(update={"value": conv(code, r.value), "correction": fix})

    results = [
        rep.model_copy(update={"values": {c: result(c, r) for c, r in rep.values.items()}})
        if any(
            wanted(c, r.value) or (r.correction and wanted(c, r.correction.value))
            for c, r in rep.values.items()
        )
        else rep
        for rep in unit.results
    ]
    update: dict[str, Any] = {}
    if any(a is not b for a, b in zip(results, unit.results, strict=True)):
        update["results"] = results
    if unit.registration is not None:
        reg = registration(unit.registration)
        if reg is not unit.registration:
            update["registration"] = reg
    regs = [registration(r) for r in unit.registrations]
    if any(a is not b for a, b in zip(regs, unit.registrations, strict=True)):
        update["registrations"] = regs
    return unit.model_copy(update=update) if update else unit


def check_unit(unit: Unit, f: Loaded, ctx: Context) -> list[Problem]:
    found = list(_unit(unit, f, ctx))
    if f.broken:  # a placeholder stands for a value already reported: say nothing about it
        found = [p for p in found if not any(p.yaml_path[: len(b)] == b for b in f.broken)]
    return found


def _unit(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    cat = ctx.catalogue
    stem = Path(f.path).stem
    if unit.id != stem:
        yield warning(
            f.path,
            f.pos(("id",)),
            "id-filename-mismatch",
            f"Mã đơn vị «{unit.id}» khác tên tệp «{stem}.yaml».",
            f"Đổi tên tệp thành {unit.id}.yaml để dễ tìm.",
            ("id",),
        )
    kinds = {k.id for k in cat.unit_kinds}
    if unit.kind not in kinds:
        yield error(
            f.path,
            f.pos(("kind",)),
            "unknown-kind",
            f"Loại đơn vị «{unit.kind}» không có trong danh mục.",
            "Chọn một trong: " + ", ".join(sorted(kinds)) + ".",
            ("kind",),
        )
    bloc = ctx.blocs.get(unit.bloc) if unit.bloc is not None else None
    if unit.bloc is None:
        if ctx.blocs:
            yield error(
                f.path,
                (1, 1),
                "missing-bloc",
                "Đơn vị chưa ghi khối thi đua (thiếu trường «bloc»).",
                "Chọn một trong: " + ", ".join(sorted(ctx.blocs)) + ".",
            )
    elif bloc is None:
        yield error(
            f.path,
            f.pos(("bloc",)),
            "unknown-bloc",
            f"Khối thi đua «{unit.bloc}» không có trong danh mục.",
            "Chọn một trong: " + ", ".join(sorted(ctx.blocs)) + ".",
            ("bloc",),
        )
    elif unit.kind not in bloc.kinds:
        yield error(
            f.path,
            f.pos(("bloc",)),
            "bloc-kind-mismatch",
            f"Đơn vị loại «{unit.kind}» không thuộc khối «{bloc.name}».",
            "Khối này gồm: " + ", ".join(bloc.kinds) + ".",
            ("bloc",),
        )
    registered: dict[int, set[str]] = {}  # by phase: the codes its registration names
    if not unit.all_registrations():
        yield warning(
            f.path,
            (1, 1),
            "no-registration",
            "Đơn vị chưa đăng ký chỉ tiêu thi đua (thiếu mục «registration»).",
            f"Mỗi đơn vị đăng ký chỉ tiêu với {cat.campaign.locality.body} từ đầu năm.",
        )
    places: list[tuple[YamlPath, Registration]] = (
        [(("registration",), unit.registration)] if unit.registration else []
    ) + [(("registrations", i), r) for i, r in enumerate(unit.registrations)]
    for where, reg in places:
        yield from _registration(unit, reg, where, f, ctx)
    yield from _yearly(unit, f, ctx)
    for p in cat.phases:
        holding = unit.registration_for(p)
        if holding is not None:
            registered[p.number] = {c for c in holding.targets if c in ctx.indicators}
    seen_phases: set[int] = set()
    for i, report in enumerate(unit.results):
        at = ("results", i)
        if report.phase not in ctx.phases:
            yield _unknown_phase(f, (*at, "phase"), report.phase, ctx)
            continue
        if report.phase in seen_phases:
            yield error(
                f.path,
                f.pos((*at, "phase")),
                "duplicate-phase",
                f"Đợt {report.phase} được báo cáo hai lần.",
                "Gộp số liệu vào một mục; sửa số thì sửa tại chỗ, git giữ lịch sử.",
                (*at, "phase"),
            )
        seen_phases.add(report.phase)
        window = ctx.catalogue.window(unit, report.phase)
        if window is not None:
            if report.submitted > ctx.last_due + LATE_LIMIT:
                yield error(
                    f.path,
                    f.pos((*at, "submitted")),
                    "date-outside-campaign",
                    f"Ngày nộp {numfmt.day(report.submitted)} sau khi phong trào đã kết "
                    f"thúc (hạn cuối {numfmt.day(ctx.last_due)}); có thể gõ nhầm năm.",
                    "Kiểm tra lại năm của ngày nộp báo cáo.",
                    (*at, "submitted"),
                )
            elif report.submitted < ctx.first_start:
                yield error(
                    f.path,
                    f.pos((*at, "submitted")),
                    "date-outside-campaign",
                    f"Ngày nộp {numfmt.day(report.submitted)} trước khi phong trào bắt đầu "
                    f"({numfmt.day(ctx.first_start)}); có thể gõ nhầm năm.",
                    "Kiểm tra lại năm của ngày nộp báo cáo.",
                    (*at, "submitted"),
                )
            elif report.submitted > window.due:
                late = (report.submitted - window.due).days
                yield warning(
                    f.path,
                    f.pos((*at, "submitted")),
                    "late-report",
                    f"Báo cáo đợt {report.phase} nộp ngày {numfmt.day(report.submitted)}, "
                    f"muộn {late} ngày so với hạn {numfmt.day(window.due)}.",
                    "Báo cáo muộn bị trừ điểm theo bảng chấm điểm.",
                    (*at, "submitted"),
                )
            elif report.submitted < window.start:
                yield warning(
                    f.path,
                    f.pos((*at, "submitted")),
                    "date-outside-phase",
                    f"Ngày nộp {numfmt.day(report.submitted)} trước khi đợt "
                    f"{report.phase} bắt đầu ({numfmt.day(window.start)}).",
                    "Kiểm tra lại năm và đợt của báo cáo.",
                    (*at, "submitted"),
                )
        top = ctx.score_ceiling(bloc)
        if report.self_score is not None and top is not None and not 0 <= report.self_score <= top:
            yield error(
                f.path,
                f.pos((*at, "self_score")),
                "out-of-range",
                f"Điểm tự chấm phải từ 0 đến {numfmt.number(top)} (thang điểm của khối, "
                "kể cả điểm thưởng).",
                "Kiểm tra lại tổng điểm tự chấm.",
                (*at, "self_score"),
            )
        yield from _self_scores(unit, report.self_scores, f, (*at, "self_scores"), ctx)
        for code, result in report.values.items():
            rat: YamlPath = (*at, "values", code)
            ind = yield from _indicator(unit, code, f, rat, ctx)
            if ind is None:
                continue
            if report.phase in registered and code not in registered[report.phase]:
                yield warning(
                    f.path,
                    f.pos(rat, key=True),
                    "not-registered",
                    f"Đơn vị báo cáo chỉ tiêu {code} nhưng không đăng ký chỉ tiêu này.",
                    "Thêm vào registration.targets nếu đơn vị có đăng ký.",
                    rat,
                )
            yield from _result(unit, ind, result, report.phase, f, rat, ctx)
        yield from _parts(report.values, f, (*at, "values"), ctx)
    yield from _unreported(unit, registered, f, ctx)
    yield from _cumulative(unit, f, ctx)
    yield from _exemplars(unit, f, ctx)


def _unreported(
    unit: Unit, registered: dict[int, set[str]], f: Loaded, ctx: Context
) -> Iterator[Problem]:
    """A registered indicator missing from a phase report silently scores nothing."""
    for i, report in enumerate(unit.results):
        if report.phase not in ctx.phases:
            continue
        codes = registered.get(report.phase, set())
        missing = sorted(
            c
            for c in codes
            if c not in report.values
            and ctx.indicators[c].aggregation != "computed"
            and ctx.may_register(unit, ctx.indicators[c])  # else already an error
        )
        if missing:
            at: YamlPath = ("results", i, "values")
            yield warning(
                f.path,
                f.pos(at, key=True) if at in f.keys else f.pos(("results", i, "phase")),
                "registered-not-reported",
                f"Báo cáo đợt {report.phase} thiếu {len(missing)} chỉ tiêu đã đăng ký: "
                + ", ".join(missing)
                + "; chỉ tiêu không báo cáo không được tính điểm.",
                "Bổ sung số liệu (thidua set), hoặc ghi chú lý do nếu chưa có số liệu.",
                at,
            )


def _cumulative(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """A cumulative quantity (tons harvested) never falls from one phase to the next: a lower
    figure is usually the half-year increment reported instead of the running total."""
    reports = sorted(
        ((r.phase, i, r) for i, r in enumerate(unit.results) if r.phase in ctx.phases),
        key=lambda t: t[:2],
    )
    for (p1, _, r1), (p2, i2, r2) in itertools.pairwise(reports):
        for code, later in r2.values.items():
            ind = ctx.indicators.get(code)
            earlier = r1.values.get(code)
            if ind is None or not ind.cumulative or earlier is None:
                continue
            a, b = earlier.value, later.value
            if not (_is_number(a) and _is_number(b)) or b >= a:
                continue
            at: YamlPath = ("results", i2, "values", code, "value")
            yield warning(
                f.path,
                f.pos(at),
                "cumulative-decreased",
                f"{code} là số cộng dồn nhưng đợt {p2} ({numfmt.number(b)}) thấp hơn đợt {p1} "
                f"({numfmt.number(a)}).",
                f"Đợt {p2} ghi tổng cộng dồn từ đầu năm, không chỉ phần tăng thêm trong đợt.",
                at,
            )


def _is_number(v: Any) -> bool:
    return isinstance(v, Decimal) and v.is_finite()


def _yearly(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    """A term plan's registrations and pacts: one per year (or per phase), for a year the plan
    has; a second one for the same year would be silently ignored."""
    years = {p.year for p in ctx.catalogue.phases if p.year is not None}
    items: list[tuple[str, int, int | None, tuple[int, ...]]] = [
        ("registrations", i, r.year, tuple(r.phases)) for i, r in enumerate(unit.registrations)
    ] + [("pacts", i, p.year, ()) for i, p in enumerate(unit.pacts)]
    seen: set[tuple[str, int | None, tuple[int, ...]]] = set()
    for name, i, year, phases in items:
        at: YamlPath = (name, i)
        if year is not None and year not in years:
            yield error(
                f.path,
                f.pos((*at, "year")),
                "unknown-phase",
                f"Năm {year} không có đợt nào trong kế hoạch.",
                "Các năm có đợt: " + ", ".join(str(y) for y in sorted(years)) + "."
                if years
                else "Ghi «year» cho từng đợt trong danh mục (phases) trước.",
                (*at, "year"),
            )
        if (name, year, phases) in seen:
            yield error(
                f.path,
                f.pos(at),
                "duplicate-registration",
                f"Năm {year} đã có một mục trong «{name}»; mục này sẽ bị bỏ qua."
                if year is not None
                else f"Mục trong «{name}» bị lặp lại.",
                "Gộp hai mục thành một; sửa số thì sửa tại chỗ, git giữ lịch sử.",
                at,
            )
        seen.add((name, year, phases))


def _registration(
    unit: Unit, reg: Registration, where: YamlPath, f: Loaded, ctx: Context
) -> Iterator[Problem]:
    for code, target in reg.targets.items():
        at: YamlPath = (*where, "targets", code)
        ind = yield from _indicator(unit, code, f, at, ctx)
        if ind is not None and target is not None:
            # a unit's own percentage target typed as a fraction (0.95 for 95%) is caught
            # against the campaign's; other targets may differ from it freely
            plan = ind.target if ind.kind == "percent" else None
            yield from _value(ind, target, f, at, ctx, plan, as_target=True)
            yield from _zero_target(ind, target, f, at)
    for phase in reg.phases:
        if phase not in ctx.phases:
            yield _unknown_phase(f, (*where, "phases"), phase, ctx)
    for phase, targets in reg.phase_targets.items():
        if phase not in ctx.phases:
            yield _unknown_phase(f, (*where, "phase_targets", phase), phase, ctx)
        for code, target in targets.items():
            at = (*where, "phase_targets", phase, code)
            if code not in reg.targets:
                yield error(
                    f.path,
                    f.pos(at, key=True),
                    "phase-target-unregistered",
                    f"Chỉ tiêu đợt «{code}» chưa có trong danh sách đăng ký.",
                    "Thêm chỉ tiêu vào targets của lần đăng ký này trước.",
                    at,
                )
            elif (ind := ctx.indicators.get(code)) is not None:
                yield from _value(ind, target, f, at, ctx, as_target=True)
                yield from _zero_target(ind, target, f, at)


def _parts(values: dict[str, Result], f: Loaded, at: YamlPath, ctx: Context) -> Iterator[Problem]:
    """Shares of one whole (parts of a plan item with `parts_total`) add up to the whole."""
    for head in ctx.catalogue.indicators:
        if head.parts_total is None:
            continue
        parts = [i.code for i in ctx.catalogue.indicators if i.parent == head.code]
        reported = [values[c].value for c in parts if c in values]
        if not parts or len(reported) != len(parts):
            continue  # judged once every part is reported
        numbers = [v for v in reported if isinstance(v, Decimal) and not isinstance(v, bool)]
        if len(numbers) != len(parts):
            continue  # a wrong type is reported on the value itself
        total = sum(numbers, Decimal(0))
        if abs(total - head.parts_total) > head.parts_tolerance:
            first: YamlPath = (*at, parts[0])
            yield error(
                f.path,
                f.pos(first, key=True),
                "parts-sum",
                f"Các thành phần của {head.code} ({', '.join(parts)}) cộng lại được "
                f"{numfmt.number(total)}, không phải {numfmt.number(head.parts_total)} "
                f"(± {numfmt.number(head.parts_tolerance)}).",
                "Kiểm tra lại từng thành phần: các tỷ lệ của một tổng thể phải cộng đủ.",
                first,
            )


def _unknown_phase(f: Loaded, at: YamlPath, phase: int, ctx: Context) -> Problem:
    return error(
        f.path,
        f.pos(at),
        "unknown-phase",
        f"Đợt {phase} không có trong kế hoạch.",
        "Các đợt: " + ", ".join(str(p) for p in sorted(ctx.phases)) + ".",
        at,
    )


def _indicator(
    unit: Unit, code: str, f: Loaded, at: YamlPath, ctx: Context
) -> Generator[Problem, None, Indicator | None]:
    """Yield why `code` cannot be used here; return its Indicator when it can."""
    ind = ctx.indicators.get(code)
    if ind is None:
        yield error(
            f.path,
            f.pos(at, key=True),
            "unknown-indicator",
            f"Mã chỉ tiêu «{code}» không có trong danh mục.",
            suggest_code(code, sorted(ctx.indicators)) or "Xem danh mục: thidua indicators.",
            at,
        )
        return None
    if ind.aggregation in ("computed", "across", "none"):
        why = {
            "computed": "từ kết quả xếp loại, điển hình",
            "across": f"qua các đợt từ chỉ tiêu {ind.across.of if ind.across else ''}",
            "none": "từ các chỉ tiêu thành phần",
        }[ind.aggregation]
        yield error(
            f.path,
            f.pos(at, key=True),
            "computed-indicator",
            f"Chỉ tiêu {code} được tính tự động {why}, đơn vị không báo cáo.",
            "Xóa dòng này.",
            at,
        )
        return None
    if not ctx.may_register(unit, ind):
        who = ", ".join(ind.applies_to) or f"chỉ {ind.owner}"
        yield error(
            f.path,
            f.pos(at, key=True),
            "not-applicable",
            f"Chỉ tiêu {code} không áp dụng cho đơn vị loại «{unit.kind}».",
            f"Chỉ tiêu này dành cho: {who}.",
            at,
        )
        return None
    return ind


def _value(
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
        yield error(
            f.path,
            f.pos(at),
            code,
            f"Chỉ tiêu {ind.code} cần một số ({ind.unit}): {why}.",
            HINTS[code],
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
            f"Nếu ý là {numfmt.number(thousand)} {ind.unit}, hãy viết {thousand:f} "
            "(không có dấu chấm)."
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


def _zero_target(ind: Indicator, target: Any, f: Loaded, at: YamlPath) -> Iterator[Problem]:
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
            "",
            at,
        )


def _own_target(cat: Catalogue, unit: Unit, ind: Indicator, phase: int) -> Decimal | None:
    reg = unit.registration_for(cat.phase(phase))
    if reg is None:
        return None
    for value in (reg.phase_targets.get(phase, {}).get(ind.code), reg.targets.get(ind.code)):
        if isinstance(value, Decimal) and not isinstance(value, bool):
            return value
    return ind.target if ind.aggregation != "sum" else None


def _result(
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
    elif r.value is None and not has_ratio and not _told(f, at):
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
            None if slipped else _own_target(ctx.catalogue, unit, ind, phase)
        )  # already reported
        yield from _value(ind, r.value, f, (*at, "value"), ctx, target)
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
        if ev.file is None:
            continue
        place = ctx.evidence(ev.file)
        if place == "git":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-in-git-folder",
                f"Tệp minh chứng «{ev.file}» nằm trong thư mục .git của kho.",
                "Minh chứng là tệp trong data/evidence/; thư mục .git là của git, không phải "
                "dữ liệu.",
                eat,
            )
        if place == "outside":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-outside-repo",
                f"Tệp minh chứng «{ev.file}» nằm ngoài kho dữ liệu.",
                f"Chép tệp vào {ctx.data}/evidence/ và ghi đường dẫn tính từ gốc kho.",
                eat,
            )
        elif place == "missing":
            yield error(
                f.path,
                f.pos(eat),
                "evidence-not-found",
                f"Không tìm thấy tệp minh chứng «{ev.file}».",
                f"Đường dẫn tính từ thư mục gốc của kho, ví dụ {ctx.data}/evidence/thon-a/bb.pdf.",
                eat,
            )


def _told(f: Loaded, at: YamlPath) -> bool:
    """Did reading already report the value at `at` (a number it could not take)? Then a
    "missing value" on top would tell the same mistake twice."""
    return any(p.yaml_path[: len(at)] == at for p in f.problems)


def _exemplars(unit: Unit, f: Loaded, ctx: Context) -> Iterator[Problem]:
    fields = {x.id for x in ctx.catalogue.fields}
    seen: set[str] = set()
    for i, ex in enumerate(unit.exemplars):
        at: YamlPath = ("exemplars", i)
        if ex.id in seen:
            yield error(
                f.path,
                f.pos((*at, "id")),
                "duplicate-id",
                f"Mã điển hình «{ex.id}» bị lặp lại.",
                "",
                (*at, "id"),
            )
        seen.add(ex.id)
        if ex.field not in fields:
            yield error(
                f.path,
                f.pos((*at, "field")),
                "unknown-field",
                f"Lĩnh vực «{ex.field}» không có trong danh mục.",
                "Chọn một trong: " + ", ".join(sorted(fields)) + ".",
                (*at, "field"),
            )
        if ex.status in ("recognised", "commended") and ex.recognised is None:
            yield warning(
                f.path,
                f.pos((*at, "status")),
                "missing-recognition-date",
                "Điển hình đã công nhận nhưng chưa ghi ngày công nhận («recognised»).",
                "Ghi ngày và số quyết định công nhận của Hội đồng.",
                (*at, "status"),
            )
        for j, visit in enumerate(ex.visits):
            if visit.date < ex.registered:
                yield warning(
                    f.path,
                    f.pos((*at, "visits", j, "date")),
                    "date-before-registration",
                    "Ngày kiểm tra trước ngày đăng ký điển hình.",
                    "",
                    (*at, "visits", j, "date"),
                )


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


def _self_scores(
    unit: Unit, scores: dict[str, Decimal], f: Loaded, at: YamlPath, ctx: Context
) -> Iterator[Problem]:
    """A unit's own points per criterion: a criterion of its bloc's table, within its points."""
    if not scores:
        return
    cat = ctx.catalogue
    if cat.scoring is None:
        return
    bloc = next((b for b in cat.blocs if b.id == unit.bloc), None)
    table = next((t for t in cat.scoring.tables if bloc and t.id == bloc.scoring), None)
    if table is None:
        return
    criteria = {c.id: c for c in table.criteria}
    for cid, points in scores.items():
        c = criteria.get(cid)
        if c is None:
            yield error(
                f.path,
                f.pos((*at, cid), key=True),
                "unknown-reference",
                f"Bảng chấm điểm “{table.name}” không có tiêu chí “{cid}”.",
                "Các tiêu chí: " + ", ".join(criteria) + ".",
                (*at, cid),
            )
        elif not 0 <= points <= c.points:
            yield error(
                f.path,
                f.pos((*at, cid)),
                "out-of-range",
                f"Điểm tự chấm tiêu chí “{c.name}” phải từ 0 đến {c.points}.",
                "",
                (*at, cid),
            )
