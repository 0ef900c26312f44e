"""Conditions as durable_rules evaluates them, and three-valued logic made two-valued.

durable_rules has no negation and no null, so every condition ``C`` of the language is
compiled into four two-valued conditions (:class:`Forms`): *C is true*, *C is false*, *C is
not true* and *C is not false* (a missing property makes a test fail, which is how null
enters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


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


def cmp(name: str, op: str, value: Any) -> Cond:
    return Probe("cmp", name, op, value)


def exists(name: str) -> Cond:
    return Probe("exists", name)


def missing(name: str) -> Cond:
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


def constant_forms(value: bool | None) -> Forms:
    return Forms(value is True, value is False, value is not True, value is not False)
