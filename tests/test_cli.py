"""Every command: help, the happy path on the shipped data, and bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from thidua_cli.workspace import load

from .conftest import DATA, HOA_BINH, ROOT

Run = Callable[..., tuple[int, str]]
COMMANDS = [
    "validate",
    "indicators",
    "score",
    "status",
    "exemplars",
    "report",
    "diff",
    "history",
    "approve",
    "schema",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_vietnamese(cli: Run, command: str) -> None:
    code, out = cli(command, "--help")
    assert code == 0
    assert "--data" in out or command == "schema"
    assert "Hiện hướng dẫn này rồi thoát" in out or "Show this message" in out
    first = out.strip().splitlines()
    assert any(
        ch in "".join(first) for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    )


def test_validate_shipped_data_is_clean(cli: Run) -> None:
    code, out = cli("validate")
    assert code == 0, out
    assert "0 lỗi" in out


def test_validate_json_shape(cli: Run) -> None:
    code, out = cli("validate", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == 1 and doc["errors"] == 0
    assert doc["files"] == 1 + len(list((DATA / "units").glob("*.yaml")))
    assert {p["code"] for p in doc["problems"]} <= {
        "late-report",
        "missing-evidence",
        "no-registration",
        "registered-not-reported",
    }


def test_validate_strict_fails_on_warnings(cli: Run) -> None:
    code, _ = cli("validate", "--strict")
    assert code == 1


def test_validate_github_auto(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out = cli("validate")
    assert code == 0
    assert out.startswith("::warning file=data/units/")


def test_bad_file_dropped_into_units_fails_with_line(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch(units=True)
    (data / "units" / "thon-loi.yaml").write_text(
        "id: thon-loi\nname: Thôn Lỗi\nkind: thon\nbloc: khoi-thon\nregistration:\n"
        "  date: 2026-01-20\n  targets: {CT03: 10.900}\n",
        encoding="utf-8",
    )
    code, out = cli("validate", cwd=tmp_path)
    assert code == 1
    assert "data/units/thon-loi.yaml:7:19" in out and "thousands-separator" in out
    code, out = cli("score", cwd=tmp_path)
    assert code == 1 and "Dữ liệu còn lỗi" in out
    # the sample data has warnings too: counted, not listed, and nobody typed --errors-only
    assert "(không in cảnh báo: ở đây chỉ in lỗi; xem đủ: thidua validate)" in " ".join(out.split())
    assert "--errors-only" not in out


def test_usage_errors_exit_2(cli: Run, tmp_path: Path) -> None:
    assert cli("validate", "khong-co.yaml")[0] == 2
    assert cli("validate", cwd=tmp_path)[0] == 2  # no data/indicators.yaml here
    assert cli("score", "--phase", "9")[0] == 2
    assert cli("score", "--as-of", "31/02/2026")[0] == 2
    assert cli("score", "--unit", "thon-khong-co")[0] == 2
    assert cli("score", "--explain")[0] == 2
    assert cli("score", "--bloc", "khoi-khong-co")[0] == 2


def test_indicators_json(cli: Run) -> None:
    code, out = cli("indicators", "--format", "json")
    doc = json.loads(out)
    by_code = {i["code"]: i for i in doc["indicators"]}
    assert code == 0 and doc["version"] == 1 and len(by_code) == 44
    assert by_code["CT18"]["comparator"] == "<=" and by_code["CT18"]["target"] == 7.48
    assert (by_code["CT23"]["target_numerator"], by_code["CT23"]["target_denominator"]) == (36, 41)
    assert by_code["BS02"]["kind"] == "boolean" and by_code["BS02"]["target"] is True
    assert by_code["CT04.1"]["parent"] == "CT04"
    assert all(by_code[c]["computed"] for c in ("TD01", "TD02", "TD03"))
    assert by_code["CT05"]["unit"] == "triệu đồng/ha" and "172 ha" in by_code["CT05"]["note"]


def test_score_table_and_json(cli: Run) -> None:
    code, out = cli("score", "--phase", "1")
    assert code == 0
    assert "DỮ LIỆU MẪU" in out and "Xếp hạng Khối các thôn, làng (41 đơn vị)" in out
    code, out = cli("score", "--format", "json")
    doc = json.loads(out)
    assert doc["version"] == 1 and doc["phase"] == 1 and doc["provisional"] is True
    for key in ("code", "target", "actual", "percent", "evaluation"):
        assert key in doc["indicators"][0]
    for key in ("id", "name", "bloc", "score", "classification", "rank"):
        assert key in doc["units"][0]
    villages = [u for u in doc["units"] if u["bloc"] == "khoi-thon"]
    assert sorted(u["rank"] for u in villages) == list(range(1, 42))
    assert isinstance(doc["quota"], list) and doc["coverage_threshold"] == 80


def test_score_csv_and_bloc(cli: Run) -> None:
    code, out = cli("score", "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("\ufeffKhối thi đua;Hạng;Đơn vị;Điểm;Số chỉ tiêu đạt")
    assert ";Làng Kon Ktu;" in out and ";lang-kon-ktu;" not in out
    assert ";102,00;" in out or ",00;" in out  # Vietnamese decimals for Excel
    assert len(lines) == 1 + len(list((DATA / "units").glob("*.yaml")))
    # blocs in the plan's order, as on screen and in the report (not by their ids)
    shown = list(dict.fromkeys(line.split(";")[0] for line in lines[1:]))
    catalogue = load(DATA).catalogue
    assert catalogue is not None
    assert shown == [b.name for b in catalogue.blocs if b.name in shown]
    assert shown != sorted(shown, key=lambda n: next(b.id for b in catalogue.blocs if b.name == n))
    code, out = cli("score", "--bloc", "khoi-truong-hoc")
    assert code == 0 and "Khối trường học" in out and "Khối các thôn" not in out


def test_csv_rows_say_sample_data_and_real_data_does_not(cli: Run, tmp_path: Path) -> None:
    """A CSV has no banner: every row of sample data carries «DỮ LIỆU MẪU» in «Ghi chú»,
    so a range pasted into a real document still says so; real data carries nothing."""
    code, out = cli("score", "--phase", "1", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))[1:]
    assert code == 0 and rows and all(r[-1].startswith("DỮ LIỆU MẪU") for r in rows)
    real = tmp_path / "data"
    shutil.copytree(HOA_BINH, real)
    for f in real.rglob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace("sample: true", "sample: false"), encoding="utf-8")
    code, out = cli("score", "--phase", "1", "--format", "csv", "--data", str(real))
    assert code == 0 and out.count("\n") > 1 and "MẪU" not in out, out


def test_people_read_names_not_ids(cli: Run, tmp_path: Path) -> None:
    """The source of a commune figure and the kinds an indicator is for are named as the
    catalogue names them (Phòng Kinh tế, Thôn / làng), not by their ids."""
    code, out = cli("score", "--phase", "1")
    table = out.split("Xếp hạng")[0]  # the ranking tables show ids in their «Mã» column
    assert code == 0 and "Phòng Kinh tế" in table and "phong-kinh-te" not in table
    wrong = ROOT / "tests/cases/invalid/not-applicable/thon-mau.yaml"
    code, out = cli("validate", str(wrong), "--format", "json")
    said = [p for p in json.loads(out)["problems"] if p["code"] == "not-applicable"]
    assert said and "«thon»" not in said[0]["message"], said
    assert "Thôn" in said[0]["message"] + said[0]["hint"], said


def test_explain_adds_up(cli: Run) -> None:
    code, out = cli("score", "--unit", "thon-tan-huong", "--format", "json")
    unit = json.loads(out)["unit"]
    total = sum(c["points"] for c in unit["criteria"]) + sum(
        a["points"] for a in unit["adjustments"]
    )
    assert round(total, 2) == unit["score"]
    code, out = cli("score", "--unit", "thon-tan-huong", "--explain")
    assert code == 0
    assert "Nộp báo cáo sau hạn" in out and "Tổng điểm" in out and "Xếp hạng" in out


def test_status_and_exemplars(cli: Run) -> None:
    code, out = cli("status", "--phase", "1", "--as-of", "2026-07-10")
    assert code == 0 and "đã quá hạn 10 ngày" in out and "thon-kim-binh" in out
    code, out = cli("status", "--phase", "1", "--as-of", "2026-07-10", "--format", "json")
    doc = json.loads(out)
    villages = next(b for b in doc["blocs"] if b["bloc"] == "khoi-thon")
    assert villages["expected"] == 41 and villages["missing"] == 3 and villages["late"] == 2
    code, out = cli("exemplars", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and sorted(doc["fields_without_recognised"]) == ["chuyen-doi-so", "moi-truong"]


def test_status_counts_a_registration_from_its_date(cli: Run) -> None:
    """Registered on 6/2: on 1/2 it is not registered yet, as a pact not yet signed."""
    registered = {}
    for day in ("2026-02-01", "2026-02-10"):
        code, out = cli("status", "--phase", "1", "--as-of", day, "--format", "json")
        assert code == 0, out
        units = [u for b in json.loads(out)["blocs"] for u in b["units"]]
        registered[day] = {u["id"] for u in units if u["registered"]}
    assert registered["2026-02-01"] < registered["2026-02-10"]
    late = DATA / "units" / "truong-tieu-hoc-vo-thi-sau.yaml"
    assert "date: 2026-02-06" in late.read_text(encoding="utf-8")
    assert "truong-tieu-hoc-vo-thi-sau" not in registered["2026-02-01"]
    assert "truong-tieu-hoc-vo-thi-sau" in registered["2026-02-10"]


def test_status_refuses_a_broken_plan_instead_of_listing_it_as_a_left_out_unit(
    cli: Run, tmp_path: Path
) -> None:
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    plan = tmp_path / "data" / "indicators.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace(
            "method: cluster, indicators: [CT03]}", "method: cluster, indicators: [CT99]}"
        ),
        encoding="utf-8",
    )
    code, out = cli("status", "--phase", "1", cwd=tmp_path)
    assert code == 1 and "Danh mục chỉ tiêu còn lỗi." in out and "CT99" in out
    assert "không được tính ở đây" not in out


def test_another_commune_needs_no_code_change(cli: Run, tmp_path: Path) -> None:
    shutil.copytree(HOA_BINH, tmp_path / "data")
    assert cli("validate", cwd=tmp_path)[0] == 0
    code, out = cli("score", "--phase", "3", "--format", "json", cwd=tmp_path)
    assert code == 0 and json.loads(out)["provisional"] is False
    code, out = cli("score", "--phase", "1", cwd=tmp_path)
    assert "Ngọc Liên" not in out and "Xóm Đông" in out


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"thidua {command}" in readme, command
    assert "make run" in readme and "make test" in readme


def test_duplicate_unit_ids_and_missing_owner(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    """The copy is blamed, not the original, even when the copy's name sorts first (no git
    here: the later modification time tells)."""
    data = scratch(units=True)
    copy = data / "units" / "a-ban-sao.yaml"
    shutil.copy(data / "units" / "lang-kon-ktu.yaml", copy)
    os.utime(data / "units" / "lang-kon-ktu.yaml", (1_700_000_000, 1_700_000_000))
    os.utime(copy, (1_800_000_000, 1_800_000_000))
    (data / "units" / "cong-an-xa.yaml").unlink()
    code, out = cli("validate", "--format", "json", cwd=tmp_path)
    problems = json.loads(out)["problems"]
    found = {(p["path"], p["code"]) for p in problems}
    assert code == 1
    dup = [p for p in problems if p["code"] == "duplicate-unit-id"]
    assert [p["path"] for p in dup] == ["data/units/a-ban-sao.yaml"]
    assert "data/units/lang-kon-ktu.yaml" in dup[0]["message"]
    # the copy brought the original's exemplars along: blamed on the copy too, with a hint
    same_exemplar = [p for p in problems if p["code"] == "duplicate-id"]
    assert same_exemplar and {p["path"] for p in same_exemplar} == {"data/units/a-ban-sao.yaml"}
    assert all("lang-kon-ktu.yaml (có trước)" in p["message"] for p in same_exemplar)
    assert all(p["hint"] for p in same_exemplar)
    assert ("data/indicators.yaml", "owner-missing") in found


def test_report_for_an_unknown_unit_says_only_that(cli: Run, tmp_path: Path) -> None:
    code, out = cli("report", "--phase", "1", "--unit", "lang-kon-kt", "--out", str(tmp_path))
    assert code == 2 and "Không có đơn vị «lang-kon-kt»" in out and "lang-kon-ktu" in out
    assert "Chú ý" not in out and not list(tmp_path.iterdir())


def test_a_lost_thousands_separator_gets_a_hint_that_can_be_typed(
    cli: Run, scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch(units=True)
    unit = data / "units" / "lang-dak-hway.yaml"
    text = unit.read_text(encoding="utf-8")
    assert "CT06: {value: 10116," in text
    unit.write_text(text.replace("CT06: {value: 10116,", "CT06: {value: 10.1,"), encoding="utf-8")
    code, out = cli("validate", "--format", "json", cwd=tmp_path)
    found = {p["code"]: p for p in json.loads(out)["problems"] if p["path"].endswith("hway.yaml")}
    assert code == 1
    assert "hãy viết 10100 (không có dấu chấm)" in found["suspicious-magnitude"]["hint"]
    assert "6500" in found["not-integer"]["hint"]  # says how to write a whole number


def test_one_file_named_twice_is_read_once(cli: Run) -> None:
    code, out = cli(
        "validate",
        "--format",
        "json",
        "data/units/lang-kon-ktu.yaml",
        "data/units/../units/lang-kon-ktu.yaml",
    )
    problems = json.loads(out)["problems"]
    assert code == 0, problems
    assert not [p for p in problems if p["code"] in ("duplicate-unit-id", "duplicate-id")]
    assert json.loads(out)["files"] == 2  # the catalogue and the unit file


def test_a_scorecard_on_a_plan_without_scores_says_only_that(cli: Run, tmp_path: Path) -> None:
    son_ha = ROOT / "tests" / "fixtures" / "son-ha" / "data"
    shutil.copytree(son_ha, tmp_path / "data")
    unit = tmp_path / "data" / "units" / "dong-tien.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("submitted: 2028-07-11", "submitted: 2028-07-20"),
        encoding="utf-8",
    )  # a late report: the commune report's date moves, but there is no scorecard to date
    code, out = cli("report", "--phase", "1", "--unit", "dong-tien", cwd=tmp_path)
    assert code == 2 and "không chấm điểm" in out
    assert "Chú ý" not in out


def test_a_long_list_of_units_that_finished_early_is_counted_not_spelled_out(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thidua_cli.formats import status

    code, out = cli("status", "--phase", "1", "--as-of", "2026-06-30")
    assert code == 0 and "Về đích sớm (12 đơn vị" in out and "đơn vị khác" not in out
    monkeypatch.setattr(status, "EARLY_SHOWN", 5)
    code, out = cli("--no-cache", "status", "--phase", "1", "--as-of", "2026-06-30")
    assert code == 0 and "Hội Nông dân xã và 7 đơn vị khác (đủ" in out


def test_mid_year_not_met_reads_the_same_on_screen_and_in_the_report(cli: Run) -> None:
    """A checkpoint is not the verdict: «Chưa đạt» mid-year everywhere, «Không đạt» at the end."""
    code, out = cli("score", "--phase", "1")
    assert code == 0 and "Chưa đạt" in out and "Không đạt" not in out
    code, out = cli("score", "--phase", "1", "--unit", "lang-kon-ktu", "--explain")
    assert code == 0 and "Không đạt" not in out.replace("Chưa đạt → 0", "")


def test_a_unit_without_a_plan_is_not_shown_the_communes_target_as_its_own(cli: Run) -> None:
    code, out = cli("score", "--phase", "1", "--unit", "lang-plei-groi", "--explain")
    row = next(line for line in out.splitlines() if " CT03 " in line)
    assert code == 0 and "Chưa có kế hoạch" in row and "10.900" not in row
