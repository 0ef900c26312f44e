"""``and``, ``or``, ``not``, ``x if c else y``, ``is None``: three-valued (Kleene) logic.

A null condition is *unknown*: ``unknown and false`` is false, ``unknown or true`` is true,
anything else with unknown is unknown. A criterion whose condition is unknown is not met.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import polars as pl

from eligibility.language import nodes as n
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import is_null, pair
from eligibility.language.types import INTERVAL, NUMBER

GROUP = "Logic"


def kleene_and(values: Iterable[bool | None]) -> bool | None:
    """False if any value is false, else unknown if any is unknown, else true.

    >>> kleene_and([True, None]), kleene_and([None, False])
    (None, False)
    """
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def kleene_or(values: Iterable[bool | None]) -> bool | None:
    """True if any value is true, else unknown if any is unknown, else false."""
    unknown = False
    for value in values:
        if value is True:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def _lower_and(ctx: PolarsContext, node: n.BoolOp) -> Lowered:
    # polars' & and | follow Kleene logic on nulls.
    return functools.reduce(lambda a, b: a & b, (ctx.expr(item) for item in node.operands))


def _lower_or(ctx: PolarsContext, node: n.BoolOp) -> Lowered:
    return functools.reduce(lambda a, b: a | b, (ctx.expr(item) for item in node.operands))


def _lower_not(ctx: PolarsContext, node: n.Not) -> Lowered:
    return ~ctx.expr(node.operand)


def choose(test: bool | None, then: Callable[[], Any], otherwise: Callable[[], Any]) -> Any:
    """``then()`` when ``test`` is true; ``otherwise()`` when it is false or unknown."""
    return then() if test is True else otherwise()


def _lower_if(ctx: PolarsContext, node: n.Conditional) -> Lowered:
    test = ctx.expr(node.test)
    if node.type == INTERVAL:
        then_start, then_end = pair(ctx.value(node.then))
        else_start, else_end = pair(ctx.value(node.otherwise))
        return (pl.when(test).then(then_start).otherwise(else_start),
                pl.when(test).then(then_end).otherwise(else_end))
    then, otherwise = ctx.expr(node.then), ctx.expr(node.otherwise)
    if node.type == NUMBER:
        then, otherwise = then.cast(pl.Float64), otherwise.cast(pl.Float64)
    return pl.when(test).then(then).otherwise(otherwise)


def _lower_is_null(ctx: PolarsContext, node: n.IsNull) -> Lowered:
    return is_null(ctx.value(node.operand))


def _lower_is_not_null(ctx: PolarsContext, node: n.IsNull) -> Lowered:
    return ~is_null(ctx.value(node.operand))


# --- SQL: its AND, OR and NOT are Kleene's already ------------------------------------------


def _sql_and(ctx: SqlContext, node: n.BoolOp) -> Any:
    return ctx.build.all_of([ctx.expr(item) for item in node.operands])


def _sql_or(ctx: SqlContext, node: n.BoolOp) -> Any:
    return ctx.build.any_of([ctx.expr(item) for item in node.operands])


def _sql_not(ctx: SqlContext, node: n.Not) -> Any:
    return ctx.build.not_(ctx.expr(node.operand))


def _sql_if(ctx: SqlContext, node: n.Conditional) -> Any:
    build = ctx.build
    test = ctx.expr(node.test)  # CASE takes the ELSE branch when the test is null
    if node.type == INTERVAL:
        then_start, then_end = build.pair(ctx.value(node.then))
        else_start, else_end = build.pair(ctx.value(node.otherwise))
        return (build.when(test, then_start, else_start), build.when(test, then_end, else_end))
    then, otherwise = ctx.expr(node.then), ctx.expr(node.otherwise)
    if node.type == NUMBER:
        then, otherwise = build.cast(then, NUMBER), build.cast(otherwise, NUMBER)
    return build.when(test, then, otherwise)


def _sql_is_null(ctx: SqlContext, node: n.IsNull) -> Any:
    return ctx.build.is_null(ctx.value(node.operand))


def _sql_is_not_null(ctx: SqlContext, node: n.IsNull) -> Any:
    return ctx.build.not_(ctx.build.is_null(ctx.value(node.operand)))


ENTRIES = (
    Entry("and", GROUP, "a and b and …", "True when every condition is true.",
          "false if any is false; else null if any is null; else true",
          "not under_discipline and position in quota.positions",
          kleene_and, _lower_and, "condition", _sql_and, strict=False),
    Entry("or", GROUP, "a or b or …", "True when at least one condition is true.",
          "true if any is true; else null if any is null; else false",
          "gender == 'female' or succession_plan",
          kleene_or, _lower_or, "condition", _sql_or, strict=False),
    Entry("not", GROUP, "not a", "The opposite of a condition.",
          "null when the condition is null", "not under_discipline",
          lambda value: not value, _lower_not, "condition", _sql_not),
    Entry("if", GROUP, "x if c else y",
          "x when the condition c is true, y otherwise; x and y have one type.",
          "y when c is null; x or y may themselves be null",
          "10 if gender == 'female' else 0", choose, _lower_if, "condition", _sql_if,
          strict=False),
    Entry("is None", GROUP, "x is None", "Whether a value is empty (null).",
          "never null", "service_start is None",
          lambda value: value is None, _lower_is_null, "condition", _sql_is_null,
          strict=False),
    Entry("is not None", GROUP, "x is not None", "Whether a value is present.",
          "never null", "service_start is not None",
          lambda value: value is not None, _lower_is_not_null, "condition",
          _sql_is_not_null, strict=False),
)
