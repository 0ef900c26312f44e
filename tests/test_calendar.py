"""Calendar arithmetic of the law, pinned by worked examples and by properties.

Expected values in the example tables were worked out by hand from the retirement-age
schedule of rules/vn-regulations.yaml and docs/hanoi-rulebook.md ("Counting dates, ages and
periods"), never by calling the code under test. The property tests then check the polars
expressions against the scalar functions on random dates.
"""

from __future__ import annotations

import doctest
import inspect
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import date, datetime

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings

import eligibility.calendar as calendar_module
from eligibility.calendar import (
    AgeSchedule,
    add_months,
    add_months_expr,
    add_years,
    completed_months,
    completed_months_expr,
    completed_years,
    completed_years_expr,
    last_day_of_month,
    lasts_at_least_months,
    overlaps,
    overlaps_expr,
    retirement_date,
    retirement_date_chosen_expr,
    retirement_date_expr,
)

# Labour Code 2019 art. 169, Decree 135/2020, normal working conditions, in months.
MEN = AgeSchedule({
    2020: 720,  # 60y0m until 2020
    2021: 723,  # 60y3m
    2022: 726,
    2023: 729,
    2024: 732,
    2025: 735,
    2026: 738,
    2027: 741,
    2028: 744,  # 62y from 2028
})
WOMEN = AgeSchedule({
    2020: 660,  # 55y0m until 2020
    2021: 664,  # 55y4m
    2022: 668,
    2023: 672,
    2024: 676,
    2025: 680,
    2026: 684,
    2027: 688,
    2028: 692,
    2029: 696,
    2030: 700,
    2031: 704,
    2032: 708,
    2033: 712,
    2034: 716,
    2035: 720,  # 60y from 2035
})

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
MAYBE_DATES = st.none() | DATES
ROWS = {"min_size": 1, "max_size": 30}

D = date  # keeps the example tables on one line each


# --- helpers ----------------------------------------------------------------------------


def _evaluate(expr: pl.Expr, **columns: list[date | None]) -> list[object]:
    """The values of ``expr`` on a frame of ``pl.Date`` columns."""
    frame = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Date))
    return frame.select(expr.alias("result"))["result"].to_list()


def _null_safe(function: Callable[..., object], *args: object) -> object:
    """``function(*args)``, or None when an argument is None: what polars does with null."""
    return None if any(arg is None for arg in args) else function(*args)


@st.composite
def age_schedules(draw: st.DrawFn) -> AgeSchedule:
    """Valid schedules: positive ages, never falling, rising at most 12 months a year."""
    year = draw(st.integers(min_value=1950, max_value=2050))
    months = draw(st.integers(min_value=1, max_value=900))
    steps = {year: months}
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        year += draw(st.integers(min_value=1, max_value=5))
        months += draw(st.integers(min_value=0, max_value=12))
        steps[year] = months
    return AgeSchedule(steps)


def _well_formed(bounds: tuple[date | None, date | None]) -> tuple[date | None, date | None]:
    start, end = bounds
    if start is None or end is None:
        return bounds
    return min(start, end), max(start, end)


INTERVALS = st.tuples(MAYBE_DATES, MAYBE_DATES).map(_well_formed)


# --- the module as a whole --------------------------------------------------------------


def test_docstring_examples_hold() -> None:
    """GIVEN the examples in calendar's docstrings
    WHEN they are run as doctests
    THEN every one of them gives the documented result."""
    result = doctest.testmod(calendar_module)
    assert result.attempted > 0
    assert result.failed == 0


def test_all_lists_exactly_the_public_names() -> None:
    """GIVEN the calendar module
    WHEN its public functions and classes are listed
    THEN ``__all__`` names exactly those (plus the ``DateLike`` alias)."""
    defined_here = {
        name
        for name, value in vars(calendar_module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == calendar_module.__name__
    }
    assert set(calendar_module.__all__) == defined_here | {"DateLike"}


# --- adding months and years ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # no 31 Feb: last day of February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2023, 1, 30), 1, D(2023, 2, 28)),
        (D(2023, 1, 28), 1, D(2023, 2, 28)),  # a day that exists is kept
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2023, 5, 31), -1, D(2023, 4, 30)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2022, 11, 30), 3, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2023, 2, 28), 1, D(2023, 3, 28)),  # not "last day stays last day"
        (D(2023, 12, 15), 1, D(2024, 1, 15)),  # across the new year
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2023, 5, 31), 0, D(2023, 5, 31)),
        (D(2024, 2, 29), 0, D(2024, 2, 29)),
        (D(2023, 5, 31), -1200, D(1923, 5, 31)),
        (D(2023, 3, 31), -1213, D(1922, 2, 28)),  # -101 years -1 month, 1922 is common
        (D(2000, 2, 29), -1200, D(1900, 2, 28)),  # 1900 is not a leap year
        (D(2000, 2, 29), 1200, D(2100, 2, 28)),  # nor is 2100
    ],
)
def test_add_months_at_month_ends(start: date, months: int, expected: date) -> None:
    """GIVEN a date and a number of months (Civil Code 2015 art. 148)
    WHEN the months are added
    THEN the result keeps the day of month, or is the target month's last day if it has
    no such day."""
    assert add_months(start, months) == expected


