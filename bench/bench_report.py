"""Benchmark of what the selection report and the workbook add to `eligibility rank`.

Usage: ``python bench/bench_report.py [--count 3000] [--repeats 3]``

On a clean generated nominee file of ``--count`` rows (cached in bench/data/), each in a
fresh process and ``--repeats`` times: ``rank`` alone, ``rank --xlsx``, ``rank --report``, and
``eligibility report`` on the finished run (which reads the nominee file again). Prints the
median wall times, the differences to ``rank`` alone, and the sizes of report.html and
decisions.xlsx, as a markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_rank import RULES, nominee_file  # run as a script: bench/ is on sys.path


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    nominees = nominee_file(args.count)
    eligibility = [sys.executable, "-m", "eligibility"]
    walls: dict[str, list[float]] = {"rank": [], "rank --xlsx": [], "rank --report": [],
                                     "report": []}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        rank = [*eligibility, "rank", str(nominees), "--rules", str(RULES), "--out", str(out)]
        for _ in range(args.repeats):
            walls["rank"].append(timed(rank))
            walls["rank --xlsx"].append(timed([*rank, "--xlsx"]))
            walls["rank --report"].append(timed([*rank, "--report"]))
            walls["report"].append(timed([*eligibility, "report", str(out), "--rules",
                                          str(RULES), "--nominees", str(nominees)]))
        sizes = {name: (out / name).stat().st_size for name in ("report.html",
                                                                "decisions.xlsx")
                 if (out / name).exists()}
    medians = {name: statistics.median(values) for name, values in walls.items()}
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; {args.count:,} nominees, median of {args.repeats}")
    print("| command | wall time | added to rank |\n|---|---|---|")
    for name, wall in medians.items():
        added = "" if name in ("rank", "report") else f"+{wall - medians['rank']:.2f} s"
        print(f"| `{name}` | {wall:.2f} s | {added} |")
    for name, size in sizes.items():
        print(f"| size of {name} | {size / 2**20:.1f} MiB | |")


if __name__ == "__main__":
    main()
