"""Evaluate one value against its target: Vượt / Đạt / Không đạt / Chưa có số liệu.

The direction is never guessed: `<=` indicators (poverty rate, population growth) are better
when lower, and their "% so với kế hoạch" is inverted (target / actual).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from thidua_cli import numfmt
from thidua_cli.read.models import Indicator, Result, Unit

HUNDRED = Decimal(100)
INFINITY = Decimal("Infinity")


class Label(StrEnum):
    EXCEEDED = "Vượt"
    MET = "Đạt"
    NOT_MET = "Không đạt"
    IN_PROGRESS = "Đang thực hiện"
    NO_DATA = "Chưa có số liệu"
    INSUFFICIENT = "Chưa đủ số liệu"  # too few units reported to judge a commune figure
    NO_TARGET = "Chưa có kế hoạch"

    @property
    def met(self) -> bool:
        return self in (Label.EXCEEDED, Label.MET)


# phase: compared with a checkpoint target; annual: with the year's target;
# progress: a cumulative quantity mid-year, shown as progress toward the year's target
Basis = Literal["phase", "annual", "progress"]

Value = Decimal | bool


@dataclass(frozen=True)
class Evaluation:
    actual: Value | None
    target: Value | None
    basis: Basis
    ratio: Decimal | None  # A/T, or T/A when lower is better; what scoring uses
    label: Label
    estimate: bool = False
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def percent(self) -> Decimal | None:
        """ "% so với kế hoạch"."""
        if self.ratio is None or not self.ratio.is_finite():
            return None
        return self.ratio * HUNDRED

    @property
    def gap(self) -> Decimal | None:
        """Actual minus target, in the indicator's unit (percentage points for rates)."""
        if isinstance(self.actual, Decimal) and isinstance(self.target, Decimal):
            return self.actual - self.target  # bool is not a Decimal, so both are numbers
        return None


def _ratio(ind: Indicator, actual: Decimal, target: Decimal) -> Decimal | None:
    if ind.lower_is_better:
        if actual <= 0:
            return INFINITY if target > 0 else None
        return target / actual
    if target == 0:
        return None if actual == 0 else INFINITY
    return actual / target


def evaluate(
    ind: Indicator,
    actual: Value | None,
    target: Value | None,
    basis: Basis,
    *,
    estimate: bool = False,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    whole_units: bool = False,
) -> Evaluation:
    """Compare `actual` with `target` by the indicator's comparator.

    `whole_units`: the actual is a share of whole units (14 of 15 schools) and the plan's
    percentage is that share rounded (93,3%), so the label compares at the plan's precision.
    """

    def done(label: Label, ratio: Decimal | None = None) -> Evaluation:
        return Evaluation(actual, target, basis, ratio, label, estimate, numerator, denominator)

    if actual is None:
        return done(Label.NO_DATA)
    shown = actual
    if isinstance(actual, bool) or isinstance(target, bool):
        if target is None:
            return done(Label.NO_TARGET)
        ok = actual == target
        return done(Label.MET if ok else Label.NOT_MET, Decimal(1) if ok else Decimal(0))
    if ind.comparator == "range":
        low, high = ind.target_min, ind.target_max
        assert low is not None and high is not None
        if low <= actual <= high:
            return done(Label.MET, Decimal(1))
        ratio = actual / low if actual < low and low else (high / actual if actual else None)
        return done(Label.NOT_MET, ratio)
    if target is None:
        return done(Label.NO_TARGET)
    ratio = _ratio(ind, actual, target)
    if whole_units:
        # a target from a ratio (36/41) has endless decimals: 10 places is the plan's precision
        places = min(10, max(0, -target.normalize().as_tuple().exponent))  # type: ignore[operator]
        actual = numfmt.quantize(actual, places)
        target = numfmt.quantize(target, places)  # both sides at the same precision
    if ind.comparator == "about":
        tolerance = ind.tolerance or Decimal(0)
        return done(Label.MET if abs(actual - target) <= tolerance else Label.NOT_MET, ratio)
    if ind.comparator == "=":
        return done(Label.MET if actual == target else Label.NOT_MET, ratio)
    better = actual < target if ind.lower_is_better else actual > target
    label = Label.EXCEEDED if better else Label.MET if actual == target else Label.NOT_MET
    if basis == "progress" and not label.met:
        label = Label.IN_PROGRESS
    return Evaluation(shown, target, basis, ratio, label, estimate, numerator, denominator)


def result_value(r: Result) -> tuple[Value | None, Decimal | None, Decimal | None]:
    """The unit's value: a percentage from numerator/denominator when given, else `value`."""
    if isinstance(r.value, bool):
        return r.value, None, None
    if r.numerator is not None and r.denominator:
        return r.numerator / r.denominator * HUNDRED, r.numerator, r.denominator
    if isinstance(r.value, Decimal):
        return r.value, None, None
    return None, None, None


def campaign_target(ind: Indicator) -> Value | None:
    if ind.kind == "boolean":
        return ind.target_bool
    if ind.kind == "ratio" and ind.target_numerator is not None and ind.target_denominator:
        return ind.target_numerator / ind.target_denominator * HUNDRED
    return ind.target


def unit_target(
    unit: Unit, ind: Indicator, phase: int, last_phase: bool, counts_true: bool
) -> tuple[Value | None, Basis]:
    """The unit's own target for a phase: its checkpoint, its annual target, or the campaign's
    (never the commune total of a summed quantity, which belongs to nobody alone)."""
    reg = unit.registration
    if reg is not None:
        checkpoint = reg.phase_targets.get(phase, {}).get(ind.code)
        if checkpoint is not None:
            return checkpoint, "phase"
    basis: Basis = "progress" if ind.cumulative and not last_phase else "annual"
    own = reg.targets.get(ind.code) if reg is not None else None
    if own is not None:
        return own, basis
    if counts_true:
        return True, basis
    if ind.aggregation == "sum":
        return None, basis
    return campaign_target(ind), basis
