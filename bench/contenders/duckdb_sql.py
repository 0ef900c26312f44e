"""DuckDB SQL: the rules as one SQL statement over an in-database table of nominations.

The quotas' constants are a ``quotas`` table (and ``quota_positions``); ages and years of
service are computed in SQL (completed months, with the Civil Code's month-end rule), the
enrollment overlap with a list lambda. Only the statutory retirement date is looked up in a
table precomputed with :func:`eligibility.calendar.retirement_date` (one row per gender and
birth month): SQL has no schedule arithmetic of that kind ("precompute").

DuckDB reads polars frames through pyarrow, which this benchmark does not install: the
nominations reach DuckDB as a Parquet file it loads into a table ("marshal"). ``decide``
materializes the decisions as a DuckDB table; fetching them into Python is not timed.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from contenders.base import DECISION_SCHEMA, Contender, as_decisions
from contenders.hanoi import (
    GOOD_OR_BETTER,
    POSTGRADUATE_MIN_SERVICE_YEARS,
    QUOTAS,
    RETIREMENT_AGE,
    YOUNG_UNDER,
)
from eligibility import calendar

BIRTH_YEARS = range(1900, 2031)  # the retirement lookup covers births in these years


def _sql_date(day: dt.date | None) -> str:
    return "NULL" if day is None else f"DATE '{day.isoformat()}'"


def _completed_months(start: str, on: str) -> str:
    """Completed months from ``start`` to ``on`` (SQL), as eligibility.calendar counts them."""
    return (f"((year({on}) * 12 + month({on})) - (year({start}) * 12 + month({start}))"
            f" - CASE WHEN day({start}) > day({on}) AND day({on}) < day(last_day({on}))"
            f" THEN 1 ELSE 0 END)")


def _completed_years(start: str, on: str) -> str:
    return f"CAST(floor({_completed_months(start, on)} / 12.0) AS BIGINT)"


def _rating(offset: int, years: list[int]) -> str:
    """The rating of the ``offset``-th year before the course start's year."""
    cases = " ".join(f"WHEN {year} THEN n.\"rating[{year}]\"" for year in years)
    return f"CASE year(q.course_start) - {offset} {cases} END"


def decisions_sql(rating_years: list[int]) -> str:
    good = "(" + ", ".join(f"'{value}'" for value in GOOD_OR_BETTER) + ")"
    rating_1, rating_2 = _rating(1, rating_years), _rating(2, rating_years)
    excellent = " + ".join(f"CASE WHEN ({_rating(k, rating_years)}) = 'excellent' THEN 1 "
                           f"ELSE 0 END" for k in (1, 2, 3))
    criteria = [("position-match", "c_position"), ("working-time-left", "c_working"),
                ("rating-last-year", "c_rating_last"), ("no-discipline", "c_discipline"),
                ("no-overlap", "c_overlap"), ("age-limit", "c_age"),
                ("service-years", "c_service"), ("ratings-two-years", "c_ratings")]
    failed = ", ".join(f"CASE WHEN NOT {column} THEN '{rule}' END" for rule, column in criteria)
    eligible = " AND ".join(f"coalesce({column}, true)" for _, column in criteria)
    return f"""
CREATE OR REPLACE TEMP TABLE decisions AS
WITH facts AS (
    SELECT n.candidate_id, n.quota_id, n.birth_date, n.gender, n.succession_plan,
           n.under_discipline, q.kind, q.seats, q.max_age, q.retire_by,
           p.position IS NOT NULL AS position_ok,
           r.retirement,
           {_completed_years("n.birth_date", "q.course_start")} AS age,
           {_completed_years("n.service_start", "q.course_start")} AS service_years,
           {rating_1} AS rating_1,
           {rating_2} AS rating_2,
           {excellent} AS excellent_years,
           coalesce(list_bool_or(list_transform(n.enrollments, lambda e:
               e.start <= q.course_end AND e."end" >= q.course_start)), false) AS overlap
    FROM nominations n
    JOIN quotas q ON q.quota_id = n.quota_id
    LEFT JOIN quota_positions p ON p.quota_id = n.quota_id AND p.position = n.position
    LEFT JOIN retirement r ON r.gender = n.gender
        AND r.birth_month = year(n.birth_date) * 12 + month(n.birth_date) - 1
),
checks AS (
    SELECT *,
        position_ok AS c_position,
        CASE WHEN kind = 'fostering' THEN coalesce(retirement >= retire_by, false) END
            AS c_working,
        CASE WHEN kind = 'fostering' THEN coalesce(rating_1 IN {good}, false) END
            AS c_rating_last,
        CASE WHEN kind = 'fostering' THEN NOT under_discipline END AS c_discipline,
        NOT overlap AS c_overlap,
        CASE WHEN kind = 'postgraduate' THEN age <= max_age END AS c_age,
        CASE WHEN kind = 'postgraduate'
            THEN coalesce(service_years >= {POSTGRADUATE_MIN_SERVICE_YEARS}, false) END
            AS c_service,
        CASE WHEN kind = 'postgraduate'
            THEN coalesce(rating_1 IN {good} AND rating_2 IN {good}, false) END AS c_ratings
    FROM facts
),
outcome AS (
    SELECT candidate_id, quota_id, birth_date, seats,
        {eligible} AS eligible,
        concat_ws(';', {failed}) AS failed,
        CASE WHEN age < {YOUNG_UNDER} THEN 10 ELSE 0 END
            + CASE WHEN gender = 'female' THEN 10 ELSE 0 END
            + 5 * excellent_years
            + CASE WHEN succession_plan THEN 5 ELSE 0 END AS points
    FROM checks
),
ranked AS (
    SELECT *, CASE WHEN eligible THEN row_number() OVER (
        PARTITION BY quota_id, eligible
        ORDER BY points DESC, birth_date DESC, candidate_id ASC) END AS rank
    FROM outcome
)
SELECT candidate_id, quota_id, eligible, failed,
       CASE WHEN eligible THEN points END AS score, rank,
       coalesce(rank <= seats, false) AS selected
FROM ranked
"""


