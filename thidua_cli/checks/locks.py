"""Approval locks, field by field: once the Council approves a phase at a commit, its figures
may change only with a correction record, and every other input of its outcome (reports, dates,
registration, pact, exemplars, plan, calendars, scoring) only with a recorded decision.

These checks give the clear messages; `guard.py` also compares the approved outcome itself, as
the safety net for inputs nobody listed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from thidua_cli import numfmt
from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import (
    TARGET_FIELDS,
    UNREADABLE_DATE,
    Amendment,
    Approval,
    Catalogue,
    Correction,
    Indicator,
    Result,
    Unit,
    evidence_text,
)
from thidua_cli.read.yamlload import Loaded, load


def _plain(r: Result | None) -> tuple[object, ...] | None:
    """What of a figure the lock guards: everything but its note and its correction record.
    A tuple, not a model copy: at 10.000 units the copies cost more than the comparison."""
    if r is None:
        return None
    return (r.value, r.numerator, r.denominator, r.estimate, r.evidence)


class _Positions:
    """Line and column in the current files, read only for the files that need them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache: dict[str, Loaded] = {}

    def file(self, rel: str) -> Loaded:
        if rel not in self.cache:
            self.cache[rel] = load(self.root / rel, rel)
        return self.cache[rel]


def check_locks(
    approval: Approval,
    approved_units: list[Unit],
    approved_catalogue: Catalogue | None,
    units: list[Unit],
    catalogue: Catalogue | None,
    root: Path,
    paths: dict[str, str],
    catalogue_path: str,
    whole: bool = True,
) -> list[Problem]:
    """Every figure of the approved phase that changed without a correction record, and every
    target that changed without an amendment. `paths` maps unit ids to their files; when not
    `whole`, only the units that were read are judged (never "the others were deleted")."""
    where = _Positions(root)
    if not whole:
        present = {u.id for u in units}
        approved_units = [u for u in approved_units if u.id in present]
    return [
        *_results(approval, approved_units, units, where, paths),
        *_targets(approval, approved_catalogue, catalogue, where, catalogue_path),
        *_scoring(approval, approved_catalogue, catalogue, where, catalogue_path),
        *_campaign(approval, approved_catalogue, catalogue, where, catalogue_path),
        *_registrations(approval, catalogue, approved_units, units, where, paths),
        *_unit_inputs(approval, approved_units, units, where, paths, whole),
    ]


def explained_units(approval: Approval, approved: list[Unit], units: list[Unit]) -> set[str]:
    """Units whose changes in the approved phase carry their own record: a correction that
    names the figure, or a decision dated on or after the approval."""
    old = {u.id: u for u in approved}
    out: set[str] = set()
    for unit in units:
        if _decided(unit.amended, approval) or (
            unit.registration is not None and _decided(unit.registration.amended, approval)
        ):
            out.add(unit.id)
            continue
        report = unit.report(approval.phase)
        previous = old[unit.id].report(approval.phase) if unit.id in old else None
        if report is None:
            continue
        for code, r in report.values.items():
            before = previous.values.get(code) if previous is not None else None
            if _plain(before) != _plain(r) and r.correction is not None and r.correction.covers(r):
                out.add(unit.id)
    return out


def plan_decided(approval: Approval, catalogue: Catalogue | None) -> bool:
    """Did the plan change by a decision after the approval (an indicator, the scoring, the
    campaign)? Such a change legitimately moves approved results."""
    if catalogue is None:
        return False
    return (
        _decided(catalogue.amended, approval)
        or (catalogue.scoring is not None and _decided(catalogue.scoring.amended, approval))
        or any(_decided(i.amended, approval) for i in catalogue.indicators)
    )


def _locked(approval: Approval) -> str:
    return (
        f"Số liệu đợt {approval.phase} đã được {approval.by} phê duyệt "
        f"({approval.decision}, commit {approval.commit[:12]})"
    )


