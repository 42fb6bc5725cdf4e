"""Approval locks that a pull request cannot switch off (each bypass once found is a case here),
in real temporary git repositories."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .test_audit import KTU, NEW, OLD, _approve, edit, git
from .test_audit import repo as repo

Run = Callable[..., tuple[int, str]]
APPROVALS = "data/approvals.yaml"
PENDING = "CT06: {value: 10123, note: Minh chứng đang bổ sung}"  # Kon Ktu's figure without evidence


@pytest.fixture
def approved(repo: Path, cli: Run) -> Path:
    """The sample data with phase 1 approved by the Council and the approval committed."""
    _approve(repo, cli)
    assert cli("validate", "--format", "json", cwd=repo)[0] == 0
    return repo


def problems(cli: Run, repo: Path) -> tuple[int, list[dict[str, object]]]:
    code, out = cli("validate", "--format", "json", cwd=repo)
    return code, json.loads(out)["problems"]


def codes(cli: Run, repo: Path) -> set[str]:
    code, found = problems(cli, repo)
    assert code == 1, found
    return {str(p["code"]) for p in found if p["severity"] == "error"}


def test_emptying_the_approvals_file_does_not_lift_the_lock(approved: Path, cli: Run) -> None:
    (approved / APPROVALS).write_text("approvals: []\n", encoding="utf-8")
    edit(approved, KTU, OLD, NEW)
    assert {"approval-removed", "locked-phase-changed"} <= codes(cli, approved)


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_a_file_hidden_from_git_status_is_still_compared(
    approved: Path, cli: Run, flag: str
) -> None:
    """git's index can be told to look away from a file (or miss an edit that kept its size
    and time); the lock compares the bytes themselves."""
    edit(approved, KTU, OLD, NEW)
    git(approved, "update-index", flag, KTU)
    assert git(approved, "status", "--porcelain") == ""  # git itself sees no change
    assert "locked-phase-changed" in codes(cli, approved)


def test_deleting_the_approvals_file_does_not_lift_the_lock(approved: Path, cli: Run) -> None:
    (approved / APPROVALS).unlink()
    edit(approved, KTU, OLD, NEW)
    code, found = problems(cli, approved)
    assert code == 1
    removed = [p for p in found if p["code"] == "approval-removed"]
    assert removed and "thidua approve --revoke" in str(removed[0]["hint"])
    assert "locked-phase-changed" in {p["code"] for p in found}


@pytest.mark.parametrize("phase", ["2", "9"])
def test_changing_the_approved_phase_is_refused(approved: Path, cli: Run, phase: str) -> None:
    edit(approved, APPROVALS, "phase: 1", f"phase: {phase}")
    edit(approved, KTU, OLD, NEW)
    found = codes(cli, approved)
    assert {"approval-removed", "locked-phase-changed"} <= found
    if phase == "9":
        assert "approval-invalid" in found


def test_repointing_the_approval_in_a_second_commit_is_refused(approved: Path, cli: Run) -> None:
    edit(approved, KTU, OLD, NEW)
    git(approved, "commit", "-q", "-am", "Sửa số")
    edited = git(approved, "rev-parse", "HEAD").strip()
    text = (approved / APPROVALS).read_text(encoding="utf-8")
    text = re.sub(r'commit: "[0-9a-f]+"', f'commit: "{edited}"', text)
    (approved / APPROVALS).write_text(text, encoding="utf-8")
    git(approved, "commit", "-q", "-am", "Trỏ phê duyệt vào commit mới")
    assert "approval-removed" in codes(cli, approved)


def test_a_late_report_cannot_become_timely(approved: Path, cli: Run) -> None:
    edit(
        approved, "data/units/thon-tan-huong.yaml", "submitted: 2026-07-05", "submitted: 2026-06-29"
    )
    code, found = problems(cli, approved)
    changed = [p for p in found if p["code"] == "locked-input-changed"]
    assert code == 1 and changed and "ngày nộp báo cáo đợt 1" in str(changed[0]["message"])


def test_a_mistyped_date_in_an_approved_phase_is_one_error_not_a_fake_change(
    approved: Path, cli: Run
) -> None:
    edit(
        approved, "data/units/thon-tan-huong.yaml", "submitted: 2026-07-05", "submitted: 31/06/2026"
    )
    code, found = problems(cli, approved)
    said = [str(p["message"]) for p in found if p["severity"] == "error"]
    assert code == 1 and any("31/06/2026" in m for m in said), said
    assert "invalid-date" in {p["code"] for p in found}
    assert not any("01/01/1" in m or "0001" in m for m in said), said


def test_a_mistyped_correction_date_is_one_error_not_a_fake_change(
    approved: Path, cli: Run
) -> None:
    edit(
        approved,
        KTU,
        OLD,
        "      CT03: {value: 150, correction: {reason: Chi cục Thống kê điều chỉnh, "
        "reference: Công văn 45/CCTK, date: 31/09/2026, value: 150}, evidence",
    )
    code, found = problems(cli, approved)
    errors = {str(p["code"]) for p in found if p["severity"] == "error"}
    assert code == 1 and "invalid-date" in errors, found
    assert not errors & {"locked-phase-changed", "approved-outcome-changed"}, errors


def test_removing_or_adding_a_registration_is_refused(approved: Path, cli: Run) -> None:
    text = (approved / KTU).read_text(encoding="utf-8")
    start = text.index("registration:")
    end = text.index("pact:")
    (approved / KTU).write_text(text[:start] + text[end:], encoding="utf-8")
    assert "locked-input-changed" in codes(cli, approved)


def test_removing_the_pact_moves_the_outcome_and_is_refused(approved: Path, cli: Run) -> None:
    edit(approved, KTU, "pact:\n  signed: 2026-01-27\n  document: Giao ước thi đua năm 2026\n", "")
    code, found = problems(cli, approved)
    moved = [p for p in found if p["code"] == "approved-outcome-changed"]
    assert code == 1 and moved
    own = [p for p in moved if p["path"] == KTU]
    assert own and "giao ước (pact)" in str(own[0]["message"])
    # the units that moved only because of it are named once, not one error each
    assert len(moved) == 2 and "đơn vị khác cũng thay đổi" in str(moved[0]["message"])


def test_recognising_an_exemplar_afterwards_is_refused(approved: Path, cli: Run) -> None:
    edit(
        approved, "data/units/lang-dak-wok.yaml", "    status: cultivated", "    status: recognised"
    )
    code, found = problems(cli, approved)
    messages = [str(p["message"]) for p in found if p["code"] == "approved-outcome-changed"]
    assert code == 1 and any("điển hình tiên tiến (exemplars)" in m for m in messages)


def test_moving_a_due_date_is_refused_without_a_decision(approved: Path, cli: Run) -> None:
    old = "- {phase: 1, start: 2026-01-01, end: 2026-06-30, due: 2026-06-30}"
    edit(approved, "data/indicators.yaml", old, old.replace("due: 2026-06-30", "due: 2026-07-31"))
    assert "catalogue-changed-without-decision" in codes(cli, approved)
    text = (approved / "data/indicators.yaml").read_text(encoding="utf-8")
    text += "amended: {decision: Quyết định số 130/QĐ-UBND gia hạn báo cáo, date: 2026-07-20}\n"
    (approved / "data/indicators.yaml").write_text(text, encoding="utf-8")
    code, found = problems(cli, approved)
    assert code == 0, found
    # the decision is on record, and the units it moved are named as knock-on effects
    assert "approved-outcome-knock-on" in {p["code"] for p in found}


def test_a_new_unit_after_the_approval_is_refused(approved: Path, cli: Run) -> None:
    text = (approved / KTU).read_text(encoding="utf-8")
    text = text.replace("id: lang-kon-ktu", "id: lang-moi").replace(
        "name: Làng Kon Ktu", "name: Làng Mới"
    )
    text = text[: text.index("results:")]
    (approved / "data/units/lang-moi.yaml").write_text(text, encoding="utf-8")
    assert "locked-input-changed" in codes(cli, approved)


def _correct_ktu(repo: Path) -> None:
    """Kon Ktu's CT03 corrected after the approval, with its record (moves other villages)."""
    edit(
        repo,
        KTU,
        OLD,
        "      CT03: {value: 150, correction: {reason: Chi cục Thống kê điều chỉnh, "
        "reference: Công văn 45/CCTK, date: 2026-08-15, value: 150}, evidence",
    )


