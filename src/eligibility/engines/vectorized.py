"""Vectorized execution: typed trees compiled to polars expressions, all rows at once.

Rules are bound to each quota at load time, so every quota's constants (dates, year ranges,
parameters in force) are literals here; the frame is split by quota, each part evaluated
with its own expressions, and the parts put back in the original row order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eligibility import calendar
from eligibility.language import nodes as n
from eligibility.language.fold import substitute
from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    ByCodeType,
    EnumType,
    ListType,
    Type,
)
from eligibility.language.values import Interval
from eligibility.messages import (
    BOOLEAN_WORDS,
    DATE_FORMATS,
    EMPTY_WORDS,
    INTERVAL_SEPARATOR,
    LANGUAGES,
    LIST_SEPARATOR,
    REASON_SEPARATOR,
    format_number,
)
from eligibility.rulebook.compiled import (
    CompiledRulebook,
    MessagePart,
    QuotaRules,
    criterion_column,
    points_column,
    yearly_column,
)

Compiled = pl.Expr | tuple[pl.Expr, pl.Expr]  # an interval is a (start, end) pair
QUOTA = "quota_id"
ROW = "__row"


def evaluate_frame(rulebook: CompiledRulebook, frame: pl.DataFrame, *,
                   languages: Sequence[str] = LANGUAGES) -> pl.DataFrame:
    """Decide every nomination of ``frame`` (one row per candidate and quota).

    ``frame`` holds ``quota_id`` and the typed candidate columns (see
    :mod:`eligibility.intake`). The result adds, per row: ``criterion.<id>`` (true = met,
    null = not applicable to that quota), ``eligible``, ``failed`` (rule ids, ``;``-joined),
    ``reasons.<language>`` for each of ``languages`` (rendered failure messages),
    ``points.<id>`` and ``score`` (null when ineligible).
    """
    indexed = frame.with_row_index(ROW)
    labels = rulebook.labels
    points_type = _points_dtype(rulebook)
    by_quota = indexed.partition_by(QUOTA, as_dict=True, maintain_order=True)
    unknown = sorted(str(key[0]) for key in by_quota if key[0] not in rulebook.quotas)
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
    # Each quota is collected on its own: one plan holding every quota's expressions costs
    # polars more to optimize than it saves.
    parts = [_evaluate_quota(rulebook.quotas[quota_id], part.lazy(), labels, rulebook,
                             points_type, languages).collect()
             for (quota_id,), part in by_quota.items()]
    if not parts:
        return _empty_result(rulebook, frame, points_type, languages)
    result = pl.concat(parts, how="diagonal_relaxed").sort(ROW).drop(ROW)
    return result.select(_output_order(rulebook, frame.columns, languages))


def _output_order(rulebook: CompiledRulebook, columns: Sequence[str],
                  languages: Sequence[str]) -> list[str]:
    added = [*(criterion_column(rule) for rule in rulebook.criterion_ids), "eligible",
             "failed", *(f"reasons.{language}" for language in languages),
             *(points_column(rule) for rule in rulebook.priority_ids), "score"]
    return [*columns, *added]


def _empty_result(rulebook: CompiledRulebook, frame: pl.DataFrame,
                  points_type: pl.DataType, languages: Sequence[str]) -> pl.DataFrame:
    columns = {
        **{criterion_column(rule): pl.Boolean for rule in rulebook.criterion_ids},
        "eligible": pl.Boolean, "failed": pl.String,
        **{f"reasons.{language}": pl.String for language in languages},
        **{points_column(rule): points_type for rule in rulebook.priority_ids},
        "score": points_type,
    }
    return frame.with_columns(pl.lit(None, dtype).alias(name) for name, dtype in columns.items())


def _points_dtype(rulebook: CompiledRulebook) -> pl.DataType:
    kinds = {priority.points.type for rules in rulebook.quotas.values()
             for priority in rules.priorities}
    return pl.Int64() if kinds <= {INT} else pl.Float64()


def _evaluate_quota(rules: QuotaRules, part: pl.LazyFrame,
                    labels: dict[str, dict[str, dict[str, str]]],
                    rulebook: CompiledRulebook, points_type: pl.DataType,
                    languages: Sequence[str]) -> pl.LazyFrame:
    compiler = ExpressionCompiler(set(part.collect_schema().names()))
    met = {criterion.id: compiler.compile(criterion.condition).fill_null(False)
           for criterion in rules.criteria}
    part = part.with_columns(
        *(value.alias(criterion_column(rule)) for rule, value in met.items()),
        *(pl.lit(None, pl.Boolean).alias(criterion_column(rule))
          for rule in rulebook.criterion_ids if rule not in met))
    eligible = pl.all_horizontal([pl.col(criterion_column(rule)) for rule in met]) \
        if met else pl.lit(True)
    part = part.with_columns(eligible.alias("eligible"))
    points = {priority.id: pl.when(pl.col("eligible")).then(
        compiler.compile(priority.points).fill_null(0).cast(points_type))
        for priority in rules.priorities}
    part = part.with_columns(
        *(value.alias(points_column(rule)) for rule, value in points.items()),
        *(pl.lit(None, points_type).alias(points_column(rule))
          for rule in rulebook.priority_ids if rule not in points))
    score = pl.sum_horizontal([pl.col(points_column(rule)) for rule in points]) \
        if points else pl.lit(0, points_type)
    part = part.with_columns(
        pl.when(pl.col("eligible")).then(score.cast(points_type)).alias("score"))
    return _with_reasons(part, rules, compiler, labels, languages)


def _with_reasons(part: pl.LazyFrame, rules: QuotaRules, compiler: ExpressionCompiler,
                  labels: dict[str, dict[str, dict[str, str]]],
                  languages: Sequence[str]) -> pl.LazyFrame:
    """Add failed rule ids and rendered messages; messages are built for failing rows only."""
    failed = [pl.when(~pl.col(criterion_column(criterion.id))).then(pl.lit(criterion.id))
              for criterion in rules.criteria]
    part = part.with_columns(_joined(failed, ";").alias("failed"))
    if not languages:
        return part
    reasons = part.filter(~pl.col("eligible")).select(
        ROW, *(_joined([pl.when(~pl.col(criterion_column(criterion.id))).then(
            _message(compiler, criterion.message[language], language, labels[language]))
            for criterion in rules.criteria], REASON_SEPARATOR).alias(f"reasons.{language}")
          for language in languages))
    joined = part.join(reasons, on=ROW, how="left", maintain_order="left")
    return joined.with_columns(pl.col(f"reasons.{language}").fill_null("")
                               for language in languages)


def _joined(items: list[pl.Expr], separator: str) -> pl.Expr:
    if not items:
        return pl.lit("")
    return pl.concat_str(items, separator=separator, ignore_nulls=True)


def _message(compiler: ExpressionCompiler, parts: tuple[MessagePart, ...], language: str,
             labels: dict[str, dict[str, str]]) -> pl.Expr:
    pieces: list[pl.Expr] = []
    for part in parts:
        if part.expression is None:
            pieces.append(pl.lit(part.text))
        else:
            pieces.append(render_expr(compiler, part.expression, language, labels))
    return pl.concat_str(pieces) if pieces else pl.lit("")


def render_expr(compiler: ExpressionCompiler, node: n.Node, language: str,
                labels: dict[str, dict[str, str]]) -> pl.Expr:
    """A placeholder's value as message text, following :mod:`eligibility.messages`."""
    value = compiler.compile(node)
    return _render(value, node.type, language, labels).fill_null(EMPTY_WORDS[language])


