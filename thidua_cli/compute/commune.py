"""Commune-wide values: summed, a ratio of summed parts, reported by the owner, counted, or
computed from the classification and the exemplar register, exactly as each indicator declares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from thidua_cli.compute.evaluate import (
    HUNDRED,
    Basis,
    Evaluation,
    Label,
    Value,
    basis_for,
    campaign_target,
    evaluate,
    result_value,
)
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.read.models import Catalogue, Indicator, PhaseReport, Registration, Unit

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class IndicatorOutcome:
    indicator: Indicator
    evaluation: Evaluation
    reporters: int  # units whose figures make up the value
    expected: int  # units expected to report it

    @property
    def partial(self) -> bool:
        """Made from fewer units than expected (a sum or a ratio of some villages only)."""
        return self.indicator.aggregation in PARTIAL_KINDS and self.reporters < self.expected


# figures built from many units, whose value depends on how many reported
PARTIAL_KINDS = ("sum", "ratio", "count-true")


def covered(reporters: int, expected: int, threshold: Decimal) -> bool:
    """Did enough units report for the commune figure to be judged (the catalogue's
    `report.coverage`, a percentage of the units expected)?"""
    return expected == 0 or Decimal(reporters) * HUNDRED >= threshold * expected


def _kinds(ind: Indicator) -> set[str]:
    return set(ind.aggregate_over or ind.applies_to)


# a unit with its report and its registration for one phase
_Facts = tuple[Unit, PhaseReport | None, Registration | None]


class _Units:
    """The units with their report and registration for a phase, by kind, in the given order:
    worked out once, not again for each indicator (forty indicators, ten thousand units)."""

    def __init__(self, cat: Catalogue, units: Sequence[Unit]) -> None:
        self.cat, self.units = cat, units
        self._phases: dict[int, list[_Facts]] = {}
        self._kinds: dict[str, list[int]] = {}
        for n, u in enumerate(units):
            self._kinds.setdefault(u.kind, []).append(n)

    def facts(self, phase: int) -> list[_Facts]:
        found = self._phases.get(phase)
        if found is None:
            p = self.cat.phase(phase)
            found = self._phases[phase] = [
                (u, u.report(phase), u.registration_for(p)) for u in self.units
            ]
        return found

    def of_kinds(self, kinds: set[str], phase: int) -> list[_Facts]:
        facts = self.facts(phase)
        return [facts[n] for n in sorted(n for k in kinds for n in self._kinds.get(k, ()))]


def _expected(ind: Indicator, report: PhaseReport | None, reg: Registration | None) -> bool:
    """Is the unit expected to report this indicator: it registered it, reported it, or
    registered nothing at all (then everything of its kind is expected of it)."""
    return (
        reg is None
        or ind.code in reg.targets
        or (ind.parent is not None and ind.parent in reg.targets and ind.aggregation != "sum")
        or (report is not None and ind.code in report.values)
    )


def _commune_target(cat: Catalogue, ind: Indicator, phase: int) -> tuple[Value | None, Basis]:
    if phase in ind.phase_targets:
        return ind.phase_targets[phase], "phase"
    return campaign_target(ind), basis_for(cat, ind, phase)


def counts_units(ind: Indicator) -> bool:
    """count-true on a count indicator is a number of units ("04 trường"), not a share."""
    return ind.aggregation == "count-true" and ind.kind == "count"


def aggregate(
    cat: Catalogue, units: Sequence[Unit], scores: Sequence[UnitScore], phase: int, as_of: date
) -> list[IndicatorOutcome]:
    out: list[IndicatorOutcome] = []
    index = {i.code: i for i in cat.indicators}
    pool = _Units(cat, units)
    for ind in cat.indicators:
        target, basis = _commune_target(cat, ind, phase)
        if ind.aggregation == "none":  # a heading: its parts carry the targets
            out.append(IndicatorOutcome(ind, evaluate(ind, None, None, basis), 0, 0))
        elif ind.aggregation == "computed":
            out.append(_computed(cat, ind, scores, units, as_of, target, basis))
        elif ind.aggregation == "across":
            out.append(_across(cat, ind, index, pool, phase, as_of, target, basis))
        else:
            out.append(_reported(cat, ind, pool, phase, as_of, target, basis))
    return out


def _reported(
    cat: Catalogue,
    ind: Indicator,
    units: _Units,
    phase: int,
    as_of: date,
    target: Value | None,
    basis: Basis,
) -> IndicatorOutcome:
    """The commune value of a reported indicator for one phase, from the units' reports."""
    pool = (
        [f for f in units.facts(phase) if f[0].id == ind.owner]
        if ind.aggregation == "owner"
        else [f for f in units.of_kinds(_kinds(ind), phase) if _expected(ind, f[1], f[2])]
    )
    values: list[tuple[Value | None, Decimal | None, Decimal | None]] = []
    estimate = False
    for _, report, _ in pool:
        if report is None or report.submitted > as_of or ind.code not in report.values:
            continue
        result = report.values[ind.code]
        values.append(result_value(result))
        estimate |= bool(result.estimate if result.estimate is not None else report.estimate)
    n = len(values)
    actual: Value | None = None
    num = den = None
    if ind.aggregation == "owner" and values:
        actual, num, den = values[0]
    elif ind.aggregation == "sum" and values:
        actual = sum((v for v, _, _ in values if isinstance(v, Decimal)), ZERO)
    elif ind.aggregation == "ratio":
        parts = [(a, b) for _, a, b in values if a is not None and b is not None]
        if parts:
            num = sum((a for a, _ in parts), ZERO)
            den = ind.denominator or sum((b for _, b in parts), ZERO)
            actual = num / den * HUNDRED if den else None
    elif ind.aggregation == "count-true" and values:
        num = Decimal(sum(1 for v, _, _ in values if v is True))
        den = ind.denominator or Decimal(len(pool))
        share = num / den * HUNDRED if den else None
        actual = num if counts_units(ind) else share
    ev = evaluate(
        ind,
        actual,
        target,
        basis,
        estimate=estimate,
        numerator=num,
        denominator=den,
        whole_units=ind.aggregation == "count-true" and not counts_units(ind),
    )
    if ind.aggregation == "count-true" and num is not None and den:
        # a unit that has not reported is unknown, neither counted nor counted against
        best = num + (Decimal(len(pool)) - n)
        best_actual = best if counts_units(ind) else best / den * HUNDRED
        ev = _count_true_label(ind, ev, best_actual, target, basis)
    elif (
        ind.aggregation in PARTIAL_KINDS
        and not covered(n, len(pool), cat.report.coverage)
        and ev.label not in (Label.NO_DATA, Label.NO_TARGET)
    ):
        ev = replace(ev, label=Label.INSUFFICIENT)
    return IndicatorOutcome(ind, ev, n, len(pool))


