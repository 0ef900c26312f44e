"""The streaming batch path of `eligibility rank` (read, decide and write part by part) gives
the same files as the run kept whole (taken when a workbook is asked for)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "hanoi-2022-2025.yaml"
EXAMPLE = ROOT / "examples" / "hanoi" / "nominees.csv"


def _rank(nominees: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "rank", str(nominees),
                           "--rules", str(RULES), "--out", str(out), *extra],
                          capture_output=True, text=True, check=False)


def _header_only(path: Path) -> Path:
    path.write_text(EXAMPLE.read_text(encoding="utf-8").splitlines()[0] + "\n",
                    encoding="utf-8")
    return path


def _all_rejected(path: Path) -> Path:
    """Three rows of the example, each with a birth date no calendar has."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines[1:4]]
    for row in rows:
        row[2] = "1990-02-30"
    path.write_text("\n".join([lines[0], *(",".join(row) for row in rows)]) + "\n",
                    encoding="utf-8")
    return path


def _generated(path: Path) -> Path:
    subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                    "--count", "4000", "--bad-rows", "60", "--seed", "31", "--out", str(path)],
                   check=True, capture_output=True)
    return path


@pytest.mark.parametrize("make", [lambda tmp: EXAMPLE, _header_only, _all_rejected, _generated],
                         ids=["example", "header_only", "all_rejected", "generated_with_bad_rows"])
@pytest.mark.parametrize("engine", ["vectorized", "scalar"])
def test_the_streamed_run_writes_what_the_whole_run_writes(make: object, engine: str,
                                                          tmp_path: Path) -> None:
    """GIVEN the bundled example, a file with a header only, a file whose every row is
    rejected, and a generated file with bad rows and shared ids
    WHEN `rank` runs streamed (no --xlsx) and whole (--xlsx)
    THEN both exit 0 and decisions.csv, rejected.csv and manifest.json's counts are the same
    bytes and values."""
    nominees = make(tmp_path / "nominees.csv")  # type: ignore[operator]
    streamed = _rank(nominees, tmp_path / "streamed", "--engine", engine, "--lang", "en")
    whole = _rank(nominees, tmp_path / "whole", "--engine", engine, "--lang", "en", "--xlsx")
    assert streamed.returncode == 0, streamed.stderr
    assert whole.returncode == 0, whole.stderr
    for name in ("decisions.csv", "rejected.csv"):
        assert (tmp_path / "streamed" / name).read_bytes() == \
            (tmp_path / "whole" / name).read_bytes(), name
    assert streamed.stdout.replace(str(tmp_path / "streamed"), "") == \
        whole.stdout.replace(str(tmp_path / "whole"), "")


def test_parts_set_aside_on_disk_give_the_same_decisions(tmp_path: Path) -> None:
    """GIVEN a memory budget of nothing (every decided part goes to disk) WHEN a generated
    file with bad rows is ranked THEN decisions.csv and rejected.csv are the bytes of a run kept in
    memory, and the parts' files are gone afterwards."""
    import io

    import eligibility
    from eligibility.batch import BatchRanking

    rulebook = eligibility.load_rulebook(RULES)
    written = []
    for budget in (0, 1 << 30):
        with BatchRanking(rulebook, language="en", memory_budget=budget) as batch:
            batch.read(_generated(tmp_path / "nominees.csv"))
            on_disk = batch._store.on_disk
            folder = batch._store._folder
            decisions, rejected = io.BytesIO(), io.BytesIO()
            batch.write_decisions(decisions)
            batch.write_rejected(rejected)
        written.append((decisions.getvalue(), rejected.getvalue()))
        assert (on_disk > 0) == (budget == 0)
        assert folder is None or not folder.exists()
    assert written[0] == written[1]


