"""The corpus of bad nominee files: each gives exactly the rejections or error it expects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

import eligibility
from eligibility.errors import InputError

CORPUS = Path(__file__).parent / "data" / "intake"
EXPECTATIONS = sorted(CORPUS.glob("*.expect.yaml"))
RULES = Path("rules/hanoi-2022-2025.yaml")


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


def _data_file(expectation: Path) -> Path:
    stem = expectation.name.removesuffix(".expect.yaml")
    return next(path for path in CORPUS.iterdir()
                if path.stem == stem and not path.name.endswith(".yaml"))


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=[p.name[:-12] for p in EXPECTATIONS])
def test_corpus_file(expectation: Path, rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN a bad (or awkward) nominee file and its expectation
    WHEN it is read against the Hanoi rulebook
    THEN exactly the expected rows are rejected for the expected column, every other row is
    read (rows in = people + rejected), or the whole file is refused with the expected words."""
    expected = yaml.safe_load(expectation.read_text(encoding="utf-8"))
    path = _data_file(expectation)
    language = expected.get("language", "en")
    if expected["outcome"] == "file_error":
        with pytest.raises(InputError) as caught:
            eligibility.read_nominees(path, rulebook, language=language)
        for words in expected["error_contains"]:
            assert words in str(caught.value)
        assert path.name in str(caught.value)
        return
    intake = eligibility.read_nominees(path, rulebook, language=language)
    assert intake.rows_in == expected["rows_in"]
    rejected = {(row["row"], row["column"]): row for row in intake.rejected.to_dicts()}
    wanted = {(item["row"], item["column"]): item for item in expected["rejected"] or []}
    assert set(rejected) == set(wanted), intake.rejected
    for key, item in wanted.items():
        record = rejected[key]
        if "contains" in item:
            assert item["contains"] in f"{record['value']} {record['error']}"
        if "line" in item:
            assert record["line"] == item["line"]
    assert intake.candidates.height + intake.rejected.height == intake.rows_in
    by_id = {row["candidate_id"]: row for row in intake.candidates.to_dicts()}
    for person, dates in (expected.get("dates") or {}).items():
        for field, value in dates.items():
            assert str(by_id[person][field]) == value
    for person, values in (expected.get("values") or {}).items():
        for field, value in values.items():
            assert by_id[person][field] == value


def test_unreadable_file_exits_2_from_the_command_line(tmp_path: Path) -> None:
    """GIVEN a nominee file in Windows-1258 WHEN ranked from the command line
    THEN the command exits 2 and stderr says the file is not UTF-8, naming the file."""
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(CORPUS / "cp1258.csv"), "--rules",
         str(RULES), "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "không phải UTF-8" in result.stderr  # Vietnamese by default
    assert "cp1258.csv" in result.stderr
    assert not (tmp_path / "decisions.csv").exists()


def test_every_rejected_row_names_row_column_value_and_reason(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the bundled example with its deliberately bad rows
    WHEN it is read
    THEN each rejection has a 1-based row, a real column, the cell's value and a reason,
    and rows in = people kept + rows rejected."""
    intake = eligibility.read_nominees("examples/hanoi/nominees.csv", rulebook)
    header = pl.read_csv("examples/hanoi/nominees.csv", n_rows=0).columns
    assert intake.rejected.height == 25
    for row in intake.rejected.to_dicts():
        assert 1 <= row["row"] <= intake.rows_in
        assert row["column"] in header
        assert row["error"]
    assert intake.candidates.height + intake.rejected.height == intake.rows_in == 3000
