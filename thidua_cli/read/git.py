"""Read the data as it stood at a git revision, and the history of a file.

Everything goes through the `git` command; a missing git or repository becomes a GitProblem with
a Vietnamese message, never a traceback.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class GitProblem(Exception):
    """git is missing, the folder is not a repository, or a revision does not exist."""


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str  # ISO 8601, as git prints it
    message: str
    path: str = ""  # the file's path in this commit (it may have been renamed since)


# git's settings that change what these functions parse, pinned to the values they expect, so
# that a user's or a machine's configuration cannot change a result: paths unquoted (accented
# file names), no signatures or colours in log output, renames detected, no implicit --follow.
GIT = (
    "git",
    "-c",
    "core.quotePath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "color.ui=never",
    "-c",
    "diff.renames=true",
    "-c",
    "log.follow=false",
)


def git(root: Path, *args: str) -> bytes:
    """Run git in `root` and return its output; any failure is one Vietnamese GitProblem."""
    try:
        done = subprocess.run([*GIT, *args], cwd=root, capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise GitProblem("không tìm thấy lệnh git trên máy.") from None
    except subprocess.TimeoutExpired:
        raise GitProblem(f"git {' '.join(args[:2])} chạy quá lâu.") from None
    if done.returncode != 0:
        raise GitProblem(_explain(done.stderr.decode("utf-8", "replace"), args))
    return done.stdout


_GIT_REASONS = (
    ("not a git repository", "thư mục này không nằm trong kho git"),
    ("not a tree object", "không có phiên bản «{rev}» trong lịch sử git"),
    ("unknown revision", "không có phiên bản «{rev}» trong lịch sử git"),
    ("bad revision", "không có phiên bản «{rev}» trong lịch sử git"),
    ("Needed a single revision", "không có phiên bản «{rev}» trong lịch sử git"),
    ("did not match any file", "không có tệp này trong lịch sử git"),
)


def _explain(stderr: str, args: tuple[str, ...]) -> str:
    """git's English, said in Vietnamese for the cases people meet."""
    rev = next((a for a in args[1:] if not a.startswith("-") and a != "--"), "")
    rev = rev.removesuffix("^{commit}")
    for needle, text in _GIT_REASONS:
        if needle in stderr:
            return text.format(rev=rev)
    if args[:2] == ("rev-parse", "--verify"):
        return f"không có phiên bản «{rev}» trong lịch sử git"
    last = stderr.strip().splitlines()
    return f"git {args[0]} báo lỗi: {last[-1] if last else 'không rõ'}"


def top(path: Path) -> Path:
    """The root of the repository that holds `path`."""
    return Path(git(path, "rev-parse", "--show-toplevel").decode().strip())


def resolve(root: Path, rev: str) -> str:
    return git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()


def default_base(root: Path) -> str:
    """Where a pull request starts: the merge base with the main branch, else HEAD. With both
    a local main and origin/main (an office that merges locally, a CI checkout), the later of
    the two merge bases: changes merged but not yet pushed are not the pull request's."""
    head = resolve(root, "HEAD")
    for pair in (("main", "origin/main"), ("master", "origin/master")):
        bases = []
        for branch in pair:
            try:
                resolve(root, branch)
                bases.append(git(root, "merge-base", "HEAD", branch).decode().strip())
            except GitProblem:
                continue
        if len(bases) > 1 and head in bases and any(b != head for b in bases):
            # working on main itself: what is not pushed yet is the change to show
            bases = [b for b in bases if b != head]
        if bases:
            best = bases[0]
            for other in bases[1:]:
                if _is_ancestor(root, best, other):
                    best = other
            return best
    return resolve(root, "HEAD")


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    try:
        git(root, "merge-base", "--is-ancestor", older, newer)
    except GitProblem:
        return False
    return True


def export(root: Path, rev: str, folder: str, dest: Path) -> Path:
    """Write `folder` (e.g. "data") as it is at `rev` under `dest`; return dest/folder. The
    committed bytes themselves (not `git archive`, which applies .gitattributes: an
    export-ignore would hide a unit from the approved data); links and submodules are left
    out, and no path leaves `dest`."""
    listing = [p for p in blobs(root, rev, folder) if "\n" not in p]
    for path, body in zip(listing, show_many(root, [(rev, p) for p in listing]), strict=True):
        parts = PurePosixPath(path).parts
        if body is None or ".." in parts or PurePosixPath(path).is_absolute():
            continue
        target = dest.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return dest / folder


def blobs(root: Path, rev: str, folder: str) -> dict[str, str]:
    """The regular files under `folder` at `rev` (links and submodules left out, as `export`
    leaves them out), repository-relative, each with its blob id."""
    prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
    spec = ["--", prefix] if prefix else []
    raw = git(root, "ls-tree", "-r", "-z", "--full-tree", rev, *spec)
    out = {}
    for record in raw.split(b"\0"):
        meta, _, name = record.partition(b"\t")
        fields = meta.split(b" ")
        path = name.decode("utf-8", "surrogateescape")
        if len(fields) == 3 and fields[0] in (b"100644", b"100755") and path.startswith(prefix):
            out[path] = fields[2].decode()
    return out