def test_formula_like_cells_of_a_later_part_are_neutralized_as_in_the_whole_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a file read in three parts whose last part alone has cells starting like a
    spreadsheet formula — an id, a name, an agency, an extra column
    WHEN it is ranked part by part (which checks the input's text columns as it reads them)
    THEN decisions.csv is the bytes of the run kept whole, and each such cell is written
    after an apostrophe, never as a formula."""
    import csv
    import io

    import eligibility
    import eligibility.batch.run as batch_run
    from eligibility.batch import BatchRanking
    from eligibility.output.decisions import write_csv

    path = tmp_path / "nominees.csv"
    subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                    "--count", "25000", "--clean", "--seed", "5", "--out", str(path)],
                   check=True, capture_output=True)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header = rows[0]
    spoiled = {(24000, "id"): "-HN-24000", (24100, "full_name"): "=1+1",
               (24200, "agency"): "+SUM(A1)", (24300, "note"): "@cmd"}
    for (row, column), text in spoiled.items():
        rows[row][header.index(column)] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    monkeypatch.setattr(batch_run, "PART_BYTES", 1)  # parts of the fewest rows: 10,000
    rulebook = eligibility.load_rulebook(RULES)
    streamed = io.BytesIO()
    with BatchRanking(rulebook, language="en") as batch:
        batch.read(path)
        batch.write_decisions(streamed)
    whole = io.BytesIO()
    write_csv(eligibility.decide(rulebook, path).table("en"), whole)
    assert streamed.getvalue() == whole.getvalue()
    text = streamed.getvalue().decode("utf-8-sig")
    for cell in spoiled.values():
        assert f"'{cell}" in text
        assert f",{cell}," not in text and not text.startswith(cell)


def test_each_part_decided_is_reported_with_the_rows_so_far(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """GIVEN 25,000 nominees with bad rows, read in parts of 10,000 WHEN ranked THEN the run
    reports after each part the rows of the parts decided so far, bad rows included, ending
    at every row of the file."""
    import eligibility
    import eligibility.batch.run as batch_run
    from eligibility.batch import BatchRanking

    path = tmp_path / "nominees.csv"
    subprocess.run([sys.executable, str(ROOT / "examples" / "hanoi" / "generate.py"),
                    "--count", "25000", "--bad-rows", "40", "--seed", "8", "--out", str(path)],
                   check=True, capture_output=True)
    monkeypatch.setattr(batch_run, "PART_BYTES", 1)  # parts of the fewest rows: 10,000
    reported: list[int] = []
    with BatchRanking(eligibility.load_rulebook(RULES)) as batch:
        batch.read(path, on_part=reported.append)
        assert reported == [10_000, 20_000, 25_000]
        assert batch.counts["rows_in"] == 25_000
        assert batch.counts["rows_rejected"] > 0


@pytest.mark.parametrize(("language", "shown"), [
    ("vi", "Đang đọc và xét nominees.csv (bộ máy vectorized) — đã đọc và xét 3.000 dòng"),
    ("en", "Reading and deciding nominees.csv (vectorized engine) — 3,000 rows read and decided"),
])
def test_a_terminal_shows_the_rows_read_and_decided(tmp_path: Path, language: str,
                                                     shown: str) -> None:
    """GIVEN the example ranked on a terminal WHEN a part is decided THEN the progress line
    says how many rows have been read and decided, in the run's language; off a terminal
    nothing of it is printed."""
    import os
    import re

    environment = {key: value for key, value in os.environ.items()
                   if key not in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE")}
    runs = {}
    for terminal in (True, False):
        result = subprocess.run(
            [sys.executable, "-m", "eligibility", "rank", str(EXAMPLE), "--rules", str(RULES),
             "--out", str(tmp_path / str(terminal)), "--lang", language],
            capture_output=True, text=True, check=False,
            env={**environment, "COLUMNS": "200", **({"FORCE_COLOR": "1"} if terminal else {})})
        assert result.returncode == 0, result.stderr
        runs[terminal] = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)
    assert shown in runs[True]
    assert shown not in runs[False]
