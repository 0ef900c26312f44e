"""Deferred-acceptance allocation: stable, within capacity, one seat each, top-N when simple."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.selection.allocation import allocate

QUOTAS = ("a", "b", "c", "d")


@st.composite
def markets(draw: st.DrawFn, *, single: bool = False) -> tuple[pl.DataFrame, dict[str, int]]:
    """People with ordered nominations and, per quota, a strict ranking and a capacity."""
    people = draw(st.integers(0, 25))
    rows = []
    for person in range(people):
        choices = draw(st.lists(st.sampled_from(QUOTAS), min_size=1,
                                max_size=1 if single else 4, unique=True))
        rows += [{"candidate_id": f"p{person:02d}", "quota_id": quota, "preference": index + 1}
                 for index, quota in enumerate(choices)]
    frame = pl.DataFrame(rows, schema={"candidate_id": pl.String, "quota_id": pl.String,
                                       "preference": pl.Int64})
    keys = draw(st.lists(st.integers(0, 10**6), min_size=len(rows), max_size=len(rows),
                         unique=True))
    frame = frame.with_columns(pl.Series("__key", keys, dtype=pl.Int64)).with_columns(
        pl.col("__key").rank("ordinal").over("quota_id").cast(pl.Int64).alias("rank")
    ).drop("__key")
    capacity = {quota: draw(st.integers(0, 6)) for quota in QUOTAS}
    return frame, capacity


def _seats(frame: pl.DataFrame, capacity: dict[str, int]) -> dict[str, str]:
    held = allocate(frame, capacity)
    return dict(zip(held["candidate_id"], held["quota_id"], strict=True))


@settings(max_examples=200, deadline=None)
@given(market=markets())
def test_allocation_is_stable_within_capacity_and_one_seat_each(
        market: tuple[pl.DataFrame, dict[str, int]]) -> None:
    """GIVEN any people, ordered nominations, quota rankings and capacities
    WHEN seats are allocated
    THEN no quota exceeds its capacity, nobody holds two seats, and no person prefers a
    quota that seats someone it ranks below them or has a free seat (stability)."""
    frame, capacity = market
    seat = _seats(frame, capacity)
    for quota, limit in capacity.items():
        assert sum(1 for held in seat.values() if held == quota) <= limit
    rank = {(row["candidate_id"], row["quota_id"]): row["rank"] for row in frame.to_dicts()}
    preference = {(row["candidate_id"], row["quota_id"]): row["preference"]
                  for row in frame.to_dicts()}
    for (person, quota), wanted in preference.items():
        current = seat.get(person)
        if current is not None and preference[(person, current)] <= wanted:
            continue  # holds a seat they like at least as much
        holders = [other for other, held in seat.items() if held == quota]
        has_room = len(holders) < capacity[quota]
        worse = [other for other in holders if rank[(other, quota)] > rank[(person, quota)]]
        assert not has_room and not worse, (person, quota)


@settings(max_examples=200, deadline=None)
@given(market=markets(single=True))
def test_one_nomination_each_is_top_n_per_quota(
        market: tuple[pl.DataFrame, dict[str, int]]) -> None:
    """GIVEN one nomination per person WHEN seats are allocated
    THEN each quota seats exactly its best-ranked applicants up to its capacity."""
    frame, capacity = market
    seat = _seats(frame, capacity)
    expected = {row["candidate_id"]: row["quota_id"] for row in frame.to_dicts()
                if row["rank"] <= capacity[row["quota_id"]]}
    assert seat == expected


def test_proposals_cascade_through_displacements() -> None:
    """GIVEN a chain where a late proposal displaces a holder who then displaces another
    WHEN seats are allocated THEN the result is the candidate-optimal stable matching."""
    frame = pl.DataFrame({
        "candidate_id": ["x", "x", "y", "y", "z"],
        "quota_id": ["a", "b", "b", "a", "a"],
        "preference": [1, 2, 1, 2, 1],
        "rank": [2, 1, 2, 3, 1],
    })
    assert _seats(frame, {"a": 1, "b": 1}) == {"z": "a", "x": "b"}
