"""What changed in the numbers between two versions of the data: values and their evaluation,
evidence, targets, the plan itself, and the effect on scores and ranks."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua_cli.audit.figures import Figure
from thidua_cli.checks.locks import changed_inputs
from thidua_cli.codes import CODES
from thidua_cli.compute.outcome import compute
from thidua_cli.compute.scoring import unit_evaluations
from thidua_cli.read.models import (
    TARGET_FIELDS,
    Approval,
    Catalogue,
    Indicator,
    Registration,
    Result,
    Unit,
)
from thidua_cli.workspace import Workspace

PLAN_FIELDS = (
    "name",
    "unit",
    "kind",
    *TARGET_FIELDS,
    "aggregation",
    "owner",
    "applies_to",
    "cumulative",
)


@dataclass(frozen=True)
class ValueChange:
    unit: str
    unit_name: str
    phase: int
    code: str
    indicator: Indicator  # for the kind and unit of measure when the figures are shown
    old: Figure | None
    new: Figure | None
    evidence_added: tuple[str, ...] = ()
    evidence_removed: tuple[str, ...] = ()
    correction: str = ""  # the đính chính that came with the change, if any


Raw = Decimal | bool | str | None


@dataclass(frozen=True)
class TargetChange:
    unit: str
    code: str
    phase: int | None  # a checkpoint target of that phase; None: the annual target
    old: Raw
    new: Raw


@dataclass(frozen=True)
class PlanChange:
    what: str  # "CT03", "scoring", "campaign", …
    field: str
    old: Any  # the raw value (a number, a list, …); None when added
    new: Any
    decision: str = ""  # the amendment recorded with it, if any
    # the indicator before and after, when a target changed, to show it as the plan writes it
    before: Indicator | None = None
    after: Indicator | None = None


@dataclass(frozen=True)
class RankChange:
    phase: int
    bloc: str
    unit: str
    unit_name: str
    old_score: Decimal | None
    new_score: Decimal | None
    old_rank: int | None
    new_rank: int | None
    old_level: str | None
    new_level: str | None
    approved: bool = False  # the phase is approved (in the new version)
    knock_on: bool = False  # the unit changed nothing of its own for this phase


@dataclass
class Diff:
    base: str
    head: str
    units_added: list[str] = field(default_factory=list)
    units_removed: list[str] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)
    targets: list[TargetChange] = field(default_factory=list)
    plan: list[PlanChange] = field(default_factory=list)
    ranks: list[RankChange] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)  # approvals added or removed
    # dates a unit's result depends on (late penalty, no pact yet…): submitted, pact, registration
    dates: list[str] = field(default_factory=list)
    evidence_files: list[str] = field(default_factory=list)  # files added, removed or edited
    broken: list[str] = field(default_factory=list)  # unit files the new version cannot read
    base_errors: int = 0
    head_errors: int = 0
    # approval-lock errors of the new version (the working tree is checked against its
    # approvals; a past revision is not): not counted in head_errors, since the reviewer
    # needs the effect on ranks precisely then, but never to be missed in a pull request
    lock_errors: int = 0
    locks_checked: bool = True  # False: a past revision, whose approval locks were not checked

    @property
    def empty(self) -> bool:
        return not (
            self.units_added
            or self.units_removed
            or self.approvals
            or self.dates
            or self.evidence_files
            or self.broken
            or self.values
            or self.targets
            or self.plan
            or self.ranks
        )


def _evidence(r: Result | None) -> set[str]:
    if r is None:
        return set()
    return {e.doc or e.file or e.url or "" for e in r.evidence}


def _unit_values(
    cat: Catalogue, old: Unit | None, new: Unit | None, index: dict[str, Indicator]
) -> Iterator[ValueChange]:
    unit = new or old
    assert unit is not None
    phases = sorted({r.phase for u in (old, new) if u for r in u.results})
    for phase in phases:
        old_r = old.report(phase) if old else None
        new_r = new.report(phase) if new else None
        old_ev = unit_evaluations(cat, old, phase, old_r, index) if old else {}
        new_ev = unit_evaluations(cat, new, phase, new_r, index) if new else {}
        codes = sorted(set(old_r.values if old_r else {}) | set(new_r.values if new_r else {}))
        for code in codes:
            ind = index.get(code)
            if ind is None:
                continue
            a = old_r.values.get(code) if old_r else None
            b = new_r.values.get(code) if new_r else None
            if a == b:
                continue
            known = cat.phase(phase)
            interim = known is not None and not cat.is_final(known)
            old_figure = Figure.of(a, old_ev.get(code), interim)
            new_figure = Figure.of(b, new_ev.get(code), interim)
            added = tuple(sorted(_evidence(b) - _evidence(a)))
            removed = tuple(sorted(_evidence(a) - _evidence(b)))
            same = (
                old_figure is not None
                and new_figure is not None
                and old_figure.actual == new_figure.actual
                and (old_figure.numerator, old_figure.denominator)
                == (new_figure.numerator, new_figure.denominator)
            )
            if same and not added and not removed and (a and a.correction) == (b and b.correction):
                continue
            fix = b.correction if b is not None else None
            note = (
                ""
                if fix is None or (a is not None and a.correction == fix)
                else (f"{fix.reason} ({fix.reference})")
            )
            yield ValueChange(
                unit.id, unit.name, phase, code, ind, old_figure, new_figure, added, removed, note
            )


def unit_changes(cat: Catalogue, old: Unit | None, new: Unit | None) -> list[ValueChange]:
    """What changed in one unit's figures, for `thidua set` and `thidua import`."""
    return list(_unit_values(cat, old, new, {i.code: i for i in cat.indicators}))


