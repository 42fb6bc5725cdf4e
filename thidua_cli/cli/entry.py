"""Commands that put figures in without hand-editing YAML: `form` (Excel forms for the units),
`import` (read the filled forms back), `set` (one figure). All three write through
audit/edit.py: the same checks as `validate`, the approval locks, an atomic write."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thidua_cli.cli.app import (
    DataOpt,
    PhaseOpt,
    UserError,
    code_not_found,
    console,
    load,
    named,
    not_found,
    parse_date,
    say,
    unknown_phase,
    write_files,
)

if TYPE_CHECKING:
    from thidua_cli.audit.edit import Prepared
    from thidua_cli.read.models import Indicator
    from thidua_cli.workspace import Workspace

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Chỉ kiểm tra và in thay đổi, không ghi tệp.")
]


CorrectionDateOpt = Annotated[
    str | None,
    typer.Option(
        "--correction-date",
        help="Ngày đính chính, ghi vào số liệu (mặc định: hôm nay); báo cáo kèm phụ lục đính "
        "chính không ký trước ngày này.",
    ),
]


def _correction_options(correction: str | None, reference: str | None, day: str | None) -> None:
    if (correction is None) != (reference is None):
        raise UserError("--correction và --reference đi cùng nhau (lý do và văn bản).")
    if day is not None and correction is None:
        raise UserError("--correction-date chỉ dùng cùng --correction và --reference.")


def _unapproved(phase: int) -> UserError:
    return UserError(
        f"Đợt {phase} chưa được Hội đồng phê duyệt: sửa số liệu không cần đính chính.",
        detail="Bỏ --correction, --reference (và --correction-date) rồi chạy lại.",
    )


def _figure_now(
    ws: Workspace, unit: str, phase: int, code: str
) -> tuple[Decimal | bool | str | None, Decimal | None, Decimal | None]:
    """The figure a unit reported, for adding its evidence alone (none yet: say what to give)."""
    found = next((u for u in ws.units if u.id == unit), None)
    report = found.report(phase) if found is not None else None
    r = report.values.get(code) if report is not None else None
    if r is None or (r.value is None and r.numerator is None):
        raise UserError(
            f"{unit} chưa có số liệu {code} đợt {phase} để thêm minh chứng.",
            detail="Ghi cả số liệu: --value (hoặc --numerator và --denominator).",
        )
    value = r.value if isinstance(r.value, Decimal | bool | str) else None
    return value, r.numerator, r.denominator


def _correction_day(text: str | None) -> date:
    return parse_date(text) or date.today()


def _campaign(data: Path) -> Workspace:
    """The campaign to edit: the catalogue must be sound; unit files may have problems (the
    edited file is judged on its own after the edit)."""
    ws = load(data)
    if ws.catalogue is None or any(
        p.is_error and p.path.endswith("indicators.yaml") for p in ws.problems
    ):
        raise UserError(
            "Danh mục chỉ tiêu còn lỗi nên chưa nhập được số liệu.",
            code=1,
            detail="Xem: thidua validate.",
        )
    return ws


def _show(prepared: list[Prepared], source: dict[str, str]) -> None:
    """Print every prepared edit under its file (and the form it came from)."""
    from thidua_cli.formats.edit import print_prepared

    out = console()
    for p in prepared:
        say(f"{source[p.rel]} → {p.rel}" if p.rel in source else p.rel, style="bold")
        print_prepared(p, out, source=source.get(p.rel, ""))


def _finish(prepared: list[Prepared], dry_run: bool, source: dict[str, str]) -> None:
    """Print every prepared edit; write them all together only when none is blocked."""
    _show(prepared, source)
    blocked = [p for p in prepared if p.blocked]
    if blocked:
        raise UserError(
            "Không ghi tệp nào: số liệu còn lỗi.",
            code=1,
            detail="Sửa các lỗi trên rồi chạy lại; không tệp nào bị thay đổi.",
        )
    if dry_run:
        say("Chạy thử (--dry-run): không ghi tệp nào.", style="bold yellow")
        return
    written = write_files([(p.path, p.after) for p in prepared if p.changed])
    for path in written:
        say(f"Đã ghi {path}")


def _value(ind: Indicator, text: str) -> Decimal | bool | str:
    from thidua_cli.read.typed import Unreadable, bool_cell, number_text

    if ind.kind == "rating":
        return _level(ind, text)
    try:
        if ind.kind == "boolean" or ind.aggregation == "count-true":
            return bool_cell(text)
        value, _ = number_text(text)
        return value
    except Unreadable as exc:
        raise UserError(f"--value: {exc}.", detail=f"Chỉ tiêu {ind.code} ({ind.unit}).") from None


def _level(ind: Indicator, text: str) -> str:
    """A rating's level as the catalogue writes it; anything else is refused with the levels
    to choose from."""
    from thidua_cli.read.typed import level_of

    level = level_of(ind.levels, text)
    if level is not None:
        return level
    raise UserError(
        f"--value: «{text}» không phải một mức của chỉ tiêu {ind.code}.",
        detail="Chọn một trong: " + ", ".join(f"«{v}»" for v in ind.levels) + ".",
    )


def _number(option: str, text: str) -> Decimal:
    from thidua_cli.read.typed import Unreadable, number_text

    try:
        return number_text(text)[0]
    except Unreadable as exc:
        raise UserError(f"{option}: {exc}.") from None


FORMS_IGNORED = (
    "# Phiếu Excel do «thidua form» lập và các đơn vị điền: bản làm việc, không đưa vào git\n"
    "# (số liệu được lưu trong data/units/; phiếu đã ký cần giữ thì chép vào data/evidence/).\n"
    "*\n"
)


@named("form")
def form(
    phase: PhaseOpt = 1,
    units: Annotated[
        list[str] | None,
        typer.Option("--unit", "-u", help="Chỉ lập phiếu cho đơn vị này (ghi nhiều lần được)."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Lập phiếu cho mọi đơn vị, kể cả đơn vị đã báo cáo.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Thư mục ghi phiếu (mặc định: phieu/dot-<đợt>/ bên cạnh thư mục data/).",
        ),
    ] = None,
    data: DataOpt = Path("data"),
) -> None:
    """Lập phiếu Excel báo cáo số liệu cho các đơn vị chưa báo cáo đợt này (mỗi đơn vị một tệp)."""
    from thidua_cli.checks.context import Context
    from thidua_cli.present import form as pf

    ws = _campaign(data)
    assert ws.catalogue is not None
    cat = ws.catalogue
    if phase not in {p.number for p in cat.phases}:
        from thidua_cli.cli.app import unknown_phase

        raise unknown_phase(ws, phase)
    known = {u.id: u for u in ws.units}
    for wanted in units or []:
        if wanted not in known:
            raise not_found("đơn vị", wanted, sorted(known))
    chosen = [
        u for u in ws.units if (u.id in units if units else (every or u.report(phase) is None))
    ]
    ctx = Context(cat, ws.root)
    # beside the data folder (the repository root), wherever the command is run from
    folder = out or Path(os.path.relpath(data.resolve().parent / "phieu" / f"dot-{phase}"))
    outputs: list[tuple[Path, bytes | str]] = []
    skipped = []
    for u in chosen:
        rows = pf.rows(cat, u, phase, ctx.expects_bool)
        if not rows:
            skipped.append(u.id)
            continue
        outputs.append((folder / f"{u.id}.xlsx", pf.build(cat, u, phase, rows)))
    ignore = folder.parent / ".gitignore"
    if out is None and outputs and not ignore.exists():
        # forms are working copies sent out and back; the YAML is the record: git leaves them
        outputs.append((ignore, FORMS_IGNORED))
    if not outputs:
        say(f"Không có đơn vị nào cần phiếu đợt {phase} (mọi đơn vị đã báo cáo?).")
    for path in write_files(outputs):
        say(f"Đã ghi {path}")
    if skipped:
        say(
            "Chưa đăng ký chỉ tiêu nên không có phiếu: " + ", ".join(skipped) + ".",
            style="bold yellow",
        )


@named("import")
def import_forms(
    files: Annotated[list[Path], typer.Argument(help="Các phiếu Excel (.xlsx) đã điền.")],
    correction: Annotated[
        str | None,
        typer.Option(
            "--correction", help="Lý do đính chính, cho các số thay đổi của đợt đã phê duyệt."
        ),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Văn bản cho phép đính chính.")
    ] = None,
    corrected: CorrectionDateOpt = None,
    dry_run: DryRunOpt = False,
    data: DataOpt = Path("data"),
) -> None:
    """Nhập số liệu từ phiếu Excel đã điền: kiểm tra như validate, in thay đổi, ghi tệp đơn vị."""
    from thidua_cli.audit.edit import Edit, EditError, Figure, differs, prepare
    from thidua_cli.checks.context import Context
    from thidua_cli.formats.edit import print_form_problems
    from thidua_cli.read.models import in_force

    _correction_options(correction, reference, corrected)
    from thidua_cli.read import form as rf

    ws = _campaign(data)
    assert ws.catalogue is not None
    ctx = Context(ws.catalogue, ws.root)
    units = {u.id: u for u in ws.units}

    def expected_for(unit_id: str) -> dict[str, str] | None:
        u = units.get(unit_id)
        if u is None or u.registration is None:
            return None
        return {
            ind.code: rf.input_kind(ind, ctx.expects_bool(ind))
            for ind in ws.catalogue.indicators  # type: ignore[union-attr]
            if ind.code in u.registration.targets and ind.aggregation != "computed"
        }

    by_code = {i.code: i for i in ws.catalogue.indicators}
    catalogue = ws.catalogue

    def due(phase: int) -> date | None:
        """The phase's deadline: the example in a hint about the report date."""
        from thidua_cli.compute.outcome import deadline

        return deadline(catalogue, phase) if catalogue.phase(phase) is not None else None

    def _typed_level(code: str, value: Decimal | bool | str | None) -> Decimal | bool | str | None:
        """A level typed as «tốt» is the catalogue's «Tốt»; any other text stays as typed, and
        the check of the new file names it at its cell."""
        from thidua_cli.read.typed import level_of

        if not isinstance(value, str):
            return value
        return level_of(by_code[code].levels, value) or value

    prepared = []
    source: dict[str, str] = {}
    broken = False
    for path in files:
        if not path.is_file():
            raise UserError(f"Không có tệp «{path}».")
        filled = rf.read(path, path.name, expected_for, due)
        if filled.blank:
            say(f"{path.name}: phiếu chưa điền (không có ngày báo cáo, không có số liệu), bỏ qua.")
            continue
        if filled.problems:
            broken = True
            say(path.name, style="bold")
            print_form_problems(filled.problems, console())
            continue
        assert filled.unit is not None and filled.phase is not None
        figures = [
            Figure(
                c.code,
                _typed_level(c.code, c.value),
                c.numerator,
                c.denominator,
                c.evidence,
                where=c.where,
            )
            for c in filled.figures
        ]
        if correction is not None and in_force(ws.approvals).get(filled.phase) is None:
            raise _unapproved(filled.phase)
        reported = units.get(filled.unit)
        submitted = filled.submitted
        if correction is not None and reference is not None:
            day = _correction_day(corrected)
            figures = [
                replace(f, correction=(correction, reference, day))
                if differs(reported, filled.phase, f)
                else f
                for f in figures
            ]
            if reported is not None and reported.report(filled.phase):
                # a correction sent on a form: its date (C5) is the day of the corrected form,
                # not a new submission date of the approved report (the lock keeps that)
                submitted = None
        try:
            p = prepare(ws, Edit(filled.unit, filled.phase, figures, submitted), date.today())
        except EditError as exc:
            raise UserError(f"{path.name}: {exc}", code=1) from None
        if p.rel in source:
            raise UserError(
                f"Hai phiếu cho cùng một đơn vị: {source[p.rel]} và {path.name}.",
                code=1,
                detail="Nhập từng phiếu một; không tệp nào bị thay đổi.",
            )
        source[p.rel] = path.name
        prepared.append(p)
    if broken:
        _show(prepared, source)
        raise UserError(
            "Không ghi tệp nào: có phiếu còn lỗi.",
            code=1,
            detail="Sửa các ô nêu trên rồi nhập lại; không tệp nào bị thay đổi.",
        )
    _finish(prepared, dry_run, source)


