"""Where a rulebook's decisions change: the values worth trying for each candidate field.

Rules are bound to each quota when a rulebook is loaded, so every threshold is a constant in
the quota's trees: ``age_on(birth_date, 2023-09-01) <= 35``,
``retirement_date(birth_date, retirement_age[gender]) >= 2025-10-09``,
``rating[2022] >= 'good'``, ``overlaps(e, 2023-10-09/2023-11-17)``. Walking those trees
gives, per field, the values at which some condition flips — found by scanning the field's
range and bisecting, so any function of one date or number is handled, not only the known
ones — and the values just below and just above. Around them come 29 February births,
intervals touching a course's first and last day, the codes next to an ordered threshold,
codes inside and outside a list, and an empty cell for an optional field.

Fields that appear together in a criterion form a *group*; every combination of the
group's boundary values is decided once here, so that a strategy can draw a combination
meeting (or failing) each criterion by construction instead of by filtering.

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> plan = quota_plan(rulebook, "pg-abroad")
>>> import datetime as dt
>>> dt.date(1987, 9, 1) in plan.fields["birth_date"].values  # 36 on the course start
True
>>> plan.fields["birth_date"].values.index(dt.date(1987, 9, 2)) >= 0  # still 35
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eligibility.calendar import add_years
from eligibility.language import nodes as n
from eligibility.language.domain import DATA_DATE_MAX, DATA_DATE_MIN
from eligibility.language.reference import evaluate
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    Type,
    YearlyType,
)
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec

MIN_DATE = DATA_DATE_MIN
"""The earliest date a nominee file may hold (see :mod:`eligibility.intake.cells`)."""
MAX_DATE = DATA_DATE_MAX
"""The latest date a nominee file may hold."""

MAX_COMBINATIONS = 2048
"""At most this many combinations of boundary values are decided per group of fields."""

_SCAN_STEP_DAYS = 61
_SCAN_YEARS_BEFORE = 100
_SCAN_YEARS_AFTER = 10
_SCAN_NUMBERS = 400
_MAX_CONTEXTS = 64
_DEFAULT_AGE_YEARS = 30
_FAR_YEARS = 5
_NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Thuý",
          "Đặng Văn Đức", "Vũ Thị Hoà")
_AGENCIES = ("Sở Nội vụ", "Sở Tài chính", "UBND quận Hoàn Kiếm", "Sở Y tế")


@dataclass(frozen=True)
class FieldPlan:
    """The values worth trying for one candidate field of one quota.

    ``values`` are typed values, the simplest first (an empty cell, for an optional field
    without a default); for a yearly field they are the values worth trying in each of
    ``years``. ``pivots`` are the thresholds found (dates or
    numbers) or the courses an interval is compared with, around which random values are
    drawn.
    """

    name: str
    spec: FieldSpec
    values: tuple[Any, ...]
    pivots: tuple[Any, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class Group:
    """Fields decided together by some criterion, and every combination of their values.

    ``combos[i]`` maps each field to a typed value (a yearly field to ``{year: value}``,
    empty years left out); ``failing[i]`` names the group's criteria that combination fails.
    """

    fields: tuple[str, ...]
    criteria: tuple[str, ...]
    combos: tuple[Mapping[str, Any], ...]
    failing: tuple[frozenset[str], ...]

    def passing(self) -> list[Mapping[str, Any]]:
        """The combinations meeting every criterion of the group, simplest first."""
        return [combo for combo, failed in zip(self.combos, self.failing, strict=True)
                if not failed]

    def failing_only(self, criterion: str) -> list[Mapping[str, Any]]:
        """The combinations failing ``criterion``, simplest first."""
        return [combo for combo, failed in zip(self.combos, self.failing, strict=True)
                if criterion in failed]


@dataclass(frozen=True, eq=False)
class QuotaPlan:
    """Everything a strategy needs to generate nominees for one quota."""

    quota_id: str
    anchor: dt.date  # the course start: ages, service and dates are counted to it
    fields: Mapping[str, FieldPlan]
    groups: tuple[Group, ...]
    conditions: Mapping[str, n.Node]  # criterion id -> bound condition
    constant_failures: tuple[str, ...]  # criteria that no record can meet

    def met(self, record: Mapping[str, Any], criterion: str) -> bool:
        """Whether ``record`` (typed values by field name) meets ``criterion``."""
        return _holds(self.conditions[criterion], record)

    def failed(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        """The criteria ``record`` fails, in rulebook order."""
        return tuple(rule for rule in self.conditions if not self.met(record, rule))

    @property
    def failable(self) -> tuple[str, ...]:
        """Criteria that some combination of boundary values fails, in rulebook order."""
        found = {rule for group in self.groups for failed in group.failing for rule in failed}
        return tuple(rule for rule in self.conditions
                     if rule in found or rule in self.constant_failures)

    @property
    def can_be_eligible(self) -> bool:
        """Whether combinations meeting every criterion were found."""
        return not self.constant_failures and all(
            group.passing() for group in self.groups if group.criteria)


def quota_plan(rulebook: CompiledRulebook, quota_id: str) -> QuotaPlan:
    """The plan of ``quota_id``, computed once per rulebook object."""
    cached = _cache_for(rulebook)
    if quota_id not in cached.plans:
        cached.plans[quota_id] = _build_plan(rulebook, quota_id)
    return cached.plans[quota_id]


def rulebook_years(rulebook: CompiledRulebook) -> dict[str, tuple[int, ...]]:
    """For each yearly field, the years any quota's rules look at (ascending).

    >>> import eligibility
    >>> rulebook_years(eligibility.load_rulebook("rules/hanoi-2022-2025.yaml"))
    {'rating': (2020, 2021, 2022)}
    """
    cached = _cache_for(rulebook)
    if cached.years is None:
        cached.years = _years(rulebook)
    return dict(cached.years)


def _years(rulebook: CompiledRulebook) -> dict[str, tuple[int, ...]]:
    years: dict[str, set[int]] = {name: set() for name, spec in rulebook.fields.items()
                                  if spec.yearly}
    for rules in rulebook.quotas.values():
        hints = _Hints()
        for tree in _trees(rules):
            _collect(tree, {}, hints)
        for name, found in hints.years.items():
            if name in years:
                years[name] |= found
    for found in years.values():
        if not found:  # a yearly field no rule reads: the three years before the first course
            first = min(rules.quota.start for rules in rulebook.quotas.values())
            found.update(range(first.year - 3, first.year))
    return {name: tuple(sorted(found)) for name, found in years.items()}


def holds(condition: n.Node, record: Mapping[str, Any]) -> bool:
    """Whether ``condition`` is true for ``record`` (null and errors count as not)."""
    return _holds(condition, record)


# --- building a plan ---------------------------------------------------------------------


@dataclass
class _Cached:
    """What has been worked out for one rulebook object."""

    rulebook: weakref.ref[CompiledRulebook]
    plans: dict[str, QuotaPlan] = field(default_factory=dict)
    years: dict[str, tuple[int, ...]] | None = None


_CACHE: dict[int, _Cached] = {}


def _cache_for(rulebook: CompiledRulebook) -> _Cached:
    """The cache of ``rulebook`` (rulebooks are unhashable: kept by id, checked by weakref)."""
    for key in [key for key, entry in _CACHE.items() if entry.rulebook() is None]:
        del _CACHE[key]
    entry = _CACHE.get(id(rulebook))
    if entry is None or entry.rulebook() is not rulebook:
        entry = _CACHE[id(rulebook)] = _Cached(weakref.ref(rulebook))
    return entry


def _trees(rules: Any) -> Iterator[n.Node]:
    for criterion in rules.criteria:
        yield criterion.condition
    for priority in rules.priorities:
        yield priority.points


def _build_plan(rulebook: CompiledRulebook, quota_id: str) -> QuotaPlan:
    rules = rulebook.quota(quota_id)
    anchor = rules.quota.start
    hints = _Hints()
    for tree in _trees(rules):
        _collect(tree, {}, hints)
    for tree in _trees(rules):
        _scan_compares(tree, rulebook, anchor, hints)
    years = rulebook_years(rulebook)
    plans = {name: _field_plan(rulebook, spec, hints, anchor, years.get(name, ()))
             for name, spec in rulebook.fields.items()}
    conditions = {criterion.id: criterion.condition for criterion in rules.criteria}
    fields_of = {rule: _fields_in(condition) & set(plans) for rule, condition
                 in conditions.items()}
    constant_failures = tuple(rule for rule, names in fields_of.items()
                              if not names and not _holds(conditions[rule], {}))
    groups = tuple(_group(names, conditions, fields_of, plans, quota_id)
                   for names in _components(list(plans), fields_of))
    return QuotaPlan(quota_id, anchor, plans, groups, conditions, constant_failures)


def _components(names: list[str], fields_of: Mapping[str, set[str]]) -> list[tuple[str, ...]]:
    """Fields linked by a shared criterion, each component in rulebook field order."""
    parent = {name: name for name in names}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for linked in fields_of.values():
        ordered = sorted(linked, key=names.index)
        for other in ordered[1:]:
            parent[root(other)] = root(ordered[0])
    components: dict[str, list[str]] = {}
    for name in names:
        components.setdefault(root(name), []).append(name)
    return [tuple(members) for members in components.values()]


def _group(names: tuple[str, ...], conditions: Mapping[str, n.Node],
           fields_of: Mapping[str, set[str]], plans: Mapping[str, FieldPlan],
           quota_id: str) -> Group:
    criteria = tuple(rule for rule, linked in fields_of.items() if linked and linked <= set(names))
    choices = [_choices(plans[name]) for name in names]
    combos = [dict(zip(names, values, strict=True))
              for values in _bounded_product(choices, f"{quota_id}:{','.join(names)}")]
    failing = tuple(frozenset(rule for rule in criteria if not _holds(conditions[rule], combo))
                    for combo in combos)
    return Group(names, criteria, tuple(combos), failing)


def _choices(plan: FieldPlan) -> list[Any]:
    """The values of one field to combine: for a yearly field, every year's combination."""
    if not plan.spec.yearly:
        return list(plan.values)
    per_year = [[(year, value) for value in plan.values] for year in plan.years]
    return [{year: value for year, value in pairs if value is not None}
            for pairs in _bounded_product(per_year, plan.name)]


