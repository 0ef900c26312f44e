"""A hand-written polars query: the practical floor for this work on this machine.

Every rule written directly as a polars expression, the quotas' constants as literals; the
calendar rules use :mod:`eligibility.calendar`'s polars expressions (``*_expr``), which a
hand-writer would otherwise have to write the same way.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from contenders.base import Contender, as_decisions
from contenders.hanoi import (
    FOSTERING,
    GOOD_OR_BETTER,
    POSTGRADUATE_MIN_SERVICE_YEARS,
    QUOTAS,
    RETIREMENT_AGE,
    YOUNG_UNDER,
    Quota,
)
from eligibility import calendar


def _good(year: int) -> pl.Expr:
    return pl.col(f"rating[{year}]").cast(pl.String).is_in(GOOD_OR_BETTER).fill_null(False)


def _criteria(quota: Quota) -> dict[str, pl.Expr]:
    birth, start = pl.col("birth_date"), quota.start
    item = pl.element()
    overlap = pl.col("enrollments").list.eval(
        (item.struct.field("start") <= quota.end) & (item.struct.field("end") >= start)
    ).list.any().fill_null(False)
    rules = {"position-match": pl.col("position").cast(pl.String).is_in(quota.positions)}
    if quota.kind == FOSTERING:
        retirement = (pl.when(pl.col("gender") == "female")
                      .then(calendar.retirement_date_expr(birth, RETIREMENT_AGE["female"]))
                      .otherwise(calendar.retirement_date_expr(birth, RETIREMENT_AGE["male"])))
        rules |= {"working-time-left": retirement >= quota.retire_by,
                  "rating-last-year": _good(quota.rating_year(1)),
                  "no-discipline": ~pl.col("under_discipline"),
                  "no-overlap": ~overlap}
    else:
        service = calendar.completed_years_expr(pl.col("service_start"), start)
        rules |= {"no-overlap": ~overlap,
                  "age-limit": pl.col("age") <= quota.max_age,
                  "service-years": (service >= POSTGRADUATE_MIN_SERVICE_YEARS).fill_null(False),
                  "ratings-two-years": _good(quota.rating_year(1)) & _good(quota.rating_year(2))}
    return rules


def _decide_quota(frame: pl.LazyFrame, quota: Quota) -> pl.LazyFrame:
    rules = _criteria(quota)
    excellent = pl.sum_horizontal(
        (pl.col(f"rating[{quota.rating_year(k)}]") == "excellent").fill_null(False)
        .cast(pl.Int64) for k in (1, 2, 3))
    points = ((pl.col("age") < YOUNG_UNDER).cast(pl.Int64) * 10
              + (pl.col("gender") == "female").cast(pl.Int64) * 10
              + excellent * 5 + pl.col("succession_plan").cast(pl.Int64) * 5)
    eligible = pl.all_horizontal(rules.values())
    failed = pl.concat_str([pl.when(~met).then(pl.lit(rule)) for rule, met in rules.items()],
                           separator=";", ignore_nulls=True)
    return (frame.filter(pl.col("quota_id") == quota.id)
            .with_columns(calendar.completed_years_expr(pl.col("birth_date"), quota.start)
                          .alias("age"))
            .select("candidate_id", "quota_id", "birth_date", eligible.alias("eligible"),
                    failed.alias("failed"), pl.when(eligible).then(points).alias("score"))
            .sort(["eligible", "score", "birth_date", "candidate_id"],
                  descending=[True, True, True, False], nulls_last=True)
            .with_columns(pl.when("eligible").then(pl.int_range(1, pl.len() + 1))
                          .alias("rank"))
            .with_columns((pl.col("rank") <= quota.seats).fill_null(False).alias("selected")))


class PolarsQuery(Contender):
    name = "polars-query"
    label = "hand-written polars query"
    description = "the rules of the two quotas as one lazy polars query, sort for the ranking"

    def decide(self, data: pl.DataFrame) -> pl.DataFrame:
        frame = data.lazy()
        return pl.concat(pl.collect_all([_decide_quota(frame, quota)
                                         for quota in QUOTAS.values()]))

    def decisions(self, result: Any) -> pl.DataFrame:
        return as_decisions(result)
