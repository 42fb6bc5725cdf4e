"""`thidua history` output: versioned JSON and a rich table."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import IO, Any

from thidua_cli.audit.history import Change
from thidua_cli.formats import writer
from thidua_cli.formats.terminal import console, esc


def as_json(unit: str, changes: list[Change]) -> str:
    doc: dict[str, Any] = {"version": 1, "unit": unit, "changes": [asdict(c) for c in changes]}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def print_history(unit: str, changes: list[Change], console: Any) -> None:
    from rich.table import Table

    if not changes:
        console.print(f"Chưa có thay đổi nào về số liệu của {esc(unit)} trong lịch sử git.")
        return
    t = Table(title=f"Lịch sử số liệu của {esc(unit)}", title_justify="left")
    for col in ("Ngày", "Người sửa", "Commit", "Đợt", "Chỉ tiêu", "Cũ → mới", "Nội dung commit"):
        t.add_column(col, overflow="fold")
    for c in changes:
        move = c.new if not c.old else f"{c.old} → {c.new}"
        t.add_row(
            *(esc(x) for x in (c.date, c.author, c.commit, c.phase or "—", c.code, move, c.message))
        )
    console.print(t)


def _table(h: tuple[str, list[Change]], stream: IO[str]) -> None:
    print_history(h[0], h[1], console(stream))


FORMATS: dict[str, Callable[[tuple[str, list[Change]], IO[str]], None]] = {
    "table": _table,
    "json": writer(lambda h: as_json(*h)),
}
