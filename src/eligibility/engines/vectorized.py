"""The vectorized engine: bound trees lowered to polars expressions, all rows at once.

Every node is lowered by its registry entry's polars lowering
(:mod:`eligibility.language.registry`); this module only provides the context those
lowerings need (:class:`Lowerer`) and assembles a quota's outcome columns. Rules are bound to
each quota at load time, so each quota's constants (dates, year ranges, parameters in force)
are literals here; the frame is split by quota, each part evaluated with its own expressions,
and the parts put back in the original row order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from eligibility.frames import (
    ELIGIBLE,
    FAILED,
    FAILED_SEPARATOR,
    QUOTA,
    SCORE,
    criterion_column,
    outcome_schema,
    points_column,
    shown_column,
)
from eligibility.language import nodes as n
from eligibility.language.reference import UnboundError
from eligibility.language.registry import Lowered, entry_of
from eligibility.language.registry.lowering import as_expr, literal, pair, typed_null
from eligibility.language.types import INTERVAL
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules

_ROW = "__row"


@dataclass(frozen=True)
class Lowerer:
    """Lowers bound, folded trees to polars expressions over one frame's columns."""

    frame_columns: frozenset[str]
    loop: dict[str, Lowered] = field(default_factory=dict)

    @property
    def columns(self) -> frozenset[str]:
        return self.frame_columns

    def value(self, node: n.Node) -> Lowered:
        if isinstance(node, n.Const):
            return literal(node.value, node.type)
        if isinstance(node, n.FieldRef):
            if node.name not in self.frame_columns:
                return typed_null(node.type)
            column = pl.col(node.name)
            return pair(column) if node.type == INTERVAL else column
        if isinstance(node, n.LoopVar):
            return self.loop[node.name]
        if isinstance(node, (n.QuotaRef, n.ParamRef)):
            raise UnboundError(f"'{node.name}' must be bound to a quota before lowering")
        entry = entry_of(node)
        assert entry is not None, type(node).__name__
        return entry.polars(self, node)

    def expr(self, node: n.Node) -> pl.Expr:
        return as_expr(self.value(node))

    def inner(self, var: str, item: Lowered) -> Lowerer:
        return Lowerer(self.frame_columns, {**self.loop, var: item})


def evaluate_frame(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """Decide every nomination of ``frame`` (one row per candidate and quota).

    ``frame`` holds ``quota_id`` and the typed candidate columns (see
    :mod:`eligibility.frames`); the result is ``frame`` followed by the outcome columns.
    """
    schema = outcome_schema(rulebook)
    by_quota = frame.with_row_index(_ROW).partition_by(QUOTA, as_dict=True,
                                                        maintain_order=True)
    unknown = sorted(str(key[0]) for key in by_quota if key[0] not in rulebook.quotas)
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
    if not by_quota:
        return frame.with_columns(pl.lit(None, dtype).alias(name)
                                  for name, dtype in schema.items())
    # Each quota is collected on its own: one plan holding every quota's expressions costs
    # polars more to optimize than it saves.
    parts = [part.lazy().with_columns(quota_outcome(rulebook, rulebook.quotas[quota_id],
                                                    frozenset(frame.columns))).collect()
             for (quota_id,), part in by_quota.items()]
    result = pl.concat(parts, how="vertical").sort(_ROW).drop(_ROW)
    return result.select(*frame.columns, *schema)


def quota_outcome(rulebook: CompiledRulebook, rules: QuotaRules,
                  columns: frozenset[str]) -> list[pl.Expr]:
    """The outcome columns of one quota's nominations, as expressions over ``columns``."""
    schema = outcome_schema(rulebook)
    lowerer = Lowerer(columns)
    met = {criterion.id: lowerer.expr(criterion.condition).fill_null(False)
           for criterion in rules.criteria}
    exprs: dict[str, pl.Expr] = {
        name: pl.lit(None, dtype) for name, dtype in schema.items()}
    for rule, value in met.items():
        exprs[criterion_column(rule)] = value
    for criterion in rules.criteria:
        slots = {part.slot: part.expression for parts in criterion.message.values()
                 for part in parts if part.slot is not None and part.expression is not None}
        for slot, node in slots.items():
            exprs[shown_column(criterion.id, slot)] = pl.when(~met[criterion.id]).then(
                lowerer.expr(node))
    eligible = pl.all_horizontal(list(met.values())) if met else pl.lit(True)
    exprs[ELIGIBLE] = eligible
    exprs[FAILED] = pl.concat_str(
        [pl.when(~value).then(pl.lit(rule)) for rule, value in met.items()],
        separator=FAILED_SEPARATOR, ignore_nulls=True) if met else pl.lit("")
    points_type = schema[SCORE]
    points = [pl.when(eligible).then(lowerer.expr(priority.points).fill_null(0)
                                     .cast(points_type)) for priority in rules.priorities]
    for priority, value in zip(rules.priorities, points, strict=True):
        exprs[points_column(priority.id)] = value
    exprs[SCORE] = pl.when(eligible).then(
        pl.sum_horizontal(points).cast(points_type) if points else pl.lit(0, points_type))
    return [value.cast(schema[name]).alias(name) for name, value in exprs.items()]
