"""A reading command run again on unchanged inputs replays its first result without computing;
any input that could change the result (a file's bytes, an evidence file outside the data
folder, the commit, the options, the tool) makes it run in full, and the replay is byte for
byte what a full run prints and writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from thidua_cli import workspace
from thidua_cli.cli import replay
from thidua_cli.read import cache

from .conftest import DATA
from .test_audit import git

Run = Callable[..., tuple[int, str]]
KTU = "lang-kon-ktu.yaml"
SCORE = ("score", "--phase", "1", "-f", "json", "--data", "data")


@pytest.fixture
def repo(tmp_path: Path, own_cache: Path) -> Path:
    """The shipped data in a git repository of its own, committed."""
    root = tmp_path / "repo"
    shutil.copytree(DATA, root / "data", ignore=shutil.ignore_patterns("reports"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "số liệu")
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The data folders actually read (a replay reads none)."""
    seen: list[Path] = []
    original = workspace.load

    def counting(data_dir: Path, *args: object, **kwargs: object) -> workspace.Workspace:
        seen.append(data_dir)
        return original(data_dir, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "load", counting)
    yield seen


def test_second_run_is_replayed_byte_for_byte(cli: Run, repo: Path, loads: list[Path]) -> None:
    first = cli(*SCORE, cwd=repo)
    assert first[0] == 0 and len(loads) == 1
    second = cli(*SCORE, cwd=repo)
    assert second == first
    assert len(loads) == 1  # nothing read, scored or encoded again
    off = cli("--no-cache", *SCORE, cwd=repo)
    assert off == first and len(loads) == 2


def test_a_changed_figure_is_computed_again(cli: Run, repo: Path, loads: list[Path]) -> None:
    _, before = cli(*SCORE, cwd=repo)
    unit = repo / "data" / "units" / KTU
    unit.write_text(unit.read_text(encoding="utf-8") + "\n# một dòng ghi chú\n", encoding="utf-8")
    assert cli(*SCORE, cwd=repo) == (0, before) and len(loads) == 2  # read again, same result
    text = unit.read_text(encoding="utf-8")
    assert "CT03: {value: 113.9" in text
    unit.write_text(text.replace("CT03: {value: 113.9", "CT03: {value: 117.3"), encoding="utf-8")
    code, after = cli(*SCORE, cwd=repo)
    assert code == 0 and len(loads) == 3 and after != before
    ct03 = [
        next(i["actual"] for i in json.loads(t)["indicators"] if i["code"] == "CT03")
        for t in (before, after)
    ]
    assert round(ct03[1] - ct03[0], 1) == 3.4


