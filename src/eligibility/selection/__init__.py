"""Selection: rank eligible nominations, allocate seats, give every nomination a status."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from eligibility.frames import CANDIDATE, ELIGIBLE, PREFERENCE, QUOTA, RANK, ROW, SCORE, STATUS
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.allocation import allocate, winnable
from eligibility.selection.ranking import NOMINATION, decision_order, rank_nominations

STATUSES = ("selected", "reserve", "placed_elsewhere", "ineligible")


def select(rulebook: CompiledRulebook, evaluated: pl.DataFrame) -> pl.DataFrame:
    """Rank, allocate and add ``rank`` and ``status`` to evaluated nominations.

    ``evaluated`` has one row per nomination with ``candidate_id``, ``quota_id``,
    ``preference``, ``eligible``, ``score`` and the tie-break fields. ``status`` is
    ``selected``, ``reserve`` (eligible, no seat here, not placed in a preferred quota),
    ``placed_elsewhere`` (holds a seat in a quota earlier in their list) or ``ineligible``.
    """
    order = decision_order(evaluated, rulebook.ranking, quota_codes(rulebook)).collect()
    ranks = pl.Series(RANK, [None] * evaluated.height, dtype=pl.Int64).scatter(
        order[NOMINATION], order[RANK])
    capacity = {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}
    keys = evaluated.select(CANDIDATE, QUOTA, PREFERENCE, ELIGIBLE).with_columns(ranks)
    contenders = winnable(order, capacity).collect()
    applications = keys[contenders[NOMINATION]].select(CANDIDATE, QUOTA, PREFERENCE, RANK)
    statuses = keys.select(statuses_expr(placements(applications, capacity), on=CANDIDATE))
    return evaluated.with_columns(ranks, statuses.to_series())


def placements(applications: pl.DataFrame, capacity: Mapping[str, int]) -> pl.DataFrame:
    """The seats deferred acceptance gives ``applications`` (with ``candidate_id``,
    ``quota_id``, ``preference`` and ``rank``): per person placed, ``candidate_id`` (and
    ``row`` when the applications have it), ``__placed_quota`` and ``__placed_preference``."""
    seats = allocate(applications, capacity)
    person = [CANDIDATE, *([ROW] if ROW in applications.columns else [])]
    return (seats.join(applications.select(*person, QUOTA, PREFERENCE), on=[CANDIDATE, QUOTA])
            .select(*person, pl.col(QUOTA).alias(PLACED_QUOTA),
                    pl.col(PREFERENCE).alias(PLACED_PREFERENCE)))


def statuses_expr(placed: pl.DataFrame, *, on: str) -> pl.Expr:
    """Each nomination's status, given the people placed (:func:`placements`) by ``on``
    (the candidate id, or any other column naming the person)."""
    if placed.is_empty():  # nobody placed (the columns may not even be typed)
        where, preference = pl.lit(None, pl.String), pl.lit(None, pl.Int64)
    else:
        people = placed[on]
        where = pl.col(on).replace_strict(people, placed[PLACED_QUOTA], default=None,
                                          return_dtype=pl.String)
        preference = pl.col(on).replace_strict(people, placed[PLACED_PREFERENCE],
                                               default=None, return_dtype=pl.Int64)
    return (pl.when(~pl.col(ELIGIBLE)).then(pl.lit("ineligible"))
            .when(where == pl.col(QUOTA)).then(pl.lit("selected"))
            .when(preference < pl.col(PREFERENCE)).then(pl.lit("placed_elsewhere"))
            .otherwise(pl.lit("reserve")).alias(STATUS))


def quota_codes(rulebook: CompiledRulebook) -> pl.Expr:
    """Each nomination's quota as its place in the rulebook (0 = first quota)."""
    codes = {quota_id: index for index, quota_id in enumerate(rulebook.quotas)}
    return pl.col(QUOTA).replace_strict(codes, return_dtype=pl.UInt32)


#: The columns of :func:`placements` naming each placed person's quota and its preference.
PLACED_QUOTA = "__placed_quota"
PLACED_PREFERENCE = "__placed_preference"


def quota_summary(rulebook: CompiledRulebook, decided: pl.DataFrame) -> pl.DataFrame:
    """Per quota: seats, capacity, nominated, eligible, selected, cut-off score, budget used."""
    counted = decided.group_by(QUOTA).agg(
        pl.len().alias("nominated"),
        pl.col(ELIGIBLE).sum().alias(ELIGIBLE),
        (pl.col(STATUS) == "selected").sum().alias("selected"),
        pl.col(SCORE).filter(pl.col(STATUS) == "selected").min().alias("cutoff_score"))
    return summary_table(rulebook, counted)


def summary_table(rulebook: CompiledRulebook, counted: pl.DataFrame) -> pl.DataFrame:
    """The quota summary (:func:`quota_summary`) from each quota's counts: ``quota_id``,
    ``nominated``, ``eligible``, ``selected`` and ``cutoff_score``."""
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


__all__ = ["NOMINATION", "PLACED_PREFERENCE", "PLACED_QUOTA", "STATUSES", "allocate",
           "decision_order", "placements", "quota_codes", "quota_summary", "rank_nominations",
           "select", "statuses_expr", "summary_table", "winnable"]
