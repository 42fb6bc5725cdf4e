"""The tool as a commune installs it: a wheel, in a fresh place, on a data repository that is not
this one. Builds the wheel with pip (a few seconds)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import DATA, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked into a folder of its own (its dependencies come from this venv)."""
    base = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(done.stderr[-2000:])
    wheel = next(base.glob("thidua-*.whl"))
    target = base / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    return target


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1", "COLUMNS": "200"}
    code = "import sys; from thidua_cli.cli import main; sys.argv[0] = 'thidua'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_wheel_holds_templates_and_py_typed(installed: Path) -> None:
    package = installed / "thidua_cli"
    assert (package / "py.typed").is_file()
    names = {p.name for p in (package / "templates").iterdir()}
    assert {"bao-cao.md.j2", "bao-cao.docx", "phieu-cham-diem.md.j2", "phieu-cham-diem.docx"} <= (
        names
    )


def test_installed_wheel_renders_reports_for_a_data_folder_elsewhere(
    installed: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "xa-khac"
    shutil.copytree(DATA, repo / "data", ignore=shutil.ignore_patterns("reports"))
    probe = _run(installed, repo, "--version")
    assert probe.returncode == 0 and probe.stdout.startswith("thidua "), probe.stderr
    where = subprocess.run(
        [sys.executable, "-c", "import thidua_cli; print(thidua_cli.__file__)"],
        env={**os.environ, "PYTHONPATH": str(installed)},
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(installed)), "the test must run the wheel, not the source"
    done = _run(installed, repo, "report", "--phase", "1", "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    md = (repo / "out" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert "BÁO CÁO" in md
    assert zipfile.is_zipfile(repo / "out" / "bao-cao-dot-1.docx")

    # a templates/ folder beside the data overrides the built-in template of the same name
    (repo / "templates").mkdir()
    (repo / "templates" / "bao-cao.md.j2").write_text(
        "Mẫu riêng của xã: {{ title }} — {{ subtitle }}\n", encoding="utf-8"
    )
    done = _run(installed, repo, "report", "--phase", "1", "--format", "md", "--out", "own")
    assert done.returncode == 0, done.stdout + done.stderr
    own = (repo / "own" / "bao-cao-dot-1.md").read_text(encoding="utf-8")
    assert own.startswith("Mẫu riêng của xã: BÁO CÁO — Sơ kết")
