"""Approval locks that a pull request cannot switch off.

Approvals are read from the git history of data/approvals.yaml, not only from the file, so an
approval once committed cannot be deleted or edited away; withdrawing one is an entry of its own
(`revoke`). For every approved phase the outcome is computed at the approved commit and now, and
every difference in a unit's score, class or rank, or in a commune figure, must be explained by
a recorded correction or decision. Field checks (checks/locks.py) give the precise messages;
the outcome comparison is the safety net for inputs nobody listed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from thidua_cli import numfmt
from thidua_cli.checks import locks
from thidua_cli.checks.roster import RosterEntry
from thidua_cli.compute.outcome import Outcome, compute
from thidua_cli.problems import Problem, error, warning
from thidua_cli.read import git, yamlload
from thidua_cli.read.models import (
    UNREADABLE_DATE,
    Amendment,
    Approval,
    Approvals,
    Catalogue,
    Unit,
    in_force,
)

Revision = tuple[Catalogue | None, list[Unit]]


@dataclass(frozen=True)
class Scene:
    """What the guard needs to know of the loaded campaign (workspace.Workspace fits)."""

    root: Path
    data_dir: Path
    catalogue: Catalogue | None
    units: list[Unit]
    paths: dict[str, str]
    approvals: list[Approval]
    has_errors: bool
    # files with errors of their own (a mistyped date…): their lock messages would describe
    # the stand-in, not a change, so only their own errors are shown until they are fixed
    broken: frozenset[str] = frozenset()
    roster: Sequence[RosterEntry] = ()  # every unit file read, with its report dates


def check(
    scene: Scene,
    load_revision: Callable[[str], Revision],
    *,
    whole: bool,
    today: date | None,
    git_dates: bool = False,
) -> list[Problem]:
    """Every problem of the approval locks; `load_revision(commit)` reads the data as it was
    at an approved commit. `today` (from the command, never the clock here) bounds dates."""
    approvals_rel = _rel(scene, scene.data_dir / "approvals.yaml")
    try:
        root: Path | None = git.top(scene.data_dir)
    except git.GitProblem:
        root = None
    out: list[Problem] = []
    if root is None:
        for a in scene.approvals:
            out.append(_unverifiable(approvals_rel, a, "thư mục dữ liệu không nằm trong kho git."))
        return out
    entries, history_problems = _entries(scene, root, approvals_rel)
    out.extend(history_problems)
    out.extend(_valid_entries(scene, root, entries, approvals_rel, today))
    force = in_force([e.approval for e in entries])
    for approval in (force[p] for p in sorted(force)):
        try:
            approved = load_revision(approval.commit)
        except git.GitProblem as exc:
            out.append(_unverifiable(approvals_rel, approval, str(exc)))
            continue
        out.extend(_lock(scene, approval, approved, whole, today))
    if today is not None:
        out.extend(_future_decisions(scene, today))
    if git_dates and scene.catalogue is not None:
        out.extend(_commit_dates(scene, root))
    return out


def ever_approved(data_dir: Path) -> bool:
    """Is there, or was there ever, an approvals file? (Cheap: decides whether the whole units
    must be kept in memory for the locks.)"""
    path = data_dir / "approvals.yaml"
    if path.exists():
        return True
    try:
        root = git.top(data_dir)
        rel = Path(os.path.relpath(path.resolve(), root)).as_posix()
        return bool(git.git(root, "log", "-1", "--format=%H", "HEAD", "--", rel).strip())
    except git.GitProblem:
        return False


# --- which approvals are in force -------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    approval: Approval
    added_in: str | None  # the commit that first recorded it; None: not committed yet


def _entries(scene: Scene, root: Path, rel: str) -> tuple[list[_Entry], list[Problem]]:
    """Every approval ever committed (in the order first recorded), then the file's new ones.
    An entry in history that the file no longer holds is an error, and still counts."""
    path = Path(os.path.relpath((scene.data_dir / "approvals.yaml").resolve(), root)).as_posix()
    seen: dict[Approval, str] = {}
    for commit, raw in git.versions(root, path):
        for a in _parse(raw, rel):
            seen.setdefault(a, commit.sha)
    current = list(scene.approvals)
    problems = []
    for a, sha in seen.items():
        if a not in current:
            kind = "rút phê duyệt" if a.revoke else "phê duyệt"
            problems.append(
                error(
                    rel,
                    (1, 1),
                    "approval-removed",
                    f"Bản ghi {kind} đợt {a.phase} (commit {a.commit[:12]}, {a.by}, "
                    f"{a.decision}) đã được commit ({sha[:12]}) nhưng không còn trong tệp.",
                    "Phê duyệt chỉ được ghi thêm, không được xóa hay sửa. Khôi phục bản ghi; muốn "
                    "rút lại một phê duyệt, dùng «thidua approve --revoke --phase N --by … "
                    "--decision …».",
                )
            )
    entries = [_Entry(a, sha) for a, sha in seen.items()]
    entries += [_Entry(a, None) for a in current if a not in seen]
    return entries, problems


def _parse(raw: bytes, rel: str) -> list[Approval]:
    text, _ = yamlload.read_text_bytes(raw, rel)
    if text is None:
        return []
    loaded = yamlload.parse(text, rel)
    if not isinstance(loaded.data, dict):
        return []
    try:
        return Approvals.model_validate(loaded.data).approvals
    except ValidationError:
        return []  # a broken version in the past: what it held cannot be told


def _valid_entries(
    scene: Scene, root: Path, entries: Sequence[_Entry], rel: str, today: date | None
) -> list[Problem]:
    out = []
    phases = {p.number for p in scene.catalogue.phases} if scene.catalogue else set()
    start = scene.catalogue.campaign.start if scene.catalogue else None
    for e in entries:
        a = e.approval
        why = ""
        if scene.catalogue is not None and a.phase not in phases:
            why = f"đợt {a.phase} không có trong kế hoạch"
        elif today is not None and a.date > today:
            why = f"ngày {a.date:%d/%m/%Y} ở tương lai"
        elif start is not None and a.date < start:
            why = f"ngày {a.date:%d/%m/%Y} trước khi phong trào bắt đầu"
        elif not git.is_ancestor(root, a.commit, e.added_in or "HEAD"):
            why = (
                f"commit {a.commit[:12]} không nằm trong lịch sử của commit ghi phê duyệt này "
                "(phê duyệt chỉ trỏ được tới số liệu đã có trước nó)"
            )
        if why:
            out.append(
                error(
                    rel,
                    (1, 1),
                    "approval-invalid",
                    f"Bản ghi phê duyệt đợt {a.phase} ({a.decision}) không hợp lệ: {why}.",
                    "Phê duyệt bằng «thidua approve» sau khi đã commit số liệu; không sửa tay.",
                )
            )
    return out


def _unverifiable(rel: str, a: Approval, why: str) -> Problem:
    # an approval that cannot be checked must not switch the lock off: an error
    return error(
        rel,
        (1, 1),
        "approval-unverifiable",
        f"Không kiểm tra được phê duyệt đợt {a.phase} (commit {a.commit[:12]}): {why}",
        "Cần toàn bộ lịch sử git (trong CI: actions/checkout với fetch-depth: 0); nếu commit đã "
        "bị xóa khỏi lịch sử, Hội đồng cần phê duyệt lại.",
    )


# --- one approved phase ------------------------------------------------------------------------


def _lock(
    scene: Scene, approval: Approval, approved: Revision, whole: bool, today: date | None
) -> list[Problem]:
    old_cat, old_units = approved
    cat_rel = _rel(scene, scene.data_dir / "indicators.yaml")
    fields = locks.check_locks(
        approval,
        old_units,
        old_cat,
        scene.units,
        scene.catalogue,
        scene.root,
        scene.paths,
        cat_rel,
        whole,
    )
    fields = [p for p in fields if p.path not in scene.broken]
    out = [*fields, *_dates(scene, approval, today, old_units)]
    if fields or scene.has_errors or old_cat is None or scene.catalogue is None or not whole:
        # the field errors say what to add; broken data cannot be computed; ranks among a few
        # files given on the command line mean nothing (the whole roster is checked in CI)
        return out
    out.extend(_outcome(scene, approval, old_cat, old_units, cat_rel, whole))
    return out


def _same_inputs(before: Sequence[Unit], after: Sequence[Unit], phase: int) -> bool:
    """Are the units, as far as a phase's outcome can see them, unchanged? A phase is computed
    from each unit's own fields and its reports up to that phase (compute/ reads no later
    phase), so figures added for a later phase leave an approved outcome as it was, and the
    two computations of the lock can be skipped."""
    if len(before) != len(after):
        return False
    old = {u.id: u for u in before}
    for unit in after:
        was = old.get(unit.id)
        if was is None:
            return False
        if any(getattr(was, f) != getattr(unit, f) for f in _UNIT_FIELDS):
            return False
        if [r for r in was.results if r.phase <= phase] != [
            r for r in unit.results if r.phase <= phase
        ]:
            return False
    return True


_UNIT_FIELDS = tuple(f for f in Unit.model_fields if f != "results")


def _score_line(o: Outcome, unit_id: str) -> tuple[object, ...] | None:
    s = o.unit(unit_id)
    if s is None:
        return None
    return (s.score, s.level.id if s.level else None, s.rank)


def _outcome(
    scene: Scene,
    approval: Approval,
    old_cat: Catalogue,
    old_units: list[Unit],
    cat_rel: str,
    whole: bool,
) -> list[Problem]:
    """The approved outcome against today's: every moved score, class, rank or commune figure
    must trace back to a recorded correction or decision."""
    assert scene.catalogue is not None
    phase = approval.phase
    if phase not in {p.number for p in old_cat.phases} | {p.number for p in scene.catalogue.phases}:
        return []
    current = scene.units
    if not whole:
        present = {u.id for u in current}
        old_units = [u for u in old_units if u.id in present]
    if old_cat == scene.catalogue and _same_inputs(old_units, current, phase):
        return []  # the outcome is a function of these inputs: it cannot have moved
    before = compute(old_cat, old_units, phase)
    after = compute(scene.catalogue, current, phase)
    explained = locks.explained_units(approval, old_units, current)
    plan = locks.plan_decided(approval, scene.catalogue)
    old_by_id = {u.id: u for u in old_units}
    new_by_id = {u.id: u for u in current}
    out = []
    followers = []  # moved, with no change of their own: consequences of another unit's change
    causes_found = False
    alone = _alone(old_cat, old_units, new_by_id, phase)
    # the units' own recorded changes are the only change (the plan and every other unit as
    # approved): each moved by nothing but its own, nothing to compute alone
    only_own = (
        len(explained) <= 1
        and old_cat == scene.catalogue
        and _same_inputs(
            [u for u in old_units if u.id not in explained],
            [u for u in current if u.id not in explained],
            phase,
        )
    )
    for uid in sorted(set(old_by_id) | set(new_by_id)):
        a, b = _score_line(before, uid), _score_line(after, uid)
        if a == b or (uid in explained and (only_own or alone(uid) == b)):
            continue  # unchanged, or moved by its own recorded change and by nothing else
        rel = scene.paths.get(uid, f"{_rel(scene, scene.data_dir)}/units/{uid}.yaml")
        moved = _moved(before, after, uid)
        who = _who(before, after, uid)
        if uid in explained:
            out.append(
                warning(
                    rel,
                    (1, 1),
                    "approved-outcome-knock-on",
                    f"Kết quả đợt {phase} đã phê duyệt của {who} thay đổi ({moved}), không chỉ do "
                    "đính chính hay quyết định của chính đơn vị: cả do thay đổi của đơn vị khác "
                    "hoặc của danh mục.",
                    "Hội đồng xem xét cả ảnh hưởng này khi quyết định đính chính (xem: thidua "
                    "diff).",
                )
            )
            continue
        if explained or plan:
            out.append(
                warning(
                    rel,
                    (1, 1),
                    "approved-outcome-knock-on",
                    f"Kết quả đợt {phase} đã phê duyệt của {who} thay đổi do đính chính hoặc quyết "
                    f"định khác ({moved}).",
                    "Hội đồng xem xét cả ảnh hưởng này khi quyết định đính chính (xem: thidua "
                    "diff).",
                )
            )
            continue
        causes = locks.changed_inputs(old_by_id.get(uid), new_by_id.get(uid), phase)
        if not causes:
            followers.append((who, rel, moved))
            continue
        causes_found = True
        out.append(
            error(
                rel,
                (1, 1),
                "approved-outcome-changed",
                f"Kết quả đợt {phase} đã được {approval.by} phê duyệt ({approval.decision}) của "
                f"{who} đã thay đổi ({moved}) mà không có đính chính hay quyết định nào; thay đổi "
                f"của đơn vị: {', '.join(causes)}.",
                "Trả lại như đã duyệt, hoặc ghi quyết định cho phép: «correction» ở số liệu, "
                "«amended: {decision: …, date: …}» ở cấp cao nhất của tệp đơn vị.",
            )
        )
    if followers and causes_found:
        names = ", ".join(who for who, _, _ in followers)
        out.append(
            error(
                cat_rel,
                (1, 1),
                "approved-outcome-changed",
                f"Vì các thay đổi trên, kết quả đợt {phase} đã phê duyệt của {len(followers)} đơn "
                f"vị khác cũng thay đổi: {names}.",
                "Sửa các thay đổi trên là đủ; nếu Hội đồng cho phép, thidua diff liệt kê ảnh hưởng.",
            )
        )
    elif followers:
        for who, rel, moved in followers:
            out.append(
                error(
                    rel,
                    (1, 1),
                    "approved-outcome-changed",
                    f"Kết quả đợt {phase} đã phê duyệt của {who} đã thay đổi ({moved}) dù đơn vị "
                    "không đổi gì: nguyên nhân ở danh mục (indicators.yaml) hoặc đơn vị khác.",
                    "Tìm thay đổi bằng thidua diff; trả lại như đã duyệt hoặc ghi quyết định "
                    "(«amended») cho thay đổi đó.",
                )
            )
    if not explained and not plan:
        out.extend(_figures(before, after, approval, cat_rel))
    return out


ALONE_AT_MOST = 20  # units with their own recorded change whose result is computed alone


def _alone(
    old_cat: Catalogue, old_units: list[Unit], new_by_id: dict[str, Unit], phase: int
) -> Callable[[str], tuple[object, ...] | None]:
    """For a unit with its own recorded change: its result had that change been the only one
    since the approval (the approved data with only this unit as it is now). Past
    ALONE_AT_MOST such units, None: not computed (each costs a whole computation), so the
    unit is named as moved by others too."""
    asked: list[str] = []

    def result(uid: str) -> tuple[object, ...] | None:
        asked.append(uid)
        if len(asked) > ALONE_AT_MOST:
            return None
        mine = new_by_id.get(uid)
        if mine is not None and not _fits(old_cat, mine):
            return None  # moved to a bloc or kind the approved plan did not have: the plan too
        units = [u for u in old_units if u.id != uid] + ([mine] if mine is not None else [])
        units.sort(key=lambda u: u.id)
        return _score_line(compute(old_cat, units, phase), uid)

    return result


def _fits(cat: Catalogue, unit: Unit) -> bool:
    """Can the plan compute this unit: its kind and bloc are the plan's own."""
    kinds = {k.id for k in cat.unit_kinds}
    blocs = {b.id for b in cat.blocs}
    return unit.kind in kinds and (not cat.blocs or unit.bloc in blocs)


