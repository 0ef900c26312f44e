"""Benchmark of what-if comparisons: how long the comparison itself takes beside the runs.

Usage: ``python bench/bench_diff.py [--count 100000]``

Generates (once, cached in bench/data/) a clean nominee file of ``--count`` rows, decides it
with the bundled rulebook, then for each what-if below decides it again with the change and
times, in one process: the second run, the comparison (changed nominations, causes,
chains), the ``diff.csv`` table (explanations in Vietnamese) and ``diff.html``. Prints a
markdown table; the peak resident memory is the process's.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_rank import RULES, nominee_file  # noqa: E402

import eligibility  # noqa: E402
from eligibility.whatif import compare_decisions  # noqa: E402
from eligibility.whatif.page import PageFacts, render_diff_html  # noqa: E402

EXCELLENT = ("10 * count(rating[y] == 'excellent' for y in "
             "range(quota.start.year - 3, quota.start.year))")
WHAT_IFS = {
    "IT quota 20 → 5 seats": {"quota.tt-tt.seats": 5},
    "age limit abroad 35 → 40": {"quota.pg-abroad.max_age": 40},
    "10 points per excellent year": {"priority.excellent.points": EXCELLENT},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    count = parser.parse_args().count
    path = nominee_file(count)
    current = eligibility.decide(eligibility.load_rulebook(RULES), path, languages=("vi",))
    print(f"{count:,} nominees, {current.decided.height:,} nominations\n")
    print("| what if | changed | second run | compare | diff.csv table | diff.html |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, changes in WHAT_IFS.items():
        start = time.perf_counter()
        after = eligibility.decide(eligibility.load_rulebook(RULES, changes=changes), path,
                                   languages=("vi",))
        decided = time.perf_counter()
        comparison = compare_decisions(current, after)
        compared = time.perf_counter()
        comparison.table("vi")
        tabled = time.perf_counter()
        render_diff_html(comparison, "vi", PageFacts(path.name, ""))
        paged = time.perf_counter()
        print(f"| {name} | {comparison.changes.height:,} | {decided - start:.1f} s "
              f"| {compared - decided:.1f} s | {tabled - compared:.1f} s "
              f"| {paged - tabled:.1f} s |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