def _bounded_product(choices: Sequence[Sequence[Any]], seed: str) -> list[tuple[Any, ...]]:
    """The product of ``choices`` in order, or a fixed sample of it when it is too large.

    The first combination (every first choice) always comes first.
    """
    size = 1
    for options in choices:
        size *= max(len(options), 1)
    if size <= MAX_COMBINATIONS:
        return list(itertools.product(*choices))
    chooser = random.Random(seed)
    sample = {tuple(0 for _ in choices)}
    while len(sample) < MAX_COMBINATIONS:
        sample.add(tuple(chooser.randrange(len(options)) for options in choices))
    ordered = sorted(sample)
    return [tuple(options[index] for options, index in zip(choices, picks, strict=True))
            for picks in ordered]


# --- hints gathered from the trees -------------------------------------------------------


@dataclass
class _Hints:
    """What the trees of one quota say about each field."""

    years: dict[str, set[int]] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)
    flips: dict[str, list[Any]] = field(default_factory=dict)
    courses: dict[str, list[Interval]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, table: dict[str, list[Any]], name: str, values: Iterable[Any]) -> None:
        known = table.setdefault(name, [])
        known.extend(value for value in values if value not in known)


Binding = tuple[str, Any] | None  # ("field", name) or ("years", (y1, y2, ...))


