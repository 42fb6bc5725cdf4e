"""Annotated field types shared by the models: exact numbers, Vietnamese dates, NFC text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$", re.ASCII)
_THOUSANDS_TEXT = re.compile(r"^[+-]?\d{1,3}(\.\d{3}){2,}(,\d+)?$|^[+-]?\d{1,3}(\.\d{3})+,\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")


def number(v: Any) -> Any:
    if isinstance(v, bool):
        raise PydanticCustomError(
            "expected-number", "Giá trị đúng/sai (true/false) ở chỗ cần một số"
        )
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise PydanticCustomError("expected-number", "Không phải một số hữu hạn")
        return v
    if isinstance(v, str):
        s = v.strip()
        if any(c.isdigit() and not c.isascii() for c in s):
            raise PydanticCustomError(
                "non-ascii-digit", "«{text}» có chữ số không phải 0–9", {"text": v}
            )
        if _THOUSANDS_TEXT.match(s):
            raise PydanticCustomError(
                "thousands-separator",
                "«{text}» viết theo kiểu Việt Nam (dấu chấm ngăn cách hàng nghìn)",
                {"text": v},
            )
        if _COMMA_DECIMAL.match(s):
            raise PydanticCustomError(
                "decimal-comma", "«{text}» dùng dấu phẩy thập phân", {"text": v}
            )
        bare = s.removesuffix("%").strip()
        if s.endswith("%") and re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", bare):
            raise PydanticCustomError(
                "expected-number",
                "«{text}» có dấu %: tỷ lệ ghi con số không kèm dấu %, ví dụ {bare}",
                {"text": v, "bare": bare.replace(",", ".")},
            )
        raise PydanticCustomError(
            "expected-number", "«{text}» là chữ, ở đây cần một số", {"text": v}
        )
    raise PydanticCustomError("expected-number", "Ở đây cần một số")


def _text(v: Any) -> Any:
    if isinstance(v, str):  # a block scalar's final newline is YAML's, not the person's
        return unicodedata.normalize("NFC", v.removesuffix("\n"))
    if isinstance(v, bool | int | Decimal | float):
        raise PydanticCustomError(
            "expected-text", "«{text}» là số hoặc đúng/sai, ở đây cần chữ", {"text": str(v)}
        )
    raise PydanticCustomError("expected-text", "Ở đây cần một đoạn chữ")


def _date(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        m = _VN_DATE.match(v)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                raise PydanticCustomError(
                    "invalid-date", "Ngày «{text}» không tồn tại", {"text": v}
                ) from None
    raise PydanticCustomError("invalid-date", "«{text}» không phải một ngày", {"text": str(v)})


def parse_day(text: str) -> date | None:
    """A date typed on the command line: 2026-06-30 or 30/06/2026."""
    try:
        return _date(text.strip()) if _VN_DATE.match(text) else date.fromisoformat(text.strip())
    except (ValueError, PydanticCustomError):
        return None


# Where a true/false is expected, these words are read as one (any case, NFC): the tool's
# one rule for booleans. Elsewhere they stay text, so a name like «Không» is never a boolean.
BOOL_WORDS: dict[str, bool] = {
    w: flag
    for flag, words in (
        (True, ("true", "có", "co", "đạt", "x", "yes", "đúng", "1")),
        (False, ("false", "không", "khong", "không đạt", "chưa đạt", "no", "sai", "0")),
    )
    for w in words
}


def bool_word(v: Any) -> Any:
    """A boolean word ("có", "Không đạt", "yes") as the boolean; anything else unchanged."""
    if isinstance(v, str):
        flag = BOOL_WORDS.get(" ".join(unicodedata.normalize("NFC", v).split()).casefold())
        if flag is not None:
            return flag
    return v


def _boolean(v: Any) -> Any:
    v = bool_word(v)
    if isinstance(v, bool):
        return v
    raise PydanticCustomError(
        "expected-boolean",
        "«{text}» không phải giá trị đúng/sai (viết true/false, có/không hoặc đạt/không đạt)",
        {"text": str(v)},
    )


def as_int(v: Any) -> Any:
    if isinstance(v, bool):
        raise PydanticCustomError("expected-integer", "Ở đây cần một số nguyên")
    if isinstance(v, int):
        return v
    if isinstance(v, Decimal) and v.is_finite() and v == v.to_integral_value():
        return int(v)
    raise PydanticCustomError("expected-integer", "«{text}» không phải số nguyên", {"text": str(v)})


SLUG = r"^[a-z0-9][a-z0-9-]*$"
# an indicator code: CT01, BS16, CT04.1, or a plan's own numbering written with a letter
# first (so a YAML key stays text): M1, A2.3, NQ12.b
CODE = r"^[A-Z][A-Za-z0-9]{0,7}(\.[0-9a-z]{1,3}){0,3}$"
# The JSON Schema of each type says what a file may contain (for editors and other
# validators); the validators above say how it is read.
Number = Annotated[Decimal, BeforeValidator(number), WithJsonSchema({"type": "number"})]
Text = Annotated[
    str,
    BeforeValidator(_text),
    Field(min_length=1),
    WithJsonSchema({"type": "string", "minLength": 1}),
]
Day = Annotated[
    date,
    BeforeValidator(_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$",
            "description": "yyyy-mm-dd hoặc dd/mm/yyyy",
        }
    ),
]
# the words as an editor's schema can list them (JSON Schema has no case-insensitive match)
BOOL_WORD_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": sorted({form for w in BOOL_WORDS for form in (w, w.capitalize(), w.upper())}),
}
Bool = Annotated[
    bool,
    BeforeValidator(_boolean),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, BOOL_WORD_SCHEMA]}),
]
Int = Annotated[int, BeforeValidator(as_int), WithJsonSchema({"type": "integer"})]
Slug = Annotated[
    str,
    BeforeValidator(_text),
    Field(pattern=SLUG),
    WithJsonSchema({"type": "string", "pattern": SLUG}),
]
Code = Annotated[
    str,
    BeforeValidator(_text),
    Field(pattern=CODE),
    WithJsonSchema({"type": "string", "pattern": CODE}),
]


def _target(v: Any) -> Any:
    return v if isinstance(v, bool) else number(v)


# a target that is a number or, for a yes/no indicator, true/false
Target = Annotated[
    Decimal | bool,
    BeforeValidator(_target),
    WithJsonSchema({"type": ["number", "boolean"]}),
]


def fraction(text: str) -> tuple[Decimal, Decimal] | None:
    """ "4/7" -> (4, 7); None when the text is not a fraction with a positive denominator."""
    num, sep, den = text.partition("/")
    if not sep:
        return None
    try:
        a, b = Decimal(num.strip()), Decimal(den.strip())
    except ArithmeticError:
        return None
    if not (a.is_finite() and b.is_finite()) or b <= 0 or a < 0:
        return None
    return a, b
