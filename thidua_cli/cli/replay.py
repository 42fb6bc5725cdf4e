"""A command run again on the same inputs prints what it printed before, without computing.

The cache of checked units (read/cache.py) saves the parsing; scoring, the approval locks and
writing 10.000 units out still cost seconds. So a reading command (validate, score, status,
exemplars, report) keeps its whole result, what it printed, the files it wrote and how it
ended, under a key made of *every* input that can change it:

- the tool itself (its code: read/cache.fingerprint; its built-in templates; the installed
  libraries and where Python finds them), the command, its options (and what a command adds:
  the report's revision stamp, which reads git's index), the folder it runs in, the day, the
  environment variables that change output, whether the output is a terminal and how wide;
- every file of the data folder by name, mode, time and bytes (files larger than a unit file
  may be, the scans of evidence, by size and time), except the rendered reports in `reports/`
  (output; the report's revision leaves them out too), and the data repository's own
  `templates/` folder;
- the commit checked out and the repository's shape (git history decides the approvals in
  force, the approved data, when results reached the repository, which duplicate came later);
- each evidence file the checks looked at, outside the data folder too, as found then.

A shallow clone (its history can grow under the same commit) is never replayed, nor is a run
that crashed, was interrupted or could not write its files. A run during which a file was saved
is not kept. One entry is kept per command invocation, replaced when its inputs change, so the
cache does not grow with every edit. `--no-cache` (or THIDUA_NO_CACHE=1) turns it off too.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeGuard

from thidua_cli import files

if TYPE_CHECKING:
    from thidua_cli.read.cache import Cache


KIND = "results"
OUTPUT_FOLDER = "reports"  # of the data folder: written by `report`, never read
# Environment variables that change what is printed (rich's terminal detection and colours,
# GitHub annotations, the time zone) or what runs (Python's path, git's configuration: with
# every GIT_* variable).
_ENV = (
    "COLUMNS",
    "LINES",
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "COLORTERM",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "GITHUB_ACTIONS",
    "TZ",
    "LANG",
    "LC_ALL",
    "PYTHONPATH",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "HOME",
    "XDG_CONFIG_HOME",
)
WHOLE = 2 * 2**20  # yamlload.MAX_BYTES (test_replay checks): larger files count by size, time

# What the running command read and wrote, noted by app.load and app.write_files.
_noted: dict[str, Any] = {}


def note_evidence(states: dict[str, str], root: Path) -> None:
    if "evidence" in _noted:
        _noted["evidence"].update(states)
        _noted["root"] = root


def note_written(outputs: list[tuple[Path, bytes | str]], failed: bool = False) -> None:
    """Files the command wrote (`failed`: it could not: the folder's state is not an input,
    so that run is not kept)."""
    if "written" in _noted:
        _noted["written"].extend(outputs)
        _noted["failed"] = _noted.get("failed", False) or failed


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
    """Every entry under `folder` but folders (their files are listed), in name order: all the
    unit files `discover` can find, dot-folders too, but not `.git` nor the folder `skip`."""

    def walk(path: str, rel: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(path) as found:
            entries = sorted(found, key=lambda e: e.name)
        for e in entries:
            name = f"{rel}{e.name}"
            if e.is_dir():
                if e.name != ".git" and name != skip:
                    yield from walk(e.path, name + "/")
            else:
                yield name, e

    if folder.is_dir():
        yield from walk(str(folder), "")


def _tree(
    h: Any, stamps: Any, folder: Path, whole: int, skip: str | None = None, keep: bool = False
) -> None:
    """Every file's name, mode, size and time into `stamps`; those and the bytes of each
    regular file up to `whole` bytes into `h` (`h` None: only the stamps, to see cheaply
    whether anything was saved meanwhile). A pipe or a device is never opened. `keep`: hand
    the bytes of YAML files to the checks (files.remember)."""
    base = os.path.abspath(folder)
    where = b"\0folder\0" + os.fsencode(folder.resolve())
    stamps.update(where)
    if h is not None:
        h.update(where)
    for name, e in _files(folder, skip):
        label = b"\0" + name.encode("utf-8", "surrogateescape") + b"\0"
        try:
            link = os.fsencode(os.readlink(e.path)) if e.is_symlink() else b""
            st = e.stat()
            meta = b"%s\0%o\0%d\0%d\0" % (link, st.st_mode, st.st_size, st.st_mtime_ns)
            stamps.update(label + meta + b"%d" % st.st_ino)
            if h is None:
                continue
            h.update(label + meta)
            if not stat.S_ISREG(st.st_mode) or st.st_size > whole:
                continue
            with open(e.path, "rb") as f:
                body = f.read()
            if keep and name.endswith((".yaml", ".yml")):  # the checks read them: once is enough
                files.remember(os.path.normpath(os.path.join(base, name)), body)
        except OSError as exc:
            unreadable = label + b"unreadable\0%d" % (exc.errno or 0)
            stamps.update(unreadable)
            if h is not None:
                h.update(unreadable)
            continue
        h.update(len(body).to_bytes(8, "little"))
        h.update(body)


def _git_state(data: Path) -> bytes | None:
    """The repository, the commit checked out and the history's replacements; None for a
    shallow clone, whose history can change under the same commit."""
    probes = (
        ("rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD"),
        ("for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/"),
    )
    out = []
    for args in probes:
        try:
            done = subprocess.run(
                ["git", *args], cwd=data, capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return b"no git"
        if done.returncode != 0:
            return b"no commit: " + done.stderr[:200]
        out.append(done.stdout)
    if b"\ntrue\n" in out[0]:
        return None
    return b"\0".join(out)


def _libraries() -> bytes:
    """Where Python finds modules and which distributions (with versions) are installed:
    rich, jinja2, docxtpl, openpyxl… all change what is printed or written."""
    h = hashlib.blake2b(digest_size=32)
    for folder in sys.path:
        h.update(os.fsencode(folder) + b"\0")
        try:
            names = sorted(n for n in os.listdir(folder or ".") if n.endswith(".dist-info"))
        except OSError:
            continue
        h.update("\0".join(names).encode("utf-8", "surrogateescape"))
    return h.digest()


def _slot(name: str, params: dict[str, Any], extra: str) -> list[bytes]:
    """What names this invocation (one entry each)."""
    size = shutil.get_terminal_size()
    return [
        name.encode(),
        repr(sorted((k, repr(v)) for k, v in params.items())).encode(),
        extra.encode("utf-8", "surrogateescape"),
        os.fsencode(os.getcwd()),
        repr(
            sorted((k, v) for k, v in os.environ.items() if k in _ENV or k[:4] == "GIT_")
        ).encode(),
        repr((sys.stdout.isatty(), sys.stderr.isatty(), size.columns, size.lines)).encode(),
        _libraries(),
    ]


def _inputs(
    data: Path, whole: int, contents: bool = True, keep: bool = False
) -> tuple[bytes, bytes] | None:
    """A digest of every input (empty without `contents`) and one of their names, modes,
    sizes and times, both with the day and the git state; None: not to be replayed."""
    from thidua_cli.present.render import search_path

    state = _git_state(data)
    if state is None:
        return None
    h = hashlib.blake2b(digest_size=32) if contents else None
    stamps = hashlib.blake2b(digest_size=32)
    moment = date.today().isoformat().encode() + b"\0" + state
    stamps.update(moment)
    if h is not None:
        h.update(moment)
    _tree(h, stamps, data, whole, skip=OUTPUT_FOLDER, keep=keep)
    for folder in search_path(data):  # the data repository's templates, then the built-in ones
        _tree(h, stamps, folder, whole)
    return (h.digest() if h is not None else b""), stamps.digest()


def _evidence_same(root: str, states: tuple[tuple[str, str], ...]) -> bool:
    if not states:
        return True
    from thidua_cli.files import evidence_state

    real_root = os.path.realpath(root)
    return all(evidence_state(real_root, file) == state for file, state in states)


def run(
    name: str,
    params: dict[str, Any],
    call: Callable[[], Any],
    write: Callable[[list[tuple[Path, bytes | str]]], object],
    extra: Callable[[], str] | None = None,
) -> Any:
    """`call()` the command, or replay it when nothing it depends on has changed (`write`
    writes the files it wrote, as the command would; `extra()` adds to the key what only this
    command reads)."""
    from thidua_cli.read import cache

    data = params.get("data")
    if not cache.enabled() or not isinstance(data, Path) or not data.is_dir():
        return call()
    max_kb = params.get("max_kb")
    whole = max(WHOLE, max_kb * 1024 if isinstance(max_kb, int) else 0)
    try:
        store = cache.Cache.open(KIND)
        slot = store.key(*_slot(name, params, extra() if extra is not None else ""))
        hit = store.get(slot)
        # after an earlier run the unit files are mostly in the cache: keep the bytes read
        # here for the checks (no second read); on a first run every file is parsed anyway,
        # and holding them all would only add to the peak memory
        found = _inputs(data, whole, keep=hit is not None)
        if found is None:
            return call()
    except OSError:  # a folder that cannot be listed, a working folder deleted: run in full
        files.forget()
        return call()
    inputs, stamps = found
    if _is_entry(hit) and hit[0] == inputs and _evidence_same(hit[4], hit[5]):
        files.forget()  # the bytes kept for checking: not needed
        store.flush()  # the day it was used (written once a day), so it is not dropped
        if hit[3]:  # the files it wrote, written again (together, as then; a failure says so)
            write([(Path(p), body) for p, body in hit[3]])
        return _replay(hit)

    def unchanged() -> bool:
        try:
            after = _inputs(data, whole, contents=False)
        except OSError:
            return False
        return after is not None and after[1] == stamps

    return _record(store, slot, inputs, call, unchanged)


def _is_entry(v: Any) -> TypeGuard[tuple[Any, ...]]:
    return (
        type(v) is tuple
        and len(v) == 6
        and type(v[0]) is bytes
        and type(v[1]) is tuple
        and all(type(n) is int and type(t) is bytes for n, t in v[1])
        and type(v[2]) is tuple
        and v[2][:1] in (("return",), ("exit",), ("error",))
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
    _noted.update(evidence={}, written=[], root="", failed=False)
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
        files.forget()  # never left for a later command in this process
        sys.stdout, sys.stderr = real_out, real_err
        noted = dict(_noted)
        _noted.clear()
        if ending and not noted["failed"]:
            _keep(store, slot, inputs, recording, ending, noted, unchanged)
    return result


def _keep(
    store: Cache,
    slot: bytes,
    inputs: bytes,
    recording: _Recording,
    ending: tuple[Any, ...],
    noted: dict[str, Any],
    unchanged: Callable[[], bool],
) -> None:
    """Store the run, if nothing was saved while it ran. Best effort: a cache that cannot be
    written never changes how the command ends."""
    try:
        if not unchanged():
            return
        store.put(
            slot,
            (
                inputs,
                recording.finish(),
                ending,
                tuple((str(p), body) for p, body in noted["written"]),
                str(noted["root"]),
                tuple(sorted(noted["evidence"].items())),
            ),
        )
        store.flush()
    except Exception:
        return
