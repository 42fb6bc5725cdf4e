"""Generate a synthetic campaign of any size from the shipped sample roster, for benchmarks.

Every generated unit is a copy of one shipped unit file (so every kind, registration, pact,
exemplar and evidence shape occurs) with its own id and name, and with a phase-2 report added,
so both phases are present. Seeded and deterministic; standard library only.

    python benchmarks/generate.py 10000 benchmarks/out/10000
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data"
_RESULTS = re.compile(r"^results:\n((?:  .*\n|\n)*?)(?=^\S|\Z)", re.M)
_PHASE1 = re.compile(r"^  - phase: 1\n((?:    .*\n|      .*\n)*)", re.M)


def _with_phase_two(text: str, rnd: random.Random) -> str:
    match = _PHASE1.search(text)
    if match is None:
        return text
    block = match.group(0).replace("  - phase: 1\n", "  - phase: 2\n", 1)
    day = 10 + rnd.randrange(15)
    block = re.sub(r"submitted: \d{4}-\d\d-\d\d", f"submitted: 2026-12-{day:02d}", block, count=1)
    block = block.replace("6/2026", "12/2026")
    return text[: match.end()] + block + text[match.end() :]


def generate(n: int, out: Path, seed: int = 20260630) -> Path:
    """Write `n` unit files under `out`/data/units and return the data folder."""
    rnd = random.Random(seed)
    data = out / "data"
    if data.exists():
        shutil.rmtree(data)
    (data / "units").mkdir(parents=True)
    shutil.copy(SOURCE / "indicators.yaml", data / "indicators.yaml")
    if (SOURCE / "evidence").exists():
        shutil.copytree(SOURCE / "evidence", data / "evidence")
    templates = [
        (p.stem, p.read_text(encoding="utf-8")) for p in sorted((SOURCE / "units").glob("*.yaml"))
    ]
    for i in range(n):
        stem, text = templates[i % len(templates)]
        uid = f"{stem}-{i:05d}"
        text = text.replace(f"id: {stem}\n", f"id: {uid}\n", 1)
        text = re.sub(r"^name: (.*)$", rf"name: \1 (bản {i})", text, count=1, flags=re.M)
        text = text.replace(f"- id: {stem}-", f"- id: {uid}-")
        text = re.sub(
            r"self_score: [\d.]+", lambda _: f"self_score: {rnd.randrange(600, 990) / 10}", text
        )
        text = _with_phase_two(text, rnd)
        (data / "units" / f"{uid}.yaml").write_text(text, encoding="utf-8")
    return data


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "benchmarks" / "out" / str(size)
    print(generate(size, target))
