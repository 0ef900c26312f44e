"""Comparisons and membership.

Values of one type compare with ``==`` and ``!=``; numbers (whole or not), dates, text (by
code point) and the codes of an *ordered* vocabulary (by their rank in it, lowest first) also
with ``<``, ``<=``, ``>``, ``>=``. A comparison with a null side is null.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from eligibility.frames import polars_type
from eligibility.language import nodes as n
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import as_expr, pair
from eligibility.language.types import BOOL, INTERVAL, TEXT, EnumType, ListType, Type

GROUP = "Comparison"


def ordinal(kind: Type) -> Callable[[Any], Any] | None:
    """How values of ``kind`` are put in order, when not as themselves: an ordered
    vocabulary's codes by their rank.

    >>> rank = ordinal(EnumType("rating", ("completed", "good"), ordered=True))
    >>> rank("good")
    1
    """
    if isinstance(kind, EnumType) and kind.ordered:
        ranks = {code: index for index, code in enumerate(kind.codes)}
        return ranks.__getitem__
    return None


def comparable(ctx: PolarsContext, node: n.Node) -> pl.Expr:
    """``node`` lowered for comparison: a vocabulary's codes by their position in it
    (polars keeps an Enum's categories in vocabulary order)."""
    value = ctx.expr(node)
    if isinstance(node.type, EnumType):
        return value.to_physical().cast(pl.Int64)
    return value


def _comparison(op: str) -> Callable[[PolarsContext, n.Compare], Lowered]:
    method = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}[op]

    def lower(ctx: PolarsContext, node: n.Compare) -> Lowered:
        if node.left.type == INTERVAL:
            a_start, a_end = pair(ctx.value(node.left))
            b_start, b_end = pair(ctx.value(node.right))
            same = (a_start == b_start) & (a_end == b_end)
            return same if op == "==" else ~same
        left, right = comparable(ctx, node.left), comparable(ctx, node.right)
        return getattr(left, method)(right)

    return lower


def member(element: Any, items: Sequence[Any]) -> bool:
    """Whether ``element`` equals one of ``items`` (null items never match)."""
    return any(item is not None and element == item for item in items)


def _lower_member(ctx: PolarsContext, node: n.Member) -> pl.Expr:
    element_type = node.element.type
    container = node.container
    if element_type == INTERVAL:
        element = as_expr(ctx.value(node.element))
    elif isinstance(element_type, EnumType):
        element = comparable(ctx, node.element)
    else:
        element = ctx.expr(node.element)
    if isinstance(container, n.Const):
        found = element.is_in(_constant_items(container.value, element_type, container.type))
    elif isinstance(container, n.ListOf):
        found = pl.any_horizontal([(element == _item(ctx, item, element_type)).fill_null(False)
                                   for item in container.items])
    else:
        items = ctx.expr(container)
        if isinstance(element_type, EnumType):
            items = items.list.eval(pl.element().to_physical().cast(pl.Int64))
        found = items.list.contains(element).fill_null(False)
        found = pl.when(items.is_null()).then(None).otherwise(found)
    return pl.when(element.is_null()).then(None).otherwise(found)


def _item(ctx: PolarsContext, item: n.Node, element_type: Type) -> pl.Expr:
    if isinstance(element_type, EnumType):
        return comparable(ctx, item)
    return as_expr(ctx.value(item))


def _constant_items(values: Sequence[Any], element_type: Type, container_type: Type) -> pl.Expr:
    present = [value for value in values if value is not None]
    if isinstance(element_type, EnumType):
        ranks = [element_type.codes.index(value) for value in present
                 if value in element_type.codes]
        return pl.lit(pl.Series(ranks, dtype=pl.Int64)).implode()
    assert isinstance(container_type, ListType)
    item_type = container_type.item
    dtype = polars_type(element_type if item_type.name == "any" else item_type)
    if element_type == INTERVAL:
        cells = [{"start": value.start, "end": value.end} for value in present]
        return pl.lit(pl.Series(cells, dtype=dtype)).implode()
    return pl.lit(pl.Series(present, dtype=dtype)).implode()