def test_a_correction_is_accepted_and_its_knock_on_effects_are_named(
    approved: Path, cli: Run
) -> None:
    _correct_ktu(approved)
    code, found = problems(cli, approved)
    assert code == 0, [p for p in found if p["severity"] == "error"]
    knock = [p for p in found if p["code"] == "approved-outcome-knock-on"]
    assert knock and all("lang-kon-ktu" not in str(p["path"]) for p in knock)
    moved = re.findall(
        r"điểm (\d+(?:,\d+)?) → (\d+(?:,\d+)?)", " ".join(str(p["message"]) for p in knock)
    )
    assert moved and all(re.fullmatch(r"\d+,\d\d", s) for pair in moved for s in pair), moved
    whose = re.findall(
        r"đã phê duyệt của (.+?) thay đổi", " ".join(str(p["message"]) for p in knock)
    )
    assert whose and not any(re.fullmatch(r"[a-z0-9-]+", w) for w in whose), whose  # names
    code, out = cli("diff", "--format", "md", cwd=approved)
    assert code == 0 and "ảnh hưởng dây chuyền" in out.lower()


def test_a_unit_with_its_own_decision_is_still_named_when_another_correction_moves_it(
    approved: Path, cli: Run
) -> None:
    """Its own record explains its own change, not what another unit's correction did to it
    (a village with an earlier, harmless correction lost its class to a neighbour's)."""
    _correct_ktu(approved)
    _, found = problems(cli, approved)
    moved = sorted(str(p["path"]) for p in found if p["code"] == "approved-outcome-knock-on")
    assert moved
    other = moved[0]
    path = approved / other
    path.write_text(
        path.read_text(encoding="utf-8")
        + "amended: {decision: Quyết định số 130/QĐ-UBND, date: 2026-08-20}\n",
        encoding="utf-8",
    )
    code, found = problems(cli, approved)
    assert code == 0, [p for p in found if p["severity"] == "error"]
    knock = {
        str(p["path"]): str(p["message"]) for p in found if p["code"] == "approved-outcome-knock-on"
    }
    assert sorted(knock) == moved  # the same units as before, the one with a decision too
    assert "không chỉ do đính chính hay quyết định của chính đơn vị" in knock[other]
    assert KTU not in knock  # moved by its own correction alone


