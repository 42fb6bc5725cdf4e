"""The exemplar register (điển hình tiên tiến) by field, and the fields still without one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def register(cat: Catalogue, units: Sequence[Unit]) -> list[FieldRegister]:
    entries = [Entry(u, e) for u in units for e in u.exemplars]
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