def _collect(node: n.Node, env: Mapping[str, Binding], hints: _Hints) -> None:
    """Years, codes, courses and texts mentioned by ``node`` and its children."""
    if isinstance(node, n.Reduce):
        _collect(node.iterable, env, hints)
        inner = {**env, node.var: _binding(node.iterable)}
        for child in (node.element, *node.conditions):
            _collect(child, inner, hints)
        return
    if isinstance(node, n.Index) and isinstance(node.operand, n.FieldRef) \
            and isinstance(node.operand.type, YearlyType):
        hints.years.setdefault(node.operand.name, set()).update(_key_years(node.key, env))
    if isinstance(node, n.Compare):
        _compare_hints(node, env, hints)
    elif isinstance(node, n.Member):
        _member_hints(node, env, hints)
    elif isinstance(node, n.Call) and node.function == "overlaps":
        _overlap_hints(node, env, hints)
    for child in node.children():
        _collect(child, env, hints)


def _binding(iterable: n.Node) -> Binding:
    if isinstance(iterable, n.Range) and isinstance(iterable.start, n.Const) \
            and isinstance(iterable.stop, n.Const):
        return ("years", tuple(range(iterable.start.value, iterable.stop.value)))
    if isinstance(iterable, n.FieldRef):
        return ("field", iterable.name)
    return None