@pytest.mark.parametrize(("day", "why"), [("2099-01-01", "tương lai"), ("2026-07-01", "trước")])
def test_correction_dates_are_checked(approved: Path, cli: Run, day: str, why: str) -> None:
    edit(
        approved,
        KTU,
        OLD,
        "      CT03: {value: 150, correction: {reason: Điều chỉnh, reference: CV 45, "
        f"date: {day}, value: 150}}, evidence",
    )
    code, found = problems(cli, approved)
    bad = [p for p in found if p["code"] == "correction-date-invalid"]
    assert code == 1 and bad and why in str(bad[0]["message"])


def _council(repo: Path, cli: Run, *extra: str, decision: str = "", day: str) -> None:
    code, out = cli(
        "approve", *extra, "--phase", "1", "--by", "Hội đồng", "--decision", decision,
        "--date", day, cwd=repo,
    )  # fmt: skip
    assert code == 0, out
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"Hội đồng {decision}")


def test_the_report_cites_the_approval_in_force_and_is_signed_after_it(
    repo: Path, cli: Run
) -> None:
    _council(repo, cli, decision="Biên bản họp số 05/BB-HĐTĐKT ngày 12/7/2026", day="2026-07-12")
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    assert code == 0, out
    said = " ".join(out.split())
    assert "Hội đồng thông qua số liệu ngày 12/07/2026, sau hạn 30/06/2026; ngày ký văn bản lấy " \
        "ngày 12/07/2026" in said  # fmt: skip
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "Ngọc Liên, ngày 12 tháng 7 năm 2026" in md
    # the decision says its date: not said twice
    assert "thông qua tại Biên bản họp số 05/BB-HĐTĐKT ngày 12/7/2026.\n" in md
    code, out = cli(
        "report", "--phase", "1", "--format", "md", "--out", "out", "--date", "2026-07-11",
        cwd=repo,
    )  # fmt: skip
    assert "ngày ký 11/07/2026 trước ngày Hội đồng thông qua số liệu (12/07/2026)" in out
    # a correction after it is in the annex; approved again, it is part of what was approved
    _correct_ktu(repo)
    git(repo, "commit", "-q", "-am", "Đính chính CT03")
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert (
        code == 0
        and "| Làng Kon Ktu | Tổng sản lượng lương thực có hạt (CT03) | 113,9 → 150 |" in md
    )
    _council(repo, cli, decision="Biên bản họp số 06/BB-HĐTĐKT", day="2026-08-20")
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert code == 0, out
    assert "06/BB-HĐTĐKT ngày 20/08/2026" in md and "PHỤ LỤC" not in md
    # withdrawn: the report no longer says the Council approved its figures
    _council(repo, cli, "--revoke", decision="Biên bản họp số 07/BB-HĐTĐKT", day="2026-08-21")
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    assert code == 0, out
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "thông qua tại" not in md and "07/BB-HĐTĐKT" not in md
    # not signed before the figures it carries: the correction of 15/8 is still in them
    assert "Ngọc Liên, ngày 15 tháng 8 năm 2026" in md


