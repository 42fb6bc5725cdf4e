"""Figures in without hand-editing YAML: `thidua form` → filled by a unit → `thidua import`;
`thidua set`; broken workbooks refused cell by cell, writing nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import DATA, ROOT

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the sample data."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns("reports"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "data"], check=True)
    return root


def _form(cli: Run, repo: Path, unit: str, phase: int = 1) -> Path:
    code, out = cli("form", "--phase", str(phase), "--unit", unit, "--out", "phieu", cwd=repo)
    assert code == 0, out
    return repo / "phieu" / f"{unit}.xlsx"


def _row(sheet: object, code: str) -> int:
    for row in range(8, 60):
        if sheet[f"B{row}"].value == code:  # type: ignore[index]
            return row
    raise AssertionError(code)


def _fill(path: Path, cells: dict[str, object], by_code: dict[tuple[str, str], object]) -> None:
    wb = load_workbook(path)
    sheet = wb["Số liệu"]
    for ref, v in cells.items():
        sheet[ref] = v
    for (code, col), v in by_code.items():
        sheet[f"{col}{_row(sheet, code)}"] = v
    wb.save(path)


def _git_diff(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "diff", "-U0", "--", "data"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout
    return [
        line
        for line in out.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_form_is_deterministic_protected_and_typed(cli: Run, repo: Path) -> None:
    path = _form(cli, repo, "lang-kon-ktu")
    first = path.read_bytes()
    path.unlink()
    assert _form(cli, repo, "lang-kon-ktu").read_bytes() == first
    wb = load_workbook(path)
    assert wb.sheetnames == ["Số liệu", "Hướng dẫn"]
    sheet = wb["Số liệu"]
    assert sheet.protection.sheet
    row = _row(sheet, "CT03")
    assert sheet[f"C{row}"].value == "Tổng sản lượng lương thực có hạt"
    assert sheet[f"E{row}"].value == "≥ 220" and sheet[f"F{row}"].value == "120"
    assert not sheet[f"H{row}"].protection.locked and sheet[f"C{row}"].protection.locked
    rules = {str(v.sqref): (v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    assert rules[f"H{_row(sheet, 'CT23')}"] == ("list", '"Có,Không"')
    assert rules[f"H{row}"][0] == "decimal"
    assert "Hướng dẫn".upper() in wb["Hướng dẫn"]["A1"].value.upper()


def test_form_for_every_unit_not_reported(cli: Run, repo: Path) -> None:
    code, out = cli("form", "--phase", "1", "--out", "phieu", cwd=repo)
    assert code == 0, out
    written = sorted(p.stem for p in (repo / "phieu").glob("*.xlsx"))
    assert "lang-kon-ktu" not in written and "thon-kim-binh" in written


def test_forms_in_their_default_folder_stay_out_of_git(cli: Run, repo: Path) -> None:
    code, out = cli("form", "--phase", "1", "--unit", "lang-kon-ktu", cwd=repo)
    assert code == 0 and "phieu/.gitignore" in out, out
    assert (repo / "phieu" / "dot-1" / "lang-kon-ktu.xlsx").is_file()
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "phieu" not in status, status
    mine = repo / "phieu" / ".gitignore"
    mine.write_text("# của tôi\n*.xlsx\n", encoding="utf-8")
    assert cli("form", "--phase", "2", "--unit", "lang-kon-ktu", cwd=repo)[0] == 0
    assert mine.read_text(encoding="utf-8") == "# của tôi\n*.xlsx\n"  # never overwritten


def test_round_trip_form_fill_import(cli: Run, repo: Path) -> None:
    village = _form(cli, repo, "lang-kon-ktu")
    health = _form(cli, repo, "tram-y-te")
    _fill(
        village,
        {"C5": "20/06/2026"},
        {
            ("CT03", "H"): 120.5,
            ("CT03", "K"): "Báo cáo số 30/BC-LKK",
            ("CT06", "H"): "10.900",
            ("CT14", "I"): "710",  # a number stored as text
            ("CT14", "J"): 752,
            ("CT07", "H"): None,  # a blank: not reported in this form, left as it is
            ("CT23", "H"): "Có",
        },
    )
    serial = (date(2026, 6, 28) - date(1899, 12, 30)).days
    _fill(health, {"C5": serial}, {("CT13", "H"): "96,5%", ("BS15", "H"): "89,1"})
    before = (repo / "data/units/lang-kon-ktu.yaml").read_text(encoding="utf-8")
    code, out = cli("import", str(village), str(health), "--dry-run", cwd=repo)
    assert code == 0, out
    assert "CT03: 113,9 (ước) → 120,5 (ước)" in out
    assert "CT06: 10.123 (ước) → 10.900 (ước)" in out
    assert "CT14: 708/752 (94,15%) (ước) → 710/752 (94,41%) (ước)" in out
    assert "CT13: 96,14% (ước) → 96,5% (ước)" in out
    changed = [line for line in out.splitlines() if ", đợt 1, " in line]
    assert len(changed) == 4, out  # CT07 blank, CT23 and BS15 unchanged
    assert (repo / "data/units/lang-kon-ktu.yaml").read_text(encoding="utf-8") == before
    code, out = cli("import", str(village), str(health), cwd=repo)
    assert code == 0, out
    assert _git_diff(repo) == [
        "-      CT03: {value: 113.9, evidence: Báo cáo thống kê sản lượng vụ Đông Xuân số 23/BC-LKK}",
        "-      CT06: {value: 10123, note: Minh chứng đang bổ sung}",
        "+      CT03: {value: 120.5, evidence: Báo cáo số 30/BC-LKK}",
        "+      CT06: {value: 10900, note: Minh chứng đang bổ sung}",
        "-      CT14: {numerator: 708, denominator: 752, evidence: Danh sách tham gia BHYT do BHXH cung cấp tháng 6/2026}",
        "+      CT14: {numerator: 710, denominator: 752, evidence: Danh sách tham gia BHYT do BHXH cung cấp tháng 6/2026}",
        "-      CT13: {value: 96.14, evidence: Sổ tiêm chủng mở rộng tháng 6/2026}",
        "+      CT13: {value: 96.5, evidence: Sổ tiêm chủng mở rộng tháng 6/2026}",
    ]
    after = (repo / "data/units/lang-kon-ktu.yaml").read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if "#" in line]
    assert comments and all(line in after.splitlines() for line in comments)
    code, out = cli("validate", cwd=repo)
    assert code == 0, out


def _broken(cli: Run, repo: Path, how: Callable[[Path], None]) -> str:
    form = _form(cli, repo, "lang-kon-ktu")
    _fill(form, {"C5": "20/06/2026"}, {("CT03", "H"): 125})
    how(form)
    before = {p: p.read_bytes() for p in (repo / "data").rglob("*.yaml")}
    code, out = cli("import", str(form), cwd=repo)
    assert code == 1, out
    assert "Không ghi tệp nào" in out
    assert {p: p.read_bytes() for p in (repo / "data").rglob("*.yaml")} == before
    return out


def _edit(change: Callable[[object], None]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        wb = load_workbook(path)
        change(wb)
        wb.save(path)

    return apply


def test_import_refuses_a_formula(cli: Run, repo: Path) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].__setitem__("H9", "=H8*2")))  # type: ignore[index]
    assert "lang-kon-ktu.xlsx, trang «Số liệu», ô H9: ô chứa công thức" in out


def test_import_refuses_a_moved_column(cli: Run, repo: Path) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].insert_cols(3)))  # type: ignore[index]
    assert "ô C7: tiêu đề cột là «»" in out and "form-moved" in out


def test_import_names_an_inserted_row_not_missing_indicators(cli: Run, repo: Path) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].insert_rows(10)))  # type: ignore[index]
    assert "ô B10: dòng 10 trống giữa danh sách chỉ tiêu (còn chỉ tiêu ở dòng 11)" in out
    assert "thiếu" not in out


def test_a_bad_numerator_is_one_error_not_two(cli: Run, repo: Path) -> None:
    def numerator(path: Path) -> None:
        wb = load_workbook(path)
        sheet = wb["Số liệu"]
        row = _row(sheet, "CT14")
        sheet[f"I{row}"], sheet[f"J{row}"] = "khoảng 600", 648
        wb.save(path)

    out = _broken(cli, repo, numerator)
    assert "CT14: «khoảng 600» không phải một số" in out
    assert "cần cả tử số và mẫu số" not in out


def test_import_refuses_merged_cells(cli: Run, repo: Path) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].merge_cells("H8:I8")))  # type: ignore[index]
    assert "ô H8" in out and "gộp" in out


def test_import_refuses_a_foreign_sheet(cli: Run, repo: Path) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb.create_sheet("Sheet1")))  # type: ignore[attr-defined]
    assert "trang lạ (Sheet1)" in out


def test_import_refuses_another_units_form(cli: Run, repo: Path) -> None:
    form = _form(cli, repo, "lang-kon-ktu")
    other = form.with_name("lang-dak-nang.xlsx")
    _fill(form, {"C5": "20/06/2026"}, {("CT03", "H"): 125})
    form.rename(other)
    code, out = cli("import", str(other), cwd=repo)
    assert code == 1
    assert "ô C3: đây là phiếu của đơn vị «lang-kon-ktu», không phải của «lang-dak-nang»" in out


def test_import_refuses_a_form_whose_phase_cell_was_changed(cli: Run, repo: Path) -> None:
    """A phase-1 form whose phase cell says 2 would put phase-1 figures into phase 2."""
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].__setitem__("C4", 2)))  # type: ignore[index]
    assert (
        "lỗi [form-wrong-phase] lang-kon-ktu.xlsx, trang «Số liệu», ô C4: phiếu này lập cho đợt 1, "
        "nhưng ô đợt thi đua đã bị sửa thành 2" in out
    )
    assert "lập phiếu đợt 2 bằng «thidua form --phase 2»" in out


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (None, "trống"),
        ("hai", "«hai»"),
        (1.5, "«1.5»"),
        (1e300, "«1e+300»"),
    ],
)
def test_import_refuses_a_phase_cell_that_is_not_a_phase(
    cli: Run, repo: Path, typed: object, shown: str
) -> None:
    out = _broken(cli, repo, _edit(lambda wb: wb["Số liệu"].__setitem__("C4", typed)))  # type: ignore[index]
    assert f"ô C4: ô đợt thi đua {shown}, phải là số đợt của phiếu (1)." in out
    assert "Ghi lại 1 vào ô C4" in out


@pytest.mark.parametrize("crafted", [float("inf"), float("nan"), -1.0, 0])
def test_a_crafted_phase_cell_is_a_bad_cell_not_a_crash(crafted: float) -> None:
    """A number openpyxl cannot write (an edited sheet XML: 1e999) reads back as inf."""
    from types import SimpleNamespace

    from thidua_cli.read import form as rf

    out = rf.Filled("f.xlsx")
    sheet = {"C4": SimpleNamespace(value=crafted)}
    assert rf._phase(rf._Reader(out, "f.xlsx", sheet), 1) is None
    assert [p.code for p in out.problems] == ["form-bad-cell"]


def test_a_form_mark_saved_decomposed_still_reads(cli: Run, repo: Path) -> None:
    import unicodedata

    form = _form(cli, repo, "lang-kon-ktu")
    mark = load_workbook(form)["Số liệu"]["K1"].value
    _fill(
        form, {"C5": "20/06/2026", "K1": unicodedata.normalize("NFD", mark)}, {("CT03", "H"): 125}
    )
    assert cli("import", str(form), "--dry-run", cwd=repo)[0] == 0


def test_a_form_made_before_forms_named_their_phase_still_imports(cli: Run, repo: Path) -> None:
    form = _form(cli, repo, "lang-kon-ktu")
    _fill(form, {"C5": "20/06/2026", "K1": "thidua-form-1"}, {("CT03", "H"): 125})
    code, out = cli("import", str(form), cwd=repo)
    assert code == 0, out
    assert "lang-kon-ktu.yaml" in out


def test_import_keeps_another_phases_warning_off_this_forms_cells(cli: Run, repo: Path) -> None:
    """Phase 1 of the unit has CT06 without evidence: a phase-2 form with CT06 and its
    evidence must not show that warning at its own cell, as if the clerk had left it out."""
    form = _form(cli, repo, "lang-kon-ktu", phase=2)
    _fill(form, {"C5": "20/11/2026"}, {("CT06", "H"): 11000, ("CT06", "K"): "Báo cáo số 40/BC"})
    code, out = cli("import", str(form), "--dry-run", cwd=repo)
    assert code == 0, out
    assert "đợt 2, CT06: — → 11.000" in out
    assert "CT06 không có minh chứng" not in out


def test_import_refuses_a_non_numeric_cell(cli: Run, repo: Path) -> None:
    out = _broken(
        cli,
        repo,
        _edit(lambda wb: wb["Số liệu"].__setitem__("H9", "khoảng mười nghìn")),  # type: ignore[index]
    )
    assert "ô H9: CT06: «khoảng mười nghìn» không phải một số" in out


def test_import_refuses_a_percent_typed_as_fraction(cli: Run, repo: Path) -> None:
    form = _form(cli, repo, "tram-y-te")
    _fill(form, {"C5": "28/06/2026"}, {("CT13", "H"): "0,9614"})
    code, out = cli("import", str(form), cwd=repo)
    assert code == 1
    assert "tram-y-te.xlsx, ô H8" in out and "percent-as-fraction" in out


def _approve(cli: Run, repo: Path) -> None:
    code, out = cli(
        "approve",
        "--phase",
        "1",
        "--by",
        "Hội đồng",
        "--decision",
        "Biên bản 05",
        "--date",
        "2026-07-10",
        cwd=repo,
    )
    assert code == 0, out
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "approve"], check=True)


def test_import_into_a_locked_phase_is_refused(cli: Run, repo: Path) -> None:
    _approve(cli, repo)
    out = _broken(cli, repo, lambda _p: None)
    assert "locked-phase-changed" in out and "lang-kon-ktu.xlsx, ô H8" in out


def test_set_tells_a_ratio_in_options_not_in_yaml(cli: Run, repo: Path) -> None:
    before = (repo / "data" / "units" / "lang-kon-ktu.yaml").read_bytes()
    code, out = cli("set", "lang-kon-ktu", "CT14", "--phase", "1", "--value", "95", cwd=repo)
    assert code == 2
    assert out.startswith("Chỉ tiêu CT14 cộng dồn theo tử số và mẫu số: ghi --numerator và")
    assert "--phase 1 --numerator 612 --denominator 648" in out
    assert "→" not in out  # no change line for a figure that cannot be written
    assert (repo / "data" / "units" / "lang-kon-ktu.yaml").read_bytes() == before


def test_set_changes_one_figure(cli: Run, repo: Path) -> None:
    code, out = cli("set", "lang-kon-ktu", "CT06", "--phase", "1", "--value", "10.900", cwd=repo)
    assert code == 0, out
    assert "CT06: 10.123 (ước) → 10.900 (ước)" in out
    assert _git_diff(repo) == [
        "-      CT06: {value: 10123, note: Minh chứng đang bổ sung}",
        "+      CT06: {value: 10900, note: Minh chứng đang bổ sung}",
    ]


def test_set_names_a_missing_phase_and_a_replaced_evidence(cli: Run, repo: Path) -> None:
    code, out = cli("set", "lang-kon-ktu", "CT03", "--phase", "3", "--value", "150", cwd=repo)
    assert code == 2 and "Không có đợt 3" in out and "Các đợt: 1, 2" in out
    code, out = cli(
        "set", "lang-kon-ktu", "CT03", "--value", "113.9", "--evidence", "Số 23/BC", cwd=repo
    )
    assert code == 0, out
    assert "minh chứng: Báo cáo thống kê sản lượng vụ Đông Xuân số 23/BC-LKK → Số 23/BC" in out


def test_set_refuses_a_fraction_and_a_one_digit_code(cli: Run, repo: Path) -> None:
    code, out = cli("set", "tram-y-te", "CT13", "--value", "0.9614", cwd=repo)
    assert code == 1 and "percent-as-fraction" in out and "96.14" in out
    code, out = cli("set", "lang-kon-ktu", "CT6", "--value", "10900", cwd=repo)
    assert code == 2 and "Có phải ý bạn là «CT06»?" in out
    assert _git_diff(repo) == []


def test_set_in_a_locked_phase_needs_a_correction(cli: Run, repo: Path) -> None:
    _approve(cli, repo)
    code, out = cli("set", "lang-kon-ktu", "CT06", "--value", "10900", cwd=repo)
    assert code == 1 and "locked-phase-changed" in out
    assert _git_diff(repo) == []
    code, out = cli(
        "set",
        "lang-kon-ktu",
        "CT06",
        "--value",
        "10900",
        "--correction",
        "Thống kê lại đàn gia súc",
        "--reference",
        "Công văn số 45/UBND",
        "--correction-date",
        "15/8/2026",
        cwd=repo,
    )
    assert code == 0, out
    assert "đính chính: Thống kê lại đàn gia súc (Công văn số 45/UBND)" in out
    # what it does to other villages' approved results is told before anyone signs it
    said = " ".join(out.split())
    found = re.search(r"phê duyệt của (\d+) đơn vị khác thay đổi: (.+?) và (\d+) đơn vị khác", said)
    assert found, said
    assert found.group(2).count(", ") == 4 and int(found.group(3)) == int(found.group(1)) - 5
    assert "approved-outcome-knock-on" not in said  # one summary, not a warning per village
    # dated: the report that lists it in its annex is not signed before it
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    assert code == 0 and "có đính chính số liệu ngày 15/08/2026, sau hạn 30/06/2026" in out
    assert "ngày 15 tháng 8 năm 2026" in (repo / "out" / "bao-cao-dot-1.md").read_text("utf-8")
    line = [
        x
        for x in (repo / "data/units/lang-kon-ktu.yaml").read_text(encoding="utf-8").splitlines()
        if x.strip().startswith("CT06:")
    ][-1]  # the phase-1 figure, after the registered target
    assert line.count("10900") == 2 and "&" not in line and "*id" not in line  # no YAML alias
    assert "date: 2026-08-15" in line
    code, out = cli("validate", "--errors-only", cwd=repo)
    assert code == 0, out
    # the approved figure typed again (an old form): the correction would say another figure
    corrected = (repo / "data/units/lang-kon-ktu.yaml").read_bytes()
    code, out = cli("set", "lang-kon-ktu", "CT06", "--value", "10123", cwd=repo)
    assert code == 1 and "correction-mismatch" in out, out
    assert (repo / "data/units/lang-kon-ktu.yaml").read_bytes() == corrected


def test_score_xlsx_is_reproducible_with_vietnamese_sheets(cli: Run, repo: Path) -> None:
    code, out = cli("score", "--format", "xlsx", "--out", "kq.xlsx", cwd=repo)
    assert code == 0, out
    first = (repo / "kq.xlsx").read_bytes()
    code, out = cli("score", "--format", "xlsx", "--out", "kq.xlsx", cwd=repo)
    assert (repo / "kq.xlsx").read_bytes() == first
    wb = load_workbook(repo / "kq.xlsx")
    assert wb.sheetnames[0] == "Chỉ tiêu" and "Khối trường học" in wb.sheetnames
    table = wb["Chỉ tiêu"]
    assert [c.value for c in table[3]] == [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Thực hiện",
        "Tỷ lệ (% KH)",
        "Đánh giá",
        "Số đơn vị báo cáo",
    ]
    assert table.freeze_panes == "A4"
    code, out = cli("score", "--format", "csv", "--out", "kq.csv", cwd=repo)
    assert code == 2 and "--out chỉ dùng với --format xlsx" in out


def test_csv_neutralises_formula_text(cli: Run, repo: Path) -> None:
    unit = repo / "data/units/lang-kon-ktu.yaml"
    text = unit.read_text(encoding="utf-8").replace("name: Làng Kon Ktu", 'name: "=HYPERLINK(1)"')
    unit.write_text(text, encoding="utf-8")
    code, out = cli("score", "--format", "csv", cwd=repo)
    assert code == 0, out
    assert ";'=HYPERLINK(1);" in out


def test_code_suggestions_pad_before_fuzzy_matching() -> None:
    from thidua_cli.checks.context import suggest_code

    codes = ["CT03", "CT06", "CT16", "CT22", "CT22.1", "CT23", "BS02"]
    assert suggest_code("CT3", codes) == "Có phải ý bạn là «CT03»?"
    assert suggest_code("CT6", codes) == "Có phải ý bạn là «CT06»?"
    assert suggest_code("ct 22.1", codes) == "Có phải ý bạn là «CT22.1»?"
    assert suggest_code("BS2", codes) == "Có phải ý bạn là «BS02»?"


def test_set_keeps_windows_line_endings_and_bom(cli: Run, repo: Path) -> None:
    unit = repo / "data/units/lang-kon-ktu.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    code, out = cli("set", "lang-kon-ktu", "CT07", "--value", "5,5", cwd=repo)
    assert code == 0, out
    raw = unit.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    expected = text.replace("CT07: {value: 5,", "CT07: {value: 5.5,")
    assert raw[3:].decode("utf-8").replace("\r\n", "\n") == expected


def test_set_adds_a_report_for_a_new_phase(cli: Run, repo: Path) -> None:
    code, out = cli("set", "lang-kon-ktu", "CT03", "--phase", "2", "--value", "230", cwd=repo)
    assert code == 1 and "--submitted" in out
    code, out = cli(
        "set",
        "lang-kon-ktu",
        "CT03",
        "--phase",
        "2",
        "--value",
        "230",
        "--evidence",
        "Báo cáo số 40/BC-LKK",
        "--submitted",
        "20/12/2026",
        cwd=repo,
    )
    assert code == 0, out
    assert "đợt 2, CT03: — → 230" in out
    assert "registered-not-reported" in out  # the other registered indicators of phase 2
    added = [line for line in _git_diff(repo) if line.startswith("+")]
    assert added == [
        "+  - phase: 2",
        "+    submitted: 2026-12-20",
        "+    values:",
        "+      CT03: {value: 230, evidence: Báo cáo số 40/BC-LKK}",
    ]


def test_first_report_drops_the_not_reported_note_and_says_a_yes_no_once(
    cli: Run, repo: Path
) -> None:
    unit = repo / "data" / "units" / "truong-tieu-hoc-vo-thi-sau.yaml"
    assert "results: []        # chưa nộp báo cáo sơ kết đợt 1" in unit.read_text("utf-8")
    args = ("set", "truong-tieu-hoc-vo-thi-sau", "CT15", "--value", "có")
    code, out = cli(*args, "--evidence", "Báo cáo số 3/BC", "--submitted", "28/06/2026", cwd=repo)
    assert code == 0, out
    assert "CT15: — → Đạt; minh chứng thêm" in out  # the figure is its own evaluation
    diff = _git_diff(repo)
    assert "-results: []        # chưa nộp báo cáo sơ kết đợt 1" in diff
    assert "+results:" in diff and "chưa nộp" not in unit.read_text("utf-8")


def test_first_report_keeps_a_comment_block_that_follows(cli: Run, repo: Path) -> None:
    unit = repo / "data" / "units" / "truong-tieu-hoc-vo-thi-sau.yaml"
    text = unit.read_text("utf-8").replace(
        "results: []        # chưa nộp báo cáo sơ kết đợt 1\n",
        "results: []        # chưa nộp báo cáo sơ kết đợt 1\n# ghi chú của văn thư\n",
    )
    unit.write_text(text, encoding="utf-8")
    args = ("set", "truong-tieu-hoc-vo-thi-sau", "CT15", "--value", "có")
    code, out = cli(*args, "--evidence", "Báo cáo số 3/BC", "--submitted", "28/06/2026", cwd=repo)
    assert code == 0, out
    after = unit.read_text("utf-8")
    assert "# ghi chú của văn thư" in after  # nothing the clerk wrote is lost
    assert "chưa nộp" not in after  # but the note that stopped being true


def test_a_prefilled_form_imports_back_to_no_change(cli: Run, repo: Path) -> None:
    form = _form(cli, repo, "lang-kon-ktu")
    sheet = load_workbook(form)["Số liệu"]
    assert sheet[f"H{_row(sheet, 'CT03')}"].value == 113.9
    assert sheet[f"I{_row(sheet, 'CT14')}"].value == 708
    code, out = cli("import", str(form), cwd=repo)
    assert code == 0, out
    assert "không có số liệu nào thay đổi" in out
    assert _git_diff(repo) == []


def test_import_with_a_correction_into_a_locked_phase(cli: Run, repo: Path) -> None:
    _approve(cli, repo)
    form = _form(cli, repo, "lang-kon-ktu")
    # the form's date is the day of the corrected form: not a new date of the approved report
    _fill(form, {"C5": "20/11/2026"}, {("CT03", "H"): "125"})
    code, out = cli(
        "import",
        str(form),
        "--correction",
        "Thống kê lại vụ Đông Xuân",
        "--reference",
        "Công văn số 45/CCTK",
        cwd=repo,
    )
    assert code == 0, out
    diff = _git_diff(repo)
    assert len(diff) == 2 and "correction: {reason: Thống kê lại vụ Đông Xuân" in diff[1]
    assert f"date: {date.today().isoformat()}" in diff[1]  # recorded today unless told
    code, out = cli("validate", "--errors-only", cwd=repo)
    assert code == 0, out


def test_import_refuses_two_forms_for_one_unit(cli: Run, repo: Path) -> None:
    form = _form(cli, repo, "lang-kon-ktu")
    copy = repo / "lang-kon-ktu.xlsx"
    shutil.copy(form, copy)
    code, out = cli("import", str(form), str(copy), cwd=repo)
    assert code == 1 and "Hai phiếu cho cùng một đơn vị" in out


@pytest.mark.parametrize(
    ("name", "content"),
    [("kq.csv", b"a;b\n"), ("rong.xlsx", b""), ("chu.xlsx", b"hello"), ("zip.xlsx", None)],
)
def test_import_refuses_what_is_not_a_form(
    cli: Run, repo: Path, name: str, content: bytes | None
) -> None:
    path = repo / name
    if content is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as z:
            z.writestr("word/document.xml", "<w/>")
    else:
        path.write_bytes(content)
    code, out = cli("import", str(path), cwd=repo)
    assert code == 1 and "form-unreadable" in out and f"{name}: không mở được tệp Excel" in out


def test_set_with_an_evidence_file(cli: Run, repo: Path) -> None:
    code, out = cli(
        "set",
        "lang-kon-ktu",
        "CT06",
        "--value",
        "10200",
        "--evidence-file",
        "data/evidence/lang-kon-ktu/khong-co.md",
        cwd=repo,
    )
    assert code == 1 and "evidence-not-found" in out and _git_diff(repo) == []
    code, out = cli(
        "set",
        "lang-kon-ktu",
        "CT06",
        "--value",
        "10200",
        "--evidence-file",
        "data/evidence/lang-kon-ktu/ct12-bien-dong-dan-so.md",
        cwd=repo,
    )
    assert code == 0, out
    assert _git_diff(repo)[1] == (
        "+      CT06: {value: 10200, note: Minh chứng đang bổ sung, evidence: {file: "
        "data/evidence/lang-kon-ktu/ct12-bien-dong-dan-so.md}}"
    )


def test_import_skips_forms_sent_back_blank(cli: Run, repo: Path) -> None:
    """Forms go out to every unit that has not reported; the ones not filled yet must not
    stop the others from being imported."""
    blank = _form(cli, repo, "thon-kim-binh")
    village = _form(cli, repo, "lang-kon-ktu")
    _fill(village, {"C5": "20/06/2026"}, {("CT03", "H"): 120.5})
    code, out = cli("import", str(blank), str(village), cwd=repo)
    assert code == 0, out
    assert "thon-kim-binh.xlsx: phiếu chưa điền" in out and "bỏ qua" in out
    assert "+      CT03: {value: 120.5," in "\n".join(_git_diff(repo))
    assert not [line for line in _git_diff(repo) if "kim-binh" in line]
    # a form with figures but no date is still refused
    _fill(blank, {}, {("CT03", "H"): 100})
    code, out = cli("import", str(blank), cwd=repo)
    assert code == 1 and "chưa ghi ngày báo cáo" in out


@pytest.fixture
def rated(tmp_path: Path) -> Path:
    """A second catalogue with a rating indicator (H8: Xuất sắc, Tốt, Khá, Trung bình)."""
    root = tmp_path / "son-ha"
    shutil.copytree(ROOT / "tests/fixtures/son-ha/data", root / "data")
    return root


def test_a_rating_is_entered_by_set_and_by_form(cli: Run, rated: Path) -> None:
    unit = rated / "data/units/phong-tckh.yaml"
    code, out = cli("set", "phong-tckh", "H8", "--value", "Giỏi", cwd=rated)
    assert code == 2 and "«Xuất sắc», «Tốt», «Khá», «Trung bình»" in out
    code, out = cli("set", "phong-tckh", "H8", "--value", "tốt", cwd=rated)
    assert code == 0 and "H8: Khá → Tốt" in out, out
    assert "H8: {value: Tốt, evidence: QĐ 80/QĐ-UBND}" in unit.read_text("utf-8")
    code, out = cli("form", "--all", "--unit", "phong-tckh", "--out", "phieu", cwd=rated)
    assert code == 0, out
    form = rated / "phieu" / "phong-tckh.xlsx"
    sheet = load_workbook(form)["Số liệu"]
    row = _row(sheet, "H8")
    assert sheet[f"H{row}"].value == "Tốt" and sheet[f"G{row}"].value == "Chọn mức"
    lists = [v for v in sheet.data_validations.dataValidation if f"H{row}" in str(v.sqref)]
    assert [v.formula1 for v in lists] == ['"Xuất sắc,Tốt,Khá,Trung bình"']
    checks = sheet.data_validations.dataValidation
    assert all(v.showErrorMessage and v.errorStyle == "warning" for v in checks)
    _fill(form, {}, {("H8", "H"): "Giỏi"})
    code, out = cli("import", str(form), cwd=rated)
    assert code == 1 and f"ô H{row}" in out and "unknown-level" in out
    assert "H8: {value: Tốt" in unit.read_text("utf-8")  # nothing written
    _fill(form, {}, {("H8", "H"): " khá "})
    code, out = cli("import", str(form), cwd=rated)
    assert code == 0 and "H8: Tốt → Khá" in out, out
    assert "H8: {value: Khá, evidence: QĐ 80/QĐ-UBND}" in unit.read_text("utf-8")


def test_a_form_downloaded_twice_imports_under_its_browser_name(cli: Run, repo: Path) -> None:
    """A browser saves a second download as «lang-kon-ktu (1).xlsx»: still that unit's form
    (cell C3 says whose it is); another unit's name still is not."""
    form = _form(cli, repo, "lang-kon-ktu")
    _fill(form, {"C5": "20/06/2026"}, {("CT03", "H"): 125})
    again = form.with_name("lang-kon-ktu (1).xlsx")
    form.rename(again)
    code, out = cli("import", str(again), cwd=repo)
    assert code == 0, out
    assert "CT03: {value: 125" in (repo / "data/units/lang-kon-ktu.yaml").read_text("utf-8")