def _render(value: Compiled, kind: Type, language: str,
            labels: dict[str, dict[str, str]]) -> pl.Expr:
    if kind == INTERVAL:
        start, end = _pair(value)
        return pl.concat_str([start.dt.strftime(DATE_FORMATS[language]),
                              pl.lit(INTERVAL_SEPARATOR),
                              end.dt.strftime(DATE_FORMATS[language])])
    assert isinstance(value, pl.Expr)
    if kind == DATE:
        return value.dt.strftime(DATE_FORMATS[language])
    if kind == BOOL:
        yes, no = BOOLEAN_WORDS[language]
        return pl.when(value).then(pl.lit(yes)).when(~value).then(pl.lit(no))
    if isinstance(kind, EnumType):
        mapping = labels.get(kind.name, {})
        return value.cast(pl.String).replace(mapping)
    if isinstance(kind, ListType):
        inner = _render(pl.element(), kind.item, language, labels)
        return value.list.eval(inner).list.join(LIST_SEPARATOR)
    if kind == NUMBER:
        return value.map_elements(format_number, return_dtype=pl.String)
    return value.cast(pl.String)


def _pair(value: Compiled) -> tuple[pl.Expr, pl.Expr]:
    if isinstance(value, tuple):
        return value
    return value.struct.field("start"), value.struct.field("end")


