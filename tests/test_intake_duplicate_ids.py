"""Shared ids are told apart with the ids' hashes as a first check: the same answer as the
ids alone."""

from __future__ import annotations

import hypothesis.strategies as st
import polars as pl
from hypothesis import given, settings

from eligibility.intake.rejections import duplicate_ids, none_shared


@settings(max_examples=200)
@given(ids=st.lists(st.one_of(st.none(), st.text(alphabet="AB-01", max_size=3)),
                    max_size=30),
       language=st.sampled_from(["vi", "en"]))
def test_hashes_first_finds_the_same_shared_ids(ids: list[str | None], language: str) -> None:
    """GIVEN ids with and without repeats, missing ones among them
    WHEN whether any is shared is told with the hashes first, and the shared ones listed
    THEN the answer is the ids' own, and the rows listed are exactly those of shared ids."""
    column = pl.Series("id", ids, dtype=pl.String)
    shared = {cell for cell in ids if cell is not None and ids.count(cell) > 1}
    assert none_shared(column, column.hash()) == (not shared)
    found = duplicate_ids(column, 1, language)
    assert set(found["id"].to_list()) == shared
    assert found.height == sum(1 for cell in ids if cell in shared)


def test_colliding_hashes_fall_back_to_the_ids() -> None:
    """GIVEN distinct ids whose hashes collide
    THEN no id is reported shared (the ids themselves are compared)."""
    column = pl.Series("id", ["HN-1", "HN-2"], dtype=pl.String)
    same = pl.Series([7, 7], dtype=pl.UInt64)
    assert none_shared(column, same)
    assert not none_shared(pl.Series("id", ["HN-1", "HN-1"]), same)
