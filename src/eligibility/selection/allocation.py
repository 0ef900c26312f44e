"""Seat allocation by candidate-proposing deferred acceptance (Gale-Shapley).

Each person applies to the quotas they were nominated for, most wanted first; each quota
holds its best applicants by rank up to its capacity (seats, limited by the budget) and
rejects the rest, who apply to their next choice. The result is stable (no eligible person
prefers a quota that seats someone it ranks below them), gives each person at most one
seat, and with one nomination each is exactly "top N per quota".

Rounds are vectorized: every unplaced person proposes at once; a round sorts the held and
new applications of the quotas and gathers the rejected applicants' next choices, and there
are at most as many rounds as the longest chain of displacements (a handful in practice).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from eligibility.frames import CANDIDATE, PREFERENCE, QUOTA, RANK, ROW


def allocate(applications: pl.DataFrame, capacity: Mapping[str, int]) -> pl.DataFrame:
    """Seats won: one row (``candidate_id``, ``quota_id``) per selected nomination.

    ``applications`` holds the eligible nominations with ``candidate_id``, ``quota_id``,
    ``preference`` (1 = most wanted) and ``rank`` (1 = best within the quota, unique).
    """
    unknown = set(applications[QUOTA].unique().to_list()) - set(capacity)
    if unknown:
        raise ValueError(f"no capacity given for quotas {sorted(unknown)}")
    quota_codes = {quota: code for code, quota in enumerate(capacity)}
    limits = pl.DataFrame({"quota": list(quota_codes.values()),
                           "limit": list(capacity.values())},
                          schema={"quota": pl.UInt32, "limit": pl.Int64})
    # Each application knows the row of the same person's next choice, so the rejected
    # applicants' next proposals are a gather, not a join.
    apps = (applications
            .select(pl.col(CANDIDATE).cast(pl.Categorical).to_physical().alias("person"),
                    pl.col(CANDIDATE),
                    pl.col(QUOTA).replace_strict(quota_codes, return_dtype=pl.UInt32)
                    .alias("quota"),
                    PREFERENCE, RANK)
            .sort("person", PREFERENCE)
            .join(limits, on="quota", how="left", maintain_order="left")
            .with_row_index(ROW)
            .with_columns(pl.when(pl.col("person").shift(-1) == pl.col("person"))
                          .then(pl.col(ROW) + 1).alias("next")))
    columns = ["person", "quota", RANK, "limit", "next"]
    proposals = apps.filter(pl.col("person").is_first_distinct()).select(columns)
    held = proposals.clear()
    while proposals.height:
        pool = (pl.concat([held, proposals]).sort("quota", RANK)
                .with_columns((pl.int_range(pl.len()).over("quota") < pl.col("limit"))
                              .alias("keep")))
        held = pool.filter("keep").drop("keep")
        following = pool.filter(~pl.col("keep"))["next"].drop_nulls()
        proposals = apps[following].select(columns)
    names = apps.select("person", CANDIDATE).unique("person")
    quota_names = pl.DataFrame({"quota": list(quota_codes.values()), QUOTA: list(quota_codes)},
                               schema={"quota": pl.UInt32, QUOTA: pl.String})
    return (held.join(names, on="person").join(quota_names, on="quota")
            .select(CANDIDATE, QUOTA).sort(QUOTA, CANDIDATE))