def _results(
    approval: Approval,
    before: list[Unit],
    after: list[Unit],
    where: _Positions,
    paths: dict[str, str],
) -> Iterator[Problem]:
    old = {u.id: u for u in before}
    new = {u.id: u for u in after}
    for uid in sorted(set(old) | set(new)):
        a = old[uid].report(approval.phase) if uid in old else None
        b = new[uid].report(approval.phase) if uid in new else None
        rel = paths.get(uid, f"data/units/{uid}.yaml")
        if a is None and b is None:
            continue
        if a is not None and b is None:
            yield error(
                rel,
                (1, 1),
                "locked-phase-changed",
                f"{_locked(approval)}, nhưng báo cáo đợt này của {uid} đã bị xóa.",
                "Khôi phục báo cáo; mọi thay đổi sau phê duyệt cần đính chính.",
            )
            continue
        assert b is not None
        index = next(i for i, r in enumerate(new[uid].results) if r.phase == approval.phase)
        old_values = a.values if a is not None else {}
        for code in sorted(set(old_values) | set(b.values)):
            before_r, after_r = old_values.get(code), b.values.get(code)
            at = ("results", index, "values", code)
            correction = after_r.correction if after_r is not None else None
            evidence_moved = (
                before_r is not None
                and after_r is not None
                and before_r.evidence != after_r.evidence
            )
            if (
                correction is not None
                and after_r is not None
                and correction.covers(after_r)
                # evidence changed since the approval: the correction must say which it allows,
                # or an old correction of the figure would cover any later evidence
                and (not evidence_moved or correction.evidence is not None)
            ):
                continue
            back = _plain(before_r) == _plain(after_r)  # the figure is the approved one
            if back and correction is None:
                continue
            f = where.file(rel)
            if correction is not None and after_r is not None and correction.covers_figure(after_r):
                # the figure is the corrected one; its evidence is not the one the correction
                # allows (or the correction records none, and the evidence moved since)
                allowed = (
                    "không ghi minh chứng nào"
                    if correction.evidence is None
                    else f"ghi minh chứng {evidence_text(correction.evidence)}"
                )
                yield error(
                    rel,
                    f.pos(at, key=True),
                    "correction-mismatch",
                    f"{_locked(approval)}; minh chứng của {code} đã đổi (đã duyệt: "
                    f"{evidence_text(before_r.evidence) if before_r else 'không có'}; hiện tại: "
                    f"{evidence_text(after_r.evidence)}) nhưng đính chính {allowed}.",
                    "Ghi lại đính chính kèm minh chứng hiện tại (thidua set … --evidence … "
                    "--correction … --reference …), hoặc trả lại minh chứng đã duyệt.",
                    at,
                )
                continue
            if correction is not None:
                # a correction that says another figure than the file's: a later edit hiding
                # behind it, or the approved figure put back over it (an old Excel form
                # imported after the correction): which one is right?
                yield error(
                    rel,
                    f.pos(at, key=True),
                    "correction-mismatch",
                    f"{_locked(approval)}; đính chính của {code} ghi {_typed(correction)} "
                    f"nhưng số liệu hiện có là {_typed(after_r)}"
                    + (
                        ", đúng bằng số đã duyệt: số đã đính chính bị ghi đè (ví dụ nhập lại "
                        "một phiếu Excel cũ)."
                        if back
                        else f" (đã duyệt: {_typed(before_r)})."
                    ),
                    "Nếu đính chính vẫn đúng, ghi lại số đã đính chính (thidua set … "
                    "--correction …); nếu đính chính bị hủy, xóa «correction» khỏi kết quả này."
                    if back
                    else "Ghi lại trong «correction» đúng số đã đính chính: value: … (hoặc "
                    "numerator, denominator), để một lần sửa sau không núp bóng đính chính cũ.",
                    at,
                )
                continue
            yield error(
                rel,
                f.pos(at, key=True),
                "locked-phase-changed",
                f"{_locked(approval)}; {_what_changed(code, before_r, after_r)} mà không có "
                "đính chính.",
                "Thêm «correction: {reason: …, reference: …, value: <số hiện tại>}» vào kết quả "
                "này (lý do, văn bản cho phép, số đã đính chính; với thidua set: --correction và "
                "--reference, chỉ thêm minh chứng thì bỏ --value), hoặc trả lại như đã duyệt.",
                at,
            )


def _what_changed(code: str, before: Result | None, after: Result | None) -> str:
    """What of a figure moved: the figure itself, or, the same figure, its evidence (which
    weighs in the score: points off for a figure without evidence) or its estimate mark."""
    if before is None or after is None or _typed(before) != _typed(after):
        return f"số liệu {code} đã thay đổi (đã duyệt: {_typed(before)}; hiện tại: {_typed(after)})"
    if before.evidence != after.evidence:
        return (
            f"minh chứng của số liệu {code} ({_typed(after)}, số không đổi) đã thay đổi (đã duyệt: "
            f"{evidence_text(before.evidence)}; hiện tại: {evidence_text(after.evidence)}) — minh chứng cũng tính vào điểm"
        )
    return f"số liệu {code} ({_typed(after)}) đã đổi " + (
        "từ số ước tính thành số chính thức" if before.estimate else "thành số ước tính"
    )


