"""Turn pydantic validation errors into Problems that point at the YAML line and column."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.yamlload import Loaded

HINTS = {
    "missing-key": "Thêm trường này vào tệp (xem tệp mẫu trong README).",
    "expected-number": "Viết một số: 10900 hoặc 6.39 (không ngăn cách hàng nghìn, dấu chấm thập phân).",
    "thousands-separator": "Trong tệp YAML viết 10900 thay cho 10.900; dấu chấm chỉ dùng cho phần thập phân.",
    "decimal-comma": "Trong tệp YAML dấu thập phân là dấu chấm: viết 6.39 thay cho 6,39.",
    "non-ascii-digit": "Gõ lại con số bằng các phím số 0–9 (tắt bàn phím tiếng Ả Rập, chế độ toàn khổ…).",
    "expected-text": 'Đặt giá trị trong dấu nháy kép, ví dụ "05/BC-UBND".',
    "invalid-date": "Viết ngày dạng ngày/tháng/năm đủ 4 chữ số năm (dd/mm/yyyy) hoặc "
    "năm-tháng-ngày (yyyy-mm-dd).",
    "expected-boolean": "Viết true (có, đạt) hoặc false (không, chưa đạt).",
    "expected-integer": "Viết một số nguyên, ví dụ 1.",
    "expected-list": "Mỗi phần tử của danh sách bắt đầu bằng «- » trên một dòng riêng.",
    "expected-mapping": "Ở đây cần các cặp «tên: giá trị», thụt lề vào trong.",
    "invalid-id": "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ thon-3.",
    "invalid-code": "Mã chỉ tiêu gồm chữ in hoa rồi chữ số, có thể thêm .số (ví dụ KT01, XH05.1).",
    "out-of-range": "Sửa con số cho nằm trong khoảng ghi ở trên (kiểm tra dấu thập phân, số 0).",
}


@dataclass(frozen=True)
class Examples:
    """What the hints show, taken from the campaign being checked: one of its days and a few
    of its indicator codes (another commune's files are not told about CT03 or 2026)."""

    day: date
    codes: tuple[str, ...]

    def hints(self) -> dict[str, str]:
        d = self.day
        out = {"invalid-date": f"Viết ngày dạng {d:%d/%m/%Y} (ngày/tháng/năm) hoặc {d:%Y-%m-%d}."}
        if self.codes:
            out["invalid-code"] = (
                f"Mã chỉ tiêu viết như trong danh mục, ví dụ {', '.join(self.codes)}."
            )
        return out


def comma_hint(typed: str) -> str:
    """The figure as it should be written, not a stock example ("" for the general hint)."""
    return (
        f"Trong tệp YAML dấu thập phân là dấu chấm: viết {typed.replace(',', '.')}."
        if typed
        else ""
    )


def _unwrap(tp: Any) -> list[Any]:
    """The candidate types inside Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(tp) for t in _unwrap(a)]
    return [tp]


def _model(tp: Any) -> type[BaseModel] | None:
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _item(tp: Any) -> Any:
    for t in _unwrap(tp):
        args = typing.get_args(t)
        if typing.get_origin(t) is list and args:
            return args[0]
        if typing.get_origin(t) is dict and args:
            return args[1]
    return None


def _model_at(root: type[BaseModel], loc: YamlPath) -> type[BaseModel] | None:
    tp: Any = root
    for part in loc:
        model = _model(tp)
        if model is not None and isinstance(part, str) and part in model.model_fields:
            tp = model.model_fields[part].annotation
        else:
            tp = _item(tp)
    return _model(tp)


def _code_and_message(err: Any, root: type[BaseModel], loc: YamlPath) -> tuple[str, str, str]:
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    name = loc[-1] if loc else ""
    if kind == "missing":
        return "missing-key", f"Thiếu trường bắt buộc «{name}».", ""
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = (
            f"Có phải ý bạn là «{close[0]}»?"
            if close
            else "Các trường hợp lệ ở đây: " + ", ".join(allowed) + "."
        )
        if " " in str(name) and err["input"] is None:
            hint = (
                "Có thể đây là phần chữ sau dấu phẩy trong {…}: trong ngoặc nhọn dấu phẩy "
                'ngăn cách các trường, nên hãy đặt cả đoạn chữ trong dấu nháy kép "…".'
            )
        return "unknown-key", f"Trường «{name}» không có trong mẫu tệp.", hint
    if kind == "value_error":
        text = str(ctx.get("error", err["msg"]))
        return "invalid-value", text[:1].upper() + text[1:] + ".", ""
    if kind == "decimal-comma":
        return kind, err["msg"] + ".", comma_hint(str(ctx.get("text", "")))
    if "-" in kind:  # our own PydanticCustomError codes are kebab-case
        return kind, err["msg"] + ".", ""
    if kind == "string_pattern_mismatch":
        code = "invalid-code" if "A-Z" in str(ctx.get("pattern", "")) else "invalid-id"
        return code, f"«{err['input']}» không đúng dạng mã.", ""
    if kind == "literal_error":
        return (
            "invalid-choice",
            f"«{err['input']}» không hợp lệ.",
            f"Chọn một trong: {str(ctx.get('expected', '')).replace(' or ', ', ')}.",
        )
    if kind in ("list_type", "tuple_type"):
        return "expected-list", "Ở đây cần một danh sách.", ""
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected-mapping", "Ở đây cần một bảng các trường (tên: giá trị).", ""
    if kind in ("string_too_short", "too_short"):
        return "empty-value", "Giá trị này không được để trống.", ""
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        sign = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }[kind]
        return "out-of-range", f"Giá trị phải {sign} {bound}.", ""
    if kind.startswith("int_") or kind.startswith("decimal"):
        return "expected-number", "Ở đây cần một số.", ""
    if kind.startswith("bool"):
        return "expected-boolean", "Ở đây cần giá trị đúng/sai (true/false).", ""
    return "invalid-value", f"Giá trị không hợp lệ ({err['msg']}).", ""


def problems_from(
    exc: ValidationError, loaded: Loaded, root: type[BaseModel], examples: Examples | None = None
) -> list[Problem]:
    """One Problem per pydantic error, placed on the key (unknown, missing) or on the value;
    `examples` from the campaign's own plan, when there is one, make the hints concrete."""
    out: list[Problem] = []
    hints = {**HINTS, **examples.hints()} if examples is not None else HINTS
    for err in exc.errors(include_url=False):
        loc: YamlPath = tuple(p for p in err["loc"] if p != "[key]")
        code, message, hint = _code_and_message(err, root, loc)
        if code == "missing-key":
            pos = loaded.pos(loc[:-1], key=True)
        elif code == "unknown-key":
            pos = loaded.pos(loc, key=True)
        else:
            pos = loaded.pos(loc)
        out.append(error(loaded.path, pos, code, message, hint or hints.get(code, ""), loc))
    return out


_ENTRY_PARENTS = ("values", "targets")


def prune_point(err: Any, root: type[BaseModel]) -> YamlPath | None:
    """The key whose removal makes this error go away without moving anything else: the unknown
    key itself, a whole result or target entry, or an optional field (its default then applies).
    None when only a required field is at fault and nothing can be removed safely."""
    loc: YamlPath = tuple(p for p in err["loc"] if p != "[key]")
    if not loc:
        return None
    if err["type"] == "extra_forbidden":
        return loc
    for n in range(len(loc), 1, -1):
        if loc[n - 2] in _ENTRY_PARENTS:
            return loc[:n]
    for n in range(len(loc), 0, -1):
        model = _model_at(root, loc[: n - 1])
        name = loc[n - 1]
        if model is not None and isinstance(name, str) and name in model.model_fields:
            return loc[:n] if not model.model_fields[name].is_required() else None
    return None
