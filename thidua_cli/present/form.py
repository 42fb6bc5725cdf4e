"""The Excel report form a unit fills in: its registered indicators with the plan, typed input
cells checked by Excel as they are typed (bounds from the catalogue), an evidence column, a
Vietnamese instruction sheet, and everything but the input cells protected."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thidua_cli import numfmt
from thidua_cli.present.text import plain, target_text, value_text
from thidua_cli.present.workbook import printable, save, text_cell
from thidua_cli.read import form as layout
from thidua_cli.read.models import Catalogue, Indicator, Result, Unit

KIND_VI = {
    "bool": "Chọn Có/Không",
    "rating": "Chọn mức",
    "ratio": "Tử số / mẫu số",
    "percent": "Tỷ lệ % (0–100)",
    "count": "Số nguyên",
    "number": "Số",
}
WIDTHS = {"A": 5, "B": 8, "C": 60, "D": 12, "E": 14, "F": 12, "G": 16, "H": 14, "I": 12, "J": 12}
WIDTHS["K"] = 45
INSTRUCTIONS = (
    "HƯỚNG DẪN ĐIỀN PHIẾU BÁO CÁO SỐ LIỆU THI ĐUA",
    "",
    "1. Chỉ điền vào các ô nền trắng: ngày báo cáo (ô C5) và các cột Thực hiện, Tử số, Mẫu số, "
    "Minh chứng. Các ô khác đã khóa.",
    "2. Cột «Cách nhập» cho biết nhập gì: số ở cột Thực hiện; tỷ lệ theo tử số/mẫu số ở cột Tử "
    "số và Mẫu số (ví dụ 612 người có thẻ BHYT trên 648 người); chỉ tiêu Có/Không và chỉ tiêu "
    "xếp mức (Tốt, Khá…) chọn trong danh sách.",
    "3. Tỷ lệ phần trăm ghi theo phần trăm: 96,5 nghĩa là 96,5% (không ghi 0,965).",
    "4. Số ghi kiểu Việt Nam được: 10.900 là mười nghìn chín trăm; 96,5 là chín mươi sáu phẩy "
    "năm. Không dùng công thức; không chèn, xóa hay di chuyển dòng, cột, trang.",
    "5. Chỉ tiêu chưa có số liệu thì để trống.",
    "6. Cột Minh chứng: số và tên văn bản, biên bản, danh sách làm căn cứ cho số liệu.",
    "7. Điền xong, lưu tệp (giữ nguyên tên và dạng .xlsx) và gửi lại cho bộ phận thi đua.",
)


@dataclass(frozen=True)
class FormRow:
    indicator: Indicator
    kind: str  # see read.form.input_kind
    annual: str
    phase: str


def rows(cat: Catalogue, unit: Unit, phase: int, expects_bool: Any) -> list[FormRow]:
    """The unit's registered indicators in catalogue order, with its own targets."""
    reg = unit.registration
    if reg is None:
        return []
    out = []
    for ind in cat.indicators:
        if ind.code not in reg.targets or ind.aggregation == "computed":
            continue
        own = reg.targets.get(ind.code)
        kind = layout.input_kind(ind, expects_bool(ind))
        if kind == "bool":  # a unit's own yes/no target, not the commune's count
            annual = "Có" if own is not False else "Không"
        else:
            annual = target_text(ind, own if isinstance(own, Decimal) else None)
        checkpoint = reg.phase_targets.get(phase, {}).get(ind.code, ind.phase_targets.get(phase))
        phase_text = value_text(ind, checkpoint) if isinstance(checkpoint, Decimal) else ""
        out.append(FormRow(ind, kind, annual, phase_text))
    return out


def _text(sheet: Any, ref: str, text: str) -> None:
    text_cell(sheet[ref], text)


def _prefill(sheet: Any, row: int, r: FormRow, result: Result | None) -> None:
    """What the unit already reported, so a form sent again shows it (and imports back to no
    change); evidence only when there is exactly one, so importing it back changes nothing."""
    if result is None:
        return
    if r.kind == "ratio":
        sheet[f"{layout.NUMERATOR}{row}"] = plain(result.numerator)
        sheet[f"{layout.DENOMINATOR}{row}"] = plain(result.denominator)
    elif isinstance(result.value, bool):
        sheet[f"{layout.VALUE}{row}"] = "Có" if result.value else "Không"
    elif isinstance(result.value, Decimal):
        sheet[f"{layout.VALUE}{row}"] = plain(result.value)
    elif isinstance(result.value, str):  # a rating's level
        _text(sheet, f"{layout.VALUE}{row}", result.value)
    if len(result.evidence) == 1:
        ev = result.evidence[0]
        _text(sheet, f"{layout.EVIDENCE}{row}", ev.doc or ev.file or ev.url or "")


