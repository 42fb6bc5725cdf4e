"""The timeline of one unit's figures from git: who changed which value, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from thidua_cli.audit.figures import Figure
from thidua_cli.read import git as gitdata
from thidua_cli.read import yamlload
from thidua_cli.read.models import Unit


@dataclass(frozen=True)
class Change:
    commit: str
    author: str
    date: str
    message: str
    phase: int  # 0 for a commit that broke the file
    code: str
    old: Figure | None
    new: Figure | None
    broken: bool = False  # the file did not read at this commit
    # the evidence before and after, where it changed (it weighs in the score)
    evidence: tuple[tuple[str, ...], tuple[str, ...]] | None = None


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
    previous: dict[tuple[int, str], tuple[Figure | None, tuple[str, ...]]] = {}
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
                    None,
                    None,
                    broken=True,
                )
            )
            continue
        current: dict[tuple[int, str], tuple[Figure | None, tuple[str, ...]]] = {}
        for report in unit.results:
            for c, r in report.values.items():
                shown = tuple(e.shown for e in r.evidence)
                current[(report.phase, c)] = (Figure.of(r), shown)
        for key in sorted(set(previous) | set(current)):
            if (code and key[1] != code) or (phase and key[0] != phase):
                continue
            (old, old_ev), (new, new_ev) = (
                previous.get(key, (None, ())),
                current.get(key, (None, ())),
            )
            if old != new or (old is not None and old_ev != new_ev):
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
                        evidence=(old_ev, new_ev) if old_ev != new_ev else None,
                    )
                )
        previous = current
    return changes
