"""Unit scores from the criteria tables, classification, ranking within a bloc, quota checks.

Rounding: every line of a score (a criterion, a bonus, a penalty) is rounded to
`scoring.decimals` places, half away from zero; the total is the sum of the rounded lines, so a
Council member can add up `--explain` by hand and get the same number.
Ranking: within a bloc by score (high first), then the number of indicators met (more first),
then the submission date (earlier first, none last), then the unit id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from thidua_cli import numfmt
from thidua_cli.compute.evaluate import Evaluation, Label, evaluate, result_value, unit_target
from thidua_cli.read.models import (
    Adjustment,
    Bloc,
    Catalogue,
    Criterion,
    Event,
    Indicator,
    Level,
    PhaseReport,
    Quota,
    Table,
    Unit,
)

ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")
DEFAULT_CAP = {"proportional": ONE, "cluster": Decimal("1.5"), "pass-fail": ONE, "count": ONE}


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: Criterion
    evaluations: tuple[tuple[Indicator, Evaluation], ...]
    applicable: bool
    ratio: Decimal | None  # the criterion's A/T after the cap (average over its indicators)
    met: int
    points: Decimal
    # how the points were reached, as the case and its numbers; present/explain.py words it
    # only when someone asks (--explain, the scorecard): at 10.000 units the words cost more
    # than the sums
    how: tuple[object, ...] = ()
    places: int = 2
    # the criterion's indicators the unit reported that are not judged yet (still in progress
    # toward a later target): named, so nobody wonders where they went
    in_progress: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AdjustmentScore:
    adjustment: Adjustment
    items: int
    points: Decimal


@dataclass(slots=True)
class UnitScore:
    unit: Unit
    bloc: Bloc
    table: Table
    report: PhaseReport | None
    due: date | None
    evaluations: dict[str, Evaluation]
    events: dict[Event, int]
    criteria: list[CriterionScore] = field(default_factory=list)
    adjustments: list[AdjustmentScore] = field(default_factory=list)
    subtotal: Decimal = ZERO
    applicable_max: Decimal = ZERO
    table_max: Decimal = ZERO
    score: Decimal = ZERO
    level: Level | None = None
    capped_by: list[str] = field(default_factory=list)  # disqualifiers that lowered the level
    rank: int = 0
    registered: bool = True  # the unit registered for this phase (its year)

    @property
    def met(self) -> int:
        return sum(1 for e in self.evaluations.values() if e.label.met)

    @property
    def self_score(self) -> Decimal | None:
        return self.report.self_score if self.report else None

    @property
    def late_days(self) -> int:
        if self.report is None or self.due is None:
            return 0
        return max(0, (self.report.submitted - self.due).days)


@dataclass(frozen=True, slots=True)
class QuotaCheck:
    bloc: Bloc
    quota: Quota
    count: int  # units at the quota's level
    base: int  # units at any of `of_levels` (every unit of the bloc when none is named)
    limit: int  # a ceiling: the most allowed, floor(base × max%); a floor: the fewest, ceil(base × min%)
    over: tuple[str, ...]  # a ceiling: ids of the lowest-ranked units beyond the limit

    @property
    def ok(self) -> bool:
        return self.count <= self.limit if self.quota.ceiling else self.count >= self.limit


# Rounded ratios and points take a few thousand values at most (0,0000 to 1,5000; 0,00 to
# the table's maximum): one object each, not one per criterion of every unit (16 MiB at 10.000).
# One table per number of places (equal values with the same places are written alike), and
# -0,00 is never shared: it equals 0,00 but is written apart.
_ROUNDED: dict[int, dict[Decimal, Decimal]] = {}


def negative_zero(*values: object) -> bool:
    """Is one of them -0 (a Decimal equal to 0, and to 0 as a dict key, but written «-0»)?"""
    return any(type(v) is Decimal and not v and v.is_signed() for v in values)


def _q(x: Decimal, places: int) -> Decimal:
    q = numfmt.quantize(x, places)
    if not q and q.is_signed():  # negative_zero(q), inline: this runs for every criterion
        return q
    table = _ROUNDED.get(places)
    if table is None:
        table = _ROUNDED[places] = {}
    return table.setdefault(q, q)


def unit_evaluations(
    cat: Catalogue,
    unit: Unit,
    phase: int,
    report: PhaseReport | None,
    index: dict[str, Indicator] | None = None,
) -> dict[str, Evaluation]:
    """Every indicator the unit registered (or reported), evaluated against its own target."""
    index = index or {i.code: i for i in cat.indicators}
    reg = unit.registration_for(cat.phase(phase))
    codes = set(reg.targets) if reg else set()
    if report is not None:
        codes |= set(report.values)
    out: dict[str, Evaluation] = {}
    for code in sorted(codes):
        ind = index.get(code)
        if ind is None or ind.aggregation in ("computed", "across", "none"):
            continue
        target, basis = unit_target(cat, unit, ind, phase, ind.aggregation == "count-true", reg=reg)
        result = report.values.get(code) if report else None
        if report is None or result is None:
            out[code] = evaluate(ind, None, target, basis)
            continue
        actual, num, den = result_value(result)
        estimate = result.estimate if result.estimate is not None else report.estimate
        out[code] = evaluate(
            ind, actual, target, basis, estimate=bool(estimate), numerator=num, denominator=den
        )
    return out


def _events(
    cat: Catalogue,
    unit: Unit,
    phase: int,
    report: PhaseReport | None,
    due: date | None,
    as_of: date,
    evaluations: dict[str, Evaluation],
) -> dict[Event, int]:
    recognised = sum(
        1
        for e in unit.exemplars
        if e.status in ("recognised", "commended")
        and (e.recognised is None or e.recognised <= as_of)
    )
    p = cat.phase(phase)
    pact = unit.pact_for(p)
    events: dict[Event, int] = {
        "no-registration": int(unit.registration_for(p) is None),
        "no-pact": int(pact is None or pact.signed > as_of),
        "no-report": int(report is None),
        "late-report": int(report is not None and due is not None and report.submitted > due),
        "missing-evidence": sum(1 for r in report.values.values() if not r.evidence)
        if report
        else 0,
        "exemplar-recognised": recognised,
        "indicator-not-met": sum(
            1
            for e in evaluations.values()
            if e.label not in (Label.NO_TARGET, Label.IN_PROGRESS) and not e.label.met
        ),
    }
    return {k: v for k, v in events.items() if v}


RATIO_PLACES = 4  # A/T is rounded to 0,01% before it is used, so the rule can be redone by hand


def _criterion_ratio(c: Criterion, evs: list[tuple[Indicator, Evaluation]]) -> Decimal:
    cap = c.cap if c.cap is not None else DEFAULT_CAP[c.method]
    ratios = [_q(min(e.ratio, cap), RATIO_PLACES) if e.ratio is not None else ZERO for _, e in evs]
    return _q(sum(ratios, ZERO) / len(ratios), RATIO_PLACES)


def _criterion_evaluations(
    c: Criterion, us: UnitScore, index: dict[str, Indicator]
) -> list[tuple[Indicator, Evaluation]]:
    """The criterion's indicators this unit is judged on at this phase.

    Left out: an indicator without a target of the unit's own (unless the unit registered
    nothing at all: then nothing is left out, so not registering never pays), and a cumulative
    quantity still in progress mid-year with no checkpoint target (not judged until the year
    ends, or until it already meets the annual target)."""
    skip = {Label.IN_PROGRESS} if not us.registered else {Label.IN_PROGRESS, Label.NO_TARGET}
    return [
        (index[code], us.evaluations[code])
        for code in c.indicators
        if code in us.evaluations and us.evaluations[code].label not in skip
    ]


def _judged(
    us: UnitScore, index: dict[str, Indicator]
) -> dict[str, tuple[list[tuple[Indicator, Evaluation]], Decimal | None]]:
    """Each criterion's judged indicators and their ratio (None: nothing to judge), worked
    out once per unit: the bloc's best ratio and the points both need them."""
    out: dict[str, tuple[list[tuple[Indicator, Evaluation]], Decimal | None]] = {}
    for c in us.table.criteria:
        evs = _criterion_evaluations(c, us, index)
        out[c.id] = (evs, _criterion_ratio(c, evs) if evs else None)
    return out


