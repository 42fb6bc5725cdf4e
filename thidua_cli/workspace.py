"""The front door: find, read and check every data file, apply the approval locks.

`load()` is what every command reads the campaign through; `check_document()` checks one
parsed unit document in the context of the rest (for `thidua set` and Excel import).
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from thidua_cli.checks import catalogue as catalogue_checks
from thidua_cli.checks import locks as locks_check
from thidua_cli.checks import roster
from thidua_cli.checks import unit as checks
from thidua_cli.problems import Problem, Severity, error
from thidua_cli.read import cache, compact, git, schema_errors, yamlload
from thidua_cli.read.models import Approval, Approvals, Catalogue, Unit

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
    paths: dict[str, str] = field(default_factory=dict)  # unit id -> repository-relative file
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    # each unit by a digest of its checked plain data: equal digests, equal units (lets the
    # data of an approved commit reuse today's units instead of rebuilding them)
    by_digest: dict[bytes, Unit] = field(default_factory=dict, repr=False)

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


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


@dataclass
class _Checked:
    """The outcome of reading and checking a batch of unit files."""

    problems: list[Problem] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    roster: list[roster.RosterEntry] = field(default_factory=list)
    by_digest: dict[bytes, Unit] = field(default_factory=dict)


def _outside(path: Path, root: Path) -> bool:
    """A symlink whose target lies outside the repository (it could expose any file)."""
    if not os.path.islink(path):
        return False
    real, base = os.path.realpath(path), os.path.realpath(root)
    return not real.startswith(base + os.sep)


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
        ev.file for r in unit.results for v in r.values.values() for ev in v.evidence if ev.file
    ]


def _check_loaded(f: yamlload.Loaded, ctx: checks.Context | None) -> Entry:
    problems = list(f.problems)
    problems.extend(checks.thousands_problems(f))
    unit = _model(Unit, f, problems)
    if unit is None:
        return tuple(_problem_tuple(p) for p in problems), None, (), None
    entry = roster.RosterEntry.of(unit, f)
    evidence: tuple[tuple[str, str], ...] = ()
    if ctx is not None:
        problems.extend(checks.check_unit(unit, f, ctx))
        evidence = tuple((e, ctx.evidence(e)) for e in _evidence_files(unit))
    return (
        tuple(_problem_tuple(p) for p in problems),
        (entry.path, entry.id, entry.id_pos, entry.exemplars),
        evidence,
        cache.dumps(compact.plain(unit)),
    )


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


def _evidence_state(ctx: checks.Context, file: str, seen: dict[str, str]) -> str:
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
    ctx: checks.Context | None,
    max_bytes: int,
    store: cache.Cache,
    seen: dict[str, str],
) -> Entry:
    """Check one unit file, through the cache: an entry is used only when the file's path and
    bytes, the catalogue, the size limit and the tool are the same (all in the key) and every
    evidence file it points to is still found the same way."""
    raw = _read_raw(path, max_bytes)
    if raw is None:
        return _check_loaded(yamlload.load(path, rel, max_bytes), ctx)
    if not store.on:
        return _check_loaded(yamlload.load_bytes(raw, rel), ctx)
    key = store.key(rel.encode(), raw)
    hit = store.get(key)
    if _is_entry(hit):
        found = cast(Entry, hit)
        if ctx is None or all(_evidence_state(ctx, e, seen) == state for e, state in found[2]):
            return found
    entry = _check_loaded(yamlload.load_bytes(raw, rel), ctx)
    store.put(key, entry)
    return entry


def _check_files(
    paths: Sequence[Path],
    root: Path,
    ctx: checks.Context | None,
    keep_units: bool = True,
    max_bytes: int = yamlload.MAX_BYTES,
    store: cache.Cache | None = None,
) -> list[Entry]:
    store = store or cache.Cache(None, "units")
    out: list[Entry] = []
    here, base = os.getcwd(), os.path.abspath(root) + os.sep
    seen: dict[str, str] = {}  # evidence file -> what ctx.evidence found, for this reading
    for path in paths:
        absolute = os.path.normpath(os.path.join(here, path))  # os.path.abspath, without
        rel = (  # asking the system for the current folder ten thousand times
            Path(absolute[len(base) :]).as_posix() if absolute.startswith(base) else path.as_posix()
        )
        if _outside(path, root):
            problem = error(
                rel,
                (0, 0),
                "symlink-outside-repo",
                "Tệp là liên kết (symlink) trỏ ra ngoài kho dữ liệu; không đọc.",
                "Chép nội dung tệp vào kho thay vì tạo liên kết.",
            )
            out.append(((_problem_tuple(problem),), None, (), None))
            continue
        entry = _check_file(path, rel, ctx, max_bytes, store, seen)
        out.append(entry if keep_units else (entry[0], entry[1], (), None))
    return out


def _assemble(entries: list[Entry], reuse: dict[bytes, Unit] | None = None) -> _Checked:
    """Problems, roster and units from plain entries; units are rebuilt without validating
    again (they were validated when the entry was made)."""
    out = _Checked()
    for n in range(len(entries)):
        problems, entry, _evidence, blob = entries[n]
        entries[n] = _SPENT  # each entry's bytes are let go once its unit is built
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
        if blob is not None:
            digest = _digest(blob)
            unit = (reuse or {}).get(digest) or compact.build(Unit, cache.loads(blob))
            out.units.append(unit)
            out.by_digest[digest] = unit
    return out


_SPENT: Entry = ((), None, (), None)


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
    ctx: checks.Context | None,
    jobs: int,
    keep_units: bool,
    max_bytes: int,
    store: cache.Cache,
) -> list[Entry]:
    """Split the files into contiguous chunks, check them in `jobs` processes, and join the
    results in file order, so the output does not depend on how the work was shared. Workers
    send back plain entries, never models (unpickling models costs the parent fifteen times
    more)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method != "fork":
        return _check_files(paths, root, ctx, keep_units, max_bytes, store)
    # inherited by forked workers
    _WORKER.update(root=root, ctx=ctx, keep_units=keep_units, max_bytes=max_bytes, store=store)
    size = max(1, -(-len(paths) // (jobs * 4)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    total: list[Entry] = []
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
        for part, pending in pool.map(_work, chunks):
            total.extend(part)
            store.pending.update(pending)
    return total


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
    reuse: dict[bytes, Unit] | None = None,
) -> Workspace:
    """Read the catalogue and the unit files and check them; never raises on bad data.
    `jobs` > 1 checks the unit files in that many processes (same result, sooner);
    `keep_units=False` keeps only the problems, for validation alone; `locks=False` skips the
    approval locks (for reading an approved revision itself); a unit whose checked data has
    the digest of one in `reuse` is taken from there, not built again."""
    root = root or data_dir.resolve().parent
    ws = Workspace(root=root, data_dir=data_dir)
    cat_path = data_dir / CATALOGUE
    cat_file = yamlload.load(cat_path, _rel(cat_path, root))
    ws.files += 1
    ws.problems.extend(cat_file.problems)
    ws.problems.extend(checks.thousands_problems(cat_file))
    ws.catalogue = _model(Catalogue, cat_file, ws.problems)
    if ws.catalogue is not None:
        ws.problems.extend(catalogue_checks.check_catalogue(ws.catalogue, cat_file))
    approvals_path = data_dir / APPROVALS
    if approvals_path.exists():
        approvals_file = yamlload.load(approvals_path, _rel(approvals_path, root))
        ws.files += 1
        ws.problems.extend(approvals_file.problems)
        approved = _model(Approvals, approvals_file, ws.problems)
        ws.approvals = approved.approvals if approved else []
    ctx = checks.Context(ws.catalogue, root) if ws.catalogue is not None else None
    keep_units = keep_units or bool(ws.approvals)  # approval locks compare whole units
    unit_paths = discover(data_dir, paths)
    ws.files += len(unit_paths)
    store = _unit_cache(cat_path, ctx, max_bytes)
    if jobs > 1 and len(unit_paths) >= PARALLEL_FROM:
        entries = _check_parallel(unit_paths, root, ctx, jobs, keep_units, max_bytes, store)
    else:
        entries = _check_files(unit_paths, root, ctx, keep_units, max_bytes, store)
    store.flush()
    checked = _assemble(entries, reuse)
    del entries
    # What was read lives until the command ends: move it out of the collector's sight, so
    # scoring and rendering do not pay for rescanning it (see _check_files).
    gc.freeze()
    ws.problems.extend(checked.problems)
    if ctx is not None:
        ws.problems.extend(roster.check_roster(checked.roster, ctx, cat_file, whole=not paths))
    ws.units = sorted(checked.units, key=lambda u: u.id)
    ws.by_digest = checked.by_digest
    ws.paths = {e.id: e.path for e in reversed(checked.roster)}
    if locks and ws.approvals and ws.catalogue is not None:
        ws.problems.extend(_approval_locks(ws, whole=not paths))
    ws.problems.sort()
    return ws


def _unit_cache(cat_path: Path, ctx: checks.Context | None, max_bytes: int) -> cache.Cache:
    """The cache of checked unit files for this catalogue (its exact bytes) and size limit."""
    try:
        catalogue = cat_path.read_bytes()
    except OSError:
        catalogue = b""
    salt = b"%d\0%d\0" % (max_bytes, ctx is not None) + catalogue
    return cache.Cache.open("units", salt)


def load_revision(
    root: Path, rev: str, data_rel: str, reuse: dict[bytes, Unit] | None = None
) -> Workspace:
    """The catalogue and units of `data_rel` as they stood at commit `rev` (read and checked
    without locks). A commit never changes, so this is cached by its full id and the folder:
    after the first call it costs one read, not an export and a read of every file; and a unit
    whose checked data has not changed since is taken from `reuse` (today's units by digest)
    instead of being rebuilt."""
    import tempfile

    sha = git.resolve(root, rev)
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
        return Workspace(root, folder, catalogue, units, paths=hit[2])
    with tempfile.TemporaryDirectory(prefix="thidua-rev-") as tmp:
        exported = git.export(root, sha, data_rel, Path(tmp))
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


def _approval_locks(ws: Workspace, whole: bool) -> list[Problem]:
    """Compare each approved phase with the data as it stood at the approved commit."""
    out: list[Problem] = []
    try:
        root: Path | None = git.top(ws.data_dir)
    except git.GitProblem:
        root = None
    cat_rel = _rel(ws.data_dir / CATALOGUE, ws.root)
    for approval in ws.approvals:
        try:
            if root is None:
                raise git.GitProblem("thư mục dữ liệu không nằm trong kho git.")
            data_rel = Path(os.path.relpath(ws.data_dir.resolve(), root)).as_posix()
            old = load_revision(root, approval.commit, data_rel, ws.by_digest)
            out.extend(
                locks_check.check_locks(
                    approval,
                    old.units,
                    old.catalogue,
                    ws.units,
                    ws.catalogue,
                    ws.root,
                    ws.paths,
                    cat_rel,
                    whole,
                )
            )
        except git.GitProblem as exc:
            # an approval that cannot be checked must not switch the lock off: an error
            out.append(
                error(
                    _rel(ws.data_dir / APPROVALS, ws.root),
                    (1, 1),
                    "approval-unverifiable",
                    f"Không kiểm tra được phê duyệt đợt {approval.phase} (commit "
                    f"{approval.commit[:12]}): {exc}",
                    "Cần toàn bộ lịch sử git (trong CI: actions/checkout với fetch-depth: 0); "
                    "nếu commit đã bị xóa khỏi lịch sử, Hội đồng cần phê duyệt lại.",
                )
            )
    return out


def check_document(ws: Workspace, data: object, rel: str) -> tuple[Unit | None, list[Problem]]:
    """Check one unit document (plain values, as `thidua set` or an Excel import would write
    it) in the context of the loaded campaign: shape, the unit checks and the roster. Returns
    the unit when it is valid enough to compute with, and every problem found."""
    f = yamlload.Loaded(rel, data=data)
    problems: list[Problem] = []
    unit = _model(Unit, f, problems)
    if unit is not None and ws.catalogue is not None:
        ctx = checks.Context(ws.catalogue, ws.root)
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
