"""Any locality's plan from data alone (issue 14): term plans, milestones, strict comparators,
ratings, composite items, fixed denominators, optional sections and the level's own words.

Two fixtures prove it: an-phu (a commune's five-year term plan, yearly final reviews, a
1000-point scale) and son-ha (a district's term plan, clusters, no scoring, no exemplars)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from thidua_cli.compute import evaluate as ev
from thidua_cli.compute.evaluate import Label
from thidua_cli.compute.outcome import Outcome, compute
from thidua_cli.present import text
from thidua_cli.read.models import Catalogue
from thidua_cli.workspace import Workspace, load

from .conftest import HOA_BINH, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
AN_PHU = FIXTURES / "an-phu" / "data"
SON_HA = FIXTURES / "son-ha" / "data"
Run = Callable[..., tuple[int, str]]
# "xã" as the level's word; "xã hội" (society, in the national motto and group names) is not
XA = re.compile(r"\bxã\b(?!\s+hội)", re.IGNORECASE)


def _ws(data: Path) -> Workspace:
    ws = load(data)
    assert ws.catalogue is not None
    assert not ws.has_errors, [(p.path, p.line, p.code, p.message) for p in ws.problems]
    return ws


def _outcome(data: Path, phase: int) -> Outcome:
    ws = _ws(data)
    assert ws.catalogue is not None
    return compute(ws.catalogue, ws.units, phase)


def _label(o: Outcome, code: str) -> Label:
    return next(io.evaluation.label for io in o.indicators if io.indicator.code == code)


def _io(o: Outcome, code: str) -> ev.Evaluation:
    return next(io.evaluation for io in o.indicators if io.indicator.code == code)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", "", xml)


# --- every command on both fixtures ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "phases"), [(AN_PHU, (1, 2, 3, 4, 5)), (SON_HA, (1, 2))], ids=["an-phu", "son-ha"]
)
def test_every_command_runs_on_the_fixture(
    cli: Run, tmp_path: Path, data: Path, phases: tuple[int, ...]
) -> None:
    outputs: list[str] = []

    def run(*args: str) -> str:
        code, out = cli(*args, "--data", str(data))
        assert code == 0, out
        assert "Traceback" not in out
        outputs.append(out)
        return out

    assert "0 lỗi" in run("validate")
    run("indicators")
    run("indicators", "--format", "json")
    run("exemplars")
    for p in phases:
        run("score", "--phase", str(p))
        run("score", "--phase", str(p), "--format", "json")
        run("score", "--phase", str(p), "--format", "csv")
        run("status", "--phase", str(p))
        out = tmp_path / f"dot-{p}"
        run("report", "--phase", str(p), "--format", "all", "--out", str(out))
        outputs.append((out / f"bao-cao-dot-{p}.md").read_text(encoding="utf-8"))
        outputs.append(_docx_text(out / f"bao-cao-dot-{p}.docx"))
    if data == SON_HA:  # the catalogue names a huyện: nothing of the tool's own says "xã"
        for out in outputs:
            assert not XA.search(out), XA.search(out)
        assert any("toàn huyện" in out for out in outputs)
    else:
        assert any("toàn xã" in out for out in outputs)
    assert not any("cộng dồn" in out for out in outputs)  # milestones are not "cumulative"


def test_help_and_hints_name_no_level(cli: Run) -> None:
    for command in ("approve", "score", "report", "status"):
        code, out = cli(command, "--help")
        assert code == 0 and not XA.search(out), (command, out)


def test_help_and_hints_name_no_commune_year_or_codes_of_the_sample(
    cli: Run, tmp_path: Path
) -> None:
    """Another commune's clerk is shown its own plan in hints, never the sample's (Ngọc Liên,
    2026, CT03, lang-kon-ktu)."""
    sample = re.compile(r"2026|kon-ktu|Ngọc Liên|\bCT\d|\bBS\d")
    for command in ("set", "history", "approve", "score", "report", "status", "import"):
        code, out = cli(command, "--help")
        assert code == 0 and not sample.search(out), (command, sample.findall(out))
    data = tmp_path / "data"
    shutil.copytree(HOA_BINH, data)
    unit = data / "units" / "ban-dan-so.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(
        text.split("results:")[0]
        + "results:\n  - phase: 1\n    submitted: 31/04/2027\n    values:\n"
        "      KT03:\n        value: 0,9\n        evidence: BC\n"
        "      kt-1: {value: 5}\n",
        encoding="utf-8",
    )
    code, out = cli("validate", "--data", str(data), cwd=tmp_path)
    assert code == 1
    hints = [line for line in out.splitlines() if "→" in line]
    assert "Viết ngày dạng 15/12/2027 (ngày/tháng/năm) hoặc 2027-12-15." in out, out
    assert "dấu thập phân là dấu chấm: viết 0.9." in out  # the figure typed, not a stock one
    assert not any(sample.search(h) for h in hints), [h for h in hints if sample.search(h)]


# --- 1. term plans ---------------------------------------------------------------------------


def test_term_plan_phases_are_final_each_year_with_awards() -> None:
    o = _outcome(AN_PHU, 1)
    assert not o.provisional  # a yearly review of a term plan is a verdict, not "tạm tính"
    assert o.catalogue.campaign.years == "2021-2025"
    assert _outcome(SON_HA, 1).provisional  # the mid-term review is interim


def test_registration_and_pact_per_year() -> None:
    o1, o2 = _outcome(AN_PHU, 1), _outcome(AN_PHU, 2)
    vp1, vp2 = o1.unit("van-phong"), o2.unit("van-phong")
    assert vp1 is not None and vp2 is not None
    # 2021: target "tốt trở lên" met by "tốt"; 2022: the unit registered "xuất sắc" itself
    assert vp1.evaluations["M15"].target == "Hoàn thành tốt nhiệm vụ"
    assert vp2.evaluations["M15"].target == "Hoàn thành xuất sắc nhiệm vụ"
    assert "no-pact" not in vp1.events and "no-pact" not in vp2.events
    o3 = _outcome(AN_PHU, 3)  # nobody registered or signed for 2023 yet
    s3 = o3.unit("thon-1")
    assert s3 is not None and {"no-registration", "no-pact"} <= set(s3.events)


def test_indicators_across_phases() -> None:
    o1, o2, o3 = (_outcome(AN_PHU, p) for p in (1, 2, 3))
    assert _io(o2, "M2").actual == Decimal("7.7")  # (7 + 8,4) / 2: average per year
    assert _io(o2, "M4").actual == Decimal(10)  # 46,2 on 42: +10% on the previous year
    assert _io(o1, "M4").label == Label.NO_DATA  # no previous year
    assert _io(o1, "M5").actual == 0 and _io(o2, "M5").actual == 1  # years in a row over 7%
    assert _io(o2, "M5").label == Label.IN_PROGRESS  # 5 years are due in 2025
    assert _io(o3, "M2").label == Label.NO_DATA  # nothing reported for 2023 yet


def test_award_for_years_in_a_row() -> None:
    from thidua_cli.compute import awards

    def proposals(phase: int) -> list[tuple[str, int]]:
        o = _outcome(AN_PHU, phase)
        return [(p.unit.id, p.rule.years) for p in awards.propose(o, []).proposals]

    assert proposals(1) == [("thon-3", 1)]
    assert sorted(proposals(2)) == [("thon-2", 1), ("thon-3", 1), ("thon-3", 2), ("van-phong", 1)]


# --- 2. milestone targets ----------------------------------------------------------------------


def test_milestones_are_in_progress_until_due_for_every_kind() -> None:
    o = _outcome(AN_PHU, 1)
    assert _label(o, "M8") == Label.IN_PROGRESS  # a yes/no target due in 2024
    assert _label(o, "M3") == Label.IN_PROGRESS  # a number due in 2025 (income: not cumulative)
    assert _label(o, "M9") == Label.IN_PROGRESS  # a count of villages due in 2025
    assert _label(o, "M11") == Label.EXCEEDED  # its interim target for 2021 is 88%
    assert text.plan_text(o.catalogue.indicators[12], _io(o, "M11")) == "88% (đợt)"
    vp = o.unit("van-phong")
    assert vp is not None and vp.evaluations["M8"].label == Label.IN_PROGRESS
    assert vp.events.get("indicator-not-met") == 1  # M1 only: the milestone costs nothing


def test_milestone_fails_once_due() -> None:
    ws = _ws(AN_PHU)
    assert ws.catalogue is not None
    inds = [
        i.model_copy(update={"due_year": 2021}) if i.code == "M8" else i
        for i in ws.catalogue.indicators
    ]
    cat = ws.catalogue.model_copy(update={"indicators": inds})
    assert _label(compute(cat, ws.units, 1), "M8") == Label.NOT_MET


def test_boolean_interim_target_and_range_in_progress() -> None:
    o = _outcome(SON_HA, 1)
    assert _io(o, "H6").target is False and _io(o, "H6").basis == "phase"
    ind = o.catalogue.indicators[0].model_copy(
        update={"comparator": "range", "target": None, "target_min": 1, "target_max": 2}
    )
    assert ev.evaluate(ind, Decimal(5), None, "progress").label == Label.IN_PROGRESS
    assert ev.evaluate(ind, Decimal(5), None, "annual").label == Label.NOT_MET
    assert "cộng dồn" not in text.PROGRESS_NOTE


# --- 3. count-true on a count --------------------------------------------------------------------


def test_count_true_on_a_count_is_a_number_of_units() -> None:
    o = _outcome(SON_HA, 1)
    h4 = _io(o, "H4")
    assert h4.actual == 2 and h4.target == 4 and h4.label == Label.NOT_MET
    assert text.percent_text(h4) == "50%"


def test_count_true_on_a_number_is_an_error(scratch: Callable[..., Path]) -> None:
    data = scratch(SON_HA)
    cat = data / "indicators.yaml"
    cat.write_text(
        cat.read_text(encoding="utf-8").replace(
            "unit: đơn vị,\n     kind: count, target: 4",
            "unit: đơn vị,\n     kind: number, target: 4",
        ),
        encoding="utf-8",
    )
    ws = load(data)
    found = [p for p in ws.problems if p.code == "count-true-kind"]
    assert found and "kind: count" in found[0].hint


# --- 4. scales from data ---------------------------------------------------------------------------


def test_self_score_bound_follows_the_scale(scratch: Callable[..., Path]) -> None:
    assert not _ws(AN_PHU).has_errors  # self_score 950 on a 1000-point scale
    data = scratch(AN_PHU, units=True)
    unit = data / "units" / "thon-1.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("self_score: 850", "self_score: 1200"),
        encoding="utf-8",
    )
    found = [p for p in load(data).problems if p.code == "out-of-range"]
    assert len(found) == 1 and "1.000" in found[0].message


# --- 5. strict comparators -------------------------------------------------------------------------


def test_strict_comparators_at_the_boundary() -> None:
    o = _outcome(AN_PHU, 1)
    m1 = next(i for i in o.catalogue.indicators if i.code == "M1")
    assert _label(o, "M1") == Label.NOT_MET  # exactly 7% is not «trên 7%»
    assert ev.evaluate(m1, Decimal("7.01"), Decimal(7), "annual").label == Label.MET
    assert text.target_text(m1) == "trên 7%"
    m7 = next(i for i in o.catalogue.indicators if i.code == "M7")
    assert text.target_text(m7) == "dưới 1%"
    assert ev.evaluate(m7, Decimal(1), Decimal(1), "annual").label == Label.NOT_MET
    assert ev.evaluate(m7, Decimal("0.99"), Decimal(1), "annual").label == Label.MET


# --- 6. ratings ----------------------------------------------------------------------------------------


def test_rating_or_better_and_the_actual_level() -> None:
    o1, o2 = _outcome(AN_PHU, 1), _outcome(AN_PHU, 2)
    m15 = next(i for i in o1.catalogue.indicators if i.code == "M15")
    assert text.target_text(m15) == "Hoàn thành tốt nhiệm vụ trở lên"
    assert _label(o1, "M15") == Label.MET and _label(o2, "M15") == Label.EXCEEDED
    assert text.actual_text(m15, _io(o2, "M15")) == "Hoàn thành xuất sắc nhiệm vụ"
    assert _label(_outcome(SON_HA, 1), "H8") == Label.NOT_MET  # "Khá" is below "Tốt"


def test_rating_level_must_be_listed(scratch: Callable[..., Path]) -> None:
    data = scratch(SON_HA, units=True)
    unit = data / "units" / "phong-tckh.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("value: Khá", "value: Khá giỏi"), encoding="utf-8"
    )
    assert [p.code for p in load(data).problems if p.severity == "error"] == ["unknown-level"]


# --- 7. the level's words ---------------------------------------------------------------------------


def test_over_quota_remark_names_the_quota_level() -> None:
    o = _outcome(FIXTURES / "hoa-binh" / "data", 3)
    over = text.over_quota(o)
    assert set(over.values()) <= {"Xuất sắc"}
    for s in o.units:
        if s.unit.id in over:
            assert "vượt tỷ lệ «Xuất sắc»" in text.remarks(s, over)


# --- 8. composite items --------------------------------------------------------------------------------


def test_shares_must_add_up(scratch: Callable[..., Path]) -> None:
    data = scratch(AN_PHU, units=True)
    unit = data / "units" / "van-phong.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("M6.c: {value: 35,", "M6.c: {value: 33,"),
        encoding="utf-8",
    )
    found = [p for p in load(data).problems if p.code == "parts-sum"]
    assert len(found) == 1 and "98" in found[0].message


def test_catalogue_parts_must_add_up(scratch: Callable[..., Path]) -> None:
    data = scratch(AN_PHU)
    cat = data / "indicators.yaml"
    cat.write_text(
        cat.read_text(encoding="utf-8").replace(
            "target: 30, tolerance: 2", "target: 20, tolerance: 2"
        ),
        encoding="utf-8",
    )
    assert "parts-sum" in [p.code for p in load(data).problems]


def test_plan_item_numbers_headings_and_footnotes() -> None:
    o = _outcome(AN_PHU, 1)
    rows = {r.code: r for r in text.indicator_rows(o)}
    assert rows["M6.a"].stt == "6a" and rows["M13"].stt == "13"  # the plan's own numbering
    assert rows["M6"].label == "" and rows["M6"].plan == ""  # a heading has no target
    assert rows["M1"].mark == "(1)"
    assert text.footnotes(o)[0] == "(1) M1: Kế hoạch ghi «trên 7%»: đúng 7% là chưa đạt."


# --- 9. denominators -------------------------------------------------------------------------------------


def test_fixed_denominator_and_unit_target_as_a_fraction() -> None:
    o = _outcome(AN_PHU, 1)
    m10 = _io(o, "M10")
    assert (m10.numerator, m10.denominator) == (2, 7)  # 3 villages reported, the commune has 7
    s = o.unit("thon-1")
    assert s is not None and s.evaluations["M12"].target == Decimal(95)  # "190/200"
    h3 = _io(_outcome(SON_HA, 1), "H3")
    assert h3.denominator == 12


def test_unit_target_fraction_must_be_one(scratch: Callable[..., Path]) -> None:
    data = scratch(SON_HA, units=True)
    unit = data / "units" / "tan-lap.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace('"4/7"', '"4/0"'), encoding="utf-8")
    assert "expected-number" in [p.code for p in load(data).problems]


# --- 10. optional sections ----------------------------------------------------------------------------


def test_plan_without_scoring_or_exemplars(cli: Run, tmp_path: Path) -> None:
    ws = _ws(SON_HA)
    assert ws.catalogue is not None and ws.catalogue.scoring is None and not ws.catalogue.fields
    o = _outcome(SON_HA, 1)
    assert o.units == [] and len(o.indicators) == 11
    code, out = cli(
        "report", "-p", "1", "--format", "md", "--out", str(tmp_path), "--data", str(SON_HA)
    )
    assert code == 0, out
    md = (tmp_path / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "các khối" not in md.lower() and "điển hình tiên tiến" not in md.lower()
    assert "tạm tính" not in md
    # part II's sub-sections renumbered without a gap: 1, 2, 3, then reporting as 4
    assert "#### 4. Tình hình báo cáo của các đơn vị" in md
    code, out = cli("exemplars", "--data", str(SON_HA))
    assert code == 0 and "không theo dõi điển hình" in out


def test_scoring_is_still_required_by_default(scratch: Callable[..., Path]) -> None:
    data = scratch(SON_HA)
    cat = data / "indicators.yaml"
    cat.write_text(
        cat.read_text(encoding="utf-8").replace(
            "  sections: {scoring: false, exemplars: false}\n", ""
        ),
        encoding="utf-8",
    )
    ws = load(data)
    assert ws.catalogue is None and ws.has_errors


def test_plan_numbering_as_codes() -> None:
    assert Catalogue.model_json_schema()  # codes like "M6.a" and "H9.b" validate (fixtures)
    assert {i.code for i in _ws(AN_PHU).catalogue.indicators} >= {"M1", "M6.a", "M13.b"}  # type: ignore[union-attr]


# --- 11. paths relative to the data folder ---------------------------------------------------------------


def test_owner_hint_names_the_data_folder_given(cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "elsewhere" / "plan"
    shutil.copytree(HOA_BINH, data)
    (data / "units" / "ban-dan-so.yaml").unlink()
    _, out = cli("validate", "--data", str(data), cwd=tmp_path)
    assert "owner-missing" in out
    # shown like the catalogue's own path: relative to where the data folder sits
    assert "Tạo tệp plan/units/ban-dan-so.yaml." in out and "data/units" not in out


def test_evidence_and_revision_from_the_repository_root(cli: Run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    data = repo / "ke-hoach" / "nhiem-ky"
    shutil.copytree(HOA_BINH, data)
    (data / "evidence").mkdir()
    (data / "evidence" / "bc.pdf").write_bytes(b"%PDF-1.4\n")
    unit = data / "units" / "xom-dong.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace(
            "KT01: {value: 99, evidence: BC 01}",
            "KT01: {value: 99, evidence: {file: ke-hoach/nhiem-ky/evidence/bc.pdf}}",
        ),
        encoding="utf-8",
    )
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "data"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    code, out = cli("validate", "--data", str(data), cwd=repo)
    assert code == 0 and "evidence-not-found" not in out, out
    code, out = cli(
        "report",
        "-p",
        "1",
        "--format",
        "md",
        "--out",
        str(tmp_path / "r"),
        "--data",
        str(data),
        cwd=repo,
    )
    assert code == 0, out
    md = (tmp_path / "r" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "không rõ" not in md


def test_one_registration_and_pact_per_year(scratch: Callable[..., Path]) -> None:
    data = scratch(AN_PHU, units=True)
    unit = data / "units" / "thon-1.yaml"
    body = unit.read_text(encoding="utf-8")
    body = body.replace(
        "  - {year: 2022, signed: 2022-01-25}", "  - {year: 2021, signed: 2021-02-25}"
    )
    body = body.replace("{year: 2022, date: 2022-01-20,", "{year: 2031, date: 2022-01-20,")
    unit.write_text(body, encoding="utf-8")
    found = sorted((p.code, p.line) for p in load(data).problems if p.path.endswith("thon-1.yaml"))
    assert [c for c, _ in found] == ["duplicate-registration", "unknown-phase"]


def test_registration_for_named_phases() -> None:
    ws = _ws(SON_HA)
    assert ws.catalogue is not None
    unit = next(u for u in ws.units if u.id == "tan-lap")
    assert unit.registration is not None
    reg = unit.registration.model_copy(update={"phases": [2], "targets": {"H3": None}})
    moved = unit.model_copy(update={"registrations": [reg]})
    assert moved.registration_for(ws.catalogue.phase(2)) is reg
    assert moved.registration_for(ws.catalogue.phase(1)) is unit.registration


def _without_blocs(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SON_HA, data)
    cat = data / "indicators.yaml"
    cat.write_text(
        re.sub(r"blocs:\n(  - .*\n)+", "", cat.read_text(encoding="utf-8")), encoding="utf-8"
    )
    for f in (data / "units").glob("*.yaml"):
        f.write_text(re.sub(r"bloc: .*\n", "", f.read_text(encoding="utf-8")), encoding="utf-8")
    return data


def test_plan_with_indicators_only(cli: Run, tmp_path: Path) -> None:
    data = _without_blocs(tmp_path)
    for args in (
        ["validate"],
        ["score", "-p", "1"],
        ["status", "-p", "1"],
        ["report", "-p", "1", "--out", str(tmp_path / "r")],
    ):
        code, out = cli(*args, "--data", str(data))
        assert code == 0, (args, out)
    o = _outcome(data, 1)
    assert _io(o, "H4").actual == 2


def test_bloc_is_required_only_when_the_plan_has_blocs(tmp_path: Path) -> None:
    data = _without_blocs(tmp_path)
    unit = data / "units" / "tan-lap.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "bloc: cum-1\n", encoding="utf-8")
    assert [p.code for p in load(data).problems] == ["unknown-bloc"]
    other = tmp_path / "other"
    shutil.copytree(SON_HA, other)
    unit = other / "units" / "tan-lap.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("bloc: cum-1\n", ""), encoding="utf-8")
    assert [p.code for p in load(other).problems] == ["missing-bloc"]


def test_yearly_registration_is_locked_for_its_approved_year(cli: Run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(AN_PHU, repo / "data")
    env = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", *env, "commit", "-qm", "data"], cwd=repo, check=True)
    code, out = cli(
        "approve",
        "--phase",
        "1",
        "--by",
        "Hội đồng",
        "--decision",
        "BB 01",
        "--date",
        "2021-12-25",
        cwd=repo,
    )
    assert code == 0, out
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", *env, "commit", "-qm", "approve"], cwd=repo, check=True)
    unit = repo / "data" / "units" / "thon-1.yaml"
    body = unit.read_text(encoding="utf-8")
    unit.write_text(body.replace('"195/200"', '"199/200"'), encoding="utf-8")  # 2022: free
    code, out = cli("validate", cwd=repo)
    assert code == 0, out
    code, out = cli("diff", "HEAD", cwd=repo)
    assert "M12 (năm 2022)" in out
    unit.write_text(body.replace('"190/200"', '"180/200"'), encoding="utf-8")  # 2021: approved
    code, out = cli("validate", cwd=repo)
    assert code == 1 and "target-changed-without-decision" in out
    assert "data/units/thon-1.yaml:8:" in out  # points at that year's registration


def test_count_true_count_on_a_one_year_plan(scratch: Callable[..., Path]) -> None:
    """«03 xóm đạt» written naturally on today's catalogue shape: a count, never 75 against 3."""
    data = scratch(HOA_BINH, units=True)
    cat = data / "indicators.yaml"
    cat.write_text(
        cat.read_text(encoding="utf-8").replace(
            "kind: ratio,\n     target_numerator: 3, target_denominator: 4,",
            "kind: count,\n     target: 3,",
        ),
        encoding="utf-8",
    )
    o = _outcome(data, 1)
    xh02 = _io(o, "XH02")
    # not "50% > 3": a count of units; one xóm has not reported, so 3 is still possible and
    # the figure is not judged (a non-reporting unit is unknown, not "không đạt")
    assert (xh02.actual, xh02.target, xh02.label) == (2, 3, Label.INSUFFICIENT)
    assert text.percent_text(xh02) == "66,7%"


