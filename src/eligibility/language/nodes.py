"""Typed expression trees: what a rule's text means once parsed and type-checked.

Every node carries its :class:`~eligibility.language.types.Type`. Trees are immutable and
hashable; each node's meaning is its entry in :mod:`eligibility.language.registry`, which
every engine executes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

from eligibility.language.types import Type


@dataclass(frozen=True)
class Node:
    type: Type

    def children(self) -> Iterator[Node]:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, tuple):
                yield from (child for child in value if isinstance(child, Node))

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True)
class Const(Node):
    value: Any


@dataclass(frozen=True)
class FieldRef(Node):
    """A candidate field (for a yearly field, the whole year → value mapping)."""

    name: str


@dataclass(frozen=True)
class QuotaRef(Node):
    """An attribute of the quota being decided (replaced by its value per quota)."""

    name: str


@dataclass(frozen=True)
class ParamRef(Node):
    """A parameter (replaced by the version in force on the quota's course start)."""

    name: str


@dataclass(frozen=True)
class LoopVar(Node):
    name: str


@dataclass(frozen=True)
class Attribute(Node):
    operand: Node
    name: str


@dataclass(frozen=True)
class Index(Node):
    """``yearly_field[year]`` or ``by_code_parameter[code]``."""

    operand: Node
    key: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str  # "==", "!=", "<", "<=", ">", ">="
    left: Node
    right: Node


@dataclass(frozen=True)
class IsNull(Node):
    operand: Node
    negated: bool


@dataclass(frozen=True)
class Member(Node):
    element: Node
    container: Node
    negated: bool


@dataclass(frozen=True)
class Arith(Node):
    op: str  # "+", "-", "*", "/", "//", "%"
    left: Node
    right: Node


@dataclass(frozen=True)
class Conditional(Node):
    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Range(Node):
    """Whole numbers ``start`` ≤ n < ``stop``; bounds must be fixed per quota."""

    start: Node
    stop: Node


@dataclass(frozen=True)
class Reduce(Node):
    """``reducer(element for var in iterable if condition...)``."""

    reducer: str  # "any", "all", "count", "sum", "min", "max"
    element: Node
    var: str
    iterable: Node
    conditions: tuple[Node, ...]


def references(node: Node, kind: type[Node]) -> set[str]:
    """Names of every ``kind`` (FieldRef, QuotaRef, ParamRef, LoopVar) used in ``node``."""
    return {item.name for item in node.walk() if isinstance(item, kind)}  # type: ignore[attr-defined]
