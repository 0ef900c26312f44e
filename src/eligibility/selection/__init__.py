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
    rows = []
    for quota_id, rules in rulebook.quotas.items():
        part = decided.filter(pl.col("quota_id") == quota_id)
        chosen = part.filter(pl.col("status") == "selected")
        cost = rules.quota.cost_per_seat or rules.quota.budget / rules.quota.seats
        rows.append({
            "quota_id": quota_id,
            "seats": rules.quota.seats,
            "capacity": rules.capacity,
            "nominated": part.height,
            "eligible": int(part["eligible"].sum()),
            "selected": chosen.height,
            "cutoff_score": chosen["score"].min() if chosen.height else None,
            "budget": rules.quota.budget,
            "budget_used": round(chosen.height * cost),
        })
    return pl.DataFrame(rows, schema={
        "quota_id": pl.String, "seats": pl.Int64, "capacity": pl.Int64, "nominated": pl.Int64,
        "eligible": pl.Int64, "selected": pl.Int64, "cutoff_score": pl.Float64,
        "budget": pl.Int64, "budget_used": pl.Int64})


__all__ = ["STATUSES", "allocate", "quota_summary", "rank_nominations", "select"]
