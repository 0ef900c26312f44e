"""Benchmark of the whole `eligibility rank` command against the polars I/O floor, with the
live-session and scalar figures, in one run.

Usage: ``python bench/bench_rank.py [--counts 100000,1000000,10000000] [--repeats 3]
[--session 10000] [--updates 1000] [--scalar 100000]``

Generates (once, cached in bench/data/) clean nominee files of each count with
examples/hanoi/generate.py, then, side by side in one run:

- the command: ``eligibility rank FILE --rules rules/hanoi-2022-2025.yaml --out DIR`` in a
  fresh process — wall time (start-up and imports included) and peak resident memory (the
  child's own ``ru_maxrss``, from ``wait4``);
- the floor: in a fresh process, polars reads the same CSV and writes a CSV of the
  decisions' size (the decisions.csv just produced, loaded before the clock starts); the
  floor is the time of the read and the write inside that process, and the *floor process*
  that process's whole wall time, start-up included, less the loading of the table it
  writes;
- the scalar API: ``evaluate_candidate`` on each nomination of ``--scalar`` nominees (typed
  records, as a caller holds them), in a fresh process: µs per nomination, without and with
  the reasons read in Vietnamese, the median of three passes over every nomination;
- live sessions of ``--session`` nominees, one per engine (scalar, durable), in a fresh
  process: ``--updates`` updates (a random nominee's succession-plan flag flipped), each
  followed by a read of that nominee's decision: update, read and both, median and p99.

Counts up to 1,000,000 run ``--repeats`` times (medians); larger counts run once. The
library is byte-compiled first, as an installed package is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "hanoi-2022-2025.yaml"
DATA = ROOT / "bench" / "data"
REPEATED_UP_TO = 1_000_000
SCALAR_PASSES = 3  # over every nomination; the figure is their median

FLOOR = """
import sys, time, polars as pl
nominees, decisions, out = sys.argv[1:4]
start = time.perf_counter()
table = pl.read_csv(decisions, infer_schema=False)
preload = time.perf_counter() - start
start = time.perf_counter()
pl.read_csv(nominees, infer_schema=False)
read = time.perf_counter() - start
start = time.perf_counter()
table.write_csv(out, include_bom=True)
print(read, time.perf_counter() - start, preload)
"""


def compile_library() -> None:
    """Byte-compile the library, as pip does when it installs it: an editable install run
    with PYTHONDONTWRITEBYTECODE set would otherwise compile every module at each start."""
    import compileall

    import eligibility

    compileall.compile_dir(Path(eligibility.__file__).parent, quiet=1)


def nominee_file(count: int) -> Path:
    path = DATA / f"nominees-{count}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                        "--count", str(count), "--clean", "--out", str(path)], check=True)
    return path


def run_measured(command: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes) of this child alone, and its stdout."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise RuntimeError(f"{command[:4]}… exited {child.returncode}")
        output.seek(0)
        printed = output.read().decode()
    return wall, usage.ru_maxrss * 1024, printed


def rank_figures(count: int, repeats: int) -> dict[str, Any]:
    """The command and the floor at ``count`` nominees, side by side."""
    nominees = nominee_file(count)
    walls, peaks, floors, floor_walls = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        for _ in range(repeats):
            wall, peak, _ = run_measured([
                sys.executable, "-m", "eligibility", "rank", str(nominees), "--rules",
                str(RULES), "--out", str(out)])
            walls.append(wall)
            peaks.append(peak)
            floor_wall, _, printed = run_measured([
                sys.executable, "-c", FLOOR, str(nominees), str(out / "decisions.csv"),
                str(Path(folder) / "floor.csv")])
            read, write, preload = (float(value) for value in printed.split())
            floors.append(read + write)
            floor_walls.append(floor_wall - preload)
        counts = json.loads((out / "manifest.json").read_text())["counts"]
    return {"count": count, "runs": repeats, "rows_in": counts["rows_in"],
            "nominations": counts["nominations"], "command": statistics.median(walls),
            "peak": max(peaks), "floor": statistics.median(floors),
            "floor_process": statistics.median(floor_walls)}


def probe(kind: str, size: int, updates: int) -> dict[str, Any]:
    """Run one in-process measurement in a fresh process; its figures as a dict."""
    _, _, printed = run_measured([sys.executable, __file__, "--probe", kind, "--size",
                                  str(size), "--updates", str(updates)])
    return json.loads(printed.splitlines()[-1])


# --- the probes (each runs in its own process) ----------------------------------------------

def _typed(size: int) -> tuple[Any, list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """The rulebook, the typed nomination records with their quotas, and the typed nominee
    records of ``size`` clean generated nominees (read by the library's intake)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_durable import typed_records

    import eligibility
    from eligibility.frames import QUOTA, records_of
    from eligibility.intake.nominees import read_nominees

    rulebook = eligibility.load_rulebook(RULES)
    intake = read_nominees(nominee_file(size), rulebook)
    nominations = intake.nominations
    return (rulebook, records_of(nominations, rulebook), nominations[QUOTA].to_list(),
            typed_records(rulebook, intake.candidates))


def scalar_probe(size: int) -> dict[str, Any]:
    from eligibility.evaluation import evaluate_candidate

    rulebook, records, quotas, _ = _typed(size)
    pairs = list(zip(records, quotas, strict=True))
    for record, quota in pairs[:2000]:  # warm: programs compiled, caches filled
        evaluate_candidate(rulebook, record, quota)
    passes, reading = [], []
    for _ in range(SCALAR_PASSES):
        start = time.perf_counter()
        evaluations = [evaluate_candidate(rulebook, record, quota) for record, quota in pairs]
        passes.append(time.perf_counter() - start)
        start = time.perf_counter()
        reasons = [evaluation.reasons("vi") for evaluation in evaluations]
        reading.append(time.perf_counter() - start)
        del evaluations
    per = 1e6 / len(pairs)
    return {"nominations": len(pairs), "evaluate_us": statistics.median(passes) * per,
            "evaluate_us_passes": [round(seconds * per, 2) for seconds in passes],
            "with_reasons_us": statistics.median(
                [decided + read for decided, read in zip(passes, reading, strict=True)]) * per,
            "ineligible": sum(1 for reason in reasons if reason)}


def session_probe(size: int, updates: int) -> dict[str, Any]:
    from eligibility.session import open_session

    rulebook, _, _, records = _typed(size)
    figures: dict[str, Any] = {}
    for engine in ("scalar", "durable"):
        rng = random.Random(7)
        with open_session(rulebook, engine=engine) as session:
            start = time.perf_counter()
            for record in records:
                session.assert_candidate(record)
            filled = time.perf_counter() - start
            start = time.perf_counter()
            nominations = session.decisions().height
            first_read = time.perf_counter() - start
            update, read = [], []
            for _ in range(updates):
                record = dict(rng.choice(records))
                record["succession_plan"] = not record["succession_plan"]
                start = time.perf_counter()
                session.update_candidate(record)
                middle = time.perf_counter()
                session.decision(record["id"])
                update.append(middle - start)
                read.append(time.perf_counter() - middle)
            start = time.perf_counter()
            session.decisions()
            full_read = time.perf_counter() - start
        both = [one + two for one, two in zip(update, read, strict=True)]
        figures[engine] = {
            "nominees": len(records), "nominations": nominations, "fill": filled,
            "first_read": first_read, "full_read_after_updates": full_read,
            **{f"{name}_{stat}": value * 1e3 for name, values in
               (("update", update), ("read", read), ("both", both))
               for stat, value in (("median", statistics.median(values)),
                                   ("p99", statistics.quantiles(values, n=100)[98]))}}
    return figures


# --- the report --------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100000,1000000,10000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--session", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--scalar", type=int, default=100_000)
    parser.add_argument("--probe", choices=("scalar", "session"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe == "scalar":
        print(json.dumps(scalar_probe(args.size)))
        return
    if args.probe == "session":
        print(json.dumps(session_probe(args.size, args.updates)))
        return
    compile_library()
    began = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    counts = [int(count) for count in args.counts.split(",") if count]
    ranked = []
    for count in counts:
        ranked.append(rank_figures(count, args.repeats if count <= REPEATED_UP_TO else 1))
        print(f"… {count:,} nominees done", file=sys.stderr)
    scalar = probe("scalar", args.scalar, 0) if args.scalar else None
    session = probe("session", args.session, args.updates) if args.session else None
    print(f"Measured {began} – {time.strftime('%H:%M UTC', time.gmtime())} on "
          f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average at the end {os.getloadavg()[0]:.1f}\n")
    print(rank_table(ranked))
    if scalar:
        passes = ", ".join(f"{figure:.1f}" for figure in scalar["evaluate_us_passes"])
        print(f"\nScalar API, {scalar['nominations']:,} nominations: evaluate_candidate "
              f"{scalar['evaluate_us']:.1f} µs per nomination (median of {SCALAR_PASSES} "
              f"passes: {passes} µs); with the reasons read in Vietnamese "
              f"{scalar['with_reasons_us']:.1f} µs.")
    if session:
        print()
        print(session_table(session, args.updates))


def rank_table(ranked: list[dict[str, Any]]) -> str:
    lines = ["| nominees | nominations | runs | `rank` wall | floor | ratio | floor process | "
             "ratio to floor process | peak RSS |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in ranked:
        lines.append(
            f"| {row['rows_in']:,} | {row['nominations']:,} | {row['runs']} | "
            f"{row['command']:.2f} s | {row['floor']:.2f} s | "
            f"{row['command'] / row['floor']:.1f}× | {row['floor_process']:.2f} s | "
            f"{row['command'] / row['floor_process']:.1f}× | {row['peak'] / 2**30:.2f} GiB |")
    by_count = {row["count"]: row["command"] for row in ranked}
    for small, large in ((100_000, 1_000_000), (1_000_000, 10_000_000)):
        if small in by_count and large in by_count:
            lines.append(f"\n`rank` at {large:,} takes {by_count[large] / by_count[small]:.1f}× "
                         f"its time at {small:,}.")
    return "\n".join(lines)


def session_table(figures: dict[str, Any], updates: int) -> str:
    first = next(iter(figures.values()))
    lines = [f"Live sessions of {first['nominees']:,} nominees ({first['nominations']:,} "
             f"nominations), {updates:,} updates each:\n",
             "| engine | fill | update median / p99 | read after update median / p99 | "
             "update + read median / p99 | decisions() after the updates |",
             "|---|---:|---:|---:|---:|---:|"]
    for engine, row in figures.items():
        lines.append(
            f"| {engine} | {row['fill']:.1f} s | {row['update_median']:.3f} / "
            f"{row['update_p99']:.3f} ms | {row['read_median']:.3f} / {row['read_p99']:.3f} ms "
            f"| {row['both_median']:.3f} / {row['both_p99']:.3f} ms | "
            f"{row['full_read_after_updates'] * 1e3:.1f} ms |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
