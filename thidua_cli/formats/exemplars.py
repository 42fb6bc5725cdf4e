"""`thidua exemplars` output: versioned JSON and a rich table."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.compute.exemplars import FieldRegister
from thidua_cli.formats import json_text, writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present.text import STATUS_VI

JSON_VERSION = 1


def as_json(reg: list[FieldRegister]) -> str:
    doc = {
        "version": JSON_VERSION,
        "fields": [
            {
                "field": r.field.id,
                "name": r.field.name,
                "has_recognised": r.has_recognised,
                "exemplars": [
                    {
                        "id": e.exemplar.id,
                        "unit": e.unit.id,
                        "title": e.exemplar.title,
                        "collective": e.exemplar.collective,
                        "person": e.exemplar.person,
                        "status": e.exemplar.status,
                        "mentor": e.exemplar.mentor,
                        "registered": e.exemplar.registered.isoformat(),
                        "last_visit": max((v.date for v in e.exemplar.visits), default=None)
                        and max(v.date for v in e.exemplar.visits).isoformat(),
                        "visits": len(e.exemplar.visits),
                        "recognised": e.exemplar.recognised.isoformat()
                        if e.exemplar.recognised
                        else None,
                        "decision": e.exemplar.decision,
                    }
                    for e in r.entries
                ],
            }
            for r in reg
        ],
        "fields_without_recognised": [r.field.id for r in reg if not r.has_recognised],
    }
    return json_text(doc)


def print_register(reg: list[FieldRegister], console: Any) -> None:
    from rich.table import Table

    t = Table(title="Sổ theo dõi điển hình tiên tiến", title_justify="left", show_lines=True)
    for col in (
        "Lĩnh vực",
        "Điển hình",
        "Đơn vị",
        "Trạng thái",
        "Người phụ trách",
        "Kiểm tra gần nhất",
    ):
        t.add_column(col, overflow="fold")
    for r in reg:
        if not r.entries:
            t.add_row(esc(r.field.name), "[red]chưa có điển hình[/]", "", "", "", "")
        for i, e in enumerate(r.entries):
            ex = e.exemplar
            who = ex.title + (f" ({ex.person})" if ex.person else "")
            last = max((v.date for v in ex.visits), default=None)
            status = STATUS_VI[ex.status] + (
                f" {numfmt.day(ex.recognised)}" if ex.recognised else ""
            )
            t.add_row(
                esc(r.field.name) if i == 0 else "",
                esc(who),
                esc(e.unit.name),
                esc(status),
                esc(ex.mentor),
                numfmt.day(last) if last else "[yellow]chưa kiểm tra[/]",
            )
    console.print(t)
    missing = [r.field.name for r in reg if not r.has_recognised]
    done = len(reg) - len(missing)
    console.print(f"Lĩnh vực có điển hình được công nhận: [bold]{done}/{len(reg)}[/].")
    if missing:
        console.print(
            "[bold yellow]Lĩnh vực chưa có điển hình được công nhận:[/] " + esc("; ".join(missing))
        )


def _table(reg: list[FieldRegister], stream: IO[str]) -> None:
    print_register(reg, console(stream))


FORMATS: dict[str, Callable[[list[FieldRegister], IO[str]], None]] = {
    "table": _table,
    "json": writer(as_json),
}