def _who(before: Outcome, after: Outcome, uid: str) -> str:
    """The unit's name, as the Council knows it (the id when it has none)."""
    s = after.unit(uid) or before.unit(uid)
    return s.unit.name if s is not None else uid


def _moved(before: Outcome, after: Outcome, uid: str) -> str:
    a, b = before.unit(uid), after.unit(uid)
    if a is None or b is None:
        return "đơn vị được thêm" if a is None else "đơn vị bị xóa"
    parts = []
    if a.score != b.score:
        parts.append(f"điểm {numfmt.number(a.score, 2)} → {numfmt.number(b.score, 2)}")
    if a.level != b.level and a.level and b.level:
        parts.append(f"xếp loại {a.level.name} → {b.level.name}")
    if a.rank != b.rank:
        parts.append(f"hạng {a.rank} → {b.rank}")
    return ", ".join(parts)


def _figures(before: Outcome, after: Outcome, approval: Approval, rel: str) -> list[Problem]:
    old = {io.indicator.code: io.evaluation for io in before.indicators}
    out = []
    for io in after.indicators:
        was = old.get(io.indicator.code)
        now = io.evaluation
        if was is None or (was.actual, was.label) == (now.actual, now.label):
            continue
        out.append(
            error(
                rel,
                (1, 1),
                "approved-outcome-changed",
                f"Số liệu chung {io.indicator.code} của đợt {approval.phase} đã phê duyệt thay đổi "
                f"({was.label} → {now.label}) mà không có đính chính hay quyết định nào.",
                "Tìm số liệu đã sửa (thidua diff) và ghi đính chính, hoặc trả lại như đã duyệt.",
            )
        )
    return out


