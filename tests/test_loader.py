"""The loader: encodings, normalisation, hostile YAML; and the problem formatters."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

from thidua_cli.formats import problems as output
from thidua_cli.problems import Problem, Severity
from thidua_cli.read import yamlload


def _load(tmp_path: Path, raw: bytes) -> yamlload.Loaded:
    path = tmp_path / "u.yaml"
    path.write_bytes(raw)
    return yamlload.load(path, "u.yaml")


def codes(f: yamlload.Loaded) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.code) for p in f.problems]


def test_numbers_are_exact_decimals_and_positions_are_one_based(tmp_path: Path) -> None:
    f = _load(tmp_path, b"a: 6.39\nb:\n  - 10900\n  - x\n")
    assert f.data == {"a": Decimal("6.39"), "b": [Decimal(10900), "x"]}
    assert f.values[("a",)] == (1, 4)
    assert f.keys[("b",)] == (2, 1)
    assert f.values[("b", 1)] == (4, 5)


def test_thousands_trap_remembers_the_text_typed(tmp_path: Path) -> None:
    f = _load(tmp_path, b"a: 10.900\nb: '10.900'\nc: 0.152\nd: 1.5\n")
    assert f.thousands == {("a",): "10.900"}
    assert f.data["a"] == Decimal("10.9")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    f = _load(tmp_path, "\ufeffname: Thôn".encode())
    assert f.ok and f.data == {"name": "Thôn"}


def test_nfd_text_is_normalised_to_nfc(tmp_path: Path) -> None:
    f = _load(tmp_path, unicodedata.normalize("NFD", "name: Thôn Ngọc Liên").encode())
    assert f.data == {"name": "Thôn Ngọc Liên"}
    assert f.data["name"] == unicodedata.normalize("NFC", "Thôn Ngọc Liên")


def test_windows_1258_is_named(tmp_path: Path) -> None:
    # Windows-1258 has ô and ê but writes tone marks as combining characters (ọ = o + U+0323)
    f = _load(tmp_path, "name: Thôn Ngo\u0323c Liên\n".encode("cp1258"))
    assert codes(f) == [(1, 9, "not-utf8")]
    assert "Windows-1258" in f.problems[0].message


def test_utf16_is_named(tmp_path: Path) -> None:
    f = _load(tmp_path, "name: Thôn\n".encode("utf-16"))
    assert [p.code for p in f.problems] == ["not-utf8"]
    assert "UTF-16" in f.problems[0].message


def test_duplicate_keys_are_all_reported(tmp_path: Path) -> None:
    f = _load(tmp_path, b"a: 1\nb: 2\na: 3\nb: 4\n")
    assert codes(f) == [(3, 1, "duplicate-key"), (4, 1, "duplicate-key")]
    assert "dòng 1" in f.problems[0].message


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    f = _load(tmp_path, "\n".join(lines).encode())
    assert [p.code for p in f.problems] == ["yaml-too-complex"]
    assert f.data is None


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    f = _load(tmp_path, b"a: " + b"[" * 100 + b"]" * 100)
    assert [p.code for p in f.problems] == ["yaml-too-complex"]


def test_directory_and_size_limit(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").mkdir()
    f = yamlload.load(tmp_path / "d.yaml", "d.yaml")
    assert [p.code for p in f.problems] == ["not-a-file"]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 100)
    f = yamlload.load(big, "big.yaml", max_bytes=100)
    assert [p.code for p in f.problems] == ["file-too-large"]


def test_syntax_error_points_at_the_line_in_vietnamese(tmp_path: Path) -> None:
    f = _load(tmp_path, b"a: 1\nb: [1, 2\nc: 3\n")
    assert [p.code for p in f.problems] == ["yaml-syntax"]
    assert f.problems[0].line == 3


PROBLEM = Problem(
    "data/units/a,b.yaml",
    3,
    7,
    "unknown-key",
    Severity.ERROR,
    "Trường «x» sai: 100% lỗi",
    "Dòng 1\nDòng 2",
    ("results", 0, "values", "CT03"),
)


def test_github_format_escapes_data_and_properties() -> None:
    text = output.as_github([PROBLEM])
    assert text == (
        "::error file=data/units/a%2Cb.yaml,line=3,col=7,title=unknown-key::"
        "Trường «x» sai: 100%25 lỗi%0AGợi ý: Dòng 1%0ADòng 2\n"
    )


def test_json_format_is_versioned_and_sorted() -> None:
    doc = json.loads(output.as_json([PROBLEM], files=(1, 1)))
    assert doc["version"] == 1
    assert (doc["files"], doc["errors"], doc["warnings"]) == (2, 1, 0)
    assert doc["problems"][0]["yaml_path"] == "results[0].values.CT03"
    assert sorted(doc["problems"][0]) == [
        "code",
        "column",
        "hint",
        "line",
        "message",
        "path",
        "severity",
        "yaml_path",
    ]


def test_a_tab_hint_says_how_deep_to_indent_and_that_other_mistakes_wait() -> None:
    """«Replace each Tab with 2 spaces» was wrong after a list item; the depth comes from the
    line above, and the clerk is told the rest of the file was not checked yet."""
    text = "id: x\nresults:\n  - phase: 1\n\tsubmitted: 2026-01-01\n"
    (tab,) = yamlload.parse(text, "x.yaml").problems
    assert tab.code == "tab-indent" and (tab.line, tab.column) == (4, 1)
    assert "thụt lề bằng 4 dấu cách" in tab.hint
    assert "chạy lại để thấy các lỗi khác" in tab.hint
    (tab,) = yamlload.parse("id: x\nresults:\n\t- phase: 1\n", "x.yaml").problems
    assert "thụt lề bằng 2 dấu cách" in tab.hint
