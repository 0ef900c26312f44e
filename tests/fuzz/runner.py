"""Run ``eligibility`` command lines in a worker process bounded in time and memory.

The worker (:mod:`tests.fuzz.worker`) gets an address-space limit (``RLIMIT_AS``) and is
watched from here: its resident memory is sampled every few milliseconds and a run that
passes ``max_rss`` or ``timeout`` is killed and reported as such. A run that kills the
worker (a signal: an abort on a failed allocation, a segfault) is reported with the signal.
A new worker is started after any of these, and every ``recycle`` runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RunResult:
    """How one command line ended."""

    argv: tuple[str, ...]
    exit: int | None  # None when the run was killed or died
    signal: str | None  # the signal that ended the worker, if one did
    seconds: float
    peak_rss: int  # bytes, as sampled
    stdout: str = ""
    stderr: str = ""
    over_time: bool = False
    over_memory: bool = False

    @property
    def acceptable(self) -> bool:
        """Exit 0 or 2, within the bounds: the only endings a user may see."""
        return self.exit in (0, 2) and not (self.over_time or self.over_memory)

    def describe(self) -> str:
        if self.over_time:
            return f"ran over {self.seconds:.0f} s and was stopped"
        if self.over_memory:
            return f"used {self.peak_rss / 2**20:,.0f} MB and was stopped"
        if self.signal:
            return f"killed by {self.signal}"
        return f"exit {self.exit}"


class Worker:
    """One worker process; :meth:`run` sends it a command line and watches it."""

    def __init__(self, *, max_rss: int = 2 * 2**30, address_space: int = 8 * 2**30,
                 recycle: int = 300, log: Path | None = None) -> None:
        self.max_rss = max_rss
        self.address_space = address_space
        self.recycle = recycle
        self.log = log
        self._process: subprocess.Popen[str] | None = None
        self._answers: object = None
        self._runs = 0

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if self._answers is not None:
            self._answers.close()  # type: ignore[attr-defined]
            self._answers = None

    def run(self, argv: list[str], cwd: Path, *, timeout: float = 60.0) -> RunResult:
        """Run ``eligibility ARGV`` in ``cwd``."""
        return self._request({"argv": argv, "cwd": str(cwd)}, tuple(argv), timeout)

    def intake_refuses(self, nominees: Path, rules: Path, *, timeout: float = 60.0) -> bool:
        """Whether the intake refuses ``nominees`` whole (an input error), so that no
        engine ever sees it."""
        result = self._request({"intake": str(nominees), "rules": str(rules)},
                               ("(intake)", str(nominees)), timeout)
        return result.exit == 2

    def _request(self, request: dict[str, object], argv: tuple[str, ...],
                 timeout: float) -> RunResult:
        if self._process is None or self._runs >= self.recycle:
            self.close()
            self._start()
        assert self._process is not None and self._process.stdin is not None
        self._runs += 1
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return self._watch(argv, timeout)

    def _start(self) -> None:
        read_end, write_end = os.pipe()
        limit = self.address_space

        def bound() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        log = open(self.log or os.devnull, "ab")  # noqa: SIM115  (kept open by the worker)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker", str(write_end)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=log, stderr=log, text=True, pass_fds=(write_end,),
            preexec_fn=bound,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])})
        log.close()
        os.close(write_end)
        self._answers = os.fdopen(read_end, "r", encoding="utf-8")
        self._runs = 0
        ready = self._answers.readline()
        if not ready:
            raise RuntimeError("the fuzzing worker did not start; see its log")

    def _watch(self, argv: tuple[str, ...], timeout: float) -> RunResult:
        assert self._process is not None and self._answers is not None
        process = psutil.Process(self._process.pid)
        started = time.monotonic()
        peak = 0
        descriptor = self._answers.fileno()  # type: ignore[attr-defined]
        while True:
            ready = _readable(descriptor, 0.01)
            with contextlib.suppress(psutil.Error):
                peak = max(peak, process.memory_info().rss)
            elapsed = time.monotonic() - started
            if ready:
                line = self._answers.readline()  # type: ignore[attr-defined]
                if line:
                    answer = json.loads(line)
                    return RunResult(argv, int(answer["exit"]), None, answer["seconds"], peak,
                                     answer["stdout"], answer["stderr"])
                return self._died(argv, elapsed, peak)
            if self._process.poll() is not None:
                return self._died(argv, elapsed, peak)
            if peak > self.max_rss or elapsed > timeout:
                self.close()
                return RunResult(argv, None, None, elapsed, peak, over_time=elapsed > timeout,
                                 over_memory=peak > self.max_rss)

    def _died(self, argv: tuple[str, ...], elapsed: float, peak: int) -> RunResult:
        assert self._process is not None
        code = self._process.wait()
        self.close()
        name = signal.Signals(-code).name if code < 0 else None
        return RunResult(argv, None if name else code, name, elapsed, peak,
                         stderr=f"the worker ended with status {code}")


def _readable(descriptor: int, seconds: float) -> bool:
    import select

    ready, _, _ = select.select([descriptor], [], [], seconds)
    return bool(ready)