# --- dates that can be checked ----------------------------------------------------------------


def _dates(
    scene: Scene, approval: Approval, today: date | None, approved: Sequence[Unit] = ()
) -> list[Problem]:
    """Corrections and decisions cannot be dated in the future, and a correction of an approved
    phase cannot be dated before the approval it corrects, unless the approval took it in (the
    figure with its correction is in the `approved` data: approved again after correcting)."""
    out = []
    then = {u.id: u for u in approved}
    for unit in scene.units:
        rel = scene.paths.get(unit.id, "")
        report = unit.report(approval.phase)
        if report is None:
            continue
        index = unit.results.index(report)
        was = then[unit.id].report(approval.phase) if unit.id in then else None
        for code, r in report.values.items():
            c = r.correction
            if c is None or c.date is None:
                continue
            why = ""
            if today is not None and c.date > today:
                why = "ở tương lai"
            elif c.date < approval.date and (
                was is None or (w := was.values.get(code)) is None or w.correction != c
            ):  # the correction record itself was approved: its date is not the question
                why = f"trước ngày phê duyệt {approval.date:%d/%m/%Y} mà nó đính chính"
            if why:
                at = ("results", index, "values", code, "correction", "date")
                out.append(
                    error(
                        rel,
                        _position(scene, rel, at),
                        "correction-date-invalid",
                        f"Ngày đính chính {c.date:%d/%m/%Y} của {code} {why}.",
                        "Ghi đúng ngày của văn bản đính chính.",
                        at,
                    )
                )
    return out


