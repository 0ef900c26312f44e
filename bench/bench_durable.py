"""Benchmark of the durable_rules engine against the vectorized one.

Usage: ``python bench/bench_durable.py [--sizes 10000 100000] [--repeats 3]``

Nominees are generated in-process by examples/hanoi/generate.py (clean rows), read by the
intake into the typed nominations frame, and cut to each size. Measured, in one process:

- batch: nominations per second of ``evaluate_frame`` (vectorized, best of ``--repeats``)
  and ``evaluate_frame_durable`` (durable_rules; best of ``--repeats``, once at 100k and
  more), on the same frame.

Prints a markdown table. Live sessions (both engines) are measured by ``bench_rank.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from eligibility import load_rulebook  # noqa: E402
from eligibility.engines.durable import evaluate_frame as evaluate_frame_durable  # noqa: E402
from eligibility.engines.vectorized import evaluate_frame  # noqa: E402
from eligibility.frames import records_of  # noqa: E402
from eligibility.intake.nominees import intake_cells  # noqa: E402
from eligibility.intake.readers import normalized_cells  # noqa: E402
from eligibility.rulebook.compiled import CompiledRulebook  # noqa: E402

RULES = ROOT / "rules" / "hanoi-2022-2025.yaml"


def nominees(rulebook: CompiledRulebook, people: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(typed candidates, typed nominations) of ``people`` generated clean nominees."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "examples" / "hanoi"
                                                  / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    cells, _ = generate.generate(people, 2023, 0)
    cells = cells.select(pl.all().cast(pl.String))
    intake = intake_cells(normalized_cells(cells), rulebook)
    return intake.candidates, intake.nominations


def best(run: Callable[[], Any], repeats: int, label: str) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        progress(f"{label}: {times[-1]:.2f} s")
    return min(times)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def typed_records(rulebook: CompiledRulebook, candidates: pl.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in records_of(candidates.drop("row"), rulebook):
        record = {"id": row["candidate_id"], "nominated_for": list(row["nominated_for"])}
        for name, spec in rulebook.fields.items():
            record[name] = row.get(name) if not spec.yearly else row.get(name, {})
        records.append(record)
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rulebook = load_rulebook(RULES)
    largest = max(args.sizes)
    _, nominations = nominees(rulebook, largest)
    rows = []
    for size in args.sizes:
        frame = nominations.head(size)
        vectorized = best(lambda frame=frame: evaluate_frame(rulebook, frame), args.repeats,
                          f"vectorized {size}")
        repeats = 1 if size >= 100_000 else args.repeats
        durable = best(lambda frame=frame: evaluate_frame_durable(rulebook, frame), repeats,
                       f"durable {size}")
        rows.append((f"batch, {frame.height:,} nominations: vectorized",
                     f"{frame.height / vectorized:,.0f} nominations/s ({vectorized:.2f} s)"))
        rows.append((f"batch, {frame.height:,} nominations: durable_rules",
                     f"{frame.height / durable:,.0f} nominations/s ({durable:.2f} s)"))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, polars {pl.__version__}")
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
