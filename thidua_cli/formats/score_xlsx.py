"""`thidua score --format xlsx`: the commune indicator table the province asks for and the
ranking of each bloc on its own sheet, with Vietnamese headers and number formats, frozen
header rows and reproducible bytes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from thidua_cli.compute.outcome import Outcome
from thidua_cli.present.text import (
    indicator_rows,
    over_quota,
    plain,
    plan_text,
    ranked_blocs,
    remarks,
)
from thidua_cli.present.workbook import printable, save, text_cell

INDICATOR_HEADERS = (
    ("STT", 6),
    ("Chỉ tiêu", 60),
    ("ĐVT", 12),
    ("Kế hoạch", 16),
    ("Thực hiện", 16),
    ("Tỷ lệ (% KH)", 12),
    ("Đánh giá", 18),
    ("Số đơn vị báo cáo", 16),
)
RANK_HEADERS = (
    ("Hạng", 7),
    ("Đơn vị", 40),
    ("Điểm", 10),
    ("Số chỉ tiêu đạt", 14),
    ("Điểm tự chấm", 13),
    ("Xếp loại", 28),
    ("Ghi chú", 50),
)
SCORE_FORMAT = "#,##0.00"  # Excel shows it with the reader's separators: 86,65 in Vietnamese


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name)[:31].strip() or "Khối"
    title, n = clean, 2
    while title in used:
        title = f"{clean[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _header(sheet: Any, row: int, headers: tuple[tuple[str, int], ...]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for n, (title, width) in enumerate(headers, 1):
        cell = sheet.cell(row=row, column=n, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
    printable(sheet, row)


def _text(sheet: Any, row: int, col: int, text: str) -> None:
    text_cell(sheet.cell(row=row, column=col), text)


def _number(sheet: Any, row: int, col: int, v: Decimal | None, fmt: str) -> None:
    cell = sheet.cell(row=row, column=col, value=plain(v))
    cell.number_format = fmt


def build(o: Outcome, bloc: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    used: set[str] = set()
    sheet = wb.active
    sheet.title = _sheet_title("Chỉ tiêu", used)
    level = o.catalogue.campaign.locality.level
    title = f"Kết quả thực hiện các chỉ tiêu toàn {level} — {o.phase.name}"
    if o.sample:
        title += " (DỮ LIỆU MẪU)"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    _header(sheet, 3, INDICATOR_HEADERS)
    index = {io.indicator.code: io for io in o.indicators}
    row, group = 4, None
    for r in indicator_rows(o):
        if r.group != group:
            group = r.group
            _text(sheet, row, 2, r.group)
            sheet.cell(row=row, column=2).font = Font(bold=True)
            row += 1
        io = index[r.code]
        sheet.cell(row=row, column=1, value=r.stt)
        _text(sheet, row, 2, ("trong đó: " if r.sub else "") + f"{r.code} {r.name}")
        _text(sheet, row, 3, r.unit)
        _text(sheet, row, 4, plan_text(io.indicator, io.evaluation))
        _text(sheet, row, 5, r.actual)
        pct = io.evaluation.percent
        _number(sheet, row, 6, pct / 100 if pct is not None else None, "0.0%")
        _text(sheet, row, 7, r.label)
        _text(sheet, row, 8, f"{io.reporters}/{io.expected}")
        for col in (2, 3):
            sheet.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        for col in (4, 5, 8):
            sheet.cell(row=row, column=col).alignment = Alignment(horizontal="right")
        row += 1
    over = over_quota(o)
    for b, members in ranked_blocs(o, bloc):
        ranking = wb.create_sheet(_sheet_title(b.name, used))
        ranking["A1"] = f"Xếp hạng {b.name} — {o.phase.name}" + (
            " (xếp loại tạm tính)" if o.provisional else ""
        )
        ranking["A1"].font = Font(bold=True, size=13)
        _header(ranking, 3, RANK_HEADERS)
        for n, s in enumerate(members, 4):
            assert s.level is not None
            ranking.cell(row=n, column=1, value=s.rank)
            _text(ranking, n, 2, s.unit.name)
            _number(ranking, n, 3, s.score, SCORE_FORMAT)
            ranking.cell(row=n, column=4, value=s.met)
            _number(ranking, n, 5, s.self_score, SCORE_FORMAT)
            _text(ranking, n, 6, s.level.name)
            _text(ranking, n, 7, remarks(s, over))
    return save(wb, title, o.as_of)
