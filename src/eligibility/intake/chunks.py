"""Read a nominee table part by part: typed rows as each part comes, rejected rows at the end.

A file of millions of rows is read in parts of a few hundred thousand, so that memory does not
grow with the file. Each part's cells are parsed (:mod:`eligibility.intake.fields`) and its
readable rows handed on at once; what depends on the whole table — ids shared by two rows,
blank lines at the end of a file, the rejected rows' wording — is settled after the last part
(:meth:`ChunkedIntake.settle`). Reading a table in one part or in many gives the same rows,
the same rejected rows and the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from eligibility.intake.columns import TableParser
from eligibility.intake.fields import (
    CANDIDATE,
    add_missing_fields,
    nfc_series,
    parse_headers,
    structure_errors,
)
from eligibility.intake.headers import ColumnMap
from eligibility.intake.limits import IntakeLimits
from eligibility.intake.rejections import ROW, Problems, SettledProblems
from eligibility.intake.wording import say
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["ChunkedIntake"]


class ChunkedIntake:
    """The rows of one nominee table, read in order, part after part.

    ``headers`` are the table's column names (its headers, normalized) in file order;
    ``blank_lines_end`` says that blank rows after the last filled row are not rows (the
    blank lines that end a text file). Each part read keeps the input's extra columns (those
    no field reads) as ``extra_columns`` name them, when ``keep_extras``.
    """

    def __init__(self, rulebook: CompiledRulebook, columns: ColumnMap, headers: Sequence[str],
                 *, source: str, language: str, limits: IntakeLimits, header_line: int = 1,
                 blank_lines_end: bool = False, keep_extras: bool = True) -> None:
        self.rulebook = rulebook
        self.columns = columns
        self.source = source
        self.language = language
        self.limits = limits
        self.blank_lines_end = blank_lines_end
        #: Internal column name → the input's header, for each extra column kept.
        self.extra_columns = {f"__extra{index}": name
                              for index, name in enumerate(columns.ignored)} if keep_extras \
            else {}
        self._problems = Problems(columns, list(headers), parse_headers(columns), header_line,
                                  language)
        self._parser = TableParser(columns, headers, rulebook, language=language, limits=limits)
        self._rows = 0
        self._last_filled = 0

    def read(self, frame: pl.DataFrame, row_errors: pl.Series | None = None) -> pl.DataFrame:
        """The readable rows of the next part: the typed candidate fields with ``row`` (the
        1-based data row in the table), then the extra columns.

        ``frame`` holds the part's text cells under the table's headers; ``row_errors``, per
        row, why its structure is broken (or null). Rows read here may still be rejected
        for an id another part shares (:meth:`settle`).
        """
        frame = frame.with_columns(pl.col(name).cast(pl.String) for name in frame.columns)
        first = self._rows
        parsed = self._parser.parse(frame)
        typed = pl.DataFrame(parsed.values, height=frame.height).with_columns(
            pl.int_range(first + 1, first + frame.height + 1, dtype=pl.Int64).alias(ROW))
        typed = add_missing_fields(typed, self.columns, self.rulebook)
        unreadable = self._problems.add(
            frame, first_row=first, parsed=parsed.parse_errors, ids=typed[CANDIDATE],
            structure=structure_errors(frame, row_errors, self.columns, self.language),
            cells=parsed.cell_errors)
        if self.blank_lines_end:
            self._note_filled(frame, row_errors, first)
        self._rows += frame.height
        typed = typed.with_columns(nfc_series(frame[name]).alias(column)
                                   for column, name in self.extra_columns.items())
        if unreadable.is_empty():
            return typed
        return typed.filter(~pl.col(ROW).is_in(unreadable.implode()))

    def _note_filled(self, frame: pl.DataFrame, row_errors: pl.Series | None,
                     first: int) -> None:
        if not frame.width:
            return
        filled = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
        if row_errors is not None:
            filled = filled | row_errors.head(frame.height).is_not_null()
        last = filled.arg_true().max()
        if last is not None:
            self._last_filled = first + int(last) + 1  # type: ignore[arg-type]

    @property
    def rows_in(self) -> int:
        """The rows read so far (blank lines ending a file are not rows)."""
        return self._last_filled if self.blank_lines_end else self._rows

    def settle(self) -> SettledProblems:
        """Every rejected row, once the last part is read."""
        return self._problems.settle(self.rows_in)

    def warnings(self) -> list[str]:
        """A warning for each column a rule reads that the table leaves out."""
        return [f"{self.source}: " + say("intake.column_absent_warning", self.language,
                                         column=name)
                for name in self.columns.missing_optional]
