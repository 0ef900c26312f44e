"""A nominee file as read: text cells under their headers, before any field is matched.

Every reader (delimited text, workbook, Parquet, a DataFrame or records given to the library)
gives a :class:`CellTable`; :func:`normalized_cells` turns it into a frame of text cells
whose column names are the headers as written (NFC, stripped), refusing a header that appears
twice and a column of a type no nominee field can hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eligibility.errors import InputError
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake.identity import visible
from eligibility.intake.wording import column_letter, say
from eligibility.text import WHITESPACE, nfc

__all__ = ["CellTable", "column_label", "normalized_cells"]

_SCALARS = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date, pl.Datetime, pl.Time,
            pl.Decimal, pl.Null)


@dataclass(frozen=True)
class CellTable:
    """The cells of a file in file order, with its header as written."""

    frame: pl.DataFrame  # one column per header, in order (names are placeholders)
    headers: list[str | None]  # each column's header cell; None where it is blank
    source: str  # the file, for messages
    header_line: int = 1  # the spreadsheet line the header is on
    separator: str | None = None  # for delimited text: the separator it was read with
    row_errors: pl.Series | None = None  # per data row, why its structure is broken


def column_label(index: int, name: str, language: str) -> str:
    """How a message names a column: ``column C 'id'``."""
    return say("intake.column_name", language, letter=column_letter(index), name=visible(name))


def normalized_cells(table: CellTable | pl.DataFrame, *, source: str = "<frame>",
                     language: str = DEFAULT_LANGUAGE) -> pl.DataFrame:
    """Every column as text, named by its header (stripped, NFC); nothing else changes.

    A control character in a header is replaced by a visible symbol (``␀``). A column with a
    blank header is dropped when it is empty too (Excel leaves such columns
    after a table) and otherwise named by its spreadsheet letter. Two columns with the same
    header are refused, naming both.

    Cells are left as written: each field's parser strips them and compares vocabulary words
    regardless of Unicode form, and text that is kept (names, agencies, ids) is stored NFC by
    :mod:`eligibility.intake.nominees`.
    """
    if isinstance(table, pl.DataFrame):
        table = CellTable(table, list(table.columns), source)
    frame = table.frame
    _check_types(frame, table.headers, table.source, language)
    frame = frame.with_columns(_as_text(name, dtype).alias(name)
                               for name, dtype in frame.schema.items() if dtype != pl.String)
    names: list[str] = []
    keep: list[str] = []
    for index, (column, header) in enumerate(zip(frame.columns, table.headers, strict=True)):
        # A control character in a header would reach every output that names the column.
        name = visible(nfc(str(header)).strip(WHITESPACE)) if header is not None else ""
        if not name:
            if frame[column].null_count() == frame.height:
                continue
            name = column_letter(index)
        names.append(name)
        keep.append(column)
    _refuse_duplicates(names, keep, frame.columns, table.source, language)
    return frame.select(keep).rename(dict(zip(keep, names, strict=True)))


def _refuse_duplicates(names: list[str], kept: list[str], columns: list[str], source: str,
                       language: str) -> None:
    seen: dict[str, int] = {}
    for name, column in zip(names, kept, strict=True):
        index = columns.index(column)
        if name in seen:
            raise InputError(say("intake.duplicate_header", language,
                                 first=column_label(seen[name], name, language),
                                 second=column_label(index, name, language)),
                             file=source, column=name)
        seen[name] = index


def _check_types(frame: pl.DataFrame, headers: list[str | None], source: str,
                 language: str) -> None:
    """Refuse a column no nominee field can hold (binary, durations, nested lists...)."""
    for (name, dtype), header in zip(frame.schema.items(), headers, strict=True):
        kind = _unreadable_kind(dtype)
        if kind is not None:
            raise InputError(say("intake.parquet_column_type", language,
                                 column=header if header is not None else name,
                                 kind=say(kind, language), dtype=str(dtype)),
                             file=source, column=str(header))


def _unreadable_kind(dtype: pl.DataType) -> str | None:
    if dtype.is_numeric() or isinstance(dtype, _SCALARS):
        return None
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        return None if inner.is_numeric() or isinstance(inner, _SCALARS) else "intake.kind_nested"
    if isinstance(dtype, pl.Binary):
        return "intake.kind_binary"
    if isinstance(dtype, pl.Duration):
        return "intake.kind_duration"
    if isinstance(dtype, (pl.Struct, pl.Array, pl.List)):
        return "intake.kind_nested"
    return "intake.kind_unknown"


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if isinstance(dtype, pl.List):
        return column.list.eval(_scalar_text(pl.element(), dtype.inner)).list.join(";")
    return _scalar_text(column, dtype)


def _scalar_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        # A date stored as a timestamp at midnight is that date; a time of day is kept so
        # that the date parser can refuse it.
        return (pl.when(column.dt.time() == pl.time(0))
                .then(column.dt.strftime("%Y-%m-%d"))
                .otherwise(column.dt.strftime("%Y-%m-%d %H:%M:%S")))
    if dtype == pl.Boolean:
        return pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false"))
    return column.cast(pl.String)
