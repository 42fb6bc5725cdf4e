"""Writing files so that nothing is ever half-written (one file, or a set of files together),
and where a path named in a data file leads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _encode(content: bytes | str) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _temporary(path: Path, data: bytes) -> Path:
    """Write `data` to a hidden temporary file beside `path` (same file system, so the rename
    is atomic) and return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; what the tool writes is for everyone to read
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, content: bytes | str) -> None:
    """Write to a temporary file beside `path`, then rename: a reader sees the old file or the
    new one, never half of one."""
    tmp = _temporary(path, _encode(content))
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@dataclass
class SetWrite:
    """What became of a set of files: which were replaced, which were left as they were."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    error: OSError | None = None
    failed: Path | None = None


def write_set(outputs: Sequence[tuple[Path, bytes | str]]) -> SetWrite:
    """Write several files as one: every temporary file first, then the renames. A failure
    while writing the temporaries (disk full, no permission) replaces nothing and removes
    them; the result says which files were and were not replaced."""
    result = SetWrite()
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, content in outputs:
            result.failed = path
            temporaries.append((_temporary(path, _encode(content)), path))
        result.failed = None
        for tmp, path in temporaries:
            result.failed = path
            os.replace(tmp, path)
            result.written.append(path)
        result.failed = None
    except OSError as exc:
        result.error = exc
    finally:
        for tmp, _ in temporaries:
            tmp.unlink(missing_ok=True)
    result.kept = [p for p, _ in outputs if p not in result.written]
    return result


@lru_cache(maxsize=4096)
def real_folder(folder: str) -> str:
    """os.path.realpath of a folder, resolved once per process (thousands of files share a
    few folders, and resolving walks every part of the path)."""
    return os.path.realpath(folder)


def evidence_state(real_root: str, file: str) -> str:
    """Where an evidence path leads, from the repository's real root: "ok", "missing",
    "outside" the repository (also through a symlink) or into its "git" folder. Directories
    are resolved once each: thousands of files share few."""
    joined = os.path.normpath(os.path.join(real_root, file))
    folder, name = os.path.split(joined)
    resolved = real_folder(folder)
    inside = resolved == real_root or resolved.startswith(real_root + os.sep)
    if not inside:
        return "outside"
    target = os.path.join(resolved, name)
    if os.path.islink(target):
        target = os.path.realpath(target)
        if not target.startswith(real_root + os.sep):
            return "outside"
    if ".git" in Path(os.path.relpath(target, real_root)).parts:
        return "git"
    return "ok" if os.path.isfile(target) else "missing"


# The bytes of unit files already read once in this run (by the replay, to hash its inputs),
# so that checking them does not read them again: at 10.000 files a second read costs 0,2 s.
# Each is handed out once; `forget` drops what was not asked for.
_READ: dict[str, bytes] = {}


def remember(path: str, body: bytes) -> None:
    _READ[path] = body


def recall(path: str) -> bytes | None:
    return _READ.pop(path, None)


def forget() -> None:
    _READ.clear()
