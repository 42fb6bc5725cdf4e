"""A command run again on the same inputs prints what it printed before, without computing.

The cache of checked units (read/cache.py) saves the parsing; scoring, the approval locks and
writing 10.000 units out still cost seconds. So a reading command (validate, score, status,
exemplars, report) keeps its whole result, what it printed, the files it wrote and how it
ended, under a key made of *every* input that can change it:

- the tool itself (its code and library versions: read/cache.fingerprint), the command, its
  options, the folder it runs in, the day (approval and report dates use it), the environment
  variables that change output, and whether the output is a terminal and how wide;
- every file of the data folder by its bytes (the rendered reports in `reports/` excepted:
  they are output, and the report's revision leaves them out too), and the data repository's
  own `templates/` folder;
- the commit checked out (git history: approvals in force, approved revisions, when results
  reached the repository);
- each evidence file the checks looked at, outside the data folder too, as found then.

Anything different, or any doubt (no git, an entry that does not decode), and the command runs
in full. One entry is kept per command invocation, replaced when its inputs change, so the
cache does not grow with every edit. `--no-cache` (or THIDUA_NO_CACHE=1) turns it off too.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from thidua_cli.read.cache import Cache


KIND = "results"
OUTPUT_FOLDER = "reports"  # of the data folder: written by `report`, never read
_ENV = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "GITHUB_ACTIONS", "TZ")
_WHOLE = 64 * 2**20  # larger files (scans of evidence) count by size and time, not bytes

# What the running command read and wrote, noted by app.load and app.write_files.
_noted: dict[str, Any] = {}


def note_evidence(states: dict[str, str], root: Path) -> None:
    if "evidence" in _noted:
        _noted["evidence"].update(states)
        _noted["root"] = root


def note_written(outputs: list[tuple[Path, bytes | str]]) -> None:
    if "written" in _noted:
        _noted["written"].extend(outputs)


class _Recording:
    """What a command prints, compressed as it is printed (the JSON of 10.000 units is 20 MB of
    text, 2 MB compressed), in pieces of one stream each, in the order printed."""

    def __init__(self) -> None:
        self.pieces: list[tuple[int, Any, list[bytes]]] = []

    def add(self, number: int, text: str) -> None:
        if not self.pieces or self.pieces[-1][0] != number:
            self.pieces.append((number, zlib.compressobj(1), []))
        _, packer, out = self.pieces[-1]
        out.append(packer.compress(text.encode("utf-8", "surrogateescape")))

    def finish(self) -> tuple[tuple[int, bytes], ...]:
        return tuple((n, b"".join([*out, packer.flush()])) for n, packer, out in self.pieces)


class _Tee(io.TextIOBase):
    """A text stream that writes through to the real one and records a copy: stdout (0) and
    stderr (1) into one recording, so that a replay interleaves them as the first run did."""

    def __init__(self, real: IO[str], number: int, recording: _Recording) -> None:
        self.real = real
        self.number = number
        self.recording = recording

    def write(self, s: str) -> int:
        self.recording.add(self.number, s)
        return self.real.write(s)

    def flush(self) -> None:
        self.real.flush()

    def isatty(self) -> bool:
        return self.real.isatty()

    def fileno(self) -> int:
        return self.real.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.real, "encoding", "utf-8") or "utf-8"


def _files(folder: Path, skip: str | None = None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under `folder` (not in dot-folders, not in `skip`), in name order."""

    def walk(path: str, rel: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(path) as found:
            entries = sorted(found, key=lambda e: e.name)
        for e in entries:
            name = f"{rel}{e.name}"
            if e.is_dir():
                if not e.name.startswith(".") and name != skip:
                    yield from walk(e.path, name + "/")
            else:
                yield name, e

    if folder.is_dir():
        yield from walk(str(folder), "")


def _tree(h: Any, stamps: Any, folder: Path, skip: str | None = None) -> None:
    """Every file's name and bytes into `h`; its name, size and time into `stamps` (`h` None:
    only the stamps, to see cheaply whether anything was saved meanwhile)."""
    where = b"\0folder\0" + os.fsencode(folder.resolve())
    stamps.update(where)
    if h is not None:
        h.update(where)
    for name, e in _files(folder, skip):
        label = b"\0" + name.encode("utf-8", "surrogateescape") + b"\0"
        try:
            link = os.fsencode(os.readlink(e.path)) if e.is_symlink() else b""
            st = e.stat()
            stamps.update(label + link + b"%d\0%d\0%d" % (st.st_size, st.st_mtime_ns, st.st_ino))
            if h is None:
                continue
            h.update(label + b"link\0" + link + b"\0")
            if st.st_size > _WHOLE:
                h.update(b"%d\0%d" % (st.st_size, st.st_mtime_ns))
                continue
            with open(e.path, "rb") as f:
                body = f.read()
        except OSError as exc:
            stamps.update(label + b"unreadable\0%d" % (exc.errno or 0))
            if h is not None:
                h.update(label + b"unreadable\0%d" % (exc.errno or 0))
            continue
        h.update(len(body).to_bytes(8, "little"))
        h.update(body)


def _head(data: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "HEAD"],
            cwd=data,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return b"no git"
    return done.stdout if done.returncode == 0 else b"no commit"


def _slot(name: str, params: dict[str, Any]) -> list[bytes]:
    """What names this invocation (one entry each)."""
    size = shutil.get_terminal_size()
    return [
        name.encode(),
        repr(sorted((k, repr(v)) for k, v in params.items())).encode(),
        os.fsencode(os.getcwd()),
        repr([(k, os.environ.get(k)) for k in _ENV]).encode(),
        repr((sys.stdout.isatty(), sys.stderr.isatty(), size.columns, size.lines)).encode(),
    ]


def _inputs(data: Path, contents: bool = True) -> tuple[bytes, bytes]:
    """A digest of every input's bytes (empty without `contents`), and one of their names,
    sizes and times (with the day and the commit in both)."""
    from thidua_cli.present.render import search_path

    h = hashlib.blake2b(digest_size=32) if contents else None
    stamps = hashlib.blake2b(digest_size=32)
    moment = date.today().isoformat().encode() + b"\0" + _head(data)
    stamps.update(moment)
    if h is not None:
        h.update(moment)
    _tree(h, stamps, data, skip=OUTPUT_FOLDER)
    for folder in search_path(data)[:-1]:  # the data repository's templates (built-in: code)
        _tree(h, stamps, folder)
    return (h.digest() if h is not None else b""), stamps.digest()


def _evidence_same(root: str, states: tuple[tuple[str, str], ...]) -> bool:
    if not states:
        return True
    from thidua_cli.files import evidence_state

    real_root = os.path.realpath(root)
    return all(evidence_state(real_root, file) == state for file, state in states)


class Replayed(Exception):
    """How the first run ended, raised again by the replay."""


def run(
    name: str,
    params: dict[str, Any],
    call: Callable[[], Any],
    write: Callable[[list[tuple[Path, bytes | str]]], object],
) -> Any:
    """`call()` the command, or replay it when nothing it depends on has changed (`write`
    writes the files it wrote, as the command would)."""
    from thidua_cli.read import cache

    data = params.get("data")
    if not cache.enabled() or not isinstance(data, Path) or not data.is_dir():
        return call()
    store = cache.Cache.open(KIND)
    slot = store.key(*_slot(name, params))
    found = _inputs_or_none(data)
    if found is None:
        return call()
    inputs, stamps = found
    hit = store.get(slot)
    if _is_entry(hit) and hit[0] == inputs and _evidence_same(hit[4], hit[5]):
        if hit[3]:  # the files it wrote, written again (together, as then; a failure says so)
            write([(Path(p), body) for p, body in hit[3]])
        return _replay(hit)

    def unchanged() -> bool:
        after = _inputs_or_none(data, contents=False)
        return after is not None and after[1] == stamps

    return _record(store, slot, inputs, call, unchanged)


def _inputs_or_none(data: Path, contents: bool = True) -> tuple[bytes, bytes] | None:
    try:
        return _inputs(data, contents)
    except OSError:  # a folder that cannot be listed: no replay; the command says what it can
        return None


def _is_entry(v: Any) -> TypeGuard[tuple[Any, ...]]:
    return (
        type(v) is tuple
        and len(v) == 6
        and type(v[0]) is bytes
        and type(v[1]) is tuple
        and all(type(n) is int and type(t) is bytes for n, t in v[1])
        and type(v[2]) is tuple
        and type(v[3]) is tuple
        and all(type(p) is str and type(b) in (bytes, str) for p, b in v[3])
        and type(v[4]) is str
        and type(v[5]) is tuple
        and all(type(f) is str and type(s) is str for f, s in v[5])
    )


def _replay(hit: tuple[Any, ...]) -> Any:
    import typer

    _, pieces, ending = hit[:3]
    for number, packed in pieces:
        stream = sys.stderr if number else sys.stdout
        stream.write(zlib.decompress(packed).decode("utf-8", "surrogateescape"))
        stream.flush()  # in the order they were printed, also where both go to one place
    kind, *rest = ending
    if kind == "exit":
        raise typer.Exit(rest[0])
    if kind == "error":
        from thidua_cli.cli.errors import UserError

        raise UserError(rest[0], code=rest[1], detail=rest[2])
    return None


def _record(
    store: Cache,
    slot: bytes,
    inputs: bytes,
    call: Callable[[], Any],
    unchanged: Callable[[], bool],
) -> Any:
    """Run the command, keeping what it prints and writes; stored only when its inputs were
    the same at the end as at the start (a file saved while it ran is read again next time)."""
    import typer

    from thidua_cli.cli.errors import UserError

    real_out, real_err = sys.stdout, sys.stderr
    recording = _Recording()
    out, err = _Tee(real_out, 0, recording), _Tee(real_err, 1, recording)
    _noted.clear()
    _noted.update(evidence={}, written=[], root="")
    sys.stdout, sys.stderr = out, err
    ending: tuple[Any, ...] = ("return",)
    try:
        result = call()
    except typer.Exit as exc:
        ending = ("exit", exc.exit_code)
        raise
    except UserError as exc:
        ending = ("error", exc.message, exc.code, exc.detail)
        raise
    except BaseException:
        ending = ()  # a crash or an interruption is never replayed
        raise
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        noted = dict(_noted)
        _noted.clear()
        if ending and unchanged():
            written = tuple((str(p), body) for p, body in noted["written"])
            store.put(
                slot,
                (
                    inputs,
                    recording.finish(),
                    ending,
                    written,
                    str(noted["root"]),
                    tuple(sorted(noted["evidence"].items())),
                ),
            )
            store.flush()
    return result