class DuckDBSql(Contender):
    name = "duckdb"
    label = "DuckDB SQL"
    requires = ("duckdb",)
    description = "one SQL statement (CTEs, window function) into a DuckDB table"

    def setup(self, rulebook: Any) -> None:
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute(f"SET threads = {os.cpu_count() or 1}")
        rows = ", ".join(
            f"('{quota.id}', '{quota.kind}', {_sql_date(quota.start)}, {_sql_date(quota.end)}, "
            f"{_sql_date(quota.retire_by)}, {quota.max_age or 'NULL'}, {quota.seats})"
            for quota in QUOTAS.values())
        self.connection.execute(
            "CREATE TABLE quotas (quota_id VARCHAR, kind VARCHAR, course_start DATE, "
            f"course_end DATE, retire_by DATE, max_age BIGINT, seats BIGINT); "
            f"INSERT INTO quotas VALUES {rows}")
        positions = ", ".join(f"('{quota.id}', '{position}')" for quota in QUOTAS.values()
                              for position in quota.positions)
        self.connection.execute("CREATE TABLE quota_positions (quota_id VARCHAR, "
                                f"position VARCHAR); INSERT INTO quota_positions "
                                f"VALUES {positions}")

    def precompute(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The statutory retirement date per gender and birth month, as a table."""
        rows = ", ".join(
            f"('{gender}', {year * 12 + month - 1}, "
            f"{_sql_date(calendar.retirement_date(dt.date(year, month, 1), schedule))})"
            for gender, schedule in RETIREMENT_AGE.items()
            for year in BIRTH_YEARS for month in range(1, 13))
        self.connection.execute(
            "CREATE OR REPLACE TABLE retirement (gender VARCHAR, birth_month BIGINT, "
            f"retirement DATE); INSERT INTO retirement VALUES {rows}")
        return frame

    def marshal(self, derived: pl.DataFrame) -> str:
        years = sorted(int(name[len("rating["):-1]) for name in derived.columns
                       if name.startswith("rating["))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "nominations.parquet"
            derived.write_parquet(path)
            self.connection.execute("CREATE OR REPLACE TABLE nominations AS "
                                    f"SELECT * FROM read_parquet('{path}')")
        return decisions_sql(years)

    def decide(self, data: str) -> str:
        self.connection.execute(data)
        return "decisions"

    def decisions(self, result: str) -> pl.DataFrame:
        names = list(DECISION_SCHEMA)
        rows = self.connection.execute(f"SELECT {', '.join(names)} FROM {result}").fetchall()
        return as_decisions(pl.DataFrame(rows, schema=DECISION_SCHEMA, orient="row"))
