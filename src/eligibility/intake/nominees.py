"""Turn a frame of text cells into typed candidates, nominations and rejected rows.

Columns are matched to the rulebook's candidate fields by header (or alias); each field is
parsed strictly by its declared type (:mod:`eligibility.intake.cells`). A row with any cell
that cannot be read, a required value missing, or an id that appears on more than one row
is rejected with its row number, column, value and the reason; every other row is kept.
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

import polars as pl

from eligibility.errors import InputError
from eligibility.frames import polars_cell, polars_type, yearly_column
from eligibility.intake import cells
from eligibility.intake.readers import read_cells
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
from eligibility.text import nfc

ROW = "row"
CANDIDATE = "candidate_id"
NOMINATIONS = "nominated_for"
QUOTA = "quota_id"
PREFERENCE = "preference"
REJECTED_COLUMNS = (ROW, "column", "value", "error")  # the columns of rejected.csv
REJECTED_SCHEMA = {ROW: pl.Int64, "column": pl.String, "value": pl.String, "error": pl.String,
                   CANDIDATE: pl.String}


@dataclass(frozen=True)
class ColumnMap:
    """Which input column feeds which field."""

    id: str
    nominations: str
    fields: dict[str, str]  # field -> header (non-yearly)
    yearly: dict[str, dict[int, str]]  # field -> year -> header
    missing_optional: tuple[str, ...]
    ignored: tuple[str, ...]


@dataclass
class Intake:
    """The result of reading nominees: typed candidates, their nominations, rejected rows."""

    candidates: pl.DataFrame  # one row per accepted person, with ``row`` (1-based data row)
    nominations: pl.DataFrame  # one row per (person, quota named), ``preference`` 1 = first
    rejected: pl.DataFrame  # row, column, value, error, candidate_id (if the row has one)
    rows_in: int
    columns: ColumnMap
    warnings: list[str] = field(default_factory=list)
    extras: pl.DataFrame | None = None  # ``row`` and the columns the rulebook does not use


def read_nominees(path: str | Path, rulebook: CompiledRulebook, *,
                  sheet: str | int = 0) -> Intake:
    """Read the nominee file at ``path`` (CSV, .xlsx or Parquet) against ``rulebook``."""
    path = Path(path)
    return intake_cells(read_cells(path, sheet=sheet), rulebook, source=str(path))


def intake_cells(frame: pl.DataFrame, rulebook: CompiledRulebook, *,
                 source: str = "<frame>") -> Intake:
    """Parse a frame of text cells (one row per person) against ``rulebook``."""
    columns = map_columns(frame.columns, rulebook, source)
    frame = frame.with_columns(pl.col(name).cast(pl.String) for name in frame.columns)
    jobs: list[tuple[str, str, Callable[[], cells.ParsedColumn], bool]] = [
        (CANDIDATE, columns.id, partial(_parse_text, frame[columns.id]), True)]
    for name, header in columns.fields.items():
        spec = rulebook.fields[name]
        jobs.append((name, header, partial(parse_field, frame[header], spec, rulebook),
                     spec.required))
    for name, years in columns.yearly.items():
        spec = rulebook.fields[name]
        jobs += [(yearly_column(name, year), header,
                  partial(parse_field, frame[header], spec, rulebook), spec.required)
                 for year, header in sorted(years.items())]
    jobs.append((NOMINATIONS, columns.nominations, partial(
        cells.parse_codes, frame[columns.nominations], separator=rulebook.nominations_separator,
        allowed=list(rulebook.quotas), what="quota"), True))
    # Most column parsers run on one core; polars releases the GIL, so columns go in parallel.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda job: job[2](), jobs))
    parsed: dict[str, pl.Series] = {}
    errors: list[tuple[str, pl.Series]] = []  # (header, per-row message)
    for (name, header, _, required), result in zip(jobs, results, strict=True):
        parsed[name] = result.values.alias(name)
        errors.append((header, _with_required(result) if required else result.errors))
    typed = pl.DataFrame(parsed).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW))
    typed = _add_missing_fields(typed, columns, rulebook)
    rejected, bad_rows = _rejections(frame, errors, columns.id, typed)
    candidates = typed.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    warnings = [f"{source}: column '{name}' not found; every row takes its default"
                for name in columns.missing_optional]
    extras = frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW),
                          *(_nfc(frame[name]) for name in columns.ignored)) \
        if columns.ignored else None
    return Intake(candidates, explode_nominations(candidates), rejected, frame.height, columns,
                  warnings, extras)


def _with_required(result: cells.ParsedColumn) -> pl.Series:
    missing = result.values.is_null() & result.errors.is_null()
    return pl.select(pl.when(missing).then(pl.lit("a value is required here"))
                     .otherwise(result.errors)).to_series()


def map_columns(headers: list[str], rulebook: CompiledRulebook, source: str) -> ColumnMap:
    """Match headers to fields; raise :class:`InputError` naming every missing column."""
    available = set(headers)
    missing: list[str] = []

    def find(candidates: tuple[str, ...]) -> str | None:
        return next((name for name in candidates if name in available), None)

    id_header = find(rulebook.id_columns)
    nominations_header = find(rulebook.nominations_columns)
    if id_header is None:
        missing.append(rulebook.id_columns[0])
    if nominations_header is None:
        missing.append(rulebook.nominations_columns[0])
    fields: dict[str, str] = {}
    yearly: dict[str, dict[int, str]] = {}
    optional_missing: list[str] = []
    for name, spec in rulebook.fields.items():
        if spec.yearly:
            yearly[name] = _yearly_headers(headers, spec)
            continue
        header = find(spec.columns)
        if header is not None:
            fields[name] = header
        elif spec.required:
            missing.append(spec.columns[0])
        else:
            optional_missing.append(spec.columns[0])
    if missing:
        raise InputError(
            f"missing required column(s): {', '.join(missing)}; the header has: "
            f"{', '.join(headers) or '(nothing)'}", file=source, column=missing[0])
    used = {id_header, nominations_header, *fields.values(),
            *(header for years in yearly.values() for header in years.values())}
    ignored = tuple(name for name in headers if name not in used)
    assert id_header is not None and nominations_header is not None
    return ColumnMap(id_header, nominations_header, fields, yearly, tuple(optional_missing),
                     ignored)


def _yearly_headers(headers: list[str], spec: FieldSpec) -> dict[int, str]:
    found: dict[int, str] = {}
    for pattern in spec.columns:
        regex = re.escape(pattern).replace(re.escape("{year}"), r"(\d{4})")
        for header in headers:
            match = re.fullmatch(regex, header)
            if match and int(match.group(1)) not in found:
                found[int(match.group(1))] = header
    return found


def parse_field(column: pl.Series, spec: FieldSpec,
                rulebook: CompiledRulebook) -> cells.ParsedColumn:
    """Parse one column of text cells by the field's declared type."""
    kind = spec.type
    what = spec.title.en.lower() if spec.title else spec.name.replace("_", " ")
    if isinstance(kind, EnumType):
        vocabulary = rulebook.vocabularies[kind.name]
        mapping = {code: vocabulary.synonyms_of(code) for code in vocabulary.values}
        result = cells.parse_vocabulary(column, _vocabulary(kind.name, mapping), what=what)
        return cells.ParsedColumn(result.values.cast(pl.Enum(list(kind.codes))), result.errors)
    if kind == DATE:
        return cells.parse_dates(column)
    if kind == BOOL:
        default = spec.default if isinstance(spec.default, bool) else None
        return cells.parse_booleans(column, default=default)
    if kind == INT:
        return cells.parse_integers(column)
    if kind == NUMBER:
        return cells.parse_numbers(column)
    if kind == ListType("list", INTERVAL):
        return cells.parse_intervals(column, separator=spec.separator)
    if kind == INTERVAL:
        return _single_interval(column, spec.separator)
    if isinstance(kind, ListType):
        result = cells.parse_codes(column, separator=spec.separator, allowed=None, what=what)
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


