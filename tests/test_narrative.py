"""The report the commune signs: narrative merge (Markdown and Word), placeholders and
warnings, coverage, quotas and awards, the date rules, the header layout."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from thidua_cli.compute import exemplars, status
from thidua_cli.compute.awards import propose, year_end
from thidua_cli.compute.evaluate import Label, evaluate
from thidua_cli.compute.outcome import compute
from thidua_cli.present import render, report
from thidua_cli.present.text import percent_text
from thidua_cli.read import narrative
from thidua_cli.read.models import Quota
from thidua_cli.workspace import load

from .conftest import DATA, HOA_BINH

Run = Callable[..., tuple[int, str]]

TEXT = """# tiêu đề bỏ qua
<!-- chú thích không in -->
## Đặc điểm tình hình
### Thuận lợi
Đoạn có **chữ đậm** và *chữ nghiêng*, ký tự <w:p> & \\*sao\\*.

- Gạch một;
- Gạch hai.

## Hạn chế
1. Thứ nhất;
2. Thứ hai.

## Mục lạ
không in
"""


def _context(data: Path, phase: int, text: str | None) -> tuple[dict[str, object], date]:
    ws = load(data)
    assert ws.catalogue is not None
    o = compute(ws.catalogue, ws.units, phase)
    st = status.status(ws.catalogue, ws.units, phase, o.as_of)
    reg = exemplars.register(ws.catalogue, ws.units)
    nv = narrative.parse(text, Path("dot.md")) if text is not None else None
    return report.report_context(
        o, st, reg, "TEST", o.as_of, narrative=nv, narrative_path="dot.md"
    ), o.as_of


def _xml(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_narrative_is_parsed_into_sections_and_runs() -> None:
    nv = narrative.parse(TEXT, Path("dot.md"))
    assert set(nv.sections) == {"dac-diem", "han-che"} and nv.unknown == ["Mục lạ"]
    kinds = [b.kind for b in nv.sections["dac-diem"]]
    assert kinds == ["heading", "para", "bullet", "bullet"]
    runs = nv.sections["dac-diem"][1].runs
    assert [(r.text, r.bold, r.italic) for r in runs][:4] == [
        ("Đoạn có ", False, False),
        ("chữ đậm", True, False),
        (" và ", False, False),
        ("chữ nghiêng", False, True),
    ]
    assert runs[-1].text.endswith("ký tự <w:p> & *sao*.")  # escapes kept literal
    assert [b.number for b in nv.sections["han-che"]] == ["1.", "2."]
    # an odd marker stays text; control and bidi characters are dropped
    odd = narrative.parse("## Ưu điểm\na ** b\u202e\x07c\n", Path("x"))
    assert [r.text for r in odd.sections["uu-diem"][0].runs] == ["a ** bc"] and odd.removed == 2


def test_narrative_merges_into_markdown_escaped() -> None:
    context, _ = _context(DATA, 1, TEXT)
    text = render.render_markdown("bao-cao.md.j2", context)
    assert "Đoạn có **chữ đậm** và *chữ nghiêng*, ký tự \\<w:p\\> \\& \\*sao\\*." in text
    assert "- Gạch một;\n- Gạch hai." in text and "1. Thứ nhất;\n2. Thứ hai." in text
    assert "***Thuận lợi***" in text and "không in" not in text and "chú thích" not in text
    # a missing section is a visible placeholder naming the file
    assert "Chưa viết phần “Bài học kinh nghiệm”: viết vào tệp dot.md" in text


def test_narrative_merges_into_docx_as_runs() -> None:
    context, day = _context(DATA, 1, TEXT)
    xml = _xml(render.render_docx("bao-cao.docx", context, day))
    assert re.search(r"<w:b/>.*?</w:rPr><w:t[^>]*>chữ đậm</w:t>", xml)
    assert re.search(r"<w:i/>.*?</w:rPr><w:t[^>]*>chữ nghiêng</w:t>", xml)
    assert "ký tự &lt;w:p&gt; &amp; *sao*." in xml  # data text escaped, not markup
    assert re.search(r">- </w:t>.*?>Gạch một;</w:t>", xml) and re.search(r">1\. </w:t>", xml)
    assert "Chưa viết phần “Bài học kinh nghiệm”" in xml
    assert "{{" not in xml and "{%" not in xml


def test_header_cell_starts_with_the_agency_and_rule_under_the_title() -> None:
    context, day = _context(DATA, 1, None)
    xml = _xml(render.render_docx("bao-cao.docx", context, day))
    first_cell = re.search(r"<w:tc>.*?</w:tc>", xml, re.S)
    assert first_cell is not None
    first_para = re.search(r"<w:p[ >].*?</w:p>", first_cell.group(0), re.S)
    assert first_para is not None
    assert "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", first_para.group(0))) == "ỦY BAN NHÂN DÂN"
    # after the trích yếu: an empty paragraph with a bottom border (the short rule)
    after = xml.split("Sơ kết phong trào thi đua 6 tháng đầu năm 2026", 1)[1]
    nxt = re.search(r"<w:p[ >].*?</w:p>", after.split("</w:p>", 1)[1], re.S)
    assert nxt is not None and "<w:bottom " in nxt.group(0)
    assert "Thực hiện Kế hoạch số …/KH-UBND" in xml and "Căn cứ" not in xml
    assert "Lập bằng thidua" not in xml


def test_report_warns_and_init_never_overwrites(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports", "narrative"))
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "chưa có tệp nội dung data/narrative/2026/dot-1.md" in out
    assert "chỉ tiêu toàn xã chưa đủ đơn vị báo cáo: CT03 (38/41)" in out
    assert "danh mục chưa ghi số và ngày của Kế hoạch thi đua" in " ".join(out.split())
    code, out = cli("report", "--phase", "1", "--init-narrative", cwd=tmp_path)
    target = tmp_path / "data" / "narrative" / "2026" / "dot-1.md"
    assert code == 0 and target.is_file()
    skeleton = target.read_text(encoding="utf-8")
    assert "## Hạn chế, tồn tại" in skeleton and "còn thiếu 8.578 con" in skeleton
    assert "4 đơn vị nộp báo cáo muộn: Làng Kon Gu (3 ngày)" in skeleton
    target.write_text("## Ưu điểm\nĐã viết.\n", encoding="utf-8")
    code, out = cli("report", "--phase", "1", "--init-narrative", cwd=tmp_path)
    assert code == 1 and "không ghi đè" in out
    assert target.read_text(encoding="utf-8") == "## Ưu điểm\nĐã viết.\n"
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "chưa viết 8 mục" in out
    md = (tmp_path / "data" / "reports" / "2026" / "dot-1" / "bao-cao-dot-1.md").read_text()
    assert "\nĐã viết.\n" in md  # survives the re-render


def test_date_rules(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert "có số liệu nộp sau hạn 30/06/2026 (muộn nhất 05/07/2026)" in out
    assert "ngày ký văn bản lấy ngày 05/07/2026" in out
    # a scorecard is dated as the report it goes with, and says so (the late unit may be
    # another one)
    code, out = cli(
        "report", "--phase", "1", "--unit", "cong-an-xa", "--format", "md", cwd=tmp_path
    )
    assert code == 0 and "ngày ký phiếu (như báo cáo chung) lấy ngày 05/07/2026" in out
    code, out = cli(
        "report", "--phase", "1", "--format", "md", "--date", "2026-07-01", cwd=tmp_path
    )
    assert code == 0 and "ngày ký 01/07/2026 trước ngày nộp số liệu cuối cùng (05/07/2026)" in out
    md = (tmp_path / "data" / "reports" / "2026" / "dot-1" / "bao-cao-dot-1.md").read_text()
    assert "ngày 01 tháng 7 năm 2026" in md
    # all data in by the deadline: the deadline is the date, with no warning
    for unit in (tmp_path / "data" / "units").glob("*.yaml"):
        text = unit.read_text(encoding="utf-8")
        unit.write_text(re.sub(r"submitted: 2026-07-0\d", "submitted: 2026-06-29", text))
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "sau hạn" not in out
    md = (tmp_path / "data" / "reports" / "2026" / "dot-1" / "bao-cao-dot-1.md").read_text()
    assert "Ngọc Liên, ngày 30 tháng 6 năm 2026" in md


def test_coverage_below_threshold_is_not_judged() -> None:
    ws = load(DATA)
    assert ws.catalogue is not None
    few = [u for u in ws.units if u.kind != "thon" or u.id < "lang-dak-t"]  # 5 of 41 villages
    o = compute(ws.catalogue, few, 1)
    ev = {io.indicator.code: io for io in o.indicators}
    assert ev["CT14"].evaluation.label is Label.INSUFFICIENT  # a ratio from 4 of 5 villages
    # count-true: a village that did not report is unknown, never counted as "not safe"
    ct23 = ev["CT23"].evaluation
    assert ct23.label in (Label.INSUFFICIENT, Label.MET, Label.EXCEEDED)
    strict = ws.catalogue.model_copy(
        update={"report": ws.catalogue.report.model_copy(update={"coverage": Decimal(0)})}
    )
    o = compute(strict, few, 1)
    assert next(io for io in o.indicators if io.indicator.code == "CT14").evaluation.label in (
        Label.NOT_MET,
        Label.MET,
        Label.EXCEEDED,
    )


def test_percent_never_contradicts_the_label() -> None:
    ind = next(i for i in load(DATA).catalogue.indicators if i.code == "CT22")  # type: ignore[union-attr]
    ev = evaluate(ind, Decimal("98.07"), Decimal("98.1"), "annual")
    assert ev.label is Label.NOT_MET and percent_text(ev) == "99,97%"  # never "100%"
    ev = evaluate(ind, Decimal("98.11"), Decimal("98.1"), "annual")
    assert ev.label is Label.EXCEEDED and percent_text(ev) == "100,01%"
    context, _ = _context(DATA, 1, None)
    for g in context["indicator_groups"]:  # type: ignore[attr-defined]
        for r in g["rows"]:
            if r["label"] in ("Chưa đạt", "Không đạt"):
                assert r["percent"] != "100%", r


def test_one_achievement_one_reward() -> None:
    ws = load(DATA)
    assert ws.catalogue is not None and ws.catalogue.awards is not None
    final = ws.catalogue.model_copy(update={"phases": ws.catalogue.phases[:1]})
    o = compute(final, ws.units, 1)  # phase 1 as the last phase: awards are proposed
    reg = exemplars.register(final, ws.units)
    result = propose(o, reg)
    bonus = [w for w in result.withheld if w.reason == "bonus-given"]
    assert bonus and not any(p.exemplar is not None for p in result.proposals)
    for p in result.proposals:  # the title follows the unit kind, as the catalogue says
        agency = p.unit.kind in ("co-quan", "truong-hoc")
        expected = "Tập thể lao động tiên tiến" if agency else "Giấy khen"
        assert expected in p.rule.title, (p.unit.id, p.rule.title)
    assert {p.unit.kind for p in result.proposals} >= {"co-quan"}
    allowed = final.model_copy(
        update={"awards": final.awards.model_copy(update={"double_reward": True})}  # type: ignore[union-attr]
    )
    again = propose(compute(allowed, ws.units, 1), exemplars.register(allowed, ws.units))
    assert any(p.exemplar is not None for p in again.proposals) and not again.withheld


def test_quota_floor_is_a_named_rule() -> None:
    ws = load(HOA_BINH)
    assert ws.catalogue is not None
    rule = Quota(name="Tối thiểu", level="xuat-sac", min_percent=Decimal(50))
    floor = ws.catalogue.scoring.model_copy(update={"quotas": [rule]})
    cat = ws.catalogue.model_copy(update={"scoring": floor})
    o = compute(cat, ws.units, 1)
    q = o.quotas[0]
    assert not q.quota.ceiling and q.over == ()
    assert q.limit == -(-q.base // 2)  # at least half, rounded up


def test_scorecard_names_indicators_self_scores_and_missing_evidence() -> None:
    ws = load(DATA)
    assert ws.catalogue is not None
    o = compute(ws.catalogue, ws.units, 1)
    s = next(
        x
        for x in o.units
        if x.report is not None and any(not r.evidence for r in x.report.values.values())
    )
    assert s.report is not None
    first = s.table.criteria[0]
    s.report = s.report.model_copy(update={"self_scores": {first.id: Decimal("7.5")}})
    context = report.scorecard_context(o, s, "TEST", o.as_of)
    assert context["has_self"] and context["criteria"][0]["self"] == "7,50"  # type: ignore[index]
    text = render.render_markdown("phieu-cham-diem.md.j2", context)
    assert "| Tự chấm | Điểm thẩm định |" in text and "| 7,50 |" in text
    missing = [code for code, r in s.report.values.items() if not r.evidence]
    assert "Số liệu chưa có minh chứng:" in text and f"({missing[0]})" in text
    names = {i.code: i.name for i in ws.catalogue.indicators}
    shown = context["criteria"][0]["indicator_names"]  # type: ignore[index]
    assert all(f"{names[c]} ({c})" in shown for c in first.indicators if c in s.evaluations)


def test_year_end_rule_is_a_setting() -> None:
    ws = load(HOA_BINH)
    assert ws.catalogue is not None and ws.catalogue.awards is not None
    cat = ws.catalogue.model_copy(
        update={"awards": ws.catalogue.awards.model_copy(update={"year_end": "all-phases"})}
    )
    outcomes = [compute(cat, ws.units, p.number) for p in cat.phases]
    final, earlier = outcomes[-1], outcomes[:-1]
    year = year_end(final, earlier)
    for s in final.units:
        scores = [x.score for o in outcomes if (x := o.unit(s.unit.id)) is not None]
        mean, level = year[s.unit.id]
        assert mean == (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.1"))
        assert level.min <= mean or level.id == cat.scoring.levels[-1].id
    # the default: the final phase as it stands
    plain = year_end(compute(ws.catalogue, ws.units, 3), [])
    assert all(plain[s.unit.id][0] == s.score for s in final.units)
    context, _ = _context(HOA_BINH, 3, None)
    text = render.render_markdown("bao-cao.md.j2", context)
    assert "Xếp loại cuối năm theo kết quả chấm điểm đợt cuối." in text


def test_whole_unit_share_equal_to_a_ratio_target_is_met() -> None:
    ws = load(DATA)
    assert ws.catalogue is not None
    ct23 = next(i for i in ws.catalogue.indicators if i.code == "CT23")
    target = Decimal(36) / Decimal(41) * 100
    ev = evaluate(ct23, Decimal(36) / Decimal(41) * 100, target, "annual", whole_units=True)
    assert ev.label is Label.MET
    ev = evaluate(ct23, Decimal(100), target, "annual", whole_units=True)  # no overflow
    assert ev.label is Label.EXCEEDED


def test_unreadable_narrative_is_a_clean_error(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    target = tmp_path / "data" / "narrative" / "2026" / "dot-1.md"
    target.write_bytes(b"## \xc6u \xf0i\xeam\n\xff\xfe t\xf4t\n")  # cp1258, not UTF-8
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 1 and "không phải văn bản UTF-8" in out and "Traceback" not in out
    assert not (tmp_path / "data" / "reports").exists()


def test_skeleton_escape_reads_back_as_typed() -> None:
    """A data name written into the skeleton reads back literally: «*», «\\» and «<!--» (which
    once opened a comment that swallowed the lines after the name)."""
    from thidua_cli.present.narrative import escape
    from thidua_cli.read.narrative import parse

    name = "Thôn <!-- Mới *1* \\ a"
    text = f"## Ưu điểm\n\n- {escape(name)} nộp muộn.\n\n<!-- ghi chú -->\n- Thôn B.\n"
    blocks = parse(text, Path("dot-1.md")).sections["uu-diem"]
    assert [[r.text for r in b.runs] for b in blocks] == [[f"{name} nộp muộn."], ["Thôn B."]]


def test_a_narrative_drawn_from_other_figures_is_flagged_until_its_mark_is_updated(
    tmp_path: Path, cli: Run
) -> None:
    """The skeleton carries a mark of the figures it quotes. When the data changes after, the
    report says so on the terminal (with what the data says now) and at the head of every
    written section that quotes figures, until the secretary puts in the new mark."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports", "narrative"))
    target = tmp_path / "data" / "narrative" / "2026" / "dot-1.md"
    md = tmp_path / "data" / "reports" / "2026" / "dot-1" / "bao-cao-dot-1.md"
    cli("report", "--phase", "1", "--init-narrative", cwd=tmp_path)
    text = target.read_text(encoding="utf-8")
    old = re.search(r"<!-- thidua: số liệu ([0-9a-f]{12})", text)
    assert old is not None
    text = text.replace("### Thuận lợi\n", "### Thuận lợi\n\nViết tay.\n")  # a section by hand
    target.write_text(text, encoding="utf-8")
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "số liệu đã thay đổi" not in out
    assert "Số liệu đã thay đổi" not in md.read_text(encoding="utf-8")

    unit = tmp_path / "data" / "units" / "lang-dak-hway.yaml"
    figures = unit.read_text(encoding="utf-8")
    unit.write_text(figures.replace("CT06: {value: 10116,", "CT06: {value: 19116,"), "utf-8")
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    new = re.search(r"dấu số liệu ([0-9a-f]{12}) → ([0-9a-f]{12})", out)
    assert code == 0 and new is not None and new.group(1) == old.group(1) != new.group(2)
    # section by section, what the data says now and which line it no longer says
    assert "nay là: - Tổng đàn gia súc, gia cầm (CT06): thực hiện 307.122" in out
    assert "Mục «Hạn chế, tồn tại»:\n  câu cũ (không còn đúng): - Tổng đàn gia súc" in out
    # a suggested sentence quoting counts, not an indicator, is named too (numbers blanked)
    assert "câu cũ (không còn đúng): Trong 42 chỉ tiêu toàn xã: 14 chỉ tiêu vượt" in out
    report_md = md.read_text(encoding="utf-8")
    note = f"thay dấu số liệu trong tệp nội dung bằng {new.group(2)}"
    # the sections that differ: results, shortcomings (CT06 no longer short), direction
    assert report_md.count(note) == 3
    for untouched in ("Thuận lợi", "Ưu điểm"):
        head = report_md.index(untouched)
        assert note not in report_md[head : head + 300], untouched

    # a mark mistyped, or its line deleted, is not a way out of the check
    for broken in (text.replace(old.group(1), old.group(1).upper()[:-1] + "l"), _no_mark(text)):
        target.write_text(broken, encoding="utf-8")
        code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
        assert code == 0 and "số liệu đã thay đổi" in out
        assert md.read_text(encoding="utf-8").count(note) == 3

    target.write_text(text.replace(old.group(1), new.group(2)), encoding="utf-8")
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "số liệu đã thay đổi" not in out
    assert note not in md.read_text(encoding="utf-8")


