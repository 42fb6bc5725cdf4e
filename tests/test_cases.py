"""Case folders: each holds one unit file and the problems it must produce, one per line as
`line:column code`. A new bug is a new folder."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from thidua_cli.workspace import load

CASES = Path(__file__).parent / "cases"
FOLDERS = sorted(p for p in CASES.glob("*/*") if p.is_dir() and p.parent.name != "catalogue")
CATALOGUES = sorted(p for p in (CASES / "catalogue").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(folder: Path, scratch: Callable[..., Path]) -> None:
    data = scratch()
    unit = data / "units" / "thon-mau.yaml"
    shutil.copy(folder / "thon-mau.yaml", unit)
    ws = load(data, [unit])
    got = sorted(
        f"{p.line}:{p.column} {p.code}" for p in ws.problems if p.path == "data/units/thon-mau.yaml"
    )
    expected = sorted((folder / "expected.txt").read_text(encoding="utf-8").split("\n")[:-1])
    assert got == expected
    assert not [p for p in ws.problems if p.path != "data/units/thon-mau.yaml"]
    if folder.parent.name == "invalid":
        assert all(p.message.endswith(".") for p in ws.problems)  # whole sentences


def test_every_problem_has_vietnamese_message_and_hint_for_errors(
    scratch: Callable[..., Path],
) -> None:
    data = scratch()
    for folder in FOLDERS:
        shutil.copy(folder / "thon-mau.yaml", data / "units" / f"{folder.name}.yaml")
    ws = load(data)
    errors = [p for p in ws.problems if p.is_error]
    assert len(errors) >= 25
    for p in errors:
        decomposed = unicodedata.normalize("NFD", p.message)
        assert any(unicodedata.combining(c) for c in decomposed) or "đ" in p.message.lower(), (
            p.message
        )
        assert p.code.islower() and " " not in p.code
        assert p.hint, f"{p.code}: an error says how to fix it"


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: f"catalogue/{p.name}")
def test_catalogue_case(folder: Path, tmp_path: Path) -> None:
    """Catalogue cases: a small indicators.yaml with one defect, and the problems it gives."""
    data = tmp_path / "data"
    (data / "units").mkdir(parents=True)
    shutil.copy(folder / "indicators.yaml", data / "indicators.yaml")
    ws = load(data)
    got = sorted(f"{p.line}:{p.column} {p.code}" for p in ws.problems)
    expected = sorted((folder / "expected.txt").read_text(encoding="utf-8").split("\n")[:-1])
    assert got == expected
    assert all(p.path == "data/indicators.yaml" and p.message.endswith(".") for p in ws.problems)
    assert (ws.catalogue is not None) == (folder.name != "missing-target")
