"""`thidua history` output: versioned JSON and a rich table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.audit.figures import Figure
from thidua_cli.audit.history import Change
from thidua_cli.formats import json_number, json_text, writer
from thidua_cli.formats.terminal import console, esc


def figure_text(f: Figure | None) -> str:
    """A figure as the unit typed it: "1.197/1.238", "152,4", "Đạt"."""
    if f is None:
        return "—"
    if f.numerator is not None or f.denominator is not None:
        text = f"{numfmt.number(f.numerator)}/{numfmt.number(f.denominator)}"
    elif isinstance(f.value, bool):
        text = "Đạt" if f.value else "Không đạt"
    else:
        text = numfmt.number(f.value)
    return text + (" (có đính chính)" if f.corrected else "")


def _change_json(c: Change) -> dict[str, Any]:
    def figure(f: Figure | None) -> dict[str, Any] | None:
        if f is None:
            return None
        return {
            "value": json_number(f.value),
            "numerator": json_number(f.numerator),
            "denominator": json_number(f.denominator),
            "corrected": f.corrected,
            "text": figure_text(f),
        }

    return {
        "commit": c.commit,
        "author": c.author,
        "date": c.date,
        "message": c.message,
        "phase": c.phase,
        "code": c.code,
        "broken": c.broken,
        "old": figure(c.old),
        "new": figure(c.new),
        "evidence": None
        if c.evidence is None
        else {"old": list(c.evidence[0]), "new": list(c.evidence[1])},
    }


def as_json(unit: str, changes: list[Change]) -> str:
    doc: dict[str, Any] = {
        "version": 2,
        "unit": unit,
        "changes": [_change_json(c) for c in changes],
    }
    return json_text(doc)


def _day(iso: str) -> str:
    """2026-11-24 as 24/11/2026, as every other date the tool prints (JSON keeps ISO)."""
    try:
        return numfmt.day(date.fromisoformat(iso[:10]))
    except ValueError:
        return iso


def print_history(unit: str, changes: list[Change], console: Any) -> None:
    from rich.table import Table

    if not changes:
        console.print(f"Chưa có thay đổi nào về số liệu của {esc(unit)} trong lịch sử git.")
        return
    t = Table(title=f"Lịch sử số liệu của {esc(unit)}", title_justify="left")
    for col in ("Ngày", "Người sửa", "Commit", "Đợt", "Chỉ tiêu", "Cũ → mới", "Nội dung commit"):
        t.add_column(col, overflow="fold")
    for c in changes:
        if c.broken:
            move = "tệp lỗi, không đọc được"
        elif c.old is None or c.old == c.new:
            move = figure_text(c.new)
        else:
            move = f"{figure_text(c.old)} → {figure_text(c.new)}"
        if c.evidence is not None and c.old is not None:
            before, after = ("; ".join(e) or "không có" for e in c.evidence)
            move += f"; minh chứng: {before} → {after}"
        day = _day(c.date)
        t.add_row(
            *(esc(x) for x in (day, c.author, c.commit, c.phase or "—", c.code, move, c.message))
        )
    console.print(t)


def _table(h: tuple[str, list[Change]], stream: IO[str]) -> None:
    print_history(h[0], h[1], console(stream))


FORMATS: dict[str, Callable[[tuple[str, list[Change]], IO[str]], None]] = {
    "table": _table,
    "json": writer(lambda h: as_json(*h)),
}
