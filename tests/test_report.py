"""Reports: golden Markdown, the DOCX layout in word/document.xml, reproducible bytes, escaping,
atomic writes, and a visual tier through LibreOffice when it is installed."""

from __future__ import annotations

import io
import os
import re
import runpy
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from thidua_cli import files
from thidua_cli.compute import exemplars, status
from thidua_cli.compute.outcome import compute
from thidua_cli.present import markdown, render, report
from thidua_cli.read import narrative
from thidua_cli.workspace import load

from .conftest import DATA, HOA_BINH, ROOT

GOLDEN = Path(__file__).parent / "golden"
Run = Callable[..., tuple[int, str]]


def _context(data: Path, phase: int) -> tuple[dict[str, object], date]:
    ws = load(data)
    assert ws.catalogue is not None and not ws.has_errors
    o = compute(ws.catalogue, ws.units, phase)
    st = status.status(ws.catalogue, ws.units, phase, o.as_of)
    reg = exemplars.register(ws.catalogue, ws.units)
    path = narrative.path_for(data, ws.catalogue.campaign.year, phase)
    context = report.report_context(
        o, st, reg, "TEST", o.as_of, narrative=narrative.load(path), narrative_path="dot.md"
    )
    return context, o.as_of


def _document_xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_golden_markdown(update_golden: bool) -> None:
    context, _ = _context(DATA, 1)
    text = render.render_markdown("bao-cao.md.j2", context)
    golden = GOLDEN / "bao-cao-dot-1.md"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "run pytest --update-golden and review"


def test_markdown_content_is_vietnamese_formatted() -> None:
    context, _ = _context(DATA, 1)
    text = render.render_markdown("bao-cao.md.j2", context)
    assert "≥ 10.900" in text and "≥ 6,39%" in text and "≤ 7,48%" in text
    assert "*Ngọc Liên, ngày 05 tháng 7 năm 2026*" in text
    assert "DỮ LIỆU MẪU" in text and "phiên bản TEST" in text
    assert "ĐỀ NGHỊ KHEN THƯỞNG" not in text  # commendations only in the final report
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| .*\(C?[TB][DS]?\d", line)]
    assert len(rows) == 42 - 3 + 3  # every main indicator has its row


def test_markdown_table_cells_are_escaped() -> None:
    assert markdown.md("a|b*c_d <e> [f]\nx") == r"a\|b\*c\_d \<e\> \[f\] x"
    context, _ = _context(HOA_BINH, 1)
    text = render.render_markdown("bao-cao.md.j2", context)
    assert r"Xóm Tây \& \<Bến\>" in text


def test_docx_layout_follows_decree_30() -> None:
    context, day = _context(DATA, 1)
    xml = _document_xml(render.render_docx("bao-cao.docx", context, day))
    assert '<w:pgSz w:w="11906" w:h="16838"' in xml  # A4
    margins = re.search(r"<w:pgMar [^>]*>", xml)
    assert margins is not None
    for side, twips in (("top", 1134), ("bottom", 1134), ("left", 1701), ("right", 850)):
        assert f'w:{side}="{twips}"' in margins.group(0)  # 20/20/30/15 mm
    assert "<w:titlePg/>" in xml  # no page number on page 1
    for text in (
        "ỦY BAN NHÂN DÂN",
        "XÃ NGỌC LIÊN",
        "Số: …/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Ngọc Liên, ngày 05 tháng 7 năm 2026",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Phạm Xuân Khánh",
        "Nơi nhận:",
        "./.",
        "≥ 10.900",
        "6,39%",
        "DỮ LIỆU MẪU",
    ):
        assert text in xml, text
    assert "{{" not in xml and "{%" not in xml
    assert xml.count("<w:tblHeader/>") >= 5 and "<w:cantSplit/>" in xml
    assert xml.count("<w:tr>") + xml.count("<w:tr ") >= 42 + 69


def test_docx_fonts_cover_every_script() -> None:
    context, day = _context(DATA, 1)
    with zipfile.ZipFile(io.BytesIO(render.render_docx("bao-cao.docx", context, day))) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    assert re.search(
        r'<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" '
        r'w:eastAsia="Times New Roman" w:cs="Times New Roman"/>',
        styles,
    )


def test_docx_escapes_ampersand_and_angle_brackets() -> None:
    context, day = _context(HOA_BINH, 1)
    xml = _document_xml(render.render_docx("bao-cao.docx", context, day))
    assert "Xóm Tây &amp; &lt;Bến&gt;" in xml
    assert "UBND HUYỆN TƯỞNG TƯỢNG" in xml and "Ngọc Liên" not in xml


def test_rendering_twice_gives_the_same_bytes() -> None:
    context, day = _context(DATA, 1)
    first = render.render_docx("bao-cao.docx", context, day)
    assert render.render_docx("bao-cao.docx", context, day) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "2026-07-05T00:00:00Z" in core


def test_final_report_proposes_commendations(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(HOA_BINH, tmp_path / "data")
    unit = tmp_path / "data" / "units" / "xom-dong.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8")
        + (
            "  - phase: 3\n    submitted: 2027-12-10\n    values:\n"
            "      KT01: {value: 330, evidence: BC}\n"
            "      KT02: {numerator: 4, denominator: 100, evidence: BC}\n"
            "      XH02: {value: true, evidence: BC}\n"
        ),
        encoding="utf-8",
    )
    code, out = cli("report", "--phase", "3", "--format", "md", cwd=tmp_path)
    assert code == 0, out
    text = (tmp_path / "data" / "reports" / "2027" / "dot-3" / "bao-cao-dot-3.md").read_text()
    assert "### IV. ĐỀ NGHỊ KHEN THƯỞNG" in text
    # the only xuất sắc xóm is beyond the 50% ceiling (50% of 1 = 0): flagged, not proposed
    assert "| 1 | Xóm Đông | Xuất sắc; " not in text
    assert (
        "- Xóm Đông: Giấy khen của Chủ tịch UBND xã — vượt tỷ lệ tối đa, chưa có quyết định" in text
    )
    # the Council records its decision: now proposed, the decision named
    (tmp_path / "data" / "approvals.yaml").write_text(
        "approvals: []\nquota_decisions:\n  - {phase: 3, unit: xom-dong, decision: "
        "Biên bản họp Hội đồng số 07/BB-HĐTĐKT, date: 2027-12-15}\n",
        encoding="utf-8",
    )
    code, out = cli("report", "--phase", "3", "--format", "md", cwd=tmp_path)
    assert code == 0, out
    text = (tmp_path / "data" / "reports" / "2027" / "dot-3" / "bao-cao-dot-3.md").read_text()
    assert "| 1 | Xóm Đông | Xuất sắc; " in text and "| 0,6 | 1.404.000 |" in text
    assert "Hội đồng quyết định tại Biên bản họp Hội đồng số 07/BB-HĐTĐKT" in text
    assert "Tổng tiền thưởng: 1.404.000 đồng" in text


