"""A hand-written pure-Python loop over the typed rows: the rules as plain ``if`` tests.

Derived values come from :mod:`eligibility.calendar`'s scalar functions, called in the
loop (they are part of the timed figure here: the loop computes everything itself).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from contenders.base import LoopContender
from contenders.hanoi import (
    FOSTERING,
    GOOD_OR_BETTER,
    POSTGRADUATE_MIN_SERVICE_YEARS,
    QUOTAS,
    RETIREMENT_AGE,
    YOUNG_UNDER,
)
from contenders.pyrank import Result, ranked
from eligibility.calendar import completed_years, overlaps, retirement_date

RATING_YEARS = sorted({quota.rating_year(k) for quota in QUOTAS.values() for k in (1, 2, 3)})



class PurePython(LoopContender):
    name = "python-loop"
    label = "hand-written pure-Python loop"
    description = "one loop over row tuples, eligibility.calendar scalar functions, sort"

    def marshal(self, derived: pl.DataFrame) -> list[tuple[Any, ...]]:
        ratings = [pl.col(f"rating[{year}]").cast(pl.String) for year in RATING_YEARS]
        return derived.select("candidate_id", "quota_id", "birth_date",
                              pl.col("gender").cast(pl.String),
                              pl.col("position").cast(pl.String), "service_start",
                              "under_discipline", "succession_plan", "enrollments",
                              pl.concat_list(ratings).alias("ratings")).rows()

    def decide(self, data: list[tuple[Any, ...]]) -> Result:
        first_year = RATING_YEARS[0]
        retire_by = {quota.id: quota.retire_by for quota in QUOTAS.values()}
        ids: list[str] = []
        quotas: list[str] = []
        births = []
        eligible: list[bool] = []
        failed: list[str] = []
        scores: list[int | None] = []
        for (candidate, quota_id, birth, gender, position, service_start, under_discipline,
             succession, enrollments, ratings) in data:
            quota = QUOTAS[quota_id]
            start = quota.start
            last_year = ratings[start.year - 1 - first_year]
            fails = []
            if position not in quota.positions:
                fails.append("position-match")
            if quota.kind == FOSTERING:
                if retirement_date(birth, RETIREMENT_AGE[gender]) < retire_by[quota_id]:
                    fails.append("working-time-left")
                if last_year not in GOOD_OR_BETTER:
                    fails.append("rating-last-year")
                if under_discipline:
                    fails.append("no-discipline")
            if any(overlaps(item["start"], item["end"], start, quota.end)
                   for item in enrollments or ()):
                fails.append("no-overlap")
            age = completed_years(birth, start)
            if quota.kind != FOSTERING:
                assert quota.max_age is not None
                if age > quota.max_age:
                    fails.append("age-limit")
                if service_start is None or \
                        completed_years(service_start, start) < POSTGRADUATE_MIN_SERVICE_YEARS:
                    fails.append("service-years")
                if last_year not in GOOD_OR_BETTER or \
                        ratings[start.year - 2 - first_year] not in GOOD_OR_BETTER:
                    fails.append("ratings-two-years")
            score = None
            if not fails:
                excellent = sum(1 for year in range(start.year - 3, start.year)
                                if ratings[year - first_year] == "excellent")
                score = ((10 if age < YOUNG_UNDER else 0) + (10 if gender == "female" else 0)
                         + 5 * excellent + (5 if succession else 0))
            ids.append(candidate)
            quotas.append(quota_id)
            births.append(birth)
            eligible.append(not fails)
            failed.append(";".join(fails))
            scores.append(score)
        return ranked(ids, quotas, eligible, failed, scores, births)
