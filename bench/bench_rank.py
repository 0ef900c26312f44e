"""Benchmark of the whole `eligibility rank` command against the polars I/O floor.

Usage: ``python bench/bench_rank.py [--count 1000000] [--repeats 3]``

Generates (once, cached in bench/data/) a clean nominee file of ``--count`` rows with
examples/hanoi/generate.py, then, side by side in one run:

- the command: ``eligibility rank FILE --rules rules/hanoi-2022-2025.yaml --out DIR`` in a
  fresh process — wall time and peak resident memory;
- the floor: in a fresh process, polars reads the same CSV and writes a CSV of the
  decisions' size (the decisions.csv just produced, loaded before the clock starts).

Each is run ``--repeats`` times; the medians and their ratio are printed as a markdown table.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "hanoi-2022-2025.yaml"
DATA = ROOT / "bench" / "data"

FLOOR = """
import sys, time, polars as pl
nominees, decisions, out = sys.argv[1:4]
table = pl.read_csv(decisions, infer_schema=False)
start = time.perf_counter()
pl.read_csv(nominees, infer_schema=False)
read = time.perf_counter() - start
start = time.perf_counter()
table.write_csv(out, include_bom=True)
print(read, time.perf_counter() - start)
"""


def nominee_file(count: int) -> Path:
    path = DATA / f"nominees-{count}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                        "--count", str(count), "--clean", "--out", str(path)], check=True)
    return path


def run_measured(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) of the child, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest so far; it only tells when this child set a record.
    return wall, max(peak, before) * 1024, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engine", default="vectorized")
    args = parser.parse_args()
    nominees = nominee_file(args.count)
    command_walls, floors, floor_walls, peaks = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        for _ in range(args.repeats):
            wall, peak, _ = run_measured([
                sys.executable, "-m", "eligibility", "rank", str(nominees), "--rules",
                str(RULES), "--out", str(out), "--engine", args.engine])
            command_walls.append(wall)
            peaks.append(peak)
            floor_wall, _, printed = run_measured([
                sys.executable, "-c", FLOOR, str(nominees), str(out / "decisions.csv"),
                str(Path(folder) / "floor.csv")])
            read, write = (float(value) for value in printed.split())
            floors.append(read + write)
            floor_walls.append(floor_wall)
        decisions = sum(1 for _ in (out / "decisions.csv").open(encoding="utf-8-sig")) - 1
        counts = json.loads((out / "manifest.json").read_text())["counts"]
    command = statistics.median(command_walls)
    floor = statistics.median(floors)
    floor_process = statistics.median(floor_walls)
    rows = [
        ("nominees (rows in)", f"{counts['rows_in']:,}"),
        ("nominations decided", f"{decisions:,}"),
        ("`eligibility rank` wall time (median of "
         f"{args.repeats}, fresh process)", f"{command:.2f} s"),
        ("peak resident memory of the command", f"{max(peaks) / 2**30:.2f} GiB"),
        ("floor: polars reads the CSV + writes the decisions' CSV", f"{floor:.2f} s"),
        ("floor process wall time (with Python start-up and import)", f"{floor_process:.2f} s"),
        ("ratio command / floor", f"{command / floor:.1f}×"),
        ("ratio command / floor process", f"{command / floor_process:.1f}×"),
    ]
    print(f"Machine: {platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}")
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