def _no_mark(text: str) -> str:
    """The skeleton without its figures-mark comment."""
    return re.sub(r"<!-- thidua: số liệu.*?-->\n", "", text, flags=re.S)


def test_a_narrative_written_by_hand_carries_no_mark_and_no_note(tmp_path: Path, cli: Run) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports", "narrative"))
    target = tmp_path / "data" / "narrative" / "2026" / "dot-1.md"
    target.parent.mkdir(parents=True)
    target.write_text("## Kết quả nổi bật\n\nTrong 42 chỉ tiêu: 3 vượt.\n", encoding="utf-8")
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "số liệu đã thay đổi" not in out.lower()


def test_a_skeleton_that_lost_its_mark_but_matches_the_figures_only_asks_for_it_back(
    tmp_path: Path, cli: Run
) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports", "narrative"))
    target = tmp_path / "data" / "narrative" / "2026" / "dot-1.md"
    cli("report", "--phase", "1", "--init-narrative", cwd=tmp_path)
    target.write_text(_no_mark(target.read_text(encoding="utf-8")), encoding="utf-8")
    code, out = cli("report", "--phase", "1", "--format", "md", cwd=tmp_path)
    assert code == 0 and "không còn dòng dấu số liệu (lời văn vẫn khớp số liệu hiện nay)" in out
    md = tmp_path / "data" / "reports" / "2026" / "dot-1" / "bao-cao-dot-1.md"
    assert "Số liệu đã thay đổi" not in md.read_text(encoding="utf-8")