def blob_id(content: bytes, like: str) -> str:
    """The id git gives a blob of these bytes, in the hash of the repository (`like`, an id
    from it: 40 hex digits for SHA-1, 64 for SHA-256)."""
    h = hashlib.sha1() if len(like) == 40 else hashlib.sha256()
    h.update(b"blob %d\0" % len(content))
    h.update(content)
    return h.hexdigest()


def show(root: Path, rev: str, path: str) -> bytes | None:
    """The content of `path` at `rev`, or None when it did not exist there."""
    try:
        return git(root, "show", f"{rev}:{path}")
    except GitProblem:
        return None


def log(root: Path, path: str) -> list[Commit]:
    """Commits that touched `path`, oldest first, following renames; each with the file's path
    as it was in that commit."""
    raw = git(
        root,
        "log",
        "--follow",
        "--name-only",
        "--format=%x1e%H%x1f%an%x1f%aI%x1f%s%x1f",
        "--",
        path,
    )
    commits = []
    for record in raw.decode("utf-8", "replace").split("\x1e"):
        parts = record.split("\x1f")
        if len(parts) == 5:
            names = [n for n in parts[4].strip().splitlines() if n.strip()]
            commits.append(
                Commit(parts[0], parts[1], parts[2], parts[3], names[-1] if names else path)
            )
    return commits[::-1]


def head(root: Path) -> str:
    return resolve(root, "HEAD")


def dirty(root: Path, *paths: str) -> bool:
    return bool(git(root, "status", "--porcelain", "--", *paths).strip())


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """Is `ancestor` in the history of `descendant`? False when either does not exist."""
    try:
        subprocess.run(
            [*GIT, "merge-base", "--is-ancestor", ancestor, descendant],
            cwd=root,
            capture_output=True,
            timeout=60,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return False
    return True


def versions(root: Path, path: str) -> list[tuple[Commit, bytes]]:
    """Every committed version of `path` in the history of HEAD, oldest first: the commit that
    wrote it and the content (deleted versions are left out)."""
    try:
        raw = git(
            root, "log", "--format=%x1e%H%x1f%an%x1f%aI%x1f%s%x1f", "--reverse", "HEAD", "--", path
        )
    except GitProblem:
        return []  # no commit yet, or the file was never committed
    commits = []
    for record in raw.decode("utf-8", "replace").split("\x1e"):
        parts = record.split("\x1f")
        if len(parts) == 5:
            commits.append(Commit(parts[0], parts[1], parts[2], parts[3], path))
    blobs = show_many(root, [(c.sha, path) for c in commits])
    return [(c, b) for c, b in zip(commits, blobs, strict=True) if b is not None]


def show_many(root: Path, wanted: list[tuple[str, str]]) -> list[bytes | None]:
    """The content of many `rev:path` at once through one `git cat-file --batch` (None where
    it does not exist): one process instead of one per file."""
    if not wanted:
        return []
    request = "".join(f"{rev}:{path}\n" for rev, path in wanted).encode("utf-8")
    try:
        done = subprocess.run(
            [*GIT, "cat-file", "--batch"],
            cwd=root,
            input=request,
            capture_output=True,
            timeout=300,
            check=True,
        )
    except FileNotFoundError:
        raise GitProblem("không tìm thấy lệnh git trên máy.") from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise GitProblem(f"git cat-file báo lỗi: {exc}") from None
    out: list[bytes | None] = []
    data, at = done.stdout, 0
    for _ in wanted:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            out.append(data[at : at + size])
            at += size + 1  # the blob, then a newline
        else:
            out.append(None)  # "<rev:path> missing", or not a file
    return out


def first_commits(root: Path, folder: str) -> dict[str, list[tuple[str, str]]]:
    """For every file under `folder`: the commits that touched it, oldest first, as
    (sha, ISO committer date). One `git log` for the whole folder."""
    try:
        raw = git(
            root, "log", "--reverse", "--format=%x1e%H%x1f%cI", "--name-only", "HEAD", "--", folder
        )
    except GitProblem:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for record in raw.decode("utf-8", "replace").split("\x1e"):
        head, _, names = record.partition("\n")
        parts = head.split("\x1f")
        if len(parts) != 2:
            continue
        for name in names.splitlines():
            if name.strip():
                out.setdefault(name.strip(), []).append((parts[0], parts[1]))
    return out


def added(root: Path, path: str) -> int | None:
    """When `path` first appeared in the history (a Unix time), or None when it is not
    committed yet or git cannot tell."""
    try:
        out = git(root, "log", "--diff-filter=A", "--format=%ct", "--", path)
    except GitProblem:
        return None
    stamps = [int(s) for s in out.decode("ascii", "replace").split() if s.isdigit()]
    return min(stamps) if stamps else None