def _future_decisions(scene: Scene, today: date) -> list[Problem]:
    """A decision dated in the future cannot have allowed anything yet."""
    found: list[tuple[str, Amendment | None, tuple[str | int, ...]]] = []
    cat = scene.catalogue
    if cat is not None:
        cat_rel = _rel(scene, scene.data_dir / "indicators.yaml")
        found.append((cat_rel, cat.amended, ("amended", "date")))
        if cat.scoring is not None:
            found.append((cat_rel, cat.scoring.amended, ("scoring", "amended", "date")))
        found += [
            (cat_rel, ind.amended, ("indicators", i, "amended", "date"))
            for i, ind in enumerate(cat.indicators)
        ]
    for unit in scene.units:
        rel = scene.paths.get(unit.id, "")
        found.append((rel, unit.amended, ("amended", "date")))
        if unit.registration is not None:
            found.append((rel, unit.registration.amended, ("registration", "amended", "date")))
    return [
        error(
            rel,
            _position(scene, rel, at),
            "correction-date-invalid",
            f"Ngày quyết định {amended.date:%d/%m/%Y} ở tương lai.",
            "Ghi đúng ngày của quyết định.",
            at,
        )
        for rel, amended, at in found
        if amended is not None and amended.date > today
    ]


_PHASE_LINE = re.compile(rb"^\s*-?\s*phase:\s*(\d+)\s*$", re.M)