def build(cat: Catalogue, unit: Unit, phase: int, form_rows: list[FormRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    sheet = wb.active
    sheet.title = layout.DATA_SHEET
    bold = Font(name="Times New Roman", bold=True)
    grey = PatternFill("solid", fgColor="DDDDDD")
    _text(sheet, "A1", f"PHIẾU BÁO CÁO SỐ LIỆU THI ĐUA — {cat.campaign.title}".upper())
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    sheet[layout.MARK_CELL] = layout.mark(phase)
    sheet[layout.MARK_CELL].font = Font(color="FFFFFF")
    sheet["A2"], sheet["A3"], sheet["A4"], sheet["A5"] = (
        "Đơn vị:",
        "Mã đơn vị:",
        "Đợt:",
        "Ngày báo cáo:",
    )
    _text(sheet, "C2", unit.name)
    _text(sheet, layout.UNIT_CELL, unit.id)
    sheet[layout.PHASE_CELL] = phase
    sheet[layout.PHASE_CELL].alignment = Alignment(horizontal="left")
    window = cat.window(unit, phase)
    if window is not None:
        sheet["D4"] = f"hạn báo cáo {numfmt.day(window.due)}"
    report = unit.report(phase)
    date_cell = sheet[layout.DATE_CELL]
    if report is not None:
        date_cell.value = report.submitted
    date_cell.number_format = "DD/MM/YYYY"
    date_cell.protection = Protection(locked=False)
    for col, title in layout.HEADERS:
        cell = sheet[f"{col}{layout.HEADER_ROW}"]
        cell.value = title
        cell.font = bold
        cell.fill = grey
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    yes_no = _warning(
        DataValidation(type="list", formula1='"Có,Không"'),
        "Giá trị không hợp lệ",
        "Chọn Có hoặc Không.",
    )
    sheet.add_data_validation(yes_no)
    for n, r in enumerate(form_rows):
        row = layout.FIRST_ROW + n
        ind = r.indicator
        sheet[f"A{row}"] = n + 1
        sheet[f"B{row}"] = ind.code
        _text(sheet, f"C{row}", ind.name)
        _text(sheet, f"D{row}", ind.unit)
        _text(sheet, f"E{row}", r.annual)
        _text(sheet, f"F{row}", r.phase)
        sheet[f"G{row}"] = KIND_VI[r.kind]
        sheet[f"C{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        inputs = [layout.NUMERATOR, layout.DENOMINATOR] if r.kind == "ratio" else [layout.VALUE]
        for col in (layout.VALUE, layout.NUMERATOR, layout.DENOMINATOR):
            cell = sheet[f"{col}{row}"]
            if col in inputs:
                cell.protection = Protection(locked=False)
                cell.number_format = {"count": "0", "rating": "@"}.get(r.kind, "#,##0.##")
                if r.kind == "bool":
                    yes_no.add(cell)
                elif r.kind == "rating":
                    choice = _levels(ind, cell.coordinate)
                    if choice is not None:
                        sheet.add_data_validation(choice)
                else:
                    sheet.add_data_validation(_bounds(ind, r.kind, cell.coordinate))
            else:
                cell.fill = grey
        sheet[f"{layout.EVIDENCE}{row}"].protection = Protection(locked=False)
        _prefill(sheet, row, r, report.values.get(ind.code) if report else None)
    for col, width in WIDTHS.items():
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = f"A{layout.FIRST_ROW}"
    printable(sheet, layout.HEADER_ROW)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen a column to read it
    help_sheet = wb.create_sheet(layout.HELP_SHEET)
    for n, line in enumerate(INSTRUCTIONS, 1):
        help_sheet[f"A{n}"] = line
    help_sheet["A1"].font = bold
    help_sheet.column_dimensions["A"].width = 120
    help_sheet.protection.sheet = True
    title = f"Phiếu báo cáo đợt {phase} — {unit.name}"
    return save(wb, title, window.start if window else cat.campaign.start)


def _levels(ind: Indicator, ref: str) -> Any:
    """A drop-down of the rating's levels. Excel's list is one quoted text of at most 255
    characters separated by commas: levels that cannot be written so get no drop-down (the
    import still checks the level)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = ",".join(ind.levels)
    if not ind.levels or len(listed) > 250 or any(c in listed for c in '"\n\r'):
        return None
    if any("," in level for level in ind.levels):
        return None
    v = DataValidation(type="list", formula1=f'"{listed}"')
    _warning(v, "Mức không hợp lệ", "Chọn một mức trong danh sách.")
    v.add(ref)
    return v


def _warning(v: Any, title: str, message: str) -> Any:
    """Excel warns at a wrong entry and lets it stand: «96,5» typed as text on an English
    Excel is still a number to `import`, which checks every cell again."""
    v.error, v.errorTitle = message, title
    v.showErrorMessage, v.errorStyle = True, "warning"
    v.allow_blank = True
    return v


def _bounds(ind: Indicator, kind: str, ref: str) -> Any:
    """Excel checks the bounds as the unit types: 0 to 100 for a percentage, the catalogue's
    own minimum and maximum when it sets them, whole numbers for counts."""
    from openpyxl.worksheet.datavalidation import DataValidation

    low = ind.minimum if ind.minimum is not None else Decimal(0)
    high = ind.maximum if ind.maximum is not None else (Decimal(100) if kind == "percent" else None)
    rule = "whole" if kind == "count" else "decimal"
    if high is None:
        v = DataValidation(type=rule, operator="greaterThanOrEqual", formula1=f"{low:f}")
        said = f"Ghi một số không nhỏ hơn {numfmt.number(low)}."
    else:
        v = DataValidation(type=rule, operator="between", formula1=f"{low:f}", formula2=f"{high:f}")
        said = f"Ghi một số từ {numfmt.number(low)} đến {numfmt.number(high)}."
    _warning(v, "Số không hợp lệ", said)
    v.add(ref)
    return v
