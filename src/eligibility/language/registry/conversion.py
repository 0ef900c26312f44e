"""``text(x)``: any value as text, the way an input file would write it."""

from __future__ import annotations

from typing import Any

from eligibility.language import nodes as n
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.rendering import machine_text, machine_text_expr
from eligibility.language.types import BOOL, DATE, INT, INTERVAL, NUMBER, TEXT, ListType, Type

GROUP = "Text"


def text_of(kinds: tuple[Type, ...], value: object) -> str | None:
    return machine_text(value, kinds[0])


def _lower_text(ctx: PolarsContext, node: n.Call) -> Lowered:
    argument = node.args[0]
    return machine_text_expr(ctx.value(argument), argument.type)


def machine_text_sql(ctx: SqlContext, value: Any, kind: Type) -> Any:
    """:func:`eligibility.language.rendering.machine_text` in SQL."""
    build = ctx.build
    if kind == INTERVAL:
        start, end = build.pair(value)
        return build.concat([build.date_text(start), build.literal("/", TEXT),
                             build.date_text(end)])
    if kind == BOOL:
        return build.case([(value, build.literal("true", TEXT)),
                           (build.not_(value), build.literal("false", TEXT))])
    if kind == INT:
        return build.text_of(value)
    if kind == NUMBER:
        return build.number_text(value)
    if kind == DATE:
        return build.date_text(value)
    if isinstance(kind, ListType):
        item_type = kind.item
        return build.over_items(value, item_type,
                                lambda item: machine_text_sql(ctx, item, item_type)
                                ).join_text(";")
    return build.text_of(value)


def _sql_text(ctx: SqlContext, node: n.Call) -> Any:
    argument = node.args[0]
    return machine_text_sql(ctx, ctx.value(argument), argument.type)


ENTRIES = (
    Entry("text", GROUP, "text(value) → text",
          "A value as text: true/false, whole and decimal numbers in plain notation, dates "
          "YYYY-MM-DD, intervals YYYY-MM-DD/YYYY-MM-DD, a vocabulary's code, list items "
          "joined with ';' (empty items left out).",
          "null when the value is null", "text(quota.seats)",
          text_of, _lower_text, "leaf", _sql_text, params=(Type("any"),), result=TEXT,
          typed=True),
)