@dataclass
class ExpressionCompiler:
    """Compiles bound, folded trees into polars expressions over one frame's columns."""

    columns: set[str]
    loop: dict[str, Compiled] = field(default_factory=dict)

    def compile(self, node: n.Node) -> pl.Expr:
        value = self.value(node)
        if isinstance(value, tuple):
            return pl.struct(value[0].alias("start"), value[1].alias("end"))
        return value

    def value(self, node: n.Node) -> Compiled:
        return getattr(self, f"_{type(node).__name__}")(node)

    def _Const(self, node: n.Const) -> Compiled:
        return constant(node.value, node.type)

    def _FieldRef(self, node: n.FieldRef) -> Compiled:
        if node.name not in self.columns:
            return pl.lit(None, dtype=polars_type(node.type))
        if node.type == INTERVAL:
            return _pair(pl.col(node.name))
        return pl.col(node.name)

    def _LoopVar(self, node: n.LoopVar) -> Compiled:
        return self.loop[node.name]

    def _Attribute(self, node: n.Attribute) -> Compiled:
        operand = self.value(node.operand)
        if node.operand.type == INTERVAL:
            start, end = _pair(operand)
            return start if node.name == "start" else end
        assert isinstance(operand, pl.Expr)
        part = {"year": operand.dt.year(), "month": operand.dt.month(),
                "day": operand.dt.day()}[node.name]
        return part.cast(pl.Int64)

    def _Index(self, node: n.Index) -> Compiled:
        if isinstance(node.operand, n.FieldRef):  # a yearly field
            if isinstance(node.key, n.Const):
                column = yearly_column(node.operand.name, node.key.value)
                return pl.col(column) if column in self.columns \
                    else pl.lit(None, dtype=polars_type(node.type))
            return self._yearly_by_expression(node)
        assert isinstance(node.operand, n.Const) and isinstance(node.operand.type, ByCodeType)
        mapping: dict[str, Any] = node.operand.value
        key = self.compile(node.key).cast(pl.String)
        result: pl.Expr = pl.lit(None, dtype=polars_type(node.type))
        for code, item in mapping.items():
            result = pl.when(key == code).then(constant(item, node.type)).otherwise(result)
        return result

    def _yearly_by_expression(self, node: n.Index) -> pl.Expr:
        assert isinstance(node.operand, n.FieldRef)
        key = self.compile(node.key)
        prefix = re.escape(node.operand.name) + r"\[(\d+)\]"
        result: pl.Expr = pl.lit(None, dtype=polars_type(node.type))
        for column in sorted(self.columns):
            match = re.fullmatch(prefix, column)
            if match:
                result = pl.when(key == int(match.group(1))).then(pl.col(column)).otherwise(
                    result)
        return result

    def _Not(self, node: n.Not) -> Compiled:
        return ~self.compile(node.operand)

    def _Negate(self, node: n.Negate) -> Compiled:
        return -self.compile(node.operand)

    def _BoolOp(self, node: n.BoolOp) -> Compiled:
        values = [self.compile(operand) for operand in node.operands]
        result = values[0]
        for value in values[1:]:
            result = (result & value) if node.op == "and" else (result | value)
        return result

    def _Compare(self, node: n.Compare) -> Compiled:
        left, right = self._comparable(node.left), self._comparable(node.right)
        return {"==": left.eq, "!=": left.ne, "<": left.lt, "<=": left.le, ">": left.gt,
                ">=": left.ge}[node.op](right)

    def _comparable(self, node: n.Node) -> pl.Expr:
        value = self.compile(node)
        if isinstance(node.type, EnumType):
            # Compare codes by their position in the vocabulary (ordered) or as text.
            codes = list(node.type.codes)
            text = value.cast(pl.String)
            return text.replace_strict(codes, list(range(len(codes))), default=None,
                                       return_dtype=pl.Int64) if node.type.ordered else text
        return value

    def _IsNull(self, node: n.IsNull) -> Compiled:
        value = self.compile(node.operand)
        return value.is_not_null() if node.negated else value.is_null()

    def _Member(self, node: n.Member) -> Compiled:
        element = self.compile(node.element)
        if isinstance(node.element.type, EnumType):
            element = element.cast(pl.String)
        if isinstance(node.container, n.Const):
            items = [item for item in node.container.value if item is not None]
            dtype = pl.String() if isinstance(node.element.type, EnumType) \
                else polars_type(_item_type(node.element, node.container))
            found = element.is_in(pl.lit(pl.Series(items, dtype=dtype)).implode())
        elif isinstance(node.container, n.ListOf):
            found = pl.any_horizontal([element == self.compile(item)
                                       for item in node.container.items]).fill_null(False)
        else:
            container = self.compile(node.container)
            found = container.list.contains(element)
            found = pl.when(container.is_null()).then(None).otherwise(found)
        result = ~found if node.negated else found
        return pl.when(element.is_null()).then(None).otherwise(result)

    def _Arith(self, node: n.Arith) -> Compiled:
        left, right = self.compile(node.left), self.compile(node.right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        divided = {"/": lambda: left.cast(pl.Float64) / right, "//": lambda: left // right,
                   "%": lambda: left % right}[node.op]()
        return pl.when(right == 0).then(None).otherwise(divided)

    def _Conditional(self, node: n.Conditional) -> Compiled:
        then, otherwise = self.compile(node.then), self.compile(node.otherwise)
        if node.type == NUMBER:
            then, otherwise = then.cast(pl.Float64), otherwise.cast(pl.Float64)
        return pl.when(self.compile(node.test)).then(then).otherwise(otherwise)

    def _Call(self, node: n.Call) -> Compiled:
        schedule_index = _schedule_index(node)
        if schedule_index is not None:
            return self._per_schedule(node, schedule_index)
        handler: Callable[..., Compiled] = getattr(self, f"_call_{node.function}")
        return handler(*node.args)

    def _per_schedule(self, node: n.Call, index: int) -> pl.Expr:
        """A call taking ``schedules[code]``: one branch per code of the vocabulary."""
        selector = node.args[index]
        assert isinstance(selector, n.Index) and isinstance(selector.operand, n.Const)
        key = self.compile(selector.key).cast(pl.String)
        result: pl.Expr = pl.lit(None, dtype=polars_type(node.type))
        for code, schedule in selector.operand.value.items():
            args = list(node.args)
            args[index] = n.Const(AGE_SCHEDULE, schedule)
            branch = self.compile(n.Call(node.type, node.function, tuple(args)))
            result = pl.when(key == code).then(branch).otherwise(result)
        return result

    # functions ---------------------------------------------------------------------------
    def _call_age_on(self, birth: n.Node, on: n.Node) -> Compiled:
        return calendar.completed_years_expr(self.compile(birth), self.compile(on))

    def _call_completed_years(self, start: n.Node, on: n.Node) -> Compiled:
        return calendar.completed_years_expr(self.compile(start), self.compile(on))

    def _call_completed_months(self, start: n.Node, on: n.Node) -> Compiled:
        return calendar.completed_months_expr(self.compile(start), self.compile(on))

    def _call_add_months(self, day: n.Node, months: n.Node) -> Compiled:
        return self._shift_months(self.compile(day), months, 1)

    def _call_add_years(self, day: n.Node, years: n.Node) -> Compiled:
        return self._shift_months(self.compile(day), years, 12)

    def _shift_months(self, day: pl.Expr, amount: n.Node, factor: int) -> pl.Expr:
        if isinstance(amount, n.Const):
            return calendar.add_months_expr(day, amount.value * factor)
        months = self.compile(amount) * factor
        shifted = day.dt.offset_by(pl.format("{}mo", months))
        return pl.when(months.is_null()).then(None).otherwise(shifted)

    def _call_add_days(self, day: n.Node, days: n.Node) -> Compiled:
        return self.compile(day) + pl.duration(days=self.compile(days))

    def _call_days_between(self, start: n.Node, end: n.Node) -> Compiled:
        return (self.compile(end) - self.compile(start)).dt.total_days().cast(pl.Int64)

    def _call_last_day_of_month(self, day: n.Node) -> Compiled:
        return self.compile(day).dt.month_end()

    def _call_retirement_date(self, birth: n.Node, schedule: n.Node) -> Compiled:
        assert isinstance(schedule, n.Const)
        return calendar.retirement_date_expr(self.compile(birth), schedule.value)

    def _call_interval(self, start: n.Node, end: n.Node) -> Compiled:
        first, last = self.compile(start), self.compile(end)
        return (pl.when(last >= first).then(first), pl.when(last >= first).then(last))

    def _call_overlaps(self, first: n.Node, second: n.Node) -> Compiled:
        a_start, a_end = _pair(self.value(first))
        b_start, b_end = _pair(self.value(second))
        return calendar.overlaps_expr(a_start, a_end, b_start, b_end)

    def _call_lasts_at_least_months(self, course: n.Node, months: n.Node) -> Compiled:
        start, end = _pair(self.value(course))
        target = self._shift_months(start, months, 1) - pl.duration(days=1)
        return end >= target

    def _call_len(self, items: n.Node) -> Compiled:
        return self.compile(items).list.len().cast(pl.Int64)

    def _call_text(self, value: n.Node) -> Compiled:
        return self.compile(value).cast(pl.String)

    def _call_abs(self, value: n.Node) -> Compiled:
        return self.compile(value).abs()

    def _call_least(self, *values: n.Node) -> Compiled:
        return self._extreme(values, pl.min_horizontal)

    def _call_greatest(self, *values: n.Node) -> Compiled:
        return self._extreme(values, pl.max_horizontal)

    def _extreme(self, values: Sequence[n.Node], combine: Callable[..., pl.Expr]) -> pl.Expr:
        compiled = [self.compile(value) for value in values]
        return pl.when(pl.any_horizontal([value.is_null() for value in compiled])).then(
            None).otherwise(combine(compiled))

    # loops ---------------------------------------------------------------------------------
    def _Range(self, node: n.Range) -> Compiled:
        raise TypeError("range() is only iterated over inside a reducer")

    def _ListOf(self, node: n.ListOf) -> Compiled:
        return pl.concat_list([self.compile(item) for item in node.items])

    def _Reduce(self, node: n.Reduce) -> Compiled:
        if isinstance(node.iterable, n.Range):
            return self._reduce_range(node)
        return self._reduce_list(node)

    def _reduce_range(self, node: n.Reduce) -> pl.Expr:
        assert isinstance(node.iterable, n.Range)
        start, stop = node.iterable.start, node.iterable.stop
        assert isinstance(start, n.Const) and isinstance(stop, n.Const)
        values: list[pl.Expr] = []
        for year in range(start.value, stop.value):
            bound = n.Const(INT, year)
            kept = [substitute(test, node.var, bound) for test in node.conditions]
            element = self.compile(substitute(node.element, node.var, bound))
            if kept:
                keep = pl.all_horizontal([self.compile(test) for test in kept]).fill_null(False)
                element = pl.when(keep).then(element)
                if node.reducer == "all":
                    element = pl.when(keep).then(element).otherwise(True)
                elif node.reducer in ("any", "count"):
                    element = pl.when(keep).then(element).otherwise(False)
            values.append(element)
        return _reduce_horizontal(node.reducer, values, node.element.type)

    def _reduce_list(self, node: n.Reduce) -> pl.Expr:
        items = self.compile(node.iterable)
        element_type = node.iterable.type.item  # type: ignore[attr-defined]
        item: Compiled = _pair(pl.element()) if element_type == INTERVAL else pl.element()
        inner = ExpressionCompiler(self.columns, {**self.loop, node.var: item})
        element = inner.compile(node.element)
        if node.conditions:
            keep = pl.all_horizontal([inner.compile(test) for test in node.conditions])
            element = pl.when(keep.fill_null(False)).then(element)
            if node.reducer == "all":
                element = element.otherwise(True)
            elif node.reducer in ("any", "count"):
                element = element.otherwise(False)
        values = items.list.eval(element)
        result = _reduce_list_values(node.reducer, values, node.element.type)
        return pl.when(items.is_null()).then(None).otherwise(result)


def _reduce_horizontal(reducer: str, values: list[pl.Expr], element_type: Type) -> pl.Expr:
    if not values:
        empty = {"any": False, "all": True, "count": 0,
                 "sum": 0 if element_type == INT else 0.0}
        return pl.lit(empty.get(reducer), dtype=_reducer_dtype(reducer, element_type))
    if reducer == "any":
        return pl.any_horizontal(values)
    if reducer == "all":
        return pl.all_horizontal(values)
    if reducer == "count":
        return pl.sum_horizontal([value.fill_null(False).cast(pl.Int64) for value in values])
    if reducer == "sum":
        return pl.sum_horizontal(values)
    return pl.min_horizontal(values) if reducer == "min" else pl.max_horizontal(values)


def _reduce_list_values(reducer: str, values: pl.Expr, element_type: Type) -> pl.Expr:
    trues = values.list.eval(pl.element().fill_null(False).cast(pl.Int64)).list.sum()
    nulls = values.list.eval(pl.element().is_null().cast(pl.Int64)).list.sum()
    if reducer == "any":
        return pl.when(trues > 0).then(True).when(nulls > 0).then(None).otherwise(False)
    if reducer == "all":
        falses = values.list.eval((pl.element() == False).fill_null(False)  # noqa: E712
                                  .cast(pl.Int64)).list.sum()
        return pl.when(falses > 0).then(False).when(nulls > 0).then(None).otherwise(True)
    if reducer == "count":
        return trues.cast(pl.Int64)
    if reducer == "sum":
        total = values.list.sum()
        return total.cast(pl.Int64 if element_type == INT else pl.Float64)
    return values.list.min() if reducer == "min" else values.list.max()


def _reducer_dtype(reducer: str, element_type: Type) -> pl.DataType:
    if reducer in ("any", "all"):
        return pl.Boolean()
    if reducer == "count":
        return pl.Int64()
    return polars_type(element_type)


def _schedule_index(node: n.Call) -> int | None:
    for index, arg in enumerate(node.args):
        if isinstance(arg, n.Index) and isinstance(arg.operand.type, ByCodeType) \
                and arg.operand.type.item == AGE_SCHEDULE:
            return index
    return None


def _item_type(element: n.Node, container: n.Node) -> Type:
    assert isinstance(container.type, ListType)
    item = container.type.item
    return element.type if isinstance(item, EnumType) else item


def constant(value: Any, kind: Type) -> Compiled:
    """A literal of the language's ``kind`` as a polars expression."""
    if kind == INTERVAL:
        assert isinstance(value, Interval)
        return (pl.lit(value.start, pl.Date), pl.lit(value.end, pl.Date))
    if isinstance(kind, ListType):
        return pl.lit(pl.Series([value], dtype=pl.List(polars_type(kind.item)))).first()
    if isinstance(kind, EnumType):
        return pl.lit(value, pl.String)
    return pl.lit(value, dtype=polars_type(kind))


def polars_type(kind: Type) -> pl.DataType:
    """The polars dtype that holds values of ``kind``."""
    if isinstance(kind, EnumType):
        return pl.Enum(list(kind.codes))
    if isinstance(kind, ListType):
        return pl.List(polars_type(kind.item))
    simple: dict[Type, pl.DataType] = {
        BOOL: pl.Boolean(), INT: pl.Int64(), NUMBER: pl.Float64(), DATE: pl.Date(),
        INTERVAL: pl.Struct({"start": pl.Date(), "end": pl.Date()}),
    }
    return simple.get(kind, pl.String())