_VOCABULARIES: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], cells.Vocabulary] = {}


def _vocabulary(name: str, mapping: dict[str, list[str]]) -> cells.Vocabulary:
    key = (name, tuple((code, tuple(words)) for code, words in mapping.items()))
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = cells.Vocabulary.from_mapping(mapping)
    return _VOCABULARIES[key]


def _single_interval(column: pl.Series, separator: str) -> cells.ParsedColumn:
    result = cells.parse_intervals(column, separator=separator)
    frame = pl.DataFrame({"v": result.values, "e": result.errors})
    frame = frame.with_columns(
        pl.when(pl.col("e").is_null() & (pl.col("v").list.len() > 1))
        .then(pl.lit("expected one interval YYYY-MM-DD/YYYY-MM-DD, found several"))
        .otherwise(pl.col("e")).alias("e"))
    values = frame.select(pl.when(pl.col("e").is_null()).then(pl.col("v").list.first()))
    return cells.ParsedColumn(values.to_series().alias(column.name), frame["e"])


def _add_missing_fields(typed: pl.DataFrame, columns: ColumnMap,
                        rulebook: CompiledRulebook) -> pl.DataFrame:
    """Columns for optional fields absent from the file, holding each field's default."""
    additions = []
    for name, spec in rulebook.fields.items():
        if spec.yearly or name in columns.fields:
            continue
        value = pl.lit(pl.Series([polars_cell(spec.default)], dtype=polars_type(spec.type)))
        additions.append(value.first().alias(name))
    return typed.with_columns(additions) if additions else typed


