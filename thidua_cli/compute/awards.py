"""Who is proposed for which commendation at the end of the campaign, and the reward money.

Decided here, from the catalogue's award rules, the year-end classification, the quota checks,
the Council's quota decisions and the exemplar register; the report only words it.
One achievement earns one reward: an exemplar that already gave its unit bonus points is not
proposed again unless the catalogue says `double_reward: true`. A unit beyond a ceiling quota
is listed but not proposed until the Council records a decision (approvals.yaml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.compute.exemplars import FieldRegister
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.read.models import (
    AwardRule,
    Dated,
    Exemplar,
    FieldOfWork,
    Level,
    QuotaDecision,
    Unit,
)


@dataclass(frozen=True)
class Proposal:
    rule: AwardRule
    unit: Unit
    amount: Decimal  # coefficient × base salary, rounded to the đồng
    score: UnitScore | None = None  # for an award by classification
    exemplar: Exemplar | None = None  # for an award to an exemplar
    field: FieldOfWork | None = None
    level: Level | None = None  # the year-end level the award rests on
    year_score: Decimal | None = None  # the score that level comes from
    over_quota: bool = False  # beyond a ceiling quota of its bloc
    decision: QuotaDecision | None = None  # the Council's decision that keeps it anyway


@dataclass(frozen=True)
class Withheld:
    """Would match a rule but is not proposed, and why (stable reason ids)."""

    proposal: Proposal
    reason: str  # "over-quota" (no Council decision) or "bonus-given" (one reward already)


@dataclass
class AwardList:
    proposals: list[Proposal] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    salary: Dated | None = None


def year_end(final: Outcome, earlier: Sequence[Outcome]) -> dict[str, tuple[Decimal, Level]]:
    """Each unit's year-end score and level. "final-phase": the last phase as it stands.
    "all-phases": the mean of the unit's scores over every phase (rounded by the catalogue's
    rule), classified by the thresholds; a disqualifier of any phase still caps the level."""
    cat = final.catalogue
    out: dict[str, tuple[Decimal, Level]] = {}
    mode = cat.awards.year_end if cat.awards else "final-phase"
    if cat.scoring is None:
        return out  # a plan that classifies nobody
    levels = cat.scoring.levels
    for s in final.units:
        assert s.level is not None
        if mode == "final-phase":
            out[s.unit.id] = (s.score, s.level)
            continue
        mine = [s, *(x for o in earlier if (x := o.unit(s.unit.id)) is not None)]
        mean = numfmt.quantize(
            sum((x.score for x in mine), Decimal(0)) / len(mine), cat.scoring.decimals
        )  # the catalogue's rounding rule
        index = next(i for i, lv in enumerate(levels) if mean >= lv.min or i == len(levels) - 1)
        for x in mine:
            if x.capped_by and x.level is not None:
                index = max(index, next(i for i, lv in enumerate(levels) if lv.id == x.level.id))
        out[s.unit.id] = (mean, levels[index])
    return out


def propose(
    o: Outcome,
    register: list[FieldRegister],
    decisions: Sequence[QuotaDecision] = (),
    earlier: Sequence[Outcome] = (),
) -> AwardList:
    """Proposals in the order of the catalogue's rules; none before the final phase."""
    awards = o.catalogue.awards
    if awards is None or o.provisional:
        return AwardList()
    salary = awards.salary_on(o.as_of)
    result = AwardList(salary=salary)
    over = {uid for q in o.quotas if q.quota.ceiling for uid in q.over}
    decided = {d.unit: d for d in decisions if d.phase == o.phase.number}
    year = year_end(o, earlier)

    def amount(rule: AwardRule) -> Decimal:
        return numfmt.quantize(rule.coefficient * salary.value, 0)

    def bonus_given(unit_id: str) -> bool:
        s = o.unit(unit_id)
        return s is not None and any(
            a.adjustment.when == "exemplar-recognised" and a.points > 0 for a in s.adjustments
        )

    for rule in awards.rules:
        if rule.when == "level":
            for s in sorted(o.units, key=lambda s: (s.bloc.id, s.rank)):
                if s.unit.id not in year:
                    continue
                score, level = year[s.unit.id]
                if level.id != rule.level or (rule.kinds and s.unit.kind not in rule.kinds):
                    continue
                if rule.years > 1 and o.streak(s.unit.id, level.id) < rule.years:
                    continue  # "N năm liền": classified at this level N final phases in a row
                flagged = s.unit.id in over
                p = Proposal(
                    rule,
                    s.unit,
                    amount(rule),
                    score=s,
                    level=level,
                    year_score=score,
                    over_quota=flagged,
                    decision=decided.get(s.unit.id) if flagged else None,
                )
                if flagged and p.decision is None:
                    result.withheld.append(Withheld(p, "over-quota"))
                else:
                    result.proposals.append(p)
        else:
            for r in register:
                for e in r.entries:
                    ex = e.exemplar
                    if (
                        ex.status != "recognised"  # "commended" ones were rewarded already
                        or (rule.collective is not None and rule.collective != ex.collective)
                        or (rule.kinds and e.unit.kind not in rule.kinds)
                    ):
                        continue
                    p = Proposal(rule, e.unit, amount(rule), exemplar=ex, field=r.field)
                    if not awards.double_reward and bonus_given(e.unit.id):
                        result.withheld.append(Withheld(p, "bonus-given"))
                    else:
                        result.proposals.append(p)
    return result


def total(proposals: list[Proposal]) -> Decimal:
    return sum((p.amount for p in proposals), Decimal(0))