def test_set_refuses_what_validate_would_refuse_after_writing(cli: Run, repo: Path) -> None:
    """Dates and shapes validate rejects are refused before anything is written."""
    before = _git_diff(repo)
    args = ("set", "lang-kon-ktu", "CT06", "--value", "10900")
    code, out = cli(*args, "--correction", "Lý do", "--reference", "CV 1", cwd=repo)
    assert code == 2 and "Đợt 1 chưa được Hội đồng phê duyệt" in out  # nothing to correct
    code, out = cli(*args, "--correction-date", "2026-08-15", cwd=repo)
    assert code == 2 and "--correction-date chỉ dùng cùng --correction" in out
    code, out = cli(
        "set", "lang-kon-ktu", "CT03", "--numerator", "1", "--denominator", "2", cwd=repo
    )
    assert code == 1 and "unexpected-ratio" in out and "không phải tỷ lệ" in out
    _approve(cli, repo)
    code, out = cli(
        *args, "--correction", "Lý do", "--reference", "CV 1", "--correction-date", "2099-01-01",
        cwd=repo,
    )  # fmt: skip
    assert code == 1 and "correction-date-invalid" in out and "ở tương lai" in out
    assert _git_diff(repo) == before


@pytest.mark.parametrize(
    ("day", "why"),
    [("2025-12-01", "trước khi phong trào bắt đầu"), ("2026-07-01", "trước ngày 05/07/2026")],
)
def test_approve_refuses_a_day_the_council_could_not_have_approved_on(
    cli: Run, repo: Path, day: str, why: str
) -> None:
    code, out = cli(
        "approve", "--phase", "1", "--by", "Hội đồng", "--decision", "BB", "--date", day, cwd=repo
    )
    assert code == 2 and why in out, out
    assert not (repo / "data" / "approvals.yaml").exists()


