"""A cache of checked files in the user's cache folder, so an unchanged file is never parsed twice.

An entry is plain data (tuples, dicts, str, Decimal, date) stored under a key that hashes
everything that can change it: the tool's own code, the library versions, a `salt` the caller
gives (the catalogue's bytes, the size limit) and the entry's own inputs (path and bytes).
Safety comes before speed: an entry carries its key and a digest of its body, is unpickled with
only the types above allowed, and anything unexpected is a miss, never an answer. Writes are
atomic (a temporary file renamed into place); a folder that cannot be written turns writing off.

    THIDUA_CACHE_DIR   the folder (default: the user's cache folder, see `default_folder`)
    THIDUA_NO_CACHE=1  no cache at all (also `thidua --no-cache …`)
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
from pathlib import Path
from typing import Any

FORMAT = b"thidua-cache-1\n"  # bump when the layout of an entry changes
ENV_FOLDER = "THIDUA_CACHE_DIR"
ENV_OFF = "THIDUA_NO_CACHE"
_DIGEST = 32
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
    """Entries in one folder, in a namespace (`kind`) and under a `salt`; folder None: off."""

    def __init__(self, folder: Path | None, kind: str, salt: bytes = b"") -> None:
        self.folder = folder / kind if folder is not None else None
        self.salt = hashlib.blake2b(
            fingerprint() + b"\0" + kind.encode() + b"\0" + salt, digest_size=_DIGEST
        ).digest()
        self.writable = folder is not None
        self.hits = self.misses = 0

    @classmethod
    def open(cls, kind: str, salt: bytes = b"", folder: Path | None = None) -> Cache:
        """The cache as configured by the environment (off when THIDUA_NO_CACHE is set)."""
        if not enabled():
            return cls(None, kind, salt)
        return cls(folder or default_folder(), kind, salt)

    @property
    def on(self) -> bool:
        return self.folder is not None

    def key(self, *parts: bytes) -> bytes:
        h = hashlib.blake2b(self.salt, digest_size=_DIGEST)
        for part in parts:
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()

    def _path(self, key: bytes) -> Path:
        assert self.folder is not None
        name = key.hex()
        return self.folder / name[:2] / name[2:]

    def get(self, key: bytes) -> Any | None:
        """The entry stored under `key`, or None: missing, unreadable, corrupted or foreign."""
        if self.folder is None:
            return None
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        head = len(FORMAT) + 2 * _DIGEST
        body = raw[head:]
        if (
            raw[: len(FORMAT)] != FORMAT
            or raw[len(FORMAT) : len(FORMAT) + _DIGEST] != key
            or raw[len(FORMAT) + _DIGEST : head]
            != hashlib.blake2b(body, digest_size=_DIGEST).digest()
        ):
            self.misses += 1
            return None
        try:
            value = loads(body)
        except Exception:  # any defect in an entry is a miss, never a crash
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: bytes, value: Any) -> None:
        """Store atomically; a folder that cannot be written turns writing off, silently."""
        if self.folder is None or not self.writable:
            return
        body = dumps(value)
        blob = FORMAT + key + hashlib.blake2b(body, digest_size=_DIGEST).digest() + body
        target = self._path(key)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as out:
                out.write(blob)
            os.replace(tmp, target)
        except OSError:
            self.writable = False
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
