"""What people type into a spreadsheet cell or on the command line, read the Vietnamese way.

"10.900" is ten thousand nine hundred, "96,5" and "96,5%" are ninety-six and a half, a
date may be text ("26/6/2026") or an Excel serial number, "Có" and "Đạt" are true. Each reader
returns the value, or raises `Unreadable` with a Vietnamese reason; nothing here guesses
silently when two readings are possible.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from thidua_cli.read.types import BOOL_WORDS, parse_day


class Unreadable(ValueError):
    """The text cannot be read as the value wanted; `args[0]` says why, in Vietnamese."""


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED_DOT = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 10.900 or 1.234,5
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$")  # 1,234.5 (typed the English way)
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1/1/1900 (Excel counts a 29/2/1900 that never was)


def number_text(text: str) -> tuple[Decimal, bool]:
    """A number typed as text; returns it and whether it carried a "%" sign.

    Vietnamese writing: "." groups thousands, "," is the decimal mark ("10.900", "96,5",
    "1.234,5"). A lone "." followed by other than three digits can only be a decimal point
    ("96.5"). "10,900" is refused: 10,9 the Vietnamese way, 10900 the English way."""
    s = _SPACES.sub("", unicodedata.normalize("NFC", text))
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    if not s:
        raise Unreadable("ô trống")
    if _GROUPED_DOT.match(s):
        clean = s.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMA.match(s):
        clean = s.replace(",", "")
    elif _PLAIN.match(s):
        if s.count(",") == 1 and re.search(r",\d{3}$", s) and not s.lstrip("+-").startswith("0"):
            raise Unreadable(
                f"«{text}» đọc được hai cách: {s.replace(',', '.')} (dấu phẩy thập phân) hoặc "
                f"{s.replace(',', '')} (dấu phẩy ngăn cách hàng nghìn)"
            )
        clean = s.replace(",", ".")
    else:
        raise Unreadable(f"«{text}» không phải một số")
    try:
        value = Decimal(clean)
    except InvalidOperation:
        raise Unreadable(f"«{text}» không phải một số") from None
    if not value.is_finite() or (value and abs(value.adjusted()) > 15):
        raise Unreadable(f"«{text}» quá lớn hoặc quá nhỏ")
    return value, percent


def number_cell(value: object, percent_format: bool = False) -> tuple[Decimal, bool]:
    """A cell's number: an Excel number (a percent-formatted cell holds 0.965 for 96,5%),
    or text as `number_text` reads it. Returns the value and whether it is a percentage
    already scaled to 0–100."""
    if isinstance(value, bool):
        raise Unreadable("ô chứa giá trị đúng/sai, không phải một số")
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN
            raise Unreadable("ô không chứa một số")
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return (d * 100, True) if percent_format else (d, False)
    if isinstance(value, str):
        return number_text(value)
    raise Unreadable("ô không chứa một số")


def bool_cell(value: object) -> bool:
    """Có/Không from the drop-down, or the words people type instead."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip().casefold()
        if word in BOOL_WORDS:
            return BOOL_WORDS[word]
        raise Unreadable(f"«{value}» không phải Có hoặc Không")
    raise Unreadable("ô cần Có hoặc Không")


def level_of(levels: list[str], typed: str) -> str | None:
    """A rating's level as the catalogue writes it: «tốt», « Tốt » are «Tốt»; None when the
    text is none of the levels (the caller says so; nothing is guessed)."""

    def key(s: str) -> str:
        return _SPACES.sub(" ", unicodedata.normalize("NFC", s)).strip().casefold()

    return next((level for level in levels if key(level) == key(typed)), None)


def date_cell(value: object) -> date:
    """A date cell: a real date, an Excel serial number, or text (26/6/2026, 2026-06-26)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise Unreadable(f"«{value}» không phải một ngày")
    if isinstance(value, str):
        text = value.strip().replace(".", "/").replace("-", "/")
        parts = text.split("/")
        if len(parts) == 3 and len(parts[0]) == 4:  # 2026/06/26
            text = f"{parts[2]}/{parts[1]}/{parts[0]}"
        found = parse_day(text)
        if found is not None:
            return found
        raise Unreadable(f"«{value}» không phải một ngày (viết ngày/tháng/năm: dd/mm/yyyy)")
    raise Unreadable("ô cần một ngày")