def _key_years(key: n.Node, env: Mapping[str, Binding]) -> tuple[int, ...]:
    if isinstance(key, n.Const) and isinstance(key.value, int):
        return (key.value,)
    if isinstance(key, n.LoopVar):
        binding = env.get(key.name)
        if binding is not None and binding[0] == "years":
            return tuple(binding[1])
    return ()


def _field_of(node: n.Node, env: Mapping[str, Binding]) -> str | None:
    """The field whose (one year's, one item's) value ``node`` is, if it is one."""
    if isinstance(node, n.FieldRef) and not isinstance(node.type, YearlyType):
        return node.name
    if isinstance(node, n.Index) and isinstance(node.operand, n.FieldRef) \
            and isinstance(node.operand.type, YearlyType):
        return node.operand.name
    if isinstance(node, n.LoopVar):
        binding = env.get(node.name)
        if binding is not None and binding[0] == "field":
            return str(binding[1])
    return None


def _compare_hints(node: n.Compare, env: Mapping[str, Binding], hints: _Hints) -> None:
    for const, other in ((node.right, node.left), (node.left, node.right)):
        if not isinstance(const, n.Const) or const.value is None:
            continue
        name = _field_of(other, env)
        if name is None:
            continue
        if isinstance(other.type, EnumType):
            hints.add(hints.codes, name, _near_code(other.type, const.value))
        elif other.type == TEXT and isinstance(const.value, str):
            hints.add(hints.texts, name, [const.value])
        elif other.type in (DATE, INT, NUMBER) and not isinstance(const.value, bool):
            # compared as it is (e.g. one year of a yearly number): the constant is a flip
            flip = const.value if other.type != INT else int(const.value)
            hints.add(hints.flips, name, [flip])


def _near_code(kind: EnumType, code: str) -> list[str]:
    """The code itself and its neighbours (the next code when the vocabulary is unordered)."""
    if code not in kind.codes:
        return []
    index = kind.codes.index(code)
    near = [index, index - 1, index + 1] if kind.ordered \
        else [index, (index + 1) % len(kind.codes)]
    return [kind.codes[i] for i in near if 0 <= i < len(kind.codes)]


def _member_hints(node: n.Member, env: Mapping[str, Binding], hints: _Hints) -> None:
    name = _field_of(node.element, env)
    container = node.container
    if name is not None and isinstance(container, n.Const) and isinstance(node.element.type,
                                                                          EnumType):
        inside = [code for code in node.element.type.codes if code in container.value]
        outside = [code for code in node.element.type.codes if code not in container.value]
        hints.add(hints.codes, name, [*inside[:3], *outside[:2]])
    elif isinstance(node.element, n.Const) and isinstance(container, n.FieldRef) \
            and isinstance(node.element.value, str):
        hints.add(hints.texts, container.name, [node.element.value])