def test_revoking_an_approval_is_an_entry_of_its_own(approved: Path, cli: Run) -> None:
    code, out = cli(
        "approve",
        "--revoke",
        "--phase",
        "1",
        "--by",
        "Hội đồng",
        "--decision",
        "BB 07",
        "--date",
        "2026-08-01",
        cwd=approved,
    )
    assert code == 0, out
    text = (approved / APPROVALS).read_text(encoding="utf-8")
    assert text.count("phase: 1") == 2 and "revoke: true" in text
    git(approved, "commit", "-q", "-am", "Rút phê duyệt đợt 1")
    # the reviewer sees a withdrawal for what it is, not a harmless «thêm»
    doc = json.loads(cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=approved)[1])
    assert [a.split(",")[0] for a in doc["approvals"]] == ["RÚT PHÊ DUYỆT: đợt 1"]
    edit(approved, KTU, OLD, NEW)
    assert problems(cli, approved)[0] == 0  # no approval in force: figures may change


def test_a_result_committed_long_after_its_date_is_flagged(repo: Path, cli: Run) -> None:
    # real (non-sample) data: the unit typed 29/06, the figures reached the repository today
    edit(repo, KTU, "sample: true\n", "")
    git(repo, "commit", "-q", "-am", "Số liệu thật")
    code, found = problems(cli, repo)
    assert code == 0  # a warning, not an error
    late = [p for p in found if p["code"] == "submitted-before-commit"]
    assert late and late[0]["path"] == KTU and "lần đầu có trong kho" in str(late[0]["message"])


def test_an_unreadable_date_is_one_error_not_a_report_from_year_one(repo: Path, cli: Run) -> None:
    edit(repo, KTU, "sample: true\n", "")
    git(repo, "commit", "-q", "-am", "Số liệu thật")
    text = (repo / KTU).read_text(encoding="utf-8")
    day = text.split("submitted: ", 1)[1].split("\n", 1)[0]
    edit(repo, KTU, f"submitted: {day}", "submitted: 31/06/2026")
    git(repo, "commit", "-q", "-am", "Ngày sai")
    code, found = problems(cli, repo)
    assert code == 1
    mine = [p for p in found if p["path"] == KTU]
    assert "invalid-date" in {p["code"] for p in mine}
    assert "01/01/1" not in json.dumps(mine, ensure_ascii=False)
    assert "submitted-before-commit" not in {p["code"] for p in mine}


def test_an_accented_file_name_is_compared_with_its_commit_too(repo: Path, cli: Run) -> None:
    # git quotes such names by default ("data/units/l\303\240ng…"): pinned off, they match
    accented = "data/units/làng-kon-ktu.yaml"
    git(repo, "mv", KTU, accented)
    edit(repo, accented, "sample: true\n", "")
    git(repo, "commit", "-q", "-am", "Số liệu thật, tên tệp có dấu")
    _, found = problems(cli, repo)
    late = [p for p in found if p["code"] == "submitted-before-commit"]
    assert [p["path"] for p in late] == [accented]


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_unit_file_behind_a_link_is_refused(repo: Path, cli: Run, what: str) -> None:
    """git keeps the link, not the figures: approvals, history and diff could not follow them
    (an approved commit would have no such unit, and every figure would count as new)."""
    shared = repo / "chung"
    if what == "file":
        shared.mkdir()
        git(repo, "mv", KTU, "chung/lang-kon-ktu.yaml")
        (repo / KTU).symlink_to(Path("../../chung/lang-kon-ktu.yaml"))
    else:
        git(repo, "mv", "data/units", "chung")
        (repo / "data" / "units").symlink_to(Path("../chung"), target_is_directory=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Tệp đơn vị qua liên kết")
    code, found = problems(cli, repo)
    linked = {str(p["path"]) for p in found if p["code"] == "unit-file-symlink"}
    assert code == 1
    assert KTU in linked and (what == "file") == (len(linked) == 1)


@pytest.mark.parametrize("how", ["linked data folder", "linked path to the repository"])
def test_data_reached_through_a_link_keeps_its_approved_units(
    repo: Path, cli: Run, tmp_path: Path, how: str
) -> None:
    """Today's units are matched with the approved files by their real path: a data folder
    that is a link (allowed) must not make every unit look added after the approval."""
    data = "data"
    if how == "linked data folder":
        git(repo, "mv", "data", "so-lieu")
        (repo / "data").symlink_to(Path("so-lieu"), target_is_directory=True)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "Thư mục dữ liệu qua liên kết")
    _approve(repo, cli)
    cwd = repo
    if how == "linked path to the repository":
        (tmp_path / "loi-tat").symlink_to(repo, target_is_directory=True)
        data = str(tmp_path / "loi-tat" / "data")
    code, out = cli("validate", "--format", "json", "--data", data, cwd=cwd)
    found = json.loads(out)["problems"]
    assert code == 0, [p for p in found if p["severity"] == "error"][:3]
    edit(repo, "so-lieu/units/lang-kon-ktu.yaml" if how == "linked data folder" else KTU, OLD, NEW)
    code, out = cli("validate", "--format", "json", "--data", data, cwd=cwd)
    changed = [p for p in json.loads(out)["problems"] if p["code"] == "locked-phase-changed"]
    assert code == 1 and len(changed) == 1


