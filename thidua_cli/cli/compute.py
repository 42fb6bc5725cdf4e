"""Commands that compute: `score`, `status`, `exemplars`, `report`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

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
    say,
    unknown_phase,
    write_files,
)

ScoreFormat = Literal["table", "json", "csv"]
ReportFormat = Literal["md", "docx", "all"]


@command
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
        ScoreFormat, format_option("Cách in: table (bảng), json hoặc csv (Excel).")
    ] = "table",
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Tính kết quả chỉ tiêu, điểm, xếp loại và xếp hạng từng khối."""
    from thidua_cli.formats.score import FORMATS, UNIT_FORMATS

    if explain and unit is None:
        raise UserError("--explain cần --unit MÃ_ĐƠN_VỊ.")
    _ws, o = outcome(data, phase, as_of, jobs)
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
    emit(FORMATS, fmt, (o, bloc))


@command
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
    emit(FORMATS, fmt, result)


@command
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
    emit(FORMATS, fmt, register(ws.catalogue, ws.units))


@command
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
        str | None, typer.Option("--date", help="Ngày ký văn bản (mặc định: ngày tính số liệu).")
    ] = None,
    jobs: JobsOpt = 0,
    data: DataOpt = Path("data"),
) -> None:
    """Lập báo cáo sơ kết/tổng kết (Markdown và DOCX theo Nghị định 30/2020) hoặc phiếu chấm điểm."""
    from thidua_cli.audit.revision import revision
    from thidua_cli.compute import status as st
    from thidua_cli.compute.exemplars import register
    from thidua_cli.present import render
    from thidua_cli.present import report as rp

    ws, o = outcome(data, phase, as_of, jobs)
    day = parse_date(signed) or o.as_of
    templates = render.search_path(data)
    stamp = revision(data, templates[:-1])
    folder = out or data / "reports" / str(o.catalogue.campaign.year) / f"dot-{phase}"
    if unit is not None:
        us = o.unit(unit)
        if us is None:
            raise not_found("đơn vị", unit, [s.unit.id for s in o.units])
        context = rp.scorecard_context(o, us, stamp, day)
        stem, template = f"phieu-cham-diem-{unit}", "phieu-cham-diem"
    else:
        status_now = st.status(o.catalogue, ws.units, phase, o.as_of)
        context = rp.report_context(o, status_now, register(o.catalogue, ws.units), stamp, day)
        stem, template = f"bao-cao-dot-{phase}", "bao-cao"
    kinds = ("md", "docx") if fmt == "all" else (fmt,)
    try:
        rendered = render.render_all(template, context, kinds, day, templates)
    except render.TemplateProblem as exc:
        raise UserError(f"Mẫu báo cáo có lỗi: {exc}", code=1) from None
    outputs: list[tuple[Path, bytes | str]] = [
        (folder / f"{stem}{suffix}", body) for suffix, body in rendered
    ]
    if unit is None and rp.summarised(o):  # the report lists part of a bloc: add the whole
        from thidua_cli.formats.score import as_csv

        outputs.append((folder / rp.ranking_file(o), as_csv(o)))
    written = write_files(outputs)
    if not any(s.report for s in o.units):
        say(
            f"Chú ý: chưa có đơn vị nào báo cáo đợt {phase}; báo cáo ghi rõ điều này trên trang "
            "đầu.",
            style="bold yellow",
            stderr=True,
        )
    for path in written:
        say(f"Đã ghi {path}")
