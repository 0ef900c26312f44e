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

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import polars as pl

from eligibility.frames import polars_cell, polars_type, yearly_column
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake import cells
from eligibility.intake.headers import ColumnMap, HeaderIndex
from eligibility.intake.identity import (
    ANY_CONTROL,
    CONTROL_BUT_LAYOUT,
    control_character,
    normalized_id,
    normalized_ids,
    visible,
)
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.readers import read_table
from eligibility.intake.table import CellTable, normalized_cells
from eligibility.intake.wording import say, say_expr
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    EnumType,
    ListType,
)
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec
from eligibility.text import nfc, strip

__all__ = ["REJECTED_COLUMNS", "ColumnMap", "Intake", "intake_cells", "intake_table",
           "read_nominees"]

ROW = "row"
LINE = "line"
CANDIDATE = "candidate_id"
NOMINATIONS = "nominated_for"
QUOTA = "quota_id"
PREFERENCE = "preference"
NAME_FIELD = "full_name"
AGENCY_FIELD = "agency"  # kept with a rejected row (not in rejected.csv) for the report
#: The columns of rejected.csv: the first four are read by programs and never move.
REJECTED_COLUMNS = (ROW, "column", "value", "error", LINE, "id", NAME_FIELD)
REJECTED_SCHEMA = {ROW: pl.Int64, "column": pl.String, "value": pl.String, "error": pl.String,
                   LINE: pl.Int64, "id": pl.String, NAME_FIELD: pl.String, CANDIDATE: pl.String,
                   AGENCY_FIELD: pl.String}
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


def intake_table(table: CellTable, rulebook: CompiledRulebook, *,
                 language: str = DEFAULT_LANGUAGE, limits: IntakeLimits = LIMITS,
                 missing_columns: MissingColumns = "refuse",
                 index: HeaderIndex | None = None) -> Intake:
    """Parse a table read from a file against ``rulebook``."""
    frame = normalized_cells(table, language=language)
    layout = "" if table.separator is None else say(
        "intake.read_with_separator", language,
        separator=say(f"intake.separator_{_SEPARATOR_NAMES[table.separator]}", language))
    index = index or HeaderIndex(rulebook)
    columns = index.match(frame.columns, source=table.source, language=language, layout=layout,
                          refuse_unread=missing_columns == "refuse")
    frame = frame.with_columns(pl.col(name).cast(pl.String) for name in frame.columns)
    parsed, parse_errors = _parse_columns(frame, columns, rulebook, language, limits)
    checks = [*structure_errors(frame, table, columns, language),
              *cell_errors(frame, columns, language, limits)]
    typed = pl.DataFrame(parsed).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW))
    typed = _add_missing_fields(typed, columns, rulebook)
    rejected, bad_rows = rejections(frame, [*checks, *parse_errors], typed, columns,
                                    table.header_line, language)
    candidates = typed.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    warnings = [f"{table.source}: " + say("intake.column_absent_warning", language, column=name)
                for name in columns.missing_optional]
    extras = frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW),
                          *(_nfc(frame[name]) for name in columns.ignored)) \
        if columns.ignored else None
    return Intake(candidates, explode_nominations(candidates), rejected, frame.height, columns,
                  warnings, extras)


_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
ErrorColumn = tuple[str | None, pl.Series]  # (header the problem is in, per-row message)


def _parse_columns(frame: pl.DataFrame, columns: ColumnMap, rulebook: CompiledRulebook,
                   language: str, limits: IntakeLimits
                   ) -> tuple[dict[str, pl.Series], list[ErrorColumn]]:
    jobs: list[tuple[str, str, Callable[[], cells.ParsedColumn], bool]] = [
        (CANDIDATE, columns.id, partial(parse_id, frame[columns.id]), True)]
    for name, header in columns.fields.items():
        spec = rulebook.fields[name]
        jobs.append((name, header, partial(parse_field, frame[header], spec, rulebook,
                                           language=language, limits=limits), spec.required))
    for name, years in columns.yearly.items():
        spec = rulebook.fields[name]
        jobs += [(yearly_column(name, year), header,
                  partial(parse_field, frame[header], spec, rulebook, language=language,
                          limits=limits), spec.required)
                 for year, header in sorted(years.items())]
    jobs.append((NOMINATIONS, columns.nominations, partial(
        cells.parse_codes, frame[columns.nominations], separator=rulebook.nominations_separator,
        allowed=list(rulebook.quotas), what=say("intake.what_quota", language),
        language=language, max_items=limits.max_items_per_cell), True))
    # Most column parsers run on one core; polars releases the GIL, so columns go in parallel.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda job: job[2](), jobs))
    parsed: dict[str, pl.Series] = {}
    errors: list[ErrorColumn] = []
    for (name, header, _, required), result in zip(jobs, results, strict=True):
        parsed[name] = result.values.alias(name)
        errors.append((header, _with_required(result, language) if required else result.errors))
    return parsed, errors


