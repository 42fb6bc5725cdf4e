"""Vietnamese number and date formats: 10.900 tấn, 6,39%, ngày 30 tháng 6 năm 2026."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_STEPS = [Decimal(1).scaleb(-p) for p in range(12)]
_SWAP = str.maketrans(",.", ".,")


def quantize(value: Decimal, places: int) -> Decimal:
    """The one rounding rule of the tool: half away from zero (ROUND_HALF_UP), as taught in school."""
    step = _STEPS[places] if 0 <= places < len(_STEPS) else Decimal(1).scaleb(-places)
    return value.quantize(step, rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """10900 -> "10.900"; 6.39 -> "6,39"; None -> "—". `places` fixes the decimals shown."""
    if value is None:
        return "—"
    d = Decimal(value)
    if places is not None:
        d = quantize(d, places)
    elif d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    else:
        d = d.normalize()
    return f"{d:,f}".translate(_SWAP)  # 10,900.5 (Python) -> 10.900,5 (Vietnamese)


def percent(value: Decimal | None, places: int = 2) -> str:
    """6.39 -> "6,39%" (trailing zeros dropped: 95.00 -> "95%")."""
    if value is None:
        return "—"
    q = quantize(value, places)
    return number(q.normalize() if q != q.to_integral_value() else q.quantize(Decimal(1))) + "%"


def day(d: date) -> str:
    """30/6/2026, the short form used in tables."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def long_day(d: date) -> str:
    """ "ngày 30 tháng 6 năm 2026"; Nghị định 30/2020 writes day and month below 10 with a 0
    only for day 1-9 and months 1-2 ("ngày 05 tháng 02")."""
    dd = f"{d.day:02d}" if d.day < 10 else str(d.day)
    mm = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {dd} tháng {mm} năm {d.year}"


def figure(
    value: object, numerator: Decimal | None = None, denominator: Decimal | None = None
) -> str:
    """A figure as a unit typed it: "113,9", "708/752", "Đạt", "—" (for messages and annexes)."""
    if numerator is not None or denominator is not None:
        return f"{number(numerator)}/{number(denominator)}"
    if isinstance(value, bool):
        return "Đạt" if value else "Không đạt"
    if isinstance(value, Decimal):
        return number(value)
    return "—" if value is None else str(value)
