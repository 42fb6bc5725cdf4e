"""Build the DOCX report templates in templates/ (docxtpl syntax inside a Word document).

Office staff may edit the generated .docx files in Word afterwards (wording, spacing, fonts);
this script is how the first version was made and how to start again from a clean layout.
Layout follows Nghị định 30/2020/NĐ-CP: A4, Times New Roman, margins 20/20/30/15 mm, a
borderless two-column heading, page numbers at the top centre from page 2.

    python scripts/make_docx_templates.py
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from thidua_cli.present.render import reproducible_zip

FONT = "Times New Roman"
OUT = Path(__file__).resolve().parent.parent / "templates"
WIDTH = 165  # mm of text between the margins


def _fonts(rpr: OxmlElement) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def new_document() -> Document:  # type: ignore[valid-type]
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _fonts(normal.element.get_or_add_rPr())
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.1
    # document defaults too, so text outside the Normal style never falls back to another font
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _fonts(rpr)
    for name in ("Table Grid", "Header", "Footer"):
        style = styles[name]
        style.font.name = FONT
        _fonts(style.element.get_or_add_rPr())
    # page number, top centre, from page 2 (the first page has its own, empty header)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)
    run = header.add_run("{% if sample %}   — DỮ LIỆU MẪU{% endif %}")
    run.font.size = Pt(11)
    run.bold = True
    # the revision lives in the document properties; the page says it only on sample data
    for footer in (section.footer, section.first_page_footer):
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = p.add_run(
            "{% if sample %}DỮ LIỆU MẪU — số liệu minh họa; dữ liệu phiên bản {{ revision }}."
            "{% endif %}"
        )
        run.font.size, run.italic = Pt(9), True
    return doc


def _page_field(p: Paragraph) -> None:
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = p.add_run()
        run.font.size = Pt(13)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def para(
    doc: Document,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,  # type: ignore[valid-type]
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    after: float = 6,
    underline: bool = False,
) -> Paragraph:
    p = doc.add_paragraph()
    _format(
        p,
        text,
        bold=bold,
        italic=italic,
        size=size,
        align=align,
        indent=indent,
        after=after,
        underline=underline,
    )
    return p


def _format(
    p: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "justify",
    indent: bool = False,
    after: float = 6,
    underline: bool = False,
) -> None:
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    p.paragraph_format.space_after = Pt(after)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)


def tag(doc: Document, text: str) -> None:  # type: ignore[valid-type]
    """A paragraph holding only a docxtpl block tag ({%p … %}); removed when rendered."""
    p = doc.add_paragraph(text)
    p.paragraph_format.space_after = Pt(0)


def cell_text(
    cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,  # type: ignore[no-untyped-def]
    size: float = 12,
    align: str = "left",
    after: float = 0,
) -> Paragraph:
    p = (
        cell.paragraphs[0]
        if not cell.paragraphs[0].text and len(cell.paragraphs) == 1
        else cell.add_paragraph()
    )
    _format(p, text, bold=bold, italic=italic, size=size, align=align, after=after)
    p.paragraph_format.line_spacing = 1.0
    return p


def _rule(container, indent_mm: float, space_after_pt: float) -> None:  # type: ignore[no-untyped-def]
    """A short horizontal line: a bottom border on an empty paragraph narrowed by indents."""
    p = container.add_paragraph()
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Mm(indent_mm)
    p.paragraph_format.space_after = Pt(space_after_pt)
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def short_rule(cell, indent_mm: float) -> None:  # type: ignore[no-untyped-def]
    """The short line under the agency name and the motto."""
    _rule(cell, indent_mm, 4)


def body_rule(doc: Document, indent_mm: float) -> None:  # type: ignore[valid-type]
    """The short line under the trích yếu of a document, centred."""
    _rule(doc, indent_mm, 8)


def narrative(doc: Document, key: str) -> None:  # type: ignore[valid-type]
    """The secretary's text for one section: one Word paragraph per block, its runs bold or
    italic as written (docxtpl RichText), a placeholder when the section is not written."""
    tag(doc, f"{{%p for b in nv.{key}.blocks %}}")
    p = doc.add_paragraph()
    _format(p, "", indent=True)
    p.add_run("{{r b.rich }}")
    tag(doc, "{%p endfor %}")


def heading(doc: Document, text: str, *, italic: bool = False) -> None:  # type: ignore[valid-type]
    para(doc, text, bold=True, italic=italic).paragraph_format.keep_with_next = True


def borderless(table: Table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def narrow_margins(table: Table, mm: float = 1.0) -> None:
    """Cell margins of `mm` left and right (Word's default is 1,9 mm), so short headers such as
    "Hạng" and "STT" and the level names fit their columns without breaking."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def widths(table: Table, mm: list[float]) -> None:
    """Fixed column widths, written both to the grid (LibreOffice reads it) and to each cell
    (Word reads that)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    for row in table.rows:
        for cell in row.cells:
            index = next(i for i, c in enumerate(row.cells) if c._tc is cell._tc)
            span = sum(1 for c in row.cells if c._tc is cell._tc)
            cell.width = Mm(sum(mm[index : index + span]))


def row_props(row: _Row, *, header: bool = False, keep: bool = False) -> None:
    """A row never breaks across pages; a header row repeats at the top of each page; a header
    or a heading row (`keep`) stays on the page of the row after it, never alone at the foot
    of a page (Word and LibreOffice keep a row with the next when its paragraphs say so)."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
    if header or keep:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _tag_row(row: _Row, text: str, *, before: bool) -> None:
    """Insert a one-cell row holding a docxtpl row tag ({%tr … %}) next to `row`."""
    tr, tc, p, r, t = (OxmlElement(n) for n in ("w:tr", "w:tc", "w:p", "w:r", "w:t"))
    t.text = text
    r.append(t)
    p.append(r)
    tc.append(p)
    tr.append(tc)
    if before:
        row._tr.addprevious(tr)
    else:
        row._tr.addnext(tr)


def heading_block(doc: Document) -> None:  # type: ignore[valid-type]
    t = doc.add_table(rows=1, cols=2)
    borderless(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(t, [68, 97])
    left, right = t.rows[0].cells
    # paragraph tags ({%p %}) vanish when rendered, so the cell starts with the agency itself
    cell_text(left, "{%p if issuer_parent %}", size=13, align="center")
    cell_text(left, "{{ issuer_parent }}", size=13, align="center")
    cell_text(left, "{%p endif %}", size=13, align="center")
    cell_text(left, "{%p for line in issuer_lines %}", size=13, align="center")
    cell_text(left, "{{ line }}", bold=True, size=13, align="center")
    cell_text(left, "{%p endfor %}", size=13, align="center")
    short_rule(left, 22)
    cell_text(left, "{% if number %}{{ number }}{% endif %}", size=13, align="center")
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12.5, align="center")
    p = cell_text(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align="center")
    p.runs[0].underline = True
    cell_text(right, "", size=6, align="center")
    cell_text(right, "{{ place_date }}", italic=True, size=14, align="center")
    para(doc, "", after=6)
    tag(doc, "{%p if sample %}")
    para(
        doc,
        "DỮ LIỆU MẪU — văn bản lập từ số liệu minh họa, không phải số liệu thật.",
        bold=True,
        align="center",
        size=13,
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if no_reports is defined and no_reports %}")
    para(
        doc,
        "CHƯA CÓ ĐƠN VỊ NÀO BÁO CÁO ĐỢT NÀY — số liệu, xếp loại dưới đây chưa có giá trị.",
        bold=True,
        align="center",
        size=13,
    )
    tag(doc, "{%p endif %}")


def grid(
    doc: Document,
    headers: list[str],
    cells: list[str],
    mm: list[float],
    *,  # type: ignore[valid-type]
    loop: tuple[str, str],
    aligns: list[str] | None = None,
    size: float = 11,
) -> Table:
    """A bordered table: one repeated header row, one templated row inside a {%tr for %}."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    aligns = aligns or ["left"] * len(headers)
    for c, h in zip(t.rows[0].cells, headers, strict=True):
        cell_text(c, h, bold=True, size=size, align="center")
    row_props(t.rows[0], header=True)
    t.rows[1].cells[0].paragraphs[0].add_run(loop[0])
    for c, text, a in zip(t.rows[2].cells, cells, aligns, strict=True):
        cell_text(c, text, size=size, align=a)
    row_props(t.rows[2])
    t.rows[3].cells[0].paragraphs[0].add_run(loop[1])
    widths(t, mm)
    narrow_margins(t)
    return t


def signature(doc: Document, *, recipients: bool = True) -> None:  # type: ignore[valid-type]
    """Recipients on the left (or the unit's confirmation), the signer on the right."""
    t = doc.add_table(rows=1, cols=2)
    borderless(t)
    widths(t, [80, 85])
    left, right = t.rows[0].cells
    if recipients:
        cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
        cell_text(left, "{%p for r in recipients %}", size=11)
        cell_text(left, "- {{ r }}", size=11)
        cell_text(left, "{%p endfor %}", size=11)
    else:
        cell_text(left, "XÁC NHẬN CỦA ĐƠN VỊ", bold=True, size=13, align="center")
        cell_text(left, "(ký, ghi rõ họ tên)", italic=True, size=12, align="center")
    cell_text(right, "{{ signer_authority }}", bold=True, size=13, align="center")
    cell_text(right, "{{ signer_title }}", bold=True, size=13, align="center")
    for _ in range(3 if recipients else 2):
        cell_text(right, "", size=14, align="center")
    cell_text(right, "{{ signer_name }}", bold=True, size=13, align="center")


def report_template() -> Document:  # type: ignore[valid-type]
    doc = new_document()
    heading_block(doc)
    para(doc, "{{ title }}", bold=True, align="center", after=0)
    para(doc, "{{ subtitle }}", bold=True, align="center", after=2)
    body_rule(doc, 62)
    para(
        doc,
        "{% if provisional %}Số liệu tính đến {{ as_of }}; kết quả xếp loại là tạm tính "
        "của {{ phase_name[:1]|lower }}{{ phase_name[1:] }}.{% else %}Số liệu tính đến {{ as_of }}.{% endif %}",
        italic=True,
        align="center",
        size=13,
        after=12,
    )
    para(
        doc,
        "{{ opening }}, {{ issuer_full_name }} báo cáo kết quả {{ subtitle[0]|lower }}"
        "{{ subtitle[1:] }} như sau:",
        indent=True,
    )
    tag(doc, "{%p if approval %}")
    para(doc, "{{ approval }}", indent=True)
    tag(doc, "{%p endif %}")

    heading(doc, "{{ heads.situation }}. ĐẶC ĐIỂM TÌNH HÌNH")
    narrative(doc, "dac_diem")
    heading(doc, "{{ heads.results }}. KẾT QUẢ THỰC HIỆN")
    heading(doc, "{{ subs.chi_dao }}. {{ nv.chi_dao.title }}", italic=True)
    narrative(doc, "chi_dao")
    heading(doc, "{{ subs.indicators }}. Kết quả thực hiện các chỉ tiêu", italic=True)
    para(doc, "{{ indicator_summary }}", indent=True)
    t = doc.add_table(rows=6, cols=7)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    heads = ["STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ %", "Đánh giá"]
    for c, h in zip(t.rows[0].cells, heads, strict=True):
        cell_text(c, h, bold=True, size=11, align="center")
    row_props(t.rows[0], header=True)
    t.rows[1].cells[0].paragraphs[0].add_run("{%tr for g in indicator_groups %}")
    group = t.rows[2]
    cell_text(group.cells[0], "{{ g.roman }}", bold=True, size=11, align="center")
    merged = group.cells[1].merge(group.cells[6])
    cell_text(merged, "{{ g.name }}", bold=True, size=11)
    row_props(group, keep=True)
    t.rows[3].cells[0].paragraphs[0].add_run("{%tr for r in g.rows %}")
    data = t.rows[4]
    values = [
        "{{ r.stt }}",
        "{% if r.sub %}Trong đó: {% endif %}{{ r.name }}{% if r.mark %} {{ r.mark }}{% endif %}",
        # a zero-width space after each "/" lets "triệu đồng/người/năm" wrap between words
        "{{ r.unit|replace('/', '/\u200b') }}",
        "{{ r.plan }}",
        "{{ r.actual }}",
        "{{ r.percent }}",
        "{{ r.label }}",
    ]
    aligns = ["center", "left", "center", "right", "right", "right", "left"]
    for c, v, a in zip(data.cells, values, aligns, strict=True):
        cell_text(c, v, size=11, align=a)
    cell_text(data.cells[4], "{%p if r.coverage %}", size=9, align="right")
    cell_text(data.cells[4], "({{ r.coverage }})", italic=True, size=9, align="right")
    cell_text(data.cells[4], "{%p endif %}", size=9, align="right")
    row_props(data)
    t.rows[5].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    end = t.add_row()
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    widths(t, [11, 49, 21, 20, 24, 16, 24])
    narrow_margins(t)

    para(
        doc, "{{ coverage_note }}", italic=True, size=11, after=0
    ).paragraph_format.space_before = Pt(6)
    tag(doc, "{%p if inverted_note %}")
    para(doc, "{{ inverted_note }}", italic=True, size=11, after=0)
    tag(doc, "{%p endif %}")
    para(doc, "{{ progress_note }}", italic=True, size=11)
    tag(doc, "{%p for n in footnotes %}")
    para(doc, "{{ n }}", italic=True, size=11, after=0)
    tag(doc, "{%p endfor %}")
    heading(doc, "{{ subs.highlights }}. {{ nv.ket_qua_noi_bat.title }}", italic=True)
    narrative(doc, "ket_qua_noi_bat")
    tag(doc, "{%p if show_scoring %}")
    heading(doc, "{{ subs.blocs }}. Kết quả thi đua của các khối", italic=True)
    tag(doc, "{%p for b in blocs %}")
    para(
        doc, "{{ subs.blocs }}.{{ loop.index }}. {{ b.name }} ({{ b.size }} đơn vị)", italic=True
    ).paragraph_format.keep_with_next = True
    grid(
        doc,
        ["Hạng", "Đơn vị", "Điểm", "Tự chấm", "Xếp loại", "Ghi chú"],
        [
            "{{ r.rank }}",
            "{{ r.name }}",
            "{{ r.score }}",
            "{{ r.self_score }}",
            "{{ r.level }}",
            "{{ r.remarks }}",
        ],
        [11, 46, 14, 14, 52, 28],
        loop=("{%tr for r in b.rows %}", "{%tr endfor %}"),
        aligns=["center", "left", "right", "right", "left", "left"],
        size=10.5,
    )
    para(doc, "", after=0)
    tag(doc, "{%p if b.omitted %}")
    para(doc, "{{ b.omitted }}", italic=True, size=11)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for c in b.counts %}")
    para(doc, "- {{ c.level }}: {{ c.count }} đơn vị;", indent=True, after=0)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p for q in b.quota %}")
    para(doc, "- {{ q }}", indent=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if show_exemplars %}")
    heading(doc, "{{ subs.exemplars }}. Xây dựng, nhân rộng điển hình tiên tiến", italic=True)
    para(doc, "Số lĩnh vực có điển hình tiên tiến được công nhận: {{ fields_done }}.", indent=True)
    t = grid(
        doc,
        ["Lĩnh vực", "Điển hình", "Đơn vị", "Trạng thái", "Người phụ trách"],
        [
            "{{ f.name if loop.first else '' }}",
            "{{ e.title }}",
            "{{ e.unit }}",
            "{{ e.status }}",
            "{{ e.mentor }}",
        ],
        [30, 45, 30, 25, 35],
        loop=("{%tr for f in fields %}", "{%tr endfor %}"),
    )
    # the inner loop over a field's exemplars wraps the templated row once more
    exemplar_row = t.rows[2]
    # a field with no exemplar still gets its row, as in the Markdown (no braces: docxtpl's
    # row tags cannot hold them)
    _tag_row(
        exemplar_row,
        "{%tr for e in f.entries or [dict(title='chưa có điển hình', unit='', status='',"
        " mentor='')] %}",
        before=True,
    )
    _tag_row(exemplar_row, "{%tr endfor %}", before=False)
    para(
        doc,
        "{% if fields_missing %}Lĩnh vực chưa có điển hình tiên tiến được công nhận: "
        "{{ fields_missing|join('; ') }}.{% else %}Mọi lĩnh vực đều có điển hình tiên tiến được "
        "công nhận.{% endif %}",
        indent=True,
    )
    tag(doc, "{%p endif %}")

    heading(doc, "{{ subs.reporting }}. Tình hình báo cáo của các đơn vị", italic=True)
    para(doc, "Số đơn vị đã báo cáo: {{ reported }}.", indent=True)
    tag(doc, "{%p if late %}")
    para(doc, "Đơn vị báo cáo muộn:", indent=True).paragraph_format.keep_with_next = True
    grid(
        doc,
        ["Đơn vị", "Khối", "Hạn", "Ngày nộp", "Số ngày muộn"],
        ["{{ u.name }}", "{{ u.bloc }}", "{{ u.due }}", "{{ u.submitted }}", "{{ u.days }}"],
        [50, 45, 24, 24, 22],
        loop=("{%tr for u in late %}", "{%tr endfor %}"),
        aligns=["left", "left", "center", "center", "right"],
    )
    para(doc, "", after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if missing %}")
    para(
        doc,
        "Đơn vị chưa báo cáo ({{ missing_count }}): {% for line in missing %}{{ line }}"
        "{{ '; ' if not loop.last else '.' }}{% endfor %}",
        indent=True,
    )
    tag(doc, "{%p endif %}")

    heading(doc, "{{ heads.assessment }}. ĐÁNH GIÁ CHUNG")
    for n, key in enumerate(("uu_diem", "han_che", "nguyen_nhan", "bai_hoc"), 1):
        heading(doc, f"{n}. {{{{ nv.{key}.title }}}}", italic=True)
        narrative(doc, key)

    tag(doc, "{%p if final %}")
    heading(doc, "{{ heads.awards }}. ĐỀ NGHỊ KHEN THƯỞNG")
    para(doc, "{{ year_end }}", indent=True)
    tag(doc, "{%p if awards %}")
    grid(
        doc,
        [
            "STT",
            "Tập thể, cá nhân",
            "Thành tích",
            "Hình thức",
            "Hệ số",
            "Tiền thưởng (đồng)",
        ],
        [
            "{{ a.stt }}",
            "{{ a.recipient }}",
            "{{ a.reason }}",
            "{{ a.title }}",
            "{{ a.coefficient }}",
            "{{ a.amount }}",
        ],
        [11, 40, 46, 36, 12, 20],
        loop=("{%tr for a in awards %}", "{%tr endfor %}"),
        aligns=["center", "left", "left", "left", "right", "right"],
        size=10.5,
    )
    para(
        doc,
        "Tổng tiền thưởng: {{ award_total }} đồng (hệ số × mức lương cơ sở "
        "{{ base_salary }} đồng{% if base_salary_basis %} theo {{ base_salary_basis }}{% endif %}"
        "{% if award_basis %}; hệ số theo {{ award_basis }}{% endif %}).",
        indent=True,
    ).paragraph_format.space_before = Pt(6)
    tag(doc, "{%p else %}")
    para(doc, "{{ no_awards }}", indent=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if awards_withheld %}")
    para(doc, "Chưa đề nghị khen thưởng:", indent=True, after=0)
    tag(doc, "{%p for w in awards_withheld %}")
    para(doc, "- {{ w }}", indent=True, after=0)
    tag(doc, "{%p endfor %}")
    para(doc, "", after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    heading(doc, "{{ heads.direction }}. {{ nv.phuong_huong.title|upper }}")
    narrative(doc, "phuong_huong")
    heading(doc, "{{ heads.proposals }}. {{ nv.kien_nghi.title|upper }}")
    narrative(doc, "kien_nghi")

    para(
        doc,
        "Trên đây là báo cáo {{ subtitle[0]|lower }}{{ subtitle[1:] }} của "
        "{{ issuer_full_name }}./.",
        indent=True,
        after=12,
    )
    signature(doc)

    tag(doc, "{%p if corrections %}")
    para(doc, "", after=0).paragraph_format.page_break_before = True
    para(doc, "PHỤ LỤC", bold=True, align="center", after=0)
    para(doc, "SỐ LIỆU ĐÍNH CHÍNH SAU KHI HỘI ĐỒNG THÔNG QUA", bold=True, align="center", after=8)
    grid(
        doc,
        ["Đơn vị", "Chỉ tiêu", "Số liệu: đã thông qua → đính chính", "Lý do", "Văn bản"],
        [
            "{{ c.unit }}",
            "{{ c.indicator }}",
            "{{ c.value }}",
            "{{ c.reason }}",
            "{{ c.reference }}",
        ],
        [32, 40, 22, 35, 36],
        loop=("{%tr for c in corrections %}", "{%tr endfor %}"),
        aligns=["left", "left", "right", "left", "left"],
    )
    tag(doc, "{%p endif %}")
    return doc


def scorecard_template() -> Document:  # type: ignore[valid-type]
    doc = new_document()
    heading_block(doc)
    para(doc, "{{ title }}", bold=True, align="center", after=0)
    para(doc, "{{ subtitle }}", bold=True, align="center", after=6)
    para(doc, "Đơn vị: {{ unit_name }} — {{ bloc }}", bold=True, align="left", after=0, size=13)
    para(
        doc,
        "Bảng chấm điểm: {{ table }}. Ngày nộp báo cáo: {{ submitted }}"
        "{% if due %} (hạn {{ due }}){% endif %}.{% if estimate %} Số liệu thực hiện là số ước."
        "{% endif %}",
        align="left",
        size=12,
    )
    grid(
        doc,
        [
            "STT",
            "Tiêu chí (chỉ tiêu)",
            "Điểm chuẩn",
            "Kế hoạch",
            "Thực hiện",
            "Cách tính",
            "Tự chấm",
            "Điểm thẩm định",
        ],
        [
            "{{ c.stt }}",
            "{{ c.name }} ({{ c.indicator_names }})",
            "{{ c.max }}",
            "{{ c.plan }}",
            "{{ c.actual }}",
            "{{ c.rule }}",
            "{{ c.self or '—' }}",
            "{{ c.points }}",
        ],
        [11, 36, 14, 18, 18, 39, 13, 16],
        loop=("{%tr for c in criteria %}", "{%tr endfor %}"),
        aligns=["center", "left", "right", "right", "right", "left", "right", "right"],
        size=10,
    )
    para(
        doc,
        "{% if no_evidence %}Số liệu chưa có minh chứng: {{ no_evidence|join('; ') }}."
        "{% else %}Mọi số liệu đều có minh chứng.{% endif %}",
        align="left",
        size=12,
        after=0,
    ).paragraph_format.space_before = Pt(6)
    para(
        doc,
        "Cộng điểm tiêu chí: {{ subtotal }}{% if scaled %} (quy đổi thang "
        "{{ table_max }}: {{ scaled }}){% endif %}"
        "{% for a in adjustments %}; {{ a.name|lower }} ({{ a.count }}): {{ a.points }}"
        "{% endfor %}.",
        align="left",
        size=12,
        after=0,
    )
    para(
        doc,
        "Tổng điểm thẩm định: {{ score }} — điểm tự chấm: {{ self_score }}. Xếp loại: "
        "{{ level }}{% if provisional %} (tạm tính){% endif %}. Xếp hạng trong khối: {{ rank }}.",
        bold=True,
        align="left",
        size=12,
        after=8,
    )
    signature(doc, recipients=False)
    return doc


def save(doc: Document, name: str) -> None:  # type: ignore[valid-type]
    """Fixed zip timestamps: running the script again gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)  # type: ignore[attr-defined]
    (OUT / name).write_bytes(reproducible_zip(raw.getvalue()))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    save(report_template(), "bao-cao.docx")
    save(scorecard_template(), "phieu-cham-diem.docx")
    print(f"Đã ghi {OUT / 'bao-cao.docx'} và {OUT / 'phieu-cham-diem.docx'}")


if __name__ == "__main__":
    main()
