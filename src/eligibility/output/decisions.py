"""The decisions table and the CSV files it is written to (for Excel; rejected rows too).

The workbook an officer works in is :mod:`eligibility.output.workbook`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import BinaryIO

import polars as pl

from eligibility.frames import (
    CANDIDATE,
    ELIGIBLE,
    FAILED,
    PREFERENCE,
    QUOTA,
    RANK,
    ROW,
    SCORE,
    STATUS,
    points_column,
)
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import quota_codes

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IDENTIFIER_COLUMNS = frozenset({QUOTA, STATUS, FAILED})


def decisions_table(rulebook: CompiledRulebook, decided: pl.DataFrame, *,
                    language: str = "vi") -> pl.DataFrame:
    """One row per nomination in a fixed order: quota (rulebook order), rank, candidate id.

    Columns: candidate_id, full_name, agency, quota_id, preference, status, eligible, score,
    rank, failed, reasons (in ``language``), one ``points.<priority>`` per priority, and
    ``row`` (the person's data row in the input file).
    """
    columns = decision_columns(rulebook, decided.schema, reasons=f"reasons.{language}")
    return (decided.lazy().select(*columns, quota_codes(rulebook).alias("__quota_order"))
            .sort(["__quota_order", RANK, CANDIDATE], nulls_last=True)
            .drop("__quota_order").collect())


def decision_columns(rulebook: CompiledRulebook, schema: Mapping[str, pl.DataType], *,
                     reasons: str) -> list[pl.Expr]:
    """The columns of the decisions table, from a frame of decided nominations with
    ``schema`` (the failure messages in column ``reasons``)."""
    points = [points_column(rule) for rule in rulebook.priority_ids]
    optional = [_shown_as_text(schema, name) for name in ("full_name", "agency")]
    return [pl.col(CANDIDATE), *optional, pl.col(QUOTA), pl.col(PREFERENCE),
            pl.col(STATUS), pl.col(ELIGIBLE), pl.col(SCORE), pl.col(RANK),
            _empty_as_null(FAILED), _empty_as_null(reasons).alias("reasons"),
            *(pl.col(name) for name in points), pl.col(ROW)]


def _shown_as_text(schema: Mapping[str, pl.DataType], name: str) -> pl.Expr:
    """A person's name or agency as text, whatever type the rulebook gave the field (a
    list has no single text form in a CSV cell: it is left empty)."""
    dtype = schema.get(name)
    if dtype is None or dtype.is_nested():
        return pl.lit(None, pl.String).alias(name)
    return pl.col(name).cast(pl.String)


def _empty_as_null(name: str) -> pl.Expr:
    return pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)


def neutralize_formulas(frame: pl.DataFrame, *,
                        formula_free: Collection[str] = ()) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula are prefixed with an apostrophe.

    Columns holding only rulebook identifiers (which start with a letter) are left alone,
    and so are the columns in which no cell starts like a formula, and those the caller
    knows to be so (``formula_free``: checked once where the cells were read).
    """
    text = [name for name, dtype in frame.schema.items()
            if dtype == pl.String and name not in IDENTIFIER_COLUMNS
            and name not in formula_free]
    if not text or not frame.height:
        return frame
    risky = frame.select(pl.col(name).str.contains(_FORMULA_START).any().alias(name)
                         for name in text).row(0, named=True)
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name in text if risky[name])


_FORMULA_START = r"^[=+\-@\t\r]"  # a cell starting with one of FORMULA_PREFIXES


def has_formula_start(cells: pl.Series) -> bool:
    """Whether some cell of a text column starts like a spreadsheet formula."""
    return bool(cells.str.contains(_FORMULA_START).any())


def write_csv(frame: pl.DataFrame, target: Path | BinaryIO, *, header: bool = True,
              formula_free: Collection[str] = ()) -> None:
    """CSV for Excel: UTF-8 with a BOM (so Vietnamese shows), formulas neutralized.

    With ``header=False`` (rows added to a file already started), neither the BOM nor the
    header line is written. ``formula_free`` columns are known to hold no formula.
    """
    neutralize_formulas(frame, formula_free=formula_free).write_csv(
        target, include_bom=header, include_header=header, line_terminator="\r\n")
