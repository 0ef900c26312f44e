"""Turn a table of text cells into typed candidates, nominations and rejected rows.

Columns are matched to the rulebook's candidate fields by header, alias or title
(:mod:`eligibility.intake.headers`); each field is parsed strictly by its declared type
(:mod:`eligibility.intake.cells`). A row is rejected, with its row and line numbers, column,
value and the reason in the run's language, when its structure is broken (more fields than
the header, nothing in it), a cell holds a control character or is too long, a cell cannot be
read, a required value is missing, or its id — compared in normal form
(:mod:`eligibility.intake.identity`) — appears on another row. Every other row is kept.
Rows in = candidates kept + rows rejected, always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake.chunks import ChunkedIntake
from eligibility.intake.fields import NAME_FIELD, NOMINATIONS, nfc_series, parse_field
from eligibility.intake.headers import ColumnMap, HeaderIndex
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.readers import read_table
from eligibility.intake.rejections import AGENCY_FIELD, REJECTED_COLUMNS, REJECTED_SCHEMA, ROW
from eligibility.intake.table import CellTable, normalized_cells
from eligibility.intake.wording import say
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["AGENCY_FIELD", "REJECTED_COLUMNS", "REJECTED_SCHEMA", "ColumnMap", "Intake",
           "column_map",
           "intake_cells", "intake_table", "parse_field", "read_nominees"]

QUOTA = "quota_id"
PREFERENCE = "preference"
MissingColumns = Literal["refuse", "default"]


@dataclass
class Intake:
    """The result of reading nominees: typed candidates, their nominations, rejected rows."""

    candidates: pl.DataFrame  # one row per accepted person, with ``row`` (1-based data row)
    nominations: pl.DataFrame  # one row per (person, quota named), ``preference`` 1 = first
    rejected: pl.DataFrame  # REJECTED_COLUMNS, candidate_id (where readable) and agency
    rows_in: int
    columns: ColumnMap
    warnings: list[str] = field(default_factory=list)
    extras: pl.DataFrame | None = None  # ``row`` and the columns the rulebook does not use


def read_nominees(path: str | Path, rulebook: CompiledRulebook, *, sheet: str | int = 0,
                  language: str = DEFAULT_LANGUAGE, limits: IntakeLimits = LIMITS) -> Intake:
    """Read the nominee file at ``path`` (CSV, .xlsx or Parquet) against ``rulebook``.

    Messages (rejected rows, the error refusing a file) are in ``language``.
    """
    path = Path(path)
    index = HeaderIndex(rulebook)
    table = read_table(path, sheet=sheet, language=language, limits=limits,
                       header_score=index.score)
    return intake_table(table, rulebook, language=language, limits=limits, index=index)


def intake_cells(frame: pl.DataFrame, rulebook: CompiledRulebook, *, source: str = "<frame>",
                 language: str = DEFAULT_LANGUAGE, missing_columns: MissingColumns = "refuse",
                 limits: IntakeLimits = LIMITS) -> Intake:
    """Parse a frame of text cells (one row per person) against ``rulebook``.

    With ``missing_columns="default"`` (records given one by one to the library), a column a
    rule reads may be absent: every row takes the field's default, as an empty cell would.
    """
    table = CellTable(frame, list(frame.columns), source)
    return intake_table(table, rulebook, language=language, limits=limits,
                        missing_columns=missing_columns)


def column_map(table: CellTable, headers: list[str], rulebook: CompiledRulebook, *,
               language: str, missing_columns: MissingColumns = "refuse",
               index: HeaderIndex | None = None) -> ColumnMap:
    """Which of a table's ``headers`` (normalized) feeds which field; refuses the table when a
    column is missing or ambiguous."""
    layout = "" if table.separator is None else say(
        "intake.read_with_separator", language,
        separator=say(f"intake.separator_{_SEPARATOR_NAMES[table.separator]}", language))
    index = index or HeaderIndex(rulebook)
    return index.match(headers, source=table.source, language=language, layout=layout,
                       refuse_unread=missing_columns == "refuse")


def intake_table(table: CellTable, rulebook: CompiledRulebook, *,
                 language: str = DEFAULT_LANGUAGE, limits: IntakeLimits = LIMITS,
                 missing_columns: MissingColumns = "refuse",
                 index: HeaderIndex | None = None) -> Intake:
    """Parse a table read from a file against ``rulebook``."""
    frame = normalized_cells(table, language=language)
    columns = column_map(table, frame.columns, rulebook, language=language,
                         missing_columns=missing_columns, index=index)
    reader = ChunkedIntake(rulebook, columns, frame.columns, source=table.source,
                           language=language, limits=limits, header_line=table.header_line,
                           keep_extras=False)
    typed = reader.read(frame, table.row_errors)
    settled = reader.settle()
    names = removed_names(typed.filter(pl.col(ROW).is_in(settled.removed.implode())))
    candidates = typed.filter(~pl.col(ROW).is_in(settled.removed.implode())) \
        if len(settled.removed) else typed
    extras = frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW),
                          *(nfc_series(frame[name]) for name in columns.ignored)) \
        if columns.ignored else None
    return Intake(candidates, explode_nominations(candidates), settled.rejected(names),
                  frame.height, columns, reader.warnings(), extras)


def removed_names(rows: pl.DataFrame) -> dict[int, tuple[str | None, str | None]]:
    """The name and agency of rows read, then rejected for an id another row has too (a
    text field as read; another type as text, and a list not at all)."""
    shown = [_as_text(rows, name) for name in (NAME_FIELD, AGENCY_FIELD)]
    return {row: (name, agency) for row, name, agency in
            rows.select(ROW, *shown).iter_rows()}


def _as_text(rows: pl.DataFrame, name: str) -> pl.Expr:
    dtype = rows.schema.get(name)
    if dtype is None or dtype.is_nested():
        return pl.lit(None, pl.String).alias(name)
    return pl.col(name).cast(pl.String)


_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def explode_nominations(candidates: pl.DataFrame) -> pl.DataFrame:
    """One row per (candidate, quota named), with ``preference`` (1 = most wanted)."""
    return (candidates
            .with_columns(pl.int_ranges(1, pl.col(NOMINATIONS).list.len() + 1,
                                        dtype=pl.Int64).alias(PREFERENCE))
            .explode([NOMINATIONS, PREFERENCE])
            .rename({NOMINATIONS: QUOTA}))