def _commit_dates(scene: Scene, root: Path) -> list[Problem]:
    """A result that reached the repository long after its `submitted` date: the date typed by
    the unit is compared with the first commit that holds the phase report."""
    assert scene.catalogue is not None
    grace = scene.catalogue.campaign.report_grace_days
    units_rel = Path(os.path.relpath((scene.data_dir / "units").resolve(), root)).as_posix()
    touched = git.first_commits(root, units_rel)
    out = []
    wanted: list[tuple[RosterEntry, str, list[tuple[str, str]]]] = []
    for entry in scene.roster:
        if not entry.reports or entry.sample:
            continue  # sample data was written in one go, long after its dates
        path = Path(os.path.relpath((scene.root / entry.path).resolve(), root)).as_posix()
        if path in touched:
            wanted.append((entry, path, touched[path]))
    # the versions of each file, oldest first, until every phase it reports has been seen
    requests = [(sha, path) for _, path, commits in wanted for sha, _ in commits]
    blobs = iter(git.show_many(root, requests))
    for entry, _, commits in wanted:
        rel = entry.path
        first: dict[int, tuple[str, str]] = {}
        for sha, when in commits:
            blob = next(blobs)
            for m in _PHASE_LINE.finditer(blob or b""):
                first.setdefault(int(m.group(1)), (sha, when))
        for index, (phase, submitted) in enumerate(entry.reports):
            found = first.get(phase)
            if found is None or submitted == UNREADABLE_DATE:
                # not committed yet: the pull request's own commit decides; or a date that
                # could not be read (its own error; it stands in as year 1 to check the rest)
                continue
            committed = datetime.fromisoformat(found[1]).date()
            late = (committed - submitted).days
            if late > grace:
                at = ("results", index, "submitted")
                out.append(
                    warning(
                        rel,
                        _position(scene, rel, at),
                        "submitted-before-commit",
                        f"Báo cáo đợt {phase} ghi nộp ngày {submitted:%d/%m/%Y} "
                        f"nhưng lần đầu có trong kho ngày {committed:%d/%m/%Y} (commit "
                        f"{found[0][:12]}), sau {late} ngày.",
                        "Ngày nộp phải là ngày đơn vị thực nộp (ngày trên văn bản); nếu báo cáo "
                        f"đến muộn, sửa lại ngày nộp. Cho phép chênh tối đa {grace} ngày "
                        "(campaign.report_grace_days); khi nhập bù số liệu cũ vào kho, tăng "
                        "giá trị này trong thời gian nhập bù.",
                        at,
                    )
                )
    return out


def _rel(scene: Scene, path: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), scene.root.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def _position(scene: Scene, rel: str, at: tuple[str | int, ...]) -> tuple[int, int]:
    if not rel:
        return (1, 1)
    return yamlload.load(scene.root / rel, rel).pos(at)