def test_add_months_is_always_counted_from_the_original_start() -> None:
    """GIVEN 31 January 2023
    WHEN one month is added twice, or two months once
    THEN the results differ (28 March against 31 March): a period of n months is always
    added to its start in one step, never chained."""
    assert add_months(add_months(D(2023, 1, 31), 1), 1) == D(2023, 3, 28)
    assert add_months(D(2023, 1, 31), 2) == D(2023, 3, 31)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (D(2000, 2, 29), 1, D(2001, 2, 28)),
        (D(2000, 2, 29), 4, D(2004, 2, 29)),
        (D(2000, 2, 29), 100, D(2100, 2, 28)),
        (D(2000, 2, 29), -100, D(1900, 2, 28)),
        (D(2000, 2, 29), -4, D(1996, 2, 29)),
        (D(1985, 6, 15), 40, D(2025, 6, 15)),
        (D(1985, 6, 15), 0, D(1985, 6, 15)),
    ],
)
def test_add_years_is_twelve_months(start: date, years: int, expected: date) -> None:
    """GIVEN a date and a number of years
    WHEN the years are added
    THEN the result is that of adding 12 months per year, so 29 Feb goes to 28 Feb in
    common years."""
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2023, 2, 10), D(2023, 2, 28)),
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(1900, 2, 15), D(1900, 2, 28)),
        (D(2000, 2, 15), D(2000, 2, 29)),
        (D(2023, 4, 1), D(2023, 4, 30)),
        (D(2023, 12, 31), D(2023, 12, 31)),
    ],
)
def test_last_day_of_month(day: date, expected: date) -> None:
    """GIVEN a day
    WHEN the last day of its month is asked for
    THEN it is the 28th, 29th, 30th or 31st as the calendar has it (1900 common, 2000 leap)."""
    assert last_day_of_month(day) == expected


@given(start=DATES, months=st.integers(min_value=-2400, max_value=2400))
def test_add_months_lands_in_the_target_month_on_the_same_or_last_day(
    start: date, months: int
) -> None:
    """GIVEN any date and number of months
    WHEN the months are added
    THEN the result is ``months`` months later by month number, on the same day of month,
    or on an earlier day only when that day is its month's last."""
    result = add_months(start, months)
    assert (result.year - start.year) * 12 + result.month - start.month == months
    assert result.day == start.day or (
        result.day < start.day and result == last_day_of_month(result)
    )


# --- ages and periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2000, 2, 29), D(2001, 2, 27), 0),
        (D(2000, 2, 29), D(2001, 2, 28), 1),  # completes the year on 28 Feb in common years
        (D(2000, 2, 29), D(2001, 3, 1), 1),
        (D(2000, 2, 29), D(2004, 2, 28), 3),  # ...but not in leap years
        (D(2000, 2, 29), D(2004, 2, 29), 4),
        (D(2000, 3, 1), D(2001, 2, 28), 0),
        (D(2000, 3, 1), D(2001, 3, 1), 1),
        (D(1985, 6, 15), D(2023, 6, 14), 37),  # the day before a birthday
        (D(1985, 6, 15), D(2023, 6, 15), 38),  # on the birthday
        (D(2000, 2, 29), D(2000, 2, 29), 0),
        (D(2000, 2, 29), D(2000, 2, 28), -1),  # before the start: negative
        (D(2000, 2, 29), D(1999, 2, 28), -1),
        (D(2000, 2, 29), D(1999, 2, 27), -2),
    ],
)
def test_age_in_completed_years_around_29_february(birth: date, on: date, age: int) -> None:
    """GIVEN a birth date and a reference date
    WHEN the age in completed years is counted
    THEN a year is completed on the same day and month, and a person born 29 February
    completes it on 28 February in common years."""
    assert completed_years(birth, on) == age


@pytest.mark.parametrize(
    ("birth", "course_start", "age"),
    [
        (D(1983, 9, 1), D(2023, 9, 1), 40),  # 40th birthday on the first day: not under 40
        (D(1983, 9, 2), D(2023, 9, 1), 39),
        (D(1984, 2, 29), D(2023, 2, 28), 39),  # pg-domestic starts 2023-02-28
        (D(1983, 2, 28), D(2023, 2, 28), 40),
        (D(1983, 3, 1), D(2023, 2, 28), 39),
        (D(1988, 9, 1), D(2023, 9, 1), 35),  # pg-abroad: at most 35 on 2023-09-01
        (D(1987, 9, 1), D(2023, 9, 1), 36),
    ],
)
def test_age_limits_of_the_hanoi_postgraduate_quotas(
    birth: date, course_start: date, age: int
) -> None:
    """GIVEN a nominee's birth date and a Hanoi postgraduate course start
    WHEN the age on the course start is counted
    THEN it is the number of birthdays reached on or before that day."""
    assert completed_years(birth, course_start) == age


@pytest.mark.parametrize(
    ("service_start", "course_start", "years"),
    [
        (D(2020, 9, 1), D(2023, 9, 1), 3),
        (D(2020, 9, 2), D(2023, 9, 1), 2),
        (D(2020, 2, 29), D(2023, 2, 28), 3),
        (D(2020, 3, 1), D(2023, 2, 28), 2),
    ],
)
def test_years_of_service(service_start: date, course_start: date, years: int) -> None:
    """GIVEN a first day of service and a course start
    WHEN the completed years of service are counted
    THEN they follow the same rule as ages."""
    assert completed_years(service_start, course_start) == years


