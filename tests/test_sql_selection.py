"""Ranking and candidates in SQL: the applications that come back for deferred acceptance
are enough to find every seat."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engines.sql.database import DuckDatabase
from eligibility.engines.sql.selection import candidates_query
from eligibility.frames import CANDIDATE, ELIGIBLE, PREFERENCE, QUOTA, RANK
from eligibility.selection.allocation import allocate

QUOTAS = ("a", "b", "c", "d")


@st.composite
def markets(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[str, int]]:
    """People naming quotas in order, eligible or not, ranked at random in each quota."""
    capacity = {quota: draw(st.integers(0, 3)) for quota in QUOTAS}
    people = draw(st.integers(1, 14))
    shuffle = random.Random(draw(st.integers(0, 2**32)))
    rows = []
    for person in range(people):
        named = draw(st.lists(st.sampled_from(QUOTAS), min_size=1, max_size=4, unique=True))
        rows += [{CANDIDATE: f"p{person:02d}", QUOTA: quota, PREFERENCE: index + 1,
                  ELIGIBLE: draw(st.booleans())} for index, quota in enumerate(named)]
    frame = pl.DataFrame(rows)
    ranks = []
    for quota in QUOTAS:
        eligible = frame.filter((pl.col(QUOTA) == quota) & pl.col(ELIGIBLE))[CANDIDATE].to_list()
        shuffle.shuffle(eligible)
        ranks += [{CANDIDATE: person, QUOTA: quota, RANK: index + 1}
                  for index, person in enumerate(eligible)]
    ranked = frame.join(pl.DataFrame(ranks, schema={CANDIDATE: pl.String, QUOTA: pl.String,
                                                     RANK: pl.Int64}),
                        on=[CANDIDATE, QUOTA], how="left")
    return ranked, capacity


@settings(max_examples=150)
@given(markets())
def test_candidates_alone_give_the_seats_of_all_applications(
        market: tuple[pl.DataFrame, dict[str, int]]) -> None:
    """GIVEN random people naming up to four quotas of 0–3 seats, randomly eligible and
    ranked WHEN only the candidates the SQL query keeps are allocated THEN the seats are
    those deferred acceptance gives on every eligible application."""
    ranked, capacity = market
    with DuckDatabase() as database:
        database.put("ranked", ranked)
        candidates = database.fetch(candidates_query("ranked", capacity), {
            CANDIDATE: pl.String(), QUOTA: pl.String(), PREFERENCE: pl.Int64(),
            RANK: pl.Int64()})
    everyone = ranked.filter(pl.col(ELIGIBLE)).select(CANDIDATE, QUOTA, PREFERENCE, RANK)
    assert candidates.height <= everyone.height
    assert allocate(candidates, capacity).equals(allocate(everyone, capacity))


def test_a_lower_ranked_applicant_is_kept_when_those_above_may_go_elsewhere() -> None:
    """GIVEN a one-seat quota whose two best applicants prefer other one-seat quotas WHEN
    candidates are chosen THEN the third is kept (and wins the seat), the fourth is not."""
    rows = [("x", "b", 1, 1), ("x", "a", 2, 1), ("y", "c", 1, 1), ("y", "a", 2, 2),
            ("z", "a", 1, 3), ("w", "a", 1, 4)]
    ranked = pl.DataFrame([{CANDIDATE: person, QUOTA: quota, PREFERENCE: preference,
                            RANK: rank, ELIGIBLE: True}
                           for person, quota, preference, rank in rows])
    capacity = {"a": 1, "b": 1, "c": 1, "d": 0}
    with DuckDatabase() as database:
        database.put("ranked", ranked)
        candidates = database.fetch(candidates_query("ranked", capacity), {
            CANDIDATE: pl.String(), QUOTA: pl.String(), PREFERENCE: pl.Int64(),
            RANK: pl.Int64()})
    kept = set(zip(candidates[CANDIDATE], candidates[QUOTA], strict=True))
    assert ("z", "a") in kept and ("w", "a") not in kept
    seats = allocate(candidates, capacity)
    assert ("z", "a") in set(zip(seats[CANDIDATE], seats[QUOTA], strict=True))
