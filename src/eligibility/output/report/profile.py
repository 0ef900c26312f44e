"""The plan's priorities as shares: women, staff under 40, staff rated excellent.

Each measure is a yes/no fact about a person *for one quota* (an age or a rating year depends
on the course dates), computed from input facts, never from points (points exist only for
eligible nominations, while the shares are compared among nominated, eligible and selected):

* **women**: the ``gender`` field is ``female``;
* **under 40**: under 40 in completed years on the course's first day (the plan's "young
  staff", the under-40 reading of cadre planning);
* **rated excellent**: the ``rating`` of the year before the course's start year is
  ``excellent``.

A rulebook without the field a measure reads (or without its code) has no such measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from eligibility.calendar import completed_years_expr
from eligibility.frames import yearly_column
from eligibility.language.types import DATE, EnumType
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["STAGES", "YOUNG_BELOW", "Measure", "measures", "with_measures"]

YOUNG_BELOW = 40
STAGES = ("nominated", "eligible", "selected")
START = "__course_start"


@dataclass(frozen=True)
class Measure:
    id: str  # 'women', 'under_40', 'excellent'; catalogue key report.measure_<id>
    column: str  # the boolean column :func:`with_measures` adds


def measures(rulebook: CompiledRulebook) -> tuple[Measure, ...]:
    """The measures this rulebook's fields allow, in a fixed order."""
    found = []
    gender = rulebook.fields.get("gender")
    if gender is not None and isinstance(gender.type, EnumType) \
            and "female" in gender.type.codes:
        found.append(Measure("women", "measure.women"))
    birth = rulebook.fields.get("birth_date")
    if birth is not None and birth.type == DATE:
        found.append(Measure("under_40", "measure.under_40"))
    rating = rulebook.fields.get("rating")
    if rating is not None and rating.yearly and isinstance(rating.type, EnumType) \
            and "excellent" in rating.type.codes:
        found.append(Measure("excellent", "measure.excellent"))
    return tuple(found)


def with_measures(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (one row per nomination, with ``quota_id`` and the people's typed fields)
    with one boolean column per measure, each judged on that nomination's course."""
    starts = {quota_id: rules.quota.start for quota_id, rules in rulebook.quotas.items()}
    frame = frame.with_columns(pl.col("quota_id").replace_strict(starts, return_dtype=pl.Date)
                               .alias(START))
    columns = []
    for measure in measures(rulebook):
        if measure.id == "women":
            expression = pl.col("gender").cast(pl.String) == "female"
        elif measure.id == "under_40":
            expression = completed_years_expr(pl.col("birth_date"), pl.col(START)) < YOUNG_BELOW
        else:
            expression = _excellent_last_year(frame, {start.year - 1
                                                      for start in starts.values()})
        columns.append(expression.fill_null(False).alias(measure.column))
    return frame.with_columns(columns).drop(START)


def _excellent_last_year(frame: pl.DataFrame, years: set[int]) -> pl.Expr:
    rating_year = pl.col(START).dt.year() - 1
    expression = pl.lit(False)
    for year in sorted(years):
        column = yearly_column("rating", year)
        if column in frame.columns:
            expression = pl.when(rating_year == year).then(
                pl.col(column).cast(pl.String) == "excellent").otherwise(expression)
    return expression
