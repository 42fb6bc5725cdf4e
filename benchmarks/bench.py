"""`make bench`: speed and memory of thidua on generated campaigns, with ratios measured in the
same run (machines here are noisy; absolute seconds drift, ratios much less).

    python benchmarks/bench.py [SIZES…]        default 100 1000 10000

For each size: `thidua validate` with one process and with both cores; the floor (libyaml
parsing only); a peer (check-jsonschema with the schema exported from our models); and on the
largest size `thidua score` and `thidua report`. Start-up is compared with `python -c pass`.
Wall time is the best of REPEAT runs; peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

BIN = Path(sys.executable).parent
THIDUA = str(BIN / "thidua")
REPEAT = 3


def run(cmd: list[str], cwd: Path, repeat: int = REPEAT) -> tuple[float, float]:
    """Best wall time in seconds and peak memory in MiB over `repeat` runs of `cmd`."""
    best, peak = float("inf"), 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        best = min(best, time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss / 1024)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd[:3])}… exited {proc.returncode}")
    return best, peak


def row(name: str, seconds: float, mib: float, files: int | None = None) -> None:
    rate = f"{files / seconds:10,.0f} tệp/s".replace(",", ".") if files else " " * 15
    print(f"  {name:<44} {seconds:8.3f} s {rate} {mib:8.1f} MiB")


def main(sizes: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        schemas = work / "schemas"
        subprocess.run(
            [THIDUA, "schema", "--out", str(schemas)], check=True, stdout=subprocess.DEVNULL
        )
        peer = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
        print(
            f"Máy: {os.cpu_count()} lõi; Python {sys.version.split()[0]}; "
            f"mỗi phép đo lấy lần nhanh nhất trong {REPEAT} lần."
        )
        print("\nKhởi động")
        empty = work / "empty"
        (empty / "data" / "units").mkdir(parents=True)
        shutil.copy(
            Path(__file__).resolve().parent.parent / "data" / "indicators.yaml",
            empty / "data" / "indicators.yaml",
        )
        base, base_mem = run([sys.executable, "-c", "pass"], work, 5)
        helps, help_mem = run([THIDUA, "--help"], work, 5)
        empty_s, empty_mem = run([THIDUA, "validate", "-j", "1"], empty, 5)
        row("python -c pass", base, base_mem)
        row("thidua --help", helps, help_mem)
        row("thidua validate (không có đơn vị)", empty_s, empty_mem)
        print(f"  → --help chậm hơn python -c pass {helps - base:.3f} s (mục tiêu ≤ 0,25 s)")
        largest: Path | None = None
        for n in sizes:
            folder = work / str(n)
            generate(n, folder)
            largest = folder
            units = folder / "data" / "units"
            repeat = 1 if n >= 10000 else REPEAT
            files = sorted(str(p) for p in units.glob("*.yaml"))
            print(
                f"\n{n:,} tệp đơn vị ({sum(os.path.getsize(f) for f in files) / 2**20:.1f} MiB)".replace(
                    ",", "."
                )
            )
            one = run([THIDUA, "validate", "-j", "1", "-f", "json"], folder, repeat)
            two = run([THIDUA, "validate", "-j", "2", "-f", "json"], folder, repeat)
            floor = run(
                [sys.executable, str(Path(__file__).parent / "floor.py"), str(units)],
                folder,
                repeat,
            )
            row("thidua validate, 1 tiến trình", *one, n)
            row("thidua validate, 2 tiến trình", *two, n)
            row("sàn: chỉ đọc YAML bằng libyaml (1 tiến trình)", *floor, n)
            line = (
                f"  → validate 1 tiến trình / sàn = {one[0] / floor[0]:.2f}× (mục tiêu ≤ 2×); "
                f"2 tiến trình / sàn = {two[0] / floor[0]:.2f}×"
            )
            if peer:
                other = run(
                    [peer, "--schemafile", str(schemas / "unit.schema.json"), *files],
                    folder,
                    repeat,
                )
                row("đối chứng: check-jsonschema", *other, n)
                line += (
                    f"; check-jsonschema / validate 2 tiến trình = "
                    f"{other[0] / two[0]:.2f}× (mục tiêu ≥ 3×)"
                )
            print(line)
        if largest is not None:
            print(f"\nTính điểm và lập báo cáo trên {sizes[-1]:,} đơn vị".replace(",", "."))
            score = run([THIDUA, "score", "--phase", "1", "--format", "json"], largest, 1)
            report = run(
                [
                    THIDUA,
                    "report",
                    "--phase",
                    "1",
                    "--format",
                    "all",
                    "--out",
                    str(work / "reports"),
                ],
                largest,
                1,
            )
            row("thidua score --phase 1", *score)
            row("thidua report --phase 1 --format all", *report)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
