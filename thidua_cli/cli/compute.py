"""Commands that compute: `score`, `status`, `exemplars`, `report`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

if TYPE_CHECKING:
    from thidua_cli.workspace import Workspace

from thidua_cli import numfmt
from thidua_cli.cli.app import (
    AsOfOpt,
    DataOpt,
    JobsOpt,
    PhaseOpt,
    TableFormat,
    UserError,
    command,
    emit,
    format_option,
    load_tolerant,
    not_found,
    outcome,
    parse_date,
    replayable,
    say,
    unknown_phase,
    write_files,
)

if TYPE_CHECKING:
    from thidua_cli.compute.outcome import Outcome
    from thidua_cli.present.narrative import Stale
    from thidua_cli.read.models import Approval, Unit
    from thidua_cli.read.narrative import Narrative


def sample_banner(ws: Workspace) -> None:
    """Every table computed from sample data says so (score's own table does it too)."""
    if ws.catalogue is not None and (
        ws.catalogue.campaign.sample or any(u.sample for u in ws.units)
    ):
        say("DỮ LIỆU MẪU — số liệu minh họa, không phải số liệu thật.", style="bold reverse")


ScoreFormat = Literal["table", "json", "csv", "xlsx"]
ReportFormat = Literal["md", "docx", "all"]


@command
@replayable(lambda o: o["fmt"] == "xlsx")
def score(
    phase: PhaseOpt = 1,
    bloc: Annotated[
        str | None, typer.Option("--bloc", "-b", help="Chỉ in một khối thi đua.")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Mã một đơn vị.")] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Giải thích từng điểm của đơn vị (dùng với --unit).")
    ] = False,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        ScoreFormat,
        format_option("Cách in: table (bảng), json, csv hoặc xlsx (tệp Excel, cần --out)."),
    ] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Tệp ghi kết quả (với --format xlsx).")
    ] = None,
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Tính kết quả chỉ tiêu, điểm, xếp loại và xếp hạng từng khối."""
    from thidua_cli.formats.score import FORMATS, UNIT_FORMATS

    if explain and unit is None:
        raise UserError("--explain cần --unit MÃ_ĐƠN_VỊ.")
    if out is not None and fmt != "xlsx":
        raise UserError("--out chỉ dùng với --format xlsx.")
    if fmt == "xlsx" and out is None and (sys.stdout.isatty() or not hasattr(sys.stdout, "buffer")):
        raise UserError("--format xlsx cần --out TỆP.xlsx (hoặc chuyển vào tệp bằng «>»).")
    _ws, o = outcome(data, phase, as_of, jobs)
    if unit is not None and not o.catalogue.scores:
        raise no_scoring()
    if bloc is not None and bloc not in {b.id for b in o.catalogue.blocs}:
        raise UserError(
            f"Không có khối «{bloc}».",
            detail="Các khối: " + ", ".join(b.id for b in o.catalogue.blocs) + ".",
        )
    if unit is not None:
        us = o.unit(unit)
        if us is None:
            raise not_found("đơn vị", unit, [s.unit.id for s in o.units])
        if fmt not in UNIT_FORMATS:
            raise UserError(f"Với --unit, --format là một trong: {', '.join(UNIT_FORMATS)}.")
        emit(UNIT_FORMATS, fmt, (o, us))
        return
    if fmt == "xlsx" and out is not None:
        from thidua_cli.formats.score_xlsx import build

        for path in write_files([(out, build(o, bloc))]):
            say(f"Đã ghi {path}")
        return
    emit(FORMATS, fmt, (o, bloc))


def no_scoring() -> UserError:
    return UserError(
        "Kế hoạch này không chấm điểm đơn vị nên không có điểm, xếp loại từng đơn vị.",
        detail="Trong danh mục: campaign.sections.scoring: false. Xem kết quả chỉ tiêu: "
        "thidua score (không kèm --unit).",
    )


@command
@replayable()
def status(
    phase: Annotated[
        int | None,
        typer.Option("--phase", "-p", help="Đợt thi đua (mặc định: đợt có hạn báo cáo gần nhất)."),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[TableFormat, format_option()] = "table",
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Còn bao nhiêu ngày đến hạn; đơn vị nào đã đăng ký, ký giao ước, nộp đúng hạn, muộn, chưa nộp."""
    from thidua_cli.compute import status as st
    from thidua_cli.compute.outcome import UnknownPhase
    from thidua_cli.formats.status import FORMATS

    ws = load_tolerant(data, jobs)
    assert ws.catalogue is not None
    day = parse_date(as_of) or date.today()  # the one place this command reads the clock
    number = phase if phase is not None else st.next_phase(ws.catalogue, day)
    try:
        result = st.status(ws.catalogue, ws.units, number, day)
    except UnknownPhase:
        raise unknown_phase(ws, number) from None
    if fmt == "table":
        sample_banner(ws)
    emit(FORMATS, fmt, result)


