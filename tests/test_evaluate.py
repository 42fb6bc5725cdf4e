"""Every comparator and kind, with hand-computed cases."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from thidua_cli.compute.evaluate import Label, evaluate
from thidua_cli.read.models import Indicator


def ind(**kw: Any) -> Indicator:
    base: dict[str, Any] = {
        "code": "CT99",
        "name": "x",
        "group": "g",
        "source": "s",
        "unit": "%",
        "kind": "percent",
        "aggregation": "sum",
        "target": D(10),
    }
    base.update(kw)
    return Indicator.model_validate(base)


@pytest.mark.parametrize(
    ("actual", "label", "percent"),
    [
        (D("6.39"), Label.MET, D(100)),
        (D("7"), Label.EXCEEDED, D("109.5461658841940532081377152")),
        (D("6"), Label.NOT_MET, D("93.89671361502347417840375587")),
    ],
)
def test_at_least(actual: D, label: Label, percent: D) -> None:
    ev = evaluate(ind(target=D("6.39")), actual, D("6.39"), "annual")
    assert (ev.label, ev.percent) == (label, percent)


def test_at_most_is_inverted_a_lower_poverty_rate_is_better() -> None:
    poverty = ind(comparator="<=", target=D("7.48"))
    lower = evaluate(poverty, D("6.8"), D("7.48"), "annual")
    higher = evaluate(poverty, D("8.5"), D("7.48"), "annual")
    assert lower.label is Label.EXCEEDED and higher.label is Label.NOT_MET
    assert lower.percent == D("110")  # 7,48 / 6,8
    assert higher.percent is not None and round(higher.percent, 2) == D("88.00")
    assert lower.gap == D("-0.68")


def test_at_most_zero_is_best() -> None:
    ev = evaluate(ind(comparator="<=", target=D("0.63")), D(0), D("0.63"), "annual")
    assert ev.label is Label.EXCEEDED and ev.percent is None and ev.ratio == D("Infinity")


def test_range_and_about() -> None:
    band = ind(comparator="range", target=None, target_min=D("6.6"), target_max=D("6.8"))
    assert evaluate(band, D("6.7"), None, "annual").label is Label.MET
    assert evaluate(band, D("6.8"), None, "annual").label is Label.MET
    assert evaluate(band, D("6.9"), None, "annual").label is Label.NOT_MET
    about = ind(comparator="about", target=D(500), tolerance=D(10), kind="number")
    assert evaluate(about, D(509), D(500), "annual").label is Label.MET
    assert evaluate(about, D(511), D(500), "annual").label is Label.NOT_MET
    equal = ind(comparator="=", target=D(5), kind="count")
    assert evaluate(equal, D(5), D(5), "annual").label is Label.MET
    assert evaluate(equal, D(6), D(5), "annual").label is Label.NOT_MET


def test_boolean() -> None:
    drugs = ind(kind="boolean", comparator="=", target=None, target_bool=True)
    assert evaluate(drugs, True, True, "annual").label is Label.MET
    assert evaluate(drugs, False, True, "annual").label is Label.NOT_MET
    assert evaluate(drugs, None, True, "annual").label is Label.NO_DATA


def test_progress_mid_year_is_not_a_failure() -> None:
    grain = ind(kind="number", target=D(10900), cumulative=True)
    ev = evaluate(grain, D("5696.5"), D(10900), "progress")
    assert ev.label is Label.IN_PROGRESS
    done = evaluate(grain, D(11000), D(10900), "progress")
    assert done.label is Label.EXCEEDED


def test_share_of_whole_units_compares_at_the_plans_precision() -> None:
    schools = ind(target=D("93.3"))
    share = D(14) / D(15) * 100  # 93,33…%
    assert evaluate(schools, share, D("93.3"), "annual", whole_units=True).label is Label.MET
    assert evaluate(schools, share, D("93.3"), "annual").label is Label.EXCEEDED
    lower = D(13) / D(15) * 100
    assert evaluate(schools, lower, D("93.3"), "annual", whole_units=True).label is Label.NOT_MET


def test_no_target_and_no_data() -> None:
    assert evaluate(ind(), D(5), None, "annual").label is Label.NO_TARGET
    assert evaluate(ind(), None, D(5), "annual").label is Label.NO_DATA


def test_indicator_consistency_is_checked_by_the_model() -> None:
    with pytest.raises(ValueError, match="target_numerator"):
        ind(kind="ratio", target=None)
    with pytest.raises(ValueError, match="owner"):
        ind(aggregation="owner")
