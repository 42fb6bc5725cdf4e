"""The Excel report form: its layout (shared with present/form.py, which writes it) and the
reader for a filled form. The reader trusts nothing: every cell it takes must stand where the
tool put it, hold a plain value (no formula), and belong to the unit and phase of the form.
Every defect becomes a Problem naming the file, sheet and cell («lang-kon-ktu.xlsx, ô H9»).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua_cli.problems import Problem, error
from thidua_cli.read.models import Indicator
from thidua_cli.read.typed import Unreadable, bool_cell, date_cell, number_cell

DATA_SHEET = "Số liệu"
HELP_SHEET = "Hướng dẫn"
MARK = "thidua-form-1"  # in cell MARK_CELL: which layout this is
MARK_CELL = "K1"
UNIT_CELL = "C3"
PHASE_CELL = "C4"
DATE_CELL = "C5"
HEADER_ROW = 7
MAX_BYTES = 20_000_000  # a filled form is some kilobytes; refuse what could only be a bomb
FIRST_ROW = 8
HEADERS = (
    ("A", "STT"),
    ("B", "Mã"),
    ("C", "Chỉ tiêu"),
    ("D", "ĐVT"),
    ("E", "KH cả năm"),
    ("F", "KH đợt"),
    ("G", "Cách nhập"),
    ("H", "Thực hiện"),
    ("I", "Tử số"),
    ("J", "Mẫu số"),
    ("K", "Minh chứng"),
)
VALUE, NUMERATOR, DENOMINATOR, EVIDENCE = "H", "I", "J", "K"
INPUTS = (VALUE, NUMERATOR, DENOMINATOR, EVIDENCE)


def input_kind(ind: Indicator, expects_bool: bool) -> str:
    """How a figure is entered: "bool" (Có/Không), "rating" (a level from a list), "ratio"
    (numerator and denominator), "percent", "count" (whole number) or "number"."""
    if expects_bool:
        return "bool"
    if ind.kind == "rating":
        return "rating"
    if ind.aggregation == "ratio" or ind.kind == "ratio":
        return "ratio"
    return ind.kind if ind.kind in ("percent", "count") else "number"


@dataclass(frozen=True)
class Cell:
    """A figure read from the form, with the cells it came from."""

    code: str
    value: Decimal | bool | str | None  # str: a rating's level as typed
    numerator: Decimal | None
    denominator: Decimal | None
    evidence: str | None
    where: str  # "lang-kon-ktu.xlsx, ô H9"


@dataclass
class Filled:
    """What a filled form holds, and what is wrong with it."""

    path: str
    unit: str | None = None
    phase: int | None = None
    submitted: date | None = None
    figures: list[Cell] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blank: bool = False  # sent back untouched: no date, no figure (skipped, not an error)


class _Reader:
    def __init__(self, out: Filled, name: str, sheet: Any) -> None:
        self.out, self.name, self.sheet = out, name, sheet

    def where(self, ref: str) -> str:
        return f"{self.name}, trang «{DATA_SHEET}», ô {ref}"

    def fail(self, ref: str, code: str, message: str, hint: str = "") -> None:
        self.out.problems.append(
            error(self.out.path, (0, 0), code, f"{self.where(ref)}: {message}", hint)
        )

    def raw(self, ref: str) -> Any:
        """A cell's value, refusing formulas (their cached result cannot be trusted: it may
        be stale, or point at another file)."""
        cell = self.sheet[ref]
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
            self.fail(
                ref,
                "form-formula",
                f"ô chứa công thức «{str(cell.value)[:40]}»; phiếu chỉ nhận số gõ trực tiếp.",
                "Chép ô rồi dán đặc biệt «chỉ giá trị» (Paste Special → Values), hoặc gõ lại số.",
            )
            return None
        value = cell.value
        return value.strip() or None if isinstance(value, str) else value


def read(
    path: Path,
    rel: str,
    expected_for: Callable[[str], dict[str, str] | None],
    due: Callable[[int], date | None] = lambda phase: None,
) -> Filled:
    """Read a filled form. `expected_for(unit id)` maps each code the unit's form must list to
    its input kind (see `input_kind`), or is None for a unit the campaign does not have."""
    import zipfile

    from openpyxl import load_workbook

    out = Filled(rel)
    name = path.name

    def unreadable(why: str) -> Filled:
        out.problems.append(
            error(
                rel,
                (0, 0),
                "form-unreadable",
                f"{name}: không mở được tệp Excel ({why}).",
                "Mở tệp bằng Excel, lưu lại dạng «Excel Workbook (*.xlsx)» rồi nhập lại.",
            )
        )
        return out

    if path.suffix.lower() != ".xlsx":
        return unreadable(f"tệp {path.suffix or 'không có đuôi'}, phiếu phải là tệp .xlsx")
    try:
        if path.stat().st_size > MAX_BYTES:
            return unreadable(f"tệp lớn hơn {MAX_BYTES // 1_000_000} MB")
        wb = load_workbook(path, data_only=False)
    except PermissionError:
        return unreadable("không có quyền đọc tệp")
    except (OSError, zipfile.BadZipFile):
        return unreadable("tệp hỏng hoặc không phải bảng tính Excel")
    except Exception:  # openpyxl raises many kinds on a damaged file: all are bad input
        return unreadable("tệp hỏng hoặc không phải bảng tính Excel")
    foreign = [s for s in wb.sheetnames if s not in (DATA_SHEET, HELP_SHEET)]
    if DATA_SHEET not in wb.sheetnames or foreign:
        out.problems.append(
            error(
                rel,
                (0, 0),
                "form-foreign-sheet",
                f"{name}: không phải phiếu do thidua tạo, hoặc có trang lạ "
                f"({', '.join(foreign) or 'thiếu trang «' + DATA_SHEET + '»'}).",
                "Dùng đúng phiếu do «thidua form» tạo; không thêm, đổi tên hay xóa trang.",
            )
        )
        return out
    r = _Reader(out, name, wb[DATA_SHEET])
    if r.sheet.merged_cells.ranges:
        first = sorted(str(m) for m in r.sheet.merged_cells.ranges)[0]
        r.fail(first.split(":")[0], "form-moved", f"các ô {first} bị gộp (merge).", "Bỏ gộp ô.")
        return out
    for col, title in HEADERS:
        got = r.sheet[f"{col}{HEADER_ROW}"].value
        if got != title:
            r.fail(
                f"{col}{HEADER_ROW}",
                "form-moved",
                f"tiêu đề cột là «{got or ''}», phải là «{title}»: cột đã bị chèn, xóa hoặc "
                "di chuyển.",
                "Dùng phiếu mới do «thidua form» tạo, không chèn hay xóa cột.",
            )
            return out
    mark = r.sheet[MARK_CELL].value
    # «đợt» may come back decomposed (NFD) from an application that saves text so
    marked = (
        _MARKED.fullmatch(unicodedata.normalize("NFC", mark)) if isinstance(mark, str) else None
    )
    if marked is None:
        r.fail(MARK_CELL, "form-moved", "phiếu đã bị sửa bố cục (mất dấu nhận dạng của phiếu).")
        return out
    out.unit = str(r.sheet[UNIT_CELL].value or "").strip() or None
    out.phase = _phase(r, int(marked.group(1)) if marked.group(1) else None)
    if out.phase is None:
        return out
    submitted = r.raw(DATE_CELL)
    if submitted is not None:
        try:
            out.submitted = date_cell(submitted)
        except Unreadable as exc:
            r.fail(DATE_CELL, "form-bad-cell", f"{exc}.", _day_hint(due(out.phase)))
    expected = expected_for(out.unit or "")
    named = _named(path.stem)
    if expected is None or out.unit != named:
        r.fail(
            UNIT_CELL,
            "form-wrong-unit",
            f"đây là phiếu của đơn vị «{out.unit or ''}», không phải của «{named}»"
            if expected is not None
            else f"không có đơn vị «{out.unit or ''}» trong phong trào.",
            "Mỗi đơn vị gửi lại đúng phiếu mang tên mình (tên tệp là mã đơn vị).",
        )
        return out
    _rows(r, expected)
    entered = any(c.value is not None or c.numerator is not None or c.evidence for c in out.figures)
    if submitted is None and entered:
        r.fail(DATE_CELL, "form-bad-cell", "chưa ghi ngày báo cáo.", _day_hint(due(out.phase)))
    elif submitted is None:
        # a form nobody filled (one of many sent out): skipped, not a reason to import nothing
        out.blank = not out.problems
    return out


# the mark of a form: the layout, and since forms carry it, the phase it was made for (a form
# made before that has the layout alone, and its phase cell is taken as it stands)
_MARKED = re.compile(re.escape(MARK) + r"(?: đợt (\d{1,4}))?")


def mark(phase: int) -> str:
    return f"{MARK} đợt {phase}"


def _phase(r: _Reader, issued: int | None) -> int | None:
    """The phase of the form: the phase cell, which must be a whole number and, on a form
    that names its phase, that phase (figures typed into a phase-1 form whose cell was
    changed to 2 would land in phase 2 against phase-1 targets)."""
    value = r.sheet[PHASE_CELL].value
    phase = (
        int(value)
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and 1 <= value <= 9999  # also not infinite, not NaN (a crafted cell)
        and value == int(value)
        else None
    )
    if phase is None:
        shown = f"«{value}»" if value is not None and str(value).strip() else "trống"
        r.fail(
            PHASE_CELL,
            "form-bad-cell",
            f"ô đợt thi đua {shown}, phải là số đợt"
            + (f" của phiếu ({issued})." if issued is not None else "."),
            f"Ghi lại {issued} vào ô {PHASE_CELL} (ô này không cần sửa)."
            if issued is not None
            else "Không sửa ô này; nếu đã lỡ sửa, dùng lại phiếu do «thidua form» tạo.",
        )
        return None
    if issued is not None and phase != issued:
        r.fail(
            PHASE_CELL,
            "form-wrong-phase",
            f"phiếu này lập cho đợt {issued}, nhưng ô đợt thi đua đã bị sửa thành {phase}: số "
            f"liệu sẽ vào nhầm đợt, so với kế hoạch của đợt {issued}.",
            f"Mỗi đợt một phiếu: lập phiếu đợt {phase} bằng «thidua form --phase {phase}» rồi "
            "điền vào đó.",
        )
        return None
    return phase


def _day_hint(due: date | None) -> str:
    """The hint for the report date, with the phase's own deadline as the example."""
    return (
        f"Ghi ngày, ví dụ {due:%d/%m/%Y}." if due else "Ghi ngày dạng ngày/tháng/năm (dd/mm/yyyy)."
    )