def _count_true_label(
    ind: Indicator, ev: Evaluation, best: Decimal, target: Value | None, basis: Basis
) -> Evaluation:
    """ "Met" stands when it holds with every silent unit false, "not met" when it holds with
    every silent unit true; otherwise the silent units decide, and the figure is not judged."""
    judged = evaluate(ind, best, target, basis, whole_units=not counts_units(ind))
    if ev.label.met or not judged.label.met:
        return ev
    return replace(ev, label=Label.INSUFFICIENT)


def _across(
    cat: Catalogue,
    ind: Indicator,
    index: dict[str, Indicator],
    units: _Units,
    phase: int,
    as_of: date,
    target: Value | None,
    basis: Basis,
) -> IndicatorOutcome:
    """An indicator over the phases so far (a term plan's years): the average of another
    indicator's yearly values, its change on the previous phase, or the number of consecutive
    phases, ending with this one, in which it was met."""
    rule = ind.across
    assert rule is not None
    of = index[rule.of]
    history: list[Evaluation] = []
    for p in sorted(q.number for q in cat.phases if q.number <= phase):
        t, b = _commune_target(cat, of, p)
        history.append(_reported(cat, of, units, p, as_of, t, b).evaluation)
    numbers = [e.actual for e in history if isinstance(e.actual, Decimal)]
    actual: Decimal | None = None
    if not history or history[-1].actual is None:
        pass  # nothing reported for this phase yet: no figure "so far" either
    elif rule.rule == "average" and numbers:
        actual = sum(numbers, ZERO) / len(numbers)
    elif rule.rule in ("change", "growth") and len(history) >= 2:
        now, before = history[-1].actual, history[-2].actual
        if isinstance(now, Decimal) and isinstance(before, Decimal):
            if rule.rule == "change":
                actual = now - before
            elif before:
                actual = (now / before - 1) * HUNDRED
    elif rule.rule == "streak":
        run = 0
        for e in reversed(history):
            if not e.label.met:
                break
            run += 1
        actual = Decimal(run)
    ev = evaluate(ind, actual, target, basis)
    return IndicatorOutcome(ind, ev, len(numbers), len(history))


def _computed(
    cat: Catalogue,
    ind: Indicator,
    scores: Sequence[UnitScore],
    units: Sequence[Unit],
    as_of: date,
    target: Value | None,
    basis: Basis,
) -> IndicatorOutcome:
    rule = ind.compute
    assert rule is not None
    if rule.rule == "share-at-level":
        order = [lv.id for lv in cat.scoring.levels] if cat.scoring else []
        pool = [s for s in scores if not rule.kinds or s.unit.kind in rule.kinds]
        bar = order.index(rule.level) if rule.level in order else 0
        num = Decimal(
            sum(1 for s in pool if s.level is not None and order.index(s.level.id) <= bar)
        )
        den = Decimal(len(pool))
    else:  # fields-with-exemplar
        statuses = ("recognised", "commended") if rule.status == "recognised" else ("commended",)
        covered = {
            e.field
            for u in units
            for e in u.exemplars
            if e.status in statuses and (e.recognised is None or e.recognised <= as_of)
        }
        num = Decimal(sum(1 for f in cat.fields if f.id in covered))
        den = Decimal(len(cat.fields))
    actual = num / den * HUNDRED if den else None
    ev = evaluate(
        ind,
        actual,
        target,
        "annual" if basis == "progress" else basis,
        numerator=num,
        denominator=den,
    )
    return IndicatorOutcome(ind, ev, int(den), int(den))