def test_self_score_above_a_small_scale(scratch: Callable[..., Path]) -> None:
    data = scratch(HOA_BINH, units=True)
    unit = data / "units" / "xom-dong.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace(
            "    submitted: 2027-04-01\n", "    submitted: 2027-04-01\n    self_score: 150\n"
        ),
        encoding="utf-8",
    )
    found = [p for p in load(data).problems if p.code == "out-of-range"]
    assert len(found) == 1 and "từ 0 đến 30" in found[0].message


def test_diff_lists_a_term_plans_yearly_pact_and_registration_dates(
    cli: Run, tmp_path: Path
) -> None:
    shutil.copytree(AN_PHU, tmp_path / "data")
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    who = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *who, "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", *who, "-C", str(tmp_path), "commit", "-qm", "a"], check=True)
    unit = tmp_path / "data" / "units" / "thon-1.yaml"
    text = unit.read_text(encoding="utf-8")
    text = text.replace("{year: 2022, signed: 2022-01-25}", "{year: 2022, signed: 2022-12-19}")
    text = text.replace("{year: 2022, date: 2022-01-20,", "{year: 2022, date: 2022-01-22,")
    unit.write_text(text, encoding="utf-8")
    code, out = cli("diff", "--format", "json", cwd=tmp_path)
    dates = json.loads(out)["dates"]
    assert code == 0 and any(
        "ngày ký giao ước năm 2022 25/01/2022 → 19/12/2022" in d for d in dates
    )
    assert any("ngày đăng ký chỉ tiêu năm 2022 20/01/2022 → 22/01/2022" in d for d in dates), dates
