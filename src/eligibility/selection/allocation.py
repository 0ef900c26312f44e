"""Seat allocation by candidate-proposing deferred acceptance (Gale-Shapley).

Each person applies to the quotas they were nominated for, most wanted first; each quota
holds its best applicants by rank up to its capacity (seats, limited by the budget) and
rejects the rest, who apply to their next choice. The result is stable (no eligible person
prefers a quota that seats someone it ranks below them), gives each person at most one
seat, and with one nomination each is exactly "top N per quota".

Rounds are vectorized: every unplaced person proposes at once, so a round costs a few
joins over all applications, and there are at most as many rounds as the longest chain of
displacements (small in practice).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

CANDIDATE = "candidate_id"
QUOTA = "quota_id"
PREFERENCE = "preference"
RANK = "rank"
CHOICE = "__choice"


def allocate(applications: pl.DataFrame, capacity: Mapping[str, int]) -> pl.DataFrame:
    """Seats won: one row (``candidate_id``, ``quota_id``) per selected nomination.

    ``applications`` holds the eligible nominations with ``candidate_id``, ``quota_id``,
    ``preference`` (1 = most wanted) and ``rank`` (1 = best within the quota).
    """
    capacities = pl.DataFrame({QUOTA: list(capacity), "__capacity": list(capacity.values())},
                              schema={QUOTA: pl.String, "__capacity": pl.Int64})
    apps = (applications.select(CANDIDATE, QUOTA, PREFERENCE, RANK)
            .with_columns(pl.col(QUOTA).cast(pl.String))
            .sort(CANDIDATE, PREFERENCE)
            .with_columns(pl.int_range(pl.len()).over(CANDIDATE).alias(CHOICE))
            .join(capacities, on=QUOTA, how="left"))
    if apps["__capacity"].null_count():
        missing = apps.filter(pl.col("__capacity").is_null())[QUOTA].unique().to_list()
        raise ValueError(f"no capacity given for quotas {sorted(missing)}")
    next_choice = apps.select(CANDIDATE).unique().with_columns(pl.lit(0).alias("__next"))
    held = apps.clear()
    while True:
        proposals = (apps.join(next_choice, on=CANDIDATE)
                     .filter(pl.col(CHOICE) == pl.col("__next")).drop("__next"))
        if proposals.is_empty():
            break
        pool = pl.concat([held, proposals])
        pool = pool.sort(QUOTA, RANK).with_columns(
            (pl.int_range(pl.len()).over(QUOTA) < pl.col("__capacity")).alias("__keep"))
        held = pool.filter("__keep").drop("__keep")
        rejected = pool.filter(~pl.col("__keep"))
        next_choice = rejected.select(CANDIDATE, (pl.col(CHOICE) + 1).alias("__next"))
    return held.select(CANDIDATE, QUOTA).sort(QUOTA, CANDIDATE)