def test_export_ignore_does_not_hide_an_approved_unit(
    repo: Path, cli: Run, own_cache: Path
) -> None:
    """The approved data is the committed bytes, not `git archive` (which .gitattributes in
    the approved commit can tell to leave a file out), whichever way it is read."""
    (repo / ".gitattributes").write_text(f"{KTU} export-ignore\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gitattributes")
    _approve(repo, cli)
    code, out = cli("validate", "--format", "json", KTU, cwd=repo)  # the commit exported
    assert code == 0, out
    assert problems(cli, repo)[0] == 0
    edit(repo, KTU, OLD, NEW)
    assert "locked-phase-changed" in codes(cli, repo)  # built from today's units
    code, out = cli("validate", "--format", "json", KTU, cwd=repo)
    assert code == 1 and "locked-phase-changed" in out


def test_windows_line_ends_count_as_the_approved_file(approved: Path, cli: Run) -> None:
    """git on Windows checks files out with CRLF; the blob has LF. Same figures: today's unit
    stands for the approved one (no reading from git), and the lock stays quiet."""
    from thidua_cli import workspace

    unit = approved / KTU
    unit.write_bytes(unit.read_bytes().replace(b"\n", b"\r\n"))
    assert problems(cli, approved)[0] == 0
    today = workspace.load(approved / "data", locks=False)
    commit = git(approved, "log", "-1", "--format=%H", "HEAD~1").strip()
    root = Path(git(approved, "rev-parse", "--show-toplevel").strip())
    old = workspace._from_today(root, commit, "data", today, {})
    assert old is not None
    ktu = next(u for u in old.units if u.id == "lang-kon-ktu")
    assert ktu is next(u for u in today.units if u.id == "lang-kon-ktu")
    edit(approved, KTU, OLD, NEW)  # a changed figure in a CRLF file is still caught
    assert "locked-phase-changed" in codes(cli, approved)


def test_ci_runs_the_base_branch_tool_on_the_pull_request_data() -> None:
    from .conftest import ROOT

    workflow = (ROOT / ".github" / "workflows" / "thidua-data.yml").read_text(encoding="utf-8")
    assert "origin/${BASE_REF}" in workflow and "thidua-base" in workflow
    assert "pip install ../thidua-base" in workflow and "pip install .\n" not in workflow
    assert "công cụ (thidua_cli/, pyproject.toml) và số liệu" in workflow


def test_adding_a_registration_afterwards_is_refused(approved: Path, cli: Run) -> None:
    edit(
        approved,
        "data/units/lang-plei-groi.yaml",
        "pact:",
        "registration:\n  date: 2026-01-20\n  targets: {CT03: 100}\npact:",
    )
    code, found = problems(cli, approved)
    changed = [p for p in found if p["code"] == "locked-input-changed"]
    assert code == 1 and changed and "mục đăng ký chỉ tiêu bị thêm" in str(changed[0]["message"])


