"""A table's columns read part by part: each cell parsed by its field, and checked for what no
field can hold (a control character, a cell too long).

A column whose cells repeat — dates, vocabulary words, yes/no, quota lists, most columns of a
nominee file — is read once per distinct cell for the whole table: the cells are numbered by a
categorical mapping that grows from part to part, each cell not seen before is parsed and
checked once, and every row takes the result of its cell by number. Free text (ids, names,
notes) is read cell by cell. Either way a cell gets the same value and the same message: the
parsers (:mod:`eligibility.intake.cells`) depend on nothing but the cell.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Literal

import polars as pl

from eligibility.frames import yearly_column
from eligibility.intake import cells
from eligibility.intake.fields import (
    CANDIDATE,
    NAME_FIELD,
    NOMINATIONS,
    ErrorColumn,
    field_parser,
    parse_id,
)
from eligibility.intake.headers import ColumnMap
from eligibility.intake.identity import control_character, has_control_character
from eligibility.intake.limits import IntakeLimits
from eligibility.intake.wording import say, say_expr
from eligibility.language.types import TEXT
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["ParsedPart", "TableParser"]

#: Distinct cells a repeating column remembers; past it (a hostile file), each part is read
#: on its own.
MAX_REMEMBERED = 1_000_000

Parse = Callable[[pl.Series], cells.ParsedColumn]


@dataclass(frozen=True)
class ParsedPart:
    """One part of a table, parsed: the typed values by field, the parsers' messages (in the
    order of :func:`~eligibility.intake.fields.parse_headers`), and the cells no field can
    hold (by header, only the columns with one)."""

    values: dict[str, pl.Series]
    parse_errors: list[ErrorColumn]
    cell_errors: list[ErrorColumn]


class TableParser:
    """Parses the parts of one table (whose columns are ``headers``) against ``rulebook``."""

    def __init__(self, columns: ColumnMap, headers: Sequence[str], rulebook: CompiledRulebook,
                 *, language: str, limits: IntakeLimits) -> None:
        self.headers = list(headers)
        fields: list[tuple[str, str, Parse, bool, bool]] = [
            (CANDIDATE, columns.id, parse_id, True, False)]
        for name, header in columns.fields.items():
            spec = rulebook.fields[name]
            fields.append((name, header, field_parser(spec, rulebook, language=language,
                                                      limits=limits),
                           spec.required, spec.type != TEXT))
        for name, years in columns.yearly.items():
            spec = rulebook.fields[name]
            parse = field_parser(spec, rulebook, language=language, limits=limits)
            fields += [(yearly_column(name, year), header, parse, spec.required,
                        spec.type != TEXT) for year, header in sorted(years.items())]
        fields.append((NOMINATIONS, columns.nominations, partial(
            cells.parse_codes, separator=rulebook.nominations_separator,
            allowed=list(rulebook.quotas), what=say("intake.what_quota", language),
            language=language, max_items=limits.max_items_per_cell), True, True))
        self._fields = [(name, header) for name, header, *_ in fields]
        strict = {columns.id, columns.fields.get(NAME_FIELD)}
        by_header = {header: (parse, required, repeats)
                     for _, header, parse, required, repeats in fields}
        self._readers = {
            header: _ColumnReader(*by_header.get(header, (None, False, False)),
                                  strict=header in strict, language=language, limits=limits)
            for header in self.headers}

    def parse(self, frame: pl.DataFrame) -> ParsedPart:
        """The part ``frame`` (text cells under the table's headers), parsed."""
        # Polars releases the interpreter's lock, so columns are read in parallel.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            read = dict(zip(self.headers, pool.map(
                lambda header: self._readers[header].read(frame[header]), self.headers),
                strict=True))
        values = {}
        parse_errors: list[ErrorColumn] = []
        for name, header in self._fields:
            value, errors, _ = read[header]
            assert value is not None and errors is not None
            values[name] = value.alias(name)
            parse_errors.append((header, errors))
        cell_errors: list[ErrorColumn] = [(header, found[2]) for header, found in read.items()
                                          if found[2] is not None]
        return ParsedPart(values, parse_errors, cell_errors)


