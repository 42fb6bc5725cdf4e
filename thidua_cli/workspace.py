"""The front door: find, read and check every data file, apply the approval locks.

`load()` is what every command reads the campaign through (through the cache of checked unit
files, read/cache.py); `check_document()` checks one parsed unit document in the context of the
rest (for `thidua set` and Excel import).
"""

from __future__ import annotations

import gc
import hashlib
import os
import posixpath
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from thidua_cli import files, guard
from thidua_cli.checks import catalogue as catalogue_checks
from thidua_cli.checks import context, roster, values
from thidua_cli.checks import unit as checks
from thidua_cli.problems import Problem, Severity, error
from thidua_cli.read import cache, compact, git, schema_errors, textpolicy, yamlload
from thidua_cli.read.models import (
    UNREADABLE_DATE,
    Approval,
    Approvals,
    Catalogue,
    QuotaDecision,
    Unit,
)

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
    # each unit by a digest of its checked plain data: equal digests, equal units (lets the
    # data of an approved commit reuse today's units instead of rebuilding them)
    by_digest: dict[bytes, Unit] = field(default_factory=dict, repr=False)
    # every evidence file the checks looked at, with what they found (see files.evidence_state)
    evidence: dict[str, str] = field(default_factory=dict, repr=False)
    roster: list[roster.RosterEntry] = field(default_factory=list, repr=False)
    by_path: dict[str, Unit] = field(default_factory=dict, repr=False)  # file -> its unit

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def catalogue_rel(self) -> str:
        """The catalogue's path as its problems name it (repository-relative)."""
        return _rel(self.data_dir / CATALOGUE, self.root)


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
    ordered = sorted(found, key=lambda q: q.as_posix())
    if not paths:
        return ordered
    # one file named twice (units/a.yaml and units/../units/a.yaml) is read once: it is not
    # two units with the same id (a link stays apart from its target: it is refused)
    once: dict[Path, Path] = {}
    for q in ordered:
        once.setdefault(q.absolute() if q.is_symlink() else q.resolve(), q)
    return list(once.values())


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


def _model(
    cls: type[M], f: yamlload.Loaded, problems: list[Problem], catalogue: Catalogue | None = None
) -> M | None:
    """Validate; on errors report them all, then drop the broken entries and try again, so the
    checks that need a whole model still run on the rest of the file. The hints' examples come
    from the `catalogue`, when there is one."""
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
                "Mỗi dòng ở lề trái có dạng «tên: giá trị» (không bắt đầu bằng «- »).",
            )
        )
        return None
    data = f.data
    for attempt in range(20):
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            if attempt == 0:
                problems.extend(schema_errors.problems_from(exc, f, cls, _examples(catalogue)))
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


def _examples(catalogue: Catalogue | None) -> schema_errors.Examples | None:
    if catalogue is None:
        return None
    codes = tuple(i.code for i in catalogue.indicators[:2])
    return schema_errors.Examples(catalogue.campaign.end, codes)


_PLACEHOLDERS: dict[str, Any] = {"invalid-date": UNREADABLE_DATE, "expected-integer": 0}


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
    by_digest: dict[bytes, Unit] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    by_path: dict[str, Unit] = field(default_factory=dict)


def _real(absolute: str) -> str:
    """os.path.realpath of a file, resolving its folder once for all the files in it."""
    if os.path.islink(absolute):
        return os.path.realpath(absolute)
    folder, name = os.path.split(absolute)
    return os.path.join(files.real_folder(folder), name)


def _outside(path: Path, root: Path) -> bool:
    """A path that reaches outside the repository through a symlink, the file itself or any
    folder above it (a linked data/units): it could expose any file on the machine."""
    absolute = os.path.abspath(path)
    real = _real(absolute)
    if real == absolute:
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


def _link(path: Path, real_root: str, data_dir: str, real_data: str) -> str | None:
    """How a unit file is reached through a link: "outside" the repository (never read),
    "inside" it below the data folder (the file or a folder between: git would keep the link,
    not the figures), or None. The data folder itself may be a link; git sees through that."""
    absolute = os.path.abspath(path)
    real = _real(absolute)
    if real == absolute:
        return None
    if not real.startswith(real_root + os.sep):
        return "outside"
    below = absolute.startswith(data_dir + os.sep)
    if below and real != os.path.join(real_data, absolute[len(data_dir) + 1 :]):
        return "inside"
    return None


