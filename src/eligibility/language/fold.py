"""Tree rewriting shared by the compiler and the engines: substitution and constant folding.

Folding evaluates a node whose operands are all constants with the reference evaluator
(:mod:`eligibility.language.reference`), so a folded constant has exactly the value every
engine would have computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from eligibility.i18n.phrase import Phrase
from eligibility.language import nodes as n
from eligibility.language.domain import MAX_RANGE_ITEMS
from eligibility.language.reference import evaluate
from eligibility.language.registry import entry_of
from eligibility.language.types import AGE_SCHEDULE, ByCodeType


class AlwaysNullError(ValueError):
    """Folding found an operation on constants that can only give null (a division by
    zero, a date past 9999-12-31, a whole number beyond 64 bits, an empty interval…)."""

    def __init__(self, node: n.Node) -> None:
        from eligibility.language.unparse import unparse

        self.node = node
        self.phrase = Phrase("language.always_null", expression=unparse(node))
        super().__init__(str(self.phrase))


def map_children(node: n.Node, function: Callable[[n.Node], n.Node]) -> n.Node:
    """``node`` with ``function`` applied to each direct child."""
    changes: dict[str, Any] = {}
    for name, value in vars(node).items():
        if isinstance(value, n.Node):
            changes[name] = function(value)
        elif isinstance(value, tuple) and value and all(isinstance(v, n.Node) for v in value):
            changes[name] = tuple(function(item) for item in value)
    return replace(node, **changes) if changes else node


def fold(node: n.Node, *, strict: bool = False) -> n.Node:
    """Evaluate a node whose inputs are all constants (e.g. ``quota.start.year - 1``).

    With ``strict``, an operation on non-null constants that gives null raises
    :class:`AlwaysNullError` (the compiler reports it as a rulebook problem).
    """
    if isinstance(node, (n.Const, n.FieldRef, n.LoopVar, n.Range, n.QuotaRef, n.ParamRef)):
        return node
    if isinstance(node, n.Reduce):
        if uses_data(node) or oversized_range(node.iterable):
            return node
        return n.Const(node.type, evaluate(node, {}))
    if isinstance(node, n.Index) and isinstance(node.operand.type, ByCodeType) \
            and node.operand.type.item == AGE_SCHEDULE and not isinstance(node.key, n.Const):
        return node
    if all(isinstance(child, n.Const) for child in node.children()):
        value = evaluate(node, {})
        if strict and value is None and _strict_on_values(node):
            raise AlwaysNullError(node)
        return n.Const(node.type, value)
    return node


def _strict_on_values(node: n.Node) -> bool:
    entry = entry_of(node)
    return entry is not None and entry.strict and all(
        isinstance(child, n.Const) and child.value is not None for child in node.children())


def oversized_range(node: n.Node) -> bool:
    """Whether ``node`` is a ``range`` with fixed bounds holding too many numbers."""
    return (isinstance(node, n.Range) and isinstance(node.start, n.Const)
            and isinstance(node.stop, n.Const) and node.start.value is not None
            and node.stop.value is not None
            and node.stop.value - node.start.value > MAX_RANGE_ITEMS)


def fold_tree(node: n.Node) -> n.Node:
    """Fold constants bottom-up through the whole tree."""
    return fold(map_children(node, fold_tree))


def substitute(node: n.Node, name: str, value: n.Node) -> n.Node:
    """``node`` with loop variable ``name`` replaced by ``value``, constants folded."""
    if isinstance(node, n.LoopVar) and node.name == name:
        return value
    if isinstance(node, n.Reduce) and node.var == name:
        return fold(replace(node, iterable=substitute(node.iterable, name, value)))
    return fold(map_children(node, lambda child: substitute(child, name, value)))


def uses_data(node: n.Node) -> bool:
    """Whether ``node`` reads a candidate field or a loop variable bound outside it."""
    bound = {item.var for item in node.walk() if isinstance(item, n.Reduce)}
    return any(isinstance(item, n.FieldRef)
               or (isinstance(item, n.LoopVar) and item.name not in bound)
               for item in node.walk())
