"""Shared ids found with the ids' hashes as a first check give what the ids alone give."""

from __future__ import annotations

import hypothesis.strategies as st
import polars as pl
from hypothesis import given, settings

from eligibility.intake.rejections import duplicate_ids


def _hashes(ids: pl.Series) -> pl.Series:
    return ids.hash().zip_with(ids.is_not_null(), pl.Series([None], dtype=pl.UInt64))


@settings(max_examples=200)
@given(ids=st.lists(st.one_of(st.none(), st.text(alphabet="AB-01", max_size=3)),
                    max_size=30),
       language=st.sampled_from(["vi", "en"]))
def test_hashes_first_finds_the_same_shared_ids(ids: list[str | None], language: str) -> None:
    """GIVEN ids with and without repeats, missing ones among them
    WHEN the shared ids are found with the hashes as a first check, and without
    THEN the rows, ids and messages are the same."""
    column = pl.Series("id", ids, dtype=pl.String)
    with_hashes = duplicate_ids(column, 1, language, hashes=_hashes(column))
    without = duplicate_ids(column, 1, language)
    assert with_hashes.equals(without)
    shared = {cell for cell in ids if cell is not None and ids.count(cell) > 1}
    assert set(without["id"].to_list()) == shared


def test_colliding_hashes_fall_back_to_the_ids() -> None:
    """GIVEN distinct ids whose given hashes collide
    THEN no id is reported shared (the ids themselves are compared)."""
    column = pl.Series("id", ["HN-1", "HN-2"], dtype=pl.String)
    same = pl.Series([7, 7], dtype=pl.UInt64)
    assert duplicate_ids(column, 1, "vi", hashes=same).is_empty()