def _plan(old: Catalogue, new: Catalogue) -> Iterator[PlanChange]:
    before = {i.code: i for i in old.indicators}
    after = {i.code: i for i in new.indicators}
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code), after.get(code)
        if a is None or b is None:
            yield PlanChange(code, "chỉ tiêu", a and a.name, b and b.name)
            continue
        decision = b.amended.decision if b.amended and b.amended != a.amended else ""
        for name in PLAN_FIELDS:
            if getattr(a, name) != getattr(b, name):
                yield PlanChange(
                    code, name, getattr(a, name), getattr(b, name), decision, before=a, after=b
                )
    yield from _scoring(old, new)
    for name in ("phases", "calendars", "blocs", "awards"):
        if getattr(old, name) != getattr(new, name):
            yield PlanChange(name, name, "(cũ)", "(mới)")


def _scoring(old: Catalogue, new: Catalogue) -> Iterator[PlanChange]:
    """Scoring changes named down to the criterion, level or quota that moved."""
    a, b = old.scoring, new.scoring
    if a is None or b is None:
        if a != b:
            yield PlanChange("cách chấm điểm", "scoring", "(cũ)", "(mới)")
        return
    decision = b.amended.decision if b.amended and b.amended != a.amended else ""
    before_levels = {lv.id: lv for lv in a.levels}
    for lv in b.levels:
        old_level = before_levels.get(lv.id)
        if old_level is None or old_level.min != lv.min:
            yield PlanChange(
                f"xếp loại {lv.name}",
                "ngưỡng điểm",
                None if old_level is None else old_level.min,
                lv.min,
                decision,
            )
    before_tables = {t.id: t for t in a.tables}
    for table in b.tables:
        was_table = before_tables.get(table.id)
        was = {c.id: c for c in was_table.criteria} if was_table else {}
        now = {c.id: c for c in table.criteria}
        for cid in sorted(set(was) | set(now)):
            c_old, c_new = was.get(cid), now.get(cid)
            if c_old == c_new:
                continue
            named = c_new or c_old
            assert named is not None
            label = f"{table.id}: {named.name}"
            for name in ("points", "method", "indicators", "cap"):
                x = getattr(c_old, name) if c_old else None
                y = getattr(c_new, name) if c_new else None
                if x != y:
                    yield PlanChange(label, name, x, y, decision)
        if was_table and was_table.adjustments != table.adjustments:
            yield PlanChange(table.id, "điểm thưởng, điểm trừ", "(cũ)", "(mới)", decision)
    for name in ("decimals", "disqualifiers", "quotas"):
        if getattr(a, name) != getattr(b, name):
            yield PlanChange("scoring", name, "(cũ)", "(mới)", decision)


def _targets(old: Unit, new: Unit) -> Iterator[TargetChange]:
    """Registered targets that changed: the campaign-wide registration, then each year's."""
    a, b = _slots(old), _slots(new)
    for key in sorted(set(a) | set(b), key=lambda k: (k != "", k)):
        yield from _slot_targets(new.id, key, a.get(key), b.get(key))


