"""The frame contract: every column name, its polars type, and the schemas built from them.

A run passes frames from stage to stage — intake → engine → selection → output — and each
stage reads and adds columns by the names defined here, and nowhere else. Types come from the
rulebook's declared field types (:func:`polars_type`), so a schema is derived, never learned by
running an engine.

Columns of a nominations frame (one row per person and quota named):

* ``candidate_id``, ``row`` (1-based data row of the input), ``quota_id``, ``preference``
  (1 = most wanted) and one column per candidate field; a yearly field has one column per year,
  named ``rating[2022]`` (:func:`yearly_column`, read back by :func:`parse_yearly_column`).

Columns an engine adds — the **outcome record** of every nomination:

* ``criterion.<id>``: true when met, false when not, null when the criterion does not apply to
  that quota;
* ``shown.<id>.<n>``: the value of placeholder ``n`` of criterion ``<id>``'s failure message
  (null where the criterion is met or does not apply) — messages are rendered from these
  values in any language, without evaluating anything again;
* ``eligible``, ``failed`` (rule ids that failed, ``;``-joined, rulebook order);
* ``points.<id>`` and ``score`` (null when ineligible).

Selection adds ``rank`` and ``status``; rendering adds ``reasons.<language>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    EnumType,
    ListType,
    Type,
    YearlyType,
)
from eligibility.language.values import Interval

if TYPE_CHECKING:
    from eligibility.rulebook.compiled import CompiledRulebook

CANDIDATE: Final = "candidate_id"
ROW: Final = "row"
QUOTA: Final = "quota_id"
PREFERENCE: Final = "preference"
NOMINATIONS: Final = "nominated_for"
ELIGIBLE: Final = "eligible"
FAILED: Final = "failed"
SCORE: Final = "score"
RANK: Final = "rank"
STATUS: Final = "status"
FAILED_SEPARATOR: Final = ";"

INTERVAL_DTYPE: Final = pl.Struct({"start": pl.Date, "end": pl.Date})

_YEARLY = re.compile(r"(?P<field>.+)\[(?P<year>-?\d+)\]")


def yearly_column(field_name: str, year: int) -> str:
    """The column holding a yearly field's value for one year.

    >>> yearly_column("rating", 2022)
    'rating[2022]'
    """
    return f"{field_name}[{year}]"


def parse_yearly_column(column: str) -> tuple[str, int] | None:
    """``(field, year)`` of a :func:`yearly_column` name, or None for any other column.

    >>> parse_yearly_column("rating[2022]"), parse_yearly_column("gender")
    (('rating', 2022), None)
    """
    match = _YEARLY.fullmatch(column)
    return None if match is None else (match["field"], int(match["year"]))


def yearly_columns(columns: Iterable[str], field_name: str) -> dict[int, str]:
    """Year → column of ``field_name`` among ``columns``, in year order."""
    found = {}
    for column in columns:
        parsed = parse_yearly_column(column)
        if parsed is not None and parsed[0] == field_name:
            found[parsed[1]] = column
    return dict(sorted(found.items()))


def criterion_column(rule_id: str) -> str:
    return f"criterion.{rule_id}"


def shown_column(rule_id: str, index: int) -> str:
    """The column of placeholder ``index`` of criterion ``rule_id``'s message."""
    return f"shown.{rule_id}.{index}"


def points_column(rule_id: str) -> str:
    return f"points.{rule_id}"


def reasons_column(language: str) -> str:
    return f"reasons.{language}"


def polars_type(kind: Type) -> pl.DataType:
    """The polars dtype that holds values of the language type ``kind``.

    >>> polars_type(EnumType("gender", ("female", "male")))
    Enum(categories=['female', 'male'])
    """
    if isinstance(kind, EnumType):
        return pl.Enum(list(kind.codes))
    if isinstance(kind, ListType):
        return pl.List(polars_type(kind.item))
    if isinstance(kind, YearlyType):
        return polars_type(kind.item)
    simple: dict[Type, pl.DataType] = {
        BOOL: pl.Boolean(), INT: pl.Int64(), NUMBER: pl.Float64(), DATE: pl.Date(),
        INTERVAL: INTERVAL_DTYPE,
    }
    if kind == AGE_SCHEDULE:
        raise TypeError("an age schedule is a parameter, never a column")
    return simple.get(kind, pl.String())