def _score_criteria(
    us: UnitScore,
    best: dict[str, Decimal],
    judged: dict[str, tuple[list[tuple[Indicator, Evaluation]], Decimal | None]],
    places: int,
    hows: dict[tuple[object, ...], tuple[object, ...]],
) -> None:
    for c in us.table.criteria:
        evs, ratio = judged[c.id]
        waiting = tuple(
            code
            for code in c.indicators
            if code in us.evaluations and us.evaluations[code].label is Label.IN_PROGRESS
        )
        if not evs:
            us.criteria.append(
                CriterionScore(c, (), False, None, 0, ZERO, ("none",), places, waiting)
            )
            continue
        met = sum(1 for _, e in evs if e.label.met)
        ms = c.points
        assert ratio is not None  # there are indicators to judge
        cap = c.cap if c.cap is not None else DEFAULT_CAP[c.method]
        top = best.get(c.id, ONE)
        how: tuple[object, ...]
        if c.method == "proportional":
            points = ms * ratio
            capped = any(e.ratio is not None and e.ratio > cap for _, e in evs)
            how = ("proportional", ratio, top, cap, ms, capped)
        elif c.method == "pass-fail":
            points = ms if met == len(evs) else ZERO
            how = ("pass-fail", ratio, top, cap, ms)
        elif c.method == "count":
            points = ms * met / len(evs)
            how = ("count", ratio, top, cap, ms, met, len(evs))
        else:  # cluster: the formula of Vietnamese scoring tables
            if ratio < ONE:
                points = HALF * ms * ratio
                case = "cluster-below"
            elif ratio == top and ratio > ONE:
                points = ms
                case = "cluster-top"
            elif ratio == ONE:
                points = HALF * ms
                case = "cluster-at"
            else:
                points = HALF * ms + HALF * ms * (ratio - ONE) / (top - ONE)
                case = "cluster-between"
            how = (case, ratio, top, cap, ms)
        points = _q(points, places)
        if not negative_zero(*how):
            how = hows.setdefault(how, how)  # equal cases share one (-0 aside: written apart)
        us.criteria.append(
            CriterionScore(c, tuple(evs), True, ratio, met, points, how, places, waiting)
        )