def _slots(u: Unit) -> dict[str, Registration]:
    out = {"": u.registration} if u.registration else {}
    for r in u.registrations:
        label = f"năm {r.year}" if r.year is not None else ""
        if r.phases:
            label = (label + ", " if label else "") + "đợt " + ", ".join(map(str, r.phases))
        out[label] = r
    return out


def _slot_targets(
    unit_id: str, label: str, old: Registration | None, new: Registration | None
) -> Iterator[TargetChange]:
    where = f" ({label})" if label else ""
    a = old.targets if old else {}
    b = new.targets if new else {}
    for code in sorted(set(a) | set(b)):
        if a.get(code) != b.get(code):
            yield TargetChange(unit_id, code + where, None, a.get(code), b.get(code))
    pa = old.phase_targets if old else {}
    pb = new.phase_targets if new else {}
    for phase in sorted(set(pa) | set(pb)):
        x, y = pa.get(phase, {}), pb.get(phase, {})
        for code in sorted(set(x) | set(y)):
            if x.get(code) != y.get(code):
                yield TargetChange(unit_id, code + where, phase, x.get(code), y.get(code))


def _dates(old: Unit, new: Unit) -> list[str]:
    """The dates of a unit that weigh in its result, where they changed: a submission moved
    before the deadline removes a late penalty, and shows nowhere else."""

    def day(d: date | None) -> str:
        return f"{d:%d/%m/%Y}" if d is not None else "—"

    out = []
    for phase in sorted({r.phase for r in old.results} & {r.phase for r in new.results}):
        a, b = old.report(phase), new.report(phase)
        if a is not None and b is not None and a.submitted != b.submitted:
            out.append(f"{new.name}, đợt {phase}: ngày nộp {day(a.submitted)} → {day(b.submitted)}")

    # the campaign's pact and registration, and a term plan's, one per year (or phases)
    def pacts(u: Unit) -> dict[str, date]:
        found = {"": u.pact.signed} if u.pact else {}
        found.update({f" năm {p.year}": p.signed for p in u.pacts})
        return found

    def registrations(u: Unit) -> dict[str, date]:
        found = {"": u.registration.date} if u.registration else {}
        for r in u.registrations:
            which = f" năm {r.year}" if r.year else ""
            which += f" đợt {', '.join(map(str, r.phases))}" if r.phases else ""
            found[which] = r.date
        return found

    for what, was, now in (
        ("ngày ký giao ước", pacts(old), pacts(new)),
        ("ngày đăng ký chỉ tiêu", registrations(old), registrations(new)),
    ):
        for key in sorted(set(was) | set(now)):
            if was.get(key) != now.get(key):
                out.append(f"{new.name}: {what}{key} {day(was.get(key))} → {day(now.get(key))}")
    return out


def _approvals(base: Workspace, head: Workspace) -> list[str]:
    """Entries added to or removed from the approvals file. An added withdrawal lifts the lock
    of a whole phase: it is named RÚT, in capitals like a removal, never a harmless «thêm»."""

    def shown(a: Approval) -> str:
        return (
            f"đợt {a.phase}, commit {a.commit[:12]}, ngày {a.date:%d/%m/%Y}, {a.by}, {a.decision}"
        )

    # entries as a multiset, the withdrawal mark in the key: a withdrawal written like the
    # approval it lifts, or an entry written twice, is still one more entry
    before = Counter((shown(a), a.revoke) for a in base.approvals)
    after = Counter((shown(a), a.revoke) for a in head.approvals)
    added = [
        f"{'RÚT PHÊ DUYỆT' if revoke else 'thêm'}: {text}"
        for text, revoke in sorted((after - before).elements())
    ]
    removed = [
        f"XÓA{' (rút phê duyệt)' if revoke else ''}: {text}"
        for text, revoke in sorted((before - after).elements())
    ]
    return added + removed


EVIDENCE_BYTES = 20 * 1024 * 1024  # read at most this much of one evidence file


def _digest(p: Path, repo: str) -> bytes | None:
    """What an evidence file holds, for comparison: its size and the hash of at most
    EVIDENCE_BYTES; None when a link leads outside the repository (never read)."""
    real = os.path.realpath(p)
    if not real.startswith(repo + os.sep) or not os.path.isfile(real):
        return None
    with open(real, "rb") as f:
        head = f.read(EVIDENCE_BYTES)
    return os.path.getsize(real).to_bytes(8, "big") + hashlib.sha256(head).digest()