def test_diff_shows_the_figures_as_typed_for_checking_against_paper(
    repo: Path,
    cli: Run,
) -> None:
    edit(
        repo,
        KTU,
        "CT14: {numerator: 708, denominator: 752",
        "CT14: {numerator: 716, denominator: 752",
    )
    code, out = cli("diff", "--format", "md", cwd=repo)
    assert code == 0
    assert "708/752 (94,15%) (ước) | 716/752 (95,21%) (ước)" in out
    code, out = cli("diff", cwd=repo)
    assert "708/752" in out and "716/752" in out
    doc = json.loads(cli("diff", "--format", "json", cwd=repo)[1])
    ct14 = next(v for v in doc["values"] if v["code"] == "CT14")
    assert (ct14["old"]["numerator"], ct14["new"]["numerator"], ct14["new"]["denominator"]) == (
        708,
        716,
        752,
    )
    assert isinstance(ct14["new"]["actual"], float)


def test_a_phase_nobody_reported_cannot_be_approved(repo: Path, cli: Run) -> None:
    code, out = cli(
        "approve",
        "--phase",
        "2",
        "--by",
        "Hội đồng",
        "--decision",
        "BB 06",
        "--date",
        "2026-11-27",
        cwd=repo,
    )
    assert code == 1 and "Chưa có đơn vị nào báo cáo đợt 2" in out
    assert not (repo / APPROVALS).exists()


def test_figures_for_a_later_phase_leave_the_approved_outcome_uncomputed(
    approved: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase-2 figures cannot move phase 1: the lock sees the inputs unchanged and skips its
    two computations; a phase-1 change still gets them (the safety net stays)."""
    from thidua_cli import guard

    code, out = cli(
        "set", "lang-kon-ktu", "CT03", "--phase", "2", "--value", "230",
        "--evidence", "Báo cáo số 40/BC", "--submitted", "20/12/2026", cwd=approved,
    )  # fmt: skip
    assert code == 0, out
    calls: list[int] = []
    real = guard.compute

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(int(str(args[2])))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(guard, "compute", counted)
    code, out = cli("validate", "--format", "json", "--jobs", "1", cwd=approved)
    assert code == 0 and calls == [], (calls, out)
    edit(approved, KTU, "pact:\n  signed: 2026-01-27\n  document: Giao ước thi đua năm 2026\n", "")
    code, out = cli("validate", "--format", "json", "--jobs", "1", cwd=approved)
    assert code == 1 and "approved-outcome-changed" in out and calls == [1, 1]


def test_approved_data_from_today_equals_the_exported_commit(
    approved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read of an approved commit takes the files git finds unchanged from today's
    reading and reads the others from git: the same units as exporting the whole commit."""
    from thidua_cli import workspace

    commit = git(approved, "rev-parse", "HEAD").strip()
    units = approved / "data" / "units"
    edit(approved, KTU, OLD, NEW)  # changed
    (units / "cong-an-xa.yaml").unlink()  # deleted since
    shutil.copy(units / "ban-chi-huy-quan-su.yaml", units / "moi.yaml")  # added (untracked)
    edit(approved, "data/units/moi.yaml", "id: ban-chi-huy-quan-su", "id: don-vi-moi")
    staged = units / "thon-tan-an.yaml"
    staged.write_text(staged.read_text(encoding="utf-8") + "# ghi chú\n", encoding="utf-8")
    git(approved, "add", str(staged))  # changed and staged
    today = workspace.load(approved / "data", locks=False)
    assert today.by_path and len(today.by_path) == len(today.units)

    def plain(ws: workspace.Workspace) -> tuple[object, ...]:
        return ([u.model_dump() for u in ws.units], ws.paths)

    root = Path(git(approved, "rev-parse", "--show-toplevel").strip())
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "a"))
    fast = workspace.load_revision(root, commit, "data", today.by_digest, today)
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(tmp_path / "b"))
    exported = workspace.load_revision(root, commit, "data")
    assert plain(fast) == plain(exported)
    assert "cong-an-xa" in fast.paths and "don-vi-moi" not in fast.paths
    ktu = next(u for u in fast.units if u.id == "lang-kon-ktu")
    assert ktu is not next(u for u in today.units if u.id == "lang-kon-ktu")  # read from git
    same = next(u for u in fast.units if u.id == "ban-chi-huy-quan-su")
    assert same is next(u for u in today.units if u.id == "ban-chi-huy-quan-su")  # today's
    # a changed catalogue: every unit is checked against it, so the whole commit is read
    edit(approved, "data/indicators.yaml", "name:", "name: ")
    assert workspace._from_today(root, commit, "data", today, {}) is None