@pytest.mark.parametrize(
    ("start", "on", "months"),
    [
        (D(2023, 1, 31), D(2023, 2, 27), 0),
        (D(2023, 1, 31), D(2023, 2, 28), 1),  # 31 Jan + 1 month is 28 Feb
        (D(2024, 1, 31), D(2024, 2, 28), 0),
        (D(2024, 1, 31), D(2024, 2, 29), 1),
        (D(2023, 3, 31), D(2023, 4, 30), 1),
        (D(2023, 3, 30), D(2023, 4, 29), 0),
        (D(2023, 3, 30), D(2023, 4, 30), 1),
        (D(2023, 1, 15), D(2023, 1, 15), 0),
        (D(2023, 1, 15), D(2024, 1, 14), 11),
        (D(2023, 1, 15), D(2024, 1, 15), 12),
        (D(2023, 3, 31), D(2023, 2, 28), -1),  # 31 Mar - 1 month is 28 Feb
        (D(2023, 3, 31), D(2023, 2, 27), -2),
    ],
)
def test_completed_months(start: date, on: date, months: int) -> None:
    """GIVEN a start and a reference date
    WHEN the completed months are counted
    THEN they are the most months that, added to the start, do not pass the reference."""
    assert completed_months(start, on) == months


@given(start=DATES, on=DATES)
def test_completed_months_is_the_largest_count_that_fits(start: date, on: date) -> None:
    """GIVEN any two dates
    WHEN the completed months from one to the other are counted as n
    THEN start + n months <= on < start + (n + 1) months, and likewise for years."""
    months = completed_months(start, on)
    assert add_months(start, months) <= on < add_months(start, months + 1)
    years = completed_years(start, on)
    assert add_years(start, years) <= on < add_years(start, years + 1)


@given(start=DATES, months=st.integers(min_value=-2400, max_value=2400))
def test_completed_months_undoes_add_months(start: date, months: int) -> None:
    """GIVEN any date and number of months
    WHEN the months are added and then counted back
    THEN the count is the number added."""
    assert completed_months(start, add_months(start, months)) == months


@given(start=DATES, on=DATES, later=DATES)
def test_completed_years_never_decreases_as_time_passes(
    start: date, on: date, later: date
) -> None:
    """GIVEN a start and two reference dates
    WHEN the completed years are counted on each
    THEN the later reference date never gives fewer years."""
    first, second = sorted((on, later))
    assert completed_years(start, first) <= completed_years(start, second)
    assert completed_months(start, first) <= completed_months(start, second)


# --- intervals and course length --------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2023, 9, 1), D(2023, 9, 11)), (D(2023, 9, 11), D(2023, 9, 29)), True),  # touching
        ((D(2023, 9, 1), D(2023, 9, 10)), (D(2023, 9, 11), D(2023, 9, 29)), False),  # adjacent
        ((D(2023, 1, 1), D(2023, 12, 31)), (D(2023, 9, 11), D(2023, 9, 29)), True),  # contains
        ((D(2023, 9, 11), D(2023, 9, 29)), (D(2023, 10, 2), D(2023, 10, 20)), False),
        ((D(2023, 9, 11), D(2023, 9, 29)), (D(2023, 9, 18), D(2023, 10, 27)), True),
        ((D(2023, 10, 2), D(2023, 10, 20)), (D(2023, 10, 9), D(2023, 11, 17)), True),
        ((D(2023, 9, 11), D(2023, 9, 11)), (D(2023, 9, 11), D(2023, 9, 11)), True),  # one day
        ((D(2023, 9, 11), D(2023, 9, 11)), (D(2023, 9, 12), D(2023, 9, 12)), False),
        ((D(2023, 9, 20), D(2023, 9, 20)), (D(2023, 9, 11), D(2023, 9, 29)), True),
        ((D(2023, 9, 29), D(2023, 9, 29)), (D(2023, 9, 11), D(2023, 9, 29)), True),
        ((D(2023, 9, 30), D(2023, 9, 30)), (D(2023, 9, 11), D(2023, 9, 29)), False),
    ],
)
def test_overlaps(a: tuple[date, date], b: tuple[date, date], expected: bool) -> None:
    """GIVEN two inclusive intervals
    WHEN they are checked for overlap, in either order
    THEN they overlap exactly when they share at least one day."""
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected


def test_overlaps_refuses_an_interval_that_ends_before_it_starts() -> None:
    """GIVEN an interval whose end is before its start
    WHEN it is checked for overlap
    THEN a ValueError says so, rather than an answer about a meaningless interval."""
    with pytest.raises(ValueError, match="cannot end"):
        overlaps(D(2023, 9, 29), D(2023, 9, 11), D(2023, 9, 1), D(2023, 12, 31))
    with pytest.raises(ValueError, match="cannot end"):
        overlaps(D(2023, 9, 1), D(2023, 12, 31), D(2023, 9, 29), D(2023, 9, 11))


@given(a=st.tuples(DATES, DATES).map(sorted), b=st.tuples(DATES, DATES).map(sorted))
def test_overlaps_is_symmetric_and_reflexive(a: list[date], b: list[date]) -> None:
    """GIVEN two well-formed intervals
    WHEN they are checked for overlap
    THEN the order does not matter, and an interval always overlaps itself."""
    assert overlaps(*a, *b) == overlaps(*b, *a)
    assert overlaps(*a, *a)


