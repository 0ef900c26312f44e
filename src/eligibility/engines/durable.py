"""RETE execution with durable_rules: every criterion and priority decided by its rulesets.

Design
======
One durable_rules ruleset per quota — more exactly per *group* of a quota's rules, and a
quota has one group unless its rules are very many or very wide — compiled from the
quota's bound trees (its attributes and parameters are already constants). A nomination is
posted as one fact per group: ``{"id", "sid", "k": nomination key, "g": group, "v0": ...}``.
Each :class:`DurableEngine` (a batch run, or a live session) has its own rulesets.

* **What Python computes.** The maximal subtrees durable_rules cannot compute — field
  reads, date arithmetic, function calls (``retirement_date``, ``age_on``, ``overlaps``…),
  list reducers, arithmetic, yearly and per-code look-ups — are *leaves*: evaluated with
  the scalar reference engine (:func:`eligibility.engines.scalar.evaluate`) and posted as
  typed fact properties by :func:`encode`: numbers as JSON numbers (floats in plain decimal
  notation), dates as ordinal day numbers, ordered vocabularies as their rank, other codes
  as text, text as fixed-width hexadecimal code points, intervals as ``start/end``. A null
  leaf is left out of the fact.
* **What durable_rules decides.** Comparisons, ``and``/``or``/``not``, ``in``, ``is None``
  and ``x if c else y`` (conditions and conditional points) are compiled to durable_rules
  conditions (``m.v0 <= 35``, ``&``, ``|``, ``m.v1.matches(...)``, ``m.v2.anyItem(...)``,
  ``+m.v3``/``-m.v3``). ``any``/``all`` over a fixed ``range`` are unrolled into ``or``/``and``
  first, as the vectorized engine does.
* **Three-valued logic.** durable_rules has no negation and no null, so every condition
  ``C`` is compiled into four two-valued durable conditions (:class:`Forms`): *C is true*,
  *C is false*, *C is not true* and *C is not false* (a missing property makes a test fail,
  which is how null enters). A criterion has two rules, ``met`` (C is true) and ``unmet``
  (C is not true): exactly one fires for every fact, so every outcome is a positive
  decision of durable_rules, and a fact that got neither or both is an internal error. A
  priority has one rule per branch of its conditional points (``T(c₁)``, ``NT(c₁) ∧ T(c₂)``,
  …, the last ``else``); exactly one fires, and its action reads the branch's value from the
  fact (null counts 0). Points are kept only for eligible nominations.
* **Collection.** Each action appends ``(k, rule, value)`` to a list; after a post the
  engine runs the actions itself, in the calling thread, until durable_rules has none
  left. Results are keyed by ``k``, never by the order or time actions ran.

durable_rules' traps, and how they are handled
==============================================
* *A fact no rule matches raises* ``MessageNotHandledException``: every ruleset has a silent
  catch-all (``+m.k`` joined with a pattern no fact matches), and the ``met``/``unmet``
  and branch rules of a group match every fact of that group anyway. Neither tests ``id``
  or ``sid``: a catch-all on those also matches the engine's own state object, whose
  update by each action re-matches it — an endless loop. Every rule also tests ``m.g``,
  which the state never has, so no rule can match the state.
* *Strings compare as numbers when the other side is one* (``"30" <= 35`` holds), *and
  escaped characters compare by their JSON escape* (``'a"'`` sorts after ``'a#'``): numbers
  are posted as numbers, dates as day numbers, text as hexadecimal code points (whose
  order is the code-point order Python uses).
* *A missing right-hand property is read as whatever the look-up finds* (in some rulesets
  ``m.a < m.b``, ``==``, ``!=`` and ``>`` all fire when ``b`` is absent): every
  property-to-property test also requires the right side to exist (``+m.b``).
* *An* ``or`` *is expanded into separate matches*: a fact matching two alternatives fires the
  rule twice, and a long ``and`` of ``or``s grows exponentially until durable_rules refuses
  the ruleset. Outcomes are idempotent (a rule firing twice decides the same thing);
  membership in a list of codes is one regular expression instead of one alternative per
  code; a condition whose expansion exceeds :data:`MAX_ALTERNATIVES`, that needs more
  than :data:`MAX_PROPERTIES` values, or that durable_rules refuses (an ``or`` of more
  than about 14 ``and``s raises ``ERR_EXPRESSION_LIMIT_EXCEEDED``; each rule is tried on a
  scratch ruleset) has its largest sub-condition computed in Python as a boolean leaf
  until it fits. Such a leaf is the only place where Python decides logic, and only in
  rules too intricate for durable_rules.
* *A fact holds at most about 252 properties, and a ruleset's network nodes have few
  branches* (``ERR_RULE_EXISTS_LIMIT_EXCEEDED``…): the rules of a quota are packed into
  groups of at most :data:`MAX_PROPERTIES` values and :data:`MAX_RULES` rules, one fact and
  one ruleset per group; a group durable_rules still refuses is split in two.
* ``json.dumps`` *writes floats such as* ``1e-05``, *which durable_rules' parser rejects*: facts
  and ruleset definitions are serialized with floats in plain decimal notation.
* *Actions of a batch may run later, on a Host's background thread* (a batch spanning
  several sessions runs only one session's actions before returning): the engine never
  creates a ``Host``. It drives its rulesets itself and dispatches until no action is left.
* *Every Host starts timer threads that never stop, and a Host refuses a ruleset name twice*:
  there is no Host, so no thread; ruleset names are unique per engine
  (``eligibility.<quota>.<n>``), and :meth:`DurableEngine.close` deletes the rulesets.
* *A two-argument action is run as asynchronous*, and an action's exception is swallowed
  into the state: actions take one argument, only append to a list, and a nomination that
  ends with no outcome, or two, for a rule raises instead of being guessed.
* *Each fact costs a few kilobytes inside durable_rules*: a batch posts its facts in chunks,
  each under its own session id, deleted as soon as the chunk is decided.

durable-rules is optional: this module imports it only when an engine is built, and
raises :class:`~eligibility.errors.EngineUnavailableError` when it cannot.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import ModuleType, SimpleNamespace, TracebackType
from typing import Any, NamedTuple

import polars as pl

from eligibility.engines.scalar import evaluate
from eligibility.errors import EngineUnavailableError
from eligibility.evaluation import candidate_records, render_message
from eligibility.language import nodes as n
from eligibility.language.fold import map_children, substitute
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NULL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    Type,
)
from eligibility.messages import LANGUAGES, REASON_SEPARATOR
from eligibility.rulebook.compiled import (
    CompiledRulebook,
    QuotaRules,
    criterion_column,
    points_column,
)

__all__ = [
    "INSTALL_HINT",
    "DurableEngine",
    "Nomination",
    "Outcome",
    "durable_available",
    "encode",
    "evaluate_frame_durable",
    "evaluation_columns",
]

INSTALL_HINT = ("install it with: pip install 'durable-rules==2.0.28' (it builds from source: "
                "it needs gcc and Python 3.11 or 3.12)")
MAX_PROPERTIES = 240  # values in one fact; durable_rules holds 252 properties besides id, sid
MAX_ALTERNATIVES = 256  # matches an 'or'-expanded rule may have (2 ** FANOUT)
MAX_RULES = 32  # rules in one ruleset (durable_rules caps the branches of its network nodes)
MAX_PATTERN = 2000  # characters of one regular expression (durable_rules refuses ~4000)
MAX_UNROLLED = 64  # years of a range() reducer unrolled into and/or
FANOUT = 8  # operands of one and/or; wider ones are nested so that parts can be hoisted
CHUNK = 4096  # facts posted at once
_SAFE_CODE = re.compile(r"[0-9A-Za-z_/-]+")  # matched literally by durable_rules' regex
_COUNTER = itertools.count(1)
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_PY_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge}


# --- availability ----------------------------------------------------------------------------


def durable_available() -> bool:
    """Whether durable_rules can be imported here (it is an optional dependency).

    >>> isinstance(durable_available(), bool)
    True
    """
    try:
        _durable()
    except EngineUnavailableError:
        return False
    return True


@functools.cache
def _durable() -> SimpleNamespace:
    """durable_rules' modules, imported on first use."""
    try:
        import durable_rules_engine as core
        from durable import engine, lang
    except Exception as error:  # ImportError, or a build that fails to load
        raise EngineUnavailableError(
            f"the durable engine needs the durable-rules package, which cannot be imported "
            f"here ({type(error).__name__}: {error}); {INSTALL_HINT}") from error
    return SimpleNamespace(core=core, engine=engine, lang=lang)


