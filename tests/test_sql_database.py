"""The databases the SQL engine runs in: frames go in and come back unchanged."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from eligibility.engines.sql.database import (
    Database,
    DuckDatabase,
    SparkDatabase,
    connect,
)
from eligibility.frames import INTERVAL_DTYPE


@pytest.fixture(scope="module")
def database(sql_database: Database) -> Database:
    """DuckDB, then PostgreSQL (see conftest)."""
    return sql_database


def _awkward() -> pl.DataFrame:
    day = dt.date
    return pl.DataFrame({
        "flag": [True, False, None],
        "whole": [-(2**63), 2**63 - 1, None],
        "number": [0.1, -0.0, 1.7976931348623157e308],
        "when": [day(1, 1, 1), day(9999, 12, 31), None],
        "text": ['a "quoted", comma', "", "Nguyễn\nThị ✓"],
        "code": pl.Series(["b", None, "a"], dtype=pl.Enum(["a", "b"])),
        "words": [["x", None, "y;z"], [], None],
        "numbers": [[1.5, None], [], None],
        "span": [{"start": day(2023, 9, 11), "end": day(9999, 12, 31)}, None,
                 {"start": day(1, 1, 1), "end": day(1, 1, 1)}],
        "spans": [[{"start": day(2020, 1, 1), "end": day(2020, 2, 1)}, None], [], None],
    }, schema_overrides={"span": INTERVAL_DTYPE, "spans": pl.List(INTERVAL_DTYPE)})


def test_a_frame_goes_in_and_comes_back_unchanged(database: Database) -> None:
    """GIVEN a frame of every type the engine moves (64-bit extremes, negative zero, dates
    of years 1 and 9999, quotes, line breaks and Vietnamese in text, empty lists, null
    items, intervals) WHEN put in the database and read back THEN it is the same frame."""
    frame = _awkward()
    database.put("awkward", frame)
    back = database.fetch("SELECT * FROM awkward", dict(frame.schema))
    assert back.equals(frame)
    assert str(back["number"][1]) == "-0.0"


def test_an_empty_result_has_its_columns(database: Database) -> None:
    """GIVEN a query returning no row WHEN fetched THEN the frame has the asked schema."""
    database.put("awkward", _awkward())
    back = database.fetch("SELECT * FROM awkward WHERE false", dict(_awkward().schema))
    assert back.is_empty() and back.schema == _awkward().schema


def test_a_transaction_is_all_or_nothing(database: Database) -> None:
    """GIVEN two statements, the second failing WHEN run as one transaction THEN the first
    left nothing behind."""
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own error
        database.transaction(["CREATE TABLE kept AS SELECT 1 AS one",
                              "SELECT * FROM no_such_table"])
    with pytest.raises(Exception):  # noqa: B017
        database.fetch("SELECT * FROM kept", {"one": pl.Int64()})


def test_a_target_names_its_database(tmp_path: object) -> None:
    """GIVEN nothing, a DuckDB file and a Spark master WHEN connected THEN each gives the
    database of that kind (a PostgreSQL URL gives PostgreSQL, see the tests above)."""
    with connect(None) as memory:
        assert isinstance(memory, DuckDatabase)
    assert connect.__doc__ is not None and "postgresql://" in connect.__doc__
    assert SparkDatabase.dialect == "spark"