@pytest.mark.parametrize(
    ("start", "end", "months", "expected"),
    [
        (D(2023, 9, 11), D(2023, 9, 29), 1, False),  # noi-vu-urban: under a month
        (D(2023, 10, 2), D(2023, 10, 20), 1, False),  # noi-vu-hr
        (D(2023, 10, 9), D(2023, 11, 17), 1, True),  # tai-chinh: a month or more
        (D(2023, 9, 18), D(2023, 10, 27), 1, True),  # kh-cn
        (D(2023, 10, 16), D(2023, 11, 24), 1, True),  # y-te
        (D(2023, 9, 11), D(2023, 10, 10), 1, True),  # exactly one month
        (D(2023, 9, 11), D(2023, 10, 9), 1, False),  # one day short
        (D(2023, 1, 31), D(2023, 2, 27), 1, True),  # 31 Jan + 1 month - 1 day = 27 Feb
        (D(2023, 1, 31), D(2023, 2, 26), 1, False),
        (D(2024, 1, 31), D(2024, 2, 28), 1, True),  # leap year: 29 Feb - 1 day
        (D(2024, 1, 31), D(2024, 2, 27), 1, False),
        (D(2023, 9, 1), D(2025, 8, 31), 24, True),  # pg-abroad: exactly 24 months
        (D(2023, 9, 1), D(2025, 8, 31), 25, False),
        (D(2023, 2, 28), D(2025, 2, 28), 24, True),  # pg-domestic: 24 months and a day
        (D(2023, 2, 28), D(2025, 2, 28), 25, False),
        (D(2023, 9, 11), D(2023, 9, 11), 0, True),
    ],
)
def test_lasts_at_least_months(start: date, end: date, months: int, expected: bool) -> None:
    """GIVEN an inclusive course start..end (the Hanoi quota dates among them)
    WHEN it is asked whether it lasts at least some months
    THEN it does exactly when end >= start + months (art. 148) - 1 day."""
    assert lasts_at_least_months(start, end, months) is expected


def test_lasts_at_least_months_refuses_nonsense() -> None:
    """GIVEN a course that ends before it starts, or a negative number of months
    WHEN its length is checked
    THEN a ValueError is raised."""
    with pytest.raises(ValueError, match="cannot end"):
        lasts_at_least_months(D(2023, 9, 29), D(2023, 9, 11), 1)
    with pytest.raises(ValueError, match="negative"):
        lasts_at_least_months(D(2023, 9, 11), D(2023, 9, 29), -1)


# --- the retirement-age schedule --------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "months"),
    [(1990, 720), (2020, 720), (2021, 723), (2024, 732), (2027, 741), (2028, 744), (2100, 744)],
)
def test_age_schedule_is_a_step_function_of_the_year(year: int, months: int) -> None:
    """GIVEN the men's schedule
    WHEN the age for a year is asked for
    THEN it is the age of the latest step at or before that year, or of the first step
    for earlier years."""
    assert MEN.age_in(year) == months


def test_age_schedule_steps_may_skip_years() -> None:
    """GIVEN a schedule with a gap between steps
    WHEN the age in the gap is asked for
    THEN it is the earlier step's age."""
    schedule = AgeSchedule({2030: 700, 2020: 690})
    assert [schedule.age_in(y) for y in (2019, 2020, 2029, 2030)] == [690, 690, 690, 700]


def test_age_schedule_is_a_hashable_value() -> None:
    """GIVEN two schedules built from the same steps in different orders
    WHEN they are compared, hashed and assigned to
    THEN they are equal with equal hashes, and cannot be changed."""
    one = AgeSchedule({2020: 720, 2021: 723})
    other = AgeSchedule({2021: 723, 2020: 720})
    assert one == other
    assert hash(one) == hash(other)
    assert one != AgeSchedule({2020: 720, 2021: 724})
    assert repr(one) == "AgeSchedule({2020: 720, 2021: 723})"
    with pytest.raises(FrozenInstanceError):
        one.steps = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ({}, "at least one"),
        ({2020: 0}, "positive"),
        ({2020: -720}, "positive"),
        ({2020: 720, 2021: 719}, "cannot fall"),
        ({2020: 720, 2021: 733}, "at most 12 months"),
        ({2020: 720, 2025: 733}, "at most 12 months"),  # the rise happens in one year: 2025
    ],
)
def test_age_schedule_rejects_impossible_schedules(steps: dict[int, int], message: str) -> None:
    """GIVEN a schedule that is empty, has a non-positive age, falls, or jumps by more than
    a year in one year
    WHEN it is built
    THEN a ValueError explains what is wrong."""
    with pytest.raises(ValueError, match=message):
        AgeSchedule(steps)


@pytest.mark.parametrize(
    "steps",
    [{2020: True}, {2020: 720.0}, {2020: "720"}, {"2020": 720}, {True: 720}],
)
def test_age_schedule_rejects_values_that_are_not_whole_numbers(
    steps: dict[object, object],
) -> None:
    """GIVEN a schedule whose year or age is not an int (a bool such as YAML's ``yes``,
    a float, a string)
    WHEN it is built
    THEN a TypeError is raised instead of guessing."""
    with pytest.raises(TypeError, match="whole number"):
        AgeSchedule(steps)


