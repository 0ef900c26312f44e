"""From a quota's bound trees to durable_rules rules: what RETE decides, what Python computes.

The maximal subtrees durable_rules cannot compute — field reads, date arithmetic, function
calls, list reducers, arithmetic, yearly and per-code look-ups: every registry entry whose
``durable`` mode is ``leaf`` — are *leaves*, computed by the reference evaluator and posted
as fact properties. Entries whose mode is ``condition`` (comparisons, ``and``/``or``/``not``,
``in``, ``is None``, ``x if c else y``) are compiled to durable_rules conditions by
:class:`Planner`, one handler per entry (:data:`Planner.HANDLERS`). ``any``/``all`` over a
fixed ``range`` are unrolled into ``or``/``and`` first.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from eligibility.engines.durable.conditions import (
    Cond,
    Forms,
    Probe,
    Ref,
    alternatives,
    cmp,
    conj,
    constant_forms,
    disj,
    exists,
    missing,
    properties,
)
from eligibility.engines.durable.encoding import encode
from eligibility.language import nodes as n
from eligibility.language.fold import map_children, substitute
from eligibility.language.reference import Scalar, compile_node
from eligibility.language.registry import entry_of
from eligibility.language.types import BOOL, INT, NULL, EnumType, ListType, Type
from eligibility.rulebook.compiled import QuotaRules

MAX_PROPERTIES = 240  # values in one fact; durable_rules holds 252 properties besides id, sid
MAX_ALTERNATIVES = 256  # matches an 'or'-expanded rule may have (2 ** FANOUT)
MAX_RULES = 32  # rules in one ruleset (durable_rules caps the branches of its network nodes)
MAX_PATTERN = 2000  # characters of one regular expression (durable_rules refuses ~4000)
MAX_UNROLLED = 64  # years of a range() reducer unrolled into and/or
FANOUT = 8  # operands of one and/or; wider ones are nested so that parts can be hoisted
_SAFE_CODE = re.compile(r"[0-9A-Za-z_/-]+")  # matched literally by durable_rules' regex
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
PY_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}



def _is_condition(node: n.Node) -> bool:
    """Decided by durable_rules (its entry's durable mode is ``condition``), as opposed to a
    value computed in Python."""
    if isinstance(node, n.Const):
        return node.type in (BOOL, NULL)
    entry = entry_of(node)
    if entry is None or entry.durable != "condition":
        return False
    return node.type == BOOL


def prepare(node: n.Node) -> n.Node:
    """``node`` rewritten, with the same meaning, so that durable_rules decides more of it.

    ``any``/``all`` over a fixed range become ``or``/``and``; comparisons, ``in`` and
    ``is None`` move inside ``x if c else y``; ``==``/``!=`` between conditions become
    ``and``/``or``; wide ``and``/``or`` are nested.
    """
    node = _unrolled(node)
    if not _is_condition(node):
        return node
    node = map_children(node, prepare)
    changed = _distributed(node)
    if changed is not node:
        return prepare(changed)
    return _nested(node)


def _unrolled(node: n.Node) -> n.Node:
    if not (isinstance(node, n.Reduce) and node.reducer in ("any", "all")
            and isinstance(node.iterable, n.Range)
            and isinstance(node.iterable.start, n.Const)
            and isinstance(node.iterable.stop, n.Const)):
        return node
    years = range(node.iterable.start.value, node.iterable.stop.value)
    if len(years) > MAX_UNROLLED:
        return node
    skipped = n.Const(BOOL, node.reducer == "all")  # an item filtered out
    items: list[n.Node] = []
    for year in years:
        bound = n.Const(INT, year)
        element = substitute(node.element, node.var, bound)
        tests = tuple(substitute(test, node.var, bound) for test in node.conditions)
        if tests:
            test = tests[0] if len(tests) == 1 else n.BoolOp(BOOL, "and", tests)
            element = n.Conditional(BOOL, test, element, skipped)
        items.append(element)
    if len(items) <= 1:
        return items[0] if items else skipped
    return n.BoolOp(BOOL, "or" if node.reducer == "any" else "and", tuple(items))


_OPERANDS: dict[type, tuple[str, ...]] = {
    n.Compare: ("left", "right"), n.Member: ("element", "container"), n.IsNull: ("operand",)}


def _distributed(node: n.Node) -> n.Node:
    for name in _OPERANDS.get(type(node), ()):
        child = getattr(node, name)
        if isinstance(child, n.Conditional):
            return n.Conditional(BOOL, child.test, replace(node, **{name: child.then}),
                                 replace(node, **{name: child.otherwise}))
    if isinstance(node, n.Compare) and any(
            _is_condition(side) and not isinstance(side, n.Const)
            for side in (node.left, node.right)):
        a, b = node.left, node.right
        both = n.BoolOp(BOOL, "and", (a, b))
        neither = n.BoolOp(BOOL, "and", (n.Not(BOOL, a), n.Not(BOOL, b)))
        same = n.BoolOp(BOOL, "or", (both, neither))
        return same if node.op == "==" else n.Not(BOOL, same)
    return node


def _nested(node: n.Node) -> n.Node:
    if not isinstance(node, n.BoolOp) or len(node.operands) <= FANOUT:
        return node
    operands = node.operands
    size = math.ceil(len(operands) / FANOUT)
    parts = tuple(_nested(n.BoolOp(BOOL, node.op, operands[i:i + size]))
                  if len(operands[i:i + size]) > 1 else operands[i]
                  for i in range(0, len(operands), size))
    return n.BoolOp(BOOL, node.op, parts)


@dataclass(frozen=True)
class Leaf:
    """A value computed in Python and posted as fact property ``name``.

    ``role``: ``value`` (encoded as ``kind``), ``items`` (a list's non-null items, encoded
    as ``kind``) or ``count`` (how many non-null items the list has).
    """

    name: str
    node: n.Node
    role: str
    kind: Type
    source: int  # leaves computed from the same subtree share it
    compute: Scalar = field(compare=False, repr=False)

    def posted(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.role == "value":
            return encode(raw, self.kind)
        present = [item for item in raw if item is not None]
        if self.role == "count":
            return len(present)
        return [encode(item, self.kind) for item in present]


class Leaves:
    """The leaves of one quota's rules, named ``v0``, ``v1``… once per distinct subtree."""

    def __init__(self) -> None:
        self.by_name: dict[str, Leaf] = {}
        self._names: dict[tuple[str, str, str], str] = {}
        self._sources: dict[str, int] = {}

    def name(self, node: n.Node, role: str = "value", kind: Type | None = None) -> str:
        kind = kind or node.type
        text = repr(node)
        key = (text, role, str(kind))
        if key not in self._names:
            name = f"v{len(self._names)}"
            source = self._sources.setdefault(text, len(self._sources))
            self._names[key] = name
            self.by_name[name] = Leaf(name, node, role, kind, source, compile_node(node))
        return self._names[key]


class Planner:
    """Compiles one rule's prepared tree into :class:`Forms`, given subtrees to hoist."""

    HANDLERS: ClassVar[dict[str, str]] = {
        "not": "_not", "and": "_bool_op", "or": "_bool_op", "if": "_conditional",
        "is None": "_is_null", "is not None": "_is_null", "in": "_member",
        "not in": "_member", **dict.fromkeys(("==", "!=", "<", "<=", ">", ">="), "_compare")}
    """The method deciding each registry entry whose durable mode is ``condition``."""

    def __init__(self, leaves: Leaves, hoisted: frozenset[int]) -> None:
        self.leaves = leaves
        self.hoisted = hoisted
        self._memo: dict[int, Forms] = {}

    def forms(self, node: n.Node) -> Forms:
        key = id(node)
        if key not in self._memo:
            self._memo[key] = self._forms(node)
        return self._memo[key]

    def _forms(self, node: n.Node) -> Forms:
        if id(node) in self.hoisted or not _is_condition(node):
            return self._boolean_leaf(node)
        if isinstance(node, n.Const):
            return constant_forms(node.value)
        entry = entry_of(node)
        assert entry is not None
        return getattr(self, self.HANDLERS[entry.name])(node)

    def _not(self, node: n.Not) -> Forms:
        return self.forms(node.operand).negated()

    def _boolean_leaf(self, node: n.Node) -> Forms:
        name = self.leaves.name(node, "value", BOOL)
        true, false = cmp(name, "==", True), cmp(name, "==", False)
        return Forms(true, false, disj(missing(name), false), disj(missing(name), true))

    def _bool_op(self, node: n.BoolOp) -> Forms:
        parts = [self.forms(operand) for operand in node.operands]
        if node.op == "or":
            return Forms(disj(*(p.t for p in parts)), conj(*(p.f for p in parts)),
                         conj(*(p.nt for p in parts)), disj(*(p.nf for p in parts)))
        return Forms(conj(*(p.t for p in parts)), disj(*(p.f for p in parts)),
                     disj(*(p.nt for p in parts)), conj(*(p.nf for p in parts)))

    def _conditional(self, node: n.Conditional) -> Forms:
        test, then, otherwise = (self.forms(node.test), self.forms(node.then),
                                 self.forms(node.otherwise))

        def pick(form: str) -> Cond:
            return disj(conj(test.t, getattr(then, form)),
                        conj(test.nt, getattr(otherwise, form)))

        return Forms(pick("t"), pick("f"), pick("nt"), pick("nf"))

    def _is_null(self, node: n.IsNull) -> Forms:
        operand = node.operand
        if _is_condition(operand) and id(operand) not in self.hoisted:
            inner = self.forms(operand)
            unknown, known = conj(inner.nt, inner.nf), disj(inner.t, inner.f)
            forms = Forms(unknown, known, known, unknown)
        elif isinstance(operand, n.Const):
            forms = constant_forms(operand.value is None)
        else:
            name = self.leaves.name(operand)
            forms = Forms(missing(name), exists(name), exists(name), missing(name))
        return forms.negated() if node.negated else forms

    def _compare(self, node: n.Compare) -> Forms:
        left, right = self._atom(node.left), self._atom(node.right)
        if left is None or right is None:
            return constant_forms(None)
        if isinstance(left, _Const) and isinstance(right, _Const):
            return constant_forms(PY_COMPARE[node.op](left.value, right.value))
        op = node.op
        if isinstance(left, _Const):
            left, right, op = right, left, _FLIPPED[op]
        assert isinstance(left, str)
        if isinstance(right, _Const):
            true, false = cmp(left, op, right.value), cmp(left, _NEGATED[op], right.value)
            unknown = missing(left)
        else:
            guard = exists(right)
            true = conj(guard, cmp(left, op, Ref(right)))
            false = conj(guard, cmp(left, _NEGATED[op], Ref(right)))
            unknown = disj(missing(left), missing(right))
        return Forms(true, false, disj(unknown, false), disj(unknown, true))

    def _atom(self, node: n.Node) -> str | _Const | None:
        """A leaf's property name, a constant, or None for a null constant."""
        if isinstance(node, n.Const):
            return None if node.value is None else _Const(encode(node.value, node.type))
        return self.leaves.name(node)

    def _member(self, node: n.Member) -> Forms:
        element = node.element
        if _is_condition(element) and not isinstance(element, n.Const):
            atom: str | _Const | None = self.leaves.name(element, "value", BOOL)
        else:
            atom = self._atom(element)
        if atom is None:
            return constant_forms(None)
        kind = _item_kind(node)
        container = node.container
        if isinstance(container, n.Const):
            forms = self._in_constants(atom, container.value, kind)
        elif isinstance(container, n.ListOf):
            forms = self._in_items(atom, container.items)
        else:
            forms = self._in_list(atom, container, kind)
        return forms.negated() if node.negated else forms

    def _in_constants(self, atom: str | _Const, values: Sequence[Any], kind: Type) -> Forms:
        items = list(dict.fromkeys(encode(value, kind) for value in values
                                   if value is not None))
        if isinstance(atom, _Const):
            return constant_forms(atom.value in items)
        true = _one_of(atom, items)
        false_core = conj(*(cmp(atom, "!=", item) for item in items))
        return Forms(true, conj(exists(atom), false_core), disj(missing(atom), false_core),
                     disj(missing(atom), true))

    def _in_items(self, atom: str | _Const, items: Sequence[n.Node]) -> Forms:
        trues: list[Cond] = []
        others: list[Cond] = []  # per item: null, or not equal to the element
        for item in items:
            other = self._atom(item)
            if other is None:
                continue
            true, different = _equal(atom, other)
            trues.append(true)
            others.append(different)
        true, false_core = disj(*trues), conj(*others)
        if isinstance(atom, _Const):
            return Forms(true, false_core, false_core, true)
        return Forms(true, conj(exists(atom), false_core), disj(missing(atom), false_core),
                     disj(missing(atom), true))

    def _in_list(self, atom: str | _Const, container: n.Node, kind: Type) -> Forms:
        items = self.leaves.name(container, "items", kind)
        count = self.leaves.name(container, "count", INT)
        value = Ref(atom) if isinstance(atom, str) else atom.value
        true_core = conj(exists(items), Probe("any_item", items, "==", value))
        false_core = disj(cmp(count, "==", 0), Probe("all_items", items, "!=", value))
        unknown = missing(items)
        if isinstance(atom, str):
            true_core = conj(exists(atom), true_core)
            unknown = disj(missing(atom), unknown)
        false = conj(exists(atom) if isinstance(atom, str) else True, exists(items),
                     false_core)
        return Forms(true_core, false, disj(unknown, false_core), disj(unknown, true_core))

    def branches(self, node: n.Node) -> list[tuple[Cond, n.Node]]:
        """Conditional points as (condition, value) branches; exactly one holds."""
        if not isinstance(node, n.Conditional) or node.type == BOOL:
            return [(True, node)]
        test = self.forms(node.test)
        return ([(conj(test.t, cond), value) for cond, value in self.branches(node.then)]
                + [(conj(test.nt, cond), value) for cond, value in self.branches(node.otherwise)])


@dataclass(frozen=True)
class _Const:
    value: Any


def _item_kind(node: n.Member) -> Type:
    """How the items of a membership's list are encoded (as the element, for codes)."""
    if isinstance(node.element.type, EnumType) or node.element.type == BOOL:
        return node.element.type
    container = node.container.type
    return container.item if isinstance(container, ListType) else node.element.type


def _equal(atom: str | _Const, other: str | _Const) -> tuple[Cond, Cond]:
    """(element equals the item, item is null or differs), the element being known."""
    if isinstance(atom, _Const) and isinstance(other, _Const):
        return atom.value == other.value, atom.value != other.value
    if isinstance(other, _Const):
        assert isinstance(atom, str)
        return cmp(atom, "==", other.value), cmp(atom, "!=", other.value)
    if isinstance(atom, _Const):
        return (cmp(other, "==", atom.value),
                disj(missing(other), cmp(other, "!=", atom.value)))
    guard = exists(other)
    return (conj(guard, cmp(atom, "==", Ref(other))),
            disj(missing(other), conj(guard, cmp(atom, "!=", Ref(other)))))


def _one_of(name: str, items: Sequence[Any]) -> Cond:
    """``name`` equals one of ``items``: regular expressions over codes, else equalities."""
    patterned = [item for item in items if isinstance(item, str) and _SAFE_CODE.fullmatch(item)
                 and len(item) < MAX_PATTERN]
    tests: list[Cond] = [cmp(name, "==", item) for item in items if item not in patterned]
    chunk: list[str] = []
    for item in [*patterned, None]:
        if item is None or sum(len(code) + 1 for code in chunk) + len(item) > MAX_PATTERN:
            if chunk:
                tests.append(Probe("match", name, value="(" + "|".join(chunk) + ")"))
            chunk = []
        if item is not None:
            chunk.append(item)
    return disj(*tests)


# --- rules of a quota ------------------------------------------------------------------------


@dataclass(frozen=True)
class RulePlan:
    """One durable_rules rule: ``met``/``unmet`` for criterion ``index``, or ``branch``
    ``branch`` of priority ``index`` whose points are ``constant`` or leaf ``value``."""

    kind: str
    index: int
    cond: Cond
    branch: int = 0
    constant: Any = None
    value: str | None = None


@dataclass
class Unit:
    """The rules of one criterion or priority and the leaves they read."""

    rules: list[RulePlan]
    names: set[str]


@dataclass
class RuleGroup:
    """Units decided together: one fact (and one durable_rules ruleset) per nomination."""

    units: list[Unit]
    leaves: list[Leaf]

    @property
    def rules(self) -> list[RulePlan]:
        return [rule for unit in self.units for rule in unit.rules]


@dataclass
class DurablePlan:
    """A quota's rules packed into groups."""

    quota_id: str
    criteria: tuple[str, ...]
    priorities: tuple[str, ...]
    leaves: Leaves
    groups: list[RuleGroup] = field(default_factory=list)

    def split(self, index: int) -> None:
        """Split group ``index`` (which durable_rules refused whole) into two."""
        units = self.groups[index].units
        half = len(units) // 2
        self.groups[index:index + 1] = [_group(units[:half], self.leaves),
                                        _group(units[half:], self.leaves)]


def plan_quota(rules: QuotaRules,
               accepts: Callable[[Cond], bool] = lambda cond: True) -> DurablePlan:
    """Compile a quota's bound criteria and priorities into grouped durable_rules rules.

    ``accepts`` tells whether durable_rules takes a rule's condition (it refuses some that
    are too intricate); a refused one has sub-conditions computed in Python until it fits.
    """
    leaves = Leaves()
    units = [_fit(prepare(item.condition), leaves,
                  functools.partial(_criterion_rules, index), accepts)
             for index, item in enumerate(rules.criteria)]
    units += [_fit(prepare(item.points), leaves,
                   functools.partial(_priority_rules, index), accepts)
              for index, item in enumerate(rules.priorities)]
    packed: list[list[Unit]] = []
    names: set[str] = set()
    for unit in units:
        if not packed or len(names | unit.names) > MAX_PROPERTIES \
                or sum(len(item.rules) for item in packed[-1]) + len(unit.rules) > MAX_RULES:
            packed.append([])
            names = set()
        packed[-1].append(unit)
        names |= unit.names
    return DurablePlan(rules.quota.id, tuple(item.id for item in rules.criteria),
                     tuple(item.id for item in rules.priorities), leaves,
                     [_group(group, leaves) for group in packed])


def _group(units: list[Unit], leaves: Leaves) -> RuleGroup:
    names = set().union(*(unit.names for unit in units))
    return RuleGroup(units, [leaves.by_name[name] for name in sorted(names)])


def _criterion_rules(index: int, planner: Planner, node: n.Node) -> list[RulePlan]:
    forms = planner.forms(node)
    return [RulePlan("met", index, forms.t), RulePlan("unmet", index, forms.nt)]


def _priority_rules(index: int, planner: Planner, node: n.Node) -> list[RulePlan]:
    rules = []
    for branch, (cond, value) in enumerate(planner.branches(node)):
        if isinstance(value, n.Const):
            rules.append(RulePlan("branch", index, cond, branch, constant=value.value))
        else:
            name = planner.leaves.name(value)
            rules.append(RulePlan("branch", index, cond, branch, value=name))
    return rules


def _fit(node: n.Node, leaves: Leaves, build: Callable[[Planner, n.Node], list[RulePlan]],
         accepts: Callable[[Cond], bool]) -> Unit:
    """The rules of ``node``, with sub-conditions computed in Python until they fit."""
    hoisted: set[int] = set()
    while True:
        rules = [rule for rule in build(Planner(leaves, frozenset(hoisted)), node)
                 if rule.cond is not False]
        names = set().union(*(properties(rule.cond) for rule in rules),
                            {rule.value for rule in rules if rule.value})
        if len(names) <= MAX_PROPERTIES and all(
                alternatives(rule.cond) <= MAX_ALTERNATIVES and accepts(rule.cond)
                for rule in rules):
            return Unit(rules, names)
        candidate = _largest_condition(node, hoisted)
        if candidate is None:  # pragma: no cover - nested and/or always leaves a candidate
            raise ValueError("a rule is too large for durable_rules")
        hoisted.add(id(candidate))


def _largest_condition(root: n.Node, hoisted: set[int]) -> n.Node | None:
    """The biggest sub-condition of ``root`` not yet computed in Python."""
    best: tuple[int, n.Node] | None = None
    for node in _sub_conditions(root, hoisted):
        if node is root or isinstance(node, n.Const):
            continue
        size = sum(1 for _ in node.walk())
        if best is None or size > best[0]:
            best = (size, node)
    return None if best is None else best[1]


def _sub_conditions(node: n.Node, hoisted: set[int]) -> Iterator[n.Node]:
    """The conditions inside ``node`` that durable_rules still decides."""
    if id(node) in hoisted:
        return
    if _is_condition(node):
        yield node
    if _is_condition(node) or isinstance(node, n.Conditional):
        for child in node.children():
            yield from _sub_conditions(child, hoisted)
