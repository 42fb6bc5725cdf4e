"""Hostile input: a bounded loader, odd files and names, and a fuzzer that must never see an
exception escape (a few hundred cases here; `make fuzz` runs many more)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua_cli.read import yamlload
from thidua_cli.read.models import Unit
from thidua_cli.workspace import load

from . import fuzzer
from .conftest import DATA

Run = Callable[..., tuple[int, str]]
SAMPLE = (DATA / "units" / "lang-kon-ktu.yaml").read_text(encoding="utf-8")


def _codes(data: Path, name: str) -> list[str]:
    ws = load(data, [data / "units" / name])
    return [p.code for p in ws.problems if p.path.endswith(name)]


def test_fuzzer_finds_no_exception() -> None:
    stats = fuzzer.run(300, seed=7)
    assert stats.cases == 300
    assert stats.failures == []
    assert stats.slowest < fuzzer.CASE_SECONDS


def test_symlink_out_of_the_repository_is_refused(
    scratch: Callable[..., Path], tmp_path: Path
) -> None:
    data = scratch()
    secret = tmp_path.parent / f"{tmp_path.name}-secret.yaml"
    secret.write_text("id: x\n", encoding="utf-8")
    os.symlink(secret, data / "units" / "lien-ket.yaml")
    assert _codes(data, "lien-ket.yaml") == ["symlink-outside-repo"]


def test_file_names_with_vietnamese_letters_and_spaces(scratch: Callable[..., Path]) -> None:
    data = scratch()
    (data / "units" / "Làng Kon Ktu (bản sao).yaml").write_text(SAMPLE, encoding="utf-8")
    ws = load(data, [data / "units"])
    paths = {p.path for p in ws.problems}
    assert "data/units/Làng Kon Ktu (bản sao).yaml" in paths
    assert not ws.has_errors or {p.code for p in ws.problems if p.is_error} == {
        "evidence-not-found"
    }


def test_tcvn3_mojibake_is_named(scratch: Callable[..., Path]) -> None:
    data = scratch()
    (data / "units" / "thon.yaml").write_text(
        "id: thon\nname: Th«n Ngäc Li\u00ean - Ph¹m\n", encoding="utf-8"
    )
    assert _codes(data, "thon.yaml") == ["tcvn3-mojibake"]


@pytest.mark.parametrize("text", ["9" * 40, "1e400", ".nan", "-.inf", "1e-30"])
def test_absurd_numbers_are_refused(scratch: Callable[..., Path], text: str) -> None:
    data = scratch()
    (data / "units" / "lang-kon-ktu.yaml").write_text(
        SAMPLE.replace("CT03: 220\n", f"CT03: {text}\n"), encoding="utf-8"
    )
    codes = _codes(data, "lang-kon-ktu.yaml")
    assert "number-out-of-bounds" in codes


def test_size_limit_is_configurable(cli: Run, scratch: Callable[..., Path], tmp_path: Path) -> None:
    data = scratch(units=True)
    code, out = cli("validate", "--max-size", "1", "data/units/lang-kon-ktu.yaml", cwd=tmp_path)
    assert code == 1 and "file-too-large" in out
    assert data.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(scratch: Callable[..., Path]) -> None:
    data = scratch()
    path = data / "units" / "khoa.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    path.chmod(0)
    assert _codes(data, "khoa.yaml") == ["file-unreadable"]


def test_binary_file(scratch: Callable[..., Path]) -> None:
    data = scratch()
    (data / "units" / "anh.yaml").write_bytes(bytes(range(256)) * 4)
    codes = _codes(data, "anh.yaml")
    assert codes and codes[0] in ("not-utf8", "yaml-syntax")


FIELDS = [
    "id",
    "name",
    "kind",
    "bloc",
    "registration",
    "targets",
    "results",
    "phase",
    "submitted",
    "values",
    "value",
    "numerator",
    "denominator",
    "evidence",
    "pact",
    "signed",
    "exemplars",
    "status",
    "CT03",
    "CT14",
    "CT23",
    "BS02",
    "khac",
]
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
    st.dates(),
)
documents = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=6),
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), documents, min_size=1, max_size=8))
def test_any_document_shape_gives_problems_not_exceptions(doc: dict[str, object]) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True)
    loaded = yamlload.parse(text, "u.yaml")
    if loaded.data is None:
        assert loaded.problems
        return
    try:
        Unit.model_validate(loaded.data)
    except Exception as exc:  # only pydantic's ValidationError is allowed, which we map
        from pydantic import ValidationError

        assert isinstance(exc, ValidationError)


@settings(max_examples=60, deadline=None)
@given(doc=st.dictionaries(st.sampled_from(FIELDS), documents, min_size=1, max_size=8))
def test_any_document_through_the_whole_validator(
    tmp_path_factory: pytest.TempPathFactory, doc: dict[str, object]
) -> None:
    root = tmp_path_factory.mktemp("doc")
    (root / "data" / "units").mkdir(parents=True)
    shutil.copy(DATA / "indicators.yaml", root / "data" / "indicators.yaml")
    (root / "data" / "units" / "u.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
    )
    ws = load(root / "data", [root / "data" / "units" / "u.yaml"])
    assert all(p.message for p in ws.problems)
