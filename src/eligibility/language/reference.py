"""The reference evaluator: a typed tree turned into Python closures over one record.

Every operator, function and reducer is applied through its registry entry
(:mod:`eligibility.language.registry`), so this is the language's meaning executed directly;
constant folding, the scalar engine and the durable engine's computed leaves all use it.
A tree is compiled once (:func:`compile_node`); the closure then walks no tree and looks up
nothing per record.

>>> from eligibility.language.types import INT
>>> evaluate(n.Arith(INT, "+", n.FieldRef(INT, "a"), n.Const(INT, 1)), {"a": 41})
42
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eligibility.language import nodes as n
from eligibility.language.registry import REGISTRY, entry_of
from eligibility.language.registry.access import year_range
from eligibility.language.registry.comparison import ordinal
from eligibility.language.types import NUMBER, ListType

Record = Mapping[str, Any]
Loop = dict[str, Any]
Scalar = Callable[[Record, Loop], Any]


class UnboundError(RuntimeError):
    """A quota attribute or parameter reached evaluation before being bound to a quota."""


def evaluate(node: n.Node, record: Record, loop: Mapping[str, Any] | None = None) -> Any:
    """The value of ``node`` for ``record`` (field name → typed value)."""
    return compile_node(node)(record, dict(loop) if loop else {})


def compile_node(node: n.Node) -> Scalar:
    """``node`` as a closure ``(record, loop variables) -> value``."""
    compiled = _compile(node)
    if node.type == NUMBER and not isinstance(node, n.Const):
        return _as_number(compiled)
    if isinstance(node.type, ListType) and node.type.item == NUMBER \
            and isinstance(node, n.ListOf):
        return _as_numbers(compiled)
    return compiled


def _compile(node: n.Node) -> Scalar:
    if isinstance(node, n.Const):
        value = node.value
        return lambda record, loop: value
    if isinstance(node, n.FieldRef):
        name = node.name
        return lambda record, loop: record.get(name)
    if isinstance(node, n.LoopVar):
        var = node.name
        return lambda record, loop: loop[var]
    if isinstance(node, (n.QuotaRef, n.ParamRef)):
        return _unbound(node)
    special = _SPECIAL.get(type(node))
    if special is not None:
        return special(node)
    return _strict_call(node)


def _unbound(node: n.QuotaRef | n.ParamRef) -> Scalar:
    def fail(record: Record, loop: Loop) -> Any:
        raise UnboundError(f"'{node.name}' must be bound to a quota before evaluation")
    return fail


def _operands(node: n.Node) -> tuple[n.Node, ...]:
    return tuple(node.children())


def _strict_call(node: n.Node) -> Scalar:
    """An entry applied to its operands' values, null when any of them is null."""
    entry = entry_of(node)
    assert entry is not None, type(node).__name__
    function = entry.scalar
    operands = [compile_node(child) for child in _operands(node)]
    if entry.typed:
        types = tuple(child.type for child in _operands(node))
        function = _with_types(function, types)
    if len(operands) == 1:
        (only,) = operands

        def run_one(record: Record, loop: Loop) -> Any:
            value = only(record, loop)
            return None if value is None else function(value)
        return run_one
    if len(operands) == 2:
        first, second = operands

        def run_two(record: Record, loop: Loop) -> Any:
            a = first(record, loop)
            if a is None:
                return None
            b = second(record, loop)
            return None if b is None else function(a, b)
        return run_two

    def run(record: Record, loop: Loop) -> Any:
        values = [operand(record, loop) for operand in operands]
        return None if None in values else function(*values)
    return run


def _with_types(function: Callable[..., Any], types: tuple[Any, ...]) -> Callable[..., Any]:
    return lambda *values: function(types, *values)


def _compare(node: n.Compare) -> Scalar:
    test = REGISTRY[node.op].scalar
    left, right = _ordered(node.left), _ordered(node.right)

    def run(record: Record, loop: Loop) -> Any:
        a = left(record, loop)
        if a is None:
            return None
        b = right(record, loop)
        return None if b is None else test(a, b)
    return run


def _ordered(node: n.Node) -> Scalar:
    value = compile_node(node)
    rank = ordinal(node.type)
    if rank is None:
        return value

    def run(record: Record, loop: Loop) -> Any:
        code = value(record, loop)
        return None if code is None else rank(code)
    return run


def _bool_op(node: n.BoolOp) -> Scalar:
    combine = REGISTRY[node.op].scalar
    operands = [compile_node(operand) for operand in node.operands]
    return lambda record, loop: combine(operand(record, loop) for operand in operands)


def _conditional(node: n.Conditional) -> Scalar:
    choose = REGISTRY["if"].scalar
    test, then, otherwise = (compile_node(node.test), compile_node(node.then),
                             compile_node(node.otherwise))
    return lambda record, loop: choose(test(record, loop), lambda: then(record, loop),
                                       lambda: otherwise(record, loop))


def _is_null(node: n.IsNull) -> Scalar:
    test = REGISTRY["is not None" if node.negated else "is None"].scalar
    operand = compile_node(node.operand)
    return lambda record, loop: test(operand(record, loop))


def _list_of(node: n.ListOf) -> Scalar:
    make = REGISTRY["[…]"].scalar
    items = [compile_node(item) for item in node.items]
    return lambda record, loop: make(*(item(record, loop) for item in items))


def _range(node: n.Range) -> Scalar:
    start, stop = compile_node(node.start), compile_node(node.stop)

    def run(record: Record, loop: Loop) -> Any:
        first, last = start(record, loop), stop(record, loop)
        return None if first is None or last is None else year_range(first, last)
    return run


def _reduce(node: n.Reduce) -> Scalar:
    combine = REGISTRY[node.reducer].scalar
    iterable, element = compile_node(node.iterable), compile_node(node.element)
    conditions = [compile_node(test) for test in node.conditions]
    var, element_type = node.var, node.element.type

    def run(record: Record, loop: Loop) -> Any:
        items = iterable(record, loop)
        if items is None:
            return None
        inner = dict(loop)
        values = []
        for item in items:
            inner[var] = item
            if all(test(record, inner) is True for test in conditions):
                values.append(element(record, inner))
        return combine(values, element_type)
    return run


def _as_number(compiled: Scalar) -> Scalar:
    def run(record: Record, loop: Loop) -> Any:
        value = compiled(record, loop)
        return None if value is None else float(value)
    return run


def _as_numbers(compiled: Scalar) -> Scalar:
    def run(record: Record, loop: Loop) -> Any:
        return [None if value is None else float(value) for value in compiled(record, loop)]
    return run


_SPECIAL: dict[type, Callable[[Any], Scalar]] = {
    n.Compare: _compare, n.BoolOp: _bool_op, n.Conditional: _conditional,
    n.IsNull: _is_null, n.ListOf: _list_of, n.Range: _range, n.Reduce: _reduce,
}