def _typed(r: Result | Correction | None) -> str:
    """A figure as the unit typed it, for a message: "113,9", "708/752", "Đạt", "—"."""
    return "—" if r is None else numfmt.figure(r.value, r.numerator, r.denominator)


def _decided(amended: Amendment | None, approval: Approval) -> bool:
    """A change after an approval is allowed by a decision taken on or after that approval."""
    return amended is not None and amended.date >= approval.date


def _scoring(
    approval: Approval,
    before: Catalogue | None,
    after: Catalogue | None,
    where: _Positions,
    rel: str,
) -> Iterator[Problem]:
    """The scoring rules decide who ranks where: after an approval they change only by decision."""
    if before is None or after is None:
        return

    def rules(c: Catalogue) -> object:
        return c.scoring.model_copy(update={"amended": None}) if c.scoring else None

    if rules(before) == rules(after):
        return
    if after.scoring is not None and _decided(after.scoring.amended, approval):
        return
    yield error(
        rel,
        where.file(rel).pos(("scoring",), key=True),
        "scoring-changed-without-decision",
        f"Cách chấm điểm (điểm chuẩn, ngưỡng xếp loại…) đã thay đổi sau khi Hội đồng phê "
        f"duyệt đợt {approval.phase} ({approval.date:%d/%m/%Y}) mà không ghi quyết định.",
        "Thêm «amended: {decision: …, date: …}» vào mục scoring.",
        ("scoring",),
    )


def _target_of(ind: Indicator) -> tuple[object, ...]:
    return tuple(getattr(ind, name) for name in TARGET_FIELDS)


def _targets(
    approval: Approval,
    before: Catalogue | None,
    after: Catalogue | None,
    where: _Positions,
    rel: str,
) -> Iterator[Problem]:
    if before is None or after is None:
        return
    old = {i.code: i for i in before.indicators}
    for i, ind in enumerate(after.indicators):
        previous = old.get(ind.code)
        if previous is None or _target_of(previous) == _target_of(ind):
            continue
        if _decided(ind.amended, approval):
            continue
        at = ("indicators", i)
        yield error(
            rel,
            where.file(rel).pos(at),
            "target-changed-without-decision",
            f"Kế hoạch của {ind.code} đã thay đổi sau khi Hội đồng phê duyệt đợt "
            f"{approval.phase} ({approval.date:%d/%m/%Y}) mà không ghi quyết định.",
            "Thêm «amended: {decision: …, date: …}» cho chỉ tiêu này.",
            at,
        )


def _registrations(
    approval: Approval,
    catalogue: Catalogue | None,
    before: list[Unit],
    after: list[Unit],
    where: _Positions,
    paths: dict[str, str],
) -> Iterator[Problem]:
    """The registration that holds for the approved phase (in a term plan: that year's)."""
    phase = catalogue.phase(approval.phase) if catalogue is not None else None
    old = {u.id: u for u in before}
    for unit in after:
        previous = old.get(unit.id)
        a = previous.registration_for(phase) if previous is not None else None
        b = unit.registration_for(phase)
        if a is None or b is None:
            continue
        if (a.targets, a.phase_targets) == (b.targets, b.phase_targets):
            continue
        if _decided(b.amended, approval):
            continue
        rel = paths.get(unit.id, f"data/units/{unit.id}.yaml")
        at: YamlPath = (
            ("registration", "targets")
            if b is unit.registration
            else ("registrations", unit.registrations.index(b), "targets")
        )
        yield error(
            rel,
            where.file(rel).pos(at, key=True),
            "target-changed-without-decision",
            f"Chỉ tiêu đăng ký của {unit.name} đã thay đổi sau khi Hội đồng phê duyệt đợt "
            f"{approval.phase} mà không ghi quyết định.",
            "Thêm «amended: {decision: …, date: …}» vào mục registration.",
            at,
        )


# The parts of the catalogue, other than indicators and scoring, that decide an outcome.
CAMPAIGN_PARTS = ("phases", "calendars", "unit_kinds", "blocs", "awards")