def _overlap_hints(node: n.Call, env: Mapping[str, Binding], hints: _Hints) -> None:
    for const, other in ((node.args[1], node.args[0]), (node.args[0], node.args[1])):
        if isinstance(const, n.Const) and isinstance(const.value, Interval):
            name = _field_of(other, env)
            if name is not None:
                hints.add(hints.courses, name, [const.value])


# --- thresholds found by scanning -------------------------------------------------------


def _scan_compares(tree: n.Node, rulebook: CompiledRulebook, anchor: dt.date,
                   hints: _Hints) -> None:
    """Flip points of every ``f(field) <op> constant`` in ``tree`` (one date or number field)."""
    for node in tree.walk():
        if not isinstance(node, n.Compare):
            continue
        for const, other in ((node.right, node.left), (node.left, node.right)):
            if isinstance(const, n.Const) and other.type in (DATE, INT, NUMBER) \
                    and not _free_loop_vars(other):
                _scan(node, other, rulebook, anchor, const.value, hints)
                break


def _free_loop_vars(node: n.Node) -> bool:
    bound = {item.var for item in node.walk() if isinstance(item, n.Reduce)}
    return any(isinstance(item, n.LoopVar) and item.name not in bound for item in node.walk())


def _scan(compare: n.Compare, side: n.Node, rulebook: CompiledRulebook, anchor: dt.date,
          constant: Any, hints: _Hints) -> None:
    refs = {item.name: item.type for item in side.walk() if isinstance(item, n.FieldRef)}
    scanned = [name for name, kind in refs.items() if kind in (DATE, INT, NUMBER)]
    others = [name for name in refs if name not in scanned]
    if len(scanned) != 1 or any(not _enumerable(refs[name]) for name in others):
        return
    name, kind = scanned[0], refs[scanned[0]]
    contexts = list(itertools.islice(itertools.product(
        *(_all_values(refs[other]) for other in others)), _MAX_CONTEXTS))
    for values in contexts:
        context = dict(zip(others, values, strict=True))

        def state(x: Any, context: dict[str, Any] = context) -> Any:
            return _value(compare, {**context, name: x})

        if kind == DATE:
            flips = _flips(state, _date_points(anchor), _date_between)
            hints.add(hints.flips, name, flips)
        else:
            centre = int(constant) if isinstance(constant, (int, float)) else 0
            points = list(range(centre - _SCAN_NUMBERS, centre + _SCAN_NUMBERS + 1, 7))
            hints.add(hints.flips, name, _flips(state, points, _int_between))


def _enumerable(kind: Type) -> bool:
    return kind == BOOL or (isinstance(kind, EnumType) and len(kind.codes) <= 16)


def _all_values(kind: Type) -> tuple[Any, ...]:
    return (False, True) if kind == BOOL else tuple(getattr(kind, "codes", ()))


def _date_points(anchor: dt.date) -> list[dt.date]:
    low = max(MIN_DATE + dt.timedelta(days=1), add_years(anchor, -_SCAN_YEARS_BEFORE))
    high = min(MAX_DATE - dt.timedelta(days=1), add_years(anchor, _SCAN_YEARS_AFTER))
    points = [low + dt.timedelta(days=step)
              for step in range(0, (high - low).days, _SCAN_STEP_DAYS)]
    return [*points, high]


