"""Values a peer engine cannot compute, precomputed for it with :mod:`eligibility.calendar`.

zen-engine's and rule-engine's languages have no calendar-month arithmetic, no statutory
retirement schedule, no "completed years" with the 29 February rule and no interval lists.
The benchmark computes these per nomination, for the nomination's quota, before handing
the records to those engines; the harness times this step separately ("precompute").
"""

from __future__ import annotations

import polars as pl

from contenders.hanoi import QUOTAS, RETIREMENT_AGE
from eligibility import calendar

DERIVED_SCHEMA = {
    "candidate_id": pl.String, "quota_id": pl.String, "position": pl.String,
    "gender": pl.String, "birth_date": pl.Date, "under_discipline": pl.Boolean,
    "succession_plan": pl.Boolean, "retirement_date": pl.Date, "age": pl.Int64,
    "service_years": pl.Int64, "rating_1": pl.String, "rating_2": pl.String,
    "rating_3": pl.String, "enrollment_overlap": pl.Boolean,
}


def derived_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Per nomination: the raw fields the rules read, and the derived values they need.

    ``retirement_date`` (statutory, by gender), ``age`` and ``service_years`` (completed
    years on the course start), ``rating_k`` (the rating of the k-th year before the course
    start's year) and ``enrollment_overlap`` (an enrollment shares a day with the course).
    """
    birth = pl.col("birth_date")
    retirement = (pl.when(pl.col("gender") == "female")
                  .then(calendar.retirement_date_expr(birth, RETIREMENT_AGE["female"]))
                  .otherwise(calendar.retirement_date_expr(birth, RETIREMENT_AGE["male"])))
    parts = []
    for quota in QUOTAS.values():
        enrollment = pl.element()
        overlap = pl.col("enrollments").list.eval(calendar.overlaps_expr(
            enrollment.struct.field("start"), enrollment.struct.field("end"),
            quota.start, quota.end)).list.any()
        parts.append(frame.lazy().filter(pl.col("quota_id") == quota.id).select(
            "candidate_id", "quota_id",
            pl.col("position").cast(pl.String), pl.col("gender").cast(pl.String),
            "birth_date", "under_discipline", "succession_plan",
            retirement.alias("retirement_date"),
            calendar.completed_years_expr(birth, quota.start).alias("age"),
            calendar.completed_years_expr(pl.col("service_start"), quota.start)
            .alias("service_years"),
            *(pl.col(f"rating[{quota.rating_year(k)}]").cast(pl.String).alias(f"rating_{k}")
              for k in (1, 2, 3)),
            overlap.fill_null(False).alias("enrollment_overlap")))
    return pl.concat(pl.collect_all(parts)).cast(DERIVED_SCHEMA)  # type: ignore[arg-type]
