"""Excel workbooks with reproducible bytes: fixed document properties and zip timestamps, so
the same data writes the same file (a form or an export can be compared and committed)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from thidua_cli.present.render import reproducible_zip


def save(wb: Any, title: str, day: date) -> bytes:
    """The workbook's bytes; `day` (from the data, never the clock) stamps its properties."""
    stamp = datetime(day.year, day.month, day.day)
    props = wb.properties
    props.creator = "thidua"
    props.lastModifiedBy = "thidua"
    props.title = title
    props.created = stamp
    props.modified = stamp
    raw = io.BytesIO()
    wb.save(raw)
    return reproducible_zip(_fixed_times(raw.getvalue(), stamp))


def printable(sheet: Any, header_row: int) -> None:
    """A4 landscape, every column on the page width, the header row repeated on each page:
    commune offices print what they send and what they receive."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _fixed_times(data: bytes, stamp: datetime) -> bytes:
    """openpyxl stamps "modified" with the clock when it saves: put the data's date back."""
    out = io.BytesIO()
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + text.encode() + rb"\g<2>",
                    body,
                )
            dst.writestr(item, body)
    return out.getvalue()


def text_cell(cell: Any, text: str) -> Any:
    """The one spreadsheet escape: data text goes into a cell as text, never as a formula (a
    name may begin with "="), whatever it starts with; the cell is returned for styling."""
    cell.value = text
    cell.data_type = "s"
    return cell
