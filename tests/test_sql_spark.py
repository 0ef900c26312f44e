"""Spark SQL: the SQL engine's query written for Spark and run by a local Spark session on a
small file gives the vectorized engine's outcome records (the path beyond one machine)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlglot import exp

import eligibility
from eligibility.engines import frame_engine
from eligibility.engines.sql import evaluate_frame
from eligibility.engines.sql.database import SparkDatabase
from eligibility.engines.sql.lowering import outcome_query
from eligibility.frames import outcome_schema
from eligibility.intake.nominees import read_nominees
from eligibility.language.sql_builder import SqlBuilder

sys.path.insert(0, str(Path(__file__).parent))
from test_engines import RULEBOOK, _nominees


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed"
    if shutil.which("java") is None:
        return "no Java runtime"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkDatabase]:
    missing = _spark_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"Spark cannot run in CI: {missing} (.ci/run installs both)")
        pytest.skip(missing)
    database = SparkDatabase("local[2]")
    try:
        yield database
    finally:
        database.close()


def test_spark_sql_gives_the_vectorized_engines_outcome(spark: SparkDatabase,
                                                        tmp_path: Path) -> None:
    """GIVEN 120 random nominees and the rulebook using every entry of the language WHEN the
    SQL engine's query, written in Spark SQL, runs in a local Spark session on them THEN
    every outcome column equals the vectorized engine's."""
    rulebook = eligibility.load_rulebook(RULEBOOK)
    path = tmp_path / "nominees.csv"
    _nominees(path, 120)
    frame = read_nominees(path, rulebook).nominations
    text = spark.text(outcome_query(rulebook, SqlBuilder("spark"), exp.to_table("nominations"),
                                    frame.columns, []))
    assert "TRANSFORM(" in text and "`" in text  # Spark's own list lambdas and quoting
    decided = evaluate_frame(rulebook, frame, database=spark)
    expected = frame_engine("vectorized")(rulebook, frame)
    for name in outcome_schema(rulebook):
        assert decided[name].equals(expected[name]), name