def _lower_not_member(ctx: PolarsContext, node: n.Member) -> pl.Expr:
    return ~_lower_member(ctx, node)


# --- SQL ----------------------------------------------------------------------------------


def _sql_comparison(op: str) -> Callable[[SqlContext, n.Compare], Any]:
    def lower(ctx: SqlContext, node: n.Compare) -> Any:
        build = ctx.build
        if node.left.type == INTERVAL:
            a_start, a_end = build.pair(ctx.value(node.left))
            b_start, b_end = build.pair(ctx.value(node.right))
            same = build.all_of([build.compare("==", a_start, b_start),
                                 build.compare("==", a_end, b_end)])
            return same if op == "==" else build.not_(same)
        left, right = ctx.expr(node.left), ctx.expr(node.right)
        kind = node.left.type
        if isinstance(kind, EnumType) and kind.ordered and op not in ("==", "!="):
            left, right = build.rank_of(left, kind), build.rank_of(right, kind)
        return build.compare(op, left, right, text=kind == TEXT)

    return lower


def _sql_member(ctx: SqlContext, node: n.Member) -> Any:
    build = ctx.build
    element_type = node.element.type
    element = ctx.value(node.element)
    container = node.container

    def equal(item: Any) -> Any:
        if element_type == INTERVAL:
            (a_start, a_end), (b_start, b_end) = build.pair(element), build.pair(item)
            same = build.all_of([build.compare("==", a_start, b_start),
                                 build.compare("==", a_end, b_end)])
        else:
            same = build.compare("==", element, item)
        return build.coalesce(same, build.literal(False, BOOL))

    if isinstance(container, n.Const):
        present = [value for value in container.value if value is not None]
        found = build.any_of([equal(build.literal(value, element_type)) for value in present])
    elif isinstance(container, n.ListOf):
        found = build.any_of([equal(ctx.value(item)) for item in container.items])
    else:
        item_type = container.type.item  # type: ignore[attr-defined]
        found = build.over_items(ctx.expr(container), item_type, equal).reduce(
            "any", BOOL)
    return build.when(build.is_null(element), build.null(BOOL), found)


def _sql_not_member(ctx: SqlContext, node: n.Member) -> Any:
    return ctx.build.not_(_sql_member(ctx, node))


_COMPARE_DOC = {
    "==": "equal", "!=": "not equal", "<": "less than", "<=": "less than or equal to",
    ">": "greater than", ">=": "greater than or equal to"}
_COMPARE_EXAMPLE = {
    "==": "gender == 'female'", "!=": "category != 'vien_chuc'",
    "<": "age_on(birth_date, quota.start) < 40",
    "<=": "age_on(birth_date, quota.start) <= quota.max_age",
    ">": "completed_years(service_start, quota.start) > 5",
    ">=": "rating[quota.start.year - 1] >= 'good'"}
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}

ENTRIES = (
    *(Entry(op, GROUP, f"a {op} b",
            f"Whether a is {_COMPARE_DOC[op]} b"
            + ("." if op in ("==", "!=") else
               " (numbers, dates, text by code point, ordered vocabularies by rank)."),
            "null when either side is null", _COMPARE_EXAMPLE[op], _OPERATORS[op],
            _comparison(op), "condition", _sql_comparison(op))
      for op in _OPERATORS),
    Entry("in", GROUP, "x in list", "Whether x equals an item of the list.",
          "null when x or the list is null; null items never match",
          "position in quota.positions", member, _lower_member, "condition", _sql_member),
    Entry("not in", GROUP, "x not in list", "Whether x equals no item of the list.",
          "null when x or the list is null; null items never match",
          "category not in ['vien_chuc']", lambda element, items: not member(element, items),
          _lower_not_member, "condition", _sql_not_member),
)
