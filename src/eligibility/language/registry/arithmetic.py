"""Arithmetic on whole numbers (64-bit) and numbers (finite floats), and text joining.

Whole numbers stay whole except through ``/``. A result outside the language's range (a whole
number beyond 64 bits, a number that is not finite) is null, and so is a division, floor
division or remainder by zero. On numbers, ``a // b`` is ``floor(a / b)`` and ``a % b`` is
``a - b * floor(a / b)``, computed the same way on every engine; on whole numbers both follow
the floor convention (``-7 // 2 == -4``, ``-7 % 2 == 1``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import polars as pl

from eligibility.language import nodes as n
from eligibility.language.domain import finite, numeric, whole
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import (
    checked_number,
    checked_whole,
    null_if_any_null,
    wide,
)
from eligibility.language.types import INT, NUMBER, TEXT, Type

GROUP = "Arithmetic"


def add(a: Any, b: Any) -> Any:
    return a + b if isinstance(a, str) else numeric(a + b)


def subtract(a: Any, b: Any) -> Any:
    return numeric(a - b)


def multiply(a: Any, b: Any) -> Any:
    return numeric(a * b)


def divide(a: Any, b: Any) -> float | None:
    return None if b == 0 else finite(a / b)


def floor_divide(a: Any, b: Any) -> Any:
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return whole(a // b)
    quotient = finite(a / b)
    return None if quotient is None else float(math.floor(quotient))


def remainder(a: Any, b: Any) -> Any:
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return whole(a % b)
    quotient = finite(a / b)
    return None if quotient is None else finite(a - b * math.floor(quotient))


def negate(a: Any) -> Any:
    return numeric(-a)


def absolute(a: Any) -> Any:
    return numeric(abs(a))


def _binary(operation: Callable[[pl.Expr, pl.Expr], pl.Expr], *, divides: bool = False
            ) -> Callable[[PolarsContext, n.Arith], Lowered]:
    def lower(ctx: PolarsContext, node: n.Arith) -> Lowered:
        left, right = ctx.expr(node.left), ctx.expr(node.right)
        if node.type == TEXT:
            return left + right
        if node.type == INT:
            result = checked_whole(operation(wide(left, INT), wide(right, INT)))
        else:
            result = checked_number(operation(left.cast(pl.Float64), right.cast(pl.Float64)))
        return pl.when(right == 0).then(None).otherwise(result) if divides else result
    return lower


def _lower_floor_divide(ctx: PolarsContext, node: n.Arith) -> Lowered:
    if node.type == INT:
        return _binary(lambda a, b: a // b, divides=True)(ctx, node)
    return _binary(lambda a, b: (a / b).floor(), divides=True)(ctx, node)


def _lower_remainder(ctx: PolarsContext, node: n.Arith) -> Lowered:
    if node.type == INT:
        return _binary(lambda a, b: a % b, divides=True)(ctx, node)
    return _binary(lambda a, b: a - b * (a / b).floor(), divides=True)(ctx, node)


def _lower_negate(ctx: PolarsContext, node: n.Negate) -> Lowered:
    value = ctx.expr(node.operand)
    if node.type == INT:
        return checked_whole(pl.lit(0, pl.Int128) - wide(value, INT))
    return -value.cast(pl.Float64)


def _lower_abs(ctx: PolarsContext, node: n.Call) -> Lowered:
    value = ctx.expr(node.args[0])
    if node.type == INT:
        widened = wide(value, INT)
        return checked_whole(pl.when(widened < 0).then(pl.lit(0, pl.Int128) - widened)
                             .otherwise(widened))
    return value.cast(pl.Float64).abs()


def _extreme(combine: Callable[..., pl.Expr]) -> Callable[[PolarsContext, n.Call], Lowered]:
    def lower(ctx: PolarsContext, node: n.Call) -> Lowered:
        values = [ctx.expr(arg) for arg in node.args]
        if node.type == NUMBER:
            values = [value.cast(pl.Float64) for value in values]
        return null_if_any_null(combine(values), values)
    return lower


# --- SQL --------------------------------------------------------------------------------


def _sql_binary(op: str) -> Callable[[SqlContext, n.Arith], Any]:
    def lower(ctx: SqlContext, node: n.Arith) -> Any:
        build = ctx.build
        left, right = ctx.expr(node.left), ctx.expr(node.right)
        if node.type == TEXT:
            return build.concat([left, right])
        if node.type == INT:
            return build.whole_op(op, left, right)
        return build.number_op(op, left, right)
    return lower


def _sql_negate(ctx: SqlContext, node: n.Negate) -> Any:
    build = ctx.build
    value = ctx.expr(node.operand)
    if node.type == INT:
        return build.whole_op("-", build.literal(0, INT), value)
    return build.negate(build.cast(value, NUMBER))


def _sql_abs(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    value = ctx.expr(node.args[0])
    if node.type == INT:
        return build.checked_whole(build.absolute(build.wide(value)))
    return build.absolute(build.cast(value, NUMBER))


def _sql_extreme(largest: bool) -> Callable[[SqlContext, n.Call], Any]:
    def lower(ctx: SqlContext, node: n.Call) -> Any:
        build = ctx.build
        values = [ctx.expr(arg) for arg in node.args]
        if node.type == NUMBER:
            values = [build.cast(value, NUMBER) for value in values]
        return build.null_if_any_null(build.extreme(values, largest=largest), values)
    return lower


def same_numeric(kinds: list[Type]) -> Type:
    """The result type of a numeric function: whole when every argument is whole."""
    return INT if all(kind == INT for kind in kinds) else NUMBER


ENTRIES = (
    Entry("+", GROUP, "a + b", "Sum of two numbers, or two texts joined.",
          "null when either side is null, or outside the range", "points + 5",
          add, _binary(lambda a, b: a + b), "leaf", _sql_binary("+")),
    Entry("-", GROUP, "a - b", "Difference of two numbers.",
          "null when either side is null, or outside the range", "quota.start.year - 1",
          subtract, _binary(lambda a, b: a - b), "leaf", _sql_binary("-")),
    Entry("*", GROUP, "a * b", "Product of two numbers.",
          "null when either side is null, or outside the range",
          "5 * count(rating[y] == 'excellent' for y in range(2020, 2023))",
          multiply, _binary(lambda a, b: a * b), "leaf", _sql_binary("*")),
    Entry("/", GROUP, "a / b", "Quotient, always a number (not whole).",
          "null when either side is null or b is 0", "quota.budget / quota.seats",
          divide, _binary(lambda a, b: a / b, divides=True), "leaf", _sql_binary("/")),
    Entry("//", GROUP, "a // b", "Quotient rounded down (floor).",
          "null when either side is null or b is 0", "days_between(quota.start, quota.end) // 7",
          floor_divide, _lower_floor_divide, "leaf", _sql_binary("//")),
    Entry("%", GROUP, "a % b", "Remainder of the floor division, with the sign of b.",
          "null when either side is null or b is 0", "quota.start.year % 4",
          remainder, _lower_remainder, "leaf", _sql_binary("%")),
    Entry("-x", GROUP, "-a", "The number with its sign changed.",
          "null when a is null, or outside the range",
          "-completed_years(service_start, quota.start)",
          negate, _lower_negate, "leaf", _sql_negate),
    Entry("abs", GROUP, "abs(number) → number", "Absolute value (whole for a whole number).",
          "null when the argument is null",
          "abs(completed_years(service_start, quota.start) - 5) <= 1",
          absolute, _lower_abs, "leaf", _sql_abs, params=(NUMBER,), result=NUMBER),
    Entry("least", GROUP, "least(a, b, …) → number or date",
          "The smallest of two or more numbers, or of two or more dates.",
          "null when any argument is null", "least(age_on(birth_date, quota.start), 40)",
          lambda *values: min(values), _extreme(pl.min_horizontal), "leaf",
          _sql_extreme(largest=False)),
    Entry("greatest", GROUP, "greatest(a, b, …) → number or date",
          "The largest of two or more numbers, or of two or more dates.",
          "null when any argument is null", "greatest(service_start, date('2015-01-01'))",
          lambda *values: max(values), _extreme(pl.max_horizontal), "leaf",
          _sql_extreme(largest=True)),
)
