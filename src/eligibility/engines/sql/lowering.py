"""Bound rule trees lowered to SQL, and the query computing every nomination's outcome record.

Every node is lowered by its registry entry's SQL lowering (``Entry.sql``); this module only
provides the context they need (:class:`SqlLowerer`) and assembles the query. As in the
vectorized engine, each quota's rules are bound to it (its constants are literals), subtrees
worth computing once are computed first, smallest first, each into a column of a common table
expression that the larger expressions read, and the outcome record is built in stages:
criteria, then eligibility, failed rules, message values and points, then the score. The
quotas' queries are put together with ``UNION ALL``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from eligibility.engines.vectorized import _outside_loops, _trees
from eligibility.frames import (
    ELIGIBLE,
    FAILED,
    FAILED_SEPARATOR,
    QUOTA,
    SCORE,
    criterion_column,
    points_column,
    shown_column,
)
from eligibility.language import nodes as n
from eligibility.language.reference import UnboundError
from eligibility.language.registry import entry_of
from eligibility.language.sql_builder import (
    LetSink,
    SqlBuilder,
    SqlLowered,
    alias,
    column,
    select,
    string,
    table,
)
from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    ByCodeType,
    RangeType,
    Type,
)
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules

__all__ = ["SqlLowerer", "outcome_query", "outcome_types"]


@dataclass(frozen=True)
class SqlLowerer:
    """Lowers bound, folded trees to SQL expressions over one relation's columns.

    ``computed`` maps subtrees (by their text) to the columns already holding their values
    (an interval in two columns, ``<name>.start`` and ``<name>.end``).
    """

    build: SqlBuilder
    frame_columns: frozenset[str]
    loop: dict[str, SqlLowered] = field(default_factory=dict)
    computed: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> frozenset[str]:
        return self.frame_columns

    def value(self, node: n.Node) -> SqlLowered:
        name = self.computed.get(repr(node)) if self.computed else None
        if name is not None:
            if node.type == INTERVAL:
                return column(f"{name}.start"), column(f"{name}.end")
            return column(name)
        if isinstance(node, n.Const):
            return self.build.literal(node.value, node.type)
        if isinstance(node, n.FieldRef):
            if node.name not in self.frame_columns:
                return self.build.null(node.type)
            if node.type == INTERVAL:
                return self.build.pair(column(node.name))
            return column(node.name)
        if isinstance(node, n.LoopVar):
            return self.loop[node.name]
        if isinstance(node, (n.QuotaRef, n.ParamRef)):
            raise UnboundError(f"'{node.name}' must be bound to a quota before lowering")
        entry = entry_of(node)
        assert entry is not None, type(node).__name__
        return entry.sql(self, node)

    def expr(self, node: n.Node) -> exp.Expression:
        return self.build.as_value(self.value(node), node.type)

    def inner(self, var: str, item: SqlLowered) -> SqlLowerer:
        return SqlLowerer(self.build, self.frame_columns, {**self.loop, var: item},
                          self.computed)


def outcome_types(rulebook: CompiledRulebook) -> dict[str, Type]:
    """The language type of each outcome column (:func:`eligibility.frames.outcome_schema`)."""
    points: Type = INT if rulebook.integer_points else NUMBER
    types: dict[str, Type] = {criterion_column(rule): BOOL for rule in rulebook.criterion_ids}
    for rule, kinds in rulebook.shown_types.items():
        for index, kind in enumerate(kinds):
            types[shown_column(rule, index)] = kind
    types[ELIGIBLE] = BOOL
    types[FAILED] = TEXT
    types.update({points_column(rule): points for rule in rulebook.priority_ids})
    types[SCORE] = points
    return types


def outcome_query(rulebook: CompiledRulebook, build: SqlBuilder, source: exp.Expression,
                  columns: Sequence[str], keep: Sequence[str]) -> exp.Expression:
    """One query giving, for each nomination of ``source`` (a table or subquery with the
    nominations' ``columns``), the ``keep`` columns followed by the outcome record.

    Nominations of a quota the rulebook does not have are left out.
    """
    ctes: list[tuple[str, exp.Select]] = []
    parts = [_quota_query(rulebook, rules, build, source, frozenset(columns), keep, index,
                          ctes)
             for index, rules in enumerate(rulebook.quotas.values())]
    query: exp.Expression = parts[0]
    for part in parts[1:]:
        query = exp.Union(this=query, expression=part, distinct=False)
    query.set("with_", exp.With(expressions=[
        exp.CTE(this=cte, alias=exp.TableAlias(this=exp.to_identifier(name, quoted=True)))
        for name, cte in ctes]))
    return query


def _quota_query(rulebook: CompiledRulebook, rules: QuotaRules, build: SqlBuilder,
                 source: exp.Expression, columns: frozenset[str], keep: Sequence[str],
                 index: int, ctes: list[tuple[str, exp.Select]]) -> exp.Select:
    """One quota's part of the query; its common table expressions go to ``ctes``."""
    prefix = f"__q{index}_"
    first = len(ctes)

    def add(selections: list[exp.Expression]) -> None:
        query = select(exp.Star(), *selections, source=table(ctes[-1][0]))
        if build.dialect == "postgres":
            # OFFSET 0 keeps PostgreSQL from folding the stages into one another, which
            # would copy each computed expression into every place that reads it.
            query.set("offset", exp.Offset(expression=exp.Literal.number(0)))
        ctes.append((f"{prefix}{len(ctes) - first}", query))

    def stage(make: Callable[[], list[exp.Expression]]) -> None:
        """A stage of columns, after the stages of the values its formulas name."""
        sink = LetSink(f"{prefix}v{len(ctes) - first}_")
        build.lets = sink
        try:
            selections = make()
        finally:
            build.lets = None
        for level in sink.levels:
            add(level)
        add(selections)

    ctes.append((f"{prefix}0", select(exp.Star(), source=source, where=exp.EQ(
        this=column(QUOTA), expression=string(rules.quota.id)))))
    computed: dict[str, str] = {}
    for level in _levels(computed_subtrees(rules)):
        lowerer = SqlLowerer(build, columns, computed=dict(computed))
        names = {repr(node): f"{prefix}s{len(computed) + offset}"
                 for offset, node in enumerate(level)}

        def shared(level: list[n.Node] = level, lowerer: SqlLowerer = lowerer,
                   names: dict[str, str] = names) -> list[exp.Expression]:
            selections: list[exp.Expression] = []
            for node in level:
                name = names[repr(node)]
                if node.type == INTERVAL:
                    start, end = build.pair(lowerer.value(node))
                    selections += [alias(start, f"{name}.start"), alias(end, f"{name}.end")]
                else:
                    selections.append(alias(lowerer.expr(node), name))
            return selections

        stage(shared)
        computed.update(names)
    lowerer = SqlLowerer(build, columns, computed=computed)
    types = outcome_types(rulebook)

    def typed(name: str, value: exp.Expression) -> exp.Expression:
        return alias(build.cast(value, types[name]), name)

    applying = [criterion.id for criterion in rules.criteria]
    stage(lambda: [typed(criterion_column(criterion.id),
                         build.coalesce(lowerer.expr(criterion.condition), exp.false()))
                   for criterion in rules.criteria])
    met = {rule: column(criterion_column(rule)) for rule in applying}
    produced = {ELIGIBLE, FAILED, SCORE, *(criterion_column(rule) for rule in applying)}

    def second() -> list[exp.Expression]:
        selections = [typed(ELIGIBLE, build.all_of(list(met.values()))),
                      typed(FAILED, build.concat_ws(FAILED_SEPARATOR, [
                          build.when(build.not_(met[rule]), string(rule))
                          for rule in applying]) if applying else string(""))]
        for criterion in rules.criteria:
            slots = {part.slot: part.expression for parts in criterion.message.values()
                     for part in parts
                     if part.slot is not None and part.expression is not None}
            for slot, node in slots.items():
                name = shown_column(criterion.id, slot)
                produced.add(name)
                selections.append(typed(name, build.when(build.not_(met[criterion.id]),
                                                         lowerer.expr(node))))
        return selections

    stage(second)
    zero = build.literal(0, types[SCORE])
    stage(lambda: [typed(points_column(priority.id), build.when(
        column(ELIGIBLE), build.coalesce(build.cast(lowerer.expr(priority.points),
                                                    types[SCORE]), zero)))
        for priority in rules.priorities])
    given = [points_column(priority.id) for priority in rules.priorities]
    produced.update(given)
    points = [column(name) for name in given]

    def score() -> list[exp.Expression]:
        total = (build.plus_all(points, types[SCORE]) if types[SCORE] == INT
                 else build.number_sum(points)) if points else zero
        return [typed(SCORE, build.when(column(ELIGIBLE), total))]

    stage(score)
    outcome = []
    for name, kind in types.items():
        if name in produced:
            outcome.append(column(name))
        else:
            outcome.append(alias(build.cast(exp.null(), kind), name))
    return select(*(column(name) for name in keep), *outcome, source=table(ctes[-1][0]))


def computed_subtrees(rules: QuotaRules) -> list[n.Node]:
    """Every subtree of a quota's rules computed into a column of its own, smallest first.

    Unlike polars, an SQL expression cannot name an intermediate value: a lowering that
    reads an operand twice (``CASE WHEN v BETWEEN … THEN CAST(v AS BIGINT) END``) writes it
    twice, and nested, the text would grow exponentially. So every operation outside a loop
    reads its operands from columns computed at an earlier stage.
    """
    nodes: dict[str, n.Node] = {}
    for tree in _trees(rules):
        for node in _outside_loops(tree):
            if isinstance(node, (n.Const, n.FieldRef, n.LoopVar, n.Range)) \
                    or node.type == AGE_SCHEDULE or isinstance(node.type, (ByCodeType, RangeType)):
                continue
            nodes.setdefault(repr(node), node)
    return sorted(nodes.values(), key=lambda node: sum(1 for _ in node.walk()))


def _levels(nodes: list[n.Node]) -> list[list[n.Node]]:
    """The shared subtrees grouped so that each group reads only the groups before it."""
    keys = {repr(node) for node in nodes}
    level: dict[str, int] = {}
    for node in nodes:  # smallest first: every shared subtree inside comes earlier
        inner = [level[repr(child)] for child in node.walk()
                 if child is not node and repr(child) in keys and repr(child) in level]
        level[repr(node)] = 1 + max(inner, default=-1)
    grouped: dict[int, list[n.Node]] = {}
    for node in nodes:
        grouped.setdefault(level[repr(node)], []).append(node)
    return [grouped[key] for key in sorted(grouped)]
