"""Approval locks: once the Council approves a phase at a commit, its figures may change only
with a correction record, and plan targets only with an amendment decision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from thidua_cli.problems import Problem, YamlPath, error
from thidua_cli.read.models import (
    TARGET_FIELDS,
    Amendment,
    Approval,
    Catalogue,
    Indicator,
    Result,
    Unit,
)
from thidua_cli.read.yamlload import Loaded, load


def _plain(r: Result | None) -> Result | None:
    return None if r is None else r.model_copy(update={"correction": None, "note": None})


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
        *_registrations(approval, catalogue, approved_units, units, where, paths),
    ]


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
            if _plain(before_r) == _plain(after_r):
                continue
            at = ("results", index, "values", code)
            correction = after_r.correction if after_r is not None else None
            if correction is not None and after_r is not None and correction.covers(after_r):
                continue
            f = where.file(rel)
            if correction is not None:
                yield error(
                    rel,
                    f.pos(at, key=True),
                    "correction-mismatch",
                    f"{_locked(approval)}; đính chính của {code} không ghi đúng số liệu hiện có.",
                    "Ghi lại trong «correction» đúng số đã đính chính: value: … (hoặc numerator, "
                    "denominator), để một lần sửa sau không núp bóng đính chính cũ.",
                    at,
                )
                continue
            yield error(
                rel,
                f.pos(at, key=True),
                "locked-phase-changed",
                f"{_locked(approval)}; số liệu {code} đã thay đổi mà không có đính chính.",
                "Thêm «correction: {reason: …, reference: …, value: <số mới>}» vào kết quả này "
                "(lý do, văn bản cho phép, số đã đính chính), hoặc trả lại số đã duyệt.",
                at,
            )


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
            f"Chỉ tiêu đăng ký của {unit.id} đã thay đổi sau khi Hội đồng phê duyệt đợt "
            f"{approval.phase} mà không ghi quyết định.",
            "Thêm «amended: {decision: …, date: …}» vào mục registration.",
            at,
        )