# --- values as fact properties -------------------------------------------------------------


def encode(value: Any, kind: Type) -> Any:
    """``value`` (of the language type ``kind``) as durable_rules compares it; None stays None.

    >>> import datetime as dt
    >>> encode(dt.date(2023, 9, 11), DATE), encode("Hà", TEXT), encode(35, INT)
    (738774, '00000048000000e0', 35)
    """
    if value is None:
        return None
    if kind == BOOL:
        return bool(value)
    if kind in (INT, NUMBER):
        return _number(value)
    if kind == DATE:
        return value.toordinal()
    if isinstance(kind, EnumType):
        return kind.codes.index(value) if kind.ordered else value
    if kind == TEXT:
        return _hex(value)
    if kind == INTERVAL:
        return f"{value.start.isoformat()}/{value.end.isoformat()}"
    if isinstance(kind, ListType):
        return "o" + _hex(repr([encode(item, kind.item) for item in value]))
    return "o" + _hex(repr(value))


def _number(value: int | float) -> int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"durable_rules cannot hold the number {value}")
    if isinstance(value, int) and not -2**63 <= value < 2**63:
        raise ValueError(f"durable_rules holds 64-bit integers, not {value}")
    return value


def _hex(text: str) -> str:
    """Fixed-width code points: compared as strings, they sort as Python sorts ``text``."""
    return text.encode("utf-32-be").hex()


