"""A subtree of one date field worked out once per day (``by_day``) gives what it gives row by
row: for every such subtree of the bundled rulebook, on columns of dates that repeat (the
per-day table is used) and on columns that do not (the rows are worked out as they are)."""

from __future__ import annotations

from datetime import date, timedelta

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings

import eligibility
from eligibility.engines.vectorized import (
    Lowerer,
    _only_date_field,
    by_day,
    quota_program,
    shared_subtrees,
)
from eligibility.language import nodes as n


def _date_subtrees(rulebook: eligibility.CompiledRulebook) -> list[tuple[n.Node, str]]:
    found = {}
    columns = frozenset(rulebook.fields)
    for rules in rulebook.quotas.values():
        for node in shared_subtrees(rules):
            field = _only_date_field(node, columns)
            if field is not None:
                found[repr(node)] = (node, field)
    return list(found.values())


@pytest.fixture(scope="module")
def subtrees(hanoi: eligibility.CompiledRulebook) -> list[tuple[n.Node, str]]:
    found = _date_subtrees(hanoi)
    # ages and lengths of service on each quota's course start, at least
    assert {field for _, field in found} >= {"birth_date", "service_start"}
    return found


def _dates(around: date, spread: int) -> st.SearchStrategy[list[date | None]]:
    day = st.integers(min_value=-spread, max_value=spread).map(
        lambda offset: around + timedelta(days=offset))
    return st.lists(st.one_of(st.none(), day), min_size=1, max_size=60)


def _both(node: n.Node, field: str, cells: list[date | None]) -> tuple[pl.Series, pl.Series]:
    frame = pl.DataFrame({field: cells}, schema={field: pl.Date})
    lowered = Lowerer(frozenset({field})).expr(node)
    row_by_row = frame.select(lowered.alias("value")).to_series()
    tabulated = frame.select(by_day(lowered, field).alias("value")).to_series()
    return row_by_row, tabulated


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_repeating_dates_read_from_the_table_equal_row_by_row(
        data: st.DataObject, subtrees: list[tuple[n.Node, str]]) -> None:
    """GIVEN columns of dates within a few days of each other (more rows than days: the
    per-day table is used), with missing dates, around month ends, 29 February and the
    course starts
    WHEN each date subtree is worked out by day and row by row
    THEN both give the same values and the same type."""
    around = data.draw(st.sampled_from([date(1984, 2, 29), date(1990, 12, 31),
                                        date(2000, 3, 1), date(1965, 7, 15),
                                        date(2023, 2, 28), date(2019, 10, 9)]))
    cells = data.draw(_dates(around, spread=3))
    for node, field in subtrees:
        row_by_row, tabulated = _both(node, field, cells)
        assert tabulated.dtype == row_by_row.dtype
        assert tabulated.to_list() == row_by_row.to_list(), repr(node)


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.dates(min_value=date(1, 1, 1),
                                                       max_value=date(9999, 12, 31))),
                      min_size=1, max_size=20))
def test_scattered_dates_equal_row_by_row(
        cells: list[date | None], subtrees: list[tuple[n.Node, str]]) -> None:
    """GIVEN dates anywhere in the calendar (fewer rows than days between them: worked out
    row by row), or only missing ones
    WHEN each date subtree is worked out by day
    THEN it equals the row-by-row values."""
    for node, field in subtrees:
        row_by_row, tabulated = _both(node, field, cells)
        assert tabulated.to_list() == row_by_row.to_list(), repr(node)


def test_the_quota_programs_compute_date_subtrees_by_day(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN the bundled rulebook's quota programs over all its fields
    THEN each subtree of a date field alone is computed by day (a Python batch function
    over that column), and the others are not."""
    columns = list(hanoi.fields)
    rules = hanoi.quotas["pg-domestic"]
    program = quota_program(hanoi, rules, columns)
    shapes = [str(expression) for expression in program.shared]
    by_date = [_only_date_field(node, frozenset(columns)) for node in shared_subtrees(rules)]
    assert any(by_date)
    for shape, field in zip(shapes, by_date, strict=True):
        assert ("python_udf" in shape) == (field is not None), shape