def _score_adjustments(us: UnitScore, places: int) -> None:
    for a in us.table.adjustments:
        n = us.events.get(a.when, 0)
        if not n:
            continue
        points = a.points * (n if a.per_item else 1)
        if a.limit is not None and abs(points) > a.limit:
            points = a.limit if points > 0 else -a.limit
        us.adjustments.append(AdjustmentScore(a, n, _q(points, places)))


def _classify(us: UnitScore, cat: Catalogue) -> None:
    assert cat.scoring is not None
    levels = cat.scoring.levels  # highest first (checked by validate)
    level_index = next(
        i for i, lv in enumerate(levels) if us.score >= lv.min or i == len(levels) - 1
    )
    for d in cat.scoring.disqualifiers:
        if d.when in us.events:
            floor = next(i for i, lv in enumerate(levels) if lv.id == d.max_level)
            if floor > level_index:
                level_index = floor
                us.capped_by.append(d.when)
    us.level = levels[level_index]


def _rank_key(us: UnitScore) -> tuple[Decimal, int, date, str]:
    submitted = us.report.submitted if us.report else date.max
    return (-us.score, -us.met, submitted, us.unit.id)


def score_units(
    cat: Catalogue, units: Sequence[Unit], phase: int, as_of: date, windows: dict[str, date | None]
) -> list[UnitScore]:
    """Score, classify and rank every unit for `phase`, as the data stood on `as_of`.
    `windows` maps a unit id to its phase deadline."""
    index = {i.code: i for i in cat.indicators}
    assert cat.scoring is not None  # callers score only a campaign that scores (cat.scores)
    places = cat.scoring.decimals
    blocs = {b.id: b for b in cat.blocs}
    tables = {t.id: t for t in cat.scoring.tables}
    scores: list[UnitScore] = []
    hows: dict[tuple[object, ...], tuple[object, ...]] = {}
    for unit in sorted(units, key=lambda u: u.id):
        bloc = blocs[cat.bloc_of(unit)]
        report = unit.report(phase)
        if report is not None and report.submitted > as_of:
            report = None  # not yet submitted on the day we look from
        evaluations = unit_evaluations(cat, unit, phase, report, index)
        due = windows.get(unit.id)
        assert unit.bloc is not None and bloc.scoring is not None  # checked by validate
        scores.append(
            UnitScore(
                unit,
                bloc,
                tables[bloc.scoring],
                report,
                due,
                evaluations,
                _events(cat, unit, phase, report, due, as_of, evaluations),
                registered=unit.registration_for(cat.phase(phase)) is not None,
            )
        )
    for bloc_id in sorted({s.bloc.id for s in scores}):
        members = [s for s in scores if s.bloc.id == bloc_id]
        judged = [_judged(s, index) for s in members]
        best: dict[str, Decimal] = {}
        for c in members[0].table.criteria:
            if c.method != "cluster":
                continue
            ratios = [r for j in judged if (r := j[c.id][1]) is not None]
            best[c.id] = max(ratios, default=ONE)
        table_max = sum((c.points for c in members[0].table.criteria), ZERO)
        for s, j in zip(members, judged, strict=True):
            _score_criteria(s, best, j, places, hows)
            _score_adjustments(s, places)
            s.table_max = table_max
            s.applicable_max = sum((c.criterion.points for c in s.criteria if c.applicable), ZERO)
            s.subtotal = sum((c.points for c in s.criteria), ZERO)
            total = scaled_subtotal(s, places) + sum((a.points for a in s.adjustments), ZERO)
            s.score = max(total, ZERO)
            _classify(s, cat)
        for rank, s in enumerate(sorted(members, key=_rank_key), 1):
            s.rank = rank
    return scores