def test_a_figure_put_back_under_a_correction_that_says_otherwise_is_an_error(
    approved: Path, cli: Run
) -> None:
    """An old Excel form imported over a correction puts the approved figure back but keeps
    the correction record: the figure equals the approved one, so the lock saw nothing, yet
    the correction (an official document) says another figure."""
    edit(
        approved,
        KTU,
        OLD,
        "      CT03: {value: 113.9, correction: {reason: Kiểm đếm lại, "
        "reference: Công văn 7/TKB, date: 2026-08-15, value: 150}, evidence",
    )
    code, found = problems(cli, approved)
    stale = [p for p in found if p["code"] == "correction-mismatch"]
    assert code == 1 and stale, found
    assert "150" in str(stale[0]["message"]) and "đúng bằng số đã duyệt" in str(stale[0]["message"])


def test_diff_tells_the_reviewer_a_change_breaks_the_approval_lock(
    approved: Path, cli: Run
) -> None:
    edit(approved, KTU, OLD, NEW)  # an approved figure changed without a correction
    doc = json.loads(cli("diff", "--format", "json", cwd=approved)[1])
    assert doc["lock_errors"] >= 1 and doc["head_errors"] == 0  # ranks still compared
    code, out = cli("diff", "--format", "md", cwd=approved)
    assert code == 0 and "Vi phạm khóa phê duyệt" in out
    edit(approved, KTU, NEW, OLD)
    doc = json.loads(cli("diff", "--format", "json", cwd=approved)[1])
    assert doc["lock_errors"] == 0


def test_diff_between_commits_checks_the_locks_of_the_checked_out_one(
    approved: Path, cli: Run
) -> None:
    """A pull request's comment compares main with the checked-out commit: a figure changed
    without a correction must be named there, not shown as a knock-on to approve."""
    edit(approved, KTU, OLD, NEW)
    git(approved, "commit", "-q", "-am", "Cập nhật định dạng")
    doc = json.loads(cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=approved)[1])
    assert doc["lock_errors"] >= 1 and doc["locks_checked"] is True
    (approved / "data" / "reports").mkdir()
    (approved / "data" / "reports" / "nhap.md").write_text("bản nháp", encoding="utf-8")
    doc = json.loads(cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=approved)[1])
    assert doc["locks_checked"] is True  # a report written since does not turn the check off
    # a revision that is not checked out: said so
    code, out = cli("diff", "HEAD~2", "HEAD~1", "--format", "md", cwd=approved)
    assert code == 0 and "Khóa phê duyệt chưa được kiểm tra ở phiên bản" in out


def test_evidence_added_after_approval_is_named_as_evidence_not_as_the_same_figure(
    approved: Path, cli: Run
) -> None:
    edit(approved, KTU, PENDING, PENDING[:-1] + ", evidence: Báo cáo số 9/BC}")
    _, found = problems(cli, approved)
    (locked,) = [p for p in found if p["code"] == "locked-phase-changed"]
    said = str(locked["message"])
    assert "minh chứng của số liệu CT06 (10.123, số không đổi) đã thay đổi" in said
    assert "đã duyệt: không có; hiện tại: Báo cáo số 9/BC" in said


def test_a_unit_moved_to_a_new_bloc_is_not_computed_against_the_approved_plan() -> None:
    """Computing it alone under the approved plan would fail (the bloc is not there): it is
    named as moved by the plan too, and validate does not stop with a traceback."""
    from thidua_cli import guard
    from thidua_cli.workspace import load

    from .conftest import DATA

    ws = load(DATA)
    assert ws.catalogue is not None
    unit = ws.units[0]
    moved = unit.model_copy(update={"bloc": "khoi-moi"})
    now = {u.id: u for u in ws.units} | {unit.id: moved}
    alone = guard._alone(ws.catalogue, ws.units, now, 1)
    assert alone(unit.id) is None
    assert alone(ws.units[1].id) is not None  # a unit the plan knows is computed


def test_an_evidence_correction_is_in_the_annex_and_a_dated_reference_is_not_dated_twice(
    approved: Path, cli: Run
) -> None:
    with_record = (
        "CT06: {value: 10123, evidence: Báo cáo số 9/BC, correction: {reason: Bổ sung minh chứng, "
        "reference: Tờ trình 05/TTr ngày 20/8/2026, date: 2026-08-20, value: 10123, "
        "evidence: Báo cáo số 9/BC}}"
    )
    edit(approved, KTU, PENDING, with_record)
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=approved)
    assert code == 0, out
    md = (approved / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "(CT06) |" in line and "Kon Ktu" in line)
    assert "10.123 (minh chứng: không có → Báo cáo số 9/BC)" in row
    assert "Tờ trình 05/TTr ngày 20/8/2026 |" in row  # its own date, not a second one
    assert "Ngọc Liên, ngày 20 tháng 8 năm 2026" in md  # not signed before it