def parse_id(column: pl.Series) -> cells.ParsedColumn:
    """The id in normal form, so that ids that look the same are one person."""
    result = cells.parse_text(column)
    return cells.ParsedColumn(normalized_ids(_nfc(result.values)), result.errors)


def _with_required(result: cells.ParsedColumn, language: str) -> pl.Series:
    missing = result.values.is_null() & result.errors.is_null()
    return pl.select(pl.when(missing).then(pl.lit(say("intake.value_required", language)))
                     .otherwise(result.errors)).to_series()


def structure_errors(frame: pl.DataFrame, table: CellTable, columns: ColumnMap,
                      language: str) -> list[ErrorColumn]:
    """Rows whose shape is wrong: more fields than the header, or nothing at all."""
    found: list[ErrorColumn] = []
    if table.row_errors is not None and table.row_errors.is_not_null().any():
        found.append((None, table.row_errors.head(frame.height)))
    if frame.width and frame.height:
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
        if blank.any():
            message = say("intake.empty_row", language)
            found.append((columns.id, pl.select(pl.when(blank).then(pl.lit(message)))
                          .to_series()))
    return found


def cell_errors(frame: pl.DataFrame, columns: ColumnMap, language: str,
                 limits: IntakeLimits) -> list[ErrorColumn]:
    """Cells holding control characters, or longer than the limit; any column."""
    # Ids and names hold no control character at all; other text may hold a tab or a line
    # break (a note written on two lines in a spreadsheet cell).
    strict = {columns.id, columns.fields.get(NAME_FIELD)}
    # One parallel pass finds the columns with a problem; messages are built for those only.
    suspect = frame.select(
        (pl.col(name).str.contains(ANY_CONTROL if name in strict else CONTROL_BUT_LAYOUT)
         | (pl.col(name).str.len_bytes() > limits.max_cell_chars)).any().alias(name)
        for name in frame.columns).row(0, named=True) if frame.height else {}
    found: list[ErrorColumn] = []
    for name in (name for name, bad in suspect.items() if bad):
        cell = pl.col(name)
        control = control_character(cell, layout_allowed=name not in strict)
        message = (pl.when(control.is_not_null())
                   .then(say_expr("intake.control_character", language, char=control))
                   .when(cell.str.len_chars() > limits.max_cell_chars)
                   .then(say_expr("intake.cell_too_long", language, count=cell.str.len_chars(),
                                  limit=limits.max_cell_chars)))
        found.append((name, frame.select(message.alias(name)).to_series()))
    return found


def parse_field(column: pl.Series, spec: FieldSpec, rulebook: CompiledRulebook, *,
                language: str = DEFAULT_LANGUAGE,
                limits: IntakeLimits = LIMITS) -> cells.ParsedColumn:
    """Parse one column of text cells by the field's declared type."""
    kind = spec.type
    what = spec.title.get(language).lower() if spec.title else spec.name.replace("_", " ")
    if isinstance(kind, EnumType):
        vocabulary = _vocabulary(rulebook, kind.name)
        result = cells.parse_vocabulary(column, vocabulary, what=what, language=language)
        return cells.ParsedColumn(result.values.cast(pl.Enum(list(kind.codes))), result.errors)
    if kind == DATE:
        return cells.parse_dates(column, language=language)
    if kind == BOOL:
        default = spec.default if isinstance(spec.default, bool) else None
        return cells.parse_booleans(column, default=default, language=language)
    if kind == INT:
        return cells.parse_integers(column, language=language)
    if kind == NUMBER:
        return cells.parse_numbers(column, language=language)
    if kind == ListType("list", INTERVAL):
        return cells.parse_intervals(column, separator=spec.separator, language=language,
                                     max_items=limits.max_items_per_cell)
    if kind == INTERVAL:
        return _single_interval(column, spec.separator, language, limits)
    if isinstance(kind, ListType):
        result = cells.parse_codes(column, separator=spec.separator, allowed=None, what=what,
                                   language=language, max_items=limits.max_items_per_cell)
        values = pl.select(result.values.fill_null(pl.lit([], pl.List(pl.String)))).to_series()
        return cells.ParsedColumn(values.alias(column.name), result.errors)
    return _parse_text(column)


