"""Rejected rows: one per input row that cannot be read, saying why in the run's language.

A row is rejected for its first problem — its structure (more fields than the header, nothing
in it), a cell no field can hold, a cell its field cannot read, a required value missing —
and the other columns it has problems in are named after it. A row whose id, compared in
normal form, appears on another row is rejected for that first (unless its very shape is
broken). A table may be read in parts (:class:`Problems` gathers each part's problem rows);
shared ids and the order the columns are named in depend on the whole table and are settled
once every part is read (:meth:`Problems.rejected`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from eligibility.intake.fields import CANDIDATE, NAME_FIELD, ErrorColumn
from eligibility.intake.headers import ColumnMap
from eligibility.intake.identity import ANY_CONTROL, normalized_id, visible
from eligibility.intake.wording import say, say_expr
from eligibility.text import nfc, strip

__all__ = ["AGENCY_FIELD", "REJECTED_COLUMNS", "REJECTED_SCHEMA", "Problems", "duplicate_ids",
           "none_shared"]

ROW = "row"
LINE = "line"
AGENCY_FIELD = "agency"  # kept with a rejected row (not in rejected.csv) for the report
#: The columns of rejected.csv: the first four are read by programs and never move.
REJECTED_COLUMNS = (ROW, "column", "value", "error", LINE, "id", NAME_FIELD)
REJECTED_SCHEMA = {ROW: pl.Int64, "column": pl.String, "value": pl.String, "error": pl.String,
                   LINE: pl.Int64, "id": pl.String, NAME_FIELD: pl.String, CANDIDATE: pl.String,
                   AGENCY_FIELD: pl.String}

_QUOTED_CHARS = 1_000
# The problem rows of one part: the first problem (header, message, the cell as written),
# how many problems, the headers with one, and the row's id and name as written.
_PROBLEM_SCHEMA = {ROW: pl.Int64, "header": pl.String, "message": pl.String,
                   "value": pl.String, "count": pl.Int64, "headers": pl.List(pl.String),
                   "raw_id": pl.String, "raw_name": pl.String, "raw_agency": pl.String,
                   CANDIDATE: pl.String}


@dataclass
class Problems:
    """The problem rows of a table read part by part, and the ids of every row.

    ``parse_headers`` are the headers of the parsed columns in the order their problems
    are looked at (the id, the fields, the yearly columns, the nominations).
    """

    columns: ColumnMap
    headers: Sequence[str]  # every header of the table, in file order
    parse_headers: Sequence[str]
    header_line: int
    language: str
    _parts: list[pl.DataFrame] = field(default_factory=list)
    _ids: list[pl.Series] = field(default_factory=list)
    _numbers: list[pl.Series] = field(default_factory=list)  # the row number of each id
    _written_ids: list[pl.DataFrame] = field(default_factory=list)  # row, id as written
    _suspect: set[str] = field(default_factory=set)  # headers with a cell no field can hold
    _shape_broken: bool = False  # some row has more fields than the header
    _first_blank_row: int | None = None

    def add(self, frame: pl.DataFrame, *, first_row: int, structure: Sequence[ErrorColumn],
            cells: Sequence[ErrorColumn], parsed: Sequence[ErrorColumn],
            ids: pl.Series, rows: pl.Series | None = None) -> pl.Series:
        """Record the problems of one part (rows ``first_row + 1``..., or the row numbers
        ``rows`` when the part holds chosen rows of the table); return the rows of the part
        that cannot be read.

        ``structure``: the rows' shape (a header of None for more fields than the header;
        the id's header for an empty row); ``cells``: cells no field can hold; ``parsed``:
        each parsed column's messages, in the order of ``parse_headers``.
        """
        numbers = rows.cast(pl.Int64).alias(ROW) if rows is not None else pl.int_range(
            first_row + 1, first_row + frame.height + 1, dtype=pl.Int64, eager=True).alias(ROW)
        errors = [(header, messages) for header, messages in (*structure, *cells, *parsed)
                  if messages.null_count() < len(messages)]
        for header, messages in structure:
            if header is None and messages.null_count() < len(messages):
                self._shape_broken = True
            elif header is not None and messages.null_count() < len(messages):
                blank = int(numbers[int(messages.is_not_null().arg_true()[0])])
                if self._first_blank_row is None:
                    self._first_blank_row = blank
        self._suspect.update(header for header, messages in cells if header is not None
                             and messages.null_count() < len(messages))
        self._keep_ids(frame, ids, numbers)
        if not errors:
            return pl.Series(ROW, [], dtype=pl.Int64)
        flags = pl.DataFrame({f"e{index}": messages.is_not_null()
                              for index, (_, messages) in enumerate(errors)})
        bad = flags.select(pl.any_horizontal(pl.all())).to_series().arg_true()
        self._parts.append(self._describe_part(frame, errors, bad, ids, numbers))
        return numbers.gather(bad)

    def _describe_part(self, frame: pl.DataFrame, errors: list[ErrorColumn],
                       bad: pl.Series, ids: pl.Series, numbers: pl.Series) -> pl.DataFrame:
        messages = pl.DataFrame({f"e{index}": errors[index][1].gather(bad)
                                 for index in range(len(errors))})
        values = {f"v{index}": frame[header].gather(bad) if header is not None
                  else pl.repeat(None, len(bad), dtype=pl.String, eager=True)
                  for index, (header, _) in enumerate(errors)}
        headers = [header for header, _ in errors]
        rows = []
        raw_ids = frame[self.columns.id].gather(bad)
        raw_names, raw_agencies = (
            None if header is None else frame[header].gather(bad)
            for header in (self.columns.fields.get(NAME_FIELD),
                           self.columns.fields.get(AGENCY_FIELD)))
        typed_ids = ids.gather(bad)
        bad_rows = numbers.gather(bad)
        for position, record in enumerate(messages.iter_rows()):
            present = [index for index, message in enumerate(record) if message is not None]
            first = present[0]
            rows.append({ROW: int(bad_rows[position]), "header": headers[first],
                         "message": record[first], "value": values[f"v{first}"][position],
                         "count": len(present),
                         "headers": list(dict.fromkeys(headers[index] for index in present
                                                       if headers[index] is not None)),
                         "raw_id": raw_ids[position],
                         "raw_name": None if raw_names is None else raw_names[position],
                         "raw_agency": None if raw_agencies is None
                         else raw_agencies[position],
                         CANDIDATE: typed_ids[position]})
        return pl.DataFrame(rows, schema=_PROBLEM_SCHEMA)

    def _keep_ids(self, frame: pl.DataFrame, ids: pl.Series, numbers: pl.Series) -> None:
        """The id of every row (shared ids are found over the whole table), and the id as
        written where it differs (a rejected row quotes it)."""
        self._ids.append(ids)
        self._numbers.append(numbers)
        raw = frame[self.columns.id]
        differs = (raw != ids).fill_null(False)
        if differs.any():
            rows = differs.arg_true()
            self._written_ids.append(pl.DataFrame({
                ROW: numbers.gather(rows), "raw_id": raw.gather(rows)}))

    def settle(self, rows_in: int) -> SettledProblems:
        """The table's problems once every part is read; ``rows_in`` rows are rows (blank
        lines after the last row of a file are not)."""
        ids = pl.concat(self._ids) if self._ids else pl.Series(CANDIDATE, [], dtype=pl.String)
        numbers = pl.concat(self._numbers) if self._numbers else pl.Series(ROW, [],
                                                                           dtype=pl.Int64)
        within = numbers <= rows_in
        shared = duplicate_ids(ids.filter(within), self.header_line, self.language,
                               numbers.filter(within))
        problems = pl.concat(self._parts) if self._parts else pl.DataFrame(
            schema=_PROBLEM_SCHEMA)
        problems = problems.filter(pl.col(ROW) <= rows_in)
        readable = set(problems[ROW].to_list())
        only_shared = shared.filter(~pl.col(ROW).is_in(problems[ROW].implode()))
        blank = self._first_blank_row is not None and self._first_blank_row <= rows_in
        order = [*([None] if self._shape_broken else []),
                 *([self.columns.id] if blank else []),
                 *(header for header in self.headers if header in self._suspect),
                 *self.parse_headers]
        written = pl.concat(self._written_ids) if self._written_ids else pl.DataFrame(
            schema={ROW: pl.Int64, "raw_id": pl.String})
        return SettledProblems(self, problems, shared, only_shared[ROW], order,
                               written.filter(pl.col(ROW).is_in(only_shared[ROW].implode())),
                               rows_in, len(readable))


@dataclass(frozen=True)
class SettledProblems:
    """Every problem of a table: the rows its parts could not read, and the rows that share
    an id (``removed``: those the parts had read, to be taken out)."""

    problems_of: Problems
    problems: pl.DataFrame
    shared: pl.DataFrame  # row, message: every row whose id another row has too
    removed: pl.Series  # rows read by their part but rejected for a shared id
    order: list[str | None]  # the problems' columns in the order they are named
    written_ids: pl.DataFrame  # row, raw_id: removed rows whose id is written differently
    rows_in: int
    unreadable: int  # rows the parts could not read

    @property
    def count(self) -> int:
        """How many rows are rejected."""
        return self.unreadable + len(self.removed)

    def rejected(self, names: Mapping[int, tuple[str | None, str | None]]) -> pl.DataFrame:
        """The rejected rows (``REJECTED_SCHEMA``, by row); ``names`` gives the name and the
        agency of each row in :attr:`removed`, as read."""
        problems = self.problems_of
        columns, language = problems.columns, problems.language
        shared = dict(zip(self.shared[ROW].to_list(), self.shared["message"].to_list(),
                          strict=True))
        written = dict(zip(self.written_ids[ROW].to_list(), self.written_ids["raw_id"].to_list(),
                           strict=True))
        records = list(self.problems.iter_rows(named=True))
        ids = dict(zip(self.shared[ROW].to_list(), self.shared["id"].to_list(), strict=True))
        for row in self.removed.to_list():
            name, agency = names.get(row, (None, None))
            records.append({ROW: row, "header": None, "message": None, "value": None,
                            "count": 0, "headers": [], "raw_id": written.get(row, ids[row]),
                            "raw_name": name, "raw_agency": agency, CANDIDATE: ids[row]})
        empty_row = say("intake.empty_row", language)
        position = {header: index for index, header in reversed(list(enumerate(self.order)))}
        rows = []
        for record in records:
            row = record[ROW]
            first = record["message"] is not None
            duplicate = shared.get(row)
            if duplicate is not None and (not first or record["header"] is not None):
                # A shared id comes first, unless the row's very shape is broken.
                column, value = columns.id, record["raw_id"]
                message, count = duplicate, record["count"]
            else:
                column, value, message = record["header"], record["value"], record["message"]
                count = record["count"] - 1
            value = None if value is None else nfc(value)
            structural = (first and record["header"] is None) or message == empty_row
            if count and not structural:
                named = sorted({header for header in record["headers"]
                                if header not in (column, None)}, key=position.__getitem__)
                if named:
                    message = say("intake.also_unreadable", language, message=message,
                                  columns=", ".join(named))
            rows.append({ROW: row, "column": column,
                         "value": None if value is None else visible(_shortened(value, language)),
                         "error": visible(message),
                         LINE: problems.header_line + row,
                         "id": _readable(record["raw_id"], is_id=True),
                         NAME_FIELD: None if columns.fields.get(NAME_FIELD) is None
                         else _readable(record["raw_name"], is_id=False),
                         CANDIDATE: record[CANDIDATE],
                         AGENCY_FIELD: None if columns.fields.get(AGENCY_FIELD) is None
                         else _readable(record["raw_agency"], is_id=False)})
        return pl.DataFrame(rows, schema=REJECTED_SCHEMA).sort(ROW)


def none_shared(ids: pl.Series, hashes: pl.Series) -> bool:
    """Whether no two ids are the same (missing ids aside), told first from ``hashes``, the
    ids' 64-bit hashes: counting distinct integers is a quarter of the work of counting
    distinct texts, and ids whose hashes all differ all differ. Only when two hashes meet
    are the ids themselves counted."""
    nulls = ids.null_count()
    distinct = len(ids) - nulls + (1 if nulls else 0)  # a missing id counts as one value
    return hashes.n_unique() == distinct or ids.n_unique() == distinct


def _readable(cell: str | None, *, is_id: bool) -> str | None:
    """An id or a name as a person reads it in rejected.csv; None if blank or it holds a
    control character."""
    if cell is None or re.search(ANY_CONTROL, cell):
        return None
    text = normalized_id(cell) if is_id else nfc(strip(cell))
    return text or None


def _shortened(value: str, language: str) -> str:
    """A rejected cell as quoted back: a huge cell is cut, saying how long it was."""
    if len(value) <= _QUOTED_CHARS:
        return value
    return say("intake.value_cut", language, start=value[:_QUOTED_CHARS], count=f"{len(value):,}")


def duplicate_ids(ids: pl.Series, header_line: int, language: str,
                  rows: pl.Series | None = None) -> pl.DataFrame:
    """``row``, ``id`` and ``message`` (why it is rejected) of every row whose id another
    row has too; ``ids`` holds the id of rows 1, 2, 3... (or of the rows numbered
    ``rows``)."""
    schema = {ROW: pl.Int64, "id": pl.String, "message": pl.String}
    if none_shared(ids, ids.hash()):  # the usual case, quickly
        return pl.DataFrame(schema=schema)
    duplicated = ids.is_duplicated() & ids.is_not_null()
    numbers = rows if rows is not None else pl.int_range(1, len(ids) + 1, dtype=pl.Int64,
                                                         eager=True)
    frame = pl.DataFrame({"id": ids, ROW: numbers.cast(pl.Int64)}).filter(duplicated)
    rows = frame.group_by("id").agg(pl.col(ROW).sort().alias("rows"))
    return frame.join(rows, on="id", maintain_order="left").select(
        ROW, "id", say_expr("intake.duplicate_id", language, id=pl.col("id"),
                            rows=pl.col("rows").cast(pl.List(pl.String)).list.join(", "),
                            lines=(pl.col("rows") + header_line).cast(pl.List(pl.String))
                            .list.join(", ")).alias("message")).cast(schema)
