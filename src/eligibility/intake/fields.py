"""Each column of a nominee table parsed by its field's declared type, and the cells no field
can hold (control characters, cells too long).

A parser returns, per row, the typed value and why the cell could not be read (null when it
could); :mod:`eligibility.intake.chunks` turns those messages into rejected rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import polars as pl

from eligibility.frames import polars_cell, polars_type, yearly_column
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake import cells
from eligibility.intake.headers import ColumnMap
from eligibility.intake.identity import (
    ANY_CONTROL,
    CONTROL_BUT_LAYOUT,
    control_character,
    normalized_ids,
)
from eligibility.intake.limits import LIMITS, IntakeLimits
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

__all__ = ["CANDIDATE", "NAME_FIELD", "NOMINATIONS", "ErrorColumn", "add_missing_fields",
           "cell_errors", "nfc_series", "parse_columns", "parse_field", "parse_headers",
           "structure_errors"]

CANDIDATE = "candidate_id"
NOMINATIONS = "nominated_for"
NAME_FIELD = "full_name"
ErrorColumn = tuple[str | None, pl.Series]  # (header the problem is in, per-row message)


def parse_columns(frame: pl.DataFrame, columns: ColumnMap, rulebook: CompiledRulebook,
                   language: str, limits: IntakeLimits
                   ) -> tuple[dict[str, pl.Series], list[ErrorColumn]]:
    jobs: list[tuple[str, str, Callable[[], cells.ParsedColumn], bool]] = [
        (CANDIDATE, columns.id, partial(_parse_id, frame[columns.id]), True)]
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


def parse_headers(columns: ColumnMap) -> list[str]:
    """The headers :func:`parse_columns` parses, in the order of its messages."""
    return [columns.id, *columns.fields.values(),
            *(header for years in columns.yearly.values()
              for _, header in sorted(years.items())),
            columns.nominations]


def structure_errors(frame: pl.DataFrame, row_errors: pl.Series | None, columns: ColumnMap,
                     language: str) -> list[ErrorColumn]:
    """Rows whose shape is wrong: more fields than the header (``row_errors``), or nothing
    at all."""
    found: list[ErrorColumn] = []
    if row_errors is not None and row_errors.is_not_null().any():
        found.append((None, row_errors.head(frame.height)))
    if frame.width and frame.height:
        blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
        if blank.any():
            message = say("intake.empty_row", language)
            found.append((columns.id, pl.select(pl.when(blank).then(pl.lit(message)))
                          .to_series()))
    return found


def _parse_id(column: pl.Series) -> cells.ParsedColumn:
    """The id in normal form, so that ids that look the same are one person."""
    result = cells.parse_text(column)
    return cells.ParsedColumn(normalized_ids(nfc_series(result.values)), result.errors)


def _with_required(result: cells.ParsedColumn, language: str) -> pl.Series:
    missing = result.values.is_null() & result.errors.is_null()
    return pl.select(pl.when(missing).then(pl.lit(say("intake.value_required", language)))
                     .otherwise(result.errors)).to_series()


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
    return cells.ParsedColumn(nfc_series(result.values), result.errors)


def nfc_series(values: pl.Series) -> pl.Series:
    if (values.str.len_bytes() == values.str.len_chars()).all():
        return values  # ASCII only: already NFC
    if 2 * values.approx_n_unique() > len(values):
        return values.str.normalize("NFC")
    distinct = values.unique()
    table = pl.DataFrame({"cell": distinct, "nfc": distinct.str.normalize("NFC")})
    return values.to_frame("cell").join(table, on="cell", how="left", maintain_order="left",
                                        nulls_equal=True)["nfc"].alias(values.name)


_VOCABULARIES: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], cells.Vocabulary] = {}


def _vocabulary(rulebook: CompiledRulebook, name: str) -> cells.Vocabulary:
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
        _VOCABULARIES[cache_key] = cells.Vocabulary.from_mapping(mapping)
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


def add_missing_fields(typed: pl.DataFrame, columns: ColumnMap,
                        rulebook: CompiledRulebook) -> pl.DataFrame:
    """Columns for fields absent from the file, holding each field's default."""
    additions = []
    for name, spec in rulebook.fields.items():
        if spec.yearly or name in columns.fields:
            continue
        value = pl.lit(pl.Series([polars_cell(spec.default)], dtype=polars_type(spec.type)))
        additions.append(value.first().alias(name))
    return typed.with_columns(additions) if additions else typed


