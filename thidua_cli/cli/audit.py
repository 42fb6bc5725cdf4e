"""The git-backed commands: `diff`, `history`, `approve`. The work is in audit/ and workspace."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from thidua_cli.cli.app import (
    DataOpt,
    PhaseOpt,
    TableFormat,
    UserError,
    code_not_found,
    command,
    emit,
    format_option,
    load,
    load_clean,
    not_found,
    os_reason,
    parse_date,
    say,
    unknown_phase,
)

if TYPE_CHECKING:
    from thidua_cli.workspace import Workspace

DiffFormat = Literal["text", "md", "json"]


def _load_at(root: Path, rev: str, data_rel: str, tmp: Path) -> Workspace:
    """The data at a git revision, read and checked like the working tree."""
    from thidua_cli.read import git
    from thidua_cli.workspace import load as load_workspace

    data = git.export(root, rev, data_rel, tmp)
    if not (data / "indicators.yaml").is_file():
        raise git.GitProblem(f"phiên bản {rev[:12]} không có {data_rel}/indicators.yaml.")
    return load_workspace(data, root=tmp, locks=False)


def _data_rel(root: Path, data: Path) -> str:
    return Path(os.path.relpath(data.resolve(), root)).as_posix()


@command
def diff(
    base: Annotated[
        str | None, typer.Argument(help="Phiên bản gốc (mặc định: điểm rẽ nhánh với main).")
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help="Phiên bản mới (mặc định: thư mục làm việc hiện tại).")
    ] = None,
    fmt: Annotated[
        DiffFormat, format_option("Cách in: text, md (bình luận pull request) hoặc json.")
    ] = "text",
    data: DataOpt = Path("data"),
) -> None:
    """So sánh số liệu giữa hai phiên bản: giá trị, đánh giá, minh chứng, kế hoạch, điểm và hạng."""
    from thidua_cli.audit import diff as df
    from thidua_cli.formats.diff import FORMATS
    from thidua_cli.read import git

    try:
        root = git.top(data if data.exists() else Path.cwd())
        data_rel = _data_rel(root, data) if data.exists() else "data"
        base_rev = git.resolve(root, base) if base else git.default_base(root)
        with tempfile.TemporaryDirectory(prefix="thidua-diff-") as tmp:
            old = _load_at(root, base_rev, data_rel, Path(tmp) / "base")
            checked = True
            if head is None:
                new, head_label = load(data), "working-tree"
            else:
                head_rev = git.resolve(root, head)
                head_label = head_rev[:12]
                clean = not git.dirty(root, data_rel, f":(exclude){data_rel}/reports")
                if head_rev == git.resolve(root, "HEAD") and clean:
                    # the checked-out commit (a pull request in CI): its files are the working
                    # tree's, read with the approval locks, so a figure changed without a
                    # correction is named, not shown as a knock-on effect to approve
                    new = load(data)
                else:
                    new = _load_at(root, head_rev, data_rel, Path(tmp) / "head")
                    checked = False
            # inside the block: the exported files (evidence) are compared too
            result = df.diff(old, new, base_rev[:12], head_label)
            result.locks_checked = checked
    except git.GitProblem as exc:
        raise UserError(f"Không so sánh được: {exc}") from None
    emit(FORMATS, fmt, result)


@command
def history(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị (tên tệp trong units/, bỏ .yaml).")],
    indicator: Annotated[
        str | None, typer.Argument(help="Chỉ một chỉ tiêu (mã như trong danh mục).")
    ] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", help="Chỉ một đợt.")] = None,
    fmt: Annotated[TableFormat, format_option()] = "table",
    data: DataOpt = Path("data"),
) -> None:
    """Lịch sử số liệu của một đơn vị từ git: ai sửa số nào, khi nào, lời nhắn commit."""
    from thidua_cli.audit import history as hi
    from thidua_cli.formats.history import FORMATS
    from thidua_cli.read import git

    ws = load(data)  # the unit is found by its id, whatever its file is called
    if ws.catalogue is None:
        load_clean(data)
    assert ws.catalogue is not None
    if unit not in ws.paths:
        raise not_found("đơn vị", unit, list(ws.paths))
    codes = sorted(i.code for i in ws.catalogue.indicators)
    if indicator is not None and indicator.upper() not in codes:
        raise code_not_found(indicator.upper(), codes)
    if phase is not None and phase not in {p.number for p in ws.catalogue.phases}:
        raise unknown_phase(ws, phase)
    path = ws.root / ws.paths[unit]
    try:
        root = git.top(data)
        rel = Path(os.path.relpath(path.resolve(), root)).as_posix()
        changes = hi.history(root, rel, indicator.upper() if indicator else None, phase)
        pending = git.dirty(root, rel)
    except git.GitProblem as exc:
        raise UserError(f"Không đọc được lịch sử: {exc}") from None
    emit(FORMATS, fmt, (unit, changes))
    if pending and fmt == "table":  # JSON stays the history; the note goes to the person
        say(
            f"Chú ý: {rel} đang có thay đổi chưa commit; lịch sử trên chỉ gồm các commit "
            "(xem thay đổi đang sửa: thidua diff).",
            style="bold yellow",
            stderr=True,
        )


def _stated_day(decision: str) -> date | None:
    """The date a decision's text states («… ngày 10/7/2026»), when it states one."""
    import re

    from thidua_cli.read.types import parse_day

    found = re.search(r"\bngày\s+(\d{1,2}/\d{1,2}/\d{4})", decision, re.IGNORECASE)
    return parse_day(found.group(1)) if found else None