def test_set_names_only_the_units_its_own_correction_moves(approved: Path, cli: Run) -> None:
    """Villages an earlier correction (Kon Ktu's) already moved are not put down to this one."""
    _correct_ktu(approved)
    code, out = cli(
        "set", "truong-thcs-ngoc-lien", "BS04", "--value", "80", "--correction", "Rà soát lại",
        "--reference", "CV 9", "--dry-run", cwd=approved,
    )  # fmt: skip
    assert code == 0, out
    # the school's figure moves no other unit: the villages Kon Ktu's correction moved are
    # not put down to it (without the filter they were all listed here)
    assert "Ảnh hưởng dây chuyền" not in out, out
    code, out = cli(
        "set", "lang-dak-nang", "CT03", "--value", "900", "--correction", "Rà soát lại",
        "--reference", "CV 9", "--dry-run", cwd=approved,
    )  # fmt: skip
    assert code == 0 and "Ảnh hưởng dây chuyền: kết quả đã phê duyệt của" in out, out


def test_an_old_correction_does_not_cover_evidence_changed_after_it(
    approved: Path, cli: Run
) -> None:
    """Evidence weighs in the score: a correction of the figure alone, made before, must not
    let the evidence change later without a record of its own (one `set` did it)."""
    base = ("set", "lang-kon-ktu", "CT06")
    corrected = ("--correction", "Thống kê lại", "--reference", "CV 45", "--correction-date")
    code, out = cli(*base, "--value", "10900", *corrected, "15/8/2026", cwd=approved)
    assert code == 0, out
    before = (approved / KTU).read_bytes()
    code, out = cli(*base, "--evidence", "Tệp khác", cwd=approved)
    assert code == 1 and "correction-mismatch" in out and "không ghi minh chứng nào" in out
    assert (approved / KTU).read_bytes() == before
    # recorded with its own correction, the evidence is allowed, and restated in it
    code, out = cli(*base, "--evidence", "Tệp khác", *corrected, "20/8/2026", cwd=approved)
    assert code == 0, out
    line = [x for x in (approved / KTU).read_text("utf-8").splitlines() if "CT06:" in x][-1]
    assert line.count("Tệp khác") == 2, line
    assert problems(cli, approved)[0] == 0


def test_a_withdrawal_written_like_its_approval_still_shows_in_diff(
    approved: Path, cli: Run
) -> None:
    code, out = cli(
        "approve", "--revoke", "--phase", "1", "--by", "Hội đồng Thi đua - Khen thưởng xã",
        "--decision", "Biên bản số 05/BB-HĐTĐKT", "--date", "2026-07-10", cwd=approved,
    )  # fmt: skip
    assert code == 0, out
    doc = json.loads(cli("diff", "HEAD", "--format", "json", cwd=approved)[1])
    assert [a.split(",")[0] for a in doc["approvals"]] == ["RÚT PHÊ DUYỆT: đợt 1"]
    git(approved, "commit", "-q", "-am", "Rút phê duyệt")
    # after it, an approval cannot be dated back under it
    code, out = cli(
        "approve", "--phase", "1", "--by", "Hội đồng", "--decision", "BB 9", "--date",
        "2026-07-08", cwd=approved,
    )  # fmt: skip
    assert code == 2 and "trước lần rút phê duyệt gần nhất của đợt 1 (10/07/2026)" in out


def test_evidence_in_the_annex_is_escaped_for_markdown(approved: Path, cli: Run) -> None:
    """Evidence is a unit's text: in the annex it cannot break the table or format anything."""
    evidence = "BC | *9*"
    edit(
        approved,
        KTU,
        PENDING,
        f'CT06: {{value: 10123, evidence: "{evidence}", correction: {{reason: Bổ sung, '
        f'reference: CV 5, date: 2026-08-20, value: 10123, evidence: "{evidence}"}}}}',
    )
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=approved)
    assert code == 0, out
    md = (approved / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if "(CT06) |" in line and "Kon Ktu" in line)
    assert "BC \\| \\*9\\*" in row and "*9*)" not in row, row