class _ColumnReader:
    """Reads one column, part after part: parses it (if a field reads it) and checks its
    cells. ``repeats``: its cells repeat, so each distinct cell is read once."""

    def __init__(self, parse: Parse | None, required: bool, repeats: bool, *, strict: bool,
                 language: str, limits: IntakeLimits) -> None:
        self._parse = parse
        self._required = required
        self._repeats = repeats
        self._strict = strict
        self._language = language
        self._limits = limits
        self._categories = pl.Categories.random()
        # The mapping lives as long as a column of its type does: this one keeps it.
        self._anchor = pl.Series([], dtype=pl.Categorical(self._categories))
        self._known: _Known | None = None
        self._blank: tuple[pl.Series | None, pl.Series | None] | None = None
        self._text_repeats: bool | None = None

    def read(self, cells: pl.Series) -> tuple[pl.Series | None, pl.Series | None,
                                               pl.Series | None]:
        """The part's values, parse messages (both None if no field reads the column) and
        cell messages (None if every cell can be held)."""
        if self._by_distinct(cells):
            return self._by_distinct_cell(cells)
        values, errors = self._parsed(cells)
        return values, errors, self._cell_messages(cells)

    def _by_distinct(self, cells: pl.Series) -> bool:
        """Whether to read this part once per distinct cell: a repeating column, or a
        column of text where most cells repeat (an agency), unless it has too many.

        Whether text repeats is judged on the first part with cells and kept: the estimate
        costs a few ms per part, and either way of reading gives the same values."""
        if self._known is not None and self._known.count >= MAX_REMEMBERED:
            return False
        if self._repeats:
            return True
        if self._text_repeats is None and len(cells):
            self._text_repeats = 4 * cells.approx_n_unique() < len(cells)
        return bool(self._text_repeats)

    def _parsed(self, cells: pl.Series) -> tuple[pl.Series | None, pl.Series | None]:
        if self._parse is None:
            return None, None
        result = self._parse(cells)
        errors = _with_required(result, self._language) if self._required else result.errors
        return result.values.alias(cells.name), errors.alias(cells.name)

    def _by_distinct_cell(self, cells: pl.Series) -> tuple[pl.Series | None, pl.Series | None,
                                                            pl.Series | None]:
        codes = cells.cast(pl.Categorical(self._categories)).to_physical()
        known = 0 if self._known is None else self._known.count
        if self._known is None or _numbered_from(codes, known):
            new = (codes >= known).fill_null(False)
            self._learn(_first_of_each(codes.filter(new), cells.filter(new), known))
        assert self._known is not None
        return self._known.read(codes)

    def _learn(self, new: pl.Series) -> None:
        """Parse and check the cells not seen before (numbered after those seen); each
        table ends with the entry of a missing cell."""
        values, errors = self._parsed(new)
        messages = self._cell_messages(new)
        if messages is None:
            messages = pl.repeat(None, len(new), dtype=pl.String, eager=True)
        if self._blank is None:
            self._blank = self._parsed(pl.Series(new.name, [None], dtype=pl.String))
        blank_value, blank_error = self._blank
        if self._known is not None:  # drop the missing cell's entry, put it back after
            old_values, old_errors, old_messages = (
                None if table is None else table.column.head(-1)
                for table in (self._known.values, self._known.errors, self._known.messages))
            values = None if values is None or old_values is None \
                else pl.concat([old_values, values])
            errors = None if errors is None or old_errors is None \
                else pl.concat([old_errors, errors])
            messages = pl.concat([old_messages, messages])
        self._known = _Known.of(_then(values, blank_value), _then(errors, blank_error),
                                _then(messages, pl.Series([None], dtype=pl.String))
                                .alias(new.name))

    def _cell_messages(self, cells: pl.Series) -> pl.Series | None:
        """Per cell, why no field can hold it (a control character, too long); None if no
        cell has either."""
        limits = self._limits
        if not len(cells) or not (
                has_control_character(cells, layout_allowed=not self._strict)
                or (cells.str.len_bytes() > limits.max_cell_chars).any()):
            return None
        cell = pl.col(cells.name)
        frame = cells.to_frame()
        found = control_character(cell, layout_allowed=not self._strict)
        message = (pl.when(found.is_not_null())
                   .then(say_expr("intake.control_character", self._language, char=found))
                   .when(cell.str.len_chars() > limits.max_cell_chars)
                   .then(say_expr("intake.cell_too_long", self._language,
                                  count=cell.str.len_chars(), limit=limits.max_cell_chars)))
        return frame.select(message.alias(cells.name)).to_series()