def _check_day(ws: Workspace, phase: int, day: date, today: date, revoke: bool) -> None:
    """The day of an approval (or withdrawal) is refused where `validate` would refuse it, and
    where the Council could not have seen what it approves: before the campaign, before the
    approval it replaces, before the last figure of the phase (a submission, a correction)."""

    what = "rút phê duyệt" if revoke else "phê duyệt"
    if day > today:
        raise UserError(f"Ngày {what} {day:%d/%m/%Y} ở tương lai.")
    assert ws.catalogue is not None
    start = ws.catalogue.campaign.start
    if day < start:
        raise UserError(
            f"Ngày {what} {day:%d/%m/%Y} trước khi phong trào bắt đầu ({start:%d/%m/%Y})."
        )
    # not before the phase's last entry (an approval, or a withdrawal: after one, nothing is
    # in force, and a back-dated approval would slip under the record)
    last = None
    for a in ws.approvals:  # the latest day; on the same day, the later entry
        if a.phase == phase and (last is None or a.date >= last.date):
            last = a
    if last is not None and day < last.date:
        kind = "rút phê duyệt" if last.revoke else "phê duyệt"
        raise UserError(
            f"Ngày {what} {day:%d/%m/%Y} trước lần {kind} gần nhất của đợt {phase} "
            f"({last.date:%d/%m/%Y}).",
            detail="Ghi đúng ngày của biên bản họp Hội đồng (--date).",
        )
    if revoke:
        return
    dated: list[tuple[date, str]] = []  # every figure of the phase, with what it is
    for u in ws.units:
        r = u.report(phase)
        if r is None:
            continue
        dated.append((r.submitted, f"{u.name} nộp báo cáo"))
        dated += [
            (v.correction.date, f"đính chính {code} của {u.name}")
            for code, v in r.values.items()
            if v.correction is not None and v.correction.date is not None
        ]
    newest, why = max(dated, default=(day, ""))
    if day < newest:
        raise UserError(
            f"Ngày phê duyệt {day:%d/%m/%Y} trước ngày {newest:%d/%m/%Y} ({why}): Hội đồng không "
            "thể đã xem số liệu có sau ngày họp.",
            detail="Ghi đúng ngày của biên bản họp (--date), hoặc phê duyệt lại sau khi đã xem đủ.",
        )