def test_options_commit_and_tool_are_part_of_the_key(
    cli: Run, repo: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(*SCORE, cwd=repo)
    cli("score", "--phase", "2", "-f", "json", "--data", "data", cwd=repo)
    assert len(loads) == 2  # another phase is another result
    git(repo, "commit", "-q", "--allow-empty", "-m", "phê duyệt")
    cli(*SCORE, cwd=repo)
    assert len(loads) == 3  # the commit decides which approvals are in force
    monkeypatch.setattr(cache, "_FINGERPRINT", [b"another version of the tool"])
    cli(*SCORE, cwd=repo)
    assert len(loads) == 4


def test_evidence_outside_the_data_folder_is_checked_on_a_replay(
    cli: Run, repo: Path, loads: list[Path]
) -> None:
    (repo / "ho-so").mkdir()
    (repo / "ho-so" / "bien-ban.md").write_text("Biên bản\n", encoding="utf-8")
    unit = repo / "data" / "units" / KTU
    text = unit.read_text(encoding="utf-8")
    unit.write_text(
        text.replace(
            "CT03: {value: 113.9", "CT03: {evidence: {file: ho-so/bien-ban.md}, value: 318"
        ),
        encoding="utf-8",
    )
    validate = ("validate", "-f", "text", "--data", "data")
    first = cli(*validate, cwd=repo)
    assert "bien-ban.md" not in first[1]
    assert cli(*validate, cwd=repo) == first and len(loads) == 1
    (repo / "ho-so" / "bien-ban.md").unlink()
    _, text = cli(*validate, cwd=repo)
    assert len(loads) == 2 and "ho-so/bien-ban.md" in text


def test_exit_code_and_errors_are_replayed(cli: Run, repo: Path, loads: list[Path]) -> None:
    unit = repo / "data" / "units" / KTU
    unit.write_text(unit.read_text(encoding="utf-8").replace("id: ", "ma: ", 1), encoding="utf-8")
    validate = ("validate", "-f", "text", "--data", "data")
    first = cli(*validate, cwd=repo)
    assert first[0] == 1 and KTU in first[1]
    assert cli(*validate, cwd=repo) == first and len(loads) == 1
    refused = cli(*SCORE, cwd=repo)
    assert refused[0] == 1 and "Dữ liệu còn lỗi" in refused[1]
    assert cli(*SCORE, cwd=repo) == refused and len(loads) == 2


def test_report_files_are_written_again_and_reports_do_not_count_as_input(
    cli: Run, repo: Path, loads: list[Path]
) -> None:
    args = ("report", "--phase", "1", "--format", "all", "--data", "data")
    first = cli(*args, cwd=repo)
    assert first[0] == 0
    folder = repo / "data" / "reports" / "2026" / "dot-1"
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(written) == {"bao-cao-dot-1.md", "bao-cao-dot-1.docx"}
    (folder / "bao-cao-dot-1.docx").unlink()
    (folder / "bao-cao-dot-1.md").write_text("sửa tay\n", encoding="utf-8")
    assert cli(*args, cwd=repo) == first and len(loads) == 1  # the reports are output only
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == written


def test_narrative_and_templates_are_inputs(cli: Run, repo: Path, loads: list[Path]) -> None:
    args = ("report", "--phase", "1", "--format", "md", "--data", "data")
    cli(*args, cwd=repo)
    narrative = next((repo / "data" / "narrative").rglob("dot-1.md"))
    narrative.write_text(
        narrative.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8"
    )
    cli(*args, cwd=repo)
    assert len(loads) == 2
    (repo / "templates").mkdir()
    (repo / "templates" / "bao-cao.md.j2").write_text("Mẫu riêng của xã\n", encoding="utf-8")
    cli(*args, cwd=repo)
    assert len(loads) == 3
    report = next((repo / "data" / "reports").rglob("bao-cao-dot-1.md"))
    assert report.read_text(encoding="utf-8") == "Mẫu riêng của xã\n"


def test_a_corrupted_entry_is_a_miss(
    cli: Run, repo: Path, loads: list[Path], own_cache: Path
) -> None:
    import sqlite3

    first = cli(*SCORE, cwd=repo)
    db = sqlite3.connect(own_cache / f"{replay.KIND}.sqlite")
    with db:
        db.execute("UPDATE items SET value = substr(value, 1, 80) || x'00ff' ")
    db.close()
    assert cli(*SCORE, cwd=repo) == first and len(loads) == 2
    assert cli(*SCORE, cwd=repo) == first and len(loads) == 2  # stored again, whole


def test_one_entry_per_invocation(cli: Run, repo: Path, own_cache: Path) -> None:
    import sqlite3

    unit = repo / "data" / "units" / KTU
    for n in range(3):
        unit.write_text(unit.read_text(encoding="utf-8") + f"\n# {n}\n", encoding="utf-8")
        cli(*SCORE, cwd=repo)
    db = sqlite3.connect(own_cache / f"{replay.KIND}.sqlite")
    (count,) = db.execute("SELECT count(*) FROM items").fetchone()
    db.close()
    assert count == 1  # replaced when its inputs change: the cache does not grow with edits


def test_a_file_saved_while_the_command_ran_is_not_replayed(
    cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = repo / "data" / "units" / KTU
    before = unit.read_text(encoding="utf-8")
    _, as_saved = cli(*SCORE, cwd=repo)
    original = workspace.load
    seen: list[Path] = []

    def saving_meanwhile(data_dir: Path, *args: object, **kwargs: object) -> workspace.Workspace:
        if not seen:  # the clerk saves a figure after the command started, before it reads
            unit.write_text(before.replace("113.9", "117.3"), encoding="utf-8")
        seen.append(data_dir)
        return original(data_dir, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace, "load", saving_meanwhile)
    unit.write_text(before + "# sửa\n", encoding="utf-8")  # a new state: the run below misses
    _, changed = cli(*SCORE, cwd=repo)
    assert changed != as_saved
    unit.write_text(before + "# sửa\n", encoding="utf-8")  # the state the run started from
    assert cli(*SCORE, cwd=repo) == (0, as_saved)  # computed from it, not the run's result
    assert len(seen) == 2


# --- the inputs a review found missing from the key, each now in it ---------------------------


def test_a_unit_file_in_a_dot_folder_is_an_input(cli: Run, repo: Path, loads: list[Path]) -> None:
    hidden = repo / "data" / "units" / ".nhap"
    hidden.mkdir()
    (repo / "data" / "units" / KTU).rename(hidden / KTU)
    _, before = cli(*SCORE, cwd=repo)
    edit = hidden / KTU
    edit.write_text(edit.read_text(encoding="utf-8").replace("113.9", "117.3"), encoding="utf-8")
    _, after = cli(*SCORE, cwd=repo)
    assert len(loads) == 2 and after != before


def test_a_file_touched_counts_and_a_pipe_is_never_opened(
    cli: Run, repo: Path, loads: list[Path]
) -> None:
    # which of two files with one id came later is decided by time for uncommitted files
    cli(*SCORE, cwd=repo)
    os.utime(repo / "data" / "units" / KTU, ns=(1, 1))
    cli(*SCORE, cwd=repo)
    assert len(loads) == 2
    if not hasattr(os, "mkfifo"):
        return  # Windows has no named pipes in the file system
    os.mkfifo(repo / "data" / "ong-dan")
    code = subprocess.run(
        [sys.executable, "-m", "thidua_cli", "validate", "--data", "data"],
        cwd=repo,
        capture_output=True,
        timeout=120,
        env={**os.environ, "THIDUA_CACHE_DIR": str(repo.parent / "cache")},
    ).returncode
    assert code == 0


def test_the_report_stamp_reads_the_index(cli: Run, repo: Path) -> None:
    args = ("report", "--phase", "1", "--format", "md", "--data", "data")
    cli(*args, cwd=repo)
    report = next((repo / "data" / "reports").rglob("bao-cao-dot-1.md"))
    assert "chưa commit" not in report.read_text(encoding="utf-8")
    git(repo, "rm", "-q", "--cached", f"data/units/{KTU}")  # no file changes, only the index
    cli(*args, cwd=repo)
    assert "(có thay đổi chưa commit)" in report.read_text(encoding="utf-8")


def test_a_shallow_clone_is_never_replayed(
    cli: Run, repo: Path, tmp_path: Path, loads: list[Path]
) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    cli(*SCORE, cwd=shallow)
    cli(*SCORE, cwd=shallow)
    assert len(loads) == 2


def test_templates_libraries_and_terminal_settings_are_inputs(
    cli: Run, repo: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from thidua_cli.present import render

    builtin = tmp_path / "builtin"
    shutil.copytree(render.BUILTIN, builtin)
    monkeypatch.setattr(render, "BUILTIN", builtin)
    args = ("report", "--phase", "1", "--format", "md", "--data", "data")
    cli(*args, cwd=repo)
    (builtin / "bao-cao.md.j2").write_text("Mẫu mới của công cụ\n", encoding="utf-8")
    cli(*args, cwd=repo)
    assert len(loads) == 2
    report = next((repo / "data" / "reports").rglob("bao-cao-dot-1.md"))
    assert report.read_text(encoding="utf-8") == "Mẫu mới của công cụ\n"
    site = tmp_path / "site"
    (site / "rich-99.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    cli(*args, cwd=repo)
    assert len(loads) == 3
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    cli(*args, cwd=repo)
    assert len(loads) == 4


def test_a_failed_write_is_not_replayed_once_fixed(cli: Run, repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "chan"
    blocker.write_text("một tệp, không phải thư mục\n", encoding="utf-8")
    args = ("report", "--phase", "1", "--format", "md", "--out", str(blocker / "bc"))
    code, text = cli(*args, "--data", "data", cwd=repo)
    assert code == 1 and "Không ghi được" in text
    blocker.unlink()
    code, text = cli(*args, "--data", "data", cwd=repo)
    assert code == 0 and "Đã ghi" in text


def test_files_count_by_bytes_up_to_the_unit_size_limit() -> None:
    from thidua_cli.read import yamlload

    assert replay.WHOLE == yamlload.MAX_BYTES  # replay.py does not import the YAML reader


def test_bytes_read_for_the_key_never_reach_a_later_command(cli: Run, repo: Path) -> None:
    """The replay hands the bytes it hashed to the checks (no second read); a command that
    does not replay, run later in the same process, reads the files as they are then."""
    cli(*SCORE, cwd=repo)
    cli(*SCORE, cwd=repo)  # replayed: nothing was checked
    unit = repo / "data" / "units" / KTU
    unit.write_text(unit.read_text(encoding="utf-8").replace("id: ", "ma: ", 1), encoding="utf-8")
    code, out = cli("validate", f"data/units/{KTU}", "--data", "data", cwd=repo)
    assert code == 1 and KTU in out


def test_unit_files_are_read_once_per_run(
    cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli(*SCORE, cwd=repo)
    reads: list[Path] = []
    original = workspace._read_raw

    def counting(path: Path, max_bytes: int) -> bytes | None:
        reads.append(path)
        return original(path, max_bytes)

    monkeypatch.setattr(workspace, "_read_raw", counting)
    unit = repo / "data" / "units" / KTU
    unit.write_text(unit.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    assert cli(*SCORE, cwd=repo)[0] == 0
    # the replay hashed every file; the checks took those bytes and read only the changed
    # file again, to check it
    assert [p.name for p in reads] == [KTU]
