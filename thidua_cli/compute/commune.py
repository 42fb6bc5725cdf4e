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
    campaign_target,
    evaluate,
    result_value,
)
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.read.models import Catalogue, Indicator, Unit

ZERO = Decimal(0)


@dataclass(frozen=True)
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


def _expected(unit: Unit, ind: Indicator, phase: int) -> bool:
    """Is the unit expected to report this indicator: it registered it, reported it, or
    registered nothing at all (then everything of its kind is expected of it)."""
    report = unit.report(phase)
    reg = unit.registration
    return (
        reg is None
        or ind.code in reg.targets
        or (ind.parent is not None and ind.parent in reg.targets and ind.aggregation != "sum")
        or (report is not None and ind.code in report.values)
    )


def _commune_target(ind: Indicator, phase: int, last: bool) -> tuple[Decimal | bool | None, Basis]:
    if phase in ind.phase_targets:
        return ind.phase_targets[phase], "phase"
    return campaign_target(ind), ("progress" if ind.cumulative and not last else "annual")


def aggregate(
    cat: Catalogue, units: Sequence[Unit], scores: Sequence[UnitScore], phase: int, as_of: date
) -> list[IndicatorOutcome]:
    last = phase == max(p.number for p in cat.phases)
    threshold = cat.report.coverage
    out: list[IndicatorOutcome] = []
    for ind in cat.indicators:
        target, basis = _commune_target(ind, phase, last)
        if ind.aggregation == "computed":
            out.append(_computed(cat, ind, scores, units, as_of, target, basis))
            continue
        pool = (
            [u for u in units if u.id == ind.owner]
            if ind.aggregation == "owner"
            else [u for u in units if u.kind in _kinds(ind) and _expected(u, ind, phase)]
        )
        values = []
        estimate = False
        for u in pool:
            report = u.report(phase)
            if report is None or report.submitted > as_of or ind.code not in report.values:
                continue
            result = report.values[ind.code]
            values.append(result_value(result))
            estimate |= bool(result.estimate if result.estimate is not None else report.estimate)
        n = len(values)
        actual: Decimal | bool | None = None
        num = den = None
        if ind.aggregation == "owner" and values:
            actual, num, den = values[0]
        elif ind.aggregation == "sum" and values:
            actual = sum((v for v, _, _ in values if isinstance(v, Decimal)), ZERO)
        elif ind.aggregation == "ratio":
            parts = [(a, b) for _, a, b in values if a is not None and b is not None]
            if parts:
                num = sum((a for a, _ in parts), ZERO)
                den = sum((b for _, b in parts), ZERO)
                actual = num / den * HUNDRED if den else None
        elif ind.aggregation == "count-true" and values:
            num = Decimal(sum(1 for v, _, _ in values if v is True))
            den = Decimal(len(pool))
            actual = num / den * HUNDRED if den else None
        ev = evaluate(
            ind,
            actual,
            target,
            basis,
            estimate=estimate,
            numerator=num,
            denominator=den,
            whole_units=ind.aggregation == "count-true",
        )
        if ind.aggregation == "count-true" and num is not None and den:
            ev = _count_true_label(ind, ev, num + (den - n), den, target, basis)
        elif (
            ind.aggregation in PARTIAL_KINDS
            and not covered(n, len(pool), threshold)
            and ev.label not in (Label.NO_DATA, Label.NO_TARGET)
        ):
            ev = replace(ev, label=Label.INSUFFICIENT)
        out.append(IndicatorOutcome(ind, ev, n, len(pool)))
    return out


def _count_true_label(
    ind: Indicator,
    ev: Evaluation,
    best_num: Decimal,
    den: Decimal,
    target: Decimal | bool | None,
    basis: Basis,
) -> Evaluation:
    """A unit that has not reported is unknown, neither counted nor counted against: "met"
    stands when it holds with every silent unit false, "not met" when it holds with every
    silent unit true; otherwise the silent units decide, and the figure is not judged."""
    best = evaluate(ind, best_num / den * HUNDRED, target, basis, whole_units=True)
    if ev.label.met or not best.label.met:
        return ev
    return replace(ev, label=Label.INSUFFICIENT)


def _computed(
    cat: Catalogue,
    ind: Indicator,
    scores: Sequence[UnitScore],
    units: Sequence[Unit],
    as_of: date,
    target: Decimal | bool | None,
    basis: Basis,
) -> IndicatorOutcome:
    rule = ind.compute
    assert rule is not None
    if rule.rule == "share-at-level":
        order = [lv.id for lv in cat.scoring.levels]
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
