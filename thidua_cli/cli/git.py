"""The git-backed commands: `thidua diff`, `thidua history`, `thidua approve`, and the approval
locks that every command checks. Thin, like cli.py: the work is in diff.py, history.py, locks.py."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua_cli.cli import (
    DataOpt,
    PhaseOpt,
    TableFormat,
    TableFormatOpt,
    _console,
    _load,
    _load_clean,
    _os_reason,
    _parse_date,
    app,
)

if TYPE_CHECKING:
    from thidua_cli.workspace import Workspace


def check_approvals(ws: Workspace, whole: bool) -> None:
    """Compare the approved phases with the data as it stood at each approved commit."""

    from thidua_cli.checks import locks
    from thidua_cli.problems import error
    from thidua_cli.read import git as gitdata
    from thidua_cli.workspace import load

    try:
        root = gitdata.top(ws.data_dir)
    except gitdata.GitProblem:
        root = None
    cat_rel = (ws.data_dir / "indicators.yaml").as_posix()
    for approval in ws.approvals:
        try:
            if root is None:
                raise gitdata.GitProblem("thư mục dữ liệu không nằm trong kho git.")
            with tempfile.TemporaryDirectory(prefix="thidua-lock-") as tmp:
                old = load(gitdata.export(root, approval.commit, "data", Path(tmp)), root=Path(tmp))
            ws.problems.extend(
                locks.check_locks(
                    approval,
                    old.units,
                    old.catalogue,
                    ws.units,
                    ws.catalogue,
                    ws.root,
                    ws.paths,
                    cat_rel,
                    whole,
                )
            )
        except gitdata.GitProblem as exc:
            # an approval that cannot be checked must not switch the lock off: an error
            ws.problems.append(
                error(
                    (ws.data_dir / "approvals.yaml").as_posix(),
                    (1, 1),
                    "approval-unverifiable",
                    f"Không kiểm tra được phê duyệt đợt {approval.phase} (commit "
                    f"{approval.commit[:12]}): {exc}",
                    "Cần toàn bộ lịch sử git (trong CI: actions/checkout với fetch-depth: 0); "
                    "nếu commit đã bị xóa khỏi lịch sử, Hội đồng cần phê duyệt lại.",
                )
            )
    ws.problems.sort()


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


def _load_at(root: Path, rev: str, tmp: Path) -> Workspace:
    """The data at a git revision, read and checked like the working tree."""
    from thidua_cli.read import git as gitdata
    from thidua_cli.workspace import load

    data = gitdata.export(root, rev, "data", tmp)
    if not (data / "indicators.yaml").is_file():
        raise gitdata.GitProblem(f"phiên bản {rev[:12]} không có data/indicators.yaml.")
    return load(data, root=tmp)


@app.command()
def diff(
    base: Annotated[
        str | None, typer.Argument(help="Phiên bản gốc (mặc định: điểm rẽ nhánh với main).")
    ] = None,
    head: Annotated[
        str | None, typer.Argument(help="Phiên bản mới (mặc định: thư mục làm việc hiện tại).")
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, md (bình luận pull request) hoặc json."),
    ] = DiffFormat.text,
    data: DataOpt = Path("data"),
) -> None:
    """So sánh số liệu giữa hai phiên bản: giá trị, đánh giá, minh chứng, kế hoạch, điểm và hạng."""

    from thidua_cli.audit import diff as df
    from thidua_cli.formats import diff as diff_view
    from thidua_cli.read import git as gitdata

    try:
        root = gitdata.top(data if data.exists() else Path.cwd())
        base_rev = gitdata.resolve(root, base) if base else gitdata.default_base(root)
        with tempfile.TemporaryDirectory(prefix="thidua-diff-") as tmp:
            old = _load_at(root, base_rev, Path(tmp) / "base")
            if head is None:
                new, head_label = _load(data), "working-tree"
            else:
                head_rev = gitdata.resolve(root, head)
                new, head_label = _load_at(root, head_rev, Path(tmp) / "head"), head_rev[:12]
            # inside the block: the exported files (evidence) are compared too
            result = df.diff(old, new, base_rev[:12], head_label)
    except gitdata.GitProblem as exc:
        _console(stderr=True).print(f"[bold red]Không so sánh được:[/] {exc}")
        raise typer.Exit(2) from None
    if fmt is DiffFormat.json:
        sys.stdout.write(diff_view.as_json(result))
    elif fmt is DiffFormat.md:
        sys.stdout.write(diff_view.as_markdown(result))
    else:
        diff_view.print_text(result, _console())


@app.command()
def history(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị, ví dụ lang-kon-ktu.")],
    indicator: Annotated[str | None, typer.Argument(help="Chỉ một chỉ tiêu, ví dụ CT03.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", help="Chỉ một đợt.")] = None,
    fmt: TableFormatOpt = TableFormat.table,
    data: DataOpt = Path("data"),
) -> None:
    """Lịch sử số liệu của một đơn vị từ git: ai sửa số nào, khi nào, lời nhắn commit."""
    import difflib

    from thidua_cli.audit import history as hi
    from thidua_cli.formats import history as history_format
    from thidua_cli.read import git as gitdata

    ws = _load(data)  # the unit is found by its id, whatever its file is called
    if ws.catalogue is None:
        _load_clean(data)
    assert ws.catalogue is not None
    if unit not in ws.paths:
        close = difflib.get_close_matches(unit, list(ws.paths), n=3)
        _console(stderr=True).print(
            f"[bold red]Không có đơn vị «{unit}».[/]"
            + (f" Có phải: {', '.join(close)}?" if close else "")
        )
        raise typer.Exit(2)
    codes = {i.code for i in ws.catalogue.indicators}
    if indicator is not None and indicator.upper() not in codes:
        close = difflib.get_close_matches(indicator.upper(), sorted(codes), n=1)
        _console(stderr=True).print(
            f"[bold red]Không có chỉ tiêu «{indicator}».[/]"
            + (f" Có phải ý bạn là «{close[0]}»?" if close else "")
        )
        raise typer.Exit(2)
    if phase is not None and phase not in {p.number for p in ws.catalogue.phases}:
        _console(stderr=True).print(f"[bold red]Không có đợt {phase}.[/]")
        raise typer.Exit(2)
    path = ws.root / ws.paths[unit]
    try:
        root = gitdata.top(data)
        rel = Path(os.path.relpath(path.resolve(), root)).as_posix()
        changes = hi.history(root, rel, indicator.upper() if indicator else None, phase)
    except gitdata.GitProblem as exc:
        _console(stderr=True).print(f"[bold red]Không đọc được lịch sử:[/] {exc}")
        raise typer.Exit(2) from None
    if fmt is TableFormat.json:
        sys.stdout.write(history_format.as_json(unit, changes))
    else:
        history_format.print_history(unit, changes, _console())


@app.command()
def approve(
    phase: PhaseOpt,
    by: Annotated[
        str, typer.Option("--by", help="Ai phê duyệt, ví dụ: Hội đồng Thi đua - Khen thưởng xã.")
    ],
    decision: Annotated[
        str,
        typer.Option(
            "--decision",
            help="Văn bản phê duyệt, ví dụ: Biên bản họp số 05/BB-HĐTĐKT ngày 10/7/2026.",
        ),
    ],
    signed: Annotated[
        str | None, typer.Option("--date", help="Ngày phê duyệt (mặc định: hôm nay).")
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Ghi nhận Hội đồng đã phê duyệt số liệu một đợt tại commit hiện tại; sau đó mọi thay đổi số liệu đợt đó phải có đính chính."""
    from thidua_cli.audit import approvals
    from thidua_cli.compute.outcome import UnknownPhase, phase_of
    from thidua_cli.read import git as gitdata

    if not by.strip() or not decision.strip():
        _console(stderr=True).print(
            "[bold red]Cần ghi rõ --by (ai phê duyệt) và --decision (văn bản phê duyệt).[/]"
        )
        raise typer.Exit(2)
    ws = _load_clean(data)
    assert ws.catalogue is not None
    try:
        phase_of(ws.catalogue, phase)
    except UnknownPhase:
        _console(stderr=True).print(f"[bold red]Không có đợt {phase}.[/]")
        raise typer.Exit(2) from None
    try:
        root = gitdata.top(data)
        data_rel = Path(os.path.relpath(data.resolve(), root)).as_posix()
        if gitdata.dirty(root, data_rel, f":(exclude){data_rel}/reports"):
            _console(stderr=True).print(
                "[bold red]Dữ liệu có thay đổi chưa commit.[/] Hãy commit số liệu trước, để phê "
                "duyệt gắn đúng với phiên bản đã xem xét."
            )
            raise typer.Exit(1)
        commit = gitdata.head(root)
    except gitdata.GitProblem as exc:
        _console(stderr=True).print(f"[bold red]Không phê duyệt được:[/] {exc}")
        raise typer.Exit(2) from None
    today = date.today()  # the clock is read here, never in the core
    day = _parse_date(signed) or today
    if day > today:
        _console(stderr=True).print(f"[bold red]Ngày phê duyệt {day:%d/%m/%Y} ở tương lai.[/]")
        raise typer.Exit(2)
    for earlier in ws.approvals:
        if earlier.phase == phase:
            _console().print(
                f"Đợt {phase} đã được phê duyệt ngày {earlier.date:%d/%m/%Y} (commit "
                f"{earlier.commit[:12]}); ghi thêm lần phê duyệt mới."
            )
    path = data / "approvals.yaml"
    try:
        approvals.record(path, phase, commit, by, decision, day)
    except OSError as exc:
        _console(stderr=True).print(f"[bold red]Không ghi được {path}:[/] {_os_reason(exc)}")
        raise typer.Exit(1) from None
    _console().print(
        f"Đã ghi phê duyệt đợt {phase} tại commit {commit[:12]} vào {path}. Hãy "
        "commit tệp này; từ đó mọi thay đổi số liệu đợt "
        f"{phase} cần có đính chính (correction)."
    )