def test_age_schedule_accepts_flat_steps_and_a_rise_of_exactly_a_year() -> None:
    """GIVEN a schedule with an unchanged step and a rise of exactly 12 months
    WHEN it is built
    THEN it is accepted."""
    assert AgeSchedule({2020: 720, 2021: 720, 2022: 732}).age_in(2022) == 732


# --- statutory retirement ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "retires"),
    [
        (D(1960, 12, 31), D(2020, 12, 31)),  # old rule: 60y0m
        (D(1961, 1, 1), D(2021, 4, 30)),  # 2021 cohort, 60y3m: born 01-09/1961
        (D(1961, 9, 30), D(2021, 12, 31)),
        (D(1961, 10, 1), D(2022, 4, 30)),  # 2022, 60y6m: 10/1961-06/1962
        (D(1962, 6, 30), D(2022, 12, 31)),
        (D(1962, 7, 1), D(2023, 4, 30)),  # 2023, 60y9m: 07/1962-03/1963
        (D(1963, 3, 31), D(2023, 12, 31)),
        (D(1963, 4, 1), D(2024, 4, 30)),  # 2024, 61y0m: 04-12/1963
        (D(1963, 12, 31), D(2024, 12, 31)),
        (D(1964, 1, 1), D(2025, 4, 30)),  # 2025, 61y3m: 01-09/1964
        (D(1964, 9, 30), D(2025, 12, 31)),
        (D(1964, 10, 1), D(2026, 4, 30)),  # 2026, 61y6m: 10/1964-06/1965
        (D(1965, 6, 30), D(2026, 12, 31)),
        (D(1965, 7, 1), D(2027, 4, 30)),  # 2027, 61y9m: 07/1965-03/1966
        (D(1966, 3, 31), D(2027, 12, 31)),
        (D(1966, 4, 1), D(2028, 4, 30)),  # from 04/1966 on, at 62y
        (D(1966, 12, 31), D(2028, 12, 31)),
        (D(1967, 1, 1), D(2029, 1, 31)),
        (D(1970, 2, 28), D(2032, 2, 29)),  # leap February
        (D(1980, 2, 15), D(2042, 2, 28)),
    ],
)
def test_men_retire_at_each_cohort_boundary(birth: date, retires: date) -> None:
    """GIVEN a man born on the first or last month of a retirement cohort (docs/hanoi-rulebook.md)
    WHEN his statutory retirement date is computed
    THEN it is the last day of the month he reaches the age of his cohort's year."""
    assert retirement_date(birth, MEN) == retires


@pytest.mark.parametrize(
    ("birth", "retires"),
    [
        (D(1965, 12, 31), D(2020, 12, 31)),  # old rule: 55y0m
        (D(1966, 1, 1), D(2021, 5, 31)),  # 2021, 55y4m: born 01-08/1966
        (D(1966, 8, 31), D(2021, 12, 31)),
        (D(1966, 9, 1), D(2022, 5, 31)),  # 2022, 55y8m: 09/1966-04/1967
        (D(1967, 4, 30), D(2022, 12, 31)),
        (D(1967, 5, 1), D(2023, 5, 31)),  # 2023, 56y0m: 05-12/1967
        (D(1967, 12, 31), D(2023, 12, 31)),
        (D(1968, 1, 1), D(2024, 5, 31)),  # 2024, 56y4m: 01-08/1968
        (D(1968, 8, 31), D(2024, 12, 31)),
        (D(1968, 9, 1), D(2025, 5, 31)),  # 2025, 56y8m: 09/1968-04/1969
        (D(1969, 4, 30), D(2025, 12, 31)),
        (D(1969, 5, 1), D(2026, 5, 31)),  # 2026, 57y0m: 05-12/1969
        (D(1969, 12, 31), D(2026, 12, 31)),
        (D(1970, 1, 1), D(2027, 5, 31)),  # 2027, 57y4m: 01-08/1970
        (D(1970, 8, 31), D(2027, 12, 31)),
        (D(1970, 9, 1), D(2028, 5, 31)),  # 2028, 57y8m: 09/1970-04/1971
        (D(1971, 4, 30), D(2028, 12, 31)),
        (D(1971, 5, 1), D(2029, 5, 31)),  # 2029, 58y0m: 05-12/1971
        (D(1971, 12, 31), D(2029, 12, 31)),
        (D(1972, 1, 1), D(2030, 5, 31)),  # 2030, 58y4m: 01-08/1972
        (D(1972, 8, 31), D(2030, 12, 31)),
        (D(1972, 9, 1), D(2031, 5, 31)),  # 2031, 58y8m: 09/1972-04/1973
        (D(1973, 4, 30), D(2031, 12, 31)),
        (D(1973, 5, 1), D(2032, 5, 31)),  # 2032, 59y0m: 05-12/1973
        (D(1973, 12, 31), D(2032, 12, 31)),
        (D(1974, 1, 1), D(2033, 5, 31)),  # 2033, 59y4m: 01-08/1974
        (D(1974, 8, 31), D(2033, 12, 31)),
        (D(1974, 9, 1), D(2034, 5, 31)),  # 2034, 59y8m: 09/1974-04/1975
        (D(1975, 4, 30), D(2034, 12, 31)),
        (D(1975, 5, 1), D(2035, 5, 31)),  # from 05/1975 on, at 60y
        (D(1975, 12, 31), D(2035, 12, 31)),
        (D(1976, 1, 1), D(2036, 1, 31)),
        (D(1976, 2, 29), D(2036, 2, 29)),
        (D(1990, 2, 1), D(2050, 2, 28)),
    ],
)
def test_women_retire_at_each_cohort_boundary(birth: date, retires: date) -> None:
    """GIVEN a woman born on the first or last month of a retirement cohort (docs/hanoi-rulebook.md)
    WHEN her statutory retirement date is computed
    THEN it is the last day of the month she reaches the age of her cohort's year."""
    assert retirement_date(birth, WOMEN) == retires


