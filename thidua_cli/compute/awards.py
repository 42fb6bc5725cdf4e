"""Who is proposed for which commendation at the end of the campaign, and the reward money.

Decided here, from the catalogue's award rules, the final phase's classification and the
exemplar register; the report only words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from thidua_cli import numfmt
from thidua_cli.compute.exemplars import FieldRegister
from thidua_cli.compute.outcome import Outcome
from thidua_cli.compute.scoring import UnitScore
from thidua_cli.read.models import AwardRule, Exemplar, FieldOfWork, Unit


@dataclass(frozen=True)
class Proposal:
    rule: AwardRule
    unit: Unit
    amount: Decimal  # coefficient × base salary, rounded to the đồng
    score: UnitScore | None = None  # for an award by classification
    exemplar: Exemplar | None = None  # for an award to an exemplar
    field: FieldOfWork | None = None


def propose(o: Outcome, register: list[FieldRegister]) -> list[Proposal]:
    """Proposals in the order of the catalogue's rules; none before the final phase."""
    awards = o.catalogue.awards
    if awards is None or o.provisional:
        return []
    out: list[Proposal] = []

    def amount(rule: AwardRule) -> Decimal:
        return numfmt.quantize(rule.coefficient * awards.base_salary, 0)

    for rule in awards.rules:
        if rule.when == "level":
            for s in sorted(o.units, key=lambda s: (s.bloc.id, s.rank)):
                if (
                    s.level is not None
                    and s.level.id == rule.level
                    and (not rule.kinds or s.unit.kind in rule.kinds)
                    and (rule.years == 1 or o.streak(s.unit.id, s.level.id) >= rule.years)
                ):
                    out.append(Proposal(rule, s.unit, amount(rule), score=s))
        else:
            for r in register:
                for e in r.entries:
                    ex = e.exemplar
                    if (
                        ex.status == "recognised"  # "commended" ones were rewarded already
                        and (rule.collective is None or rule.collective == ex.collective)
                        and (not rule.kinds or e.unit.kind in rule.kinds)
                    ):
                        out.append(Proposal(rule, e.unit, amount(rule), exemplar=ex, field=r.field))
    return out


def total(proposals: list[Proposal]) -> Decimal:
    return sum((p.amount for p in proposals), Decimal(0))