_FLOAT_MARK = "\x00f"
_FLOAT_MARKED = re.compile(r'"\\u0000f([-0-9.]+)"')


class _Fixed(str):
    """A float to write in plain decimal notation (``0.00001``, never ``1e-05``)."""


def _plain(value: float) -> str:
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _marked(value: Any) -> Any:
    if isinstance(value, float):
        return _Fixed(_FLOAT_MARK + _plain(value))
    if isinstance(value, dict):
        return {key: _marked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marked(item) for item in value]
    return value


def to_json(value: Any) -> str:
    """JSON that durable_rules parses: floats never in exponent notation.

    >>> to_json({"x": 1e-05, "y": [2.5, 3]})
    '{"x": 0.00001, "y": [2.5, 3]}'
    """
    return _FLOAT_MARKED.sub(r"\1", json.dumps(_marked(value), ensure_ascii=False))


# --- conditions durable_rules evaluates ------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """Another property of the same fact, on the right of a test."""

    name: str


@dataclass(frozen=True)
class Probe:
    """One durable_rules test on property ``name`` of a fact.

    ``kind``: ``cmp`` (``name op value``), ``exists``, ``missing``, ``match`` (regular
    expression ``value``), ``any_item``/``all_items`` (some/every item ``op value``).
    """

    kind: str
    name: str
    op: str = ""
    value: Any = None


@dataclass(frozen=True)
class All:
    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Cond, ...]


Cond = bool | Probe | All | AnyOf


def conj(*parts: Cond) -> Cond:
    """``and`` of conditions, flattened and simplified (True and False are constants)."""
    kept: list[Cond] = []
    for part in parts:
        if part is False:
            return False
        items = part.parts if isinstance(part, All) else (part,)
        kept.extend(item for item in items if item is not True and item not in kept)
    return True if not kept else kept[0] if len(kept) == 1 else All(tuple(kept))


def disj(*parts: Cond) -> Cond:
    """``or`` of conditions, flattened and simplified."""
    kept: list[Cond] = []
    for part in parts:
        if part is True:
            return True
        items = part.parts if isinstance(part, AnyOf) else (part,)
        kept.extend(item for item in items if item is not False and item not in kept)
    return False if not kept else kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def alternatives(cond: Cond) -> int:
    """How many matches durable_rules makes of ``cond`` (its 'or's expanded)."""
    if isinstance(cond, All):
        return math.prod(alternatives(part) for part in cond.parts)
    if isinstance(cond, AnyOf):
        return sum(alternatives(part) for part in cond.parts)
    return 0 if cond is False else 1


def properties(cond: Cond) -> set[str]:
    """The fact properties ``cond`` reads."""
    if isinstance(cond, (All, AnyOf)):
        return set().union(*(properties(part) for part in cond.parts))
    if isinstance(cond, Probe):
        return {cond.name} | ({cond.value.name} if isinstance(cond.value, Ref) else set())
    return set()


def _cmp(name: str, op: str, value: Any) -> Cond:
    return Probe("cmp", name, op, value)


def _exists(name: str) -> Cond:
    return Probe("exists", name)


def _missing(name: str) -> Cond:
    return Probe("missing", name)


@dataclass(frozen=True)
class Forms:
    """A condition as four two-valued durable_rules conditions (SQL nulls made explicit)."""

    t: Cond  # the condition is true
    f: Cond  # it is false
    nt: Cond  # it is not true (false or null)
    nf: Cond  # it is not false (true or null)

    def negated(self) -> Forms:
        return Forms(self.f, self.t, self.nf, self.nt)


def _constant_forms(value: bool | None) -> Forms:
    return Forms(value is True, value is False, value is not True, value is not False)


# --- from typed trees to durable_rules conditions ---------------------------------------------