# what a browser or Windows adds to a file's name when it is downloaded or copied again:
# «thon-kim-binh (1).xlsx», «thon-kim-binh - Copy.xlsx», «thon-kim-binh - Bản sao (2).xlsx»
_COPY = re.compile(r"(?:\s*\(\d+\)|\s+-\s+(?:copy|bản sao)(?:\s*\(\d+\))?)+$", re.IGNORECASE)


def _named(stem: str) -> str:
    """The unit a form's file is named for, without the marks of a second download or copy."""
    return _COPY.sub("", stem)


def _rows(r: _Reader, expected: dict[str, str]) -> None:
    row = FIRST_ROW
    codes: list[str] = []
    while (code := r.sheet[f"B{row}"].value) is not None:
        codes.append(str(code))
        kind = expected.get(str(code))
        if kind is None:
            r.fail(
                f"B{row}",
                "form-moved",
                f"chỉ tiêu «{code}» không có trong danh sách đăng ký của đơn vị, hoặc dòng đã "
                "bị di chuyển.",
                "Dùng phiếu mới do «thidua form» tạo; không chèn, xóa hay sắp xếp lại dòng.",
            )
        else:
            _row(r, row, str(code), kind)
        row += 1
    gap = next(
        (n for n in range(row + 1, row + len(expected) + 10) if r.sheet[f"B{n}"].value is not None),
        None,
    )
    if gap is not None and not r.out.problems:
        r.fail(
            f"B{row}",
            "form-moved",
            f"dòng {row} trống giữa danh sách chỉ tiêu (còn chỉ tiêu ở dòng {gap}): có dòng đã bị "
            "chèn, hoặc mã chỉ tiêu ở cột B đã bị xóa.",
            "Xóa dòng đã chèn (hoặc dùng phiếu mới do «thidua form» tạo); không chèn, xóa hay "
            "sắp xếp lại dòng.",
        )
    elif codes != list(expected) and not r.out.problems:
        missing = [c for c in expected if c not in codes]
        r.fail(
            f"B{row}",
            "form-moved",
            "thứ tự hoặc danh sách chỉ tiêu khác phiếu gốc"
            + (f" (thiếu {', '.join(missing)})" if missing else "")
            + ".",
            "Dùng phiếu mới do «thidua form» tạo; không chèn, xóa hay sắp xếp lại dòng.",
        )


