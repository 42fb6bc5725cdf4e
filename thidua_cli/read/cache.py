"""A cache of checked files in the user's cache folder, so an unchanged file is never parsed twice.

An entry is plain data (tuples, dicts, str, Decimal, date) stored under a key that hashes
everything that can change it: the tool's own code, the library versions, a `salt` the caller
gives (the catalogue's bytes, the size limit) and the entry's own inputs (path and bytes).
Safety comes before speed: an entry carries its key and a digest of its body, is unpickled with
only the types above allowed, and anything unexpected is a miss, never an answer. Entries live in
one SQLite file per kind, written in one transaction (atomic); a folder that cannot be written
turns writing off. Each entry remembers the day it was last used; once a day, the run that writes
drops the entries nobody used for KEEP_DAYS days (a past version of a file, another version of
the tool), so the cache does not grow without end.

    THIDUA_CACHE_DIR   the folder (default: the user's cache folder, see `default_folder`)
    THIDUA_NO_CACHE=1  no cache at all (also `thidua --no-cache …`)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

FORMAT = b"thidua-cache-1\n"  # bump when the layout of an entry changes
ENV_FOLDER = "THIDUA_CACHE_DIR"
ENV_OFF = "THIDUA_NO_CACHE"
_DIGEST = 32
KEEP_DAYS = 45  # an entry unused this long is dropped: a miss costs one parse, never a result
KINDS = ("units", "results", "revisions")  # the files `thidua cache` shows and clears
_TABLE = "items"  # (key, used, value): `used` before the blob, so pruning never reads a body
# The only globals an entry may name when unpickled: an entry is data, never code.
_ALLOWED = {("decimal", "Decimal"), ("datetime", "date")}


def default_folder() -> Path:
    """The user's cache folder for thidua: THIDUA_CACHE_DIR, else the platform's place
    (%LOCALAPPDATA% on Windows, ~/Library/Caches on macOS, $XDG_CACHE_HOME or ~/.cache)."""
    chosen = os.environ.get(ENV_FOLDER)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "thidua" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "thidua"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "thidua"


def _today() -> int:
    return date.today().toordinal()


def enabled() -> bool:
    return os.environ.get(ENV_OFF, "").strip().lower() in ("", "0", "false", "no")


_FINGERPRINT: list[bytes] = []


def fingerprint() -> bytes:
    """What the tool is: its version, every source file of the package, and the versions of
    Python and the libraries that parse and validate. Editing the code misses every entry."""
    if not _FINGERPRINT:
        import pydantic
        import yaml

        from thidua_cli import __version__

        h = hashlib.blake2b(digest_size=_DIGEST)
        for part in (FORMAT, __version__, sys.version, pydantic.VERSION, yaml.__version__):
            h.update(str(part).encode() + b"\0")
        package = Path(__file__).resolve().parent.parent
        for source in sorted(package.rglob("*.py")):
            h.update(source.relative_to(package).as_posix().encode() + b"\0")
            h.update(source.read_bytes() + b"\0")
        _FINGERPRINT.append(h.digest())
    return _FINGERPRINT[0]


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not data")
        return super().find_class(module, name)


def loads(blob: bytes) -> Any:
    """Plain data pickled by this module's writers (restricted to data types, like entries)."""
    return _Unpickler(io.BytesIO(blob)).load()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Cache:
    """Entries of one `kind` under a `salt`, in one SQLite file in the cache folder (folder
    None: off). Ten thousand small files cost a second of system time to write; one
    transaction costs a few milliseconds. Writes are buffered by `put` and written together
    by `flush`, in the process that owns the cache (worker processes only read)."""

    def __init__(self, folder: Path | None, kind: str, salt: bytes = b"") -> None:
        self.folder = folder
        self.file = folder / f"{kind}.sqlite" if folder is not None else None
        self.salt = hashlib.blake2b(
            fingerprint() + b"\0" + kind.encode() + b"\0" + salt, digest_size=_DIGEST
        ).digest()
        self.writable = folder is not None
        self.pending: dict[bytes, bytes] = {}
        self.touched: set[bytes] = set()  # entries read today that were last used before
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._ready = False  # the connection was prepared for writing (see _prepare)
        self.hits = self.misses = 0

    @classmethod
    def open(cls, kind: str, salt: bytes = b"", folder: Path | None = None) -> Cache:
        """The cache as configured by the environment (off when THIDUA_NO_CACHE is set)."""
        if not enabled():
            return cls(None, kind, salt)
        return cls(folder or default_folder(), kind, salt)

    @property
    def on(self) -> bool:
        return self.file is not None

    def key(self, *parts: bytes) -> bytes:
        h = hashlib.blake2b(self.salt, digest_size=_DIGEST)
        for part in parts:
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The database of this process (a connection never crosses a fork); None when there
        is none yet or it cannot be opened. A file that is not our database is replaced. A
        connection opened to read is opened again, prepared, to write."""
        if self._db is not None and self._pid == os.getpid():
            if self._ready or not create:
                return self._db
            _close(self._db)
        self._db = None
        if self.file is None or (not create and not self.file.exists()):
            return None
        for attempt in range(2):
            db = None
            try:
                if create:
                    self.file.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.file, timeout=2, isolation_level=None)
                db.execute("PRAGMA synchronous=OFF")
                if create:
                    _prepare(db)
            except sqlite3.OperationalError:  # locked by another run, busy: not ours to delete
                _close(db)
                return None
            except sqlite3.DatabaseError:
                _close(db)
                if attempt or not create:
                    return None
                with contextlib.suppress(OSError):  # corrupted or foreign: start afresh
                    self.file.unlink()
                continue
            except OSError:
                _close(db)
                return None
            self._db, self._pid, self._ready = db, os.getpid(), create
            return db
        return None  # pragma: no cover

    def get(self, key: bytes) -> Any | None:
        """The entry stored under `key`, or None: missing, unreadable, corrupted or foreign."""
        db = self._connect(create=False)
        if db is None:
            self.misses += 1
            return None
        try:
            row = db.execute(f"SELECT used, value FROM {_TABLE} WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            row = None
        value = self._decode(key, row[0], row[1]) if row is not None else None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def _decode(self, key: Any, used: Any, raw: Any) -> Any | None:
        if type(key) is not bytes or type(raw) is not bytes:
            return None
        value = _decode(key, raw)
        if value is not None and (type(used) is not int or used < self.today):
            self.touched.add(key)
        return value

    def get_many(self, keys: list[bytes]) -> dict[bytes, Any]:
        """The entries stored under `keys` that are whole and ours (as `get`), a few hundred
        per query: ten thousand single look-ups cost more than reading the entries."""
        db = self._connect(create=False)
        found: dict[bytes, Any] = {}
        for start in range(0, len(keys) if db is not None else 0, 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            try:
                rows = db.execute(  # type: ignore[union-attr]
                    f"SELECT key, used, value FROM {_TABLE} WHERE key IN ({marks})", part
                ).fetchall()
            except sqlite3.Error:
                rows = []
            for key, used, raw in rows:
                value = self._decode(key, used, raw)
                if value is not None:
                    found[key] = value
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def put(self, key: bytes, value: Any) -> None:
        """Keep an entry to be written by `flush`."""
        if self.file is not None and self.writable:
            body = dumps(value)
            self.pending[key] = key + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body

    def flush(self) -> None:
        """Write the kept entries, and the day the entries read were used, in one transaction
        (all or none); the first write of a day also drops what nobody used for KEEP_DAYS days.
        A folder that cannot be written turns writing off, silently: the tool works the same,
        only slower. A file damaged inside (its first page whole) is replaced, as in _connect."""
        if not self.pending and not self.touched:
            return
        pending, self.pending = self.pending, {}
        touched, self.touched = self.touched - pending.keys(), set()
        for attempt in range(2):
            db = self._connect(create=True) if self.writable else None
            if db is None:
                self.writable = False
                return
            try:
                self._write(db, pending, touched)
                return
            except sqlite3.OperationalError:  # busy, locked, read-only: not ours to delete
                break
            except sqlite3.DatabaseError:  # "malformed": start afresh with what we have
                _close(db)
                self._db = None
                touched = set()
                if attempt or self.file is None:
                    break
                with contextlib.suppress(OSError):
                    self.file.unlink()
            except sqlite3.Error:
                break
        self.writable = False

    def _write(
        self, db: sqlite3.Connection, pending: dict[bytes, bytes], touched: set[bytes]
    ) -> None:
        """One transaction: the new entries, the day of the ones used, and (first write of a
        day) the entries unused for KEEP_DAYS dropped, their space given back."""
        today = self.today
        pruned = 0
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                f"INSERT OR REPLACE INTO {_TABLE} (key, used, value) VALUES (?, ?, ?)",
                ((key, today, body) for key, body in pending.items()),
            )
            db.executemany(
                f"UPDATE {_TABLE} SET used = ? WHERE key = ?", ((today, k) for k in touched)
            )
            if db.execute("PRAGMA user_version").fetchone()[0] != today:
                pruned = db.execute(
                    f"DELETE FROM {_TABLE} WHERE used < ?", (today - KEEP_DAYS,)
                ).rowcount
                db.execute(f"PRAGMA user_version = {int(today)}")
        if pruned:
            _give_back(db)

    @property
    def today(self) -> int:
        return _today()


def _prepare(db: sqlite3.Connection) -> None:
    """The table, in a database that gives freed pages back to the disk. The table of an
    earlier layout (no `used` day, written by an older thidua) is dropped; a file that does
    not yet give pages back is rebuilt to do so (VACUUM: tried again until it succeeds, so a
    run busy with the file at that moment only delays it)."""
    tables = _tables(db)
    if _LEGACY in tables:
        db.execute(f"DROP TABLE {_LEGACY}")
    if db.execute("PRAGMA auto_vacuum").fetchone()[0] != _INCREMENTAL:
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # a new, empty file: from now on
        if tables:
            db.execute("VACUUM")  # a file with tables: rebuilt
    elif _LEGACY in tables:
        _give_back(db)
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {_TABLE} (key BLOB PRIMARY KEY, used INTEGER, value BLOB)"
    )


_LEGACY = "entries"
_INCREMENTAL = 2
SIDE_FILES = ("-journal", "-wal", "-shm")  # what SQLite may keep beside a database file


def _tables(db: sqlite3.Connection) -> set[str]:
    return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _give_back(db: sqlite3.Connection) -> None:
    """Return every free page to the disk (one `execute` frees one page only: a script runs
    the pragma to the end). Another run busy with the file: next time."""
    with contextlib.suppress(sqlite3.Error):
        db.executescript("PRAGMA incremental_vacuum;")


def _close(db: sqlite3.Connection | None) -> None:
    if db is not None:
        with contextlib.suppress(sqlite3.Error):
            db.close()


def _decode(key: bytes, raw: bytes) -> Any | None:
    """An entry's value if it is whole and ours: it names its key, its body matches its
    digest, and it unpickles to data."""
    body = raw[2 * _DIGEST :]
    if (
        raw[:_DIGEST] != key
        or raw[_DIGEST : 2 * _DIGEST] != hashlib.blake2b(body, digest_size=_DIGEST).digest()
    ):
        return None
    try:
        return loads(body)
    except Exception:  # any defect in an entry is a miss, never a crash
        return None


@dataclass(frozen=True)
class Stored:
    """One cache file as `thidua cache` shows it: its size (with SQLite's journal) and, when it
    can be read, how many entries it holds and the last day one was used."""

    kind: str
    path: Path
    size: int
    entries: int | None
    last_used: date | None
    earlier: bool = False  # a file of an earlier layout, dropped by the next run that writes


def survey(folder: Path) -> list[Stored]:
    """The cache files present in `folder` (never raises: an unreadable file shows no count)."""
    found = []
    for kind in KINDS:
        path = folder / f"{kind}.sqlite"
        size = sum(_size(Path(f"{path}{suffix}")) for suffix in ("", *SIDE_FILES))
        if not path.is_file():
            continue
        entries: int | None = None
        last: date | None = None
        earlier = False
        db = None
        try:
            # as a URI (read-only), with «#», «?» or «%» in a folder's name escaped
            db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=2)
            tables = _tables(db)
            earlier = _LEGACY in tables and _TABLE not in tables
            if not earlier:
                entries, newest = db.execute(f"SELECT count(*), max(used) FROM {_TABLE}").fetchone()
                last = date.fromordinal(newest) if isinstance(newest, int) and newest > 0 else None
        except (sqlite3.Error, ValueError, OverflowError):
            entries = None
        finally:
            _close(db)
        found.append(Stored(kind, path, size, entries, last, earlier))
    return found


def clear(folder: Path) -> tuple[list[Stored], list[tuple[Path, OSError]]]:
    """Delete the cache files in `folder` (and nothing else there: the folder may be one the
    user named); what was deleted, and what could not be, with why."""
    deleted, failed = [], []
    present = {s.kind: s for s in survey(folder)}
    for kind in KINDS:  # a journal left beside a deleted database goes too
        base = folder / f"{kind}.sqlite"
        for suffix in ("", *SIDE_FILES):
            path = Path(f"{base}{suffix}")
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:  # in use by a running thidua (Windows), no permission
                failed.append((path, exc))
                break
        else:
            if kind in present:
                deleted.append(present[kind])
    return deleted, failed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