def _campaign(
    approval: Approval,
    before: Catalogue | None,
    after: Catalogue | None,
    where: _Positions,
    rel: str,
) -> Iterator[Problem]:
    """Deadlines, phases, blocs and the campaign's dates: a month's delay in a due date turns
    late reports into timely ones, so they change only by decision too."""
    if before is None or after is None or _decided(after.amended, approval):
        return
    changed = [name for name in CAMPAIGN_PARTS if getattr(before, name) != getattr(after, name)]
    if (before.campaign.start, before.campaign.end) != (after.campaign.start, after.campaign.end):
        changed.append("campaign")
    for name in changed:
        yield error(
            rel,
            where.file(rel).pos((name,), key=True),
            "catalogue-changed-without-decision",
            f"Mục «{name}» của danh mục (đợt, hạn báo cáo, khối, khen thưởng…) đã thay đổi sau khi "
            f"Hội đồng phê duyệt đợt {approval.phase} ({approval.date:%d/%m/%Y}) mà không ghi "
            "quyết định.",
            "Trả lại như đã duyệt, hoặc thêm «amended: {decision: …, date: …}» ở cấp cao nhất "
            "của indicators.yaml.",
            (name,),
        )


def _unit_inputs(
    approval: Approval,
    before: list[Unit],
    after: list[Unit],
    where: _Positions,
    paths: dict[str, str],
    whole: bool,
) -> Iterator[Problem]:
    """A unit's inputs other than its figures: its report's presence and date, and its
    registration; and units added after the approval."""
    old = {u.id: u for u in before}
    for unit in after:
        if _decided(unit.amended, approval):
            continue
        rel = paths.get(unit.id, f"data/units/{unit.id}.yaml")
        previous = old.get(unit.id)
        if previous is None:
            if whole:
                yield _input_changed(
                    approval, unit, rel, where, ("id",), "đơn vị này được thêm sau phê duyệt"
                )
            continue
        a, b = previous.report(approval.phase), unit.report(approval.phase)
        if a is None and b is not None:
            index = unit.results.index(b)
            yield _input_changed(
                approval,
                unit,
                rel,
                where,
                ("results", index),
                f"báo cáo đợt {approval.phase} được thêm sau phê duyệt",
            )
        elif (
            a is not None
            and b is not None
            and a.submitted != b.submitted
            and b.submitted != UNREADABLE_DATE  # the bad date is its own error
        ):
            index = unit.results.index(b)
            yield _input_changed(
                approval,
                unit,
                rel,
                where,
                ("results", index, "submitted"),
                f"ngày nộp báo cáo đợt {approval.phase} đổi từ {a.submitted:%d/%m/%Y} sang "
                f"{b.submitted:%d/%m/%Y}",
            )
        if (previous.registration is None) != (unit.registration is None):
            what = "thêm" if previous.registration is None else "xóa"
            at = ("registration",) if unit.registration is not None else ("id",)
            yield _input_changed(approval, unit, rel, where, at, f"mục đăng ký chỉ tiêu bị {what}")
        # The pact and the exemplars change during the next phase as a matter of course; they
        # count only when they move the approved outcome (guard.py names them then).


def _input_changed(
    approval: Approval,
    unit: Unit,
    rel: str,
    where: _Positions,
    at: tuple[str | int, ...],
    what: str,
) -> Problem:
    return error(
        rel,
        where.file(rel).pos(at, key=len(at) == 1),
        "locked-input-changed",
        f"{_locked(approval)}; với {unit.name}: {what}.",
        "Trả lại như đã duyệt, hoặc thêm «amended: {decision: …, date: …}» (quyết định của "
        "Hội đồng cho phép thay đổi) ở cấp cao nhất của tệp đơn vị.",
        at,
    )


def changed_inputs(before: Unit | None, after: Unit | None, phase: int) -> list[str]:
    """What of a unit's own inputs for `phase` differs, in words: to name the cause when an
    approved result moved."""
    if before is None or after is None:
        return ["đơn vị được thêm" if before is None else "đơn vị bị xóa"]
    out = []
    a, b = before.report(phase), after.report(phase)
    if (a is None) != (b is None):
        out.append("báo cáo đợt được thêm" if a is None else "báo cáo đợt bị xóa")
    elif a is not None and b is not None:
        if a.submitted != b.submitted:
            out.append("ngày nộp (submitted)")
        codes = sorted(
            c for c in set(a.values) | set(b.values) if a.values.get(c) != b.values.get(c)
        )
        if codes:
            out.append("số liệu " + ", ".join(codes))
    if before.registration != after.registration:
        out.append("đăng ký chỉ tiêu (registration)")
    if before.pact != after.pact:
        out.append("giao ước (pact)")
    if before.exemplars != after.exemplars:
        out.append("điển hình tiên tiến (exemplars)")
    if (before.kind, before.bloc) != (after.kind, after.bloc):
        out.append("loại hoặc khối của đơn vị")
    return out