def scaled_subtotal(us: UnitScore, places: int) -> Decimal:
    if us.applicable_max and us.applicable_max != us.table_max:
        return _q(us.subtotal * us.table_max / us.applicable_max, places)
    return us.subtotal


def check_quotas(cat: Catalogue, scores: Sequence[UnitScore]) -> list[QuotaCheck]:
    """Quota rules are reported, never applied: the Council decides who gives way (a ceiling)
    or notes the shortfall (a floor)."""
    out: list[QuotaCheck] = []
    if cat.scoring is None:
        return out
    for bloc in cat.blocs:
        members = sorted((s for s in scores if s.bloc.id == bloc.id), key=lambda s: s.rank)
        if not members:
            continue
        for q in cat.scoring.quotas:
            at_level = [s for s in members if s.level is not None and s.level.id == q.level]
            base = sum(
                1
                for s in members
                if s.level is not None and (not q.of_levels or s.level.id in q.of_levels)
            )
            if q.max_percent is not None:
                limit = int(base * q.max_percent / 100)
                over = tuple(s.unit.id for s in at_level[limit:])
            else:
                assert q.min_percent is not None
                need = Decimal(base) * q.min_percent / 100
                limit = int(need.to_integral_value(rounding=ROUND_CEILING))
                over = ()
            out.append(QuotaCheck(bloc, q, len(at_level), base, limit, over))
    return out
