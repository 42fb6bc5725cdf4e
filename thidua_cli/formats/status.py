"""`thidua status` output: versioned JSON and rich tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from thidua_cli import numfmt
from thidua_cli.compute.status import Status
from thidua_cli.formats import json_text, writer
from thidua_cli.formats.terminal import console, esc
from thidua_cli.present.text import STATE_VI

JSON_VERSION = 1


def as_json(s: Status) -> str:
    doc: dict[str, Any] = {
        "version": JSON_VERSION,
        "phase": s.phase,
        "as_of": s.as_of.isoformat(),
        "deadline": s.deadline.isoformat(),
        "days_left": s.days_left,
        "blocs": [
            {
                "bloc": b.bloc.id,
                "expected": len(b.units),
                "submitted": b.count("on-time", "late"),
                "on_time": b.count("on-time"),
                "late": b.count("late"),
                "missing": b.count("missing"),
                "not_due": b.count("not-due"),
                "rate": float(numfmt.quantize(b.rate, 2)),
                "units": [
                    {
                        "id": u.unit.id,
                        "name": u.unit.name,
                        "registered": u.registered,
                        "pact": u.pact,
                        "due": u.due.isoformat() if u.due else None,
                        "submitted": u.submitted.isoformat() if u.submitted else None,
                        "state": u.state,
                        "early": u.early,
                    }
                    for u in b.units
                ],
            }
            for b in s.blocs
        ],
    }
    return json_text(doc)


def print_status(s: Status, console: Any) -> None:
    from rich.table import Table

    left = s.days_left
    when = (
        f"còn {left} ngày"
        if left > 0
        else "hôm nay là hạn cuối"
        if left == 0
        else f"đã quá hạn {-left} ngày"
    )
    console.print(
        f"[bold]{esc(s.phase_name)}[/] — hạn báo cáo {numfmt.day(s.deadline)}, tính đến "
        f"ngày {numfmt.day(s.as_of)}: [bold]{when}[/]."
    )
    summary = Table(title="Tình hình báo cáo theo khối", title_justify="left")
    for col in ("Khối", "Phải nộp", "Đã nộp", "Đúng hạn", "Muộn", "Chưa nộp", "Tỷ lệ nộp"):
        summary.add_column(col, justify="left" if col == "Khối" else "right")
    for b in s.blocs:
        summary.add_row(
            esc(b.bloc.name),
            str(len(b.units)),
            str(b.count("on-time", "late")),
            str(b.count("on-time")),
            str(b.count("late")),
            str(b.count("missing", "not-due")),
            numfmt.percent(b.rate, 1),
        )
    console.print(summary)
    soon = left <= 15  # near the deadline, units still due are worth a reminder too
    for b in s.blocs:
        pending = [
            u
            for u in b.units
            if u.state in ("late", "missing")
            or not u.registered
            or not u.pact
            or (soon and u.state == "not-due")
        ]
        if not pending:
            continue
        t = Table(title=f"{esc(b.bloc.name)}: đơn vị cần đôn đốc", title_justify="left")
        for col in ("Mã", "Đơn vị", "Đăng ký", "Giao ước", "Báo cáo"):
            t.add_column(col)
        for u in pending:
            report = STATE_VI[u.state] + (f" {numfmt.day(u.submitted)}" if u.submitted else "")
            t.add_row(
                esc(u.unit.id),
                esc(u.unit.name),
                "có" if u.registered else "[red]chưa[/]",
                "có" if u.pact else "[red]chưa[/]",
                report if u.state == "on-time" else f"[yellow]{report}[/]",
            )
        console.print(t)
    early = [u for b in s.blocs for u in b.units if u.early]
    if early:
        names = ", ".join(esc(u.unit.name) for u in early[:EARLY_SHOWN])
        if len(early) > EARLY_SHOWN:
            names += (
                f" và {len(early) - EARLY_SHOWN} đơn vị khác (đủ danh sách: thidua status "
                "--format json, trường «early»)"
            )
        console.print(
            f"[bold green]Về đích sớm[/] ({len(early)} đơn vị đã đạt mọi chỉ tiêu đăng ký): "
            + names
        )


EARLY_SHOWN = 20  # names of units that finished early printed on the terminal; the rest counted


def _table(s: Status, stream: IO[str]) -> None:
    print_status(s, console(stream))


FORMATS: dict[str, Callable[[Status, IO[str]], None]] = {
    "table": _table,
    "json": writer(as_json),
}