def test_set_adds_evidence_alone_to_the_figure_already_there(cli: Run, repo: Path) -> None:
    args = ("set", "lang-kon-ktu", "CT06", "--evidence", "Báo cáo số 9/BC")
    code, out = cli(*args, cwd=repo)
    assert code == 0, out
    assert _git_diff(repo) == [
        "-      CT06: {value: 10123, note: Minh chứng đang bổ sung}",
        "+      CT06: {value: 10123, note: Minh chứng đang bổ sung, evidence: Báo cáo số 9/BC}",
    ]
    code, out = cli("set", "lang-kon-ktu", "CT06", "--phase", "2", "--evidence", "X", cwd=repo)
    assert code == 2 and "chưa có số liệu CT06 đợt 2" in out


def test_approve_takes_the_date_its_decision_states(cli: Run, repo: Path) -> None:
    base = ("approve", "--phase", "1", "--by", "Hội đồng", "--decision")
    code, out = cli(*base, "Biên bản họp số 05 ngày 10/7/2026", "--date", "2026-07-12", cwd=repo)
    assert code == 2 and "khác ngày ghi trong văn bản (10/07/2026)" in out
    code, out = cli(*base, "Biên bản họp số 05 ngày 10/7/2026", cwd=repo)
    assert code == 0, out
    assert "date: 2026-07-10" in (repo / "data" / "approvals.yaml").read_text(encoding="utf-8")


def test_a_fraction_for_a_yes_no_indicator_says_yes_or_no(cli: Run, repo: Path) -> None:
    code, out = cli("set", "cong-an-xa", "BS02", "--numerator", "1", "--denominator", "1", cwd=repo)
    assert code == 1 and "expected-boolean" in out and "unexpected-ratio" not in out
