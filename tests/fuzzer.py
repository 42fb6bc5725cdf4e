"""A mutation fuzzer over the shipped unit files: every input must give problems or a clean
pass, never an exception, within a bounded time; a file that passes must also score.

    python -m tests.fuzzer 100000        (what `make fuzz` runs)
"""

from __future__ import annotations

import csv
import io
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from thidua_cli import workspace
from thidua_cli.checks.context import Context
from thidua_cli.compute.outcome import Outcome, compute
from thidua_cli.formats import score
from thidua_cli.formats.terminal import console
from thidua_cli.present import render, report

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


# Text meant to break or forge an output: rich markup, terminal escapes, control characters,
# Markdown and HTML, CSV formula prefixes, look-alike and invisible letters, other scripts'
# digits, mojibake, sheer length. Written inside YAML double quotes, so "\\e" is ESC.
HOSTILE = [
    "[/]",
    "[bold red]đỏ[/]",
    "[link=https://x.example]bấm[/link]",
    "\\e[2J\\e[31m",
    "\\e]0;tieu-de\\a",
    "\\x9b31m",
    "\\a\\b\\f\\v\\0\\x01\\x1f\\x7f",
    "\\x85\\u2028\\r\\n",
    "\\uFFFE\\uFDD0",
    "\\u202eu\\u1eabM\\u2066",
    "Th\\u200bôn\\u2060",
    "Th\\u043en M\\u1eabu",
    '=HYPERLINK(\\"https://x.example\\")',
    "@SUM(1+1)",
    "+1",
    "-2+3",
    "\\tTab",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![a](https://x.example/a.png)",
    "# Tiêu đề\\n- mục",
    "|a|b|",
    "`mã` *đậm* _nghiêng_ $x$ &lt;",
    "１２３",
    "1\\u06600",
    "B¶n ®¨ng ký thi ®ua",
    "Baûn ñaêng kyù",
    "%0A::error::giả",
    "x" * 6000,
]


def inject_text(data: bytes, rnd: random.Random) -> bytes:
    """Replace a value, or add to it, with hostile text in double quotes."""
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if b": " in line]
    if not candidates:
        return data
    i = rnd.choice(candidates)
    head, _, value = lines[i].partition(b": ")
    hostile = rnd.choice(HOSTILE).encode()
    plain = value.strip().strip(b"\"'").replace(b"\\", b"").replace(b'"', b"")
    if rnd.random() < 0.5 and not plain.startswith((b"{", b"[", b"|", b">")):
        hostile = plain + b" " + hostile
    lines[i] = head + b': "' + hostile + b'"'
    return b"\n".join(lines)


def foreign_digits(data: bytes, rnd: random.Random) -> bytes:
    """Digits of another script in place of 0-9, in a plain value (Arabic-Indic, full-width)."""
    table = rnd.choice([0x0660, 0xFF10, 0x06F0, 0x0966])
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if re.search(rb": .*\d", line)]
    if not candidates:
        return data
    i = rnd.choice(candidates)
    head, _, value = lines[i].partition(b": ")
    text = value.decode("utf-8", "replace")
    j = rnd.choice([k for k, c in enumerate(text) if c.isdigit()])
    text = text[:j] + chr(table + int(text[j])) + text[j + 1 :]
    lines[i] = head + b": " + text.encode()
    return b"\n".join(lines)


MUTATORS: list[Callable[[bytes, random.Random], bytes]] = [
    inject_text,
    inject_text,
    foreign_digits,
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


_RAW_HTML = re.compile(r"(?<!\\)<(script|img)|(?<!\\)!\[|(?<!\\)\]\(")


def _outputs_are_inert(o: Outcome, unit: str) -> None:
    """Every medium a valid mutant reaches: no terminal escape, no formula, no raw HTML or link."""
    terminal = io.StringIO()
    score.print_outcome(o, console(terminal))
    us = next(s for s in o.units if s.unit.id == unit)
    score.print_explain(o, us, console(terminal))
    if "\x1b" in terminal.getvalue() or "\x07" in terminal.getvalue():
        raise AssertionError("terminal escape in the table")
    for row in csv.reader(io.StringIO(score.as_csv(o).lstrip("\ufeff")), delimiter=";"):
        if any(c.startswith(("=", "+", "@", "\t", "\r")) for c in row):
            raise AssertionError(f"CSV formula: {row}")
    md = render.render_markdown(
        "phieu-cham-diem.md.j2", report.scorecard_context(o, us, "FUZZ", o.as_of)
    )
    if _RAW_HTML.search(md):
        raise AssertionError("raw HTML or link in the Markdown")


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
                        o = compute(base.catalogue, [*units, checked.units[0]], phase)
                        if phase == 1:
                            _outputs_are_inert(o, checked.units[0].id)
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