def test_a_table_header_and_a_group_heading_never_end_a_page() -> None:
    """Each row that heads others keeps with the next row (it was left alone at the foot of
    page 1); a plain data row does not, so long tables still break."""
    context, day = _context(DATA, 1, None)
    xml = _xml(render.render_docx("bao-cao.docx", context, day))
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S)
    headers = [r for r in rows if "<w:tblHeader/>" in r]
    groups = [r for r in rows if ">Kinh tế<" in r]
    assert headers and groups
    for row in headers + groups:
        paragraphs = re.findall(r"<w:p[ >].*?</w:p>", row, re.S)
        assert all("<w:keepNext/>" in p for p in paragraphs), row[:200]
    data = [r for r in rows if ">Tổng đàn gia súc, gia cầm<" in r]
    assert data and "<w:keepNext/>" not in data[0]


def test_the_report_shows_exemplars_as_they_stood_on_its_data_date(
    tmp_path: Path, cli: Run
) -> None:
    """Recognised in September, the exemplar is still being cultivated in the phase-1 report
    (as its indicator of fields with an exemplar counts it), not «Đã công nhận ngày 10/09»."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    unit = tmp_path / "data" / "units" / "cong-an-xa.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace(
            "recognised: 2026-06-16", "recognised: 2026-09-10"
        ),
        encoding="utf-8",
    )
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "bc", cwd=tmp_path)
    assert code == 0, out
    md = (tmp_path / "bc" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "Tổ bảo vệ an ninh, trật tự" in line)
    assert "Đang bồi dưỡng" in row and "10/09/2026" not in md
