"""Who has registered, signed, reported (on time or late) for a phase; who finished early."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from thidua_cli.compute import built_at_once
from thidua_cli.compute.evaluate import Label, evaluate, result_value, unit_target
from thidua_cli.compute.outcome import deadline, phase_of
from thidua_cli.read.models import Bloc, Catalogue, Unit

State = Literal["on-time", "late", "missing", "not-due"]


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
    reg = unit.registration_for(cat.phase(phase))
    if report is None or reg is None:
        return False
    index = {i.code: i for i in cat.indicators}
    labels = []
    for code in reg.targets:
        ind = index.get(code)
        result = report.values.get(code)
        if ind is None or ind.aggregation in ("computed", "across", "none"):
            continue
        target, _ = unit_target(cat, unit, ind, phase, ind.aggregation == "count-true", annual=True)
        actual = result_value(result)[0] if result else None
        labels.append(evaluate(ind, actual, target, "annual").label)
    judged = [lb for lb in labels if lb is not Label.NO_TARGET]
    return bool(judged) and all(lb.met for lb in judged)


@built_at_once
def status(cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date) -> Status:
    p = phase_of(cat, phase)
    blocs = []
    for bloc in cat.unit_blocs:
        rows = []
        for u in sorted((u for u in units if cat.bloc_of(u) == bloc.id), key=lambda u: u.id):
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
                    (reg := u.registration_for(p)) is not None and reg.date <= as_of,
                    (pact := u.pact_for(p)) is not None and pact.signed <= as_of,
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
