"""Read a nominee file (CSV, Excel workbook, Parquet) into a table of text cells.

Every cell is read as text; nothing is inferred here. The path must name a regular file: a
directory, a pipe or a device is refused before anything opens it (reading a pipe would wait
for ever). Each format's reader bounds what it reads (:mod:`eligibility.intake.limits`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import polars as pl

from eligibility.errors import InputError
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake.delimited import HeaderScore, read_delimited
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.table import CellTable, normalized_cells
from eligibility.intake.wording import say
from eligibility.intake.workbook import read_workbook

__all__ = ["CSV_SUFFIXES", "EXCEL_SUFFIXES", "PARQUET_SUFFIXES", "check_regular_file",
           "normalized_cells", "read_table"]

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
