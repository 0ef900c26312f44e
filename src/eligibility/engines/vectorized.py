"""The vectorized engine: bound trees lowered to polars expressions, all rows at once.

Every node is lowered by its registry entry's polars lowering
(:mod:`eligibility.language.registry`); this module only provides the context those
lowerings need (:class:`Lowerer`) and assembles a quota's outcome columns. Rules are bound to
each quota at load time, so each quota's constants (dates, year ranges, parameters in force)
are literals here; the frame is split by quota, each part evaluated with its own expressions,
and the parts put back in the original row order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import polars as pl

from eligibility.calendar import days_of
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
from eligibility.language.types import AGE_SCHEDULE, DATE, INTERVAL
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules

_ROW = "__row"


@dataclass(frozen=True)
class Lowerer:
    """Lowers bound, folded trees to polars expressions over one frame's columns.

    ``computed`` maps subtrees (by their text) to columns already holding their values.
    """

    frame_columns: frozenset[str]
    loop: dict[str, Lowered] = field(default_factory=dict)
    computed: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> frozenset[str]:
        return self.frame_columns

    def value(self, node: n.Node) -> Lowered:
        column = self.computed.get(repr(node)) if self.computed else None
        if column is not None:
            return pair(pl.col(column)) if node.type == INTERVAL else pl.col(column)
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
        return Lowerer(self.frame_columns, {**self.loop, var: item}, self.computed)


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
    order = [_ROW, *frame.columns, *schema]
    parts = [quota_plan(rulebook, rulebook.quotas[quota_id], part.lazy()).select(order)
             .collect() for (quota_id,), part in by_quota.items()]
    result = pl.concat(parts, how="vertical").sort(_ROW).drop(_ROW)
    return result.select(*frame.columns, *schema)


def quota_plan(rulebook: CompiledRulebook, rules: QuotaRules,
               part: pl.LazyFrame) -> pl.LazyFrame:
    """``part`` (one quota's nominations) with its outcome columns."""
    program = quota_program(rulebook, rules, part.collect_schema().names())
    return program.outcome(part)


@dataclass(frozen=True)
class QuotaProgram:
    """One quota's rules as polars expressions, in the stages that compute them.

    Subtrees worth computing once — function calls, and anything the quota's rules use more
    than once (a ``let:`` name, a placeholder repeating the condition) — are computed first,
    smallest first, each into a temporary column that the larger expressions then read:
    expressions stay small, and nothing is computed twice. Then come the criteria, the
    verdict (``eligible``, ``failed``), the values the failure messages show, the points and
    the score; each stage reads the columns the stages before it added.

    Built once per rulebook, quota and set of input columns (:func:`quota_program`); the
    expressions are then applied to any number of frames.
    """

    shared: tuple[pl.Expr, ...]  # one temporary column each, in order
    criteria: tuple[pl.Expr, ...]
    verdict: tuple[pl.Expr, ...]
    shown: tuple[pl.Expr, ...]
    points: tuple[pl.Expr, ...]
    score: tuple[pl.Expr, ...]
    temporary: tuple[str, ...]

    def decided(self, part: pl.LazyFrame) -> pl.LazyFrame:
        """``part`` with the criteria, the verdict, the points and the score, and the
        temporary columns the message values need (:meth:`with_shown` adds those)."""
        for expression in self.shared:
            part = part.with_columns(expression)
        return (part.with_columns(self.criteria).with_columns(self.verdict)
                .with_columns(self.points).with_columns(self.score))

    def with_shown(self, part: pl.LazyFrame) -> pl.LazyFrame:
        """A frame from :meth:`decided` with the values the failure messages show; the
        temporary columns are dropped."""
        return part.with_columns(self.shown).drop(self.temporary)

    def outcome(self, part: pl.LazyFrame) -> pl.LazyFrame:
        """``part`` with every outcome column."""
        for expression in self.shared:
            part = part.with_columns(expression)
        return (part.with_columns(self.criteria).with_columns(*self.verdict, *self.shown)
                .with_columns(self.points).with_columns(self.score).drop(self.temporary))


_PROGRAMS = "vectorized"


def quota_program(rulebook: CompiledRulebook, rules: QuotaRules,
                  columns: Iterable[str]) -> QuotaProgram:
    """The quota's :class:`QuotaProgram` over a frame with ``columns``, built once."""
    available = frozenset(columns)
    # Keyed by the rules themselves: rulebooks derived from one another share the cache.
    programs: dict[tuple[int, frozenset[str]], tuple[QuotaRules, QuotaProgram]] = \
        rulebook.engine_cache.setdefault(_PROGRAMS, {})
    key = (id(rules), available)
    found = programs.get(key)
    if found is None or found[0] is not rules:
        found = programs[key] = (rules, _program(rulebook, rules, available))
    return found[1]


def _program(rulebook: CompiledRulebook, rules: QuotaRules,
             columns: frozenset[str]) -> QuotaProgram:
    computed: dict[str, str] = {}
    shared = []
    for node in shared_subtrees(rules):
        name = f"__shared{len(computed)}"
        date_field = _only_date_field(node, columns)
        expression = Lowerer(columns, computed=dict(computed)).expr(node) \
            if date_field is None else by_day(Lowerer(frozenset({date_field})).expr(node),
                                              date_field)
        shared.append(expression.alias(name))
        computed[repr(node)] = name
    stages = quota_outcome(rulebook, rules, Lowerer(columns, computed=computed))
    return QuotaProgram(shared=tuple(shared), criteria=tuple(stages.criteria),
                        verdict=tuple(stages.verdict), shown=tuple(stages.shown),
                        points=tuple(stages.points), score=tuple(stages.score),
                        temporary=tuple(computed.values()))


def _only_date_field(node: n.Node, columns: frozenset[str]) -> str | None:
    """The field a subtree reads, when it reads one date field of the frame and nothing
    else that varies by row (no loop, no other field)."""
    fields = set()
    for inner in node.walk():
        if isinstance(inner, (n.LoopVar, n.Reduce)):
            return None
        if isinstance(inner, n.FieldRef):
            if inner.type != DATE or inner.name not in columns:
                return None
            fields.add(inner.name)
    return fields.pop() if len(fields) == 1 else None


def by_day(expression: pl.Expr, column: str) -> pl.Expr:
    """``expression``, which reads the date column ``column`` alone, worked out once for
    each day from the column's first date to its last (and once for a missing date), each
    row then taking its day's value (:func:`~eligibility.calendar.days_of`).

    An age or a length of service on a fixed date depends on the date alone: the calendar
    arithmetic runs per day, and each row costs one look-up. Where the column has fewer rows
    than days in its range, the expression runs on the rows as they are.
    """
    return_dtype = pl.DataFrame(schema={column: pl.Date}).select(expression).dtypes[0]

    def apply(dates: pl.Series) -> pl.Series:
        tabulated = days_of(dates)
        if tabulated is None:
            return dates.to_frame(column).select(expression).to_series()
        domain, place = tabulated
        with_missing = pl.concat([domain, pl.Series([None], dtype=pl.Date)])
        table = with_missing.to_frame(column).select(expression).to_series()
        return table.gather(place.fill_null(len(domain))).alias(dates.name)

    return pl.col(column).map_batches(apply, return_dtype=return_dtype)


def used_fields(rulebook: CompiledRulebook) -> set[str]:
    """The candidate fields some quota's rules read (conditions, messages, points)."""
    names: set[str] = set()
    for rules in rulebook.quotas.values():
        for tree in _trees(rules):
            names.update(node.name for node in tree.walk() if isinstance(node, n.FieldRef))
    return names


def shared_subtrees(rules: QuotaRules) -> list[n.Node]:
    """The subtrees of a quota's rules to compute once, each after the ones inside it."""
    counts: dict[str, int] = {}
    nodes: dict[str, n.Node] = {}
    for tree in _trees(rules):
        for node in _outside_loops(tree):
            key = repr(node)
            counts[key] = counts.get(key, 0) + 1
            nodes[key] = node
    chosen = [node for key, node in nodes.items()
              if not isinstance(node, (n.Const, n.FieldRef, n.LoopVar, n.Range))
              and node.type != AGE_SCHEDULE
              and (counts[key] > 1 or isinstance(node, n.Call))]
    return sorted(chosen, key=lambda node: sum(1 for _ in node.walk()))


def _trees(rules: QuotaRules) -> list[n.Node]:
    trees = [criterion.condition for criterion in rules.criteria]
    trees += [part.expression for criterion in rules.criteria
              for parts in criterion.message.values() for part in parts
              if part.expression is not None]
    trees += [priority.points for priority in rules.priorities]
    return trees


def _outside_loops(node: n.Node) -> list[n.Node]:
    """``node`` and its subtrees, except those inside a reducer (they read loop items)."""
    found = [node]
    if isinstance(node, n.Reduce):
        return found
    for child in node.children():
        found += _outside_loops(child)
    return found


@dataclass(frozen=True)
class OutcomeStages:
    """A quota's outcome columns as expressions, by the stage that computes them."""

    criteria: list[pl.Expr]
    verdict: list[pl.Expr]  # eligible, failed
    shown: list[pl.Expr]  # the values failure messages show (null where met)
    points: list[pl.Expr]
    score: list[pl.Expr]

    def __iter__(self) -> Iterator[list[pl.Expr]]:
        """The stages in the order they can be computed (messages' values with the
        verdict)."""
        return iter([self.criteria, [*self.verdict, *self.shown], self.points, self.score])


def quota_outcome(rulebook: CompiledRulebook, rules: QuotaRules,
                  lowerer: Lowerer) -> OutcomeStages:
    """The outcome columns of one quota's nominations, in stages: each stage's expressions
    read the columns the stages before it added (criteria, then eligibility, messages'
    values and points, then the score)."""
    schema = outcome_schema(rulebook)
    typed = {name: dtype for name, dtype in schema.items()}

    def column(name: str, value: pl.Expr) -> pl.Expr:
        return value.cast(typed[name]).alias(name)

    applying = {criterion.id for criterion in rules.criteria}
    criteria = [column(criterion_column(criterion.id),
                       lowerer.expr(criterion.condition).fill_null(False))
                for criterion in rules.criteria]
    criteria += [pl.lit(None, pl.Boolean).alias(criterion_column(rule))
                 for rule in rulebook.criterion_ids if rule not in applying]
    met = {rule: pl.col(criterion_column(rule)) for rule in applying}
    eligible = pl.all_horizontal(list(met.values())) if met else pl.lit(True)
    verdict = [column(ELIGIBLE, eligible),
               column(FAILED, _failed([criterion.id for criterion in rules.criteria]))]
    shown: list[pl.Expr] = []
    filled: set[str] = set()
    for criterion in rules.criteria:
        slots = {part.slot: part.expression for parts in criterion.message.values()
                 for part in parts if part.slot is not None and part.expression is not None}
        for slot, node in slots.items():
            name = shown_column(criterion.id, slot)
            filled.add(name)
            shown.append(column(name, pl.when(~met[criterion.id]).then(lowerer.expr(node))))
    shown += [pl.lit(None, dtype).alias(name) for name, dtype in schema.items()
              if name.startswith("shown.") and name not in filled]
    points_type = schema[SCORE]
    points = [column(points_column(priority.id), pl.when(pl.col(ELIGIBLE)).then(
        lowerer.expr(priority.points).fill_null(0))) for priority in rules.priorities]
    given = {priority.id for priority in rules.priorities}
    points += [pl.lit(None, points_type).alias(points_column(rule))
               for rule in rulebook.priority_ids if rule not in given]
    score = pl.sum_horizontal([pl.col(points_column(rule)) for rule in given]) if given \
        else pl.lit(0, points_type)
    return OutcomeStages(criteria, verdict, shown, points,
                         [column(SCORE, pl.when(pl.col(ELIGIBLE)).then(score))])


#: Criteria of a quota up to which ``failed`` is looked up in a table of every combination
#: of unmet criteria (2**12 entries) rather than joined row by row.
MAX_TABULATED_CRITERIA = 12


def _failed(rules: list[str]) -> pl.Expr:
    """The ids of the unmet criteria among ``rules`` (their ``criterion.<id>`` columns, never
    null), joined in order.

    Each row's combination of unmet criteria is numbered (bit ``i`` for ``rules[i]``) and its
    text taken from a table of every combination: about six times faster than joining the
    ids of each row, with the same text."""
    if not rules:
        return pl.lit("")
    unmet = [pl.col(criterion_column(rule)).not_() for rule in rules]
    if len(rules) > MAX_TABULATED_CRITERIA:
        return pl.concat_str([pl.when(failing).then(pl.lit(rule))
                              for rule, failing in zip(rules, unmet, strict=True)],
                             separator=FAILED_SEPARATOR, ignore_nulls=True)
    texts = [FAILED_SEPARATOR.join(rule for bit, rule in enumerate(rules) if code >> bit & 1)
             for code in range(1 << len(rules))]
    code = pl.sum_horizontal([failing.cast(pl.UInt32) * (1 << bit)
                              for bit, failing in enumerate(unmet)])
    return pl.lit(pl.Series(texts, dtype=pl.String)).gather(code)
