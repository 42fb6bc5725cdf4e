"""The exemplar register (điển hình tiên tiến) by field, and the fields still without one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from thidua_cli.read.models import Catalogue, Exemplar, FieldOfWork, Unit

RECOGNISED = ("recognised", "commended")


@dataclass(frozen=True)
class Entry:
    unit: Unit
    exemplar: Exemplar


@dataclass(frozen=True)
class FieldRegister:
    field: FieldOfWork
    entries: list[Entry]

    @property
    def has_recognised(self) -> bool:
        return any(e.exemplar.status in RECOGNISED for e in self.entries)


def register(
    cat: Catalogue, units: Sequence[Unit], as_of: date | None = None
) -> list[FieldRegister]:
    """The register by field; `as_of`, as it stood that day (a report's data date): an
    exemplar registered later is not in it yet, one recognised later is still being
    cultivated (as the commune indicator of fields with an exemplar counts it)."""
    entries = [
        Entry(u, e if as_of is None else _as_of(e, as_of))
        for u in units
        for e in u.exemplars
        if as_of is None or e.registered <= as_of
    ]
    return [
        FieldRegister(
            f,
            sorted(
                (e for e in entries if e.exemplar.field == f.id),
                key=lambda e: (e.unit.id, e.exemplar.id),
            ),
        )
        for f in cat.fields
    ]


def _as_of(e: Exemplar, day: date) -> Exemplar:
    if e.status in RECOGNISED and e.recognised is not None and e.recognised > day:
        return e.model_copy(update={"status": "cultivated", "recognised": None, "decision": None})
    return e
