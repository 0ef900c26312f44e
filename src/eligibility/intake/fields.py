"""Each column of a nominee table parsed by its field's declared type, and the rows whose
shape is broken.

A parser returns, per row, the typed value and why the cell could not be read (null when it
could); :mod:`eligibility.intake.columns` applies them to a table's columns and
:mod:`eligibility.intake.rejections` turns the messages into rejected rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import polars as pl

from eligibility.frames import polars_cell, polars_type
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake import cells
from eligibility.intake.headers import ColumnMap
from eligibility.intake.identity import (
    normalized_ids,
)
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.wording import say
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
           "field_parser", "nfc_series", "parse_field", "parse_headers", "parse_id",
           "structure_errors"]

CANDIDATE = "candidate_id"
NOMINATIONS = "nominated_for"
NAME_FIELD = "full_name"
ErrorColumn = tuple[str | None, pl.Series]  # (header the problem is in, per-row message)


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


def parse_id(column: pl.Series) -> cells.ParsedColumn:
    """The id in normal form, so that ids that look the same are one person."""
    result = cells.parse_text(column)
    if (result.values.str.len_bytes() == result.values.str.len_chars()).all():
        return result  # plain ASCII, stripped: already in normal form
    return cells.ParsedColumn(normalized_ids(nfc_series(result.values)), result.errors)


def parse_field(column: pl.Series, spec: FieldSpec, rulebook: CompiledRulebook, *,
                language: str = DEFAULT_LANGUAGE,
                limits: IntakeLimits = LIMITS) -> cells.ParsedColumn:
    """Parse one column of text cells by the field's declared type."""
    kind = spec.type
    what = _what(spec, language)
    if isinstance(kind, EnumType):
        return _parse_enum(column, kind, _vocabulary(rulebook, kind.name), what, language)
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


def field_parser(spec: FieldSpec, rulebook: CompiledRulebook, *, language: str,
                 limits: IntakeLimits) -> Callable[[pl.Series], cells.ParsedColumn]:
    """:func:`parse_field` of one field, for parsing part after part: a vocabulary's
    spellings are gathered once, not for each part."""
    kind = spec.type
    if isinstance(kind, EnumType):
        return partial(_parse_enum, kind=kind, vocabulary=_vocabulary(rulebook, kind.name),
                       what=_what(spec, language), language=language)
    return partial(parse_field, spec=spec, rulebook=rulebook, language=language, limits=limits)


def _what(spec: FieldSpec, language: str) -> str:
    """The field as messages name it."""
    return spec.title.get(language).lower() if spec.title else spec.name.replace("_", " ")


def _parse_enum(column: pl.Series, kind: EnumType, vocabulary: cells.WordMatcher, what: str,
                language: str) -> cells.ParsedColumn:
    result = cells.parse_vocabulary(column, vocabulary, what=what, language=language)
    return cells.ParsedColumn(result.values.cast(pl.Enum(list(kind.codes))), result.errors)


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


