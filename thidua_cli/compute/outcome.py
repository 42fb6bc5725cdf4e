"""One phase of the campaign, computed: commune indicators, unit scores and ranks, quota checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from thidua_cli.compute.commune import IndicatorOutcome, aggregate
from thidua_cli.compute.scoring import QuotaCheck, UnitScore, check_quotas, score_units
from thidua_cli.read.models import Catalogue, Phase, Unit


class UnknownPhase(ValueError):
    """The phase asked for is not in the catalogue."""


@dataclass(frozen=True)
class Outcome:
    catalogue: Catalogue
    phase: Phase
    as_of: date
    indicators: list[IndicatorOutcome]
    units: list[UnitScore]
    quotas: list[QuotaCheck]

    @property
    def provisional(self) -> bool:
        """Classification at an interim phase is a checkpoint, not the verdict; a term plan's
        yearly reviews may each be final (`phases[].final`)."""
        return not self.catalogue.is_final(self.phase)

    @property
    def sample(self) -> bool:
        return self.catalogue.campaign.sample or any(s.unit.sample for s in self.units)

    def unit(self, unit_id: str) -> UnitScore | None:
        return next((s for s in self.units if s.unit.id == unit_id), None)


def phase_of(cat: Catalogue, number: int) -> Phase:
    for p in cat.phases:
        if p.number == number:
            return p
    raise UnknownPhase(number)


def deadline(cat: Catalogue, phase: int) -> date:
    """The commune's reporting deadline for a phase: the latest due date over the calendars."""
    dues = [w.due for c in cat.calendars for w in c.phases if w.phase == phase]
    return max(dues)


def compute(
    cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date | None = None
) -> Outcome:
    """Everything the Council reviews for one phase, as the data stood on `as_of`. By default
    that is the phase deadline or the latest submission for the phase, whichever is later, so
    late reports count (with their penalty) and the result depends on the data alone."""
    p = phase_of(cat, phase)
    if as_of is None:
        submitted = [r.submitted for u in units if (r := u.report(phase)) is not None]
        as_of = max([deadline(cat, phase), *submitted])
    windows = {u.id: (w.due if (w := cat.window(u, phase)) else None) for u in units}
    scores = score_units(cat, units, phase, as_of, windows) if cat.scores else []
    return Outcome(
        cat,
        p,
        as_of,
        aggregate(cat, units, scores, phase, as_of),
        scores,
        check_quotas(cat, scores),
    )
