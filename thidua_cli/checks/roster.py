"""Checks across unit files: duplicate ids, and owners of indicators that have no file."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from thidua_cli.checks.unit import Context
from thidua_cli.problems import Problem, YamlPath, error, warning
from thidua_cli.read.models import Unit
from thidua_cli.read.yamlload import Loaded


@dataclass(frozen=True)
class RosterEntry:
    """What the checks across files need to know of one unit file (small, so it travels
    cheaply between worker processes)."""

    path: str
    id: str
    id_pos: tuple[int, int]
    exemplars: tuple[tuple[str, tuple[int, int]], ...]

    @classmethod
    def of(cls, unit: Unit, f: Loaded) -> RosterEntry:
        return cls(
            f.path,
            unit.id,
            f.pos(("id",)),
            tuple((ex.id, f.pos(("exemplars", i, "id"))) for i, ex in enumerate(unit.exemplars)),
        )


def check_roster(
    entries: list[RosterEntry], ctx: Context, catalogue_file: Loaded, whole: bool = True
) -> list[Problem]:
    """Problems between files: duplicate ids; with the `whole` roster, owners that do not exist."""
    out: list[Problem] = []
    first: dict[str, str] = {}
    exemplar_first: dict[str, str] = {}
    for e in entries:
        if e.id in first:
            out.append(
                error(
                    e.path,
                    e.id_pos,
                    "duplicate-unit-id",
                    f"Mã đơn vị «{e.id}» trùng với tệp {first[e.id]}.",
                    "Mỗi đơn vị một mã riêng.",
                    ("id",),
                )
            )
        else:
            first[e.id] = e.path
        for i, (ex_id, pos) in enumerate(e.exemplars):
            if ex_id in exemplar_first and exemplar_first[ex_id] != e.path:
                out.append(
                    error(
                        e.path,
                        pos,
                        "duplicate-id",
                        f"Mã điển hình «{ex_id}» trùng với tệp {exemplar_first[ex_id]}.",
                        "",
                        ("exemplars", i, "id"),
                    )
                )
            exemplar_first.setdefault(ex_id, e.path)
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
