"""Checks across unit files: duplicate ids, look-alike names, owners that have no file."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thidua_cli.checks.context import Context
from thidua_cli.problems import Problem, YamlPath, error, warning
from thidua_cli.read import git
from thidua_cli.read.models import Unit
from thidua_cli.read.textpolicy import fold
from thidua_cli.read.yamlload import Loaded


@dataclass(frozen=True)
class RosterEntry:
    """What the checks across files need to know of one unit file (small, so it travels
    cheaply between worker processes)."""

    path: str
    id: str
    id_pos: tuple[int, int]
    name: str
    name_pos: tuple[int, int]
    exemplars: tuple[tuple[str, tuple[int, int]], ...]
    # each phase report's phase and `submitted` date, in file order, and whether the file is
    # sample data: what comparing dates with the git history needs (without the whole unit)
    reports: tuple[tuple[int, date], ...] = ()
    sample: bool = False

    @classmethod
    def of(cls, unit: Unit, f: Loaded) -> RosterEntry:
        return cls(
            f.path,
            unit.id,
            f.pos(("id",)),
            unit.name,
            f.pos(("name",)),
            tuple((ex.id, f.pos(("exemplars", i, "id"))) for i, ex in enumerate(unit.exemplars)),
            tuple((r.phase, r.submitted) for r in unit.results),
            unit.sample,
        )


def check_roster(
    entries: list[RosterEntry], ctx: Context, catalogue_file: Loaded, whole: bool = True
) -> list[Problem]:
    """Problems between files: duplicate ids; with the `whole` roster, owners that do not exist."""
    out: list[Problem] = []
    first: dict[str, str] = {}
    exemplar_files: dict[str, list[RosterEntry]] = {}  # an exemplar id -> the files naming it
    by_id: dict[str, list[RosterEntry]] = {}
    by_look: dict[str, RosterEntry] = {}
    for e in entries:
        by_id.setdefault(e.id, []).append(e)
        first.setdefault(e.id, e.path)
        look = by_look.setdefault(fold(e.name), e)
        if look.name != e.name:
            out.append(
                warning(
                    e.path,
                    e.name_pos,
                    "lookalike-names",
                    f"Tên «{e.name}» trông giống hệt tên «{look.name}» của tệp {look.path} "
                    "nhưng khác ký tự (chữ Kirin/Hy Lạp giống chữ Latinh, ký tự ẩn, "
                    "cách viết khác).",
                    "Nếu là cùng một đơn vị, gộp hai tệp; nếu khác, đặt tên phân biệt rõ.",
                    ("name",),
                )
            )
        for ex_id, _ in e.exemplars:
            files = exemplar_files.setdefault(ex_id, [])
            # twice in one file: checks/unit.py says so; the same file named twice: no one
            if all(f.path != e.path for f in files):
                files.append(e)
    appeared = _Appeared(ctx.root)
    for same in by_id.values():
        if len(same) > 1:
            out.extend(_duplicates(same, appeared))
    for ex_id, holders in exemplar_files.items():
        if len(holders) > 1:
            out.extend(_duplicate_exemplars(ex_id, holders, appeared))
    for i, ind in enumerate(ctx.catalogue.indicators):
        if whole and ind.owner is not None and ind.owner not in first:
            at: YamlPath = ("indicators", i, "owner")
            out.append(
                warning(
                    catalogue_file.path,
                    catalogue_file.pos(at),
                    "owner-missing",
                    f"Đơn vị phụ trách «{ind.owner}» của {ind.code} chưa có tệp.",
                    f"Tạo tệp {posixpath.join(posixpath.dirname(catalogue_file.path), 'units', ind.owner)}.yaml.",
                    at,
                )
            )
    return out


class _Appeared:
    """When a file appeared: first commit time (uncommitted files count as newest), then the
    modification time, then the path; the later of two duplicates is the copy to fix. Asked
    once per file (each asks git), however many ids it shares."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.known: dict[str, tuple[int, int, str]] = {}
        try:
            self.top: Path | None = git.top(root)
        except git.GitProblem:
            self.top = None

    def __call__(self, e: RosterEntry) -> tuple[int, int, str]:
        found = self.known.get(e.path)
        if found is None:
            top = self.top
            added = git.added(top, os.path.relpath(self.root / e.path, top)) if top else None
            try:
                mtime = int(os.stat(self.root / e.path).st_mtime_ns)
            except OSError:
                mtime = 0
            found = self.known[e.path] = (added if added is not None else 2**62, mtime, e.path)
        return found


def _duplicate_exemplars(
    ex_id: str, holders: list[RosterEntry], appeared: _Appeared
) -> list[Problem]:
    """An exemplar id in several unit files: one error at each use in a later file, naming the
    file that had it first (a unit file copied to start another brings its exemplars along)."""
    ordered = sorted(holders, key=appeared)
    original = ordered[0]
    return [
        error(
            e.path,
            pos,
            "duplicate-id",
            f"Mã điển hình «{ex_id}» trùng với tệp {original.path} (có trước); tệp này có sau.",
            "Mỗi điển hình một mã riêng trong cả phong trào: đổi mã ở tệp này (ví dụ thêm mã "
            "đơn vị vào đầu), hoặc xóa điển hình nếu là phần chép theo từ tệp khác.",
            ("exemplars", i, "id"),
        )
        for e in ordered[1:]
        for i, (other, pos) in enumerate(e.exemplars)
        if other == ex_id
    ]


def _duplicates(same: list[RosterEntry], appeared: _Appeared) -> list[Problem]:
    """One error per later file with the same id, naming the original (the earliest file)."""
    ordered = sorted(same, key=appeared)
    original = ordered[0]
    return [
        error(
            e.path,
            e.id_pos,
            "duplicate-unit-id",
            f"Mã đơn vị «{e.id}» trùng với tệp {original.path} (có trước); tệp này có sau.",
            "Mỗi đơn vị một mã riêng: đổi mã trong tệp này, hoặc xóa tệp nếu là bản chép.",
            ("id",),
        )
        for e in ordered[1:]
    ]