def _parse_text(column: pl.Series) -> cells.ParsedColumn:
    """Text kept as written, stripped and in NFC (so NFD names compare equal)."""
    result = cells.parse_text(column)
    return cells.ParsedColumn(_nfc(result.values), result.errors)


def _nfc(values: pl.Series) -> pl.Series:
    if (values.str.len_bytes() == values.str.len_chars()).all():
        return values  # ASCII only: already NFC
    if 2 * values.approx_n_unique() > len(values):
        return values.str.normalize("NFC")
    distinct = values.unique()
    table = pl.DataFrame({"cell": distinct, "nfc": distinct.str.normalize("NFC")})
    return values.to_frame("cell").join(table, on="cell", how="left", maintain_order="left",
                                        nulls_equal=True)["nfc"].alias(values.name)


_VOCABULARIES: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], cells.WordMatcher] = {}


def _vocabulary(rulebook: CompiledRulebook, name: str) -> cells.WordMatcher:
    """The vocabulary's codes with their synonyms, and their labels in both languages.

    A label is an accepted spelling too (``Tài chính công`` is how the tool itself shows
    ``public-finance``), unless it would read as another code's spelling.
    """
    vocabulary = rulebook.vocabularies[name]
    mapping = {code: vocabulary.synonyms_of(code) for code in vocabulary.values}
    taken = {cells.match_key(word): code for code, words in mapping.items()
             for word in (code, *words)}
    for code in vocabulary.values:
        for language in ("vi", "en"):
            label = vocabulary.label_of(code, language)
            key = cells.match_key(label)
            if key and taken.setdefault(key, code) == code and label not in mapping[code] \
                    and key != cells.match_key(code):
                mapping[code].append(label)
    cache_key = (name, tuple((code, tuple(words)) for code, words in mapping.items()))
    if cache_key not in _VOCABULARIES:
        _VOCABULARIES[cache_key] = cells.WordMatcher.from_mapping(mapping)
    return _VOCABULARIES[cache_key]


def _single_interval(column: pl.Series, separator: str, language: str,
                     limits: IntakeLimits) -> cells.ParsedColumn:
    result = cells.parse_intervals(column, separator=separator, language=language,
                                   max_items=limits.max_items_per_cell)
    frame = pl.DataFrame({"v": result.values, "e": result.errors})
    frame = frame.with_columns(
        pl.when(pl.col("e").is_null() & (pl.col("v").list.len() > 1))
        .then(pl.lit(say("intake.several_intervals", language)))
        .otherwise(pl.col("e")).alias("e"))
    values = frame.select(pl.when(pl.col("e").is_null()).then(pl.col("v").list.first()))
    return cells.ParsedColumn(values.to_series().alias(column.name), frame["e"])


def _add_missing_fields(typed: pl.DataFrame, columns: ColumnMap,
                        rulebook: CompiledRulebook) -> pl.DataFrame:
    """Columns for fields absent from the file, holding each field's default."""
    additions = []
    for name, spec in rulebook.fields.items():
        if spec.yearly or name in columns.fields:
            continue
        value = pl.lit(pl.Series([polars_cell(spec.default)], dtype=polars_type(spec.type)))
        additions.append(value.first().alias(name))
    return typed.with_columns(additions) if additions else typed


def _readable(cell: str | None, *, is_id: bool) -> str | None:
    """An id or a name as a person reads it in rejected.csv; None if blank or it holds a
    control character."""
    if cell is None or re.search(ANY_CONTROL, cell):
        return None
    text = normalized_id(cell) if is_id else nfc(strip(cell))
    return text or None


