"""The reference evaluator: a typed tree turned into Python closures over one record.

Every operator, function and reducer is applied through its registry entry
(:mod:`eligibility.language.registry`), so this is the language's meaning executed directly;
constant folding, the scalar engine and the durable engine's computed leaves all use it.
A tree is compiled once (:func:`compile_node`); the closure then walks no tree and looks up
nothing per record.

A few common shapes are compiled to the same meaning with fewer calls per record: an
operand that is a field, a constant or ``yearly_field[fixed year]`` is read in place;
``x in [constants]`` is a set look-up; an ordered vocabulary's comparison with a constant is
decided once per code; ``x if c else y`` takes no thunks; a reducer over a range fixed for
the quota is unrolled. The conformance suite (``tests/conformance/``) pins them.

>>> from eligibility.language.types import INT
>>> evaluate(n.Arith(INT, "+", n.FieldRef(INT, "a"), n.Const(INT, 1)), {"a": 41})
42
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eligibility.language import nodes as n
from eligibility.language.registry import REGISTRY, entry_of
from eligibility.language.registry.access import look_up, year_range
from eligibility.language.registry.comparison import ordinal
from eligibility.language.types import BOOL, DATE, INT, NUMBER, TEXT, EnumType, ListType

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
    children = _operands(node)
    if entry.typed:
        function = _with_types(function, tuple(child.type for child in children))
    if len(children) == 1:
        return _strict_one(function, children[0])
    if len(children) == 2:
        return _strict_two(function, *children)
    operands = [compile_node(child) for child in children]

    def run(record: Record, loop: Loop) -> Any:
        values = [operand(record, loop) for operand in operands]
        return None if None in values else function(*values)
    return run


def _field_name(node: n.Node) -> str | None:
    """The field ``node`` reads as it is (no conversion to a number on the way)."""
    return node.name if isinstance(node, n.FieldRef) and node.type != NUMBER else None


def _fixed(node: n.Node) -> bool:
    return isinstance(node, n.Const) and node.value is not None


def _yearly_read(node: n.Node) -> tuple[str, Any] | None:
    """``(field, year)`` when ``node`` is ``yearly_field[fixed year]``."""
    if isinstance(node, n.Index) and node.type != NUMBER \
            and entry_of(node) is REGISTRY["field[year]"] \
            and _field_name(node.operand) is not None and _fixed(node.key):
        return node.operand.name, node.key.value  # type: ignore[attr-defined]
    return None


def _strict_one(function: Callable[[Any], Any], child: n.Node) -> Scalar:
    yearly = _yearly_read(child)
    if yearly is not None and REGISTRY["field[year]"].scalar is look_up:
        field, year = yearly

        def run_year(record: Record, loop: Loop) -> Any:
            years = record.get(field)
            if years is None:
                return None
            value = years.get(year)  # look_up
            return None if value is None else function(value)
        return run_year
    name = _field_name(child)
    if name is not None:
        def run_field(record: Record, loop: Loop) -> Any:
            value = record.get(name)
            return None if value is None else function(value)
        return run_field
    only = compile_node(child)

    def run_one(record: Record, loop: Loop) -> Any:
        value = only(record, loop)
        return None if value is None else function(value)
    return run_one


def _strict_two(function: Callable[[Any, Any], Any], left: n.Node, right: n.Node) -> Scalar:
    if _fixed(right):
        return _with_second(function, left, right.value)  # type: ignore[attr-defined]
    if _fixed(left):
        constant = left.value  # type: ignore[attr-defined]
        second = compile_node(right)

        def run_fixed_first(record: Record, loop: Loop) -> Any:
            b = second(record, loop)
            return None if b is None else function(constant, b)
        return run_fixed_first
    return _strict_pair(function, compile_node(left), compile_node(right))


def _strict_pair(function: Callable[[Any, Any], Any], first: Scalar, second: Scalar) -> Scalar:
    """``function(a, b)`` of two compiled operands, null when either is (``second`` is not
    run when ``first`` is null)."""
    def run_two(record: Record, loop: Loop) -> Any:
        a = first(record, loop)
        if a is None:
            return None
        b = second(record, loop)
        return None if b is None else function(a, b)
    return run_two


def _with_second(function: Callable[[Any, Any], Any], left: n.Node, constant: Any) -> Scalar:
    """``function(left, constant)``, null when ``left`` is: the commonest shape of a rule
    (``field >= 3``, ``rating[2022]``, ``age_on(birth_date, 2023-09-01)``)."""
    name = _field_name(left)
    if name is not None:
        def run_field(record: Record, loop: Loop) -> Any:
            a = record.get(name)
            return None if a is None else function(a, constant)
        return run_field
    first = compile_node(left)

    def run_fixed_second(record: Record, loop: Loop) -> Any:
        a = first(record, loop)
        return None if a is None else function(a, constant)
    return run_fixed_second


def _with_types(function: Callable[..., Any], types: tuple[Any, ...]) -> Callable[..., Any]:
    return lambda *values: function(types, *values)


def _compare(node: n.Compare) -> Scalar:
    test = REGISTRY[node.op].scalar
    rank, right_rank = ordinal(node.left.type), ordinal(node.right.type)
    same_order = (rank is None and right_rank is None) or node.left.type == node.right.type
    if _fixed(node.right) and same_order and (rank is None or _ranked(rank, node.right)):
        constant = node.right.value  # type: ignore[attr-defined]
        if rank is None:
            return _with_second(test, node.left, constant)
        # An ordered vocabulary is small: each code's verdict against the constant is
        # decided once (a code outside it fails on look-up, as its rank did).
        kind: EnumType = node.left.type  # type: ignore[assignment]
        verdicts = {code: test(rank(code), rank(constant)) for code in kind.codes}
        return _strict_one(verdicts.__getitem__, node.left)
    return _strict_pair(test, _ordered(node.left), _ordered(node.right))


def _ranked(rank: Callable[[Any], Any], node: n.Node) -> bool:
    """Whether the constant ``node`` has a rank (else it fails when compared, as before)."""
    try:
        rank(node.value)  # type: ignore[attr-defined]
    except KeyError:
        return False
    return True


def _ordered(node: n.Node) -> Scalar:
    value = compile_node(node)
    rank = ordinal(node.type)
    if rank is None:
        return value

    def run(record: Record, loop: Loop) -> Any:
        code = value(record, loop)
        return None if code is None else rank(code)
    return run


def _member(node: n.Member) -> Scalar:
    """``x in [constants]`` looked up in a set when ``x`` and the items hash as they compare
    (text, codes, whole numbers, dates, booleans); other shapes apply the entry."""
    container = node.container
    element_type = node.element.type
    if not (isinstance(container, n.Const) and container.value is not None
            and (isinstance(element_type, EnumType) or element_type in _HASHED)):
        return _strict_call(node)
    try:
        items = frozenset(item for item in container.value if item is not None)
    except TypeError:  # an unhashable item: compare one by one
        return _strict_call(node)
    if node.negated:
        return _with_second(lambda element, found: element not in found, node.element, items)
    return _with_second(lambda element, found: element in found, node.element, items)


def _bool_op(node: n.BoolOp) -> Scalar:
    combine = REGISTRY[node.op].scalar
    operands = [compile_node(operand) for operand in node.operands]
    return lambda record, loop: combine(operand(record, loop) for operand in operands)


def _conditional(node: n.Conditional) -> Scalar:
    # The "if" entry's meaning (the first branch only when the test is true), without its
    # two thunks per call.
    test, then, otherwise = (compile_node(node.test), compile_node(node.then),
                             compile_node(node.otherwise))
    if isinstance(node.then, n.Const) and isinstance(node.otherwise, n.Const):
        yes, no = node.then.value, node.otherwise.value
        return lambda record, loop: yes if test(record, loop) is True else no
    return lambda record, loop: (then(record, loop) if test(record, loop) is True
                                 else otherwise(record, loop))


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
    unrolled = _unrolled(node)
    if unrolled is not None:
        return unrolled
    combine = REGISTRY[node.reducer].scalar
    iterable, element = compile_node(node.iterable), compile_node(node.element)
    conditions = [compile_node(test) for test in node.conditions]
    var, element_type = node.var, node.element.type

    def run(record: Record, loop: Loop) -> Any:
        items = iterable(record, loop)
        if items is None:
            return None
        if not items:
            return combine([], element_type)
        inner = dict(loop)
        values = []
        for item in items:
            inner[var] = item
            if all(test(record, inner) is True for test in conditions):
                values.append(element(record, inner))
        return combine(values, element_type)
    return run


def _unrolled(node: n.Reduce) -> Scalar | None:
    """A reducer over a range fixed for the quota (``range(2021, 2023)``), one compiled
    element per number with the number in place of the loop variable, as the vectorized
    engine lowers it; None for any other shape."""
    from eligibility.language.fold import substitute  # fold evaluates with this module

    span = node.iterable
    if not (isinstance(span, n.Range) and _fixed(span.start) and _fixed(span.stop)):
        return None
    try:
        numbers = year_range(span.start.value, span.stop.value)  # type: ignore[attr-defined]
        steps = [(compile_node(substitute(node.element, node.var, bound)),
                  [compile_node(substitute(test, node.var, bound)) for test in node.conditions])
                 for bound in (n.Const(span.start.type, number) for number in numbers)]
    except Exception:  # whatever fails here fails per record, as before
        return None
    combine = REGISTRY[node.reducer].scalar
    element_type = node.element.type
    if not node.conditions:
        elements = [element for element, _ in steps]
        return lambda record, loop: combine([element(record, loop) for element in elements],
                                            element_type)

    def run(record: Record, loop: Loop) -> Any:
        return combine([element(record, loop) for element, tests in steps
                        if all(test(record, loop) is True for test in tests)], element_type)
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
    n.Member: _member,
}

_HASHED = frozenset({TEXT, INT, DATE, BOOL})
