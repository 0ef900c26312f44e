"""Lists: their length, and the reducers ``any``, ``all``, ``count``, ``sum``, ``min``, ``max``
over one generator, ``reducer(element for var in list_or_range if condition…)``.

Each item of a list is decided on its own, so the loop body may read the item, quota
attributes and parameters; a ``range`` of years (fixed for a quota) may read any field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from eligibility.language import nodes as n
from eligibility.language.domain import numeric
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import checked_whole, pair
from eligibility.language.types import BOOL, INT, INTERVAL, NUMBER, ListType, Type

GROUP = "Lists and reducers"


def reduce_values(reducer: str, values: Sequence[Any], element_type: Type) -> Any:
    """A reducer applied to the element values of the kept items (nulls included)."""
    return _COMBINE[reducer](values, element_type)


def _any(values: Sequence[Any], element_type: Type) -> Any:
    return True if True in values else (None if None in values else False)


def _all(values: Sequence[Any], element_type: Type) -> Any:
    return False if False in values else (None if None in values else True)


def _count(values: Sequence[Any], element_type: Type) -> int:
    count = 0
    for value in values:
        if value is True:
            count += 1
    return count


def _sum(values: Sequence[Any], element_type: Type) -> Any:
    present = [value for value in values if value is not None]
    if not present:
        return 0 if element_type == INT else 0.0
    return numeric(sum(present) if element_type == INT else float(sum(present)))


def _min(values: Sequence[Any], element_type: Type) -> Any:
    present = [value for value in values if value is not None]
    return min(present) if present else None


def _max(values: Sequence[Any], element_type: Type) -> Any:
    present = [value for value in values if value is not None]
    return max(present) if present else None


_COMBINE = {"any": _any, "all": _all, "count": _count, "sum": _sum, "min": _min, "max": _max}


def _reducer(name: str) -> Any:
    return _COMBINE[name]


def _lower_reduce(ctx: PolarsContext, node: n.Reduce) -> Lowered:
    if isinstance(node.iterable, n.Range):
        return _reduce_range(ctx, node)
    return _reduce_list(ctx, node)


def _skipped(reducer: str) -> bool | None:
    """The element an item filtered out by ``if`` counts as (None: left out)."""
    return {"all": True, "any": False, "count": False}.get(reducer)


def _reduce_range(ctx: PolarsContext, node: n.Reduce) -> pl.Expr:
    from eligibility.language.fold import substitute

    assert isinstance(node.iterable, n.Range)
    start, stop = node.iterable.start, node.iterable.stop
    if not (isinstance(start, n.Const) and isinstance(stop, n.Const)):
        raise TypeError("range() bounds are fixed for a quota and folded before lowering")
    if start.value is None or stop.value is None:
        return pl.lit(None, dtype=_dtype(node))
    values: list[pl.Expr] = []
    for year in range(start.value, stop.value):
        bound = n.Const(INT, year)
        element = ctx.expr(substitute(node.element, node.var, bound))
        tests = [ctx.expr(substitute(test, node.var, bound)) for test in node.conditions]
        if tests:
            keep = pl.all_horizontal(tests).fill_null(False)
            skipped = _skipped(node.reducer)
            element = pl.when(keep).then(element)
            if skipped is not None:
                element = element.otherwise(skipped)
        values.append(element)
    return _horizontal(node.reducer, values, node)


def _horizontal(reducer: str, values: list[pl.Expr], node: n.Reduce) -> pl.Expr:
    element_type = node.element.type
    if not values:
        empty = {"any": False, "all": True, "count": 0,
                 "sum": 0 if element_type == INT else 0.0}
        return pl.lit(empty.get(reducer), dtype=_dtype(node))
    if reducer == "any":
        return pl.any_horizontal(values)
    if reducer == "all":
        return pl.all_horizontal(values)
    if reducer == "count":
        return pl.sum_horizontal([value.fill_null(False).cast(pl.Int64) for value in values])
    if reducer == "sum":
        if element_type == INT:
            return checked_whole(pl.sum_horizontal([value.cast(pl.Int128) for value in values]))
        return pl.sum_horizontal([value.cast(pl.Float64) for value in values])
    return pl.min_horizontal(values) if reducer == "min" else pl.max_horizontal(values)


def _reduce_list(ctx: PolarsContext, node: n.Reduce) -> pl.Expr:
    items = ctx.expr(node.iterable)
    item_type = node.iterable.type.item  # type: ignore[attr-defined]
    item: Lowered = pair(pl.element()) if item_type == INTERVAL else pl.element()
    inner = ctx.inner(node.var, item)
    element = inner.expr(node.element)
    if node.conditions:
        keep = pl.all_horizontal([inner.expr(test) for test in node.conditions])
        element = pl.when(keep.fill_null(False)).then(element)
        skipped = _skipped(node.reducer)
        if skipped is not None:
            element = element.otherwise(skipped)
    values = items.list.eval(element)
    result = _over_list(node.reducer, values, node)
    return pl.when(items.is_null()).then(None).otherwise(result)


def _over_list(reducer: str, values: pl.Expr, node: n.Reduce) -> pl.Expr:
    element_type = node.element.type
    if reducer in ("any", "all", "count"):
        trues = values.list.eval(pl.element().fill_null(False).cast(pl.Int64)).list.sum()
        if reducer == "count":
            return trues.cast(pl.Int64)
        nulls = values.list.eval(pl.element().is_null().cast(pl.Int64)).list.sum()
        if reducer == "any":
            return pl.when(trues > 0).then(True).when(nulls > 0).then(None).otherwise(False)
        falses = values.list.eval((~pl.element()).fill_null(False).cast(pl.Int64)).list.sum()
        return pl.when(falses > 0).then(False).when(nulls > 0).then(None).otherwise(True)
    if reducer == "sum":
        if element_type == INT:
            return checked_whole(values.list.eval(pl.element().cast(pl.Int128)).list.sum())
        return values.list.eval(pl.element().cast(pl.Float64)).list.sum()
    return values.list.min() if reducer == "min" else values.list.max()


def _dtype(node: n.Reduce) -> pl.DataType:
    from eligibility.frames import polars_type

    if node.reducer in ("any", "all"):
        return pl.Boolean()
    if node.reducer == "count":
        return pl.Int64()
    return polars_type(node.element.type)


def _lower_len(ctx: PolarsContext, node: n.Call) -> Lowered:
    return ctx.expr(node.args[0]).list.len().cast(pl.Int64)


# --- SQL ------------------------------------------------------------------------------------


def _sql_reduce(ctx: SqlContext, node: n.Reduce) -> Any:
    if isinstance(node.iterable, n.Range):
        return _sql_reduce_range(ctx, node)
    build = ctx.build
    item_type = node.iterable.type.item  # type: ignore[attr-defined]

    def body(item: Any) -> Any:
        inner = ctx.inner(node.var, item)
        return _sql_kept(ctx, node, inner.expr(node.element),
                         [inner.expr(test) for test in node.conditions])

    values = build.over_items(ctx.expr(node.iterable), item_type, body)
    return values.reduce(node.reducer, node.element.type)


def _sql_kept(ctx: SqlContext, node: n.Reduce, element: Any, tests: list[Any]) -> Any:
    """The element, or what an item filtered out by ``if`` counts as."""
    if not tests:
        return element
    build = ctx.build
    keep = build.coalesce(build.all_of(tests), build.literal(False, BOOL))
    skipped = _skipped(node.reducer)
    return build.when(keep, element, None if skipped is None
                      else build.literal(skipped, BOOL))


def _sql_reduce_range(ctx: SqlContext, node: n.Reduce) -> Any:
    from eligibility.language.fold import substitute

    assert isinstance(node.iterable, n.Range)
    build = ctx.build
    start, stop = node.iterable.start, node.iterable.stop
    if not (isinstance(start, n.Const) and isinstance(stop, n.Const)):
        raise TypeError("range() bounds are fixed for a quota and folded before lowering")
    element_type = node.element.type
    if start.value is None or stop.value is None:
        return build.null(BOOL if node.reducer in ("any", "all") else
                          INT if node.reducer == "count" else element_type)
    values = []
    for year in range(start.value, stop.value):
        bound = n.Const(INT, year)
        element = ctx.expr(substitute(node.element, node.var, bound))
        tests = [ctx.expr(substitute(test, node.var, bound)) for test in node.conditions]
        values.append(_sql_kept(ctx, node, element, tests))
    reducer = node.reducer
    if reducer == "any":
        return build.any_of(values)
    if reducer == "all":
        return build.all_of(values)
    if reducer == "count":
        return build.plus_all([build.when(value, build.literal(1, INT),
                                          build.literal(0, INT)) for value in values], INT)
    if reducer == "sum":
        if element_type == INT:
            return build.checked_whole(build.plus_all(
                [build.coalesce(build.wide(value), build.wide(build.literal(0, INT)))
                 for value in values], None))
        return build.number_sum([build.coalesce(build.cast(value, NUMBER),
                                                build.literal(0.0, NUMBER))
                                 for value in values])
    if not values:
        return build.null(element_type)
    return build.extreme(values, largest=reducer == "max")


def _sql_len(ctx: SqlContext, node: n.Call) -> Any:
    return ctx.build.length(ctx.expr(node.args[0]))


_REDUCERS = {
    "any": ("any(condition for x in items)",
            "True if the condition holds for at least one item.",
            "true if some item gives true; else null if some gives null; else false "
            "(an empty list gives false)",
            "any(overlaps(e, quota.course) for e in enrollments)", BOOL),
    "all": ("all(condition for x in items)",
            "True if the condition holds for every item.",
            "false if some item gives false; else null if some gives null; else true "
            "(an empty list gives true)",
            "all(rating[y] >= 'good' for y in range(quota.start.year - 2, quota.start.year))",
            BOOL),
    "count": ("count(condition for x in items) → int",
              "How many items the condition holds for.",
              "an item giving null is not counted; an empty list gives 0",
              "count(rating[y] == 'excellent' for y in range(quota.start.year - 3, "
              "quota.start.year))", INT),
    "sum": ("sum(number for x in items) → number",
            "Sum of the values.", "null values are skipped; an empty list gives 0",
            "sum(days_between(e.start, e.end) + 1 for e in enrollments)", INT),
    "min": ("min(value for x in items) → number or date",
            "Smallest value.", "null values are skipped; null when none is left",
            "min(e.start for e in enrollments)", INT),
    "max": ("max(value for x in items) → number or date",
            "Largest value.", "null values are skipped; null when none is left",
            "max(e.end for e in enrollments)", INT),
}

ENTRIES = (
    Entry("len", GROUP, "len(list) → int", "Number of items in a list.",
          "null when the list is null", "len(enrollments) <= 2",
          len, _lower_len, "leaf", _sql_len, params=(ListType("list", Type("any")),),
          result=INT),
    *(Entry(name, GROUP, signature, summary, nulls, example, _reducer(name), _lower_reduce,
            "leaf", _sql_reduce, strict=False)
      for name, (signature, summary, nulls, example, _) in _REDUCERS.items()),
)

REDUCERS = frozenset(_REDUCERS)
