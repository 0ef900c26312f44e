"""The decisions table and the CSV files it is written to (for Excel; rejected rows too).

The workbook an officer works in is :mod:`eligibility.output.workbook`.
"""

from __future__ import annotations

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

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IDENTIFIER_COLUMNS = frozenset({QUOTA, STATUS, FAILED})


def decisions_table(rulebook: CompiledRulebook, decided: pl.DataFrame, *,
                    language: str = "vi") -> pl.DataFrame:
    """One row per nomination in a fixed order: quota (rulebook order), rank, candidate id.

    Columns: candidate_id, full_name, agency, quota_id, preference, status, eligible, score,
    rank, failed, reasons (in ``language``), one ``points.<priority>`` per priority, and
    ``row`` (the person's data row in the input file).
    """
    quota_order = {quota_id: index for index, quota_id in enumerate(rulebook.quotas)}
    points = [points_column(rule) for rule in rulebook.priority_ids]
    optional = [_shown_as_text(decided, name) for name in ("full_name", "agency")]
    columns = [pl.col(CANDIDATE), *optional, pl.col(QUOTA), pl.col(PREFERENCE),
               pl.col(STATUS), pl.col(ELIGIBLE), pl.col(SCORE), pl.col(RANK),
               _empty_as_null(FAILED), _empty_as_null(f"reasons.{language}").alias("reasons"),
               *(pl.col(name) for name in points), pl.col(ROW)]
    order = pl.col(QUOTA).replace_strict(quota_order, return_dtype=pl.Int64)
    return (decided.lazy().select(*columns, order.alias("__quota_order"))
            .sort(["__quota_order", RANK, CANDIDATE], nulls_last=True)
            .drop("__quota_order").collect())


def _shown_as_text(decided: pl.DataFrame, name: str) -> pl.Expr:
    """A person's name or agency as text, whatever type the rulebook gave the field (a
    list has no single text form in a CSV cell: it is left empty)."""
    dtype = decided.schema.get(name)
    if dtype is None or dtype.is_nested():
        return pl.lit(None, pl.String).alias(name)
    return pl.col(name).cast(pl.String)


def _empty_as_null(name: str) -> pl.Expr:
    return pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)


def neutralize_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula are prefixed with an apostrophe.

    Columns holding only rulebook identifiers (which start with a letter) are left alone.
    """
    return frame.with_columns(
        pl.when(pl.col(name).str.slice(0, 1).is_in(FORMULA_PREFIXES))
        .then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String and name not in IDENTIFIER_COLUMNS)


def write_csv(frame: pl.DataFrame, target: Path | BinaryIO) -> None:
    """CSV for Excel: UTF-8 with a BOM (so Vietnamese shows), formulas neutralized."""
    neutralize_formulas(frame).write_csv(target, include_bom=True, line_terminator="\r\n")
