"""A mutation fuzzer over the shipped unit files: every input must give problems or a clean
pass, never an exception, within a bounded time; a file that passes must also score.

    python -m tests.fuzzer 100000        (what `make fuzz` runs)
"""

from __future__ import annotations

import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from thidua_cli import workspace
from thidua_cli.checks.unit import Context
from thidua_cli.compute.outcome import compute

ROOT = Path(__file__).resolve().parent.parent
CASE_SECONDS = 2.0  # the most one file may take to check (a hang is a failure)
SCALARS = [
    b"10.900",
    b"6,39",
    b"-5",
    b"130",
    b"true",
    b"null",
    b"~",
    b"''",
    b'"x"',
    b"[]",
    b"{}",
    b"2026-02-31",
    b"31/12/2026",
    b"1e400",
    b".nan",
    b"0x1F",
    b"CT99",
    b"*a",
    b"&a 1",
    b"!!binary AA==",
    b"1:30",
    b"9" * 400,
    "Thôn".encode(),
    b"\xff\xfe",
]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def delete_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rnd.randrange(len(lines))]
    return b"\n".join(lines)


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines)


def swap_indent(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    stripped = lines[i].lstrip(b" ")
    lines[i] = rnd.choice([b"", b" ", b"  ", b"    ", b"\t", b"       "]) + stripped
    return b"\n".join(lines)


def change_scalar(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if b": " in line]
    if not candidates:
        return data
    i = rnd.choice(candidates)
    head, _, _ = lines[i].partition(b": ")
    lines[i] = head + b": " + rnd.choice(SCALARS)
    return b"\n".join(lines)


def insert_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 8)))
    return data[:at] + junk + data[at:]


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def conflict_markers(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    lines[i:i] = [b"<<<<<<< HEAD", lines[i], b"=======", b">>>>>>> other"]
    return b"\n".join(lines)


def swap_keys(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


MUTATORS: list[Callable[[bytes, random.Random], bytes]] = [
    delete_line,
    duplicate_line,
    swap_indent,
    change_scalar,
    insert_bytes,
    truncate,
    conflict_markers,
    swap_keys,
]


@dataclass
class Stats:
    cases: int = 0
    clean: int = 0  # mutants with no errors, which were then scored
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)


def run(cases: int, seed: int = 1, data: Path = ROOT / "data", score_every: int = 5) -> Stats:
    """Mutate shipped files `cases` times; collect every exception or hang as a failure."""
    rnd = random.Random(seed)
    stats = Stats()
    with tempfile.TemporaryDirectory(prefix="thidua-fuzz-") as tmp:
        repo = Path(tmp)
        shutil.copytree(data, repo / "data", ignore=shutil.ignore_patterns("reports"))
        base = workspace.load(repo / "data")
        assert base.catalogue is not None and not base.has_errors
        ctx = Context(base.catalogue, repo)
        files = sorted((repo / "data" / "units").glob("*.yaml"))
        originals = {p: p.read_bytes() for p in files}
        for n in range(cases):
            path = rnd.choice(files)
            mutant = originals[path]
            for _ in range(rnd.randrange(1, 4)):
                mutant = rnd.choice(MUTATORS)(mutant, rnd)
            path.write_bytes(mutant)
            start = time.perf_counter()
            try:
                checked = workspace._assemble(workspace._check_files([path], repo, ctx))
                errors = [p for p in checked.problems if p.is_error]
                if not errors and checked.units and n % score_every == 0:
                    stats.clean += 1
                    units = [u for u in base.units if u.id != checked.units[0].id]
                    for phase in (1, 2):
                        compute(base.catalogue, [*units, checked.units[0]], phase)
            except Exception as exc:  # the invariant under test: nothing escapes
                stats.failures.append(
                    f"case {n} ({path.name}): {type(exc).__name__}: {exc}\n{mutant[:2000]!r}"
                )
            elapsed = time.perf_counter() - start
            stats.slowest = max(stats.slowest, elapsed)
            if elapsed > CASE_SECONDS:
                stats.failures.append(f"case {n} ({path.name}): took {elapsed:.1f} s")
            path.write_bytes(originals[path])
            stats.cases += 1
    return stats


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # a memory blow-up fails loudly
    start = time.perf_counter()
    stats = run(cases, seed)
    print(
        f"{stats.cases} trường hợp, {stats.clean} tệp hợp lệ đã tính điểm, chậm nhất "
        f"{stats.slowest * 1000:.0f} ms, tổng {time.perf_counter() - start:.0f} s, "
        f"{len(stats.failures)} lỗi."
    )
    for failure in stats.failures[:20]:
        print(failure)
    sys.exit(1 if stats.failures else 0)


if __name__ == "__main__":
    main()
