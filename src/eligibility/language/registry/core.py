"""What a registry entry is: one operator, function or reducer of the rule language.

An :class:`Entry` states everything the language means by one name, once:

* its **signature**, **summary**, **null rule** and an **example** (the reference page
  ``docs/rule-language.md`` is generated from them);
* its **scalar** implementation, the reference meaning, on Python values;
* its **polars** lowering, used by the vectorized engine, given a :class:`PolarsContext`
  that lowers the node's children;
* how **durable_rules** receives it: decided by the RETE network as a ``condition``
  (comparisons, and/or/not, membership, ``is None``, ``x if c else y``), or computed by the
  scalar implementation and posted as a fact property (a ``leaf``);
* its **sql** lowering, used by the SQL engine, given a :class:`SqlContext` whose builder
  (:class:`eligibility.language.sql_builder.SqlBuilder`) writes SQLGlot expressions for the
  dialect at hand (DuckDB, PostgreSQL, Spark SQL).

Engines dispatch through the registry and nothing else; a test fails when an entry lacks a
lowering for an engine, and the conformance suite (``tests/conformance/``) runs every entry on
every engine.

Calling convention of ``scalar`` (the reference evaluator, :mod:`eligibility.language.reference`,
applies it):

* *strict* entries (``strict=True``, the default) are called with the values of their operands
  only when none is null; a null operand gives null without calling them;
* ``and``/``or`` receive an iterator of operand values, computed lazily (Kleene logic);
* ``x if c else y`` receives the test's value and two thunks;
* ``is None`` receives the operand's value, null or not;
* a list literal receives its items, null items included;
* reducers receive the element values of the items kept by the ``if`` filters (nulls
  included) and the element type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

import polars as pl

from eligibility.language import nodes as n
from eligibility.language.types import Type

if TYPE_CHECKING:  # SQLGlot is imported only when the SQL engine runs
    from eligibility.language.sql_builder import SqlBuilder

Lowered = pl.Expr | tuple[pl.Expr, pl.Expr]
"""A lowered value: a polars expression, or an interval as a (start, end) pair."""

Durable = Literal["condition", "leaf"]
ENGINES = ("scalar", "polars", "durable", "sql")


class PolarsContext(Protocol):
    """What a polars lowering may ask of the vectorized engine."""

    @property
    def columns(self) -> frozenset[str]:
        """The columns of the frame being evaluated."""
        ...

    def value(self, node: n.Node) -> Lowered:
        """``node`` lowered (an interval as a pair)."""
        ...

    def expr(self, node: n.Node) -> pl.Expr:
        """``node`` lowered to one expression (an interval as a struct)."""
        ...

    def inner(self, var: str, item: Lowered) -> PolarsContext:
        """A context for the body of a loop over a list's items, ``var`` bound to ``item``."""
        ...


PolarsLowering = Callable[[PolarsContext, Any], Lowered]


class SqlContext(Protocol):
    """What an SQL lowering may ask of the SQL engine.

    Values are SQLGlot expressions; an interval is a ``(start, end)`` pair of them
    (:data:`eligibility.language.sql_builder.SqlLowered`).
    """

    @property
    def build(self) -> SqlBuilder:
        """The dialect's expression builder."""
        ...

    @property
    def columns(self) -> frozenset[str]:
        """The columns of the relation being evaluated."""
        ...

    def value(self, node: n.Node) -> Any:
        """``node`` lowered (an interval as a pair)."""
        ...

    def expr(self, node: n.Node) -> Any:
        """``node`` lowered to one expression (an interval as a struct)."""
        ...

    def inner(self, var: str, item: Any) -> SqlContext:
        """A context for the body of a loop over a list's items, ``var`` bound to ``item``."""
        ...


SqlLowering = Callable[[SqlContext, Any], Any]


@dataclass(frozen=True)
class Entry:
    """One name of the rule language and its meaning on every engine."""

    name: str
    group: str
    signature: str
    summary: str
    nulls: str
    example: str
    scalar: Callable[..., Any]
    polars: PolarsLowering
    durable: Durable
    sql: SqlLowering
    strict: bool = True
    params: tuple[Type, ...] | None = None  # for functions called by name: argument types
    result: Type | None = None  # for functions called by name: result type
    typed: bool = False  # scalar is called with the operands' types first (``text``)
    notes: str = ""  # worked examples for the reference page


    @property
    def is_function(self) -> bool:
        return self.params is not None
