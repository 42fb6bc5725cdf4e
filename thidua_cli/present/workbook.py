"""Excel workbooks with reproducible bytes: fixed document properties and zip timestamps, so
the same data writes the same file (a form or an export can be compared and committed)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from thidua_cli.present.render import _reproducible_zip


def save(wb: Any, title: str, day: date) -> bytes:
    """The workbook's bytes; `day` (from the data, never the clock) stamps its properties."""
    stamp = datetime(day.year, day.month, day.day)
    props = wb.properties
    props.creator = "thidua"
    props.lastModifiedBy = "thidua"
    props.title = title
    props.created = stamp
    props.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    return _reproducible_zip(raw.getvalue())


def neutral(text: str) -> str:
    """Data text as a cell shows it, never read as a formula: a leading = + - @ (and tab or
    carriage return) gets an apostrophe-like guard, as OWASP advises for spreadsheets."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
