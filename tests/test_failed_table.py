"""A quota's ``failed`` column, looked up in a table of every combination of unmet criteria,
reads as the ids of the unmet criteria joined row by row, in the quota's order: for quotas of
one criterion up to past the table's limit (where the ids are joined row by row)."""

from __future__ import annotations

import hypothesis.strategies as st
import polars as pl
from hypothesis import given, settings

from eligibility.engines.vectorized import MAX_TABULATED_CRITERIA, _failed
from eligibility.frames import FAILED_SEPARATOR, criterion_column


def _joined(rules: list[str], rows: list[list[bool]]) -> list[str]:
    return [FAILED_SEPARATOR.join(rule for rule, met in zip(rules, row, strict=True) if not met)
            for row in rows]


@st.composite
def _outcomes(draw: st.DrawFn) -> tuple[list[str], list[list[bool]]]:
    count = draw(st.integers(1, MAX_TABULATED_CRITERIA + 2))
    rules = [f"rule-{index}" for index in draw(st.permutations(range(count)))]
    rows = draw(st.lists(st.lists(st.booleans(), min_size=count, max_size=count),
                         max_size=40))
    return rules, rows


@settings(max_examples=60, deadline=None)
@given(_outcomes())
def test_failed_reads_as_the_unmet_ids_joined_in_order(
        outcome: tuple[list[str], list[list[bool]]]) -> None:
    rules, rows = outcome
    frame = pl.DataFrame({criterion_column(rule): [row[index] for row in rows]
                          for index, rule in enumerate(rules)},
                         schema=dict.fromkeys(map(criterion_column, rules), pl.Boolean))
    found = frame.select(_failed(rules).alias("failed"))["failed"].to_list()
    assert found == _joined(rules, rows)


def test_every_combination_of_the_largest_table() -> None:
    rules = [f"c{index}" for index in range(MAX_TABULATED_CRITERIA)]
    rows = [[not code >> bit & 1 for bit in range(len(rules))]
            for code in range(1 << len(rules))]
    frame = pl.DataFrame({criterion_column(rule): [row[index] for row in rows]
                          for index, rule in enumerate(rules)})
    assert frame.with_columns(_failed(rules).alias("failed"))["failed"].to_list() == \
        _joined(rules, rows)


def test_no_criterion_fails_nothing() -> None:
    frame = pl.DataFrame({"x": [1, 2]})
    assert frame.with_columns(_failed([]).alias("failed"))["failed"].to_list() == ["", ""]
