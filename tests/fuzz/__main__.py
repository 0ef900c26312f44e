"""Run a fuzzing campaign: ``python -m tests.fuzz --rulebooks N --nominees N``.

Case ``i`` of a kind is drawn from ``random.Random(f"{seed}:{kind}:{i}")``, so any case is
reproduced with ``--seed S --only rulebooks:I`` (or ``nominees:I``). Cases run in
``--workers`` worker processes, each bounded by ``--max-rss`` and ``--timeout`` per
command line; the campaign stops when its ``--seconds`` budget is spent. A case with a
violation is run again in a new worker: only what a fresh process reproduces counts (a
worker that has run hundreds of commands may have run out of address space on its own).
Every violation is written with its input files under ``--findings``; the figures go to
stdout and to ``--findings/summary.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from threading import local

from tests.fuzz.checks import Verdict, check_nominee_case, check_rulebook_case
from tests.fuzz.nominees import mutated_nominees
from tests.fuzz.rulebooks import mutated_rulebook
from tests.fuzz.runner import Worker


def case_random(seed: int, kind: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{kind}:{index}")


def run_case(worker: Worker, seed: int, kind: str, index: int,
             timeout: float) -> tuple[Verdict, list[str], dict[str, bytes]]:
    """Draw case ``index`` of ``kind`` and check it; also return its mutations and files."""
    rng = case_random(seed, kind, index)
    if kind == "rulebooks":
        case = mutated_rulebook(rng)
        # A refused rulebook is also ranked in one case of ten: rank loads it as check does.
        verdict = check_rulebook_case(worker, case, timeout=timeout,
                                      rank_refused=index % 10 == 0)
        return verdict, case.mutations, dict(case.files)
    nominees = mutated_nominees(rng)
    return (check_nominee_case(worker, nominees, timeout=timeout), nominees.mutations,
            {nominees.name: nominees.data})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rulebooks", type=int, default=200, help="rulebook cases (200)")
    parser.add_argument("--nominees", type=int, default=200, help="nominee-file cases (200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3600.0, help="time budget (3600)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds one command line may take (60)")
    parser.add_argument("--max-rss", type=float, default=2.0,
                        help="GB of memory one command line may use (2)")
    parser.add_argument("--findings", type=Path, default=Path("fuzz-findings"))
    parser.add_argument("--only", help="one case, e.g. rulebooks:17")
    arguments = parser.parse_args(argv)

    plan = [("rulebooks", index) for index in range(arguments.rulebooks)]
    plan += [("nominees", index) for index in range(arguments.nominees)]
    plan.sort(key=lambda item: (item[1], item[0]))  # interleaved: a cut budget covers both
    if arguments.only:
        kind, index = arguments.only.split(":")
        plan = [(kind, int(index))]
    arguments.findings.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + arguments.seconds
    started = time.monotonic()
    counts: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    threads = local()
    workers: list[Worker] = []

    def worker() -> Worker:
        if not hasattr(threads, "worker"):
            threads.worker = Worker(max_rss=int(arguments.max_rss * 2**30), recycle=100,
                                    log=arguments.findings / "workers.log")
            workers.append(threads.worker)
        return threads.worker

    def one(kind: str, index: int) -> None:
        if time.monotonic() > deadline:
            return
        try:
            verdict, mutations, files = run_case(worker(), arguments.seed, kind, index,
                                                 arguments.timeout)
        except Exception as error:  # a fault of the fuzzer itself: counted, never hidden
            counts[f"{kind} the fuzzer failed on"] += 1
            verdict = Verdict(violations=[f"the fuzzer failed: {error!r}"])
            _record(arguments.findings, arguments.seed, kind, index, verdict, [], {})
            return
        if not verdict.ok:
            with Worker(max_rss=int(arguments.max_rss * 2**30)) as fresh:
                again = run_case(fresh, arguments.seed, kind, index, arguments.timeout)[0]
            if again.ok:
                counts[f"{kind} not reproduced in a fresh worker"] += 1
            verdict = again
        counts[f"{kind} run"] += 1
        counts["command lines"] += len(verdict.runs)
        exits[f"{kind} exit {verdict.exit}"] += 1
        for result in verdict.runs:
            exits[f"command lines ending: {result.describe()}"] += 1
        if not verdict.ok:
            counts[f"{kind} with a violation"] += 1
            _record(arguments.findings, arguments.seed, kind, index, verdict, mutations, files)

    with ThreadPoolExecutor(max_workers=arguments.workers) as pool:
        futures: list[Future[None]] = [pool.submit(one, kind, index) for kind, index in plan]
        for done, future in enumerate(futures, 1):
            future.result()
            if done % 100 == 0:
                print(f"{done}/{len(futures)} cases, {time.monotonic() - started:,.0f} s, "
                      f"{dict(counts)}", flush=True)
    for item in workers:
        item.close()
    summary = {"seed": arguments.seed, "seconds": round(time.monotonic() - started, 1),
               "counts": dict(sorted(counts.items())), "endings": dict(sorted(exits.items()))}
    (arguments.findings / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 1 if any("violation" in key or "failed" in key for key in counts) else 0


def _record(findings: Path, seed: int, kind: str, index: int, verdict: Verdict,
            mutations: list[str], files: dict[str, bytes]) -> None:
    folder = findings / f"{kind}-{index}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "finding.json").write_text(json.dumps({
        "reproduce": f"python -m tests.fuzz --seed {seed} --only {kind}:{index}",
        "mutations": mutations, "violations": verdict.violations,
        "runs": [{"argv": list(result.argv), "ending": result.describe(),
                  "seconds": round(result.seconds, 2), "peak_mb": result.peak_rss >> 20,
                  "stderr": result.stderr[-1500:]} for result in verdict.runs],
    }, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
