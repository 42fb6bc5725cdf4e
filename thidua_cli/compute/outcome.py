"""One phase of the campaign, computed: commune indicators, unit scores and ranks, quota checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from thidua_cli.compute import built_at_once
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
    # each unit's classification at the earlier final phases, latest first (a term plan's
    # previous years), for awards that need "N năm liền"; empty when no rule asks for it
    history: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

    def streak(self, unit_id: str, level_id: str) -> int:
        """Final phases in a row, ending with this one, at which the unit was at `level_id`."""
        now = self.unit(unit_id)
        if now is None or now.level is None or now.level.id != level_id:
            return 0
        run = 1
        for earlier in self.history.get(unit_id, ()):
            if earlier != level_id:
                break
            run += 1
        return run

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


@built_at_once
def compute(
    cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date | None = None
) -> Outcome:
    """Everything the Council reviews for one phase, as the data stood on `as_of`. By default
    that is the phase deadline or the latest submission for the phase, whichever is later, so
    late reports count (with their penalty) and the result depends on the data alone.

    Invariant the approval lock relies on (guard._same_inputs): the outcome of a phase reads
    the catalogue, each unit's own fields and its reports up to this phase, never a later one.
    A rule that looks at later phases must change that comparison too (test_locks counts)."""
    p = phase_of(cat, phase)
    if as_of is None:
        as_of = _default_as_of(cat, units, phase)
    scores = _scores(cat, units, phase, as_of)
    return Outcome(
        cat,
        p,
        as_of,
        aggregate(cat, units, scores, phase, as_of),
        scores,
        check_quotas(cat, scores),
        _history(cat, units, phase),
    )


def _default_as_of(cat: Catalogue, units: Sequence[Unit], phase: int) -> date:
    submitted = [r.submitted for u in units if (r := u.report(phase)) is not None]
    return max([deadline(cat, phase), *submitted])


def _scores(cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date) -> list[UnitScore]:
    if not cat.scores:
        return []
    windows = {u.id: (w.due if (w := cat.window(u, phase)) else None) for u in units}
    return score_units(cat, units, phase, as_of, windows)


def _history(
    cat: Catalogue, units: Sequence[Unit], phase: int
) -> dict[str, tuple[str | None, ...]]:
    """Classifications at the earlier final phases, each as of its own deadline."""
    rules = cat.awards.rules if cat.awards else []
    if not cat.scores or not any(r.years > 1 for r in rules):
        return {}
    earlier = sorted(
        (q.number for q in cat.phases if q.number < phase and cat.is_final(q)), reverse=True
    )
    levels: dict[str, list[str | None]] = {u.id: [] for u in units}
    for q in earlier:
        at = {s.unit.id: s for s in _scores(cat, units, q, _default_as_of(cat, units, q))}
        for u in units:
            s = at.get(u.id)
            levels[u.id].append(s.level.id if s is not None and s.level is not None else None)
    return {uid: tuple(v) for uid, v in levels.items()}