@command
def approve(
    phase: PhaseOpt,
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Ai phê duyệt, ví dụ: Hội đồng Thi đua - Khen thưởng (theo danh mục)."
        ),
    ],
    decision: Annotated[
        str,
        typer.Option(
            "--decision",
            help="Văn bản phê duyệt, ví dụ: Biên bản họp số …/BB-HĐTĐKT ngày … của Hội đồng.",
        ),
    ],
    signed: Annotated[
        str | None, typer.Option("--date", help="Ngày phê duyệt (mặc định: hôm nay).")
    ] = None,
    revoke: Annotated[
        bool,
        typer.Option(
            "--revoke",
            help="Rút lại phê duyệt đang có hiệu lực của đợt (ghi thêm một bản ghi rút phê "
            "duyệt; bản ghi cũ vẫn giữ nguyên).",
        ),
    ] = False,
    data: DataOpt = Path("data"),
) -> None:
    """Ghi nhận Hội đồng đã phê duyệt số liệu một đợt tại commit hiện tại; sau đó mọi thay đổi số liệu đợt đó phải có đính chính."""
    from thidua_cli.audit import approvals
    from thidua_cli.compute.outcome import UnknownPhase, phase_of
    from thidua_cli.read import git
    from thidua_cli.read.models import in_force

    if not by.strip() or not decision.strip():
        raise UserError("Cần ghi rõ --by (ai phê duyệt) và --decision (văn bản phê duyệt).")
    # The data must be valid, but not against an earlier approval: approving again (or
    # withdrawing) is how the Council settles changes made since.
    ws = load_clean(data, locks=False)
    assert ws.catalogue is not None
    try:
        phase_of(ws.catalogue, phase)
    except UnknownPhase:
        raise unknown_phase(ws, phase) from None
    if not revoke and not any(u.report(phase) for u in ws.units):
        # an approval locks the phase: locking one nobody has reported would block its entry
        raise UserError(
            f"Chưa có đơn vị nào báo cáo đợt {phase}.",
            code=1,
            detail="Hội đồng phê duyệt khi đã có số liệu của đợt; kiểm tra lại số đợt (--phase).",
        )
    withdrawn = in_force(ws.approvals).get(phase) if revoke else None
    if revoke and withdrawn is None:
        raise UserError(f"Đợt {phase} chưa có phê duyệt nào đang có hiệu lực để rút lại.")
    try:
        root = git.top(data)
        data_rel = _data_rel(root, data)
        if not revoke and git.dirty(root, data_rel, f":(exclude){data_rel}/reports"):
            raise UserError(
                "Dữ liệu có thay đổi chưa commit.",
                code=1,
                detail="Hãy commit số liệu trước, để phê duyệt gắn đúng với phiên bản đã xem xét.",
            )
        commit = withdrawn.commit if withdrawn is not None else git.head(root)
    except git.GitProblem as exc:
        raise UserError(f"Không phê duyệt được: {exc}") from None
    today = date.today()  # the clock is read here, never in the core
    stated = _stated_day(decision)  # «Biên bản họp số 05/BB-HĐTĐKT ngày 10/7/2026»
    day = parse_date(signed) or stated or today
    if stated is not None and stated != day:
        raise UserError(
            f"--date {day:%d/%m/%Y} khác ngày ghi trong văn bản ({stated:%d/%m/%Y}).",
            detail="Ghi --date đúng ngày của biên bản, hoặc bỏ --date để lấy ngày trong văn bản.",
        )
    _check_day(ws, phase, day, today, revoke)
    in_force_now = in_force(ws.approvals).get(phase)
    if in_force_now is not None and not revoke:
        say(
            f"Đợt {phase} đã được phê duyệt ngày {in_force_now.date:%d/%m/%Y} (commit "
            f"{in_force_now.commit[:12]}); ghi thêm lần phê duyệt mới."
        )
    path = data / "approvals.yaml"
    try:
        approvals.record(path, phase, commit, by, decision, day, revoke=revoke)
    except OSError as exc:
        raise UserError(f"Không ghi được {path}: {os_reason(exc)}.", code=1) from None
    if revoke:
        say(
            f"Đã ghi việc rút phê duyệt đợt {phase} (commit {commit[:12]}) vào {path}. Hãy commit "
            "tệp này; bản ghi phê duyệt cũ vẫn giữ trong tệp và lịch sử."
        )
        return
    say(
        f"Đã ghi phê duyệt đợt {phase} tại commit {commit[:12]} vào {path}. Hãy commit tệp này; "
        f"từ đó mọi thay đổi số liệu đợt {phase} cần có đính chính (correction)."
    )
