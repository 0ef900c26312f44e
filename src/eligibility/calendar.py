"""Calendar arithmetic of the law: months, years, ages, periods and statutory retirement.

Conventions, pinned by ``tests/test_calendar.py``:

* **Months** are added by the Vietnamese Civil Code 2015, art. 148: the same day of the
  target month, or that month's last day when it has no such day (31 Jan + 1 month =
  28 Feb). Years are 12 months, so 29 Feb + 1 year = 28 Feb: a person born 29 February
  completes each year of age on 28 February in common years.
* **Ages and periods** are counted in completed units: the largest ``n`` such that
  ``start + n units <= on``. Every sum is taken from the original start, never chained:
  31 Jan + 1 month + 1 month is 28 Mar, while 31 Jan + 2 months is 31 Mar.
* **Intervals** are inclusive at both ends; an interval ending before it starts is an error
  (``ValueError``; null in the polars version).
* **Retirement** (Labour Code 2019 art. 169, Decree 135/2020) follows an effective-dated
  :class:`AgeSchedule`; the date is the last day of the month in which the age is reached.

Each scalar function has a polars counterpart (``*_expr``) that gives identical results on
``pl.Date`` columns, with null in, null out. Expressions keep polars' default output name
(that of the left-most input), so alias them before adding them to a frame.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import TypeAlias

import polars as pl

__all__ = [
    "AgeSchedule",
    "DateLike",
    "add_months",
    "add_months_expr",
    "add_years",
    "completed_months",
    "completed_months_expr",
    "completed_years",
    "completed_years_expr",
    "days_of",
    "last_day_of_month",
    "lasts_at_least_months",
    "overlaps",
    "overlaps_expr",
    "retirement_date",
    "retirement_date_chosen_expr",
    "retirement_date_expr",
]

DateLike: TypeAlias = pl.Expr | date
"""A ``pl.Date`` expression, or a date used as a literal for every row."""

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# --- scalar functions -------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """``d`` plus ``months`` calendar months (negative allowed), Civil Code art. 148.

    >>> add_months(date(2023, 1, 31), 1)
    datetime.date(2023, 2, 28)
    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    >>> add_months(date(2023, 3, 31), -1)
    datetime.date(2023, 2, 28)
    """
    year, month = _year_and_month(_month_index(d) + months)
    return date(year, month, min(d.day, _days_in_month(year, month)))


def add_years(d: date, years: int) -> date:
    """``d`` plus ``years`` years, counted as ``12 * years`` months.

    >>> add_years(date(2000, 2, 29), 1)
    datetime.date(2001, 2, 28)
    >>> add_years(date(2000, 2, 29), 4)
    datetime.date(2004, 2, 29)
    """
    return add_months(d, 12 * years)


def last_day_of_month(d: date) -> date:
    """The last day of the month containing ``d``.

    >>> last_day_of_month(date(2024, 2, 10))
    datetime.date(2024, 2, 29)
    """
    return d.replace(day=_days_in_month(d.year, d.month))


def completed_months(start: date, on: date) -> int:
    """The largest ``n`` with ``add_months(start, n) <= on`` (negative when ``on < start``).

    >>> completed_months(date(2023, 1, 31), date(2023, 2, 27))
    0
    >>> completed_months(date(2023, 1, 31), date(2023, 2, 28))
    1
    """
    months = (on.year - start.year) * 12 + on.month - start.month
    # add_months(start, months) lies in on's month; it falls after `on` only when start's day
    # is later than on's day and is not clamped down to it (on is not the month's last day).
    if start.day > on.day and on.day < _days_in_month(on.year, on.month):
        months -= 1
    return months


def completed_years(start: date, on: date) -> int:
    """The largest ``n`` with ``add_years(start, n) <= on``: an age or a length of service.

    >>> completed_years(date(2000, 2, 29), date(2001, 2, 28))
    1
    >>> completed_years(date(1985, 6, 15), date(2023, 6, 14))
    37
    """
    # add_months is strictly increasing in its months, so add_years(start, n) <= on exactly
    # when 12 * n <= completed_months(start, on).
    return completed_months(start, on) // 12


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    """Whether inclusive intervals ``a_start..a_end`` and ``b_start..b_end`` share a day.

    Raises ``ValueError`` if either interval ends before it starts.

    >>> overlaps(date(2023, 9, 1), date(2023, 9, 11), date(2023, 9, 11), date(2023, 9, 29))
    True
    >>> overlaps(date(2023, 9, 1), date(2023, 9, 10), date(2023, 9, 11), date(2023, 9, 29))
    False
    """
    _check_interval(a_start, a_end)
    _check_interval(b_start, b_end)
    return a_start <= b_end and b_start <= a_end


def lasts_at_least_months(start: date, end: date, months: int) -> bool:
    """Whether the inclusive course ``start..end`` lasts ``months`` calendar months or more.

    That is ``end >= add_months(start, months) - 1 day``. Raises ``ValueError`` if the
    course ends before it starts or ``months`` is negative.

    >>> lasts_at_least_months(date(2023, 1, 31), date(2023, 2, 27), 1)
    True
    >>> lasts_at_least_months(date(2023, 9, 11), date(2023, 9, 29), 1)
    False
    """
    _check_interval(start, end)
    if months < 0:
        raise ValueError(f"a course length in months cannot be negative, got {months}")
    return end >= add_months(start, months) - timedelta(days=1)


@dataclass(frozen=True, init=False, repr=False)
class AgeSchedule:
    """An effective-dated statutory retirement age, in months, by calendar year.

    Built from ``{first_year: months, ...}``: the age for year ``Y`` is the value at the
    greatest key ``<= Y``, and years before the first key take the first key's value.
    The ages must be positive, never fall, and rise by at most 12 months from one year to
    the next, else ``ValueError``; years and ages that are not ``int`` (``bool`` included)
    raise ``TypeError``. Instances are immutable and hashable, and equal when their steps are.

    >>> men = AgeSchedule({2020: 720, 2021: 723, 2022: 726})
    >>> men.age_in(1990), men.age_in(2021), men.age_in(2050)
    (720, 723, 726)
    """

    steps: tuple[tuple[int, int], ...]
    """``(first_year, months)`` pairs, in increasing year order."""

    def __init__(self, steps: Mapping[int, int]) -> None:
        ordered = tuple(sorted(_checked_step(year, months) for year, months in steps.items()))
        _check_steps(ordered)
        object.__setattr__(self, "steps", ordered)
        # Retirement dates found, by birth month (the day does not matter): at most one
        # entry per month of years 1..9999.
        object.__setattr__(self, "_retirements", {})

    def __repr__(self) -> str:
        inner = ", ".join(f"{year}: {months}" for year, months in self.steps)
        return f"AgeSchedule({{{inner}}})"

    def age_in(self, year: int) -> int:
        """The retirement age, in months, that applies in calendar year ``year``.

        >>> AgeSchedule({2020: 660, 2021: 664}).age_in(2024)
        664
        """
        position = bisect_right(self.steps, year, key=lambda step: step[0])
        return self.steps[max(position - 1, 0)][1]


def retirement_date(birth: date, schedule: AgeSchedule) -> date:
    """The statutory retirement date of a person born on ``birth``.

    The person retires in the first calendar year ``Y`` in which the month they reach
    ``schedule.age_in(Y)`` falls within ``Y`` (or before it, for people who retired before
    the schedule's first step), on the last day of that month. Only the birth month matters.

    >>> men = AgeSchedule({2020: 720, 2021: 723, 2022: 726, 2023: 729, 2024: 732,
    ...                    2025: 735, 2026: 738, 2027: 741, 2028: 744})
    >>> retirement_date(date(1964, 10, 10), men)
    datetime.date(2026, 4, 30)
    """
    birth_month = birth.year * 12 + birth.month - 1
    known: dict[int, date] = schedule._retirements  # type: ignore[attr-defined]
    found = known.get(birth_month)
    if found is None:
        found = known[birth_month] = _retirement_date(birth.year, birth_month, schedule)
    return found


def _retirement_date(birth_year: int, birth_month: int, schedule: AgeSchedule) -> date:
    # Ages never fall, so no year before birth.year + (the first, smallest age in whole
    # years) can contain the month an age is reached: start the scan there.
    year = birth_year + schedule.steps[0][1] // 12
    while True:
        reached = birth_month + schedule.age_in(year)
        if reached // 12 <= year:
            return _month_end(reached)
        year += 1


# --- polars expressions -----------------------------------------------------------------


def add_months_expr(d: pl.Expr, months: int) -> pl.Expr:
    """:func:`add_months` on a ``pl.Date`` expression.

    >>> frame = pl.DataFrame({"d": [date(2023, 1, 31), None]})
    >>> frame.select(add_months_expr(pl.col("d"), 1))["d"].to_list()
    [datetime.date(2023, 2, 28), None]
    """
    # polars' calendar-month offset clamps to the month end like art. 148, both directions.
    return d.dt.offset_by(f"{_checked_int(months, 'months')}mo")


def completed_months_expr(start: DateLike, on: DateLike) -> pl.Expr:
    """:func:`completed_months` on ``pl.Date`` expressions, as ``Int64``.

    >>> frame = pl.DataFrame({"start": [date(2023, 1, 31), date(2023, 1, 31), None],
    ...                       "on": [date(2023, 2, 27), date(2023, 2, 28), date(2023, 2, 28)]})
    >>> months = frame.select(completed_months_expr(pl.col("start"), pl.col("on")))
    >>> months.to_series().to_list()
    [0, 1, None]
    """
    start, on = _date_expr(start), _date_expr(on)
    months = _month_index_expr(on) - _month_index_expr(start)
    # Same reasoning as in completed_months.
    not_reached = (start.dt.day() > on.dt.day()) & (on.dt.day() < on.dt.days_in_month())
    return months - not_reached.cast(pl.Int64)


def completed_years_expr(start: DateLike, on: DateLike) -> pl.Expr:
    """:func:`completed_years` on ``pl.Date`` expressions, as ``Int64``.

    >>> frame = pl.DataFrame({"birth": [date(2000, 2, 29), date(2000, 3, 1), None]})
    >>> ages = frame.select(completed_years_expr(pl.col("birth"), date(2001, 2, 28)))
    >>> ages.to_series().to_list()
    [1, 0, None]
    """
    return completed_months_expr(start, on) // 12


def overlaps_expr(a_start: DateLike, a_end: DateLike, b_start: DateLike,
                  b_end: DateLike) -> pl.Expr:
    """:func:`overlaps` on ``pl.Date`` expressions.

    Null when any bound is null, and also when an interval ends before it starts (where
    :func:`overlaps` raises), so that a malformed interval never reads as "no overlap".

    >>> frame = pl.DataFrame({"end": [date(2023, 9, 10), date(2023, 9, 11), None]})
    >>> course = (date(2023, 9, 11), date(2023, 9, 29))
    >>> found = frame.select(overlaps_expr(date(2023, 9, 1), pl.col("end"), *course))
    >>> found.to_series().to_list()
    [False, True, None]
    """
    a_start, a_end = _date_expr(a_start), _date_expr(a_end)
    b_start, b_end = _date_expr(b_start), _date_expr(b_end)
    well_formed = (a_start <= a_end) & (b_start <= b_end)
    return pl.when(well_formed).then((a_start <= b_end) & (b_start <= a_end))


def retirement_date_expr(birth: pl.Expr, schedule: AgeSchedule) -> pl.Expr:
    """:func:`retirement_date` on a ``pl.Date`` expression of birth dates.

    The scan of :func:`retirement_date` in closed form: the schedule's age is constant
    between two steps, so within each step the first year that contains the month the age
    is reached is ``max(step start, scan start, that month's year)``, if the step lasts that
    long; the answer is the first step where it does. Computed on whole columns at once
    (each intermediate once), null when the date would be after 9999-12-31.

    >>> women = AgeSchedule({2020: 660, 2021: 664, 2022: 668, 2023: 672, 2024: 676,
    ...                      2025: 680, 2026: 684})
    >>> frame = pl.DataFrame({"birth": [date(1969, 5, 20), None]})
    >>> frame.select(retirement_date_expr(pl.col("birth"), women))["birth"].to_list()
    [datetime.date(2026, 5, 31), None]
    """
    return birth.map_batches(lambda births: _retirement_dates(births, None, [schedule]),
                             return_dtype=pl.Date)


def retirement_date_chosen_expr(birth: pl.Expr, choice: pl.Expr,
                                schedules: Sequence[AgeSchedule | None]) -> pl.Expr:
    """:func:`retirement_date` of each birth date under the schedule ``schedules[choice]``
    (``choice`` a ``pl.UInt32`` expression), null where ``choice`` is null or names None.

    One look-up per row, whichever schedule it takes: what the same date gives under each
    schedule is worked out once for the column (the men's and the women's ages, say).

    >>> men = AgeSchedule({2020: 720, 2021: 723, 2022: 726})
    >>> women = AgeSchedule({2020: 660, 2021: 664, 2022: 668})
    >>> frame = pl.DataFrame({"birth": [date(1962, 1, 15)] * 3, "k": [0, 1, None]},
    ...                      schema={"birth": pl.Date, "k": pl.UInt32})
    >>> frame.select(retirement_date_chosen_expr(pl.col("birth"), pl.col("k"), [men, women])
    ...              )["birth"].to_list()
    [datetime.date(2022, 7, 31), datetime.date(2017, 1, 31), None]
    """
    def dates(both: pl.Series) -> pl.Series:
        columns = both.struct.unnest()  # the births, then the choices
        return _retirement_dates(columns.to_series(0), columns.to_series(1), schedules)

    # The struct, and so the result, is named after ``birth``.
    return pl.struct(birth, choice.alias("__schedule")).map_batches(dates,
                                                                     return_dtype=pl.Date)


#: Past this many days between a column's first and last date, :func:`days_of` leaves the
#: column row by row (a hostile column spanning millennia).
MAX_TABULATED_DAYS = 200_000


def days_of(dates: pl.Series) -> tuple[pl.Series, pl.Series] | None:
    """Each day from the column's first date to its last (``pl.Date``), and each row's place
    among them (null for a missing date); None when the column spans more days than it has
    rows, or more than :data:`MAX_TABULATED_DAYS`.

    What depends on a date alone (an age on a fixed day, a retirement date) can then be worked
    out once per day, each row taking its day's value: a column of a million birth dates
    spans some twenty thousand days.

    >>> domain, place = days_of(pl.Series([date(2000, 1, 3), None, date(2000, 1, 1)] * 2))
    >>> [day.isoformat() for day in domain], place.to_list()
    (['2000-01-01', '2000-01-02', '2000-01-03'], [2, None, 0, 2, None, 0])
    """
    days = dates.cast(pl.Date).to_physical().cast(pl.Int64)
    first, last = days.min(), days.max()
    if first is None or last is None:
        return None
    span = int(last) - int(first) + 1  # type: ignore[call-overload]
    if span > min(len(dates), MAX_TABULATED_DAYS):
        return None
    domain = pl.int_range(first, int(last) + 1, dtype=pl.Int32, eager=True).cast(pl.Date)
    return domain, days - first


def _retirement_dates(births: pl.Series, choices: pl.Series | None,
                      schedules: Sequence[AgeSchedule | None]) -> pl.Series:
    """The retirement date of each birth under ``schedules[choice]`` (every row the first
    schedule when ``choices`` is None).

    Each day of the column's range is worked out once under each schedule (by its month,
    :func:`_by_birth_month`), and every row takes its day's (:func:`days_of`); a column
    spanning more days than it has rows is looked up by month, row by row."""
    births = births.cast(pl.Date)
    tabulated = days_of(births)
    if tabulated is None:
        domain = births
        place = pl.int_range(0, len(births), dtype=pl.Int64, eager=True)
    else:
        domain, place = tabulated
    span = len(domain)
    table = pl.concat([*(_by_birth_month(domain, schedule) for schedule in schedules),
                       pl.Series([None], dtype=pl.Date)])
    chosen = place if choices is None else choices.cast(pl.Int64) * span + place
    missing = len(schedules) * span  # the table's last entry: no date
    return table.gather(chosen.fill_null(missing)).alias(births.name)


def _by_birth_month(births: pl.Series, schedule: AgeSchedule | None) -> pl.Series:
    """The retirement date of each birth under ``schedule`` (nulls for None).

    The date depends on the month of birth alone, and a column of birth dates spans a few
    hundred months: each month is worked out once, and every row takes its month's date."""
    if schedule is None:
        return pl.repeat(None, len(births), dtype=pl.Date, eager=True).alias(births.name)
    months = births.dt.year().cast(pl.Int64) * 12 + births.dt.month().cast(pl.Int64) - 1
    first, last = months.min(), months.max()
    if first is None or last is None:
        return pl.repeat(None, len(births), dtype=pl.Date, eager=True).alias(births.name)
    # Whole centuries of months: every part of a file then shares one table.
    start = first // _CENTURY * _CENTURY  # type: ignore[operator]
    stop = (last // _CENTURY + 1) * _CENTURY - 1  # type: ignore[operator]
    table = _retirement_by_month(schedule.steps, start, stop)
    return table.gather(months - start).alias(births.name)


_CENTURY = 1200  # months


@functools.lru_cache(maxsize=64)
def _retirement_by_month(steps: tuple[tuple[int, int], ...], first: int,
                         last: int) -> pl.Series:
    """The retirement date of someone born in each month from ``first`` to ``last``
    (``year * 12 + month - 1``), under the schedule of ``steps``."""
    birth_month = pl.int_range(first, last + 1, dtype=pl.Int64, eager=True)
    scan_start = birth_month // 12 + steps[0][1] // 12
    reached = pl.Series([None] * len(birth_month), dtype=pl.Int64)
    for index, (year, age) in enumerate(steps):
        since = None if index == 0 else year  # before the first step, its age applies
        stop = steps[index + 1][0] if index + 1 < len(steps) else None
        month = birth_month + age
        frame = pl.DataFrame({"scan": scan_start, "month": month, "reached": reached})
        earliest = pl.max_horizontal([pl.col("scan"), pl.col("month") // 12]
                                     + ([pl.lit(since, pl.Int64)] if since is not None else []))
        found = pl.lit(True) if stop is None else earliest < stop
        reached = frame.select(pl.coalesce(pl.col("reached"), pl.when(found).then(
            pl.col("month")))).to_series()
    return pl.select(_month_end_expr(pl.lit(reached))).to_series()


def _month_end_expr(month_index: pl.Expr) -> pl.Expr:
    """The last day of a month given by its index, null after 9999-12."""
    inside = month_index.is_between(12, 9999 * 12 + 11)
    safe = pl.when(inside).then(month_index).otherwise(12)
    first = pl.date(safe // 12, safe % 12 + 1, 1)
    return pl.when(inside).then(first.dt.month_end())


# --- helpers ----------------------------------------------------------------------------


def _checked_int(value: object, name: str) -> int:
    # bool is an int subclass, and YAML 1.1 reads "yes" as True: refuse it explicitly.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    return value


def _checked_step(year: object, months: object) -> tuple[int, int]:
    first_year = _checked_int(year, "an age schedule's year")
    age = _checked_int(months, f"the retirement age for {first_year}")
    if age <= 0:
        raise ValueError(
            f"the retirement age for {first_year} must be a positive number of months, "
            f"got {age}"
        )
    return first_year, age


def _check_steps(steps: tuple[tuple[int, int], ...]) -> None:
    if not steps:
        raise ValueError("an age schedule needs at least one {first_year: months} step")
    for (year_before, before), (year, after) in pairwise(steps):
        if after < before:
            raise ValueError(
                f"the retirement age cannot fall: {before} months from {year_before}, "
                f"then {after} months from {year}"
            )
        if after - before > 12:
            raise ValueError(
                f"the retirement age can rise by at most 12 months a year: {before} months "
                f"in {year - 1}, then {after} months in {year}"
            )


def _check_interval(start: date, end: date) -> None:
    if end < start:
        raise ValueError(f"an interval cannot end ({end}) before it starts ({start})")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _month_index(d: date) -> int:
    """Months since January of year 0: consecutive months get consecutive numbers."""
    return d.year * 12 + d.month - 1


def _year_and_month(month_index: int) -> tuple[int, int]:
    year, month0 = divmod(month_index, 12)
    return year, month0 + 1


def _month_end(month_index: int) -> date:
    year, month = _year_and_month(month_index)
    return date(year, month, _days_in_month(year, month))


def _date_expr(value: DateLike) -> pl.Expr:
    if isinstance(value, pl.Expr):
        return value
    # A datetime is a date too, but would become a Datetime literal with a time of day.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"expected a polars expression or a date, got {value!r}")
    return pl.lit(value, dtype=pl.Date)


def _month_index_expr(d: pl.Expr) -> pl.Expr:
    # dt.year() is Int32 and dt.month() Int8: widen before doing arithmetic with them.
    return d.dt.year().cast(pl.Int64) * 12 + d.dt.month().cast(pl.Int64) - 1