def test_report_command_writes_both_formats(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(HOA_BINH, tmp_path / "data")
    code, out = cli("report", "--phase", "1", cwd=tmp_path)
    assert code == 0, out
    folder = tmp_path / "data" / "reports" / "2027" / "dot-1"
    assert sorted(p.name for p in folder.iterdir()) == ["bao-cao-dot-1.docx", "bao-cao-dot-1.md"]
    code, out = cli("report", "--unit", "xom-tay", "--format", "md", "--out", "x", cwd=tmp_path)
    assert code == 0
    card = (tmp_path / "x" / "phieu-cham-diem-xom-tay.md").read_text(encoding="utf-8")
    assert "Tổng điểm thẩm định: 15,3" in card and "Nộp muộn (1): -1,0" in card


def test_broken_template_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "bao-cao.md.j2").write_text("{{ khong_co }}", encoding="utf-8")
    with pytest.raises(render.TemplateProblem, match="khong_co"):
        render.render_markdown("bao-cao.md.j2", {}, templates=[tmp_path])
    (tmp_path / "hong.docx").write_bytes(b"not a zip")
    with pytest.raises(render.TemplateProblem, match="không phải tệp Word"):
        render.render_docx("hong.docx", {}, date(2026, 1, 1), templates=[tmp_path])


def test_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bao-cao.md"
    target.write_text("bản cũ", encoding="utf-8")

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        files.write_atomic(target, "bản mới " * 1000)
    assert target.read_text(encoding="utf-8") == "bản cũ"
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.md"]


@pytest.mark.visual
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils not installed",
)
def test_docx_renders_in_libreoffice(tmp_path: Path) -> None:
    context, day = _context(DATA, 1)
    path = tmp_path / "bao-cao.docx"
    path.write_bytes(render.render_docx("bao-cao.docx", context, day))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert 5 <= pages <= 12
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in (
        "BÁO CÁO",
        "Độc lập - Tự do - Hạnh phúc",
        "Phạm Xuân Khánh",
        "Làng Kon Ktu",
        "Hoàn thành tốt nhiệm vụ",
        "10.900",
    ):
        assert needle in text, needle


def test_default_signing_day_is_the_deadline_not_as_of(tmp_path: Path, cli: Run) -> None:
    """Every report came in on time: the report is dated the phase deadline even when the
    figures are taken later (--as-of). A merge once let `--as-of` overwrite the signing day
    (and loaded the data twice)."""
    shutil.copytree(HOA_BINH, tmp_path / "data")
    code, out = cli(
        "report", "--phase", "1", "--format", "md", "--as-of", "2027-09-30", cwd=tmp_path
    )
    assert code == 0, out
    text = (tmp_path / "data" / "reports" / "2027" / "dot-1" / "bao-cao-dot-1.md").read_text()
    assert "*Hòa Bình, ngày 08 tháng 4 năm 2027*" in text
    assert "Số liệu tính đến ngày 30 tháng 9 năm 2027" in text
    # only the first letter of the phase name is lowered: «Quý I» stays a Roman numeral
    assert "kết quả xếp loại là tạm tính của quý I." in text


def test_a_field_without_exemplars_keeps_its_row_in_both_documents() -> None:
    context, day = _context(DATA, 1)
    fields = context["fields"]
    assert isinstance(fields, list) and fields
    first = fields[0]["name"]
    for f in fields:
        f["entries"] = []
    xml = _document_xml(render.render_docx("bao-cao.docx", context, day))
    assert xml.count(">chưa có điển hình</w:t>") == len(fields), "one row per field"
    assert f">{first}</w:t>" in xml
    md = render.render_markdown("bao-cao.md.j2", context)
    assert md.count("*chưa có điển hình*") == len(fields)


def test_template_builder_gives_the_same_bytes_twice(tmp_path: Path) -> None:
    """`make templates` run again changes nothing unless the layout changed."""
    script = runpy.run_path(str(ROOT / "scripts" / "make_docx_templates.py"))
    script["main"].__globals__["OUT"] = tmp_path
    script["main"]()
    first = {p.name: p.read_bytes() for p in sorted(tmp_path.glob("*.docx"))}
    script["main"]()
    again = {p.name: p.read_bytes() for p in sorted(tmp_path.glob("*.docx"))}
    assert sorted(first) == ["bao-cao.docx", "phieu-cham-diem.docx"]
    assert first == again
    with zipfile.ZipFile(io.BytesIO(first["bao-cao.docx"])) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