def _is_condition(node: n.Node) -> bool:
    """Decided by durable_rules, as opposed to a value computed in Python."""
    if isinstance(node, (n.BoolOp, n.Not, n.Compare, n.Member, n.IsNull)):
        return True
    if isinstance(node, n.Conditional):
        return node.type == BOOL
    return isinstance(node, n.Const) and node.type in (BOOL, NULL)


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

    def posted(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.role == "value":
            return encode(raw, self.kind)
        present = [item for item in raw if item is not None]
        if self.role == "count":
            return len(present)
        return [encode(item, self.kind) for item in present]


def raw_value(node: n.Node, record: Mapping[str, Any]) -> Any:
    """The Python value of a leaf's subtree for ``record`` (the scalar engine's meaning)."""
    if isinstance(node, n.FieldRef):
        return record.get(node.name)
    if isinstance(node, n.Index) and isinstance(node.operand, n.FieldRef) \
            and isinstance(node.key, n.Const):
        mapping = record.get(node.operand.name)
        return None if mapping is None else mapping.get(node.key.value)
    return evaluate(node, record)


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
            self.by_name[name] = Leaf(name, node, role, kind, source)
        return self._names[key]


class _Planner:
    """Compiles one rule's prepared tree into :class:`Forms`, given subtrees to hoist."""

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
            return _constant_forms(node.value)
        if isinstance(node, n.Not):
            return self.forms(node.operand).negated()
        if isinstance(node, n.BoolOp):
            return self._bool_op(node)
        if isinstance(node, n.Conditional):
            return self._conditional(node)
        if isinstance(node, n.IsNull):
            return self._is_null(node)
        if isinstance(node, n.Member):
            return self._member(node)
        assert isinstance(node, n.Compare)
        return self._compare(node)

    def _boolean_leaf(self, node: n.Node) -> Forms:
        name = self.leaves.name(node, "value", BOOL)
        true, false = _cmp(name, "==", True), _cmp(name, "==", False)
        return Forms(true, false, disj(_missing(name), false), disj(_missing(name), true))

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
            forms = _constant_forms(operand.value is None)
        else:
            name = self.leaves.name(operand)
            forms = Forms(_missing(name), _exists(name), _exists(name), _missing(name))
        return forms.negated() if node.negated else forms

    def _compare(self, node: n.Compare) -> Forms:
        left, right = self._atom(node.left), self._atom(node.right)
        if left is None or right is None:
            return _constant_forms(None)
        if isinstance(left, _Const) and isinstance(right, _Const):
            return _constant_forms(_PY_COMPARE[node.op](left.value, right.value))
        op = node.op
        if isinstance(left, _Const):
            left, right, op = right, left, _FLIPPED[op]
        assert isinstance(left, str)
        if isinstance(right, _Const):
            true, false = _cmp(left, op, right.value), _cmp(left, _NEGATED[op], right.value)
            unknown = _missing(left)
        else:
            guard = _exists(right)
            true = conj(guard, _cmp(left, op, Ref(right)))
            false = conj(guard, _cmp(left, _NEGATED[op], Ref(right)))
            unknown = disj(_missing(left), _missing(right))
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
            return _constant_forms(None)
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
            return _constant_forms(atom.value in items)
        true = _one_of(atom, items)
        false_core = conj(*(_cmp(atom, "!=", item) for item in items))
        return Forms(true, conj(_exists(atom), false_core), disj(_missing(atom), false_core),
                     disj(_missing(atom), true))

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
        return Forms(true, conj(_exists(atom), false_core), disj(_missing(atom), false_core),
                     disj(_missing(atom), true))

    def _in_list(self, atom: str | _Const, container: n.Node, kind: Type) -> Forms:
        items = self.leaves.name(container, "items", kind)
        count = self.leaves.name(container, "count", INT)
        value = Ref(atom) if isinstance(atom, str) else atom.value
        true_core = conj(_exists(items), Probe("any_item", items, "==", value))
        false_core = disj(_cmp(count, "==", 0), Probe("all_items", items, "!=", value))
        unknown = _missing(items)
        if isinstance(atom, str):
            true_core = conj(_exists(atom), true_core)
            unknown = disj(_missing(atom), unknown)
        false = conj(_exists(atom) if isinstance(atom, str) else True, _exists(items),
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
        return _cmp(atom, "==", other.value), _cmp(atom, "!=", other.value)
    if isinstance(atom, _Const):
        return (_cmp(other, "==", atom.value),
                disj(_missing(other), _cmp(other, "!=", atom.value)))
    guard = _exists(other)
    return (conj(guard, _cmp(atom, "==", Ref(other))),
            disj(_missing(other), conj(guard, _cmp(atom, "!=", Ref(other)))))


def _one_of(name: str, items: Sequence[Any]) -> Cond:
    """``name`` equals one of ``items``: regular expressions over codes, else equalities."""
    patterned = [item for item in items if isinstance(item, str) and _SAFE_CODE.fullmatch(item)
                 and len(item) < MAX_PATTERN]
    tests: list[Cond] = [_cmp(name, "==", item) for item in items if item not in patterned]
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
class Group:
    """Units decided together: one fact (and one durable_rules ruleset) per nomination."""

    units: list[Unit]
    leaves: list[Leaf]

    @property
    def rules(self) -> list[RulePlan]:
        return [rule for unit in self.units for rule in unit.rules]


@dataclass
class QuotaPlan:
    """A quota's rules packed into groups."""

    quota_id: str
    criteria: tuple[str, ...]
    priorities: tuple[str, ...]
    leaves: Leaves
    groups: list[Group] = field(default_factory=list)

    def split(self, index: int) -> None:
        """Split group ``index`` (which durable_rules refused whole) into two."""
        units = self.groups[index].units
        half = len(units) // 2
        self.groups[index:index + 1] = [_group(units[:half], self.leaves),
                                        _group(units[half:], self.leaves)]


def plan_quota(rules: QuotaRules,
               accepts: Callable[[Cond], bool] = lambda cond: True) -> QuotaPlan:
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
    return QuotaPlan(rules.quota.id, tuple(item.id for item in rules.criteria),
                     tuple(item.id for item in rules.priorities), leaves,
                     [_group(group, leaves) for group in packed])


def _group(units: list[Unit], leaves: Leaves) -> Group:
    names = set().union(*(unit.names for unit in units))
    return Group(units, [leaves.by_name[name] for name in sorted(names)])


def _criterion_rules(index: int, planner: _Planner, node: n.Node) -> list[RulePlan]:
    forms = planner.forms(node)
    return [RulePlan("met", index, forms.t), RulePlan("unmet", index, forms.nt)]


def _priority_rules(index: int, planner: _Planner, node: n.Node) -> list[RulePlan]:
    rules = []
    for branch, (cond, value) in enumerate(planner.branches(node)):
        if isinstance(value, n.Const):
            rules.append(RulePlan("branch", index, cond, branch, constant=value.value))
        else:
            name = planner.leaves.name(value)
            rules.append(RulePlan("branch", index, cond, branch, value=name))
    return rules


def _fit(node: n.Node, leaves: Leaves, build: Callable[[_Planner, n.Node], list[RulePlan]],
         accepts: Callable[[Cond], bool]) -> Unit:
    """The rules of ``node``, with sub-conditions computed in Python until they fit."""
    hoisted: set[int] = set()
    while True:
        rules = [rule for rule in build(_Planner(leaves, frozenset(hoisted)), node)
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


# --- durable_rules rulesets ------------------------------------------------------------------


def _expression(cond: Cond, lang: ModuleType) -> Any:
    """``cond`` written with durable_rules' own rule language (``m.x <= 35``, ``&``, ``|``)."""
    if isinstance(cond, All):
        return functools.reduce(operator.and_, (_expression(part, lang) for part in cond.parts))
    if isinstance(cond, AnyOf):
        return functools.reduce(operator.or_, (_expression(part, lang) for part in cond.parts))
    assert isinstance(cond, Probe)
    prop = getattr(lang.m, cond.name)
    value = getattr(lang.m, cond.value.name) if isinstance(cond.value, Ref) else cond.value
    if cond.kind == "cmp":
        return _PY_COMPARE[cond.op](prop, value)
    if cond.kind == "exists":
        return +prop
    if cond.kind == "missing":
        return -prop
    if cond.kind == "match":
        return prop.matches(value)
    items = prop.anyItem if cond.kind == "any_item" else prop.allItems
    return items(_PY_COMPARE[cond.op](lang.item, value))


def _accepted(cond: Cond) -> bool:
    """Whether durable_rules takes a rule with condition ``cond`` (tried on a scratch ruleset).

    Its parser refuses some conditions, e.g. an 'or' of more than about 14 'and's
    (``ERR_EXPRESSION_LIMIT_EXCEEDED``); asking it is the only exact test.
    """
    durable = _durable()
    where = durable.lang.m.g == 0
    if cond is not True:
        where = where & _expression(cond, durable.lang)
    definition = {"r": {"all": [{"m": where.define()}]}}
    try:
        handle = durable.core.create_ruleset(f"eligibility.check.{next(_COUNTER)}",
                                             to_json(definition))
    except durable.core.error:
        return False
    durable.core.delete_ruleset(handle)
    return True


def _definitions(group: Group, number: int, lang: ModuleType,
                 fired: list[tuple[Any, ...]]) -> dict[str, tuple[dict[str, Any], Any]]:
    """name -> (durable_rules rule definition, action) for every rule of group ``number``."""
    rules: dict[str, tuple[dict[str, Any], Any]] = {}
    for index, rule in enumerate(group.rules):
        where = lang.m.g == number
        if rule.cond is not True:
            where = where & _expression(rule.cond, lang)
        rules[f"r{index}"] = ({"all": [{"m": where.define()}]},
                              _recorder(fired, number, index, rule.value))
    # Matches every fact (so none is 'not handled') and never fires: no fact has g == -1.
    seen = {"all": [{"m_0": (+lang.m.k).define()}, {"m_1": (lang.m.g == -1).define()}]}
    rules["seen"] = (seen, _ignore)
    return rules


def _recorder(fired: list[tuple[Any, ...]], group: int, number: int,
              value: str | None) -> Callable[[Any], None]:
    if value is None:
        def record(c: Any) -> None:
            fired.append((c.m.k, group, number, None))
    else:
        def record(c: Any) -> None:
            fired.append((c.m.k, group, number, c.m[value]))
    return record


def _ignore(c: Any) -> None:  # pragma: no cover - the catch-all never fires
    """Nothing to do."""


@functools.cache
def _ruleset_class() -> type:
    durable = _durable()

    class Rules(durable.engine.Ruleset):  # type: ignore[misc, name-defined]
        """A durable_rules ruleset whose definition is written by :func:`to_json`.

        durable's own constructor serializes with ``json.dumps``, whose ``1e-05`` its parser
        refuses; everything else (actions, closures, dispatching) is durable's.
        """

        def __init__(self, name: str,
                     rules: Mapping[str, tuple[dict[str, Any], Callable[[Any], None]]]) -> None:
            self._name = name
            self._host = None
            self._definition = {rule: definition for rule, (definition, _) in rules.items()}
            self._actions = {rule: durable.engine.Promise(action)
                             for rule, (_, action) in rules.items()}
            self._handle = durable.core.create_ruleset(name, to_json(self._definition))

    return Rules


class _Ruleset:
    """One quota's ruleset, driven in the calling thread (no Host, no background thread)."""

    def __init__(self, name: str, rules: Mapping[str, tuple[dict[str, Any], Any]],
                 fired: list[tuple[Any, ...]]) -> None:
        self._durable = _durable()
        self.name = name
        self._fired = fired
        self._rules = _ruleset_class()(name, rules)
        self._errors: list[BaseException] = []

    def assert_facts(self, facts: list[dict[str, Any]]) -> None:
        """Assert ``facts`` and run every action they trigger before returning."""
        payload = to_json(facts)
        result = self._durable.core.assert_facts(self._rules._handle, payload)
        self._check(result, facts)
        if result[0] == 0:
            self._rules.do_actions(result[1], self._completed)
        self._drain()

    def retract_facts(self, facts: list[dict[str, Any]]) -> None:
        result = self._durable.core.retract_facts(self._rules._handle, to_json(facts))
        self._check(result, facts)
        self._drain()

    def forget(self, sid: str) -> None:
        """Delete a session id's state: its facts and partial matches."""
        self._durable.core.delete_state(self._rules._handle, sid)

    def close(self) -> None:
        self._durable.core.delete_ruleset(self._rules._handle)

    def _check(self, result: tuple[int, int], facts: Any) -> None:
        engine = self._durable.engine
        if result[0] == 1:
            raise engine.MessageNotHandledException(facts)
        if result[0] == 2:
            raise engine.MessageObservedException(facts)

    def _completed(self, error: BaseException | None, _state: Any) -> None:
        if error:
            self._errors.append(error)

    def _drain(self) -> None:
        """Dispatch until durable_rules has no action left (actions of other sessions too)."""
        while True:
            before = len(self._fired)
            self._rules.dispatch()
            if len(self._fired) == before:
                break
        if self._errors:
            error = self._errors[0]
            self._errors.clear()
            raise RuntimeError(f"durable_rules failed in ruleset {self.name}: {error}")


# --- the engine ------------------------------------------------------------------------------


class Nomination(NamedTuple):
    """One candidate nominated for one quota: ``key`` is unique within an engine."""

    key: int
    quota_id: str
    record: Mapping[str, Any]


class Outcome(NamedTuple):
    """Criteria met (quota order) and points (quota order; None when ineligible)."""

    met: tuple[bool, ...]
    points: tuple[int | float, ...] | None

    @property
    def eligible(self) -> bool:
        return all(self.met)


class DurableEngine:
    """The rulesets of one rulebook, one per quota, and the facts posted to them.

    Use as a context manager (or call :meth:`close`): closing deletes the rulesets.
    ``decide(..., keep=False)`` decides and forgets (batches); ``keep=True`` keeps the
    facts, so that :meth:`retract` can withdraw them and only new facts are decided
    (live sessions).
    """

    LIVE = "live"

    def __init__(self, rulebook: CompiledRulebook) -> None:
        _durable()
        self.rulebook = rulebook
        self.plans = {quota_id: plan_quota(rules, _accepted)
                      for quota_id, rules in rulebook.quotas.items()}
        self._integer = rulebook.integer_points
        self._fired: list[tuple[Any, ...]] = []
        self._rulesets: dict[str, list[_Ruleset]] = {}
        self._kept: dict[int, tuple[str, list[tuple[int, str]]]] = {}  # key -> quota, facts
        self._batches = itertools.count()
        try:
            for quota_id, plan in self.plans.items():
                self._rulesets[quota_id] = self._compile(plan)
        except BaseException:
            self.close()
            raise

    def _compile(self, plan: QuotaPlan) -> list[_Ruleset]:
        """One ruleset per group; a group durable_rules refuses whole is split in two."""
        durable = _durable()
        created: list[_Ruleset] = []
        number = 0
        while number < len(plan.groups):
            name = f"eligibility.{plan.quota_id}.{next(_COUNTER)}"
            rules = _definitions(plan.groups[number], number, durable.lang, self._fired)
            try:
                created.append(_Ruleset(name, rules, self._fired))
            except durable.core.error:
                if len(plan.groups[number].units) < 2:
                    raise
                for ruleset in created:
                    ruleset.close()
                plan.split(number)
                created, number = [], 0
                continue
            number += 1
        return created

    @property
    def ruleset_names(self) -> dict[str, list[str]]:
        return {quota_id: [ruleset.name for ruleset in rulesets]
                for quota_id, rulesets in self._rulesets.items()}

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Delete the rulesets (and every fact in them)."""
        rulesets, self._rulesets = self._rulesets, {}
        for group in rulesets.values():
            for ruleset in group:
                ruleset.close()
        self._kept.clear()

    def decide(self, nominations: Sequence[Nomination], *,
               keep: bool = False) -> dict[int, Outcome]:
        """Outcomes of ``nominations`` by key, decided by durable_rules."""
        outcomes: dict[int, Outcome] = {}
        by_quota: dict[str, list[Nomination]] = {}
        for nomination in nominations:
            by_quota.setdefault(nomination.quota_id, []).append(nomination)
        for quota_id, items in by_quota.items():
            outcomes.update(self._decide_quota(quota_id, items, keep))
        return outcomes

    def retract(self, keys: Sequence[int]) -> None:
        """Withdraw the kept facts of nominations ``keys``."""
        facts: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for key in keys:
            quota_id, posted = self._kept.pop(key, ("", []))
            for group, fact_id in posted:
                facts.setdefault((quota_id, group), []).append(
                    {"id": fact_id, "sid": self.LIVE})
        for (quota_id, group), items in facts.items():
            self._rulesets[quota_id][group].retract_facts(items)

    def _decide_quota(self, quota_id: str, items: list[Nomination],
                      keep: bool) -> dict[int, Outcome]:
        plan = self.plans[quota_id]
        rulesets = self._rulesets[quota_id]
        pending: dict[int, _Pending] = {}
        step = max(1, CHUNK // max(1, len(rulesets)))
        for start in range(0, len(items), step):
            chunk = items[start:start + step]
            sid = self.LIVE if keep else f"batch{next(self._batches)}"
            facts = [_facts(plan, item, sid) for item in chunk]
            for group, ruleset in enumerate(rulesets):
                try:
                    ruleset.assert_facts([item_facts[group] for item_facts in facts])
                    self._collect(plan, pending)
                finally:
                    if not keep:
                        ruleset.forget(sid)
            if keep:
                for item, item_facts in zip(chunk, facts, strict=True):
                    self._kept[item.key] = (quota_id, [(group, fact["id"]) for group, fact
                                                       in enumerate(item_facts)])
        return {item.key: self._outcome(plan, item.key, pending.get(item.key))
                for item in items}

    def _collect(self, plan: QuotaPlan, pending: dict[int, _Pending]) -> None:
        fired, self._fired[:] = list(self._fired), []
        for key, group, number, value in fired:
            rule = plan.groups[group].rules[number]
            state = pending.setdefault(key, _Pending(plan))
            state.record(rule, value)

    def _outcome(self, plan: QuotaPlan, key: int, state: _Pending | None) -> Outcome:
        state = state or _Pending(plan)
        met = state.criteria(key)
        points = state.points(key, self._integer)
        return Outcome(met, points if all(met) else None)


class _Pending:
    """What the rules of one nomination decided so far."""

    def __init__(self, plan: QuotaPlan) -> None:
        self.plan = plan
        self.met: list[set[bool]] = [set() for _ in plan.criteria]
        self.values: list[dict[int, Any]] = [{} for _ in plan.priorities]

    def record(self, rule: RulePlan, value: Any) -> None:
        if rule.kind == "branch":
            self.values[rule.index][rule.branch] = \
                rule.constant if rule.value is None else value
        else:
            self.met[rule.index].add(rule.kind == "met")

    def criteria(self, key: int) -> tuple[bool, ...]:
        for index, decided in enumerate(self.met):
            if len(decided) != 1:
                raise RuntimeError(
                    f"durable_rules decided criterion {self.plan.criteria[index]!r} of "
                    f"nomination {key} in quota {self.plan.quota_id!r} {len(decided)} ways")
        return tuple(next(iter(decided)) for decided in self.met)

    def points(self, key: int, integer: bool) -> tuple[int | float, ...]:
        result = []
        for index, branches in enumerate(self.values):
            if len(branches) != 1:
                raise RuntimeError(
                    f"durable_rules chose {len(branches)} branches of priority "
                    f"{self.plan.priorities[index]!r} for nomination {key}")
            value = next(iter(branches.values()))
            value = 0 if value is None else value
            result.append(int(value) if integer else float(value))
        return tuple(result)


def _facts(plan: QuotaPlan, item: Nomination, sid: str) -> list[dict[str, Any]]:
    """The facts of one nomination: one per group, null leaves left out."""
    raw: dict[int, Any] = {}
    facts = []
    for group, leaves in enumerate(group.leaves for group in plan.groups):
        fact: dict[str, Any] = {"id": f"{item.key}.{group}", "sid": sid, "k": item.key,
                                "g": group}
        for leaf in leaves:
            if leaf.source not in raw:
                raw[leaf.source] = raw_value(leaf.node, item.record)
            value = leaf.posted(raw[leaf.source])
            if value is not None:
                fact[leaf.name] = value
        facts.append(fact)
    return facts


# --- frames ----------------------------------------------------------------------------------


def evaluation_columns(rulebook: CompiledRulebook, records: Sequence[Mapping[str, Any]],
                       quota_ids: Sequence[str],
                       outcomes: Sequence[Outcome]) -> dict[str, list[Any]]:
    """The columns the engines add (``criterion.*``, ``eligible``, ``failed``, ``reasons.*``,
    ``points.*``, ``score``), one value per nomination."""
    columns: dict[str, list[Any]] = {
        **{criterion_column(rule): [] for rule in rulebook.criterion_ids},
        "eligible": [], "failed": [], **{f"reasons.{language}": [] for language in LANGUAGES},
        **{points_column(rule): [] for rule in rulebook.priority_ids}, "score": []}
    labels = rulebook.labels
    zero = 0 if rulebook.integer_points else 0.0
    for record, quota_id, outcome in zip(records, quota_ids, outcomes, strict=True):
        rules = rulebook.quotas[quota_id]
        met = {criterion.id: value for criterion, value in zip(rules.criteria, outcome.met,
                                                                strict=True)}
        for rule in rulebook.criterion_ids:
            columns[criterion_column(rule)].append(met.get(rule))
        failing = [criterion for criterion in rules.criteria if not met[criterion.id]]
        columns["eligible"].append(not failing)
        columns["failed"].append(";".join(criterion.id for criterion in failing))
        for language in LANGUAGES:
            columns[f"reasons.{language}"].append(REASON_SEPARATOR.join(
                render_message(criterion.message[language], record, language, labels[language])
                for criterion in failing))
        points = {} if outcome.points is None else dict(zip(
            (priority.id for priority in rules.priorities), outcome.points, strict=True))
        for rule in rulebook.priority_ids:
            columns[points_column(rule)].append(points.get(rule))
        columns["score"].append(None if outcome.points is None else sum(outcome.points, zero))
    return columns


def evaluate_frame_durable(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """Decide every nomination of ``frame`` with durable_rules.

    The same contract as :func:`eligibility.engines.vectorized.evaluate_frame`: the input
    columns in order, then ``criterion.<id>``, ``eligible``, ``failed``, ``reasons.vi``,
    ``reasons.en``, ``points.<id>`` and ``score``, with the same dtypes and values. Raises
    :class:`~eligibility.errors.EngineUnavailableError` when durable-rules is not installed.
    """
    from eligibility.engines.vectorized import evaluate_frame

    _durable()
    quota_ids = [str(value) for value in frame["quota_id"].to_list()]
    unknown = sorted(set(quota_ids) - set(rulebook.quotas))
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
    template = evaluate_frame(rulebook, frame.head(0))
    added = {name: template.schema[name] for name in template.columns
             if name not in frame.columns}
    records = candidate_records(frame, rulebook)
    with DurableEngine(rulebook) as engine:
        decided = engine.decide([Nomination(index, quota_id, record) for index, (quota_id, record)
                                 in enumerate(zip(quota_ids, records, strict=True))])
    outcomes = [decided[index] for index in range(len(records))]
    columns = evaluation_columns(rulebook, records, quota_ids, outcomes)
    computed = pl.DataFrame(columns, schema=added)
    return pl.concat([frame, computed], how="horizontal")