# (first birth month, last birth month, retirement year or None for "any", age in months)
MEN_COHORTS = [
    ((1940, 1), (1960, 12), None, 720),
    ((1961, 1), (1961, 9), 2021, 723),
    ((1961, 10), (1962, 6), 2022, 726),
    ((1962, 7), (1963, 3), 2023, 729),
    ((1963, 4), (1963, 12), 2024, 732),
    ((1964, 1), (1964, 9), 2025, 735),
    ((1964, 10), (1965, 6), 2026, 738),
    ((1965, 7), (1966, 3), 2027, 741),
    ((1966, 4), (1966, 12), 2028, 744),
    ((1967, 1), (1999, 12), None, 744),
]
WOMEN_COHORTS = [
    ((1940, 1), (1965, 12), None, 660),
    ((1966, 1), (1966, 8), 2021, 664),
    ((1966, 9), (1967, 4), 2022, 668),
    ((1967, 5), (1967, 12), 2023, 672),
    ((1968, 1), (1968, 8), 2024, 676),
    ((1968, 9), (1969, 4), 2025, 680),
    ((1969, 5), (1969, 12), 2026, 684),
    ((1970, 1), (1970, 8), 2027, 688),
    ((1970, 9), (1971, 4), 2028, 692),
    ((1971, 5), (1971, 12), 2029, 696),
    ((1972, 1), (1972, 8), 2030, 700),
    ((1972, 9), (1973, 4), 2031, 704),
    ((1973, 5), (1973, 12), 2032, 708),
    ((1974, 1), (1974, 8), 2033, 712),
    ((1974, 9), (1975, 4), 2034, 716),
    ((1975, 5), (1999, 12), None, 720),
]


def _cohort_cases() -> list[object]:
    cases = []
    for name, schedule, cohorts in (("men", MEN, MEN_COHORTS), ("women", WOMEN, WOMEN_COHORTS)):
        for first, last, year, age in cohorts:
            label = f"{name} born {first[1]:02}/{first[0]}-{last[1]:02}/{last[0]}"
            cases.append(pytest.param(schedule, first, last, year, age, id=label))
    return cases