def _linked_entry(rel: str) -> Entry:
    problem = error(
        rel,
        (0, 0),
        "unit-file-symlink",
        "Tệp đơn vị, hoặc một thư mục chứa nó, là liên kết (symlink): git lưu liên kết chứ không "
        "lưu số liệu, nên phê duyệt, lịch sử sửa và so sánh phiên bản không kiểm được tệp này.",
        "Đặt tệp thật vào thư mục đơn vị (chép nội dung vào, xóa liên kết).",
    )
    return ((_problem_tuple(problem),), None, (), None)


# What checking one unit file gives, as plain data (cached, and sent back by worker
# processes): (problems as tuples, roster entry as a tuple or None, the evidence files the
# checks looked at with what they found, the unit as pickled plain data or None).
Entry = tuple[
    tuple[tuple[Any, ...], ...],
    tuple[Any, ...] | None,
    tuple[tuple[str, str], ...],
    bytes | None,
]


def _evidence_files(unit: Unit) -> list[str]:
    return [
        ev.path for r in unit.results for v in r.values.values() for ev in v.evidence if ev.path
    ]


def _check_loaded(f: yamlload.Loaded, ctx: context.Context | None) -> Entry:
    problems = list(f.problems)
    limits = ctx.catalogue.limits if ctx is not None else textpolicy.DEFAULT
    problems.extend(textpolicy.check(f, limits))
    problems.extend(values.thousands_problems(f))
    unit = _model(Unit, f, problems, ctx.catalogue if ctx is not None else None)
    if unit is None:
        return tuple(_problem_tuple(p) for p in problems), None, (), None
    if ctx is not None:
        unit = context.with_booleans(unit, ctx)
    entry = roster.RosterEntry.of(unit, f)
    evidence: tuple[tuple[str, str], ...] = ()
    if ctx is not None:
        problems.extend(checks.check_unit(unit, f, ctx))
        evidence = tuple((e, ctx.evidence(e)) for e in _evidence_files(unit))
    return (
        tuple(_problem_tuple(p) for p in problems),
        (
            entry.path,
            entry.id,
            entry.id_pos,
            entry.name,
            entry.name_pos,
            entry.exemplars,
            entry.reports,
            entry.sample,
        ),
        evidence,
        cache.dumps(compact.plain(unit)),
    )


def _kept(entry: Entry, keep_units: bool) -> Entry:
    """The entry, without its unit when only the problems are wanted (validate)."""
    return entry if keep_units else (entry[0], entry[1], entry[2], None)


def _problem_tuple(p: Problem) -> tuple[Any, ...]:
    return (p.path, p.line, p.column, p.code, p.severity.value, p.message, p.hint, p.yaml_path)


