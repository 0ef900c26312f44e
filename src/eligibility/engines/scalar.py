"""Scalar execution of typed trees on one record, in plain Python.

This is the reference meaning of the language; the vectorized and durable engines are
tested against it. Nulls follow SQL's three-valued logic: a comparison or function with a
null argument is null; ``and``/``or`` are Kleene; ``x if c else y`` takes ``y`` when ``c``
is null; reducers skip nulls as documented in :mod:`eligibility.language.functions`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from eligibility.language import nodes as n
from eligibility.language.functions import FUNCTIONS
from eligibility.language.types import INT, EnumType, Type

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


def evaluate(node: n.Node, record: Mapping[str, Any],
             loop: Mapping[str, Any] | None = None) -> Any:
    """The value of ``node`` for ``record`` (field name → typed value).

    >>> from eligibility.language.types import INT
    >>> evaluate(n.Arith(INT, "+", n.FieldRef(INT, "a"), n.Const(INT, 1)), {"a": 41})
    42
    """
    return _Evaluator(record, loop or {}).run(node)


class _Evaluator:
    def __init__(self, record: Mapping[str, Any], loop: Mapping[str, Any]) -> None:
        self.record = record
        self.loop = dict(loop)

    def run(self, node: n.Node) -> Any:
        return getattr(self, f"_{type(node).__name__}")(node)

    def _Const(self, node: n.Const) -> Any:
        return node.value

    def _FieldRef(self, node: n.FieldRef) -> Any:
        return self.record.get(node.name)

    def _LoopVar(self, node: n.LoopVar) -> Any:
        return self.loop[node.name]

    def _QuotaRef(self, node: n.QuotaRef) -> Any:
        raise RuntimeError(f"quota.{node.name} must be bound before evaluation")

    def _ParamRef(self, node: n.ParamRef) -> Any:
        raise RuntimeError(f"parameter {node.name} must be bound before evaluation")

    def _Attribute(self, node: n.Attribute) -> Any:
        value = self.run(node.operand)
        return None if value is None else getattr(value, node.name)

    def _Index(self, node: n.Index) -> Any:
        mapping = self.run(node.operand)
        key = self.run(node.key)
        if mapping is None or key is None:
            return None
        return mapping.get(key)

    def _Not(self, node: n.Not) -> Any:
        value = self.run(node.operand)
        return None if value is None else not value

    def _Negate(self, node: n.Negate) -> Any:
        value = self.run(node.operand)
        return None if value is None else -value

    def _BoolOp(self, node: n.BoolOp) -> Any:
        decisive = node.op == "or"  # True decides an 'or', False decides an 'and'
        unknown = False
        for operand in node.operands:
            value = self.run(operand)
            if value is None:
                unknown = True
            elif value is decisive:
                return decisive
        return None if unknown else not decisive

    def _Compare(self, node: n.Compare) -> Any:
        left, right = self.run(node.left), self.run(node.right)
        if left is None or right is None:
            return None
        left, right = _orderable(node.left.type, left), _orderable(node.right.type, right)
        return _COMPARE[node.op](left, right)

    def _IsNull(self, node: n.IsNull) -> Any:
        return (self.run(node.operand) is None) != node.negated

    def _Member(self, node: n.Member) -> Any:
        element = self.run(node.element)
        container = self.run(node.container)
        if element is None or container is None:
            return None
        return (element in container) != node.negated

    def _Arith(self, node: n.Arith) -> Any:
        left, right = self.run(node.left), self.run(node.right)
        if left is None or right is None:
            return None
        if node.op in ("/", "//", "%") and right == 0:
            return None
        return _arith(node.op, left, right, node.type)

    def _Conditional(self, node: n.Conditional) -> Any:
        return self.run(node.then) if self.run(node.test) is True else self.run(node.otherwise)

    def _Call(self, node: n.Call) -> Any:
        args = [self.run(arg) for arg in node.args]
        if any(arg is None for arg in args):
            return None
        if node.function == "least":
            return min(args)
        if node.function == "greatest":
            return max(args)
        return FUNCTIONS[node.function].scalar(*args)

    def _ListOf(self, node: n.ListOf) -> Any:
        return [self.run(item) for item in node.items]

    def _Range(self, node: n.Range) -> Any:
        start, stop = self.run(node.start), self.run(node.stop)
        return None if start is None or stop is None else range(start, stop)

    def _Reduce(self, node: n.Reduce) -> Any:
        items = self.run(node.iterable)
        if items is None:
            return None
        values = []
        for item in items:
            self.loop[node.var] = item
            if all(self.run(test) is True for test in node.conditions):
                values.append(self.run(node.element))
        self.loop.pop(node.var, None)
        return reduce_values(node.reducer, values, node.element.type)


def reduce_values(reducer: str, values: list[Any], element_type: Type) -> Any:
    """Apply a reducer to already computed item values (shared with the durable engine)."""
    if reducer == "any":
        return True if True in values else (None if None in values else False)
    if reducer == "all":
        return False if False in values else (None if None in values else True)
    if reducer == "count":
        return sum(1 for value in values if value is True)
    present = [value for value in values if value is not None]
    if reducer == "sum":
        return sum(present) if present else (0 if element_type == INT else 0.0)
    if not present:
        return None
    return min(present) if reducer == "min" else max(present)


def _orderable(kind: Type, value: Any) -> Any:
    if isinstance(kind, EnumType) and kind.ordered:
        return kind.codes.index(value)
    return value


def _arith(op: str, left: Any, right: Any, result: Type) -> Any:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right
    if op == "//":
        return left // right
    return left % right
