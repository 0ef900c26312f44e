"""Dates, periods and ages, by the Civil Code's calendar rules (:mod:`eligibility.calendar`).

Months are added by the month-end rule (31 January + 1 month = 28 or 29 February); ages and
periods count completed years and months. A date computed outside 0001-01-01 .. 9999-12-31
is null on every engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl

from eligibility import calendar
from eligibility.language import nodes as n
from eligibility.language.domain import DATE_MAX, DATE_MIN, date_from_ordinal
from eligibility.language.registry.core import Entry, Lowered, PolarsContext, SqlContext
from eligibility.language.registry.lowering import checked_whole, pair, typed_null
from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    DATE,
    INT,
    INTERVAL,
    TEXT,
    ByCodeType,
    EnumType,
    Type,
)
from eligibility.language.values import Interval

GROUP = "Dates and periods"
_EPOCH = dt.date(1970, 1, 1).toordinal()
_FIRST_DAY = DATE_MIN.toordinal() - _EPOCH  # days since 1970-01-01, as polars counts
_LAST_DAY = DATE_MAX.toordinal() - _EPOCH
_FIRST_MONTH = DATE_MIN.year * 12  # month indices (year * 12 + month - 1) in range
_LAST_MONTH = DATE_MAX.year * 12 + 11


def add_months(day: dt.date, months: int) -> dt.date | None:
    """``day`` plus ``months`` calendar months by the month-end rule; null out of range."""
    target = day.year * 12 + day.month - 1 + months
    if not _FIRST_MONTH <= target <= _LAST_MONTH:
        return None
    return calendar.add_months(day, months)


def add_years(day: dt.date, years: int) -> dt.date | None:
    return add_months(day, 12 * years)


def add_days(day: dt.date, days: int) -> dt.date | None:
    return date_from_ordinal(day.toordinal() + days)


def days_between(start: dt.date, end: dt.date) -> int:
    return end.toordinal() - start.toordinal()


def retirement_date(birth: dt.date, schedule: calendar.AgeSchedule) -> dt.date | None:
    try:
        return calendar.retirement_date(birth, schedule)
    except ValueError:  # the month falls after 9999-12
        return None


def make_interval(start: dt.date, end: dt.date) -> Interval | None:
    return Interval(start, end) if start <= end else None


def overlaps(first: Interval, second: Interval) -> bool | None:
    if first.end < first.start or second.end < second.start:
        return None
    return first.start <= second.end and second.start <= first.end


def lasts_at_least_months(course: Interval, months: int) -> bool | None:
    target = add_months(course.start, months)
    if target is None:
        return None
    return course.end.toordinal() >= target.toordinal() - 1


# --- polars ----------------------------------------------------------------------------------


def _days(day: pl.Expr) -> pl.Expr:
    return day.cast(pl.Int64)


def _date_of_days(days: pl.Expr) -> pl.Expr:
    return pl.when(days.is_between(_FIRST_DAY, _LAST_DAY)).then(days).cast(pl.Int32).cast(
        pl.Date)


def shift_months(day: pl.Expr, months: pl.Expr | int) -> pl.Expr:
    """``day`` plus ``months`` (a whole number or an Int64 expression), null out of range."""
    index = day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1
    if isinstance(months, int):
        target = index + months
        inside = target.is_between(_FIRST_MONTH, _LAST_MONTH)
        if _FIRST_MONTH - _LAST_MONTH <= months <= _LAST_MONTH - _FIRST_MONTH:
            return pl.when(inside).then(calendar.add_months_expr(day, months))
        return pl.lit(None, pl.Date)
    target = index.cast(pl.Int128) + months.cast(pl.Int128)
    inside = target.is_between(_FIRST_MONTH, _LAST_MONTH)
    safe = pl.when(inside).then(months).otherwise(0)
    return pl.when(inside).then(day.dt.offset_by(pl.format("{}mo", safe)))


def _months_argument(ctx: PolarsContext, node: n.Node, factor: int) -> pl.Expr | int:
    if isinstance(node, n.Const) and node.value is not None:
        return node.value * factor
    return checked_whole(ctx.expr(node).cast(pl.Int128) * factor)


def _lower_add_months(factor: int) -> Callable[[PolarsContext, n.Call], Lowered]:
    def lower(ctx: PolarsContext, node: n.Call) -> Lowered:
        day, amount = node.args
        if isinstance(amount, n.Const) and amount.value is None:
            return typed_null(DATE)
        months = _months_argument(ctx, amount, factor)
        result = shift_months(ctx.expr(day), months)
        return result if isinstance(months, int) else \
            pl.when(months.is_not_null()).then(result)
    return lower


def _lower_add_days(ctx: PolarsContext, node: n.Call) -> Lowered:
    day, days = (ctx.expr(arg) for arg in node.args)
    return _date_of_days(checked_whole(_days(day).cast(pl.Int128) + days.cast(pl.Int128)))


def _lower_days_between(ctx: PolarsContext, node: n.Call) -> Lowered:
    start, end = (ctx.expr(arg) for arg in node.args)
    return _days(end) - _days(start)


def _lower_completed_years(ctx: PolarsContext, node: n.Call) -> Lowered:
    start, on = (ctx.expr(arg) for arg in node.args)
    return calendar.completed_years_expr(start, on)


def _lower_completed_months(ctx: PolarsContext, node: n.Call) -> Lowered:
    start, on = (ctx.expr(arg) for arg in node.args)
    return calendar.completed_months_expr(start, on)


def _lower_last_day(ctx: PolarsContext, node: n.Call) -> Lowered:
    return ctx.expr(node.args[0]).dt.month_end()


def schedule_choices(ctx: PolarsContext, node: n.Node
                     ) -> list[tuple[pl.Expr, calendar.AgeSchedule | None]]:
    """The age schedules ``node`` can be, each with the condition under which it is chosen
    (first match wins): a parameter, a per-code parameter, or ``a if c else b``."""
    if isinstance(node, n.Const):
        return [(pl.lit(True), node.value)]
    if isinstance(node, n.Index) and isinstance(node.operand, n.Const) \
            and isinstance(node.operand.type, ByCodeType):
        if isinstance(node.key.type, EnumType):  # compared by position: no text per row
            codes = node.key.type.codes
            position = ctx.expr(node.key).to_physical().cast(pl.Int64)
            return [((position == codes.index(code)).fill_null(False) if code in codes
                     else pl.lit(False), schedule)
                    for code, schedule in node.operand.value.items()]
        key = ctx.expr(node.key).cast(pl.String)
        return [((key == code).fill_null(False), schedule)
                for code, schedule in node.operand.value.items()]
    if isinstance(node, n.Conditional):
        test = ctx.expr(node.test)
        chosen = test.fill_null(False)
        return ([(chosen & condition, schedule)
                 for condition, schedule in schedule_choices(ctx, node.then)]
                + [(~chosen & condition, schedule)
                   for condition, schedule in schedule_choices(ctx, node.otherwise)])
    raise TypeError(f"an age schedule cannot come from {type(node).__name__}")


def _lower_retirement(ctx: PolarsContext, node: n.Call) -> Lowered:
    birth = ctx.expr(node.args[0])
    choices = schedule_choices(ctx, node.args[1])
    chosen: pl.Expr = pl.lit(None, pl.UInt32)  # the first schedule whose condition holds
    for index, (condition, _) in reversed(list(enumerate(choices))):
        chosen = pl.when(condition).then(pl.lit(index, pl.UInt32)).otherwise(chosen)
    return calendar.retirement_date_chosen_expr(
        birth, chosen, [schedule for _, schedule in choices])


def _lower_interval(ctx: PolarsContext, node: n.Call) -> Lowered:
    start, end = (ctx.expr(arg) for arg in node.args)
    well_formed = end >= start
    return (pl.when(well_formed).then(start), pl.when(well_formed).then(end))


def _lower_overlaps(ctx: PolarsContext, node: n.Call) -> Lowered:
    a_start, a_end = pair(ctx.value(node.args[0]))
    b_start, b_end = pair(ctx.value(node.args[1]))
    return calendar.overlaps_expr(a_start, a_end, b_start, b_end)


def _lower_lasts(ctx: PolarsContext, node: n.Call) -> Lowered:
    start, end = pair(ctx.value(node.args[0]))
    amount = node.args[1]
    if isinstance(amount, n.Const) and amount.value is None:
        return pl.lit(None, pl.Boolean)
    months = _months_argument(ctx, amount, 1)
    target = shift_months(start, months)
    result = _days(end) >= _days(target) - 1
    return result if isinstance(months, int) else pl.when(months.is_not_null()).then(result)


# --- SQL ------------------------------------------------------------------------------------


def _sql_completed_months(ctx: SqlContext, start: Any, on: Any) -> Any:
    """Completed months from ``start`` to ``on``, as :func:`calendar.completed_months`."""
    build = ctx.build
    months = build.minus(build.month_index(on), build.month_index(start))
    on_day = build.part("day", on)
    not_reached = build.all_of([
        build.compare(">", build.part("day", start), on_day),
        build.compare("<", on_day, build.days_in_month(build.part("year", on),
                                                       build.part("month", on)))])
    return build.minus(months, build.when(not_reached, build.literal(1, INT),
                                          build.literal(0, INT)))


def _sql_completed(unit: str) -> Callable[[SqlContext, n.Call], Any]:
    def lower(ctx: SqlContext, node: n.Call) -> Any:
        start, on = (ctx.expr(arg) for arg in node.args)
        months = _sql_completed_months(ctx, start, on)
        if unit == "months":
            return months
        return ctx.build.whole_op("//", months, ctx.build.literal(12, INT))
    return lower


def _sql_months(ctx: SqlContext, node: n.Node, factor: int) -> Any:
    """The months argument (a whole number or an expression) times ``factor``, checked."""
    build = ctx.build
    if isinstance(node, n.Const) and node.value is not None:
        months = node.value * factor
        beyond = _LAST_MONTH - _FIRST_MONTH + 1  # any shift this long leaves the range
        return build.literal(max(-beyond, min(beyond, months)), INT)
    return build.whole_op("*", ctx.expr(node), build.literal(factor, INT))


def _sql_add_months(factor: int) -> Callable[[SqlContext, n.Call], Any]:
    def lower(ctx: SqlContext, node: n.Call) -> Any:
        day, amount = node.args
        if isinstance(amount, n.Const) and amount.value is None:
            return ctx.build.null(DATE)
        return ctx.build.add_months(ctx.expr(day), _sql_months(ctx, amount, factor))
    return lower


def _sql_add_days(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    day, days = (ctx.expr(arg) for arg in node.args)
    total = build.plus(build.wide(build.days(day)), build.wide(days))
    return build.date_of_days(total)


def _sql_days_between(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    start, end = (ctx.expr(arg) for arg in node.args)
    return build.minus(build.days(end), build.days(start))


def _sql_last_day(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    return build.month_end(build.month_index(ctx.expr(node.args[0])))


def sql_schedule_choices(ctx: SqlContext, node: n.Node
                         ) -> list[tuple[Any, calendar.AgeSchedule | None]]:
    """:func:`schedule_choices` in SQL: each age schedule with the condition choosing it."""
    build = ctx.build
    if isinstance(node, n.Const):
        return [(build.literal(True, BOOL), node.value)]
    if isinstance(node, n.Index) and isinstance(node.operand, n.Const) \
            and isinstance(node.operand.type, ByCodeType):
        key = build.text_of(ctx.expr(node.key))
        return [(build.coalesce(build.compare("==", key, build.literal(code, TEXT)),
                                build.literal(False, BOOL)), schedule)
                for code, schedule in node.operand.value.items()]
    if isinstance(node, n.Conditional):
        chosen = build.coalesce(ctx.expr(node.test), build.literal(False, BOOL))
        return ([(build.all_of([chosen, condition]), schedule)
                 for condition, schedule in sql_schedule_choices(ctx, node.then)]
                + [(build.all_of([build.not_(chosen), condition]), schedule)
                   for condition, schedule in sql_schedule_choices(ctx, node.otherwise)])
    raise TypeError(f"an age schedule cannot come from {type(node).__name__}")


def _sql_retirement_month(ctx: SqlContext, birth: Any, schedule: calendar.AgeSchedule) -> Any:
    """The month (index) a person born on ``birth`` retires in: the closed form of
    :func:`calendar.retirement_date_expr`, the first step whose age is reached in time."""
    build = ctx.build
    birth_month = build.bind(build.month_index(birth))
    steps = schedule.steps
    scan_start = build.bind(build.plus(build.part("year", birth),
                                       build.literal(steps[0][1] // 12, INT)))
    branches = []
    for index, (year, age) in enumerate(steps):
        month = build.bind(build.plus(birth_month, build.literal(age, INT)))
        candidates = [scan_start, build.whole_op("//", month, build.literal(12, INT))]
        if index > 0:
            candidates.append(build.literal(year, INT))
        earliest = build.extreme(candidates, largest=True)
        stop = steps[index + 1][0] if index + 1 < len(steps) else None
        found = build.literal(True, BOOL) if stop is None else \
            build.compare("<", earliest, build.literal(stop, INT))
        branches.append((found, month))
    return build.case(branches)


def _sql_retirement(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    birth = ctx.expr(node.args[0])
    branches = []
    for condition, schedule in sql_schedule_choices(ctx, node.args[1]):
        value = build.null(DATE) if schedule is None else \
            build.month_end(_sql_retirement_month(ctx, birth, schedule))
        branches.append((condition, value))
    return build.case(branches, build.null(DATE))


def _sql_interval(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    start, end = (ctx.expr(arg) for arg in node.args)
    well_formed = build.compare(">=", end, start)
    return (build.when(well_formed, start), build.when(well_formed, end))


def _sql_overlaps(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    a_start, a_end = build.pair(ctx.value(node.args[0]))
    b_start, b_end = build.pair(ctx.value(node.args[1]))
    well_formed = build.all_of([build.compare("<=", a_start, a_end),
                                build.compare("<=", b_start, b_end)])
    return build.when(well_formed, build.all_of([build.compare("<=", a_start, b_end),
                                                 build.compare("<=", b_start, a_end)]))


def _sql_lasts(ctx: SqlContext, node: n.Call) -> Any:
    build = ctx.build
    start, end = build.pair(ctx.value(node.args[0]))
    amount = node.args[1]
    if isinstance(amount, n.Const) and amount.value is None:
        return build.null(BOOL)
    target = build.add_months(start, _sql_months(ctx, amount, 1))
    return build.compare(">=", build.days(end),
                         build.minus(build.days(target), build.literal(1, INT)))


_NOTES = {
    "age_on": "Born 2000-02-29: on 2001-02-27 → 0, on 2001-02-28 → 1, on 2004-02-28 → 3, "
              "on 2004-02-29 → 4.",
    "completed_years": "From 2020-09-01 to 2023-08-31 → 2; to 2023-09-01 → 3.",
    "completed_months": "From 2023-01-31 to 2023-02-27 → 0; to 2023-02-28 → 1.",
    "add_months": "2023-01-31 + 1 → 2023-02-28; 2024-01-31 + 1 → 2024-02-29; "
                  "2023-03-31 − 1 → 2023-02-28.",
    "add_years": "2024-02-29 + 1 → 2025-02-28; 2024-02-29 + 4 → 2028-02-29.",
    "retirement_date": "With the schedule of Decree 135/2020: a man born 1964-10-10 → "
                       "2026-04-30 (61y6m in 2026); a woman born 1969-05-20 → 2026-05-31 "
                       "(57y in 2026); a man born 1963-12-15 meets the 2024 age (61y) first "
                       "→ 2024-12-31.",
    "overlaps": "2023-09-01/2023-09-11 and 2023-09-11/2023-09-29 overlap; "
                "2023-09-01/2023-09-10 and 2023-09-11/2023-09-29 do not.",
    "lasts_at_least_months": "2023-09-11/2023-09-29 → false; 2023-10-09/2023-11-17 → true; "
                             "2023-01-31/2023-02-27 → true.",
}


def _function(name: str, params: tuple[Type, ...], result: Type, signature: str, summary: str,
              example: str, scalar: Callable[..., Any],
              lower: Callable[[PolarsContext, Any], Lowered],
              lower_sql: Callable[[SqlContext, Any], Any]) -> Entry:
    return Entry(name, GROUP, signature, summary,
                 "null when an argument is null, or when the date falls outside "
                 "0001-01-01 .. 9999-12-31" if result == DATE else
                 "null when an argument is null",
                 example, scalar, lower, "leaf", lower_sql, params=params, result=result,
                 notes=_NOTES.get(name, ""))


ENTRIES = (
    _function("age_on", (DATE, DATE), INT, "age_on(birth: date, on: date) → int",
              "Age in completed years on a date; someone born 29 February completes a year "
              "on 28 February in common years (Civil Code art. 148 month rule).",
              "age_on(birth_date, quota.start) <= 35", calendar.completed_years,
              _lower_completed_years, _sql_completed("years")),
    _function("completed_years", (DATE, DATE), INT,
              "completed_years(start: date, on: date) → int",
              "Whole years from the first date to the second (same rule as age_on; "
              "negative when the second is earlier).",
              "completed_years(service_start, quota.start) >= 3", calendar.completed_years,
              _lower_completed_years, _sql_completed("years")),
    _function("completed_months", (DATE, DATE), INT,
              "completed_months(start: date, on: date) → int",
              "Whole months from the first date to the second, by the month-end rule.",
              "completed_months(service_start, quota.start) >= 36", calendar.completed_months,
              _lower_completed_months, _sql_completed("months")),
    _function("add_months", (DATE, INT), DATE, "add_months(day: date, months: int) → date",
              "The date n months later (earlier if negative); the last day of the month "
              "when that month has no such day (31 Jan + 1 month = 28/29 Feb).",
              "add_months(quota.start, 24)", add_months, _lower_add_months(1),
              _sql_add_months(1)),
    _function("add_years", (DATE, INT), DATE, "add_years(day: date, years: int) → date",
              "The date n years (12·n months) later; 29 February becomes 28 February in a "
              "common year.", "add_years(birth_date, 60)", add_years, _lower_add_months(12),
              _sql_add_months(12)),
    _function("add_days", (DATE, INT), DATE, "add_days(day: date, days: int) → date",
              "The date n days later (earlier if negative).", "add_days(quota.end, 1)",
              add_days, _lower_add_days, _sql_add_days),
    _function("days_between", (DATE, DATE), INT,
              "days_between(start: date, end: date) → int",
              "Days from the first date to the second (negative if the second is earlier).",
              "days_between(quota.start, quota.end) + 1", days_between, _lower_days_between,
              _sql_days_between),
    _function("last_day_of_month", (DATE,), DATE, "last_day_of_month(day: date) → date",
              "The last day of the date's month.", "last_day_of_month(quota.start)",
              calendar.last_day_of_month, _lower_last_day, _sql_last_day),
    _function("retirement_date", (DATE, AGE_SCHEDULE), DATE,
              "retirement_date(birth: date, ages: age_schedule) → date",
              "Statutory retirement date: the last day of the month in which the person "
              "reaches the age the schedule sets for the first year they reach it.",
              "retirement_date(birth_date, retirement_age[gender])", retirement_date,
              _lower_retirement, _sql_retirement),
    _function("interval", (DATE, DATE), INTERVAL, "interval(start: date, end: date) → interval",
              "The inclusive interval between two dates (null if the end is before the start).",
              "interval(quota.start, add_months(quota.start, 6))", make_interval,
              _lower_interval, _sql_interval),
    _function("overlaps", (INTERVAL, INTERVAL), BOOL,
              "overlaps(a: interval, b: interval) → bool",
              "Whether two inclusive intervals share at least one day (touching edges do).",
              "any(overlaps(e, quota.course) for e in enrollments)", overlaps,
              _lower_overlaps, _sql_overlaps),
    _function("lasts_at_least_months", (INTERVAL, INT), BOOL,
              "lasts_at_least_months(course: interval, months: int) → bool",
              "Whether an inclusive interval lasts n months or more: its end is on or after "
              "start + n months - 1 day.", "lasts_at_least_months(quota.course, 1)",
              lasts_at_least_months, _lower_lasts, _sql_lasts),
)
