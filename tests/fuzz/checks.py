"""Run one fuzzed case through ``eligibility`` and check what must always hold.

For every command line: exit 0 or 2 (never 1, never a signal), within the time and memory
bounds, and nothing printed from a file outside the case (``/etc/passwd``). For a ``rank``
that succeeds: the manifest accounts for every row (``rows_in = people_decided +
rows_rejected``, and equals the rows written when they are known), ``rejected.csv`` has
``rows_rejected`` rows, ``decisions.csv`` names ``people_decided`` people, the manifest's
SHA-256s match the files; and the three engines (vectorized, scalar, durable) end the same
way with byte-identical ``decisions.csv`` and ``rejected.csv``. A file that the intake
refuses whole never reaches an engine, so it is ranked with one engine only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.fuzz.nominees import NomineeCase
from tests.fuzz.rulebooks import RulebookCase
from tests.fuzz.runner import RunResult, Worker

ENGINES = ("vectorized", "scalar", "durable")
HANOI = Path(__file__).resolve().parents[2] / "rules" / "hanoi-2022-2025.yaml"
SMALL_NOMINEES = Path(__file__).resolve().parents[2] / "examples" / "hanoi" / "nominees.csv"
_FOREIGN = "root:x:0:0"  # the first line of /etc/passwd, which must never be shown


@dataclass
class Verdict:
    """What one case did: the runs made and every violation found."""

    runs: list[RunResult] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    exit: int | None = None  # the common exit status of the rank runs

    @property
    def ok(self) -> bool:
        return not self.violations


def check_rulebook_case(worker: Worker, case: RulebookCase, *, timeout: float = 60.0,
                        nominees: Path | None = None, rank_refused: bool = True) -> Verdict:
    """``check`` the mutated rulebook, then ``rank`` a small nominee file with it: with
    all three engines if it loads; if ``check`` refuses it, with one engine when
    ``rank_refused`` (``rank`` loads a rulebook exactly as ``check`` does)."""
    with tempfile.TemporaryDirectory(prefix="fuzz-rulebook-") as folder:
        root = Path(folder)
        rulebook = case.write(root)
        source = nominees or _small_nominees(root)
        verdict = Verdict()
        checked = _run(worker, verdict, ["check", str(rulebook)], root, timeout)
        engines = ENGINES if checked.exit == 0 else ENGINES[:1] if rank_refused else ()
        if not engines:
            verdict.exit = checked.exit
            return verdict
        _rank_everywhere(worker, verdict, root, source, rulebook, engines, None, timeout)
        # A rulebook that check refuses cannot rank (the converse does not hold: rank may
        # still refuse the nominee file).
        if checked.exit == 2 and verdict.exit not in (None, 2):
            verdict.violations.append(f"check refuses the rulebook but rank exits "
                                      f"{verdict.exit}")
        return verdict


def check_nominee_case(worker: Worker, case: NomineeCase, *, timeout: float = 60.0,
                       rulebook: Path = HANOI) -> Verdict:
    """``rank`` the mutated nominee file with the bundled rulebook on all three engines."""
    with tempfile.TemporaryDirectory(prefix="fuzz-nominees-") as folder:
        root = Path(folder)
        source = case.write(root)
        verdict = Verdict()
        refused = worker.intake_refuses(source, rulebook, timeout=timeout)
        _rank_everywhere(worker, verdict, root, source, rulebook,
                         ENGINES[:1] if refused else ENGINES, case.expected_rows, timeout)
        return verdict


def _small_nominees(folder: Path) -> Path:
    path = folder / "nominees.csv"
    with SMALL_NOMINEES.open(encoding="utf-8-sig") as handle:
        path.write_text("".join(handle.readline() for _ in range(31)), encoding="utf-8")
    return path


def _run(worker: Worker, verdict: Verdict, argv: list[str], cwd: Path,
         timeout: float) -> RunResult:
    result = worker.run(argv, cwd, timeout=timeout)
    verdict.runs.append(result)
    if not result.acceptable:
        verdict.violations.append(f"`eligibility {' '.join(argv)}` {result.describe()}: "
                                  f"{_tail(result.stderr)}")
    if _FOREIGN in result.stdout or _FOREIGN in result.stderr:
        verdict.violations.append(f"`eligibility {' '.join(argv)}` printed a line of "
                                  f"/etc/passwd")
    return result


def _rank_everywhere(worker: Worker, verdict: Verdict, root: Path, nominees: Path,
                     rulebook: Path, engines: tuple[str, ...], expected_rows: int | None,
                     timeout: float) -> None:
    outputs: dict[str, dict[str, bytes]] = {}
    exits: dict[str, int | None] = {}
    for engine in engines:
        out = root / f"out-{engine}"
        result = _run(worker, verdict, ["rank", str(nominees), "--rules", str(rulebook),
                                        "--out", str(out), "--engine", engine, "--lang", "en"],
                      root, timeout)
        exits[engine] = result.exit
        if result.exit == 0:
            outputs[engine] = _check_run_folder(verdict, out, engine, expected_rows)
        shutil.rmtree(out, ignore_errors=True)
    if len(set(exits.values())) > 1:
        verdict.violations.append(f"the engines end differently: {exits}")
    elif outputs:
        reference = outputs[engines[0]] if engines[0] in outputs else next(iter(outputs.values()))
        for engine, files in outputs.items():
            for name in ("decisions.csv", "rejected.csv"):
                if files.get(name) != reference.get(name):
                    verdict.violations.append(f"{name} of the {engine} engine differs from "
                                              f"that of the {engines[0]} engine")
    verdict.exit = next(iter(exits.values()), None)


def _check_run_folder(verdict: Verdict, out: Path, engine: str,
                      expected_rows: int | None) -> dict[str, bytes]:
    try:
        manifest = json.loads((out / "manifest.json").read_bytes())
        files = {name: (out / name).read_bytes() for name in manifest["outputs"]}
    except (OSError, ValueError, KeyError) as error:
        verdict.violations.append(f"{engine}: the run folder cannot be read: {error}")
        return {}
    for name, digest in manifest["outputs"].items():
        if hashlib.sha256(files[name]).hexdigest() != digest:
            verdict.violations.append(f"{engine}: {name} does not match its SHA-256")
    counts = manifest["counts"]
    if counts["rows_in"] != counts["people_decided"] + counts["rows_rejected"]:
        verdict.violations.append(f"{engine}: rows in {counts['rows_in']} != decided "
                                  f"{counts['people_decided']} + rejected "
                                  f"{counts['rows_rejected']}")
    if expected_rows is not None and counts["rows_in"] != expected_rows:
        verdict.violations.append(f"{engine}: {expected_rows} rows written, rows_in is "
                                  f"{counts['rows_in']}")
    rejected = _rows(files.get("rejected.csv", b""))
    decided = {row["candidate_id"] for row in _rows(files.get("decisions.csv", b""))}
    if len(rejected) != counts["rows_rejected"]:
        verdict.violations.append(f"{engine}: rejected.csv has {len(rejected)} rows, the "
                                  f"manifest {counts['rows_rejected']}")
    if len(decided) != counts["people_decided"]:
        verdict.violations.append(f"{engine}: decisions.csv names {len(decided)} people, the "
                                  f"manifest {counts['people_decided']}")
    return files


def _rows(data: bytes) -> list[dict[str, str]]:
    csv.field_size_limit(2**30)  # a fuzzed cell may hold hundreds of kilobytes
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:400]