@named("set")
def set_figure(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị (tên tệp trong units/, bỏ .yaml).")],
    code: Annotated[
        str, typer.Argument(help="Mã chỉ tiêu, như trong danh mục (thidua indicators).")
    ],
    phase: PhaseOpt = 1,
    value: Annotated[
        str | None, typer.Option("--value", help="Số thực hiện (10900, 96,5) hoặc có/không.")
    ] = None,
    numerator: Annotated[str | None, typer.Option("--numerator", help="Tử số.")] = None,
    denominator: Annotated[str | None, typer.Option("--denominator", help="Mẫu số.")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="Minh chứng: số, tên văn bản.")
    ] = None,
    evidence_file: Annotated[
        Path | None, typer.Option("--evidence-file", help="Tệp minh chứng trong kho.")
    ] = None,
    correction: Annotated[
        str | None,
        typer.Option("--correction", help="Lý do đính chính (đợt đã được phê duyệt)."),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Văn bản cho phép đính chính.")
    ] = None,
    corrected: CorrectionDateOpt = None,
    submitted: Annotated[
        str | None,
        typer.Option("--submitted", help="Ngày nộp báo cáo (khi đơn vị chưa có báo cáo đợt này)."),
    ] = None,
    dry_run: DryRunOpt = False,
    data: DataOpt = Path("data"),
) -> None:
    """Ghi hoặc sửa một số liệu của một đơn vị, kiểm tra như validate, in thay đổi."""
    from thidua_cli.audit.edit import Edit, EditError, Figure, prepare
    from thidua_cli.read.models import in_force

    evidence_only = value is None and numerator is None and denominator is None
    if evidence_only and evidence is None and evidence_file is None:
        raise UserError("Ghi --value, hoặc cả --numerator và --denominator (hoặc chỉ minh chứng).")
    if value is not None and (numerator is not None or denominator is not None):
        raise UserError("Ghi --value, hoặc cả --numerator và --denominator, không cả hai.")
    if not evidence_only and value is None and (numerator is None or denominator is None):
        raise UserError("Cần cả --numerator và --denominator.")
    if evidence is not None and evidence_file is not None:
        raise UserError("Chỉ ghi một trong --evidence và --evidence-file.")
    _correction_options(correction, reference, corrected)
    ws = _campaign(data)
    assert ws.catalogue is not None
    code = code.strip().upper()
    ind = next((i for i in ws.catalogue.indicators if i.code == code), None)
    if ind is None:
        raise code_not_found(code, [i.code for i in ws.catalogue.indicators])
    if phase not in {p.number for p in ws.catalogue.phases}:
        raise unknown_phase(ws, phase)
    if unit not in ws.paths:
        raise not_found("đơn vị", unit, sorted(ws.paths))
    if (
        ind.aggregation == "ratio"
        and value is not None
        and (numerator is None or denominator is None)
    ):
        # the check of the file would say so in YAML («{numerator: …}»): say it in options
        raise UserError(
            f"Chỉ tiêu {code} cộng dồn theo tử số và mẫu số: ghi --numerator và --denominator "
            "(tỷ lệ được tính từ hai số đó), không ghi --value.",
            detail=f"Ví dụ: thidua set {unit} {code} --phase {phase} --numerator 612 "
            "--denominator 648",
        )
    if correction is not None and in_force(ws.approvals).get(phase) is None:
        raise _unapproved(phase)
    file = None
    if evidence_file is not None:
        file = Path(os.path.relpath(evidence_file.resolve(), ws.root.resolve())).as_posix()
    typed = (
        (
            _value(ind, value) if value is not None else None,
            _number("--numerator", numerator) if numerator is not None else None,
            _number("--denominator", denominator) if denominator is not None else None,
        )
        if not evidence_only
        else _figure_now(ws, unit, phase, code)  # evidence for the figure already there
    )
    figure = Figure(
        code,
        value=typed[0],
        numerator=typed[1],
        denominator=typed[2],
        evidence=evidence,
        evidence_file=file,
        correction=(correction, reference, _correction_day(corrected))
        if correction and reference
        else None,
        where=f"{unit} {code}",
    )
    try:
        prepared = prepare(ws, Edit(unit, phase, [figure], parse_date(submitted)), date.today())
    except EditError as exc:
        raise UserError(str(exc), code=1, detail="Dùng --submitted NGÀY.") from None
    _finish([prepared], dry_run, {})
