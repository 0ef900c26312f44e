"""Nominees read in the run's language, with every rejected row findable by a person."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import eligibility
from eligibility.errors import InputError
from eligibility.intake.nominees import REJECTED_COLUMNS
from eligibility.intake.readers import check_regular_file

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
# Phrases of the English messages; none may reach a Vietnamese rejected.csv.
ENGLISH = re.compile(r"\b(is not|expected|appears on|required|did you mean|ends before)\b")


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


def _rejected(tmp_path: Path, language: str) -> pl.DataFrame:
    out = tmp_path / language
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(EXAMPLE), "--rules", str(RULES),
         "--out", str(out), "--lang", language], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return pl.read_csv(out / "rejected.csv", infer_schema=False)


def test_rejected_rows_speak_the_run_language(tmp_path: Path) -> None:
    """GIVEN the bundled example WHEN ranked with --lang vi and --lang en
    THEN rejected.csv has the same rows, columns and values in both, its messages are
    Vietnamese in the one (no English phrase) and English in the other."""
    vi, en = _rejected(tmp_path, "vi"), _rejected(tmp_path, "en")
    assert vi.columns == en.columns == list(REJECTED_COLUMNS)
    assert vi.drop("error").equals(en.drop("error"))
    assert not any(ENGLISH.search(error) for error in vi["error"])
    assert all(ENGLISH.search(error) or "not" in error for error in en["error"])
    assert vi["error"].to_list() != en["error"].to_list()


def test_the_example_rejects_the_same_rows_with_lines_ids_and_names(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the bundled example WHEN read THEN the 25 rows its generator made unreadable are
    rejected, each with its spreadsheet line (row + 1), its id and its name where readable."""
    rejected = eligibility.read_nominees(EXAMPLE, rulebook).rejected
    assert rejected["row"].to_list() == [
        127, 161, 212, 346, 418, 474, 743, 804, 872, 885, 915, 1119, 1386, 1554, 1822, 1841,
        1919, 2230, 2251, 2344, 2406, 2517, 2919, 2937, 2973]
    assert (rejected["line"] == rejected["row"] + 1).all()
    assert rejected["id"].null_count() == 0
    assert rejected.filter(pl.col("column") == "full_name")["full_name"].null_count() == 2
    source = pl.read_csv(EXAMPLE, infer_schema=False)
    for record in rejected.iter_rows(named=True):
        assert source["id"][record["row"] - 1] == record["id"]


def test_a_frame_without_a_column_a_rule_reads_is_refused(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN a DataFrame of nominees without under_discipline WHEN decided THEN it is refused
    naming the column and the criterion, in the first language asked for."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False, n_rows=5).drop("under_discipline")
    with pytest.raises(InputError, match=r"under_discipline.*no-discipline"):
        eligibility.decide(rulebook, frame, languages=("en",))
    with pytest.raises(InputError, match="thiếu cột mà các quy tắc cần đọc"):
        eligibility.decide(rulebook, frame)


def test_records_leaving_a_field_out_read_it_as_empty(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN records without under_discipline, enrollments or succession_plan
    WHEN decided THEN they are decided as if those cells were empty (no one is refused)."""
    records = pl.read_csv(EXAMPLE, infer_schema=False, n_rows=30).drop(
        "under_discipline", "enrollments", "succession_plan").to_dicts()
    decisions = eligibility.decide(rulebook, records)
    assert decisions.rows_in == 30
    assert decisions.people + decisions.rejected.height == 30


def test_vocabulary_labels_are_accepted_in_both_languages(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN positions written as their Vietnamese and English labels WHEN read THEN each is
    its code."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False, n_rows=3).with_columns(
        pl.Series("position", ["Tài chính công", "public investment", "KẾ HOẠCH NGÂN SÁCH"]),
        pl.lit("tai-chinh").alias("nominated_for"))
    decisions = eligibility.decide(rulebook, frame)
    assert decisions.rejected.height == 0
    assert sorted(decisions.decided["candidate_id"].unique()) == sorted(frame["id"])


def test_a_folder_or_pipe_is_not_a_regular_file(tmp_path: Path) -> None:
    """GIVEN a folder and a FIFO WHEN checked THEN each is refused saying what it is, and a
    missing path is named as missing — without opening anything."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"not a regular file \(a pipe"):
        check_regular_file(fifo, "en")
    with pytest.raises(InputError, match=r"không phải là tệp thông thường \(một thư mục"):
        check_regular_file(tmp_path, "vi")
    with pytest.raises(InputError, match="no such file"):
        check_regular_file(tmp_path / "missing.csv", "en")
