#!/usr/bin/env python3
"""Benchmark this library's engines side by side with peer rule engines.

    python bench/run.py --sizes 10000,100000,1000000     # the published figures
    python bench/run.py --quick                          # sizes 2000,10000, fewer repeats
    python bench/run.py --sizes 10000 --contenders vectorized,zen-graph

For each size N the harness generates N valid nominees (examples/hanoi/generate.py, cached
in bench/data/), reads them with the library's intake, keeps the nominations for one
fostering quota (``tai-chinh``) and one postgraduate quota (``pg-abroad``), each quota
decided on its own (top-N of its eligible nominations, no allocation across quotas), and
has every contender decide them. Each contender runs in a fresh subprocess
(``--worker NAME``) so that its peak RSS is its own. Its first run's decisions are checked
against this library's vectorized engine; a contender that disagrees is reported WRONG
with the first differing record and is not timed. Then it runs again ``repeats`` times
and the median is reported. A contender projected (from the previous size's rate) to need
more than ``--budget`` seconds for one run is not run at that size: its time is
extrapolated and the table says so.

Results go to bench/results/latest.json and bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import polars as pl  # noqa: E402
from contenders import CONTENDERS, FLOOR, REFERENCE, Unavailable, compare  # noqa: E402
from contenders.base import Contender  # noqa: E402
from contenders.hanoi import QUOTA_IDS  # noqa: E402

import eligibility  # noqa: E402

ROOT = BENCH.parent
RULEBOOK = ROOT / "rules" / "hanoi-2022-2025.yaml"
GENERATOR = ROOT / "examples" / "hanoi" / "generate.py"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
SEED = 2023
FULL_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000, 10_000)
IO_FLOOR = "io-floor"
INTAKE = "intake"
BASELINE = "baseline"


# --- data -------------------------------------------------------------------------------


def nominees_csv(size: int) -> Path:
    """bench/data/hanoi-N.csv: N valid nominees (generated once, then reused)."""
    path = DATA / f"hanoi-{size}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.csv")
        subprocess.run([sys.executable, str(GENERATOR), "--count", str(size), "--clean",
                        "--seed", str(SEED), "--out", str(partial)], check=True)
        partial.replace(path)
    return path


def nominations_path(size: int) -> Path:
    return DATA / f"hanoi-{size}.nominations.parquet"


def decisions_path(name: str, size: int) -> Path:
    return DATA / "decisions" / f"{name}-{size}.parquet"


def benchmark_nominations(frame: pl.DataFrame) -> pl.DataFrame:
    """The nominations of the two benchmarked quotas, each decided on its own."""
    return frame.filter(pl.col("quota_id").is_in(QUOTA_IDS))


def read_benchmark_nominations(csv: Path,
                               rulebook: eligibility.CompiledRulebook) -> pl.DataFrame:
    """The library's intake of ``csv``, kept to the two benchmarked quotas."""
    intake = eligibility.read_nominees(csv, rulebook)
    if intake.rejected.height:
        raise SystemExit(f"{csv}: {intake.rejected.height} rows rejected; expected none")
    return benchmark_nominations(intake.nominations)


# --- correctness, in process (used by the tests) ---------------------------------------


def run_contender(name: str, frame: pl.DataFrame,
                  rulebook: eligibility.CompiledRulebook) -> pl.DataFrame:
    """Decide ``frame`` with one contender, untimed: its decisions table.

    Raises :class:`contenders.Unavailable` when it cannot run on this machine.
    """
    cls = CONTENDERS[name]
    if cls.missing():
        raise Unavailable(f"not installed: {', '.join(cls.missing())}")
    contender = cls()
    contender.setup(rulebook)
    return contender.decisions(contender.decide(contender.marshal(contender.precompute(frame))))


# --- the worker: one contender, one size, in its own process ---------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set size (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _ask(line: str) -> str:
    """Tell the harness ``line`` and wait for its answer."""
    print(line, flush=True)
    return sys.stdin.readline().strip()