def _read_raw(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when the reader must say why not (a folder, too large, …).
    One open and one fstat: at 10.000 files every system call counts."""
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > max_bytes:
                return None
            raw = f.read(max_bytes + 1)
    except OSError:
        return None
    return raw if len(raw) <= max_bytes else None


def _evidence_state(ctx: context.Context, file: str, seen: dict[str, str]) -> str:
    """ctx.evidence, once per file in one reading (units often cite the same document)."""
    state = seen.get(file)
    if state is None:
        state = seen[file] = ctx.evidence(file)
    return state


def _is_entry(value: Any) -> bool:
    """The shape of an Entry (a foreign value under our key is a miss, not a crash)."""
    return (
        type(value) is tuple
        and len(value) == 4
        and type(value[0]) is tuple
        and (value[1] is None or type(value[1]) is tuple)
        and type(value[2]) is tuple
        and (value[3] is None or type(value[3]) is bytes)
    )


def _check_file(
    path: Path,
    rel: str,
    ctx: context.Context | None,
    max_bytes: int,
    store: cache.Cache,
) -> Entry:
    """Check one unit file, and keep the entry in `store` (to be written) under a key made of
    its path and bytes."""
    raw = _read_raw(path, max_bytes)
    if raw is None:
        return _check_loaded(yamlload.load(path, rel, max_bytes), ctx)
    entry = _check_loaded(yamlload.load_bytes(raw, rel), ctx)
    if store.on:
        store.put(store.key(rel.encode("utf-8", "surrogateescape"), raw), entry)
    return entry


def _rel_paths(paths: Sequence[Path], root: Path) -> list[str]:
    here, base = os.getcwd(), os.path.abspath(root) + os.sep
    out = []
    for path in paths:
        absolute = os.path.normpath(os.path.join(here, path))  # os.path.abspath, without
        out.append(  # asking the system for the current folder ten thousand times
            Path(absolute[len(base) :]).as_posix() if absolute.startswith(base) else path.as_posix()
        )
    return out


def _check_files(
    paths: Sequence[Path],
    root: Path,
    ctx: context.Context | None,
    keep_units: bool = True,
    max_bytes: int = yamlload.MAX_BYTES,
    store: cache.Cache | None = None,
) -> list[Entry]:
    """Check each file (not looked up in the cache: `_cached` did that; new entries are kept
    in `store` to be written)."""
    store = store or cache.Cache(None, "units")
    out: list[Entry] = []
    for path, rel in zip(paths, _rel_paths(paths, root), strict=True):
        if _outside(path, root):
            out.append(((_problem_tuple(_symlink_outside(rel)),), None, (), None))
            continue
        entry = _check_file(path, rel, ctx, max_bytes, store)
        out.append(_kept(entry, keep_units))
    return out


def _cached(
    paths: Sequence[Path],
    root: Path,
    data_dir: Path,
    ctx: context.Context | None,
    keep_units: bool,
    max_bytes: int,
    store: cache.Cache,
) -> list[Entry | None]:
    """What the cache already holds for each file (None: to be checked), and the entry of a
    file reached through a link (refused). An entry is used only when the file's path and
    bytes, the catalogue, the size limit and the tool are the same (all in the key) and every
    evidence file it points to is still found the same way. The entries are fetched a few
    hundred per query; bytes already read in this run are not read again."""
    keys: list[bytes | None] = []
    out: list[Entry | None] = []
    real_root, folder = os.path.realpath(root), os.path.abspath(data_dir)
    real_data = os.path.realpath(data_dir)
    for path, rel in zip(paths, _rel_paths(paths, root), strict=True):
        body = files.recall(os.path.abspath(path))
        link = _link(path, real_root, folder, real_data)
        out.append(_linked_entry(rel) if link == "inside" else None)
        if link is not None:  # outside: _check_files says why it is not read
            keys.append(None)
            continue
        if not store.on:
            keys.append(None)
            continue
        raw = body if body is not None and len(body) <= max_bytes else None
        raw = raw if raw is not None else _read_raw(path, max_bytes)
        keys.append(
            store.key(rel.encode("utf-8", "surrogateescape"), raw) if raw is not None else None
        )
    files.forget()
    found = store.get_many([k for k in keys if k is not None])
    seen: dict[str, str] = {}  # evidence file -> what ctx.evidence found, for this reading
    for n, key in enumerate(keys):
        hit = found.get(key) if key is not None else None
        if not _is_entry(hit):
            continue
        entry = cast(Entry, hit)
        if ctx is not None and any(_evidence_state(ctx, e, seen) != s for e, s in entry[2]):
            continue
        out[n] = _kept(entry, keep_units)
    return out


def _assemble(entries: Iterable[Entry], reuse: dict[bytes, Unit] | None = None) -> _Checked:
    """Problems, roster and units from plain entries, taken one at a time (each entry's bytes
    are let go once its unit is built; entries still being checked by the workers arrive
    meanwhile); units are rebuilt without validating again (they were validated when the
    entry was made)."""
    out = _Checked()
    for n, (problems, entry, evidence, blob) in enumerate(entries):
        if n % FREEZE_EVERY == FREEZE_EVERY - 1:
            # The units kept so far live until the end: freeze them, or the cyclic collector
            # rescans the whole growing heap again and again (a third of the time at 10.000).
            gc.collect(1)
            gc.freeze()
        out.problems.extend(
            Problem(a, b, c, d, Severity(e), f, g, tuple(h)) for a, b, c, d, e, f, g, h in problems
        )
        if entry is not None:
            out.roster.append(roster.RosterEntry(*entry))
        out.evidence.update(evidence)
        if blob is not None:
            digest = _digest(blob)
            unit = (reuse or {}).get(digest) or compact.build(Unit, cache.loads(blob))
            out.units.append(unit)
            out.by_digest[digest] = unit
            if entry is not None:
                out.by_path[entry[0]] = unit
    return out


def _in_order(found: list[Entry | None], fresh: Iterator[Entry]) -> Iterator[Entry]:
    """The entries in file order: the cache's, and the checked ones where it had none. Each
    is handed over once (the list lets go of it), so they are not all held at the same time."""
    for n, entry in enumerate(found):
        found[n] = None
        yield entry if entry is not None else next(fresh)


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


_WORKER: dict[str, Any] = {}


def _work(paths: list[Path]) -> tuple[list[Entry], dict[bytes, bytes]]:
    """A worker's share: its entries, and the new cache entries for the parent to write."""
    store: cache.Cache = _WORKER["store"]
    store.pending = {}
    entries = _check_files(
        paths, _WORKER["root"], _WORKER["ctx"], _WORKER["keep_units"], _WORKER["max_bytes"], store
    )
    return entries, store.pending


def _check_parallel(
    paths: list[Path],
    root: Path,
    ctx: context.Context | None,
    jobs: int,
    keep_units: bool,
    max_bytes: int,
    store: cache.Cache,
) -> Iterator[Entry]:
    """Split the files into contiguous chunks, check them in `jobs` processes, and hand the
    results over in file order as each chunk arrives (so the output does not depend on how
    the work was shared, and the parent builds units while the workers read). Workers send
    back plain entries, never models (unpickling models costs the parent fifteen times
    more); their new cache entries are written as they come, not held to the end."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method != "fork":
        yield from _check_files(paths, root, ctx, keep_units, max_bytes, store)
        return
    # inherited by forked workers
    _WORKER.update(root=root, ctx=ctx, keep_units=keep_units, max_bytes=max_bytes, store=store)
    # small chunks: the parent receives each chunk's entries at once, and big ones left the
    # heap scattered (peak 250 MiB at 10.000 units with eight chunks, 215 with chunks of 100)
    size = max(1, min(CHUNK, -(-len(paths) // (jobs * 4))))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method))
    try:
        for part, pending in pool.map(_work, chunks):
            store.pending.update(pending)
            store.flush()
            yield from part
    finally:  # also when the reader stops early (an error while building units)
        pool.shutdown(wait=True, cancel_futures=True)


def _read(path: Path, root: Path) -> yamlload.Loaded:
    """The catalogue or the approvals: read unless a link leads outside the repository."""
    rel = _rel(path, root)
    if _outside(path, root):
        return yamlload.Loaded(rel, problems=[_symlink_outside(rel)])
    return yamlload.load(path, rel)


FREEZE_EVERY = 500
CHUNK = 100  # unit files per task given to a worker process
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
    reuse: dict[bytes, Unit] | None = None,
    complete: bool = False,
) -> Workspace:
    """Read the catalogue and the unit files and check them; never raises on bad data.
    `jobs` > 1 checks the unit files in that many processes (same result, sooner);
    `keep_units=False` keeps only the problems, for validation alone; `locks=False` skips the
    approval locks (for reading an approved revision itself); `today` (the command's date,
    never read from the clock here) bounds approval and correction dates; `git_dates` compares
    `submitted` dates with when results reached the repository; a unit whose checked data has
    the digest of one in `reuse` is taken from there, not built again; `complete`: the `paths`
    given are the whole roster (an edit reads every file, one replaced), so the approved outcome
    is compared as for the whole data."""
    root = root or repository_root(data_dir)
    files.real_folder.cache_clear()  # links are resolved anew for each reading
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
    # approval locks compare whole units (the git dates need only the roster's report dates)
    keep_units = keep_units or (locks and guard.ever_approved(data_dir))
    unit_paths = discover(data_dir, paths)
    ws.files += len(unit_paths)
    ws.unit_files = len(unit_paths)
    store = _unit_cache(cat_path, ctx, max_bytes)
    found = _cached(unit_paths, root, data_dir, ctx, keep_units, max_bytes, store)
    todo = [p for p, e in zip(unit_paths, found, strict=True) if e is None]
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        fresh = _check_parallel(todo, root, ctx, jobs, keep_units, max_bytes, store)
    else:
        fresh = iter(_check_files(todo, root, ctx, keep_units, max_bytes, store))
    try:
        checked = _assemble(_in_order(found, fresh), reuse)
        if next(fresh, None) is not None:  # every checked file has its place  # pragma: no cover
            raise AssertionError("more entries than files")
    finally:
        if isinstance(fresh, Generator):
            fresh.close()  # the worker processes end with the reading, whatever happened
    del found, fresh
    store.flush()
    # What was read lives until the command ends: move it out of the collector's sight, so
    # scoring and rendering do not pay for rescanning it (see _assemble).
    gc.freeze()
    ws.problems.extend(checked.problems)
    if ctx is not None:
        ws.problems.extend(roster.check_roster(checked.roster, ctx, cat_file, whole=not paths))
    ws.units = sorted(checked.units, key=lambda u: u.id)
    ws.by_digest = checked.by_digest
    ws.evidence = checked.evidence
    ws.roster = checked.roster
    ws.by_path = checked.by_path
    ws.paths = {e.id: e.path for e in reversed(checked.roster)}
    if locks and ws.catalogue is not None:
        # today's units stand for the approved ones only when every file was read, as then
        whole = not paths and max_bytes == yamlload.MAX_BYTES
        ws.problems.extend(_approval_locks(ws, complete or not paths, today, git_dates, whole))
    ws.problems.sort()
    return ws


def _unit_cache(cat_path: Path, ctx: context.Context | None, max_bytes: int) -> cache.Cache:
    """The cache of checked unit files for this catalogue (its exact bytes) and size limit."""
    try:
        catalogue = cat_path.read_bytes()
    except OSError:
        catalogue = b""
    salt = b"%d\0%d\0" % (max_bytes, ctx is not None) + catalogue
    return cache.Cache.open("units", salt)


def load_revision(
    root: Path,
    rev: str,
    data_rel: str,
    reuse: dict[bytes, Unit] | None = None,
    today: Workspace | None = None,
) -> Workspace:
    """The catalogue and units of `data_rel` as they stood at commit `rev` (read and checked
    without locks). A commit never changes, so this is cached by its full id and the folder:
    after the first call it costs one read, not an export and a read of every file; and a unit
    whose checked data has not changed since is taken from `reuse` (today's units by digest)
    instead of being rebuilt. `today`, the whole data as read now, lets it take every file git
    finds unchanged since `rev` from there and read only the others (not stored: it costs
    less than storing it)."""
    import tempfile

    sha = git.resolve(root, rev)  # a commit that does not exist: GitProblem
    store = cache.Cache.open("revisions")
    key = store.key(sha.encode(), data_rel.encode())
    folder = root / data_rel
    reuse = reuse or {}
    hit = store.get(key)
    if (
        type(hit) is tuple
        and len(hit) == 3
        and (hit[0] is None or type(hit[0]) is bytes)
        and type(hit[1]) is tuple
        and all(type(u) is tuple and len(u) == 2 for u in hit[1])
        and type(hit[2]) is dict
    ):
        catalogue = compact.build(Catalogue, cache.loads(hit[0])) if hit[0] else None
        units = [
            reuse.get(digest) or compact.build(Unit, cache.loads(blob)) for digest, blob in hit[1]
        ]
        store.flush()  # the day it was used
        return Workspace(root, folder, catalogue, units, paths=hit[2])
    old = _from_today(root, sha, data_rel, today, reuse) if today is not None else None
    if old is not None:
        return old  # cheaper than storing it: git compares with its index, not file by file
    with tempfile.TemporaryDirectory(prefix="thidua-rev-") as tmp:
        exported = git.export(root, sha, data_rel, Path(tmp))
        if not (exported / CATALOGUE).is_file():
            raise git.GitProblem(f"commit {sha[:12]} không có {data_rel}/{CATALOGUE}.")
        jobs = min(os.cpu_count() or 1, 8)
        old = load(exported, root=Path(tmp), jobs=jobs, locks=False, reuse=reuse)
    digests = {id(u): d for d, u in old.by_digest.items()}
    store.put(
        key,
        (
            cache.dumps(compact.plain(old.catalogue)) if old.catalogue else None,
            tuple((digests.get(id(u), b""), cache.dumps(compact.plain(u))) for u in old.units),
            old.paths,
        ),
    )
    store.flush()
    return Workspace(root, folder, old.catalogue, old.units, paths=old.paths)


def _from_today(
    root: Path, sha: str, data_rel: str, today: Workspace, reuse: dict[bytes, Unit]
) -> Workspace | None:
    """The data at commit `sha` built from today's: a unit file whose bytes are the blob
    committed then is today's unit; the others are read from git and checked (through the
    cache). The bytes themselves are compared, never git's index (a file marked
    assume-unchanged, or edited without a new time, would pass for unchanged there). None when
    that cannot be trusted: the catalogue changed (every unit is checked against it), or
    today's reading is not of the same repository."""
    if today.catalogue is None or os.path.realpath(today.root) != os.path.realpath(root):
        return None
    prefix = "" if data_rel in ("", ".") else data_rel.rstrip("/") + "/"
    committed = git.blobs(root, sha, data_rel)
    catalogue = committed.get(prefix + CATALOGUE)
    if catalogue is None or _blob_now(root / (prefix + CATALOGUE), catalogue) != catalogue:
        return None
    listed = sorted(
        p for p in committed if p.startswith(prefix + UNITS + "/") and p.endswith((".yaml", ".yml"))
    )
    # today's units by the real path of their file, as git names it (the data folder may be
    # reached through a link; today's paths are as shown)
    real_root = os.path.realpath(root)
    mine = {
        Path(os.path.relpath(os.path.realpath(today.root / rel), real_root)).as_posix(): unit
        for rel, unit in today.by_path.items()
    }
    # a file with the committed bytes is today's unit; any other (or one today has no unit
    # for: errors, or a path that does not match) is read from git and checked
    same = {p for p in listed if p in mine and _blob_now(root / p, committed[p]) == committed[p]}
    wanted = [p for p in listed if p not in same]
    ctx = context.Context(today.catalogue, root, data_rel or ".")
    store = _unit_cache(today.data_dir / CATALOGUE, ctx, yamlload.MAX_BYTES)
    fetched = {
        path: raw
        for path, raw in zip(wanted, git.show_many(root, [(sha, p) for p in wanted]), strict=True)
        if raw is not None and len(raw) <= yamlload.MAX_BYTES
    }
    keys = {p: store.key(p.encode("utf-8", "surrogateescape"), raw) for p, raw in fetched.items()}
    found = store.get_many(list(keys.values()))
    digest_of = {id(u): d for d, u in today.by_digest.items()}
    old = Workspace(root, root / data_rel, today.catalogue)
    for path in listed:
        if path in same:
            unit = mine[path]
            digest = digest_of.get(id(unit), b"")
        elif path in fetched:
            entry = found.get(keys[path])
            if not _is_entry(entry):
                entry = _check_loaded(yamlload.load_bytes(fetched[path], path), ctx)
                store.put(keys[path], entry)
            blob = cast(Entry, entry)[3]
            if blob is None:
                continue
            digest = _digest(blob)
            unit = reuse.get(digest) or compact.build(Unit, cache.loads(blob))
        else:
            continue  # not readable as a unit at that commit (too large): it had no unit
        old.units.append(unit)
        old.paths.setdefault(unit.id, path)
        if digest:
            old.by_digest[digest] = unit
    store.flush()
    old.units.sort(key=lambda u: u.id)
    return old


