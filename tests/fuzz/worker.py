"""A long-lived process that runs ``eligibility`` command lines for the fuzzer.

Starting Python and importing polars costs about a second; a fuzzing campaign runs tens of
thousands of command lines, so each worker imports the command once and runs one command
line per request, exactly as the console script does (the same ``main``, the same
last-resort handler). The parent (:mod:`tests.fuzz.runner`) bounds the worker's memory
and time and restarts it when a run kills it, so a crash or a runaway run is observed as
it would be from a shell.

Protocol: one JSON request per line on stdin, ``{"argv": [...], "cwd": "..."}``; one JSON
answer per line on the file descriptor given as the first argument:
``{"exit": int, "stdout": str, "stderr": str, "seconds": float}``. A request
``{"intake": NOMINEES, "rules": RULEBOOK}`` instead answers whether the nominee file gets
past the intake at all (``"exit"`` 0) or is refused whole (2): the engines only ever see
a file that gets past it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
import traceback


def run(argv: list[str], cwd: str) -> dict[str, object]:
    """Run ``eligibility ARGV`` in ``cwd`` the way the console script does."""
    from eligibility.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    previous = os.getcwd()
    os.chdir(cwd)
    sys.argv = ["eligibility", *argv]
    code: int
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # what escapes main() is a traceback and exit 1 from a shell
        stderr.write(traceback.format_exc())
        code = 1
    finally:
        os.chdir(previous)
    return {"exit": code, "stdout": stdout.getvalue()[-4000:],
            "stderr": stderr.getvalue()[-4000:], "seconds": time.perf_counter() - started}


def intake(nominees: str, rules: str) -> dict[str, object]:
    """Whether ``nominees`` is read (rows rejected or not) or refused whole."""
    from pathlib import Path

    from eligibility.errors import EligibilityError
    from eligibility.intake.nominees import read_nominees
    from eligibility.rulebook import load_rulebook

    started = time.perf_counter()
    try:
        read_nominees(Path(nominees), load_rulebook(rules))
        code = 0
    except EligibilityError:
        code = 2
    except Exception:  # the command would end in exit 1: the engines must all be run
        code = 1
    return {"exit": code, "stdout": "", "stderr": "", "seconds": time.perf_counter() - started}


def serve(answers_fd: int) -> None:
    answers = os.fdopen(answers_fd, "w", encoding="utf-8", buffering=1)
    import eligibility.cli  # noqa: F401  (imported once, before the first request is timed)

    answers.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        if "intake" in request:
            answer = intake(request["intake"], request["rules"])
        else:
            answer = run(request["argv"], request["cwd"])
        answers.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    serve(int(sys.argv[1]))
