"""Find, read and check every data file: the one entry point the commands share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from . import checks, schema_errors, yamlload
from .models import Catalogue, Unit
from .problems import Problem, error

CATALOGUE = "indicators.yaml"
UNITS = "units"


@dataclass
class Workspace:
    """The campaign as read from disk, with every problem found on the way."""

    root: Path
    data_dir: Path
    catalogue: Catalogue | None = None
    units: list[Unit] = field(default_factory=list)
    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(data_dir: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Unit files to read: the given files and folders, else data/units/; sorted, so output is stable."""
    chosen = list(paths) or [data_dir / UNITS]
    found: set[Path] = set()
    for p in chosen:
        if p.is_dir():
            found.update(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml"))
        elif p.resolve() != (data_dir / CATALOGUE).resolve():
            found.add(p)
    return sorted(found, key=lambda q: q.as_posix())


M = TypeVar("M", Catalogue, Unit)


def _without(data: Any, point: tuple[str | int, ...]) -> Any:
    """A copy of `data` without the key at `point`; containers on the way are copied."""
    head, rest = point[0], point[1:]
    if isinstance(data, dict):
        if not rest:
            return {k: v for k, v in data.items() if k != head}
        return {k: (_without(v, rest) if k == head else v) for k, v in data.items()}
    if isinstance(data, list) and isinstance(head, int) and rest:
        return [_without(v, rest) if i == head else v for i, v in enumerate(data)]
    return data


def _model(cls: type[M], f: yamlload.Loaded, problems: list[Problem]) -> M | None:
    """Validate; on errors report them all, then drop the broken entries and try again, so the
    checks that need a whole model still run on the rest of the file."""
    if f.data is None:
        return None
    if not isinstance(f.data, dict):
        problems.append(
            error(
                f.path,
                (1, 1),
                "expected-mapping",
                "Tệp phải là một bảng các trường (tên: giá trị), không phải danh sách "
                "hay một giá trị đơn lẻ.",
            )
        )
        return None
    data = f.data
    for attempt in range(20):
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            if attempt == 0:
                problems.extend(schema_errors.problems_from(exc, f, cls))
            points = [schema_errors.prune_point(e, cls) for e in exc.errors()]
            for point in points:
                if point is None:
                    return None
                data = _without(data, point)
    return None


def load(data_dir: Path, paths: Sequence[Path] = (), root: Path | None = None) -> Workspace:
    """Read the catalogue and the unit files and check them; never raises on bad data."""
    root = root or data_dir.resolve().parent
    ws = Workspace(root=root, data_dir=data_dir)
    cat_path = data_dir / CATALOGUE
    cat_file = yamlload.load(cat_path, _rel(cat_path, root))
    ws.files += 1
    ws.problems.extend(cat_file.problems)
    ws.problems.extend(checks.thousands_problems(cat_file))
    ws.catalogue = _model(Catalogue, cat_file, ws.problems)
    if ws.catalogue is not None:
        ws.problems.extend(checks.check_catalogue(ws.catalogue, cat_file))
    ctx = checks.Context(ws.catalogue, root) if ws.catalogue is not None else None
    loaded: list[tuple[Unit, yamlload.Loaded]] = []
    unit_paths = discover(data_dir, paths)
    for path in unit_paths:
        f = yamlload.load(path, _rel(path, root))
        ws.files += 1
        ws.problems.extend(f.problems)
        ws.problems.extend(checks.thousands_problems(f))
        unit = _model(Unit, f, ws.problems)
        if unit is None:
            continue
        loaded.append((unit, f))
        if ctx is not None:
            ws.problems.extend(checks.check_unit(unit, f, ctx))
    if ctx is not None:
        ws.problems.extend(checks.check_roster(loaded, ctx, cat_file, whole=not paths))
    ws.units = sorted((u for u, _ in loaded), key=lambda u: u.id)
    ws.problems.sort()
    return ws
