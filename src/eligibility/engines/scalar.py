"""Scalar execution of typed trees on one record, in plain Python.

This is the reference meaning of the language; the vectorized and durable engines are
tested against it. Each tree is turned once into nested Python closures (kept on the
immutable node), so evaluating a record walks no tree and dispatches on no type.

Nulls follow SQL's three-valued logic: a comparison or function with a
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
_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod,
}


Scalar = Callable[[Mapping[str, Any], dict[str, Any]], Any]


def evaluate(node: n.Node, record: Mapping[str, Any],
             loop: Mapping[str, Any] | None = None) -> Any:
    """The value of ``node`` for ``record`` (field name → typed value).

    >>> from eligibility.language.types import INT
    >>> evaluate(n.Arith(INT, "+", n.FieldRef(INT, "a"), n.Const(INT, 1)), {"a": 41})
    42
    """
    return compiled(node)(record, dict(loop) if loop else {})


def compiled(node: n.Node) -> Scalar:
    """``node`` turned into a Python closure, built once and kept on the (immutable) node."""
    function = node.__dict__.get("_scalar")
    if function is None:
        function = _compile(node)
        node.__dict__["_scalar"] = function
    return function


def _compile(node: n.Node) -> Scalar:
    return _COMPILERS[type(node)](node)


def _const(node: n.Const) -> Scalar:
    value = node.value
    return lambda record, loop: value


def _field(node: n.FieldRef) -> Scalar:
    name = node.name
    return lambda record, loop: record.get(name)


def _loop_var(node: n.LoopVar) -> Scalar:
    name = node.name
    return lambda record, loop: loop[name]


def _unbound(node: n.QuotaRef | n.ParamRef) -> Scalar:
    def fail(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        raise RuntimeError(f"'{node.name}' must be bound to a quota before evaluation")
    return fail


def _attribute(node: n.Attribute) -> Scalar:
    operand, name = compiled(node.operand), node.name

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        value = operand(record, loop)
        return None if value is None else getattr(value, name)
    return run


def _index(node: n.Index) -> Scalar:
    operand, key = compiled(node.operand), compiled(node.key)

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        mapping, index = operand(record, loop), key(record, loop)
        return None if mapping is None or index is None else mapping.get(index)
    return run


def _not(node: n.Not) -> Scalar:
    operand = compiled(node.operand)

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        value = operand(record, loop)
        return None if value is None else not value
    return run


def _negate(node: n.Negate) -> Scalar:
    operand = compiled(node.operand)

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        value = operand(record, loop)
        return None if value is None else -value
    return run


def _bool_op(node: n.BoolOp) -> Scalar:
    operands = [compiled(operand) for operand in node.operands]
    decisive = node.op == "or"  # True decides an 'or', False decides an 'and'

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        unknown = False
        for operand in operands:
            value = operand(record, loop)
            if value is None:
                unknown = True
            elif value is decisive:
                return decisive
        return None if unknown else not decisive
    return run


def _compare(node: n.Compare) -> Scalar:
    left, right = _ordinal(node.left), _ordinal(node.right)
    test = _COMPARE[node.op]

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        a, b = left(record, loop), right(record, loop)
        return None if a is None or b is None else test(a, b)
    return run


def _ordinal(node: n.Node) -> Scalar:
    """Values of an ordered vocabulary compare by their rank in it."""
    value = compiled(node)
    kind = node.type
    if not (isinstance(kind, EnumType) and kind.ordered):
        return value
    ranks = {code: index for index, code in enumerate(kind.codes)}

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        code = value(record, loop)
        return None if code is None else ranks[code]
    return run


def _is_null(node: n.IsNull) -> Scalar:
    operand, negated = compiled(node.operand), node.negated
    return lambda record, loop: (operand(record, loop) is None) != negated


def _member(node: n.Member) -> Scalar:
    element, container, negated = compiled(node.element), compiled(node.container), \
        node.negated

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        item, items = element(record, loop), container(record, loop)
        return None if item is None or items is None else (item in items) != negated
    return run


def _arith(node: n.Arith) -> Scalar:
    left, right, op = compiled(node.left), compiled(node.right), _ARITH[node.op]
    divides = node.op in ("/", "//", "%")

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        a, b = left(record, loop), right(record, loop)
        if a is None or b is None or (divides and b == 0):
            return None
        return op(a, b)
    return run


def _conditional(node: n.Conditional) -> Scalar:
    test, then, otherwise = (compiled(node.test), compiled(node.then),
                             compiled(node.otherwise))

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        return then(record, loop) if test(record, loop) is True else otherwise(record, loop)
    return run


def _call(node: n.Call) -> Scalar:
    args = [compiled(arg) for arg in node.args]
    function: Callable[..., Any] = {"least": lambda *values: min(values),
                                    "greatest": lambda *values: max(values)}.get(
        node.function) or FUNCTIONS[node.function].scalar

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        values = [arg(record, loop) for arg in args]
        return None if None in values else function(*values)
    return run


def _list_of(node: n.ListOf) -> Scalar:
    items = [compiled(item) for item in node.items]
    return lambda record, loop: [item(record, loop) for item in items]


def _range(node: n.Range) -> Scalar:
    start, stop = compiled(node.start), compiled(node.stop)

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        first, last = start(record, loop), stop(record, loop)
        return None if first is None or last is None else range(first, last)
    return run


def _reduce(node: n.Reduce) -> Scalar:
    iterable, element = compiled(node.iterable), compiled(node.element)
    conditions = [compiled(test) for test in node.conditions]
    var, reducer, element_type = node.var, node.reducer, node.element.type

    def run(record: Mapping[str, Any], loop: dict[str, Any]) -> Any:
        items = iterable(record, loop)
        if items is None:
            return None
        inner = dict(loop)
        values = []
        for item in items:
            inner[var] = item
            if all(test(record, inner) is True for test in conditions):
                values.append(element(record, inner))
        return reduce_values(reducer, values, element_type)
    return run


_COMPILERS: dict[type, Callable[[Any], Scalar]] = {
    n.Const: _const, n.FieldRef: _field, n.LoopVar: _loop_var, n.QuotaRef: _unbound,
    n.ParamRef: _unbound, n.Attribute: _attribute, n.Index: _index, n.Not: _not,
    n.Negate: _negate, n.BoolOp: _bool_op, n.Compare: _compare, n.IsNull: _is_null,
    n.Member: _member, n.Arith: _arith, n.Conditional: _conditional, n.Call: _call,
    n.ListOf: _list_of, n.Range: _range, n.Reduce: _reduce,
}


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
