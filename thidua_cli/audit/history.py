"""The timeline of one unit's figures from git: who changed which value, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from thidua_cli import numfmt
from thidua_cli.read import git as gitdata
from thidua_cli.read import yamlload
from thidua_cli.read.models import Result, Unit


@dataclass(frozen=True)
class Change:
    commit: str
    author: str
    date: str
    message: str
    phase: int
    code: str
    old: str
    new: str


def _value(r: Result | None) -> str:
    if r is None:
        return "—"
    if r.numerator is not None or r.denominator is not None:
        text = f"{numfmt.number(r.numerator)}/{numfmt.number(r.denominator)}"
    elif isinstance(r.value, bool):
        text = "Đạt" if r.value else "Không đạt"
    elif isinstance(r.value, Decimal):
        text = numfmt.number(r.value)
    else:
        text = str(r.value)
    return text + (" (có đính chính)" if r.correction else "")


def _parse(raw: bytes | None, path: str) -> Unit | None:
    if raw is None:
        return None
    text, _ = yamlload.read_text_bytes(raw, path)
    if text is None:
        return None
    loaded = yamlload.parse(text, path)
    if loaded.data is None or not isinstance(loaded.data, dict):
        return None
    try:
        return Unit.model_validate(loaded.data)
    except ValidationError:
        return None  # a broken version in the past: skip it, the next valid one shows the change


def history(
    root: Path, path: str, code: str | None = None, phase: int | None = None
) -> list[Change]:
    """Every change to the unit's results in `path` (repository-relative), oldest first."""
    changes: list[Change] = []
    previous: dict[tuple[int, str], str] = {}
    for commit in gitdata.log(root, path):
        unit = _parse(gitdata.show(root, commit.sha, commit.path), commit.path)
        if unit is None:  # leave a trace: who broke the file, and when
            changes.append(
                Change(
                    commit.sha[:12],
                    commit.author,
                    commit.date[:10],
                    commit.message,
                    0,
                    "—",
                    "",
                    "tệp lỗi, không đọc được",
                )
            )
            continue
        current: dict[tuple[int, str], str] = {}
        for report in unit.results:
            for c, r in report.values.items():
                current[(report.phase, c)] = _value(r)
        for key in sorted(set(previous) | set(current)):
            if (code and key[1] != code) or (phase and key[0] != phase):
                continue
            old, new = previous.get(key, "—"), current.get(key, "—")
            if old != new:
                changes.append(
                    Change(
                        commit.sha[:12],
                        commit.author,
                        commit.date[:10],
                        commit.message,
                        key[0],
                        key[1],
                        old,
                        new,
                    )
                )
        previous = current
    return changes