def rejections(frame: pl.DataFrame, errors: list[ErrorColumn], typed: pl.DataFrame,
               columns: ColumnMap, header_line: int, language: str,
               rows: pl.Series | None = None) -> tuple[pl.DataFrame, pl.Series]:
    """One rejected row per unreadable input row: its first problem, others mentioned.

    ``rows`` numbers the rows of ``frame`` (1, 2, ... when it holds the whole input); a
    caller that found the suspect rows elsewhere (SQL intake) passes them with their own
    numbers, and every row sharing an id among them.
    """
    numbers = rows if rows is not None else pl.int_range(1, frame.height + 1, dtype=pl.Int64,
                                                         eager=True)
    problems = pl.DataFrame({
        **{f"e{index}": message for index, (_, message) in enumerate(errors)},
        **{f"v{index}": (frame[header] if header is not None
                         else pl.repeat(None, frame.height, dtype=pl.String, eager=True))
           for index, (header, _) in enumerate(errors)},
    }, height=frame.height).with_columns(numbers.alias(ROW))
    duplicate = _duplicate_ids(typed[CANDIDATE], header_line, language, numbers)
    problems = problems.with_columns(duplicate.alias("dup"))
    indices = range(len(errors))
    first_index = pl.coalesce([pl.when(pl.col(f"e{i}").is_not_null()).then(pl.lit(i))
                               for i in indices])
    others = pl.sum_horizontal([pl.col(f"e{i}").is_not_null().cast(pl.Int64) for i in indices])
    bad = problems.with_columns(first_index.alias("first"), others.alias("count")).filter(
        pl.col("first").is_not_null() | pl.col("dup").is_not_null())
    if bad.is_empty():
        return pl.DataFrame(schema=REJECTED_SCHEMA), pl.Series(ROW, [], dtype=pl.Int64)
    headers = [header for header, _ in errors]
    name_header = columns.fields.get(NAME_FIELD)
    agency_header = columns.fields.get(AGENCY_FIELD)
    position = {row: index for index, row in enumerate(numbers.to_list())}
    rows = []
    for record in bad.iter_rows(named=True):
        row = record[ROW]
        at = position[row]
        first = record["first"]
        if record["dup"] is not None and (first is None or headers[first] is not None):
            # A shared id comes first, unless the row's very shape is broken.
            column, value = columns.id, frame[columns.id][at]
            value = None if value is None else nfc(value)
            message, count = record["dup"], record["count"]
        else:
            column, value, message = headers[first], record[f"v{first}"], record[f"e{first}"]
            value = None if value is None else nfc(value)
            count = record["count"] - 1
        structural = (first is not None and headers[first] is None) or \
            message == say("intake.empty_row", language)
        if count and not structural:
            named = sorted({headers[i] for i in indices if record[f"e{i}"] is not None
                            and headers[i] not in (column, None)}, key=headers.index)
            if named:
                message = say("intake.also_unreadable", language, message=message,
                              columns=", ".join(named))  # type: ignore[arg-type]
        rows.append({ROW: row, "column": column,
                     "value": None if value is None else visible(_shortened(value, language)),
                     "error": visible(message),
                     LINE: header_line + row,
                     "id": _readable(frame[columns.id][at], is_id=True),
                     NAME_FIELD: None if name_header is None
                     else _readable(frame[name_header][at], is_id=False),
                     CANDIDATE: typed[CANDIDATE][at],
                     AGENCY_FIELD: None if agency_header is None
                     else _readable(frame[agency_header][at], is_id=False)})
    rejected = pl.DataFrame(rows, schema=REJECTED_SCHEMA).sort(ROW)
    return rejected, rejected[ROW]


def _shortened(value: str, language: str) -> str:
    """A rejected cell as quoted back: a huge cell is cut, saying how long it was."""
    if len(value) <= _QUOTED_CHARS:
        return value
    return say("intake.value_cut", language, start=value[:_QUOTED_CHARS], count=f"{len(value):,}")


_QUOTED_CHARS = 1_000


def _duplicate_ids(ids: pl.Series, header_line: int, language: str,
                   numbers: pl.Series) -> pl.Series:
    """Per row, why it is rejected for sharing its id with another row (null if it is not)."""
    duplicated = ids.is_duplicated() & ids.is_not_null()
    messages = pl.repeat(None, len(ids), dtype=pl.String, eager=True).alias("dup")
    if not duplicated.any():
        return messages
    frame = pl.DataFrame({"id": ids, ROW: numbers,
                          "__at": pl.int_range(0, len(ids), dtype=pl.Int64, eager=True)}
                         ).filter(duplicated)
    rows = frame.group_by("id").agg(pl.col(ROW).sort().alias("rows"))
    described = frame.join(rows, on="id", maintain_order="left").select(
        "__at", say_expr("intake.duplicate_id", language, id=pl.col("id"),
                      rows=pl.col("rows").cast(pl.List(pl.String)).list.join(", "),
                      lines=(pl.col("rows") + header_line).cast(pl.List(pl.String))
                      .list.join(", ")).alias("dup"))
    return messages.scatter(described["__at"], described["dup"])


def explode_nominations(candidates: pl.DataFrame) -> pl.DataFrame:
    """One row per (candidate, quota named), with ``preference`` (1 = most wanted)."""
    return (candidates
            .with_columns(pl.int_ranges(1, pl.col(NOMINATIONS).list.len() + 1,
                                        dtype=pl.Int64).alias(PREFERENCE))
            .explode([NOMINATIONS, PREFERENCE])
            .rename({NOMINATIONS: QUOTA}))