def _row(r: _Reader, row: int, code: str, kind: str) -> None:
    before = len(r.out.problems)
    cells = {col: r.raw(f"{col}{row}") for col in INPUTS}
    value: Decimal | bool | str | None = None
    parts: dict[str, Decimal | None] = {NUMERATOR: None, DENOMINATOR: None}
    used = (NUMERATOR, DENOMINATOR) if kind == "ratio" else (VALUE,)
    for col in (VALUE, NUMERATOR, DENOMINATOR):
        if col not in used and cells[col] is not None:
            r.fail(
                f"{col}{row}",
                "form-bad-cell",
                f"{code} không nhập ở cột này.",
                "Tỷ lệ theo tử số/mẫu số nhập ở cột I và J; số khác nhập ở cột H.",
            )
    for col in used:
        v = cells[col]
        if v is None:
            continue
        try:
            if kind == "bool":
                value = bool_cell(v)
            elif kind == "rating":  # the level is checked against the catalogue on import
                value = str(v).strip()
            else:
                fmt = str(r.sheet[f"{col}{row}"].number_format or "")
                number, _ = number_cell(v, percent_format="%" in fmt)
                if col == VALUE:
                    value = number
                else:
                    parts[col] = number
        except Unreadable as exc:
            want = {"bool": "Có hoặc Không", "rating": "một mức trong danh sách"}.get(
                kind, "một số, ví dụ 10900 hoặc 96,5"
            )
            r.fail(f"{col}{row}", "form-bad-cell", f"{code}: {exc}.", f"Ghi {want}.")
    if len(r.out.problems) > before:
        return  # each bad cell said why; "needs both" would only repeat it
    if kind == "ratio" and (parts[NUMERATOR] is None) != (parts[DENOMINATOR] is None):
        missing = NUMERATOR if parts[NUMERATOR] is None else DENOMINATOR
        r.fail(f"{missing}{row}", "form-bad-cell", f"{code}: cần cả tử số và mẫu số.")
        return
    evidence = cells[EVIDENCE]
    place = f"{VALUE}{row}" if kind != "ratio" else f"{NUMERATOR}{row}"
    r.out.figures.append(
        Cell(
            code,
            value,
            parts[NUMERATOR],
            parts[DENOMINATOR],
            str(evidence) if evidence is not None else None,
            f"{r.name}, ô {place}",
        )
    )