def _evidence_files(old: Path, new: Path) -> list[str]:
    """Evidence files added, removed or edited (compared by content)."""

    def files(root: Path) -> dict[str, bytes]:
        folder = root / "evidence"
        if not folder.is_dir():
            return {}
        repo = os.path.realpath(root.resolve().parent)
        found = {
            "data/" + p.relative_to(root).as_posix(): _digest(p, repo)
            for p in sorted(folder.rglob("*"))
        }
        return {k: v for k, v in found.items() if v is not None}

    a, b = files(old), files(new)
    return (
        [f"thêm: {p}" for p in sorted(set(b) - set(a))]
        + [f"xóa: {p}" for p in sorted(set(a) - set(b))]
        + [f"sửa: {p}" for p in sorted(set(a) & set(b)) if a[p] != b[p]]
    )


def _lock(code: str) -> bool:
    return code in CODES and CODES[code].group == "phê duyệt"


def _data_errors(ws: Workspace) -> int:
    """Errors that make the data unreadable for scoring; approval-lock errors do not: the
    reviewer needs the effect on ranks precisely then."""
    return sum(p.is_error and not _lock(p.code) for p in ws.problems)


def _approved_phases(ws: Workspace) -> set[int]:
    """Phases with an approval in force in this version's approvals file."""
    phases: dict[int, str | None] = {}
    for a in ws.approvals:
        if not a.revoke:
            phases[a.phase] = a.commit
        elif phases.get(a.phase) == a.commit:
            phases[a.phase] = None
    return {p for p, commit in phases.items() if commit is not None}


def diff(base: Workspace, head: Workspace, base_label: str, head_label: str) -> Diff:
    """Compare two loaded versions. Scores are compared only when both versions are valid."""
    out = Diff(
        base_label,
        head_label,
        base_errors=_data_errors(base),
        head_errors=_data_errors(head),
        lock_errors=sum(p.is_error and _lock(p.code) for p in head.problems),
    )
    old_units = {u.id: u for u in base.units}
    new_units = {u.id: u for u in head.units}
    # a unit whose file no longer reads is broken, not deleted: say so and leave its figures out
    unreadable = {p.path for p in head.problems if p.is_error}
    out.broken = sorted(
        path for uid, path in base.paths.items() if uid not in new_units and path in unreadable
    )
    broken_ids = {uid for uid, path in base.paths.items() if path in out.broken}
    for uid in broken_ids:
        old_units.pop(uid, None)
    out.units_added = sorted(set(new_units) - set(old_units))
    out.units_removed = sorted(set(old_units) - set(new_units))
    out.approvals = _approvals(base, head)
    out.evidence_files = _evidence_files(base.data_dir, head.data_dir)
    if head.catalogue is None:
        return out
    index = {i.code: i for i in head.catalogue.indicators}
    for uid in sorted(set(old_units) | set(new_units)):
        old, new = old_units.get(uid), new_units.get(uid)
        if old == new:
            continue
        out.values.extend(_unit_values(head.catalogue, old, new, index))
        if old is not None and new is not None:
            out.targets.extend(_targets(old, new))
            out.dates.extend(_dates(old, new))
    if base.catalogue is not None:
        out.plan = list(_plan(base.catalogue, head.catalogue))
    if base.catalogue is None or out.base_errors or out.head_errors:
        return out
    phases = sorted(
        {r.phase for u in head.units for r in u.results}
        | {r.phase for u in base.units for r in u.results}
    )
    approved = _approved_phases(head) | _approved_phases(base)
    for phase in phases:
        before = {s.unit.id: s for s in compute(base.catalogue, base.units, phase).units}
        after = {s.unit.id: s for s in compute(head.catalogue, head.units, phase).units}
        for uid in sorted(set(before) | set(after)):
            a, b = before.get(uid), after.get(uid)
            key_a = (a.score, a.rank, a.level.id if a and a.level else None) if a else None
            key_b = (b.score, b.rank, b.level.id if b and b.level else None) if b else None
            if key_a == key_b:
                continue
            s = b or a
            assert s is not None
            out.ranks.append(
                RankChange(
                    phase,
                    s.bloc.name,
                    uid,
                    s.unit.name,
                    a.score if a else None,
                    b.score if b else None,
                    a.rank if a else None,
                    b.rank if b else None,
                    a.level.name if a and a.level else None,
                    b.level.name if b and b.level else None,
                    phase in approved,
                    not changed_inputs(old_units.get(uid), new_units.get(uid), phase),
                )
            )
    return out
