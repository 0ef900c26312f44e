"""Which candidate fields, and which years of a yearly field, the rules of a rulebook read.

A column that a criterion reads must be in a nominee file: if it were missing, every row
would silently take the field's default and a disqualifying criterion would pass for everyone
(a column only priorities read may be absent, with a warning). This module walks each
quota's bound rules (constants already in place) and collects, per field, the years read —
``rating[2022]``, or ``rating[y]`` for ``y`` in a range fixed per quota — and the rules that
read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.language import nodes as n
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.models import Text

__all__ = ["ANY_YEAR", "FieldNeeds", "Rule", "field_needs"]

#: Stands for "a year computed at run time": the field is read, which year is not known.
ANY_YEAR = -1
# A range wider than this is not enumerated; its years count as ANY_YEAR.
_MAX_YEARS = 200


@dataclass(frozen=True)
class Rule:
    """A criterion or priority, as messages name it."""

    kind: str  # "criterion" or "priority"
    id: str
    title: Text


@dataclass
class FieldNeeds:
    """The rules reading one field: by year for a yearly field, under ``None`` otherwise."""

    by_year: dict[int | None, list[Rule]] = field(default_factory=dict)

    def add(self, year: int | None, rule: Rule) -> None:
        rules = self.by_year.setdefault(year, [])
        if rule not in rules:
            rules.append(rule)


def field_needs(rulebook: CompiledRulebook) -> dict[str, FieldNeeds]:
    """Every field some criterion or priority reads, with the years and the rules."""
    found: dict[str, FieldNeeds] = {}
    for rules in rulebook.quotas.values():
        for criterion in rules.criteria:
            rule = Rule("criterion", criterion.id, criterion.title)
            _collect(criterion.condition, {}, rulebook, rule, found)
        for priority in rules.priorities:
            rule = Rule("priority", priority.id, priority.title)
            _collect(priority.points, {}, rulebook, rule, found)
    return found


def _collect(node: n.Node, loops: dict[str, set[int] | None], rulebook: CompiledRulebook,
             rule: Rule, found: dict[str, FieldNeeds]) -> None:
    if isinstance(node, n.Index) and isinstance(node.operand, n.FieldRef) \
            and _is_yearly(rulebook, node.operand.name):
        years = _values(node.key, loops)
        needs = found.setdefault(node.operand.name, FieldNeeds())
        for year in sorted(years) if years is not None else [ANY_YEAR]:
            needs.add(year, rule)
        _collect(node.key, loops, rulebook, rule, found)
        return
    if isinstance(node, n.FieldRef) and node.name in rulebook.fields:
        year = ANY_YEAR if _is_yearly(rulebook, node.name) else None
        found.setdefault(node.name, FieldNeeds()).add(year, rule)
        return
    if isinstance(node, n.Reduce):
        _collect(node.iterable, loops, rulebook, rule, found)
        inner = {**loops, node.var: _range_values(node.iterable, loops)}
        for child in (node.element, *node.conditions):
            _collect(child, inner, rulebook, rule, found)
        return
    for child in node.children():
        _collect(child, loops, rulebook, rule, found)


def _is_yearly(rulebook: CompiledRulebook, name: str) -> bool:
    spec = rulebook.fields.get(name)
    return spec is not None and spec.yearly


def _range_values(node: n.Node, loops: dict[str, set[int] | None]) -> set[int] | None:
    if not isinstance(node, n.Range):
        return None
    starts, stops = _values(node.start, loops), _values(node.stop, loops)
    if not starts or not stops:
        return None
    low, high = min(starts), max(stops)
    return set(range(low, high)) if 0 <= high - low <= _MAX_YEARS else None


def _values(node: n.Node, loops: dict[str, set[int] | None]) -> set[int] | None:
    """The whole numbers ``node`` can take, when they are known before any row is read."""
    if isinstance(node, n.Const) and isinstance(node.value, int) \
            and not isinstance(node.value, bool):
        return {node.value}
    if isinstance(node, n.LoopVar):
        return loops.get(node.name)
    if isinstance(node, n.Arith) and node.op in ("+", "-"):
        left, right = _values(node.left, loops), _values(node.right, loops)
        if left is None or right is None or len(left) * len(right) > _MAX_YEARS ** 2:
            return None
        return {a + b if node.op == "+" else a - b for a in left for b in right}
    return None