@pytest.mark.parametrize(("schedule", "first", "last", "year", "age"), _cohort_cases())
def test_every_birth_month_of_a_cohort_retires_at_its_age(
    schedule: AgeSchedule,
    first: tuple[int, int],
    last: tuple[int, int],
    year: int | None,
    age: int,
) -> None:
    """GIVEN every birth month of a cohort of the hand-made cohort table (1940-1999)
    WHEN the retirement date is computed
    THEN it is the end of the month ``age`` months after the birth month, in the cohort's
    retirement year."""
    for birth_month in range(first[0] * 12 + first[1] - 1, last[0] * 12 + last[1]):
        birth = D(birth_month // 12, birth_month % 12 + 1, 15)
        reached = birth_month + age
        expected = last_day_of_month(D(reached // 12, reached % 12 + 1, 1))
        assert retirement_date(birth, schedule) == expected, birth
        assert year is None or expected.year == year, birth


def test_the_worked_examples_of_the_regulations() -> None:
    """GIVEN a man born 10/10/1964 and a woman born 20/05/1969
    WHEN their retirement dates are computed
    THEN he reaches 61y6m in April 2026 and retires 30/04/2026, and she reaches 57y in
    May 2026 and retires 31/05/2026."""
    assert retirement_date(D(1964, 10, 10), MEN) == D(2026, 4, 30)
    assert retirement_date(D(1969, 5, 20), WOMEN) == D(2026, 5, 31)


def test_a_man_meeting_two_years_ages_retires_in_the_earlier_year() -> None:
    """GIVEN a man born 15/12/1963, who reaches 2024's age (61y0m) in December 2024 and
    2025's age (61y3m) in March 2025, so meets both years' ages
    WHEN his retirement date is computed
    THEN the earlier year applies: 31/12/2024."""
    assert retirement_date(D(1963, 12, 15), MEN) == D(2024, 12, 31)


def test_people_born_on_a_leap_day() -> None:
    """GIVEN people born 29/02/1964
    WHEN their retirement dates are computed
    THEN only the birth month counts: a man reaches 61y3m (2025's age) in May 2025, and a
    woman reached 55y under the old rule in February 2019."""
    assert retirement_date(D(1964, 2, 29), MEN) == D(2025, 5, 31)
    assert retirement_date(D(1964, 2, 29), WOMEN) == D(2019, 2, 28)


def test_people_who_retired_before_the_schedule_began() -> None:
    """GIVEN a man born in 1950 (1 January by convention when only the year is known) and
    one born 20/07/1950
    WHEN their retirement dates are computed
    THEN the first step's age (60y) applies: 31/01/2010 and 31/07/2010."""
    assert retirement_date(D(1950, 1, 1), MEN) == D(2010, 1, 31)
    assert retirement_date(D(1950, 7, 20), MEN) == D(2010, 7, 31)


@given(birth=DATES, schedule=st.sampled_from([MEN, WOMEN]) | age_schedules())
def test_retirement_is_the_month_end_the_age_of_its_year_is_reached(
    birth: date, schedule: AgeSchedule
) -> None:
    """GIVEN any birth date and schedule
    WHEN the retirement date is computed
    THEN it is a month end, in the month the person reaches that year's age, and in no
    earlier year did the person reach that year's age within the year."""
    retires = retirement_date(birth, schedule)
    birth_month = birth.year * 12 + birth.month - 1
    assert retires == last_day_of_month(retires)
    assert retires.year * 12 + retires.month - 1 - birth_month == schedule.age_in(retires.year)
    for year in range(birth.year, retires.year):
        assert (birth_month + schedule.age_in(year)) // 12 > year


@given(
    births=st.tuples(DATES, DATES).map(sorted),
    schedule=st.sampled_from([MEN, WOMEN]) | age_schedules(),
)
def test_retirement_follows_birth_order(births: list[date], schedule: AgeSchedule) -> None:
    """GIVEN two birth dates
    WHEN their retirement dates are computed
    THEN the younger person never retires earlier, and strictly later when born in a
    later month."""
    older, younger = births
    assert retirement_date(older, schedule) <= retirement_date(younger, schedule)
    if (older.year, older.month) != (younger.year, younger.month):
        assert retirement_date(older, schedule) < retirement_date(younger, schedule)


# --- polars expressions agree with the scalar functions ---------------------------------


@given(days=st.lists(MAYBE_DATES, **ROWS), months=st.integers(min_value=-2400, max_value=2400))
def test_add_months_expr_matches_add_months(days: list[date | None], months: int) -> None:
    """GIVEN a column of dates with nulls and a number of months
    WHEN the months are added by the polars expression
    THEN every row equals the scalar result, and nulls stay null."""
    expected = [_null_safe(add_months, day, months) for day in days]
    assert _evaluate(add_months_expr(pl.col("d"), months), d=days) == expected


@given(pairs=st.lists(st.tuples(MAYBE_DATES, MAYBE_DATES), **ROWS))
def test_completed_months_and_years_exprs_match_the_scalar_functions(
    pairs: list[tuple[date | None, date | None]],
) -> None:
    """GIVEN columns of start and reference dates with nulls
    WHEN completed months and years are counted by the polars expressions
    THEN every row equals the scalar result, and nulls stay null."""
    starts, ons = [p[0] for p in pairs], [p[1] for p in pairs]
    columns = {"start": starts, "on": ons}
    months = completed_months_expr(pl.col("start"), pl.col("on"))
    years = completed_years_expr(pl.col("start"), pl.col("on"))
    assert _evaluate(months, **columns) == [_null_safe(completed_months, *p) for p in pairs]
    assert _evaluate(years, **columns) == [_null_safe(completed_years, *p) for p in pairs]


@given(starts=st.lists(MAYBE_DATES, **ROWS), on=DATES)
def test_completed_years_expr_takes_a_reference_date(
    starts: list[date | None], on: date
) -> None:
    """GIVEN a column of birth dates with nulls and one reference date (a course start)
    WHEN ages are counted by the polars expression against the plain date
    THEN every row equals the scalar result."""
    expected = [_null_safe(completed_years, start, on) for start in starts]
    assert _evaluate(completed_years_expr(pl.col("d"), on), d=starts) == expected
    expected_months = [_null_safe(completed_months, start, on) for start in starts]
    assert _evaluate(completed_months_expr(pl.col("d"), on), d=starts) == expected_months


def test_completed_years_expr_is_int64_and_refuses_datetimes() -> None:
    """GIVEN a date column
    WHEN ages are counted against a date, or against a datetime
    THEN the result is Int64, and a datetime is refused rather than silently compared with
    its time of day."""
    frame = pl.DataFrame({"birth": [D(2000, 2, 29)]})
    ages = frame.select(completed_years_expr(pl.col("birth"), D(2001, 2, 28)))
    assert ages.dtypes == [pl.Int64]
    with pytest.raises(TypeError, match="expected a polars expression or a date"):
        completed_years_expr(pl.col("birth"), datetime(2001, 2, 28, 12))


@settings(max_examples=50)
@given(
    births=st.lists(MAYBE_DATES, **ROWS),
    schedule=st.sampled_from([MEN, WOMEN]) | age_schedules(),
)
def test_retirement_date_expr_matches_retirement_date(
    births: list[date | None], schedule: AgeSchedule
) -> None:
    """GIVEN a column of birth dates with nulls and a schedule
    WHEN retirement dates are computed by the polars expression
    THEN every row equals the scalar result, and nulls stay null."""
    expected = [_null_safe(retirement_date, birth, schedule) for birth in births]
    assert _evaluate(retirement_date_expr(pl.col("d"), schedule), d=births) == expected


@st.composite
def _chosen_births(draw: st.DrawFn) -> tuple[list[date | None], list[int | None]]:
    """Birth dates with nulls — within a few weeks (fewer days than rows: looked up by day)
    or anywhere (by month) — each with the index of its schedule among three, or null."""
    if draw(st.booleans()):
        start = draw(DATES)
        births = draw(st.lists(st.none() | st.integers(0, 20).map(
            lambda days: date.fromordinal(min(start.toordinal() + days,
                                              date(2100, 12, 31).toordinal()))),
            min_size=25, max_size=60))
    else:
        births = draw(st.lists(MAYBE_DATES, **ROWS))
    choices = draw(st.lists(st.none() | st.integers(0, 2), min_size=len(births),
                            max_size=len(births)))
    return births, choices


@settings(max_examples=80)
@given(rows=_chosen_births(), schedule=st.sampled_from([MEN, WOMEN]) | age_schedules())
def test_retirement_date_chosen_expr_matches_retirement_date(
    rows: tuple[list[date | None], list[int | None]], schedule: AgeSchedule
) -> None:
    """GIVEN birth dates, each with the schedule it takes among (men's, a drawn one, none),
    or none WHEN retirement dates are computed by the polars expression THEN every row
    equals the scalar result under its schedule, and null where it has none."""
    births, choices = rows
    schedules = [MEN, schedule, None]
    expected = [None if choice is None or schedules[choice] is None
                else _null_safe(retirement_date, birth, schedules[choice])
                for birth, choice in zip(births, choices, strict=True)]
    frame = pl.DataFrame({"d": births, "k": choices}, schema={"d": pl.Date, "k": pl.UInt32})
    found = frame.select(retirement_date_chosen_expr(pl.col("d"), pl.col("k"), schedules))
    assert found["d"].to_list() == expected


def test_retirement_date_expr_covers_every_date_and_gives_null_after_9999() -> None:
    """GIVEN births from the first day the language holds to the last WHEN retirement
    dates are computed by the polars expression THEN they match the scalar function, and a
    retirement that would fall after 9999-12-31 is null (where the scalar one raises)."""
    births = [D(1, 1, 1), D(1799, 12, 31), D(1800, 1, 1), D(2200, 12, 31), D(2201, 1, 1),
              D(9900, 1, 1), D(9999, 12, 31)]
    expected = []
    for birth in births:
        try:
            expected.append(retirement_date(birth, MEN))
        except ValueError:
            expected.append(None)
    assert expected[-1] is None and expected[-2] is not None
    assert _evaluate(retirement_date_expr(pl.col("d"), MEN), d=births) == expected


def test_retirement_date_expr_on_a_million_rows_matches_the_scalar_function() -> None:
    """GIVEN a million birth dates and a schedule never used before (no cached lookup)
    WHEN retirement dates are computed by the polars expression
    THEN every row matches the scalar function (speed is measured in bench/, not here)."""
    schedule = AgeSchedule({2019: 721, 2030: 733})
    days = pl.int_range(0, 1_000_000) % 73_000
    frame = pl.select(d=pl.lit(D(1900, 1, 1)) + pl.duration(days=days))
    result = frame.select(retirement_date_expr(pl.col("d"), schedule))
    distinct = frame.with_columns(r=result["d"]).unique("d")
    for birth, retired in distinct.iter_rows():
        if birth.day == 1:
            assert retired == retirement_date(birth, schedule)


@given(a=st.lists(st.tuples(INTERVALS, INTERVALS), **ROWS))
def test_overlaps_expr_matches_overlaps(
    a: list[tuple[tuple[date | None, date | None], tuple[date | None, date | None]]],
) -> None:
    """GIVEN columns of well-formed intervals with null bounds
    WHEN overlap is computed by the polars expression
    THEN every row equals the scalar result, and a null bound gives null."""
    columns = {
        "a_start": [row[0][0] for row in a],
        "a_end": [row[0][1] for row in a],
        "b_start": [row[1][0] for row in a],
        "b_end": [row[1][1] for row in a],
    }
    expr = overlaps_expr(*(pl.col(name) for name in columns))
    expected = [_null_safe(overlaps, *first, *second) for first, second in a]
    assert _evaluate(expr, **columns) == expected


def test_overlaps_expr_takes_a_course_as_plain_dates_and_nulls_a_reversed_interval() -> None:
    """GIVEN enrollments as columns, one of them ending before it starts, and a course as
    plain dates
    WHEN overlap with the course is computed by the polars expression
    THEN touching counts as overlap, and the reversed interval gives null (where the
    scalar function raises), so it can never pass as "no overlap"."""
    starts = [D(2023, 9, 1), D(2023, 9, 1), D(2023, 9, 29)]
    ends = [D(2023, 9, 10), D(2023, 9, 11), D(2023, 9, 11)]
    expr = overlaps_expr(pl.col("s"), pl.col("e"), D(2023, 9, 11), D(2023, 9, 29))
    assert _evaluate(expr, s=starts, e=ends) == [False, True, None]


def test_add_months_expr_refuses_a_month_count_that_is_not_an_int() -> None:
    """GIVEN a bool or a float as the number of months
    WHEN the month-adding expression is built
    THEN a TypeError is raised."""
    for months in (True, 1.5):
        with pytest.raises(TypeError, match="whole number"):
            add_months_expr(pl.col("d"), months)  # type: ignore[arg-type]

