"""`make bench`: speed and memory of thidua on generated campaigns, each as a ratio to the floor
measured in the same run on the same files (machines here are noisy; absolute seconds drift,
ratios much less).

    python benchmarks/bench.py [SIZES…]        default 100 1000 10000  (make bench SIZES="100 1000")

The floor is libyaml composing every file with positions (`yaml.compose` with the C loader, one
process): the least any checker that reports lines and columns must do. For each size and for
`validate`, `score`, `status` and `report --format all` (default processes: both cores):
cold (an empty cache), warm (a second run, nothing changed), one file changed, and the same
after one approval (cold: the approved commit is read for the first time; warm). Wall time is
the median of REPEAT runs (one run at 10.000 units); memory is the peak resident set of the
largest process. Any command that exits non-zero stops the benchmark: a run that stopped on
data errors must never count as a pass.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
THIDUA = str(BIN / "thidua")
REPEAT = 3
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "-f", "json"],
    "score": ["score", "--phase", "1", "-f", "json"],
    "status": ["status", "--phase", "1", "--as-of", "2026-06-30", "-f", "json"],
    "report": ["report", "--phase", "1", "--format", "all", "--out", "{out}"],
}


def run(
    cmd: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB, the largest process) of one run; exit 0 or stop."""
    if before is not None:
        before()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise SystemExit(
            f"THẤT BẠI: {' '.join(cmd)} (trong {cwd}) thoát với mã {code}:\n"
            + err.decode("utf-8", "replace")[-2000:]
        )
    return seconds, usage.ru_maxrss / 1024


def median(
    cmd: list[str],
    cwd: Path,
    repeat: int,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    runs = [run(cmd, cwd, env, before) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


class Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []

    def add(self, *cells: str) -> None:
        self.rows.append(list(cells))
        print("| " + " | ".join(cells) + " |", flush=True)


def startup(work: Path) -> None:
    print("\n## Khởi động và dữ liệu mẫu (69 đơn vị)\n")
    print("| phép đo | thời gian (trung vị 9 lần) | hơn `python -c pass` |")
    print("|---|---|---|")
    cache_env = {**os.environ, "THIDUA_CACHE_DIR": str(work / "cache-startup")}
    base, _ = median([sys.executable, "-c", "pass"], work, 9)
    print(f"| `python -c pass` | {fmt(base)} s | |")
    for label, cmd, cwd in (
        ("`thidua --help`", [THIDUA, "--help"], work),
        ("`thidua --version`", [THIDUA, "--version"], work),
        ("`thidua validate --help`", [THIDUA, "validate", "--help"], work),
        ("`thidua validate` (dữ liệu mẫu, bộ đệm nóng)", [THIDUA, "validate"], ROOT),
        ("`thidua validate --no-cache` (dữ liệu mẫu)", [THIDUA, "--no-cache", "validate"], ROOT),
    ):
        seconds, _ = median(cmd, cwd, 9, cache_env)
        print(f"| {label} | {fmt(seconds)} s | +{fmt(seconds - base)} s |")
    print("\nMục tiêu: `--help` ≤ +0,15 s; `validate` trên dữ liệu mẫu ≤ 0,35 s.")


def size(n: int, work: Path) -> None:
    folder = work / str(n)
    generate(n, folder)
    data = folder / "data"
    units = data / "units"
    repeat = 1 if n >= 10000 else REPEAT
    mib = sum(p.stat().st_size for p in units.glob("*.yaml")) / 2**20
    print(f"\n## {n:,} đơn vị".replace(",", ".") + f" ({fmt(mib)} MiB)\n")
    floor, floor_mem = median(
        [sys.executable, str(Path(__file__).parent / "floor.py"), str(units)], folder, repeat
    )
    print(f"Sàn (libyaml compose có vị trí, 1 tiến trình): {fmt(floor)} s, {floor_mem:.0f} MiB\n")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "generated")
    table = Table()
    table.add("lệnh", "nguội", "nóng, không đổi", "nóng, đổi 1 tệp", "bộ nhớ đỉnh")
    table.add("---", "---", "---", "---", "---")
    changing = sorted(units.glob("*.yaml"))[n // 2]
    original = changing.read_bytes()
    flip = [0]

    def touch() -> None:  # a different byte each time: every run sees a changed file
        flip[0] += 1
        changing.write_bytes(original + f"\n# sửa {flip[0]}\n".encode())

    def cold_and_warm(
        name: str, args: list[str], tag: str
    ) -> tuple[list[str], dict[str, str], float, float, float, float]:
        """The command with a cache of its own: run on an empty cache, then again."""
        cmd = [THIDUA, *(a.replace("{out}", str(work / "out" / name)) for a in args)]
        cache = work / "cache" / f"{n}-{name}{tag}"
        env = {**os.environ, "THIDUA_CACHE_DIR": str(cache)}

        def fresh() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold, cold_mem = median(cmd, folder, repeat, env, fresh)
        run(cmd, folder, env)  # fill the cache
        warm, warm_mem = median(cmd, folder, repeat, env)
        return cmd, env, cold, cold_mem, warm, warm_mem

    results: dict[tuple[str, str], float] = {}
    for name, args in COMMANDS.items():
        cmd, env, cold, cold_mem, warm, warm_mem = cold_and_warm(name, args, "")
        one, one_mem = median(cmd, folder, repeat, env, touch)
        changing.write_bytes(original)
        results[name, "cold"] = cold
        results[name, "warm"] = warm
        table.add(
            f"`{name}`",
            f"{fmt(cold)} s ({fmt(cold / floor)}×)",
            f"{fmt(warm)} s ({fmt(warm / floor)}×)",
            f"{fmt(one)} s ({fmt(one / floor)}×)",
            f"{max(cold_mem, warm_mem, one_mem):.0f} MiB",
        )
    # one approval: every command also compares with the data at the approved commit
    subprocess.run(
        [THIDUA, "approve", "--phase", "1", "--by", "Hội đồng", "--decision", "Biên bản số 1"],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "approve")
    print()
    table = Table()
    table.add(
        "sau một lần phê duyệt",
        "nguội",
        "so với không phê duyệt",
        "nóng",
        "so với không phê duyệt",
        "bộ nhớ đỉnh",
    )
    table.add("---", "---", "---", "---", "---", "---")
    for name, args in COMMANDS.items():
        _, _, cold, cold_mem, warm, warm_mem = cold_and_warm(name, args, "-approved")
        table.add(
            f"`{name}`",
            f"{fmt(cold)} s ({fmt(cold / floor)}×)",
            f"{fmt(cold / results[name, 'cold'])}×",
            f"{fmt(warm)} s ({fmt(warm / floor)}×)",
            f"{fmt(warm / results[name, 'warm'])}×",
            f"{max(cold_mem, warm_mem):.0f} MiB",
        )
    shutil.rmtree(work / "cache", ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)


def main(sizes: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        print(
            f"Máy: {os.cpu_count()} lõi; Python {sys.version.split()[0]}; trung vị {REPEAT} lần "
            "(10.000 đơn vị: 1 lần); mọi lệnh dùng số tiến trình mặc định (mọi lõi)."
        )
        startup(work)
        for n in sizes:
            size(n, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
