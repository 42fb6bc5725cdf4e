"""Shared fixtures: the repository root, a scratch copy of a data folder, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thidua_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HOA_BINH = ROOT / "tests" / "fixtures" / "hoa-binh" / "data"


def _changed_sample_data() -> list[str]:
    """Files under data/ that differ from the last commit (git status), or none outside git."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", "status", "--porcelain", "--", "data"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [line[3:] for line in done.stdout.splitlines()] if done.returncode == 0 else []


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int) -> None:
    """Many tests check the shipped sample data: when they fail while data/ has uncommitted
    changes (a clerk trying the tool on it), say so, so the failures are not taken for the
    tool's."""
    if exitstatus == 0:
        return
    changed = _changed_sample_data()
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" và {len(changed) - 5} tệp khác" if len(changed) > 5 else ""
        )
        terminalreporter.write_line(
            f"Chú ý: data/ đang có thay đổi chưa commit ({shown}). Nhiều bài kiểm tra dùng số liệu "
            "mẫu như đã commit, nên các lỗi trên có thể do dữ liệu đang sửa, không phải do công cụ. "
            "Kiểm tra dữ liệu của bạn bằng: thidua validate.",
            yellow=True,
            bold=True,
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The checked-file cache of the whole run lives in tmp, never in the user's cache folder;
    one folder for the session, so later tests read entries earlier ones wrote (a wrong hit
    would show up as a failing test)."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THIDUA_CACHE_DIR", str(folder))
        mp.delenv("THIDUA_NO_CACHE", raising=False)
        yield folder


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for this test alone."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("THIDUA_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def scratch(tmp_path: Path) -> Callable[..., Path]:
    """Copy a data folder (default: an empty roster with the shipped catalogue) into tmp."""

    def make(source: Path | None = None, units: bool = False) -> Path:
        data = tmp_path / "data"
        (data / "units").mkdir(parents=True)
        src = source or DATA
        shutil.copy(src / "indicators.yaml", data / "indicators.yaml")
        if units:
            shutil.copytree(src / "units", data / "units", dirs_exist_ok=True)
            if (src / "evidence").exists():
                shutil.copytree(src / "evidence", data / "evidence", dirs_exist_ok=True)
        return data

    return make


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    """Run `thidua ARGS` in a folder; return (exit code, output)."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("THIDUA_NO_CACHE", raising=False)  # `--no-cache` sets it: undone after

    def run(*args: str, cwd: Path = ROOT) -> tuple[int, str]:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    return run
