"""The audit trail in real temporary git repositories: diff, history, approval locks, the
editor schema, the pre-commit hook and the CI workflow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from thidua_cli.read import schema

from .conftest import DATA, ROOT

Run = Callable[..., tuple[int, str]]
BIN = Path(sys.executable).parent
KTU = "data/units/lang-kon-ktu.yaml"
OLD = "      CT03: {value: 113.9, evidence"
NEW = "      CT03: {value: 150, evidence"


def git(repo: Path, *args: str, author: str = "Nguyễn Văn An") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_COMMITTER_NAME": author,
        "GIT_AUTHOR_EMAIL": "an@xa.example",
        "GIT_COMMITTER_EMAIL": "an@xa.example",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A data repository with the shipped sample data, one commit on main."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("reports"))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "Số liệu đợt 1")
    yield tmp_path


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_diff_shows_exactly_the_changed_value_and_its_effect(repo: Path, cli: Run) -> None:
    git(repo, "checkout", "-q", "-b", "sua-so-lieu")
    edit(repo, KTU, OLD, NEW)
    code, out = cli("diff", "--format", "json", cwd=repo)  # merge base with main vs work tree
    assert code == 0, out
    doc = json.loads(out)
    assert [
        (
            v["unit"],
            v["phase"],
            v["code"],
            v["old"]["text"],
            v["new"]["text"],
            v["old"]["evaluation"],
            v["new"]["evaluation"],
        )
        for v in doc["values"]
    ] == [
        ("lang-kon-ktu", 1, "CT03", "113,9 (ước)", "150 (ước)", "Chưa đạt", "Vượt")
    ]  # mid-year: «Chưa đạt», as score
    # the figures as typed, as JSON numbers, for checking against the paper report
    assert (doc["values"][0]["old"]["value"], doc["values"][0]["new"]["value"]) == (113.9, 150)
    assert doc["plan"] == [] and doc["targets"] == []
    moved = {r["unit"]: r for r in doc["ranks"]}
    assert moved["lang-kon-ktu"]["new_rank"] < moved["lang-kon-ktu"]["old_rank"]
    code, out = cli("diff", "--format", "md", cwd=repo)
    assert "| Làng Kon Ktu | 1 | CT03 | 113,9 (ước) | 150 (ước) | Chưa đạt → Vượt |" in out
    assert "lên" in out


def test_diff_between_commits_flags_plan_changes(repo: Path, cli: Run) -> None:
    edit(repo, "data/indicators.yaml", "    target: 10900\n", "    target: 11500\n")
    git(repo, "commit", "-q", "-am", "Điều chỉnh kế hoạch sản lượng lương thực")
    code, out = cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo)
    doc = json.loads(out)
    assert code == 0
    assert [(p["what"], p["field"], p["old_text"], p["new_text"]) for p in doc["plan"]] == [
        ("CT03", "target", "≥ 10.900", "≥ 11.500")
    ]
    assert (doc["plan"][0]["old"], doc["plan"][0]["new"]) == (10900, 11500)
    assert cli("diff", "khong-co-phien-ban", cwd=repo)[0] == 2


def test_history_shows_who_changed_a_figure(repo: Path, cli: Run) -> None:
    edit(repo, KTU, OLD, NEW)
    git(repo, "commit", "-q", "-am", "Cập nhật sản lượng vụ Đông Xuân", author="Trần Thị Bình")
    code, out = cli("history", "lang-kon-ktu", "CT03", "--format", "json", cwd=repo)
    assert code == 0
    changes = json.loads(out)["changes"]
    assert [
        (c["author"], c["old"] and c["old"]["text"], c["new"]["text"], c["message"])
        for c in changes
    ] == [
        ("Nguyễn Văn An", None, "113,9", "Số liệu đợt 1"),
        ("Trần Thị Bình", "113,9", "150", "Cập nhật sản lượng vụ Đông Xuân"),
    ]
    assert changes[1]["old"]["value"] == 113.9 and changes[1]["new"]["value"] == 150
    code, out = cli("history", "lang-kon-ktu", "--phase", "2", cwd=repo)
    assert code == 0 and "Chưa có thay đổi" in out
    assert cli("history", "thon-khong-co", cwd=repo)[0] == 2
    code, out = cli("history", "lang-kon-ktu", "CT03", cwd=repo)
    iso = json.loads(cli("history", "lang-kon-ktu", "CT03", "--format", "json", cwd=repo)[1])
    day = iso["changes"][0]["date"][:10]  # JSON keeps ISO; the table says it as people do
    assert code == 0 and f"{day[8:10]}/{day[5:7]}/{day[:4]}" in out and day not in out
    code, out = cli("history", "lang-kon-ktu", "CT3", cwd=repo)
    assert code == 2 and "«CT03»" in out and "CT23" not in out
    assert "chưa commit" not in out
    edit(repo, KTU, NEW, "      CT03: {value: 160, evidence")  # being edited, not committed
    code, out = cli("history", "lang-kon-ktu", "CT03", cwd=repo)
    assert code == 0 and "data/units/lang-kon-ktu.yaml đang có thay đổi chưa commit" in out


def _approve(repo: Path, cli: Run) -> None:
    code, out = cli(
        "approve",
        "--phase",
        "1",
        "--by",
        "Hội đồng Thi đua - Khen thưởng xã",
        "--decision",
        "Biên bản số 05/BB-HĐTĐKT",
        "--date",
        "2026-07-10",
        cwd=repo,
    )
    assert code == 0, out
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Hội đồng phê duyệt số liệu đợt 1")


def test_approved_phase_is_locked(repo: Path, cli: Run) -> None:
    _approve(repo, cli)
    approvals = yaml.safe_load((repo / "data" / "approvals.yaml").read_text(encoding="utf-8"))
    assert approvals["approvals"][0]["phase"] == 1
    assert cli("validate", cwd=repo)[0] == 0
    edit(repo, KTU, OLD, NEW)
    code, out = cli("validate", cwd=repo)
    assert code == 1
    lines = (repo / KTU).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(NEW))
    assert f"{KTU}:{line}:7" in out and "locked-phase-changed" in out
    assert "đã được Hội đồng Thi đua - Khen thưởng xã phê duyệt" in out
    assert cli("score", cwd=repo)[0] == 1  # nothing is computed from unapproved changes
    edit(
        repo,
        KTU,
        "23/BC-LKK}",
        "23/BC-LKK, correction: {reason: Chi cục Thống kê điều "
        "chỉnh, reference: Công văn số 45/CCTK, value: 150}}",
    )
    code, out = cli("validate", cwd=repo)
    assert code == 0, out
    # the report says the Council approved the data, and lists the correction in an annex
    code, out = cli("report", "--phase", "1", "--format", "md", "--out", "out", cwd=repo)
    assert code == 0, out
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert (
        "Số liệu trong báo cáo đã được Hội đồng Thi đua - Khen thưởng xã thông qua tại "
        "Biên bản số 05/BB-HĐTĐKT ngày 10/07/2026, trừ các số liệu đính chính sau đó ghi ở Phụ lục."
        in md
    )
    assert "PHỤ LỤC: SỐ LIỆU ĐÍNH CHÍNH SAU KHI HỘI ĐỒNG THÔNG QUA" in md
    # the figure the Council approved beside the corrected one
    assert "| Làng Kon Ktu | Tổng sản lượng lương thực có hạt (CT03) | 113,9 → 150 |" in md
    assert "Công văn số 45/CCTK" in md
    # an old correction does not cover a later edit of the same figure
    edit(repo, KTU, "CT03: {value: 150,", "CT03: {value: 200,")
    code, out = cli("validate", cwd=repo)
    assert code == 1 and "correction-mismatch" in out
    # the Council member sees the three figures without opening the file
    said = " ".join(out.split())
    assert "đính chính của CT03 ghi 150 nhưng số liệu hiện có là 200 (đã duyệt: 113,9)" in said


def test_target_change_after_approval_needs_a_decision(repo: Path, cli: Run) -> None:
    _approve(repo, cli)
    edit(repo, "data/indicators.yaml", "    target: 10900\n", "    target: 11500\n")
    code, out = cli("validate", cwd=repo)
    assert code == 1 and "target-changed-without-decision" in out
    edit(
        repo,
        "data/indicators.yaml",
        "    target: 11500\n",
        "    target: 11500\n    amended: {decision: Quyết định số 120/QĐ-UBND, date: 2026-07-20}\n",
    )
    assert cli("validate", cwd=repo)[0] == 0


def test_scoring_change_after_approval_needs_a_decision(repo: Path, cli: Run) -> None:
    _approve(repo, cli)
    edit(
        repo,
        "data/indicators.yaml",
        '{id: tot, name: "Hoàn thành tốt nhiệm vụ", min: 70}',
        '{id: tot, name: "Hoàn thành tốt nhiệm vụ", min: 60}',
    )
    code, out = cli("validate", cwd=repo)
    assert code == 1 and "scoring-changed-without-decision" in out
    edit(
        repo,
        "data/indicators.yaml",
        "scoring:\n",
        "scoring:\n  amended: {decision: Quyết định số 130/QĐ-UBND, date: 2026-07-25}\n",
    )
    assert cli("validate", cwd=repo)[0] == 0


def test_unverifiable_approval_is_an_error(repo: Path, cli: Run) -> None:
    _approve(repo, cli)
    path = repo / "data" / "approvals.yaml"
    text = path.read_text(encoding="utf-8")
    approved = git(repo, "rev-parse", "HEAD~1").strip()
    assert approved in text
    path.write_text(text.replace(approved, "deadbeef" * 5), encoding="utf-8")
    code, out = cli("validate", cwd=repo)
    assert code == 1 and "approval-unverifiable" in out and "không có phiên bản" in out


def test_approve_refuses_uncommitted_data(repo: Path, cli: Run) -> None:
    edit(repo, KTU, OLD, NEW)
    code, out = cli("approve", "--phase", "1", "--by", "Hội đồng", "--decision", "BB 05", cwd=repo)
    assert code == 1 and "chưa commit" in out
    assert not (repo / "data" / "approvals.yaml").exists()


def test_schemas_are_current_and_accept_every_valid_file(tmp_path: Path) -> None:
    shipped = ROOT / "schemas"
    assert (shipped / schema.UNIT_SCHEMA).read_text(encoding="utf-8") == schema.dumps(
        schema.unit_schema()
    ), "run: thidua schema"
    assert (shipped / schema.CATALOGUE_SCHEMA).read_text(encoding="utf-8") == schema.dumps(
        schema.catalogue_schema()
    )
    units = [
        *sorted((DATA / "units").glob("*.yaml")),
        *sorted((ROOT / "tests" / "fixtures").glob("*/data/units/*.yaml")),
        *sorted((ROOT / "tests" / "cases" / "valid").glob("*/*.yaml")),
    ]
    checker = str(BIN / "check-jsonschema")
    for schema_file, files in (
        (schema.UNIT_SCHEMA, units),
        (
            schema.CATALOGUE_SCHEMA,
            [
                DATA / "indicators.yaml",
                *sorted((ROOT / "tests/fixtures").glob("*/data/indicators.yaml")),
            ],
        ),
    ):
        done = subprocess.run(
            [checker, "--schemafile", str(shipped / schema_file), *map(str, files)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\nkind: thon\nbloc: khoi-thon\nresutls: []\n", encoding="utf-8")
    done = subprocess.run(
        [checker, "--schemafile", str(shipped / schema.UNIT_SCHEMA), str(bad)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1  # an editor flags the typo as staff type


def test_pre_commit_hook_runs_thidua(repo: Path) -> None:
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = {**hook, "language": "system", "entry": f"{BIN / 'thidua'} validate"}
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, allow_unicode=True),
        encoding="utf-8",
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo / ".cache"), "NO_COLOR": "1"}
    pre_commit = [str(BIN / "pre-commit"), "run", "--all-files"]
    done = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    edit(repo, KTU, "CT03: 220\n", "CT03: 10.900\n")
    done = subprocess.run(pre_commit, cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "thousands-separator" in done.stdout
    manifest = subprocess.run(
        [str(BIN / "pre-commit"), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
    )
    assert manifest.returncode == 0


def test_ci_workflow_is_a_valid_github_workflow() -> None:
    workflow = ROOT / ".github" / "workflows" / "thidua-data.yml"
    done = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout
    text = workflow.read_text(encoding="utf-8")
    assert "thidua validate --format github" in text and "--format md" in text
    assert "fetch-depth: 0" in text


def test_diff_names_what_a_reviewer_must_see(repo: Path, cli: Run) -> None:
    _approve(repo, cli)
    git(repo, "rm", "-q", "data/approvals.yaml")
    edit(repo, KTU, "1: {CT03: 120", "1: {CT03: 110")
    edit(
        repo,
        "data/indicators.yaml",
        '{id: tot, name: "Hoàn thành tốt nhiệm vụ", min: 70}',
        '{id: tot, name: "Hoàn thành tốt nhiệm vụ", min: 60}',
    )
    evidence = next((repo / "data" / "evidence").rglob("*.md"))
    evidence.write_text(evidence.read_text(encoding="utf-8") + "\nsửa\n", encoding="utf-8")
    code, out = cli("diff", "HEAD", "--format", "json", cwd=repo)
    doc = json.loads(out)
    assert code == 0
    assert doc["approvals"] and doc["approvals"][0].startswith("XÓA: đợt 1")
    assert ("lang-kon-ktu", "CT03", 1, 120, 110) in {
        (t["unit"], t["code"], t["phase"], t["old"], t["new"]) for t in doc["targets"]
    }
    assert ("xếp loại Hoàn thành tốt nhiệm vụ", "ngưỡng điểm", "≥ 70", "≥ 60") in {
        (p["what"], p["field"], p["old_text"], p["new_text"]) for p in doc["plan"]
    }
    assert any(f.startswith("sửa: data/evidence/") for f in doc["evidence_files"])


def test_diff_says_a_broken_file_is_broken_not_deleted(repo: Path, cli: Run) -> None:
    (repo / KTU).write_text((repo / KTU).read_text(encoding="utf-8") + "bad: [\n", encoding="utf-8")
    _code, out = cli("diff", "--format", "json", cwd=repo)
    doc = json.loads(out)
    assert doc["broken"] == [KTU] and "lang-kon-ktu" not in doc["units_removed"]
    assert not [v for v in doc["values"] if v["unit"] == "lang-kon-ktu"]


def test_history_follows_a_renamed_file_and_checks_its_filters(repo: Path, cli: Run) -> None:
    git(repo, "mv", KTU, "data/units/lang-kon-ktu-2026.yaml")
    git(repo, "commit", "-q", "-m", "Đổi tên tệp", author="Lê Văn Cường")
    edit(repo, "data/units/lang-kon-ktu-2026.yaml", OLD, NEW)
    git(repo, "commit", "-q", "-am", "Sửa CT03", author="Trần Thị Bình")
    code, out = cli("history", "lang-kon-ktu", "CT03", "--format", "json", cwd=repo)
    assert code == 0, out
    assert [
        (c["author"], c["old"] and c["old"]["text"], c["new"]["text"])
        for c in json.loads(out)["changes"]
    ] == [
        ("Nguyễn Văn An", None, "113,9"),
        ("Trần Thị Bình", "113,9", "150"),
    ]
    assert cli("history", "lang-kon-ktu", "CT99", cwd=repo)[0] == 2
    assert cli("history", "lang-kon-ktu", "--phase", "7", cwd=repo)[0] == 2
    code, out = cli("history", "lang-kon-kt", cwd=repo)
    assert code == 2 and "lang-kon-ktu" in out


def test_a_commit_of_code_only_leaves_the_report_byte_identical(repo: Path, cli: Run) -> None:
    """The report's revision comes from the commune's inputs (data, its own templates), never
    from the tool's code: 11 of 35 early commits were only "Re-render phase-1 reports"."""
    assert cli("report", "--phase", "1", "--out", "out1", cwd=repo)[0] == 0
    (repo / "tool.py").write_text("print('a change of code')\n", encoding="utf-8")
    (repo / "data" / "reports").mkdir()
    (repo / "data" / "reports" / "cu.md").write_text("báo cáo cũ\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Chỉ sửa mã và báo cáo")
    assert cli("report", "--phase", "1", "--out", "out2", cwd=repo)[0] == 0
    for name in ("bao-cao-dot-1.md", "bao-cao-dot-1.docx"):
        assert (repo / "out1" / name).read_bytes() == (repo / "out2" / name).read_bytes(), name
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()[:12]
    assert first in (repo / "out2" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    # a data change does change the revision
    edit(repo, KTU, OLD, NEW)
    git(repo, "commit", "-q", "-am", "Sửa số")
    assert cli("report", "--phase", "1", "--out", "out3", cwd=repo)[0] == 0
    text = (repo / "out3" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert git(repo, "rev-parse", "--short=12", "HEAD").strip() in text


def test_json_numbers_are_plain_and_never_invalid_json() -> None:
    """diff/history JSON: whole numbers as ints, others as floats, and a number with no JSON
    spelling (infinity, NaN) as null, never a crash (int(Infinity)) or a bare NaN."""
    from decimal import Decimal

    from thidua_cli.formats import json_number

    values = [Decimal("10900.00"), Decimal("6.39"), Decimal("Infinity"), Decimal("NaN")]
    assert json_number(values) == [10900, 6.39, None, None]
    assert [json_number(v) for v in (True, None, "Đạt")] == [True, None, "Đạt"]


def test_a_pull_request_starts_at_the_later_of_main_and_origin_main(repo: Path) -> None:
    """An office merges locally and pushes later: what main already has is not the branch's."""
    from thidua_cli.read import git as g

    pushed = g.resolve(repo, "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/main", pushed)
    edit(repo, KTU, OLD, NEW)
    git(repo, "commit", "-q", "-am", "Đã gộp vào main, chưa đẩy lên")
    merged = g.resolve(repo, "HEAD")
    git(repo, "checkout", "-q", "-b", "sua-so-lieu")
    edit(repo, KTU, NEW, "      CT03: {value: 160, evidence")
    git(repo, "commit", "-q", "-am", "Nhánh mới")
    assert g.default_base(repo) == merged
    git(repo, "update-ref", "refs/remotes/origin/main", merged)  # pushed: the same base
    assert g.default_base(repo) == merged
    # on main itself, with a commit not pushed yet: that commit is the change to show
    git(repo, "checkout", "-q", "main")
    git(repo, "update-ref", "refs/remotes/origin/main", pushed)
    assert g.default_base(repo) == pushed


def test_diff_shows_a_changed_submission_date(repo: Path, cli: Run) -> None:
    """A submission moved before the deadline removes a late penalty: the reviewer sees why."""
    edit(repo, KTU, "submitted: 2026-06-20", "submitted: 2026-06-18")
    doc = json.loads(cli("diff", "--format", "json", cwd=repo)[1])
    assert doc["dates"] == ["Làng Kon Ktu, đợt 1: ngày nộp 20/06/2026 → 18/06/2026"]
    code, out = cli("diff", "--format", "md", cwd=repo)
    assert code == 0 and "Ngày nộp, ký giao ước, đăng ký thay đổi" in out


def test_history_shows_evidence_added_to_the_same_figure(repo: Path, cli: Run) -> None:
    edit(
        repo,
        KTU,
        "CT06: {value: 10123, note: Minh chứng đang bổ sung}",
        "CT06: {value: 10123, note: Minh chứng đang bổ sung, evidence: Báo cáo số 9/BC}",
    )
    git(repo, "commit", "-q", "-am", "Bổ sung minh chứng", author="Trần Thị Bình")
    doc = json.loads(cli("history", "lang-kon-ktu", "CT06", "--format", "json", cwd=repo)[1])
    last = doc["changes"][-1]
    assert last["author"] == "Trần Thị Bình" and last["old"]["text"] == last["new"]["text"]
    assert last["evidence"] == {"old": [], "new": ["Báo cáo số 9/BC"]}
    code, out = cli("history", "lang-kon-ktu", "CT06", cwd=repo)
    assert code == 0 and "minh chứng: không có → Báo cáo số 9/BC" in " ".join(out.split())