def _timed(function: Any, *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - began


def worker(name: str, size: int, out: Path) -> int:
    """Run one contender (or the I/O floor, intake, baseline) and write its figures."""
    report: dict[str, Any] = {"name": name, "size": size}
    try:
        report |= _work(name, size)
    except Unavailable as error:
        report["unavailable"] = str(error)
    except Exception:
        report["error"] = traceback.format_exc()
    report["peak_rss_mib"] = peak_rss_mib()
    out.write_text(json.dumps(report, indent=1))
    return 0


def _work(name: str, size: int) -> dict[str, Any]:
    if name == INTAKE:
        rulebook = eligibility.load_rulebook(RULEBOOK)
        frame, seconds = _timed(read_benchmark_nominations, nominees_csv(size), rulebook)
        frame.write_parquet(nominations_path(size))
        return {"times": [seconds], "nominations": frame.height}
    if name == IO_FLOOR:
        return _io_floor(size)
    rulebook = eligibility.load_rulebook(RULEBOOK)
    frame = pl.read_parquet(nominations_path(size))
    result: dict[str, Any] = {"nominations": frame.height, "input_rss_mib": current_rss_mib()}
    if name == BASELINE:
        return result
    cls = CONTENDERS[name]
    if cls.missing():
        raise Unavailable(f"not installed: {', '.join(cls.missing())}")
    contender: Contender = cls()
    _, result["setup_s"] = _timed(contender.setup, rulebook)
    derived, result["precompute_s"] = _timed(contender.precompute, frame)
    data, result["marshal_s"] = _timed(contender.marshal, derived)
    del derived
    decided, first = _timed(contender.decide, data)
    phases = [dict(contender.phases)]
    path = decisions_path(name, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    contender.decisions(decided).write_parquet(path)
    del decided
    answer = _ask(f"CHECK {first:.6f} {path}")
    result["check_run_s"] = first
    if not answer.startswith("GO"):
        return result | {"times": [], "stopped_after_check": answer}
    repeats = int(answer.split()[1])
    times = []
    for _ in range(repeats):
        decided, seconds = _timed(contender.decide, data)
        del decided
        times.append(seconds)
        phases.append(dict(contender.phases))
    if not times:  # one run only: the check run is the timed run
        times = [first]
    else:
        phases = phases[1:]
    result["times"] = times
    result["phases"] = {key: statistics.median(phase[key] for phase in phases)
                        for key in phases[0]} if phases and phases[0] else {}
    return result


def _io_floor(size: int) -> dict[str, Any]:
    """polars reads the nominee CSV and writes a CSV of the decisions' size."""
    csv = nominees_csv(size)
    decisions = pl.read_parquet(decisions_path(REFERENCE, size))
    repeats = int(_ask("IO").split()[1])
    times = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "decisions.csv"
        for _ in range(max(repeats, 1)):
            began = time.perf_counter()
            pl.read_csv(csv, infer_schema=False)
            decisions.write_csv(out)
            times.append(time.perf_counter() - began)
    return {"times": times, "nominations": decisions.height}


# --- the harness ----------------------------------------------------------------------


@dataclass
class Outcome:
    """One contender at one size, as reported."""

    name: str
    size: int
    status: str  # reference, agrees, WRONG, extrapolated, stopped, unavailable, failed, info
    nominations: int = 0
    times: list[float] = field(default_factory=list)
    median_s: float | None = None
    peak_rss_mib: float | None = None
    setup_s: float | None = None
    precompute_s: float | None = None
    marshal_s: float | None = None
    phases: dict[str, float] = field(default_factory=dict)
    load: float | None = None  # 1-minute load average when the contender started
    note: str = ""

    @property
    def rate(self) -> float | None:
        if not self.median_s or not self.nominations:
            return None
        return self.nominations / self.median_s


@dataclass
class Settings:
    sizes: tuple[int, ...]
    names: tuple[str, ...]
    budget: float  # seconds one run may take (projected) before it is extrapolated
    quick: bool

    def repeats(self, first: float) -> int:
        """How many timed runs follow a check run that took ``first`` seconds.

        The check run warms up; the median is over the runs after it. When three runs
        would take over ``budget`` seconds, the check run is the only run.
        """
        if 3 * first > self.budget:
            return 0
        if self.quick:
            return 1
        return 5 if first < 2 else 3


class Harness:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.outcomes: list[Outcome] = []

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def run(self) -> list[Outcome]:
        for size in self.settings.sizes:
            began = time.perf_counter()
            nominees_csv(size)
            self.log(f"== {size:,} nominees: intake")
            intake = self._simple(INTAKE, size, repeats=1)
            self.outcomes.append(intake)
            if intake.status == "failed":
                raise SystemExit(f"intake failed at {size}: {intake.note}")
            self.outcomes.append(self._simple(BASELINE, size, repeats=0))
            for name in self.settings.names:
                load = os.getloadavg()[0]
                self.log(f"-- {size:,}: {name} (load {load:.1f})")
                outcome = self._contender(name, size)
                outcome.load = load
                self.log(f"   {outcome.status} {outcome.median_s} {outcome.note}")
                self.outcomes.append(outcome)
            self.log(f"-- {size:,}: I/O floor")
            self.outcomes.append(self._simple(IO_FLOOR, size, repeats=None))
            self.log(f"== {size:,} done in {time.perf_counter() - began:.0f} s")
        return self.outcomes

    def _previous(self, name: str, size: int) -> Outcome | None:
        earlier = [outcome for outcome in self.outcomes if outcome.name == name
                   and outcome.size < size and outcome.rate]
        return max(earlier, key=lambda outcome: outcome.size) if earlier else None

    def _nominations(self, size: int) -> int:
        return next(outcome.nominations for outcome in self.outcomes
                    if outcome.name == INTAKE and outcome.size == size)

    def _contender(self, name: str, size: int) -> Outcome:
        nominations = self._nominations(size)
        previous = self._previous(name, size)
        projected = nominations / previous.rate if previous and previous.rate else None
        if projected is not None and projected > self.settings.budget:
            assert previous is not None
            return Outcome(name, size, "extrapolated", nominations, median_s=projected,
                           note=f"projected {projected:.0f} s for one run from the "
                                f"{previous.size:,}-nominee rate; not run")
        limit = max(2 * self.settings.budget, 3 * projected if projected else 0)
        return self._spawn(name, size, nominations, limit, projected)

    def _spawn(self, name: str, size: int, nominations: int, limit: float,
               projected: float | None) -> Outcome:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "report.json"
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", name,
                 "--size", str(size), "--report", str(out)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert process.stdin is not None and process.stdout is not None
            outcome = Outcome(name, size, "failed", nominations)
            line = _read_line(process, limit)
            if line is None:
                process.kill()
                process.wait()
                outcome.status = "stopped"
                outcome.median_s = projected
                outcome.note = (f"stopped after {limit:.0f} s"
                                + (f"; {projected:.0f} s projected" if projected else ""))
                return outcome
            if line.startswith("CHECK"):
                _, first, path = line.split(maxsplit=2)
                mismatch = None
                if name != REFERENCE:
                    mismatch = compare(pl.read_parquet(decisions_path(REFERENCE, size)),
                                       pl.read_parquet(path))
                if mismatch is not None:
                    _send(process, "STOP wrong")
                    outcome.status = "WRONG"
                    outcome.note = str(mismatch)
                else:
                    repeats = self.settings.repeats(float(first))
                    _send(process, f"GO {repeats}")
                    outcome.status = "reference" if name == REFERENCE else "agrees"
                    limit = 2 * repeats * float(first) + 300
            try:
                process.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                outcome.status = "stopped"
                outcome.note = f"timed runs stopped after {limit:.0f} s"
                return outcome
            if not out.exists():
                outcome.note = f"worker exited with {process.returncode} and no report"
                return outcome
            report = json.loads(out.read_text())
        if "unavailable" in report:
            outcome.status = "unavailable"
            outcome.note = report["unavailable"]
        elif "error" in report:
            outcome.status = "failed"
            outcome.note = report["error"].strip().splitlines()[-1]
            self.log(report["error"])
        outcome.peak_rss_mib = report.get("peak_rss_mib")
        for key in ("setup_s", "precompute_s", "marshal_s"):
            setattr(outcome, key, report.get(key))
        outcome.phases = report.get("phases", {})
        if outcome.status in ("reference", "agrees"):
            outcome.times = report["times"]
            outcome.median_s = statistics.median(outcome.times)
        return outcome

    def _simple(self, name: str, size: int, repeats: int | None) -> Outcome:
        """The intake, the baseline and the I/O floor: no check, fixed repeats."""
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "report.json"
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", name,
                 "--size", str(size), "--report", str(out)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            if name == IO_FLOOR:
                line = _read_line(process, 600)
                _send(process, f"GO {1 if self.settings.quick else 5}")
                assert line == "IO", line
            process.wait()
            report = json.loads(out.read_text())
        outcome = Outcome(name, size, "info", report.get("nominations", 0),
                          peak_rss_mib=report.get("peak_rss_mib"))
        if "error" in report:
            outcome.status = "failed"
            outcome.note = report["error"].strip().splitlines()[-1]
            self.log(report["error"])
            return outcome
        outcome.times = report.get("times", [])
        if outcome.times:
            outcome.median_s = statistics.median(outcome.times)
        if name == BASELINE:
            outcome.note = f"{report.get('input_rss_mib', 0):.0f} MiB after loading the input"
        return outcome


def _read_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    """The worker's next line on stdout ("" at its end), or None after ``timeout``."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return None
    return process.stdout.readline().strip()


def _send(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()


# --- reporting ------------------------------------------------------------------------

LABELS = {INTAKE: "intake: read_nominees, CSV → typed nominations (all quotas)",
          BASELINE: "baseline: Python + polars + typed input loaded",
          IO_FLOOR: "I/O floor: polars reads the CSV, writes a decisions-sized CSV"}


def label(name: str) -> str:
    return LABELS.get(name) or CONTENDERS[name].label


def machine() -> dict[str, Any]:
    model = "unknown"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import psutil

    return {"cpu": model, "cores": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform()}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for distribution in ("eligibility", "polars", "duckdb", "zen-engine", "rule-engine",
                         "durable_rules"):
        try:
            found[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            found[distribution] = "not installed"
    return found


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _number(value: float) -> str:
    return f"{value:,.0f}"


def markdown(outcomes: list[Outcome], settings: Settings) -> str:
    lines: list[str] = []
    for size in settings.sizes:
        here = [outcome for outcome in outcomes if outcome.size == size]
        nominations = next((o.nominations for o in here if o.name == INTAKE), 0)
        floor = next((o for o in here if o.name == FLOOR and o.median_s), None)
        lines += [f"### {size:,} nominees ({nominations:,} nominations for "
                  f"{' and '.join(QUOTA_IDS)})", "",
                  "| contender | decide, median | runs | nominations/s | µs/nomination "
                  "| × polars query | peak RSS | setup | precompute | marshal | decisions |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        order = [*settings.names, IO_FLOOR, INTAKE, BASELINE]
        for outcome in sorted(here, key=lambda o: order.index(o.name)):
            lines.append(_row(outcome, floor))
        lines.append("")
    lines += _targets(outcomes, settings)
    return "\n".join(lines) + "\n"


def _row(outcome: Outcome, floor: Outcome | None) -> str:
    median = _seconds(outcome.median_s)
    rate = per = ratio = "–"
    if outcome.median_s and outcome.nominations and outcome.name in (*CONTENDERS, IO_FLOOR):
        if outcome.name != IO_FLOOR:
            rate = _number(outcome.nominations / outcome.median_s)
            per = f"{outcome.median_s / outcome.nominations * 1e6:.2f}"
        if floor and floor.median_s:
            ratio = f"{outcome.median_s / floor.median_s:.2f}×"
    if outcome.status in ("extrapolated", "stopped") and outcome.median_s:
        median = f"~{median} (extrapolated)"
    runs = str(len(outcome.times)) if outcome.times else "–"
    status = {"reference": "reference", "agrees": "agree", "info": ""}.get(
        outcome.status, f"**{outcome.status}**")
    if outcome.note:
        status += f": {outcome.note}" if status else outcome.note
    status = status or "–"
    rss = f"{outcome.peak_rss_mib:,.0f} MiB" if outcome.peak_rss_mib else "–"
    return (f"| {label(outcome.name)} | {median} | {runs} | {rate} | {per} | {ratio} | {rss} "
            f"| {_seconds(outcome.setup_s)} | {_seconds(outcome.precompute_s)} "
            f"| {_seconds(outcome.marshal_s)} | {status.replace('|', '/')} |")


def _targets(outcomes: list[Outcome], settings: Settings) -> list[str]:
    size = max(settings.sizes)

    def find(name: str) -> Outcome | None:
        return next((o for o in outcomes if o.name == name and o.size == size and o.median_s),
                    None)

    vectorized, floor = find(REFERENCE), find(FLOOR)
    lines = [f"### Targets at {size:,} nominees", ""]
    if vectorized and floor:
        ratio = vectorized.median_s / floor.median_s  # type: ignore[operator]
        lines.append(f"- vectorized engine within 1.5× of the hand-written polars query: "
                     f"{ratio:.2f}× — {'met' if ratio <= 1.5 else 'missed'}")
    bare = find("vectorized-bare")
    if bare and floor:
        ratio = bare.median_s / floor.median_s  # type: ignore[operator]
        lines.append(f"- the same without rendering reasons (languages=(), the peers' work): "
                     f"{ratio:.2f}× the polars query")
    for peer in ("zen-graph", "durable"):
        other = find(peer)
        if vectorized and other:
            speedup = other.median_s / vectorized.median_s  # type: ignore[operator]
            extrapolated = " (extrapolated)" if other.status != "agrees" else ""
            lines.append(f"- vectorized engine at least 100× faster than {label(peer)}: "
                         f"{speedup:,.0f}×{extrapolated} — "
                         f"{'met' if speedup >= 100 else 'missed'}")
        elif peer in settings.names:
            lines.append(f"- vectorized engine at least 100× faster than {label(peer)}: "
                         "not measured (unavailable)")
    scalar = find("scalar")
    if scalar:
        per = scalar.median_s / scalar.nominations * 1e6  # type: ignore[operator]
        lines.append(f"- scalar API at most 50 µs per nomination: {per:.1f} µs — "
                     f"{'met' if per <= 50 else 'missed'}"
                     + _scalar_phases(scalar))
    return [*lines, ""]


def _scalar_phases(scalar: Outcome) -> str:
    """The scalar API's figure split: evaluate_candidate (messages rendered when read, not
    read), then reading each evaluation's reasons in vi."""
    per = {key: seconds / scalar.nominations * 1e6 for key, seconds in scalar.phases.items()}
    if "evaluate" not in per:
        return ""
    reasons = f", reading reasons in vi {per['reasons']:.1f} µs more" if "reasons" in per else ""
    return f" (evaluate_candidate alone {per['evaluate']:.1f} µs{reasons})"


def write_results(outcomes: list[Outcome], settings: Settings) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "settings": asdict(settings), "machine": machine(), "versions": versions(),
                "outcomes": [asdict(outcome) for outcome in outcomes]}
    (RESULTS / "latest.json").write_text(json.dumps(document, indent=1, ensure_ascii=False))
    loads = [outcome.load for outcome in outcomes if outcome.load is not None]
    header = [f"Run {document['when']} on {document['machine']['cpu']} "
              f"({document['machine']['cores']} cores, {document['machine']['memory_gib']} GiB); "
              + ", ".join(f"{name} {version}" for name, version in document["versions"].items())
              + (f". 1-minute load average when contenders started: {min(loads):.1f} to "
                 f"{max(loads):.1f} (other work shares the machine: a load above 1 slows "
                 "the multi-threaded contenders most)." if loads else ""),
              ""]
    path = RESULTS / "latest.md"
    path.write_text("\n".join(header) + markdown(outcomes, settings), encoding="utf-8")
    return path


# --- command line ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="nominee counts, comma-separated "
                        f"(default {','.join(map(str, FULL_SIZES))})")
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {','.join(map(str, QUICK_SIZES))} and fewer repeats")
    parser.add_argument("--contenders", help="names, comma-separated (default: all): "
                        + ", ".join(CONTENDERS))
    parser.add_argument("--budget", type=float, default=120.0,
                        help="seconds one run may be projected to take before it is "
                             "extrapolated instead of run (120)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.size, args.report)
    sizes = QUICK_SIZES if args.quick and not args.sizes else FULL_SIZES
    if args.sizes:
        sizes = tuple(int(size.replace("_", "")) for size in args.sizes.split(","))
    names = tuple(CONTENDERS)
    if args.contenders:
        asked = [name.strip() for name in args.contenders.split(",")]
        unknown = [name for name in asked if name not in CONTENDERS]
        if unknown:
            parser.error(f"unknown contenders {unknown}; expected some of {list(CONTENDERS)}")
        names = tuple(name for name in CONTENDERS if name in asked or name in (REFERENCE, FLOOR))
    settings = Settings(tuple(sorted(sizes)), names, args.budget, args.quick)
    outcomes = Harness(settings).run()
    path = write_results(outcomes, settings)
    print(path.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
