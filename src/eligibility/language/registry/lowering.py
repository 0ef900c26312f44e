"""Small pieces the polars lowerings share: intervals as pairs, typed nulls and literals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from eligibility.frames import polars_cell, polars_type
from eligibility.language import nodes as n
from eligibility.language.domain import INT_MAX, INT_MIN
from eligibility.language.registry.core import Lowered, PolarsContext
from eligibility.language.types import INT, INTERVAL, EnumType, ListType, Type
from eligibility.language.values import Interval


def pair(value: Lowered) -> tuple[pl.Expr, pl.Expr]:
    """An interval as its (start, end) expressions."""
    if isinstance(value, tuple):
        return value
    return value.struct.field("start"), value.struct.field("end")


def as_expr(value: Lowered) -> pl.Expr:
    """One expression for ``value`` (an interval pair becomes a ``{start, end}`` struct)."""
    if isinstance(value, tuple):
        start, end = value
        return pl.when(start.is_not_null() & end.is_not_null()).then(
            pl.struct(start.alias("start"), end.alias("end")))
    return value


def typed_null(kind: Type) -> Lowered:
    """A null of the language type ``kind``."""
    if kind == INTERVAL:
        return (pl.lit(None, pl.Date), pl.lit(None, pl.Date))
    return pl.lit(None, dtype=polars_type(kind))


def literal(value: Any, kind: Type) -> Lowered:
    """A constant of the language type ``kind``."""
    if value is None:
        return typed_null(kind)
    if kind == INTERVAL:
        assert isinstance(value, Interval)
        return (pl.lit(value.start, pl.Date), pl.lit(value.end, pl.Date))
    if isinstance(kind, ListType):
        series = pl.Series([polars_cell(value)], dtype=polars_type(kind))
        return pl.lit(series).first()
    if isinstance(kind, EnumType):
        return pl.lit(value, dtype=polars_type(kind))
    return pl.lit(value, dtype=polars_type(kind))


def is_null(value: Lowered) -> pl.Expr:
    if isinstance(value, tuple):
        return value[0].is_null() | value[1].is_null()
    return value.is_null()


def null_if_any_null(result: pl.Expr, inputs: Sequence[Lowered]) -> pl.Expr:
    """``result``, or null where any of ``inputs`` is null."""
    if not inputs:
        return result
    missing = pl.any_horizontal([is_null(value) for value in inputs])
    return pl.when(missing).then(None).otherwise(result)


def checked_whole(value: pl.Expr) -> pl.Expr:
    """An Int128 computation brought back to Int64, null where it left the 64-bit range."""
    return pl.when(value.is_between(INT_MIN, INT_MAX)).then(value).cast(pl.Int64)


def wide(value: pl.Expr, kind: Type) -> pl.Expr:
    """A whole number widened to Int128 for checked arithmetic (other numbers as they are)."""
    return value.cast(pl.Int128) if kind == INT else value.cast(pl.Float64)


def checked_number(value: pl.Expr) -> pl.Expr:
    """A float computation, null where it is not finite."""
    return pl.when(value.is_finite()).then(value)


def args(ctx: PolarsContext, nodes: Sequence[n.Node]) -> list[Lowered]:
    return [ctx.value(node) for node in nodes]


def call_args(node: n.Node) -> tuple[n.Node, ...]:
    """The operands of a function call node."""
    assert isinstance(node, n.Call)
    return node.args


def elementwise(function: Callable[..., Any], result: Type,
                nodes: Callable[[Any], Sequence[n.Node]] = call_args
                ) -> Callable[[PolarsContext, Any], Lowered]:
    """A lowering that applies the scalar ``function`` once per distinct tuple of operand
    values — for functions too rare or too intricate to be worth a native lowering.

    Nulls propagate (the function sees only non-null operands) and the result has the
    polars type of ``result``.
    """
    from eligibility.frames import language_value

    def lower(ctx: PolarsContext, node: Any) -> Lowered:
        operands = list(nodes(node))
        kinds = [operand.type for operand in operands]
        exprs = [as_expr(ctx.value(operand)).alias(f"a{index}")
                 for index, operand in enumerate(operands)]
        dtype = polars_type(result)

        def apply(batch: pl.Series) -> pl.Series:
            distinct = batch.unique()
            outputs = []
            for item in distinct.to_list():
                values = [language_value(item[f"a{index}"], kind)
                          for index, kind in enumerate(kinds)]
                outputs.append(None if None in values else polars_cell(function(*values)))
            table = pl.DataFrame({"key": distinct,
                                  "value": pl.Series(outputs, dtype=dtype)})
            joined = batch.to_frame("key").join(table, on="key", how="left",
                                                maintain_order="left", nulls_equal=True)
            return joined["value"]

        value = pl.struct(exprs).map_batches(apply, return_dtype=dtype)
        return pair(value) if result == INTERVAL else value

    return lower