def _date_between(low: dt.date, high: dt.date) -> dt.date | None:
    gap = (high - low).days
    return None if gap <= 1 else low + dt.timedelta(days=gap // 2)


def _int_between(low: int, high: int) -> int | None:
    return None if high - low <= 1 else (low + high) // 2


def _flips(state: Any, points: list[Any], between: Any) -> list[Any]:
    """The first value of each new state of ``state`` along ``points`` (bisected exactly)."""
    found = []
    values = [state(point) for point in points]
    for (low, before), (high, after) in itertools.pairwise(zip(points, values, strict=True)):
        if before == after:
            continue
        while (middle := between(low, high)) is not None:
            if state(middle) == before:
                low = middle
            else:
                high = middle
        found.append(high)
    return found


def _value(node: n.Node, record: Mapping[str, Any]) -> Any:
    try:
        return evaluate(node, record)
    except (ValueError, KeyError, TypeError, OverflowError, ArithmeticError):
        return None


def _holds(node: n.Node, record: Mapping[str, Any]) -> bool:
    return _value(node, record) is True


def _fields_in(node: n.Node) -> set[str]:
    return {item.name for item in node.walk() if isinstance(item, n.FieldRef)}


# --- the values of one field -------------------------------------------------------------


def _field_plan(rulebook: CompiledRulebook, spec: FieldSpec, hints: _Hints, anchor: dt.date,
                years: tuple[int, ...]) -> FieldPlan:
    kind, name = spec.type, spec.name
    pivots: tuple[Any, ...] = ()
    values: list[Any]
    if kind == DATE:
        flips = hints.flips.get(name, [])
        values = _date_values(flips) or [add_years(anchor, -_DEFAULT_AGE_YEARS)]
        pivots = tuple(flips)
    elif kind in (INT, NUMBER):
        flips = hints.flips.get(name, [])
        values = [value for flip in flips for value in (flip, flip - 1, flip + 1)] \
            + [value for flip in flips for value in (flip - 10, flip + 10)] or [0]
        values = [float(value) for value in values] if kind == NUMBER else values
        pivots = tuple(flips)
    elif isinstance(kind, EnumType):
        values = hints.codes.get(name) or list(kind.codes[:8])
    elif kind == BOOL:
        values = [False, True] if spec.default is not True else [True, False]
    elif kind == ListType("list", INTERVAL):
        courses = hints.courses.get(name, [])
        values = [[], *([item] for course in courses for item in _near_course(course))]
        if courses:
            before, *_, after = _near_course(courses[0])
            values.append([before, after])
        pivots = tuple(courses)
    elif kind == INTERVAL:
        courses = hints.courses.get(name, [])
        values = [item for course in courses for item in _near_course(course)] \
            or [Interval(anchor, anchor)]
        pivots = tuple(courses)
    elif isinstance(kind, ListType):
        values = [[], *([text] for text in hints.texts.get(name, []))]
    else:
        values = [*hints.texts.get(name, []), *(_NAMES if "name" in name else _AGENCIES)]
    unique = _unique(values)
    if not spec.required and None not in unique and spec.default is None:
        unique.insert(0, None)  # an empty cell is the simplest value of an optional field
    return FieldPlan(name, spec, tuple(unique), pivots, years if spec.yearly else ())


def _date_values(flips: list[dt.date]) -> list[dt.date]:
    """Each flip, the day before and the day after, 29 February near them, then far values.

    The far values (five years either side) stand for the typical person well inside or
    well outside each threshold.
    """
    values = []
    for flip in flips:
        for day in (flip, flip - dt.timedelta(days=1), flip + dt.timedelta(days=1)):
            if MIN_DATE <= day <= MAX_DATE:
                values.append(day)
    for flip in flips:
        for year in (_leap_on_or_before(flip.year), _leap_on_or_before(flip.year + 4)):
            day = dt.date(year, 2, 29)
            if MIN_DATE <= day <= MAX_DATE:
                values.append(day)
    for flip in flips:
        for years in (-_FAR_YEARS, _FAR_YEARS):
            day = add_years(flip, years)
            if MIN_DATE <= day <= MAX_DATE:
                values.append(day)
    return values


def _leap_on_or_before(year: int) -> int:
    while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        year -= 1
    return year


def _near_course(course: Interval) -> list[Interval]:
    """Enrolments just before, touching the first day, touching the last day, just after."""
    start, end = course.start, course.end
    month = dt.timedelta(days=30)
    day = dt.timedelta(days=1)
    return [Interval(start - month, start - day), Interval(start - month, start),
            Interval(end, end + month), Interval(end + day, end + month)]


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


__all__ = [
    "MAX_COMBINATIONS",
    "MAX_DATE",
    "MIN_DATE",
    "FieldPlan",
    "Group",
    "QuotaPlan",
    "holds",
    "quota_plan",
    "rulebook_years",
]
