"""Seat allocation by candidate-proposing deferred acceptance (Gale-Shapley).

Each person applies to the quotas they were nominated for, most wanted first; each quota
holds its best applicants by rank up to its capacity (seats, limited by the budget) and
rejects the rest, who apply to their next choice. The result is stable (no eligible person
prefers a quota that seats someone it ranks below them), gives each person at most one
seat, and with one nomination each is exactly "top N per quota".

Rounds are vectorized: every unplaced person proposes at once, so a round costs a few
integer joins over the applications, and there are at most as many rounds as the longest
chain of displacements (a handful in practice).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

CANDIDATE = "candidate_id"
QUOTA = "quota_id"
PREFERENCE = "preference"
RANK = "rank"


def allocate(applications: pl.DataFrame, capacity: Mapping[str, int]) -> pl.DataFrame:
    """Seats won: one row (``candidate_id``, ``quota_id``) per selected nomination.

    ``applications`` holds the eligible nominations with ``candidate_id``, ``quota_id``,
    ``preference`` (1 = most wanted) and ``rank`` (1 = best within the quota, unique).
    """
    unknown = set(applications[QUOTA].unique().to_list()) - set(capacity)
    if unknown:
        raise ValueError(f"no capacity given for quotas {sorted(unknown)}")
    quota_codes = {quota: code for code, quota in enumerate(capacity)}
    apps = (applications
            .select(pl.col(CANDIDATE).cast(pl.Categorical).to_physical().alias("person"),
                    pl.col(CANDIDATE),
                    pl.col(QUOTA).replace_strict(quota_codes, return_dtype=pl.UInt32)
                    .alias("quota"),
                    PREFERENCE, RANK)
            .sort("person", PREFERENCE)
            .with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).over("person").alias("choice")))
    limits = pl.DataFrame({"quota": list(quota_codes.values()),
                           "limit": list(capacity.values())},
                          schema={"quota": pl.UInt32, "limit": pl.Int64})
    proposing = apps.select("person").unique().with_columns(pl.lit(0, pl.UInt32).alias("next"))
    held = apps.select("person", "quota", RANK, "choice").clear()
    while proposing.height:
        proposals = (apps.select("person", "quota", RANK, "choice")
                     .join(proposing, on="person")
                     .filter(pl.col("choice") == pl.col("next")).drop("next"))
        if proposals.is_empty():
            break
        pool = (pl.concat([held, proposals]).sort("quota", RANK)
                .join(limits, on="quota", maintain_order="left")
                .with_columns((pl.int_range(pl.len()).over("quota") < pl.col("limit"))
                              .alias("keep")))
        held = pool.filter("keep").select("person", "quota", RANK, "choice")
        proposing = pool.filter(~pl.col("keep")).select(
            "person", (pl.col("choice") + 1).alias("next"))
    names = apps.select("person", CANDIDATE).unique("person")
    quota_names = pl.DataFrame({"quota": list(quota_codes.values()), QUOTA: list(quota_codes)},
                               schema={"quota": pl.UInt32, QUOTA: pl.String})
    return (held.join(names, on="person").join(quota_names, on="quota")
            .select(CANDIDATE, QUOTA).sort(QUOTA, CANDIDATE))