@command
@replayable()
def exemplars(
    fmt: Annotated[TableFormat, format_option()] = "table",
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Sổ điển hình tiên tiến theo lĩnh vực: trạng thái, người phụ trách, lần kiểm tra gần nhất."""
    from thidua_cli.compute.exemplars import register
    from thidua_cli.formats.exemplars import FORMATS

    ws = load_tolerant(data, jobs)
    assert ws.catalogue is not None
    if not ws.catalogue.campaign.sections.exemplars and fmt == "table":
        say("Kế hoạch này không theo dõi điển hình tiên tiến (campaign.sections.exemplars: false).")
        return
    if fmt == "table":
        sample_banner(ws)
    emit(FORMATS, fmt, register(ws.catalogue, ws.units))


@command
@replayable(lambda o: bool(o["init_narrative"]), extra=lambda o: _stamp(o["data"]))
def report(
    phase: PhaseOpt = 1,
    fmt: Annotated[
        ReportFormat,
        format_option("md (xem trên pull request), docx (văn bản chính thức) hoặc all."),
    ] = "all",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Thư mục ghi báo cáo (mặc định: data/reports/<năm>/dot-<đợt>/)."
        ),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Lập phiếu chấm điểm của một đơn vị.")
    ] = None,
    as_of: AsOfOpt = None,
    signed: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Ngày ký văn bản (mặc định: hạn báo cáo của đợt, hoặc nếu muộn hơn thì ngày "
            "muộn nhất mà báo cáo dựa vào: số liệu nộp cuối cùng, Hội đồng thông qua, đính chính).",
        ),
    ] = None,
    init_narrative: Annotated[
        bool,
        typer.Option(
            "--init-narrative",
            help="Tạo tệp nội dung báo cáo data/narrative/<năm>/dot-<đợt>.md với các mục và câu "
            "gợi ý từ số liệu (không ghi đè tệp đã có).",
        ),
    ] = False,
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Lập báo cáo sơ kết/tổng kết (Markdown và DOCX theo Nghị định 30/2020) hoặc phiếu chấm điểm."""
    from thidua_cli.present import render

    ws, o = outcome(data, phase, as_of, jobs)
    if init_narrative:
        _init_narrative(ws, o, data, phase)
        return
    if unit is not None and not o.catalogue.scores:  # before any note about its date
        raise no_scoring()
    if unit is not None and o.unit(unit) is None:
        raise not_found("đơn vị", unit, [s.unit.id for s in o.units])
    approved = _approved_units(ws, phase)  # read once: the annex and the signing day
    day = _signing_day(o, phase, parse_date(signed), unit is not None, ws.approvals, approved)
    templates = render.search_path(data)
    folder = out or data / "reports" / o.catalogue.campaign.years / f"dot-{phase}"
    doc = _document(ws, o, data, phase, unit, day, folder, approved)
    nobody = not any(u.report(phase) for u in ws.units)
    no_rules = unit is None and not o.provisional and o.catalogue.awards is None
    # The document's context holds words and numbers only: the units and their scores go
    # before rendering, which is the peak (a Word document is parsed and built in memory).
    del ws, o
    kinds = ("md", "docx") if fmt == "all" else (fmt,)
    try:
        rendered = render.render_all(doc.template, doc.context, kinds, day, templates)
    except render.TemplateProblem as exc:
        raise UserError(f"Mẫu báo cáo có lỗi: {exc}", code=1) from None
    outputs: list[tuple[Path, bytes | str]] = [
        (folder / f"{doc.stem}{suffix}", body) for suffix, body in rendered
    ]
    written = write_files(outputs + doc.extra)
    if nobody:
        warn(
            f"Chú ý: chưa có đơn vị nào báo cáo đợt {phase}; báo cáo ghi rõ điều này trên trang "
            "đầu."
        )
    if no_rules:
        warn(
            "Chú ý: danh mục chưa có mục «awards» (hình thức, hệ số khen thưởng), nên phần đề "
            "nghị khen thưởng của báo cáo không có danh sách; báo cáo ghi rõ điều này."
        )
    for path in written:
        say(f"Đã ghi {path}")


@dataclass
class _Document:
    """What a report is rendered from: the template, its context, the file name, and the
    files that go with it (the full ranking when the report lists part of a bloc)."""

    template: str
    stem: str
    context: dict[str, Any]
    extra: list[tuple[Path, bytes | str]]


def _init_narrative(ws: Workspace, o: Outcome, data: Path, phase: int) -> None:
    from thidua_cli.compute import status as st
    from thidua_cli.compute.exemplars import register
    from thidua_cli.present import narrative as nv
    from thidua_cli.read import narrative as nr

    narrative_file = nr.path_for(data, o.catalogue.campaign.years, phase)
    if narrative_file.exists():
        raise UserError(
            f"Đã có {narrative_file}; thidua không ghi đè nội dung đã viết.",
            code=1,
            detail="Sửa trực tiếp tệp đó, hoặc xóa nó rồi chạy lại để tạo khung mới.",
        )
    status_now = st.status(o.catalogue, ws.units, phase, o.as_of)
    text = nv.skeleton(o, status_now, register(o.catalogue, ws.units, o.as_of))
    for path in write_files([(narrative_file, text)]):
        say(f"Đã ghi {path}: sửa các câu gợi ý, viết các mục còn trống rồi chạy lại report.")


def _document(
    ws: Workspace,
    o: Outcome,
    data: Path,
    phase: int,
    unit: str | None,
    day: date,
    folder: Path,
    approved: dict[str, Unit] | None = None,
) -> _Document:
    from thidua_cli.compute import status as st
    from thidua_cli.compute.exemplars import register
    from thidua_cli.compute.outcome import compute
    from thidua_cli.present import narrative as nv
    from thidua_cli.present import report as rp
    from thidua_cli.read import narrative as nr

    stamp = _stamp(data)
    if unit is not None:
        us = o.unit(unit)
        assert us is not None  # report() checked it exists (and that the plan scores)
        context = rp.scorecard_context(o, us, stamp, day)
        return _Document("phieu-cham-diem", f"phieu-cham-diem-{unit}", context, [])
    narrative_file = nr.path_for(data, o.catalogue.campaign.years, phase)
    try:
        text_file = nr.load(narrative_file)
    except nr.NarrativeProblem as exc:
        raise UserError(f"Nội dung báo cáo: {exc}", code=1) from None
    awards = o.catalogue.awards
    earlier = (
        [compute(o.catalogue, ws.units, p.number) for p in o.catalogue.phases if p.number < phase]
        if awards is not None and awards.year_end == "all-phases" and not o.provisional
        else []
    )
    shown = narrative_file.as_posix()
    status_now = st.status(o.catalogue, ws.units, phase, o.as_of)
    reg = register(o.catalogue, ws.units, o.as_of)  # as the report's data date saw it
    changed = nv.stale(text_file, o, status_now, reg)
    context = rp.report_context(
        o,
        status_now,
        reg,
        stamp,
        day,
        narrative=text_file,
        narrative_path=shown,
        approvals=ws.approvals,
        approved=approved,
        decisions=ws.quota_decisions,
        earlier=earlier,
        changed=changed,
    )
    _narrative_warnings(text_file, shown, phase)
    plan = o.catalogue.report.plan
    if plan.number is None or plan.date is None:
        warn(
            "Chú ý: danh mục chưa ghi số và ngày của Kế hoạch thi đua (report.plan: number, date "
            "trong indicators.yaml); câu mở đầu báo cáo để trống «Kế hoạch số …/KH-UBND ngày …»."
        )
    if changed is not None:
        _stale_warning(changed, shown)
    _coverage_warnings(o)
    extra: list[tuple[Path, bytes | str]] = []
    if rp.summarised(o):  # the report lists part of a bloc: add the whole
        from thidua_cli.formats.score import as_csv

        extra.append((folder / rp.ranking_file(o), as_csv(o)))
    return _Document("bao-cao", f"bao-cao-dot-{phase}", context, extra)


def _approved_units(ws: Workspace, phase: int) -> dict[str, Unit] | None:
    """The units as the Council approved them (the approval in force), for the report's annex
    of later corrections; None when there is none or it cannot be read (the locks say why)."""
    from thidua_cli.read import git
    from thidua_cli.read.models import in_force
    from thidua_cli.workspace import load_revision

    approval = in_force(ws.approvals).get(phase)
    if approval is None:
        return None
    try:
        root = git.top(ws.data_dir)
        data_rel = Path(os.path.relpath(ws.data_dir.resolve(), root)).as_posix()
        old = load_revision(root, approval.commit, data_rel, ws.by_digest, ws)
    except (git.GitProblem, OSError):
        return None
    return {u.id: u for u in old.units}


def _stamp(data: Path) -> str:
    """The revision a report names (it reads git's index and status, which no file shows)."""
    from thidua_cli.audit.revision import revision
    from thidua_cli.present import render

    return revision(data, render.search_path(data)[:-1])


def warn(text: str) -> None:
    say(text, style="bold yellow", stderr=True)


def _signing_day(
    o: Outcome,
    phase: int,
    given: date | None,
    scorecard: bool = False,
    approvals: Sequence[Approval] = (),
    approved: dict[str, Unit] | None = None,
) -> date:
    """The date printed on the report. Default: the phase deadline, or, when later, the last
    thing the report stands on: the last submission in hand, the Council's approval it cites
    and the corrections it lists (with a warning saying which). A date given before that is
    kept, with a warning: the report would be signed before what it reports. A unit's
    scorecard is dated as the report it goes with, and says so (the late data may be another
    unit's)."""
    from thidua_cli.compute.outcome import deadline
    from thidua_cli.present.report import corrections_after
    from thidua_cli.read.models import in_force

    due = deadline(o.catalogue, phase)
    # what the report stands on, and its date: the reports in hand (its scores count them)…
    events: list[tuple[date, str]] = [
        (s.report.submitted, "submitted") for s in o.units if s.report
    ]
    approval = in_force(approvals).get(phase)
    if approval is not None:  # …the approval it cites and the corrections its annex lists…
        events.append((approval.date, "approved"))
        later = [r for _, _, r, _ in corrections_after(o, approved)]
    else:  # …or, with none in force, every correction its figures carry
        later = [r for s in o.units if s.report for r in s.report.values.values()]
    events.extend(
        (r.correction.date, "corrected")
        for r in later
        if r.correction is not None and r.correction.date is not None
    )
    if not events:
        return given or due
    last, kind = max(events)
    day, deadline_day = numfmt.day(last), numfmt.day(due)
    if given is not None:
        if given < last:
            before = {
                "submitted": f"ngày nộp số liệu cuối cùng ({day})",
                "approved": f"ngày Hội đồng thông qua số liệu ({day})",
                "corrected": f"ngày đính chính số liệu muộn nhất ({day})",
            }[kind]
            warn(f"Chú ý: ngày ký {numfmt.day(given)} trước {before}; kiểm tra lại --date.")
        return given
    if last > due:
        why = {
            "submitted": f"có số liệu nộp sau hạn {deadline_day} (muộn nhất {day})",
            "approved": f"Hội đồng thông qua số liệu ngày {day}, sau hạn {deadline_day}",
            "corrected": f"có đính chính số liệu ngày {day}, sau hạn {deadline_day}",
        }[kind]
        what = "phiếu (như báo cáo chung)" if scorecard else "văn bản"
        warn(f"Chú ý: {why}; ngày ký {what} lấy ngày {day}. Dùng --date để ghi ngày khác.")
        return last
    return due


def _stale_warning(changed: Stale, shown: str) -> None:
    """The narrative quotes figures drawn before the data changed: say so, section by section
    what the data says now and which lines it no longer says, and how to clear the notes."""
    from thidua_cli.formats.terminal import clean
    from thidua_cli.read.narrative import SECTIONS

    titles = dict(SECTIONS)
    line = f"«<!-- thidua: số liệu {changed.mark} -->»"
    if not changed.sections:  # the mark line is gone, but the text matches today's figures
        warn(
            f"Chú ý: {shown} không còn dòng dấu số liệu (lời văn vẫn khớp số liệu hiện nay). Thêm "
            f"lại dòng {line} để thidua nhắc khi số liệu đổi."
        )
        return
    was = changed.was or "(trống)"
    lines = [
        f"Chú ý: số liệu đã thay đổi sau khi viết {shown} ("
        + (
            f"dấu số liệu {was} → {changed.mark}"
            if changed.was is not None
            else "tệp không còn dòng dấu số liệu"
        )
        + "): các con số trong lời văn có thể không còn đúng; báo cáo ghi lời nhắc đối chiếu ở "
        "đầu các mục dưới đây."
    ]
    for sid in sorted(changed.sections, key=list(titles).index):
        lines.append(f"Mục «{titles[sid]}»:")
        lines += [f"  nay là: {clean(text)}" for s, text in changed.new if s == sid]
        lines += [
            f"  câu cũ (không còn đúng): {clean(text)}" for s, text in changed.old if s == sid
        ]
    fix = (
        f"thêm lại dòng {line} vào {shown}"
        if changed.was is None
        else f"thay dấu {was} bằng {changed.mark} trong {shown}"
    )
    lines.append(f"Đối chiếu và sửa xong thì {fix}, rồi chạy lại report.")
    warn("\n".join(lines))


def _narrative_warnings(text: Narrative | None, shown: str, phase: int) -> None:
    from thidua_cli.read.narrative import SECTIONS

    if text is None:
        warn(
            f"Chú ý: chưa có tệp nội dung {shown}; các mục tình hình, đánh giá, phương hướng "
            f"in thành chỗ trống. Tạo khung bằng: thidua report --phase {phase} --init-narrative"
        )
        return
    missing = [title for sid, title in SECTIONS if sid not in text.sections]
    if missing:
        warn(f"Chú ý: {shown} chưa viết {len(missing)} mục: " + "; ".join(missing) + ".")
    for title in text.unknown:
        warn(f"Chú ý: {shown} có mục “## {title}” không thuộc mục nào của báo cáo; không được in.")
    if text.removed:
        warn(f"Chú ý: đã bỏ {text.removed} ký tự điều khiển hoặc ký tự ẩn trong {shown}.")


def _coverage_warnings(o: Outcome) -> None:
    partial = [io for io in o.indicators if io.partial]
    if partial:
        warn(
            f"Chú ý: {len(partial)} chỉ tiêu toàn {o.catalogue.campaign.locality.level} chưa đủ "
            "đơn vị báo cáo: "
            + ", ".join(f"{io.indicator.code} ({io.reporters}/{io.expected})" for io in partial)
            + "."
        )
