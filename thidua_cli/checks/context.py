"""What the checks of one unit file need to know: the catalogue indexed, the repository, and
the small helpers they share (code suggestions, Vietnamese yes/no words)."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from thidua_cli.files import evidence_state
from thidua_cli.read.models import Bloc, Catalogue, Indicator, Registration, Result, Unit
from thidua_cli.read.types import bool_word

_HUNDRED = Decimal(100)


LATE_LIMIT = timedelta(days=120)  # a report this long after the last deadline is a typo


@dataclass(frozen=True)
class Context:
    """The catalogue, indexed for look-ups, and the repository root for evidence files."""

    catalogue: Catalogue
    root: Path
    data: str = "data"  # the data folder as shown, relative to the root: hints name it

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.catalogue.indicators}

    @cached_property
    def blocs(self) -> dict[str, Bloc]:
        return {b.id: b for b in self.catalogue.blocs}

    @cached_property
    def phases(self) -> set[int]:
        return {p.number for p in self.catalogue.phases}

    @cached_property
    def last_due(self) -> date:
        return max(w.due for c in self.catalogue.calendars for w in c.phases)

    @cached_property
    def first_start(self) -> date:
        """The earliest day a report can belong to: the campaign's start or a calendar's."""
        starts = [w.start for c in self.catalogue.calendars for w in c.phases]
        return min([self.catalogue.campaign.start, *starts])

    @cached_property
    def real_root(self) -> str:
        return os.path.realpath(self.root)

    def evidence(self, file: str) -> str:
        """Where an evidence path leads (files.evidence_state)."""
        return evidence_state(self.real_root, file)

    def may_register(self, unit: Unit, ind: Indicator) -> bool:
        return unit.kind in ind.applies_to or ind.owner == unit.id

    def score_ceiling(self, bloc: Bloc | None) -> Decimal | None:
        """The most points a unit can have: its table's points plus every bonus (the scale is
        the catalogue's: 100, 30 or 1000 points)."""
        scoring = self.catalogue.scoring
        if scoring is None:
            return None
        tables = [t for t in scoring.tables if bloc is None or t.id == bloc.scoring]
        return max(
            (
                sum((c.points for c in t.criteria), Decimal(0))
                + sum(
                    (
                        a.limit if a.limit is not None else a.points
                        for a in t.adjustments
                        if a.points > 0
                    ),
                    Decimal(0),
                )
                for t in tables or scoring.tables
            ),
            default=Decimal(0),
        )

    def expects_bool(self, ind: Indicator) -> bool:
        return ind.kind == "boolean" or ind.aggregation == "count-true"


_CODE_PARTS = re.compile(r"^\s*([A-Za-z]{2,4})\s*[-_ ]?\s*0*(\d{1,3})((?:\.\d{1,2})?)\s*$")


def suggest_code(word: str, options: list[str]) -> str:
    """ "Did you mean" that knows how codes are written: "CT3", "ct 3", "CT-003" mean CT03
    (zero-padded to the catalogue's width before any fuzzy match, so CT3 is never CT23)."""
    parts = _CODE_PARTS.match(word)
    if parts:
        prefix, digits, sub = parts.group(1).upper(), parts.group(2), parts.group(3)
        for width in (2, 3):
            padded = f"{prefix}{digits.zfill(width)}{sub}"
            if padded in options:
                return f"Có phải ý bạn là «{padded}»?"
    close = difflib.get_close_matches(word.upper(), options, n=1, cutoff=0.6)
    return f"Có phải ý bạn là «{close[0]}»?" if close else ""


def with_booleans(unit: Unit, ctx: Context) -> Unit:
    """The unit with "có", "Không đạt", "yes"… read as true/false wherever its indicator
    expects a boolean (read/types.BOOL_WORDS), and left as text everywhere else: a rating
    level or a name that happens to be such a word stays what it is. Most files have no
    such word and are returned as they are."""

    def wanted(code: str, v: Any) -> bool:
        ind = ctx.indicators.get(code)
        return isinstance(v, str) and ind is not None and ctx.expects_bool(ind)

    def conv(code: str, v: Any) -> Any:
        return bool_word(v) if wanted(code, v) else v

    def targets(t: dict[str, Any]) -> dict[str, Any]:
        return {c: conv(c, v) for c, v in t.items()}

    def registration(r: Registration) -> Registration:
        if not any(wanted(c, v) for c, v in r.targets.items()) and not any(
            wanted(c, v) for t in r.phase_targets.values() for c, v in t.items()
        ):
            return r
        return r.model_copy(
            update={
                "targets": targets(r.targets),
                "phase_targets": {p: targets(t) for p, t in r.phase_targets.items()},
            }
        )

    def result(code: str, r: Result) -> Result:
        fix = r.correction
        if fix is not None and wanted(code, fix.value):
            fix = fix.model_copy(update={"value": conv(code, fix.value)})
        if not wanted(code, r.value) and fix is r.correction:
            return r
        return r.model_copy(update={"value": conv(code, r.value), "correction": fix})

    results = [
        rep.model_copy(update={"values": {c: result(c, r) for c, r in rep.values.items()}})
        if any(
            wanted(c, r.value) or (r.correction and wanted(c, r.correction.value))
            for c, r in rep.values.items()
        )
        else rep
        for rep in unit.results
    ]
    update: dict[str, Any] = {}
    if any(a is not b for a, b in zip(results, unit.results, strict=True)):
        update["results"] = results
    if unit.registration is not None:
        reg = registration(unit.registration)
        if reg is not unit.registration:
            update["registration"] = reg
    regs = [registration(r) for r in unit.registrations]
    if any(a is not b for a, b in zip(regs, unit.registrations, strict=True)):
        update["registrations"] = regs
    return unit.model_copy(update=update) if update else unit