def polars_cell(value: Any) -> Any:
    """A language value as polars takes it in a row (intervals as ``{start, end}``)."""
    if isinstance(value, Interval):
        return {"start": value.start, "end": value.end}
    if isinstance(value, list):
        return [polars_cell(item) for item in value]
    return value


def language_value(value: Any, kind: Type) -> Any:
    """A polars cell read back as the language's value (structs as intervals)."""
    if value is None:
        return None
    if kind == INTERVAL:
        return Interval(value["start"], value["end"])
    if isinstance(kind, ListType):
        return [language_value(item, kind.item) for item in value]
    if kind == NUMBER:
        return float(value)
    return value


def points_dtype(rulebook: CompiledRulebook) -> pl.DataType:
    """Whole points (Int64) when every priority gives whole numbers, else Float64."""
    return pl.Int64() if rulebook.integer_points else pl.Float64()


def outcome_schema(rulebook: CompiledRulebook) -> dict[str, pl.DataType]:
    """The columns every engine adds to a nominations frame, in order, with their types."""
    schema: dict[str, pl.DataType] = {}
    for rule in rulebook.criterion_ids:
        schema[criterion_column(rule)] = pl.Boolean()
    for rule, kinds in rulebook.shown_types.items():
        for index, kind in enumerate(kinds):
            schema[shown_column(rule, index)] = polars_type(kind)
    schema[ELIGIBLE] = pl.Boolean()
    schema[FAILED] = pl.String()
    points = points_dtype(rulebook)
    for rule in rulebook.priority_ids:
        schema[points_column(rule)] = points
    schema[SCORE] = points
    return schema


def field_schema(rulebook: CompiledRulebook,
                 years: Mapping[str, Iterable[int]] | None = None) -> dict[str, pl.DataType]:
    """The typed candidate columns, in intake's order: id, every field, then the given years
    of each yearly field."""
    schema: dict[str, pl.DataType] = {CANDIDATE: pl.String()}
    for name, spec in rulebook.fields.items():
        if not spec.yearly:
            schema[name] = polars_type(spec.type)
    for name, spec in rulebook.fields.items():
        if spec.yearly:
            for year in sorted((years or {}).get(name, ())):
                schema[yearly_column(name, year)] = polars_type(spec.type)
    return schema


def nominations_schema(rulebook: CompiledRulebook,
                       years: Mapping[str, Iterable[int]] | None = None
                       ) -> dict[str, pl.DataType]:
    """A nominations frame before evaluation: fields, then ``quota_id``, ``row``,
    ``preference``."""
    return {**field_schema(rulebook, years), QUOTA: pl.String(), ROW: pl.Int64(),
            PREFERENCE: pl.Int64()}


def records_of(frame: pl.DataFrame, rulebook: CompiledRulebook) -> list[dict[str, Any]]:
    """Rows of a typed nominations frame as the language's records: ``id`` and fields, a
    yearly field as ``{year: value}`` (empty years left out), intervals as intervals."""
    yearly = {name: yearly_columns(frame.columns, name)
              for name, spec in rulebook.fields.items() if spec.yearly}
    converted = {name: spec.type for name, spec in rulebook.fields.items()
                 if not spec.yearly and name in frame.columns
                 and (spec.type == INTERVAL or isinstance(spec.type, ListType))}
    records = []
    for row in frame.iter_rows(named=True):
        record = dict(row)
        record["id"] = row.get(CANDIDATE)
        for name, columns in yearly.items():
            record[name] = {year: row[column] for year, column in columns.items()
                            if row[column] is not None}
        for name, kind in converted.items():
            record[name] = language_value(record[name], kind)
        records.append(record)
    return records
