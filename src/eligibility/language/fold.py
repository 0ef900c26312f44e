"""Tree rewriting shared by the compiler and the engines: substitution and constant folding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from eligibility.engines.scalar import evaluate
from eligibility.language import nodes as n
from eligibility.language.types import AGE_SCHEDULE, ByCodeType


def map_children(node: n.Node, function: Callable[[n.Node], n.Node]) -> n.Node:
    """``node`` with ``function`` applied to each direct child."""
    changes: dict[str, Any] = {}
    for name, value in vars(node).items():
        if isinstance(value, n.Node):
            changes[name] = function(value)
        elif isinstance(value, tuple) and value and all(isinstance(v, n.Node) for v in value):
            changes[name] = tuple(function(item) for item in value)
    return replace(node, **changes) if changes else node


def fold(node: n.Node) -> n.Node:
    """Evaluate a node whose inputs are all constants (e.g. ``quota.start.year - 1``)."""
    if isinstance(node, (n.Const, n.FieldRef, n.LoopVar, n.Range)):
        return node
    if isinstance(node, n.Reduce):
        return node if uses_data(node) else n.Const(node.type, evaluate(node, {}))
    if isinstance(node, n.Index) and isinstance(node.operand.type, ByCodeType) \
            and node.operand.type.item == AGE_SCHEDULE and not isinstance(node.key, n.Const):
        return node
    if all(isinstance(child, n.Const) for child in node.children()):
        return n.Const(node.type, evaluate(node, {}))
    return node


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
