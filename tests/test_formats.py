"""The same nominees as CSV, Excel and Parquet give the same decisions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import eligibility

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    return pl.read_csv(EXAMPLE, infer_schema=False).head(400)


@pytest.fixture(scope="module")
def from_csv(tmp_path_factory: pytest.TempPathFactory, sample: pl.DataFrame,
             rulebook: eligibility.CompiledRulebook) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("csv") / "sample.csv"
    sample.write_csv(path)
    return eligibility.decide(rulebook, path).table()


def test_excel_workbook_gives_the_csv_decisions(tmp_path: Path, sample: pl.DataFrame,
                                                rulebook: eligibility.CompiledRulebook,
                                                from_csv: pl.DataFrame) -> None:
    """GIVEN the same 400 nominees saved as an Excel workbook WHEN ranked THEN the decisions
    equal those from the CSV file."""
    path = tmp_path / "sample.xlsx"
    sample.write_excel(path)
    assert_frame_equal(eligibility.decide(rulebook, path).table(), from_csv)


def test_parquet_with_typed_dates_gives_the_csv_decisions(
        tmp_path: Path, sample: pl.DataFrame, rulebook: eligibility.CompiledRulebook,
        from_csv: pl.DataFrame) -> None:
    """GIVEN the nominees as Parquet, with ISO birth dates stored as real dates
    WHEN ranked THEN the decisions equal those from the CSV file."""
    typed = sample.with_columns(
        pl.when(pl.col("birth_date").str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(pl.col("birth_date")).otherwise(None).alias("iso"))
    if typed["iso"].null_count():
        typed = typed.filter(pl.col("iso").is_not_null())
        csv_path = tmp_path / "iso.csv"
        typed.drop("iso").write_csv(csv_path)
        expected = eligibility.decide(rulebook, csv_path).table().drop("row")
    else:
        expected = from_csv.drop("row")
    typed = typed.with_columns(pl.col("iso").str.to_date().alias("birth_date")).drop("iso")
    path = tmp_path / "sample.parquet"
    typed.write_parquet(path)
    assert typed.schema["birth_date"] == pl.Date
    assert_frame_equal(eligibility.decide(rulebook, path).table().drop("row"), expected)


def test_records_and_dataframes_are_accepted(sample: pl.DataFrame,
                                             rulebook: eligibility.CompiledRulebook,
                                             from_csv: pl.DataFrame) -> None:
    """GIVEN the nominees as a polars DataFrame and as a list of dicts
    WHEN decided through the library THEN both give the CSV decisions."""
    assert_frame_equal(eligibility.decide(rulebook, sample).table(), from_csv)
    assert_frame_equal(eligibility.decide(rulebook, sample.to_dicts()).table(), from_csv)


def test_unsupported_file_type_is_refused(tmp_path: Path,
                                          rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN a .docx file WHEN read THEN the error names the formats accepted."""
    path = tmp_path / "nominees.docx"
    path.write_bytes(b"PK")
    with pytest.raises(eligibility.InputError, match="expected CSV"):
        eligibility.read_nominees(path, rulebook, language="en")
