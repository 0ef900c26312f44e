"""``text(x)``: any value as text, the way an input file would write it."""

from __future__ import annotations

from eligibility.language import nodes as n
from eligibility.language.registry.core import Entry, Lowered, PolarsContext
from eligibility.language.rendering import machine_text, machine_text_expr
from eligibility.language.types import TEXT, Type

GROUP = "Text"


def text_of(kinds: tuple[Type, ...], value: object) -> str | None:
    return machine_text(value, kinds[0])


def _lower_text(ctx: PolarsContext, node: n.Call) -> Lowered:
    argument = node.args[0]
    return machine_text_expr(ctx.value(argument), argument.type)


ENTRIES = (
    Entry("text", GROUP, "text(value) → text",
          "A value as text: true/false, whole and decimal numbers in plain notation, dates "
          "YYYY-MM-DD, intervals YYYY-MM-DD/YYYY-MM-DD, a vocabulary's code, list items "
          "joined with ';' (empty items left out).",
          "null when the value is null", "text(quota.seats)",
          text_of, _lower_text, "leaf", params=(Type("any"),), result=TEXT, typed=True),
)
