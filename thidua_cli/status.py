"""Who has registered, signed, reported (on time or late) for a phase; who finished early."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from . import numfmt
from .evaluate import Label, evaluate, result_value, unit_target
from .models import Bloc, Catalogue, Unit
from .outcome import deadline, phase_of

JSON_VERSION = 1
State = Literal["on-time", "late", "missing", "not-due"]
STATE_VI = {
    "on-time": "đúng hạn",
    "late": "nộp muộn",
    "missing": "chưa nộp (quá hạn)",
    "not-due": "chưa nộp (còn hạn)",
}


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    registered: bool
    pact: bool
    due: date | None
    submitted: date | None
    state: State
    early: bool  # every registered indicator already meets its annual target


@dataclass(frozen=True)
class BlocStatus:
    bloc: Bloc
    units: list[UnitStatus]

    def count(self, *states: State) -> int:
        return sum(1 for u in self.units if u.state in states)

    @property
    def rate(self) -> Decimal:
        """Reporting rate: submitted (on time or late) over expected, in percent."""
        return Decimal(self.count("on-time", "late") * 100) / len(self.units)


@dataclass(frozen=True)
class Status:
    phase: int
    phase_name: str
    as_of: date
    deadline: date
    blocs: list[BlocStatus]

    @property
    def days_left(self) -> int:
        return (self.deadline - self.as_of).days


def _early(cat: Catalogue, unit: Unit, phase: int) -> bool:
    report = unit.report(phase)
    if report is None or unit.registration is None:
        return False
    index = {i.code: i for i in cat.indicators}
    labels = []
    for code in unit.registration.targets:
        ind = index.get(code)
        result = report.values.get(code)
        if ind is None or ind.aggregation == "computed":
            continue
        target, _ = unit_target(unit, ind, 0, True, ind.aggregation == "count-true")
        actual = result_value(result)[0] if result else None
        labels.append(evaluate(ind, actual, target, "annual").label)
    judged = [lb for lb in labels if lb is not Label.NO_TARGET]
    return bool(judged) and all(lb.met for lb in judged)


def status(cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date) -> Status:
    p = phase_of(cat, phase)
    blocs = []
    for bloc in cat.blocs:
        rows = []
        for u in sorted((u for u in units if u.bloc == bloc.id), key=lambda u: u.id):
            w = cat.window(u, phase)
            due = w.due if w else None
            report = u.report(phase)
            submitted = report.submitted if report and report.submitted <= as_of else None
            state: State
            if submitted is not None:
                state = "late" if due is not None and submitted > due else "on-time"
            else:
                state = "missing" if due is not None and as_of > due else "not-due"
            rows.append(
                UnitStatus(
                    u,
                    u.registration is not None,
                    u.pact is not None and u.pact.signed <= as_of,
                    due,
                    submitted,
                    state,
                    submitted is not None and _early(cat, u, phase),
                )
            )
        if rows:
            blocs.append(BlocStatus(bloc, rows))
    return Status(phase, p.name, as_of, deadline(cat, phase), blocs)


def next_phase(cat: Catalogue, as_of: date) -> int:
    """The first phase whose deadline has not passed, else the last one."""
    phases = sorted(p.number for p in cat.phases)
    return next((n for n in phases if deadline(cat, n) >= as_of), phases[-1])


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
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


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
        f"[bold]{s.phase_name}[/] — hạn báo cáo {numfmt.day(s.deadline)}, tính đến "
        f"ngày {numfmt.day(s.as_of)}: [bold]{when}[/]."
    )
    summary = Table(title="Tình hình báo cáo theo khối", title_justify="left")
    for col in ("Khối", "Phải nộp", "Đã nộp", "Đúng hạn", "Muộn", "Chưa nộp", "Tỷ lệ nộp"):
        summary.add_column(col, justify="left" if col == "Khối" else "right")
    for b in s.blocs:
        summary.add_row(
            b.bloc.name,
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
        t = Table(title=f"{b.bloc.name}: đơn vị cần đôn đốc", title_justify="left")
        for col in ("Mã", "Đơn vị", "Đăng ký", "Giao ước", "Báo cáo"):
            t.add_column(col)
        for u in pending:
            report = STATE_VI[u.state] + (f" {numfmt.day(u.submitted)}" if u.submitted else "")
            t.add_row(
                u.unit.id,
                u.unit.name,
                "có" if u.registered else "[red]chưa[/]",
                "có" if u.pact else "[red]chưa[/]",
                report if u.state == "on-time" else f"[yellow]{report}[/]",
            )
        console.print(t)
    early = [u for b in s.blocs for u in b.units if u.early]
    if early:
        console.print(
            "[bold green]Về đích sớm[/] (đã đạt mọi chỉ tiêu đăng ký cả năm): "
            + ", ".join(f"{u.unit.name}" for u in early)
        )
