"""The timeline of one unit's figures from git: who changed which value, when, and why."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import gitdata, numfmt, yamlload
from .models import Result, Unit


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


def as_json(unit: str, changes: list[Change]) -> str:
    doc: dict[str, Any] = {"version": 1, "unit": unit, "changes": [asdict(c) for c in changes]}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def print_history(unit: str, changes: list[Change], console: Any) -> None:
    from rich.table import Table

    if not changes:
        console.print(f"Chưa có thay đổi nào về số liệu của {unit} trong lịch sử git.")
        return
    t = Table(title=f"Lịch sử số liệu của {unit}", title_justify="left")
    for col in ("Ngày", "Người sửa", "Commit", "Đợt", "Chỉ tiêu", "Cũ → mới", "Nội dung commit"):
        t.add_column(col, overflow="fold")
    for c in changes:
        move = c.new if not c.old else f"{c.old} → {c.new}"
        t.add_row(c.date, c.author, c.commit, str(c.phase or "—"), c.code, move, c.message)
    console.print(t)
