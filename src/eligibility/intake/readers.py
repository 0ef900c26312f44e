"""Read a nominee file (CSV, Excel workbook, Parquet) into a table of text cells.

Every cell is read as text; nothing is inferred here. The path must name a regular file: a
directory, a pipe or a device is refused before anything opens it (reading a pipe would wait
for ever). Each format's reader bounds what it reads (:mod:`eligibility.intake.limits`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import polars as pl

from eligibility.errors import InputError
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake.delimited import HeaderScore, read_delimited, read_delimited_parts
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.table import CellLayout, CellTable, header_name, normalized_cells
from eligibility.intake.wording import say
from eligibility.intake.workbook import read_workbook

__all__ = ["CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "TableParts",
           "check_regular_file", "normalized_cells", "read_table", "read_table_parts"]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")


def check_regular_file(path: Path, language: str = DEFAULT_LANGUAGE) -> None:
    """Raise :class:`InputError` unless ``path`` is a regular file (without opening it)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(say("intake.no_such_file", language), file=str(path)) from None
    except OSError as error:
        raise InputError(error.strerror or str(error), file=str(path)) from None
    if stat.S_ISREG(mode):
        return
    kind = ("intake.kind_directory" if stat.S_ISDIR(mode)
            else "intake.kind_fifo" if stat.S_ISFIFO(mode) else "intake.kind_other")
    raise InputError(say("intake.not_regular_file", language, kind=say(kind, language),
                         formats=say("intake.formats", language)), file=str(path))


def read_table(path: Path, *, sheet: str | int = 0, language: str = DEFAULT_LANGUAGE,
               limits: IntakeLimits = LIMITS,
               header_score: HeaderScore | None = None) -> CellTable:
    """All cells of ``path`` as text, with its header as written.

    ``header_score`` counts the headers a rulebook recognizes; it settles which separator a
    delimited file uses when two split it evenly.
    """
    check_regular_file(path, language)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_delimited(path, language=language, limits=limits,
                              tab_only=suffix == ".tsv", header_score=header_score)
    if suffix in EXCEL_SUFFIXES:
        return read_workbook(path, sheet=sheet, language=language, limits=limits)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path, language, limits)
    raise InputError(say("intake.unsupported_type", language, suffix=suffix or path.name,
                         formats=say("intake.formats", language)), file=str(path))


@dataclass
class TableParts:
    """A nominee file opened to be read part by part: its header now, its rows in parts.

    ``table`` holds the headers, the source and how the file was read, over an empty frame
    of the file's columns; iterating gives each part's cells (placeholder column names, as
    in a :class:`CellTable`) with its rows' structure errors. ``blank_lines_end``: blank
    rows after the last filled one are not rows (a text file's trailing blank lines).
    """

    table: CellTable
    parts: Iterable[tuple[pl.DataFrame, pl.Series | None]]
    empty_columns: Callable[[list[str]], set[str]]
    blank_lines_end: bool = False

    def __iter__(self) -> Iterator[tuple[pl.DataFrame, pl.Series | None]]:
        return iter(self.parts)

    def layout(self, language: str) -> CellLayout:
        """Which columns are kept and their names (:func:`normalized_cells`)."""
        table = self.table
        blank = [column for column, header in zip(table.frame.columns, table.headers,
                                                  strict=True)
                 if header is None or not header_name(header)]
        return CellLayout.of(table, self.empty_columns(blank) if blank else set(), language)