@dataclass(frozen=True)
class _Table:
    """What each distinct cell of a column reads as, by number; the last entry is a missing
    cell's. ``nulls``: which entries are null (so that a part needing none of the others
    takes nulls without gathering)."""

    column: pl.Series
    nulls: Literal["all", "all but missing", "some"]

    @classmethod
    def of(cls, column: pl.Series) -> _Table:
        if column.null_count() == len(column):
            return cls(column, "all")
        cells = column.head(-1)
        return cls(column, "all but missing" if cells.null_count() == len(cells) else "some")

    def read(self, codes: pl.Series, missing: int) -> pl.Series:
        """The entry of each code (a null code: a missing cell's)."""
        if self.nulls == "all" or (self.nulls == "all but missing" and not codes.null_count()):
            # Gathering a column of nulls costs as much as any other (~1.3 ms per 250k).
            return pl.repeat(None, len(codes), dtype=self.column.dtype, eager=True) \
                .alias(self.column.name)
        return self.column.gather(codes.fill_null(missing))


@dataclass(frozen=True)
class _Known:
    """The values, parse messages and cell messages of every distinct cell seen so far
    (values and parse messages None if no field reads the column)."""

    values: _Table | None
    errors: _Table | None
    messages: _Table

    @classmethod
    def of(cls, values: pl.Series | None, errors: pl.Series | None,
           messages: pl.Series) -> _Known:
        return cls(None if values is None else _Table.of(values),
                   None if errors is None else _Table.of(errors), _Table.of(messages))

    @property
    def count(self) -> int:
        """How many distinct cells are known (the missing cell's entry is not one)."""
        return len(self.messages.column) - 1

    def read(self, codes: pl.Series) -> tuple[pl.Series | None, pl.Series | None,
                                              pl.Series | None]:
        """Values, parse messages and cell messages (None if no cell has one) by code."""
        missing = self.count
        return (None if self.values is None else self.values.read(codes, missing),
                None if self.errors is None else self.errors.read(codes, missing),
                None if self.messages.nulls == "all" else self.messages.read(codes, missing))


def _numbered_from(codes: pl.Series, first: int) -> bool:
    """Whether a code is ``first`` or more (codes are numbered in the order cells are met, so
    the largest tells)."""
    largest = codes.max()
    return largest is not None and int(largest) >= first  # type: ignore[arg-type]


def _first_of_each(codes: pl.Series, cells: pl.Series, known: int) -> pl.Series:
    """The cell of each code from ``known`` on, in the order of the codes (a code is given
    to each new cell in the order it is first met, so these are all the new codes)."""
    first = codes.is_first_distinct()
    ordered = pl.DataFrame({"code": codes.filter(first), "cell": cells.filter(first)}).sort("code")
    assert ordered.height == 0 or ordered["code"][-1] == known + ordered.height - 1
    return ordered["cell"].alias(cells.name)


def _then(table: pl.Series | None, last: pl.Series | None) -> pl.Series | None:
    """``table`` followed by ``last``, in one chunk."""
    if table is None or last is None:
        return None
    return pl.concat([table, last.cast(table.dtype)], rechunk=True)


def _with_required(result: cells.ParsedColumn, language: str) -> pl.Series:
    missing = result.values.is_null() & result.errors.is_null()
    return pl.select(pl.when(missing).then(pl.lit(say("intake.value_required", language)))
                     .otherwise(result.errors)).to_series()
