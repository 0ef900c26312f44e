"""The rule language's one table of meaning: every operator, function and reducer.

>>> from eligibility.language.types import BOOL, INT
>>> REGISTRY["age_on"].signature
'age_on(birth: date, on: date) → int'
>>> entry_of(n.Compare(BOOL, "<=", n.FieldRef(INT, "age"), n.Const(INT, 35))).name
'<='

See :mod:`eligibility.language.registry.core` for what an entry holds. The reference page
``docs/rule-language.md`` lists exactly these entries, in this order.
"""

from __future__ import annotations

from eligibility.language import nodes as n
from eligibility.language.registry import (
    access,
    arithmetic,
    comparison,
    conversion,
    dates,
    lists,
    logic,
)
from eligibility.language.registry.core import (
    ENGINES,
    Durable,
    Entry,
    Lowered,
    PolarsContext,
    SqlContext,
)

__all__ = [
    "ENGINES",
    "FUNCTIONS",
    "REDUCERS",
    "REGISTRY",
    "Durable",
    "Entry",
    "Lowered",
    "PolarsContext",
    "SqlContext",
    "entry_of",
]

REGISTRY: dict[str, Entry] = {entry.name: entry for entry in (
    *logic.ENTRIES, *comparison.ENTRIES, *arithmetic.ENTRIES, *access.ENTRIES,
    *dates.ENTRIES, *lists.ENTRIES, *conversion.ENTRIES)}

REDUCERS = lists.REDUCERS
VARIADIC = frozenset({"least", "greatest"})
FUNCTIONS = {name: entry for name, entry in REGISTRY.items() if entry.is_function}
"""Functions called by name with a fixed signature (``age_on(...)``, ``text(...)``)."""

CALLABLE = frozenset({*FUNCTIONS, *REDUCERS, *VARIADIC, "date", "range"})
"""Every name that can be called in a rule."""


def entry_of(node: n.Node) -> Entry | None:
    """The entry giving ``node`` its meaning; None for names and constants."""
    name = _name_of(node)
    return None if name is None else REGISTRY[name]


def _name_of(node: n.Node) -> str | None:
    if isinstance(node, (n.Compare, n.BoolOp, n.Arith)):
        return node.op
    if isinstance(node, n.Call):
        return node.function
    if isinstance(node, n.Reduce):
        return node.reducer
    if isinstance(node, n.Not):
        return "not"
    if isinstance(node, n.Negate):
        return "-x"
    if isinstance(node, n.IsNull):
        return "is not None" if node.negated else "is None"
    if isinstance(node, n.Member):
        return "not in" if node.negated else "in"
    if isinstance(node, n.Conditional):
        return "if"
    if isinstance(node, n.Attribute):
        return f".{node.name}"
    if isinstance(node, n.Index):
        return access.index_kind(node.operand.type)
    if isinstance(node, n.ListOf):
        return "[…]"
    if isinstance(node, n.Range):
        return "range"
    return None
