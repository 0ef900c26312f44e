"""Selection: rank eligible nominations, allocate seats, give every nomination a status."""

from __future__ import annotations

import polars as pl

from eligibility.frames import CANDIDATE, ELIGIBLE, PREFERENCE, QUOTA, SCORE, STATUS
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.allocation import allocate
from eligibility.selection.ranking import rank_nominations

STATUSES = ("selected", "reserve", "placed_elsewhere", "ineligible")


def select(rulebook: CompiledRulebook, evaluated: pl.DataFrame) -> pl.DataFrame:
    """Rank, allocate and add ``rank`` and ``status`` to evaluated nominations.

    ``evaluated`` has one row per nomination with ``candidate_id``, ``quota_id``,
    ``preference``, ``eligible``, ``score`` and the tie-break fields. ``status`` is
    ``selected``, ``reserve`` (eligible, no seat here, not placed in a preferred quota),
    ``placed_elsewhere`` (holds a seat in a quota earlier in their list) or ``ineligible``.
    """
    ranked = rank_nominations(evaluated, rulebook.ranking)
    capacity = {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}
    seats = allocate(ranked.filter(pl.col(ELIGIBLE)), capacity)
    placed = seats.join(ranked.select(CANDIDATE, QUOTA, PREFERENCE),
                        on=[CANDIDATE, QUOTA]).select(
        CANDIDATE, pl.col(QUOTA).alias("__placed_quota"),
        pl.col(PREFERENCE).alias("__placed_preference"))
    with_placement = ranked.join(placed, on=CANDIDATE, how="left", maintain_order="left")
    status = (pl.when(~pl.col(ELIGIBLE)).then(pl.lit("ineligible"))
              .when(pl.col("__placed_quota") == pl.col(QUOTA)).then(pl.lit("selected"))
              .when(pl.col("__placed_preference") < pl.col(PREFERENCE))
              .then(pl.lit("placed_elsewhere"))
              .otherwise(pl.lit("reserve")))
    return with_placement.with_columns(status.alias(STATUS)).drop(
        "__placed_quota", "__placed_preference")


def quota_summary(rulebook: CompiledRulebook, decided: pl.DataFrame) -> pl.DataFrame:
    """Per quota: seats, capacity, nominated, eligible, selected, cut-off score, budget used."""
    counted = decided.group_by(QUOTA).agg(
        pl.len().alias("nominated"),
        pl.col(ELIGIBLE).sum().alias(ELIGIBLE),
        (pl.col(STATUS) == "selected").sum().alias("selected"),
        pl.col(SCORE).filter(pl.col(STATUS) == "selected").min().alias("cutoff_score"))
    quotas = pl.DataFrame([{
        QUOTA: quota_id, "seats": rules.quota.seats, "capacity": rules.capacity,
        "budget": rules.quota.budget,
        "cost_per_seat": rules.quota.cost_per_seat or rules.quota.budget / rules.quota.seats,
    } for quota_id, rules in rulebook.quotas.items()])
    return (quotas.join(counted, on=QUOTA, how="left", maintain_order="left")
            .with_columns(pl.col("nominated", ELIGIBLE, "selected").fill_null(0)
                          .cast(pl.Int64),
                          pl.col("cutoff_score").cast(pl.Float64))
            .with_columns((pl.col("selected") * pl.col("cost_per_seat")).round()
                          .cast(pl.Int64).alias("budget_used"))
            .select(QUOTA, "seats", "capacity", "nominated", ELIGIBLE, "selected",
                    "cutoff_score", "budget", "budget_used"))


__all__ = ["STATUSES", "allocate", "quota_summary", "rank_nominations", "select"]
