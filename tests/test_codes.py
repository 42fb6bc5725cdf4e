"""Every problem code is registered once, used with its registered severity, and documented."""

from __future__ import annotations

import ast
import re

from thidua_cli.codes import CODES

from .conftest import ROOT

PACKAGE = ROOT / "thidua_cli"


def _used() -> dict[str, set[str]]:
    """Codes passed as literals to error(), warning() and PydanticCustomError(), by severity."""
    used: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("error", "warning") and len(node.args) >= 3:
                arg, severity = node.args[2], name
            elif name == "PydanticCustomError" and node.args:
                arg, severity = node.args[0], "error"
            else:
                continue
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                used.setdefault(arg.value, set()).add(severity)
    return used


def test_every_code_used_is_registered_with_its_severity() -> None:
    used = _used()
    assert len(used) > 50
    for code, severities in used.items():
        assert code in CODES, f"{code} is not in codes.CODES"
        assert severities == {CODES[code].severity}, code


def test_codes_are_kebab_case_with_vietnamese_titles() -> None:
    for code, spec in CODES.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code
        assert spec.title and spec.title == spec.title.strip()


def test_readme_names_every_code_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- codes:start -->")[1].split("<!-- codes:end -->")[0]
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", section))
    assert named == set(CODES), (sorted(set(CODES) - named), sorted(named - set(CODES)))