def _blob_now(path: Path, like: str) -> str | None:
    """The blob id of the file's bytes now (None: not a regular file, or unreadable). Where
    the bytes differ from the committed blob `like` only by Windows line ends (git on Windows
    checks files out that way), `like` itself: YAML reads both the same, figure for figure."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    found = git.blob_id(raw, like)
    if found != like and b"\r\n" in raw and git.blob_id(raw.replace(b"\r\n", b"\n"), like) == like:
        return like
    return found


def _approval_locks(
    ws: Workspace, whole: bool, today: date | None, git_dates: bool, as_then: bool
) -> list[Problem]:
    """The approval locks (guard.py); each approved revision is read once ever (cached by
    commit, reusing today's unchanged units)."""

    def approved_revision(commit: str) -> guard.Revision:
        root = git.top(ws.data_dir)
        data_rel = Path(os.path.relpath(ws.data_dir.resolve(), root)).as_posix()
        old = load_revision(root, commit, data_rel, ws.by_digest, ws if as_then else None)
        return old.catalogue, old.units

    scene = guard.Scene(
        ws.root,
        ws.data_dir,
        ws.catalogue,
        ws.units,
        ws.paths,
        ws.approvals,
        ws.has_errors,
        frozenset(p.path for p in ws.problems if p.is_error),
        ws.roster,
    )
    return guard.check(scene, approved_revision, whole=whole, today=today, git_dates=git_dates)


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
    unit = _model(Unit, f, problems, ws.catalogue)
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
