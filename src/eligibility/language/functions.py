"""The functions of the rule language: signatures, meaning and scalar implementation.

Every function is pure and null-propagating: if any argument is null (an empty cell), the
result is null, and a criterion whose condition is null fails. The reference page
``docs/rule-language.md`` documents each with its example; a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eligibility import calendar
from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    ListType,
    Type,
)
from eligibility.language.values import Interval

ANY_LIST = ListType("list", Type("any"))


@dataclass(frozen=True)
class Function:
    """A function callable from rule expressions."""

    name: str
    params: tuple[Type, ...]
    result: Type
    summary: str
    example: str
    scalar: Callable[..., Any]


def _age_on(birth: dt.date, on: dt.date) -> int:
    return calendar.completed_years(birth, on)


def _interval(start: dt.date, end: dt.date) -> Interval | None:
    return Interval(start, end) if start <= end else None


def _overlaps(first: Interval, second: Interval) -> bool:
    return calendar.overlaps(first.start, first.end, second.start, second.end)


def _lasts(course: Interval, months: int) -> bool:
    return calendar.lasts_at_least_months(course.start, course.end, months)


def _days_between(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def _add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    Function("age_on", (DATE, DATE), INT,
             "Age in completed years on a date; someone born 29 February completes a year "
             "on 28 February in common years (Civil Code art. 148 month rule).",
             "age_on(birth_date, quota.start) <= 35", _age_on),
    Function("completed_years", (DATE, DATE), INT,
             "Whole years from the first date to the second (same rule as age_on).",
             "completed_years(service_start, quota.start) >= 3", calendar.completed_years),
    Function("completed_months", (DATE, DATE), INT,
             "Whole months from the first date to the second, month-end rule.",
             "completed_months(service_start, quota.start) >= 36", calendar.completed_months),
    Function("add_months", (DATE, INT), DATE,
             "The date n months later (earlier if negative); the last day of the month "
             "when that month has no such day (31 Jan + 1 month = 28/29 Feb).",
             "add_months(quota.start, 24)", calendar.add_months),
    Function("add_years", (DATE, INT), DATE,
             "The date n years later; 29 February becomes 28 February in a common year.",
             "add_years(birth_date, 60)", calendar.add_years),
    Function("add_days", (DATE, INT), DATE,
             "The date n days later (earlier if negative).",
             "add_days(quota.end, 1)", _add_days),
    Function("days_between", (DATE, DATE), INT,
             "Days from the first date to the second (negative if the second is earlier).",
             "days_between(quota.start, quota.end) + 1", _days_between),
    Function("last_day_of_month", (DATE,), DATE,
             "The last day of the date's month.",
             "last_day_of_month(quota.start)", calendar.last_day_of_month),
    Function("retirement_date", (DATE, AGE_SCHEDULE), DATE,
             "Statutory retirement date: the last day of the month in which the person "
             "reaches the age the schedule sets for the first year they reach it.",
             "retirement_date(birth_date, retirement_age[gender])", calendar.retirement_date),
    Function("interval", (DATE, DATE), INTERVAL,
             "The inclusive interval between two dates (null if the end is before the start).",
             "interval(quota.start, add_months(quota.start, 6))", _interval),
    Function("overlaps", (INTERVAL, INTERVAL), BOOL,
             "Whether two inclusive intervals share at least one day (touching edges do).",
             "any(overlaps(e, quota.course) for e in enrollments)", _overlaps),
    Function("lasts_at_least_months", (INTERVAL, INT), BOOL,
             "Whether an inclusive interval lasts n months or more: its end is on or after "
             "start + n months - 1 day.",
             "lasts_at_least_months(quota.course, 1)", _lasts),
    Function("len", (ANY_LIST,), INT,
             "Number of items in a list.",
             "len(enrollments) <= 2", len),
    Function("text", (Type("any"),), TEXT,
             "A value as text (a code stays a code; dates as YYYY-MM-DD).",
             "text(quota.seats)", lambda value: value if isinstance(value, str) else
             value.isoformat() if isinstance(value, dt.date) else str(value)),
    Function("abs", (NUMBER,), NUMBER,
             "Absolute value.",
             "abs(completed_years(service_start, quota.start) - 5) <= 1", abs),
)}

REDUCERS: dict[str, str] = {
    "any": "True if the condition holds for at least one item (null if unknown for some and "
           "true for none).",
    "all": "True if the condition holds for every item (an empty list gives true).",
    "count": "Number of items for which the condition holds (unknown counts as not).",
    "sum": "Sum of the values (empty → 0; nulls are skipped).",
    "min": "Smallest value (nulls skipped; null if none).",
    "max": "Largest value (nulls skipped; null if none).",
}

VARIADIC: dict[str, str] = {
    "least": "The smallest of two or more numbers or dates (null if any is null).",
    "greatest": "The largest of two or more numbers or dates (null if any is null).",
}

RESERVED_NAMES = frozenset({*FUNCTIONS, *REDUCERS, *VARIADIC, "range", "date", "quota",
                            "true", "false", "null", "True", "False", "None"})