def _rejections(frame: pl.DataFrame, errors: list[tuple[str, pl.Series]], id_header: str,
                typed: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """One rejected row per unreadable input row: its first problem, others mentioned."""
    problems = pl.DataFrame({
        **{f"e{index}": message for index, (_, message) in enumerate(errors)},
        **{f"v{index}": frame[header] for index, (header, _) in enumerate(errors)},
    }).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW))
    duplicate = _duplicate_ids(typed[CANDIDATE])
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
    rows = []
    for record in bad.iter_rows(named=True):
        if record["dup"] is not None:
            column, value = id_header, typed[CANDIDATE][record[ROW] - 1]
            message = record["dup"]
            count = record["count"]
        else:
            index = record["first"]
            column, value, message = headers[index], record[f"v{index}"], record[f"e{index}"]
            value = None if value is None else nfc(value)
            count = record["count"] - 1
        if count:
            others_named = [headers[i] for i in indices
                            if record[f"e{i}"] is not None and headers[i] != column]
            message += f" (also unreadable: {', '.join(others_named)})"
        rows.append({ROW: record[ROW], "column": column, "value": value, "error": message,
                     CANDIDATE: typed[CANDIDATE][record[ROW] - 1]})
    rejected = pl.DataFrame(rows, schema=REJECTED_SCHEMA).sort(ROW)
    return rejected, rejected[ROW]


def _duplicate_ids(ids: pl.Series) -> pl.Series:
    """Per row, why it is rejected for sharing its id with another row (null if it is not)."""
    duplicated = ids.is_duplicated() & ids.is_not_null()
    messages = pl.repeat(None, len(ids), dtype=pl.String, eager=True).alias("dup")
    if not duplicated.any():
        return messages
    frame = pl.DataFrame({"id": ids}).with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW)).filter(duplicated)
    rows = frame.group_by("id").agg(pl.col(ROW).sort().alias("rows"))
    described = frame.join(rows, on="id", maintain_order="left").select(
        ROW, pl.format("id '{}' appears on rows {}; no row of a person is chosen over another "
                       "— fix the file so each person appears once", pl.col("id"),
                       pl.col("rows").cast(pl.List(pl.String)).list.join(", ")).alias("dup"))
    return messages.scatter(described[ROW] - 1, described["dup"])


def explode_nominations(candidates: pl.DataFrame) -> pl.DataFrame:
    """One row per (candidate, quota named), with ``preference`` (1 = most wanted)."""
    return (candidates
            .with_columns(pl.int_ranges(1, pl.col(NOMINATIONS).list.len() + 1,
                                        dtype=pl.Int64).alias(PREFERENCE))
            .explode([NOMINATIONS, PREFERENCE])
            .rename({NOMINATIONS: QUOTA}))