def read_table_parts(path: Path, *, sheet: str | int = 0, language: str = DEFAULT_LANGUAGE,
                     limits: IntakeLimits = LIMITS, header_score: HeaderScore | None = None,
                     rows_per_part: int = 250_000) -> TableParts:
    """``path`` opened to read its rows in parts of about ``rows_per_part`` (see
    :func:`read_table`, which reads the same rows at once). A workbook is read whole, then
    handed out in parts."""
    check_regular_file(path, language)
    suffix = path.suffix.lower()
    source = str(path)
    if suffix in CSV_SUFFIXES:
        rows = read_delimited_parts(path, language=language, limits=limits,
                                    rows_per_part=rows_per_part, tab_only=suffix == ".tsv",
                                    header_score=header_score)
        table = CellTable(pl.DataFrame(schema=rows.schema), list(rows.header), source,
                          separator=rows.separator)
        return TableParts(table, rows, rows.empty_columns, blank_lines_end=True)
    if suffix in EXCEL_SUFFIXES:
        whole = read_workbook(path, sheet=sheet, language=language, limits=limits)
        return TableParts(replace(whole, frame=whole.frame.clear()),
                          _slices(whole, rows_per_part), partial(_empty_in, whole.frame))
    if suffix in PARQUET_SUFFIXES:
        return _parquet_parts(path, language, limits, rows_per_part)
    raise InputError(say("intake.unsupported_type", language, suffix=suffix or path.name,
                         formats=say("intake.formats", language)), file=source)


def _slices(table: CellTable, rows: int) -> list[tuple[pl.DataFrame, pl.Series | None]]:
    frame = table.frame
    return [(frame.slice(start, rows), None if table.row_errors is None
             else table.row_errors.slice(start, rows)) for start in range(0, frame.height, rows)]


def _empty_in(frame: pl.DataFrame, columns: list[str]) -> set[str]:
    return {name for name in columns if frame[name].null_count() == frame.height}


def _parquet_parts(path: Path, language: str, limits: IntakeLimits,
                   rows: int) -> TableParts:
    source = str(path)
    try:
        schema = pl.read_parquet_schema(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise InputError(say("intake.parquet_unreadable", language, detail=_first_line(error)),
                         file=source) from None
    if len(schema) > limits.max_columns:
        raise InputError(say("intake.too_many_columns", language, count=f"{len(schema):,}",
                             limit=f"{limits.max_columns:,}"), file=source)
    names = {name: f"__column_{index}" for index, name in enumerate(schema)}

    def parts() -> Iterator[tuple[pl.DataFrame, pl.Series | None]]:
        try:
            for part in pl.scan_parquet(path).collect_batches(chunk_size=rows):
                if part.height:
                    yield part.rename(names), None
        except (pl.exceptions.PolarsError, OSError) as error:
            raise InputError(say("intake.parquet_unreadable", language,
                                 detail=_first_line(error)), file=source) from None

    def empty_columns(columns: list[str]) -> set[str]:
        by_placeholder = {placeholder: name for name, placeholder in names.items()}
        try:
            filled = pl.scan_parquet(path).select(
                pl.col(by_placeholder[column]).is_not_null().any().alias(column)
                for column in columns).collect().row(0, named=True)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise InputError(say("intake.parquet_unreadable", language,
                                 detail=_first_line(error)), file=source) from None
        return {column for column in columns if not filled[column]}

    empty = pl.DataFrame(schema=schema).rename(names)
    return TableParts(CellTable(empty, list(schema), source), _Replay(parts), empty_columns)


@dataclass
class _Replay:
    """An iterable that starts the parts afresh each time it is iterated."""

    start: Callable[[], Iterator[tuple[pl.DataFrame, pl.Series | None]]]

    def __iter__(self) -> Iterator[tuple[pl.DataFrame, pl.Series | None]]:
        return self.start()


def _read_parquet(path: Path, language: str, limits: IntakeLimits) -> CellTable:
    source = str(path)
    try:
        schema = pl.read_parquet_schema(path)
        if len(schema) > limits.max_columns:
            raise InputError(say("intake.too_many_columns", language, count=f"{len(schema):,}",
                                 limit=f"{limits.max_columns:,}"), file=source)
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise InputError(say("intake.parquet_unreadable", language, detail=_first_line(error)),
                         file=source) from None
    headers: list[str | None] = list(frame.columns)
    frame = frame.rename({name: f"__column_{index}" for index, name in enumerate(frame.columns)})
    return CellTable(frame, headers, source)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
