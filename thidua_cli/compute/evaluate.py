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
from thidua_cli.read.models import Catalogue, Indicator, Registration, Result, Unit
from thidua_cli.read.types import fraction

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
        # by identity: `in` on enum members hashes and compares in Python, and scoring asks
        # this for every indicator of every unit
        return self is _EXCEEDED or self is _MET


_EXCEEDED, _MET = Label.EXCEEDED, Label.MET
MID_YEAR_NOT_MET = "Chưa đạt"


def label_text(label: Label, provisional: bool) -> str:
    """An evaluation as people read it: mid-year (a checkpoint, not the verdict) a target not
    met yet is «Chưa đạt» — on screen, in set/import/diff, the workbook and the report alike."""
    return MID_YEAR_NOT_MET if provisional and label is Label.NOT_MET else str(label)


# phase: compared with a checkpoint target; annual: with the campaign's target;
# progress: before the target is due (a cumulative quantity mid-year, a milestone due in a
# later phase), shown as progress toward it: «Đang thực hiện» unless already met
Basis = Literal["phase", "annual", "progress"]

Value = Decimal | bool | str  # a number, yes/no, or a rating level


@dataclass(frozen=True, slots=True)
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
    label, ratio = _judge(ind, actual, target, whole_units)
    if basis == "progress" and label == Label.NOT_MET:
        label = Label.IN_PROGRESS  # not due yet: nothing fails before it is due
    return done(label, ratio)


def _judge(
    ind: Indicator, actual: Value, target: Value | None, whole_units: bool
) -> tuple[Label, Decimal | None]:
    if isinstance(actual, str) or isinstance(target, str):
        return _rating(ind, actual, target)
    if isinstance(actual, bool) or isinstance(target, bool):
        if target is None:
            return Label.NO_TARGET, None
        ok = actual == target
        return (Label.MET, Decimal(1)) if ok else (Label.NOT_MET, Decimal(0))
    if ind.comparator == "range":
        low, high = ind.target_min, ind.target_max
        assert low is not None and high is not None
        if low <= actual <= high:
            return Label.MET, Decimal(1)
        ratio = actual / low if actual < low and low else (high / actual if actual else None)
        return Label.NOT_MET, ratio
    if target is None:
        return Label.NO_TARGET, None
    ratio = _ratio(ind, actual, target)
    if whole_units:
        # a target from a ratio (36/41) has endless decimals: 10 places is the plan's precision
        places = min(10, max(0, -target.normalize().as_tuple().exponent))  # type: ignore[operator]
        actual = numfmt.quantize(actual, places)
        target = numfmt.quantize(target, places)  # both sides at the same precision
    if ind.comparator == "about":
        tolerance = ind.tolerance or Decimal(0)
        return (Label.MET if abs(actual - target) <= tolerance else Label.NOT_MET), ratio
    if ind.comparator == "=":
        return (Label.MET if actual == target else Label.NOT_MET), ratio
    better = actual < target if ind.lower_is_better else actual > target
    if ind.comparator in (">", "<"):  # strict: the boundary itself does not meet the target
        return (Label.MET if better else Label.NOT_MET), ratio
    return (Label.EXCEEDED if better else Label.MET if actual == target else Label.NOT_MET), ratio


def _rating(ind: Indicator, actual: Value, target: Value | None) -> tuple[Label, Decimal | None]:
    """A rating (levels best first): the target level, or better with ">="."""
    if not isinstance(actual, str) or not isinstance(target, str):
        return Label.NO_TARGET, None
    if actual not in ind.levels or target not in ind.levels:
        return Label.NO_TARGET, None
    a, t = ind.levels.index(actual), ind.levels.index(target)
    if a == t:
        return Label.MET, Decimal(1)
    if a < t and ind.comparator == ">=":
        return Label.EXCEEDED, Decimal(1)
    return Label.NOT_MET, Decimal(0)


def result_value(r: Result) -> tuple[Value | None, Decimal | None, Decimal | None]:
    """The unit's value: a percentage from numerator/denominator when given, else `value`."""
    if isinstance(r.value, bool | str):
        return r.value, None, None
    if r.numerator is not None and r.denominator:
        return r.numerator / r.denominator * HUNDRED, r.numerator, r.denominator
    if isinstance(r.value, Decimal):
        return r.value, None, None
    return None, None, None


def campaign_target(ind: Indicator) -> Value | None:
    if ind.kind == "boolean":
        return ind.target_bool
    if ind.kind == "rating":
        return ind.target_level
    if ind.kind == "ratio" and ind.target_numerator is not None and ind.target_denominator:
        return ind.target_numerator / ind.target_denominator * HUNDRED
    return ind.target


def basis_for(cat: Catalogue, ind: Indicator, phase: int) -> Basis:
    """Before a milestone is due, or mid-way for a quantity that accrues, the campaign target
    is progress; at and after it, the target."""
    due = cat.due_phase(ind)
    if due is not None:
        return "progress" if phase < due else "annual"
    last = phase == max(p.number for p in cat.phases)
    return "progress" if ind.cumulative and not last else "annual"


def unit_target(
    cat: Catalogue,
    unit: Unit,
    ind: Indicator,
    phase: int,
    counts_true: bool,
    *,
    annual: bool = False,
    reg: Registration | Literal[False] | None = False,
) -> tuple[Value | None, Basis]:
    """The unit's own target for a phase: its checkpoint, its annual target, or the campaign's
    (never the commune total of a summed quantity, which belongs to nobody alone).
    `annual`: the target itself, whatever the phase (has the unit met everything already?).
    `reg`: the unit's registration for the phase, when the caller has it already."""
    if reg is False:
        reg = unit.registration_for(cat.phase(phase))
    if annual:
        own = reg.targets.get(ind.code) if reg is not None else None
        if own is not None:
            return _own(own), "annual"
        if counts_true:
            return True, "annual"
        return (None if ind.aggregation == "sum" else campaign_target(ind)), "annual"
    if reg is not None:
        checkpoint = reg.phase_targets.get(phase, {}).get(ind.code)
        if checkpoint is not None:
            return _own(checkpoint), "phase"
    basis = basis_for(cat, ind, phase)
    milestone = cat.due_phase(ind) is not None and ind.aggregation != "sum"
    if milestone and basis == "progress" and phase in ind.phase_targets and not counts_true:
        return ind.phase_targets[phase], "phase"
    own = reg.targets.get(ind.code) if reg is not None else None
    if own is not None:
        return _own(own), basis
    if counts_true:
        return True, basis
    if ind.aggregation == "sum":
        return None, basis
    return campaign_target(ind), basis


def _own(v: object) -> Value | None:
    """A unit's registered target as a value: "4/7" (4 of 7 villages) is its percentage."""
    if isinstance(v, Decimal | bool):
        return v
    if isinstance(v, str):
        parts = fraction(v)
        if parts is not None:
            return parts[0] / parts[1] * HUNDRED
        return v  # a rating level
    return None
