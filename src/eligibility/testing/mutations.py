"""Changed copies of a compiled rulebook, for properties that compare two rulebooks.

* :func:`relax_thresholds` — every threshold of every criterion moved so that the
  criterion holds for more people: for ``x <= c`` or ``x < c`` the constant is raised, for
  ``x >= c`` or ``x > c`` lowered (the other way round under ``not``). A rulebook so relaxed
  must never find fewer people eligible.
* :func:`cap_seats` — every quota with at most ``seats`` seats, so that a few generated
  nominees already compete for them.

The copies share everything else with the original (``dataclasses.replace`` on the bound
:class:`~eligibility.rulebook.compiled.QuotaRules` trees); nothing is re-read or
re-compiled.

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> relaxed = relax_thresholds(rulebook, days=30, units=2)
>>> [change.describe() for change in relaxed_constants(rulebook, relaxed, "pg-abroad")]
['age-limit: <= 35 became <= 37', 'service-years: >= 3 became >= 1']
>>> cap_seats(rulebook, 2).quota("tai-chinh").capacity
2
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from eligibility.language import nodes as n
from eligibility.language.types import DATE, INT, NUMBER
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules

_LOOSER = {"<": +1, "<=": +1, ">": -1, ">=": -1}  # constant on the right: raise or lower it


@dataclass(frozen=True)
class RelaxedConstant:
    """One threshold moved by :func:`relax_thresholds`."""

    criterion: str
    op: str
    before: Any
    after: Any

    def describe(self) -> str:
        return f"{self.criterion}: {self.op} {_show(self.before)} became {self.op} " \
               f"{_show(self.after)}"


def relax_thresholds(rulebook: CompiledRulebook, *, days: int = 1,
                     units: int | float = 1) -> CompiledRulebook:
    """A copy of ``rulebook`` whose criteria hold for everyone they held for, and maybe more.

    Each comparison of a value with a constant date (moved by ``days``) or number (moved by
    ``units``) inside ``and``, ``or``, ``not``, ``any`` and ``all`` is loosened; comparisons
    elsewhere (inside arithmetic, a function or a conditional) are left alone, since moving
    them could tighten the criterion.
    """
    if days < 0 or units < 0:
        raise ValueError("days and units move thresholds outward; they cannot be negative")
    quotas = {quota_id: _relaxed_rules(rules, days, units)
              for quota_id, rules in rulebook.quotas.items()}
    return replace(rulebook, quotas=quotas)


def relaxed_constants(original: CompiledRulebook, relaxed: CompiledRulebook,
                      quota_id: str) -> list[RelaxedConstant]:
    """The thresholds of ``quota_id`` that differ between ``original`` and ``relaxed``."""
    changes = []
    pairs = zip(original.quota(quota_id).criteria, relaxed.quota(quota_id).criteria,
                strict=True)
    for before, after in pairs:
        nodes = zip(before.condition.walk(), after.condition.walk(), strict=True)
        for old, new in nodes:
            if isinstance(old, n.Compare) and isinstance(new, n.Compare) and old != new:
                old_const, new_const = _constant(old), _constant(new)
                if old_const is not None and new_const is not None:
                    changes.append(RelaxedConstant(before.id, old.op, old_const.value,
                                                   new_const.value))
    return changes


def cap_seats(rulebook: CompiledRulebook, seats: int) -> CompiledRulebook:
    """A copy of ``rulebook`` in which no quota has more than ``seats`` seats."""
    if seats < 1:
        raise ValueError(f"a quota needs at least one seat, not {seats}")
    quotas = {quota_id: replace(rules, quota=rules.quota.model_copy(
        update={"seats": min(rules.quota.seats, seats)}))
        for quota_id, rules in rulebook.quotas.items()}
    return replace(rulebook, quotas=quotas)


def _relaxed_rules(rules: QuotaRules, days: int, units: int | float) -> QuotaRules:
    criteria = tuple(replace(criterion, condition=_relax(criterion.condition, True, days, units))
                     for criterion in rules.criteria)
    return replace(rules, criteria=criteria)


def _relax(node: n.Node, positive: bool, days: int, units: int | float) -> n.Node:
    """``node`` loosened (``positive``) or tightened (under an odd number of ``not``)."""
    if isinstance(node, n.Not):
        return replace(node, operand=_relax(node.operand, not positive, days, units))
    if isinstance(node, n.BoolOp):
        return replace(node, operands=tuple(_relax(operand, positive, days, units)
                                            for operand in node.operands))
    if isinstance(node, n.Reduce) and node.reducer in ("any", "all"):
        return replace(node, element=_relax(node.element, positive, days, units))
    if isinstance(node, n.Compare) and node.op in _LOOSER:
        return _relax_compare(node, positive, days, units)
    return node


def _relax_compare(node: n.Compare, positive: bool, days: int,
                   units: int | float) -> n.Compare:
    direction = _LOOSER[node.op] * (1 if positive else -1)
    if _movable(node.right):
        return replace(node, right=_moved(node.right, direction, days, units))
    if _movable(node.left):  # c <= x is x >= c: the constant moves the other way
        return replace(node, left=_moved(node.left, -direction, days, units))
    return node


def _movable(node: n.Node) -> bool:
    return isinstance(node, n.Const) and node.value is not None \
        and not isinstance(node.value, bool) and node.type in (DATE, INT, NUMBER)


def _moved(const: n.Node, direction: int, days: int, units: int | float) -> n.Const:
    assert isinstance(const, n.Const)
    if const.type == DATE:
        return replace(const, value=const.value + dt.timedelta(days=direction * days))
    if const.type == INT:
        return replace(const, value=const.value + direction * int(units))
    return replace(const, value=const.value + direction * float(units))


def _constant(node: n.Compare) -> n.Const | None:
    for side in (node.right, node.left):
        if _movable(side):
            assert isinstance(side, n.Const)
            return side
    return None


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


__all__ = ["RelaxedConstant", "cap_seats", "relax_thresholds", "relaxed_constants"]
