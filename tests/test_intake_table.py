"""A table of cells as read: headers as written, duplicates refused, any column as text."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from eligibility.errors import InputError
from eligibility.intake.table import CellTable, normalized_cells


def test_headers_are_stripped_and_nfc() -> None:
    """GIVEN headers with spaces and in NFD WHEN normalized THEN they are stripped NFC."""
    frame = pl.DataFrame({" id ": ["1"], "Ho\u0323 va\u0300 te\u0302n": ["A"]})
    assert normalized_cells(frame).columns == ["id", "Họ và tên"]


def test_duplicate_headers_after_stripping_are_refused_naming_both() -> None:
    """GIVEN 'id' and ' id' WHEN normalized THEN refused naming columns A and C."""
    frame = pl.DataFrame({"id": ["1"], "x": ["2"], " id": ["3"]})
    with pytest.raises(InputError, match="column A 'id' and column C 'id'"):
        normalized_cells(frame, language="en")


def test_blank_headers_are_dropped_when_empty_and_named_by_letter_otherwise() -> None:
    """GIVEN a blank-headed empty column and a blank-headed column with data
    WHEN normalized THEN the first is dropped and the second is named by its letter."""
    frame = pl.DataFrame({"a": ["1"], "b": [None], "c": ["note"]}, schema_overrides={
        "b": pl.String})
    table = CellTable(frame, ["id", None, "  "], "f.csv")
    assert normalized_cells(table).columns == ["id", "C"]


def test_typed_columns_become_text() -> None:
    """GIVEN dates, timestamps, booleans, numbers and lists WHEN normalized THEN each is the
    text a nominee file would hold; nulls stay null."""
    frame = pl.DataFrame({
        "d": [dt.date(1990, 1, 2), None],
        "t": [dt.datetime(1990, 1, 2), dt.datetime(1990, 1, 2, 8, 30)],
        "b": [True, None],
        "n": [1, 2],
        "l": [["tai-chinh", "y-te"], []],
        "ld": [[dt.date(2023, 1, 1)], None],
    })
    cells = normalized_cells(frame)
    assert cells.row(0) == ("1990-01-02", "1990-01-02", "true", "1", "tai-chinh;y-te",
                            "2023-01-01")
    assert cells.row(1) == (None, "1990-01-02 08:30:00", None, "2", "", None)


@pytest.mark.parametrize(("column", "words"), [
    (pl.Series("x", [b"\x00"]), "binary data"),
    (pl.Series("x", [dt.timedelta(days=1)]), "durations"),
    (pl.Series("x", [[[1]]]), "nested data"),
    (pl.Series("x", [{"a": 1}]), "nested data"),
])
def test_columns_no_field_can_hold_are_refused(column: pl.Series, words: str) -> None:
    """GIVEN a binary, duration, nested-list or struct column WHEN normalized THEN it is
    refused naming the column and what it holds."""
    with pytest.raises(InputError, match=f"'x' holds {words}"):
        normalized_cells(column.to_frame(), language="en")


def test_control_characters_never_stay_in_headers() -> None:
    """GIVEN a header holding a NUL and an escape WHEN normalized THEN they are shown as
    visible symbols, so no output names a column with a raw control character."""
    frame = pl.DataFrame({"note\x00\x1b": ["x"]})
    assert normalized_cells(frame).columns == ["note␀␛"]
