"""Reading parts of values: date and interval attributes, yearly fields, per-code parameters,
list literals, date literals and year ranges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from eligibility.frames import yearly_columns
from eligibility.language import nodes as n
from eligibility.language.domain import MAX_RANGE_ITEMS
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import as_expr, literal, pair, typed_null
from eligibility.language.types import DATE, INT, NUMBER, TEXT, ByCodeType, ListType, Type

GROUP = "Values"


def _date_part(part: str) -> Entry:
    def lower(ctx: PolarsContext, node: n.Attribute) -> Lowered:
        value = ctx.expr(node.operand)
        return getattr(value.dt, part)().cast(pl.Int64)

    def lower_sql(ctx: SqlContext, node: n.Attribute) -> Any:
        return ctx.build.part(part, ctx.expr(node.operand))

    return Entry(f".{part}", GROUP, f"date.{part} → int", f"The {part} of a date.",
                 "null when the date is null", f"quota.start.{part}",
                 lambda day: getattr(day, part), lower, "leaf", lower_sql)


def _interval_end(part: str) -> Entry:
    def lower(ctx: PolarsContext, node: n.Attribute) -> Lowered:
        start, end = pair(ctx.value(node.operand))
        return start if part == "start" else end

    def lower_sql(ctx: SqlContext, node: n.Attribute) -> Any:
        start, end = ctx.build.pair(ctx.value(node.operand))
        return start if part == "start" else end

    word = "first" if part == "start" else "last"
    return Entry(f".{part}", GROUP, f"interval.{part} → date",
                 f"The {word} day of an interval (inclusive).",
                 "null when the interval is null", f"quota.course.{part}",
                 lambda interval: getattr(interval, part), lower, "leaf", lower_sql)


def look_up(mapping: Mapping[Any, Any], key: Any) -> Any:
    """The value of ``key`` in ``mapping``; null when it has none."""
    return mapping.get(key)


def _lower_yearly(ctx: PolarsContext, node: n.Index) -> Lowered:
    assert isinstance(node.operand, n.FieldRef)
    columns = yearly_columns(ctx.columns, node.operand.name)
    if isinstance(node.key, n.Const):
        column = columns.get(node.key.value)
        return typed_null(node.type) if column is None else pl.col(column)
    key = ctx.expr(node.key)
    result = typed_null(node.type)
    assert isinstance(result, pl.Expr)
    for year, column in columns.items():
        result = pl.when(key == year).then(pl.col(column)).otherwise(result)
    return result


def _lower_by_code(ctx: PolarsContext, node: n.Index) -> Lowered:
    assert isinstance(node.operand, n.Const) and isinstance(node.operand.type, ByCodeType)
    mapping: Mapping[str, Any] = node.operand.value
    key = ctx.expr(node.key).cast(pl.String)
    result = typed_null(node.type)
    for code, item in mapping.items():
        value = literal(item, node.type)
        if isinstance(result, tuple):
            start, end = pair(value)
            result = (pl.when(key == code).then(start).otherwise(result[0]),
                      pl.when(key == code).then(end).otherwise(result[1]))
        else:
            result = pl.when(key == code).then(as_expr(value)).otherwise(result)
    return result


def make_list(*items: Any) -> list[Any]:
    return list(items)


def _lower_list(ctx: PolarsContext, node: n.ListOf) -> Lowered:
    values = [as_expr(ctx.value(item)) for item in node.items]
    if node.type.item == NUMBER:  # type: ignore[attr-defined]
        values = [value.cast(pl.Float64) for value in values]
    return pl.concat_list(values)


def year_range(start: int, stop: int) -> range:
    """Whole numbers from ``start`` to ``stop`` (excluded); at most :data:`MAX_RANGE_ITEMS`."""
    if stop - start > MAX_RANGE_ITEMS:
        raise ValueError(f"range({start}, {stop}) has {stop - start} items; at most "
                         f"{MAX_RANGE_ITEMS} are allowed")
    return range(start, stop)


def _lower_range(ctx: PolarsContext, node: n.Range) -> Lowered:
    return pl.int_ranges(ctx.expr(node.start), ctx.expr(node.stop), dtype=pl.Int64)


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _lower_date(ctx: PolarsContext, node: n.Const) -> Lowered:
    return literal(node.value, DATE)


# --- SQL ----------------------------------------------------------------------------------


def _sql_yearly(ctx: SqlContext, node: n.Index) -> Any:
    assert isinstance(node.operand, n.FieldRef)
    build = ctx.build
    columns = yearly_columns(ctx.columns, node.operand.name)
    if isinstance(node.key, n.Const):
        column = columns.get(node.key.value)
        return build.null(node.type) if column is None else \
            ctx.value(n.FieldRef(node.type, column))
    key = ctx.expr(node.key)
    return _sql_choice(ctx, [(build.compare("==", key, build.literal(year, INT)),
                              ctx.value(n.FieldRef(node.type, column)))
                             for year, column in columns.items()], node.type)


def _sql_choice(ctx: SqlContext, branches: list[tuple[Any, Any]], kind: Type) -> Any:
    """CASE over ``branches`` (condition, value), null otherwise; an interval as a pair."""
    build = ctx.build
    if not branches:
        return build.null(kind)
    if any(isinstance(value, tuple) for _, value in branches):
        pairs = [(condition, build.pair(value)) for condition, value in branches]
        return (build.case([(condition, start) for condition, (start, _) in pairs],
                           build.null(DATE)),
                build.case([(condition, end) for condition, (_, end) in pairs],
                           build.null(DATE)))
    return build.case(branches, build.null(kind))


def _sql_by_code(ctx: SqlContext, node: n.Index) -> Any:
    assert isinstance(node.operand, n.Const) and isinstance(node.operand.type, ByCodeType)
    build = ctx.build
    mapping: Mapping[str, Any] = node.operand.value
    key = build.text_of(ctx.expr(node.key))
    return _sql_choice(ctx, [(build.compare("==", key, build.literal(code, TEXT)),
                              build.literal(item, node.type))
                             for code, item in mapping.items()], node.type)


def _sql_list(ctx: SqlContext, node: n.ListOf) -> Any:
    build = ctx.build
    assert isinstance(node.type, ListType)
    item_type = node.type.item
    values = [build.as_value(ctx.value(item), item_type) for item in node.items]
    if item_type == NUMBER:
        values = [build.cast(value, NUMBER) for value in values]
    return build.array(values, item_type)


def _sql_range(ctx: SqlContext, node: n.Range) -> Any:
    start, stop = ctx.expr(node.start), ctx.expr(node.stop)
    return ctx.build.whole_range(start, stop)


def _sql_date(ctx: SqlContext, node: n.Const) -> Any:
    return ctx.build.literal(node.value, DATE)


def index_kind(operand_type: Type) -> str:
    """The entry reading ``x[key]`` from a value of ``operand_type``."""
    return "parameter[code]" if isinstance(operand_type, ByCodeType) else "field[year]"


ENTRIES = (
    *(_date_part(part) for part in ("year", "month", "day")),
    *(_interval_end(part) for part in ("start", "end")),
    Entry("field[year]", GROUP, "yearly_field[year] → value",
          "A yearly field's value for one calendar year (one input column per year).",
          "null when the year has no column or its cell is empty",
          "rating[quota.start.year - 1]", look_up, _lower_yearly, "leaf", _sql_yearly),
    Entry("parameter[code]", GROUP, "parameter[code] → value",
          "A parameter given per code of a vocabulary (``by:``), for one code.",
          "null when the code is null", "retirement_age[gender]",
          look_up, _lower_by_code, "leaf", _sql_by_code),
    Entry("[…]", GROUP, "[a, b, …] → list", "A list of values of one type.",
          "items may be null; the list itself is never null", "category in ['can_bo', 'cong_chuc']",
          make_list, _lower_list, "leaf", _sql_list, strict=False),
    Entry("date", GROUP, "date('YYYY-MM-DD') → date", "A date written in the rule.",
          "never null; an impossible date is refused when the rulebook is loaded",
          "service_start <= date('2020-07-01')", parse_date, _lower_date, "leaf",
          _sql_date),
    Entry("range", GROUP, "range(a, b)",
          "The whole numbers a, a + 1, …, b - 1, to loop over in a reducer; a and b must be "
          f"fixed for a quota, and a range holds at most {MAX_RANGE_ITEMS} numbers.",
          "a range with a null bound is null (the reducer over it is null)",
          "all(rating[y] >= 'good' for y in range(quota.start.year - 2, quota.start.year))",
          year_range, _lower_range, "leaf", _sql_range),
)
