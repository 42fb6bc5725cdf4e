"""The front door: find, read and check every data file, apply the approval locks.

`load()` is what every command reads the campaign through; `check_document()` checks one
parsed unit document in the context of the rest (for `thidua set` and Excel import).
"""

from __future__ import annotations

import gc
import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from thidua_cli import guard
from thidua_cli.checks import catalogue as catalogue_checks
from thidua_cli.checks import context, roster, values
from thidua_cli.checks import unit as checks
from thidua_cli.problems import Problem, error
from thidua_cli.read import git, schema_errors, textpolicy, yamlload
from thidua_cli.read.models import Approval, Approvals, Catalogue, QuotaDecision, Unit

CATALOGUE = "indicators.yaml"
UNITS = "units"
APPROVALS = "approvals.yaml"


@dataclass
class Workspace:
    """The campaign as read from disk, with every problem found on the way."""

    root: Path
    data_dir: Path
    catalogue: Catalogue | None = None
    units: list[Unit] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    quota_decisions: list[QuotaDecision] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # unit id -> repository-relative file
    files: int = 0
    unit_files: int = 0  # of `files`, how many are unit files (the rest: catalogue, approvals)
    problems: list[Problem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def repository_root(data_dir: Path) -> Path:
    """Where evidence paths and shown paths start: the git repository that holds the data
    folder, wherever the folder sits in it; the folder's parent outside git."""
    try:
        return git.top(data_dir)
    except (git.GitProblem, OSError):
        return data_dir.resolve().parent


def _rel(path: Path, root: Path) -> str:
    """The path as shown to people: relative to the repository root, with forward slashes."""
    absolute = os.path.abspath(path)
    base = os.path.abspath(root)
    if absolute.startswith(base + os.sep):
        return Path(os.path.relpath(absolute, base)).as_posix()
    return path.as_posix()


def discover(data_dir: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Unit files to read: the given files and folders, else data/units/; sorted, so output is stable."""
    chosen = list(paths) or [data_dir / UNITS]
    found: set[Path] = set()
    for p in chosen:
        if p.is_dir():
            found.update(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml"))
        elif p.resolve() not in (
            (data_dir / CATALOGUE).resolve(),
            (data_dir / APPROVALS).resolve(),
        ):
            found.add(p)
    return sorted(found, key=lambda q: q.as_posix())


M = TypeVar("M", Catalogue, Unit, Approvals)


def _without(data: Any, points: Sequence[tuple[str | int, ...]]) -> Any:
    """A copy of `data` without the keys at `points`; containers on the way are copied once,
    so removing 100.000 unknown keys costs one pass, not 100.000 copies."""
    drop = {p[0] for p in points if len(p) == 1}
    deeper: dict[str | int, list[tuple[str | int, ...]]] = {}
    for p in points:
        if len(p) > 1:
            deeper.setdefault(p[0], []).append(p[1:])
    if isinstance(data, dict):
        return {
            k: (_without(v, deeper[k]) if k in deeper else v)
            for k, v in data.items()
            if k not in drop
        }
    if isinstance(data, list):
        return [_without(v, deeper[i]) if i in deeper else v for i, v in enumerate(data)]
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
            points = []
            for err in exc.errors():
                point = schema_errors.prune_point(err, cls)
                if point is not None:
                    points.append(point)
                    continue
                # a required date or number that is wrong: stand in a placeholder, so a bad
                # date does not hide the checks of the rest of the file (the checks stay
                # silent about the placeholder itself, see checks.unit.check_unit)
                loc = tuple(p for p in err["loc"] if p != "[key]")
                if err["type"] not in _PLACEHOLDERS or not loc:
                    return None
                data = _replace(data, loc, _PLACEHOLDERS[err["type"]])
                f.broken.add(loc)
            data = _without(data, points)
    return None


_PLACEHOLDERS: dict[str, Any] = {"invalid-date": date(1, 1, 1), "expected-integer": 0}


def _replace(data: Any, point: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `data` with `value` at `point`; containers on the way are copied."""
    head, rest = point[0], point[1:]
    if isinstance(data, dict) and head in data:
        return {
            k: (_replace(v, rest, value) if rest else value) if k == head else v
            for k, v in data.items()
        }
    if isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data):
        return [
            (_replace(v, rest, value) if rest else value) if i == head else v
            for i, v in enumerate(data)
        ]
    return data


@dataclass
class _Checked:
    """The outcome of reading and checking a batch of unit files."""

    problems: list[Problem] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    roster: list[roster.RosterEntry] = field(default_factory=list)


def _outside(path: Path, root: Path) -> bool:
    """A path that reaches outside the repository through a symlink, the file itself or any
    folder above it (a linked data/units): it could expose any file on the machine."""
    real = os.path.realpath(path)
    if real == os.path.abspath(path):
        return False  # no link on the way: a file named on the command line is read as is
    base = os.path.realpath(root)
    return not real.startswith(base + os.sep)


def _symlink_outside(rel: str) -> Problem:
    return error(
        rel,
        (0, 0),
        "symlink-outside-repo",
        "Tệp, hoặc một thư mục chứa nó, là liên kết (symlink) trỏ ra ngoài kho dữ liệu; không đọc.",
        "Chép nội dung vào kho thay vì tạo liên kết.",
    )


def _check_files(
    paths: Sequence[Path],
    root: Path,
    ctx: context.Context | None,
    keep_units: bool = True,
    max_bytes: int = yamlload.MAX_BYTES,
) -> _Checked:
    out = _Checked()
    limits = ctx.catalogue.limits if ctx is not None else textpolicy.DEFAULT
    for n, path in enumerate(paths):
        if n % FREEZE_EVERY == FREEZE_EVERY - 1:
            # The units kept so far live until the end: freeze them, or the cyclic collector
            # rescans the whole growing heap again and again (a third of the time at 10.000).
            gc.collect(1)
            gc.freeze()
        rel = _rel(path, root)
        if _outside(path, root):
            out.problems.append(_symlink_outside(rel))
            continue
        f = yamlload.load(path, rel, max_bytes)
        out.problems.extend(f.problems)
        out.problems.extend(textpolicy.check(f, limits))
        out.problems.extend(values.thousands_problems(f))
        unit = _model(Unit, f, out.problems)
        if unit is None:
            continue
        if ctx is not None:
            unit = context.with_booleans(unit, ctx)
        if keep_units:
            out.units.append(unit)
        out.roster.append(roster.RosterEntry.of(unit, f))
        if ctx is not None:
            out.problems.extend(checks.check_unit(unit, f, ctx))
    return out


_WORKER: dict[str, Any] = {}


def _work(paths: list[Path]) -> _Checked:
    return _check_files(
        paths, _WORKER["root"], _WORKER["ctx"], _WORKER["keep_units"], _WORKER["max_bytes"]
    )


def _check_parallel(
    paths: list[Path],
    root: Path,
    ctx: context.Context | None,
    jobs: int,
    keep_units: bool,
    max_bytes: int,
) -> _Checked:
    """Split the files into contiguous chunks, check them in `jobs` processes, and join the
    results in file order, so the output does not depend on how the work was shared."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # inherited by forked workers
    _WORKER.update(root=root, ctx=ctx, keep_units=keep_units, max_bytes=max_bytes)
    size = max(1, -(-len(paths) // (jobs * 4)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method != "fork":
        return _check_files(paths, root, ctx, keep_units, max_bytes)
    total = _Checked()
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
        for part in pool.map(_work, chunks):
            total.problems.extend(part.problems)
            total.units.extend(part.units)
            total.roster.extend(part.roster)
    return total


def _read(path: Path, root: Path) -> yamlload.Loaded:
    """The catalogue or the approvals: read unless a link leads outside the repository."""
    rel = _rel(path, root)
    if _outside(path, root):
        return yamlload.Loaded(rel, problems=[_symlink_outside(rel)])
    return yamlload.load(path, rel)


FREEZE_EVERY = 500
PARALLEL_FROM = 400  # below this many files, starting processes costs more than it saves


def load(
    data_dir: Path,
    paths: Sequence[Path] = (),
    root: Path | None = None,
    jobs: int = 1,
    keep_units: bool = True,
    max_bytes: int = yamlload.MAX_BYTES,
    locks: bool = True,
    today: date | None = None,
    git_dates: bool = False,
) -> Workspace:
    """Read the catalogue and the unit files and check them; never raises on bad data.
    `jobs` > 1 checks the unit files in that many processes (same result, sooner);
    `keep_units=False` keeps only the problems, for validation alone; `locks=False` skips the
    approval locks (for reading an approved revision itself); `today` (the command's date,
    never read from the clock here) bounds approval and correction dates; `git_dates` compares
    `submitted` dates with when results reached the repository."""
    root = root or repository_root(data_dir)
    ws = Workspace(root=root, data_dir=data_dir)
    cat_path = data_dir / CATALOGUE
    cat_file = _read(cat_path, root)
    ws.files += 1
    ws.problems.extend(cat_file.problems)
    ws.problems.extend(values.thousands_problems(cat_file))
    ws.catalogue = _model(Catalogue, cat_file, ws.problems)
    limits = ws.catalogue.limits if ws.catalogue is not None else textpolicy.DEFAULT
    ws.problems.extend(textpolicy.check(cat_file, limits))
    if ws.catalogue is not None:
        ws.problems.extend(catalogue_checks.check_catalogue(ws.catalogue, cat_file))
    approvals_path = data_dir / APPROVALS
    if approvals_path.exists():
        approvals_file = _read(approvals_path, root)
        ws.files += 1
        ws.problems.extend(approvals_file.problems)
        ws.problems.extend(textpolicy.check(approvals_file))
        approved = _model(Approvals, approvals_file, ws.problems)
        ws.approvals = approved.approvals if approved else []
        ws.quota_decisions = approved.quota_decisions if approved else []
    data_rel = posixpath.dirname(_rel(cat_path, root)) or "."
    ctx = context.Context(ws.catalogue, root, data_rel) if ws.catalogue is not None else None
    # approval locks compare whole units; the git dates need their reports
    keep_units = keep_units or git_dates or (locks and guard.ever_approved(data_dir))
    unit_paths = discover(data_dir, paths)
    ws.files += len(unit_paths)
    ws.unit_files = len(unit_paths)
    if jobs > 1 and len(unit_paths) >= PARALLEL_FROM:
        checked = _check_parallel(unit_paths, root, ctx, jobs, keep_units, max_bytes)
    else:
        checked = _check_files(unit_paths, root, ctx, keep_units, max_bytes)
    # What was read lives until the command ends: move it out of the collector's sight, so
    # scoring and rendering do not pay for rescanning it (see _check_files).
    gc.freeze()
    ws.problems.extend(checked.problems)
    if ctx is not None:
        ws.problems.extend(roster.check_roster(checked.roster, ctx, cat_file, whole=not paths))
    ws.units = sorted(checked.units, key=lambda u: u.id)
    ws.paths = {e.id: e.path for e in reversed(checked.roster)}
    if locks and ws.catalogue is not None:
        ws.problems.extend(_approval_locks(ws, not paths, today, git_dates))
    ws.problems.sort()
    return ws


def _approval_locks(
    ws: Workspace, whole: bool, today: date | None, git_dates: bool
) -> list[Problem]:
    """The approval locks (guard.py), reading each approved revision from git once."""
    import tempfile

    def load_revision(commit: str) -> guard.Revision:
        root = git.top(ws.data_dir)
        data_rel = Path(os.path.relpath(ws.data_dir.resolve(), root)).as_posix()
        with tempfile.TemporaryDirectory(prefix="thidua-lock-") as tmp:
            exported = git.export(root, commit, data_rel, Path(tmp))
            if not (exported / CATALOGUE).is_file():
                raise git.GitProblem(f"commit {commit[:12]} không có {data_rel}/{CATALOGUE}.")
            old = load(exported, root=Path(tmp), locks=False)
        return old.catalogue, old.units

    scene = guard.Scene(
        ws.root,
        ws.data_dir,
        ws.catalogue,
        ws.units,
        ws.paths,
        ws.approvals,
        ws.has_errors,
    )
    return guard.check(scene, load_revision, whole=whole, today=today, git_dates=git_dates)


def check_document(
    ws: Workspace, data: object, rel: str, loaded: yamlload.Loaded | None = None
) -> tuple[Unit | None, list[Problem]]:
    """Check one unit document (plain values, as `thidua set` or an Excel import would write
    it) in the context of the loaded campaign: shape, the unit checks and the roster. Returns
    the unit when it is valid enough to compute with, and every problem found. `loaded`, the
    parsed text when there is one, places the problems on their lines."""
    f = loaded if loaded is not None else yamlload.Loaded(rel, data=data)
    limits = ws.catalogue.limits if ws.catalogue is not None else textpolicy.DEFAULT
    problems: list[Problem] = textpolicy.check(f, limits)
    unit = _model(Unit, f, problems)
    if unit is not None and ws.catalogue is not None:
        ctx = context.Context(
            ws.catalogue, ws.root, posixpath.dirname(_rel(ws.data_dir / CATALOGUE, ws.root)) or "."
        )
        unit = context.with_booleans(unit, ctx)
        problems.extend(checks.check_unit(unit, f, ctx))
        other = ws.paths.get(unit.id)
        if other is not None and other != rel:
            problems.append(
                error(
                    rel,
                    (1, 1),
                    "duplicate-unit-id",
                    f"Mã đơn vị «{unit.id}» trùng với tệp {other}.",
                    "Mỗi đơn vị một mã riêng.",
                    ("id",),
                )
            )
    return unit, sorted(problems)
