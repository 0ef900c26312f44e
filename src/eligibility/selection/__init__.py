"""Selection: rank eligible nominations, allocate seats, give every nomination a status."""

from __future__ import annotations

import polars as pl

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
    seats = allocate(ranked.filter(pl.col("eligible")), capacity)
    placed = seats.join(ranked.select("candidate_id", "quota_id", "preference"),
                        on=["candidate_id", "quota_id"]).select(
        "candidate_id", pl.col("quota_id").alias("__placed_quota"),
        pl.col("preference").alias("__placed_preference"))
    with_placement = ranked.join(placed, on="candidate_id", how="left", maintain_order="left")
    status = (pl.when(~pl.col("eligible")).then(pl.lit("ineligible"))
              .when(pl.col("__placed_quota") == pl.col("quota_id")).then(pl.lit("selected"))
              .when(pl.col("__placed_preference") < pl.col("preference"))
              .then(pl.lit("placed_elsewhere"))
              .otherwise(pl.lit("reserve")))
    return with_placement.with_columns(status.alias("status")).drop(
        "__placed_quota", "__placed_preference")


def quota_summary(rulebook: CompiledRulebook, decided: pl.DataFrame) -> pl.DataFrame:
    """Per quota: seats, capacity, nominated, eligible, selected, cut-off score, budget used."""
    counted = decided.group_by("quota_id").agg(
        pl.len().alias("nominated"),
        pl.col("eligible").sum().alias("eligible"),
        (pl.col("status") == "selected").sum().alias("selected"),
        pl.col("score").filter(pl.col("status") == "selected").min().alias("cutoff_score"))
    quotas = pl.DataFrame([{
        "quota_id": quota_id, "seats": rules.quota.seats, "capacity": rules.capacity,
        "budget": rules.quota.budget,
        "cost_per_seat": rules.quota.cost_per_seat or rules.quota.budget / rules.quota.seats,
    } for quota_id, rules in rulebook.quotas.items()])
    return (quotas.join(counted, on="quota_id", how="left", maintain_order="left")
            .with_columns(pl.col("nominated", "eligible", "selected").fill_null(0)
                          .cast(pl.Int64),
                          pl.col("cutoff_score").cast(pl.Float64))
            .with_columns((pl.col("selected") * pl.col("cost_per_seat")).round()
                          .cast(pl.Int64).alias("budget_used"))
            .select("quota_id", "seats", "capacity", "nominated", "eligible", "selected",
                    "cutoff_score", "budget", "budget_used"))


__all__ = ["STATUSES", "allocate", "quota_summary", "rank_nominations", "select"]
