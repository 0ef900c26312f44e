"""Where a rulebook's decisions change: boundary values found in the bound trees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import eligibility
from eligibility.testing.boundaries import quota_plan, rulebook_years

ROOT = Path(__file__).parent.parent
HANOI = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
SCORES_PATH = ROOT / "tests/data/rulebooks-ok/yearly-scores.yaml"
D = dt.date


def test_retirement_boundaries_are_found_for_each_gender_and_course_length() -> None:
    """GIVEN the working-time-left criterion (24 months for a long course, 18 for a short
    one; retirement by Decree 135/2020) WHEN its flips are searched THEN the last birth
    date failing and the first meeting it are among the values, as worked out by hand."""
    long_course = quota_plan(HANOI, "tai-chinh").fields["birth_date"].values
    assert {D(1964, 6, 30), D(1964, 7, 1), D(1969, 1, 31), D(1969, 2, 1)} <= set(long_course)
    short_course = quota_plan(HANOI, "noi-vu-hr").fields["birth_date"].values
    assert {D(1963, 12, 31), D(1964, 1, 1), D(1968, 8, 31), D(1968, 9, 1)} <= set(short_course)


def test_age_and_service_boundaries_include_29_february() -> None:
    """GIVEN the postgraduate age and service criteria WHEN their flips are searched THEN
    the day of turning 36 or 40, the day before, and 29 February births and service
    starts are among the values."""
    abroad = quota_plan(HANOI, "pg-abroad").fields
    assert {D(1987, 9, 1), D(1987, 9, 2), D(1988, 2, 29)} <= set(abroad["birth_date"].values)
    assert {D(2020, 9, 1), D(2020, 9, 2)} <= set(abroad["service_start"].values)
    domestic = quota_plan(HANOI, "pg-domestic").fields
    assert {D(1983, 2, 28), D(1983, 3, 1), D(1984, 2, 29)} <= set(domestic["birth_date"].values)
    assert {D(2020, 2, 29), D(2020, 3, 1)} <= set(domestic["service_start"].values)


def test_codes_intervals_and_empty_cells() -> None:
    """GIVEN the rating, position and enrolment criteria WHEN planned THEN the ratings
    either side of 'good', positions inside and outside the quota, enrolments touching
    the course, and an empty cell first for optional fields are among the values."""
    fields = quota_plan(HANOI, "tai-chinh").fields
    assert fields["rating"].values == (None, "good", "completed", "excellent")
    assert fields["rating"].years == (2020, 2021, 2022)
    assert fields["position"].values[:3] == ("public-finance", "public-investment",
                                             "budget-planning")
    assert "urban-planning" in fields["position"].values
    ends = {item.end for value in fields["enrollments"].values for item in value}
    starts = {item.start for value in fields["enrollments"].values for item in value}
    assert D(2023, 10, 9) in ends and D(2023, 11, 17) in starts
    assert D(2023, 10, 8) in ends and D(2023, 11, 18) in starts
    assert fields["service_start"].values[0] is None


def test_groups_split_combinations_by_the_criteria_they_meet() -> None:
    """GIVEN birth date and gender, linked by working-time-left WHEN grouped THEN every
    combination of their values is decided, some meeting it and some failing it."""
    plan = quota_plan(HANOI, "tai-chinh")
    group = next(group for group in plan.groups if "birth_date" in group.fields)
    assert group.fields == ("birth_date", "gender")
    assert group.criteria == ("working-time-left",)
    assert {"gender": "male", "birth_date": D(1964, 6, 30)} in group.failing_only(
        "working-time-left")
    assert {"gender": "male", "birth_date": D(1964, 7, 1)} in group.passing()
    assert plan.can_be_eligible
    assert plan.failable == ("position-match", "working-time-left", "rating-last-year",
                             "no-discipline", "no-overlap")


def test_yearly_numbers_and_years_read() -> None:
    """GIVEN `all(score[y] >= 60 for y in range(start.year - 2, start.year))` WHEN planned
    THEN the two years are read and 59, 60 and 61 are tried in each."""
    scores = eligibility.load_rulebook(SCORES_PATH)
    assert rulebook_years(scores) == {"score": (2022, 2023)}
    values = quota_plan(scores, "leadership").fields["score"].values
    assert {59, 60, 61} <= set(values)


def test_a_criterion_no_one_can_meet(tmp_path: Path) -> None:
    """GIVEN a criterion that is always false WHEN planned THEN the quota cannot be
    eligible and the criterion is failable."""
    never = SCORES_PATH.read_text(encoding="utf-8").replace(
        "condition: leave is None or not overlaps(leave, quota.course)",
        "condition: 1 > 2")
    (tmp_path / "never.yaml").write_text(never, encoding="utf-8")
    plan = quota_plan(eligibility.load_rulebook(tmp_path / "never.yaml"), "leadership")
    assert plan.constant_failures == ("not-on-leave",)
    assert not plan.can_be_eligible
    assert "not-on-leave" in plan.failable


def test_plans_are_computed_once_per_rulebook_object() -> None:
    """GIVEN a rulebook WHEN planned twice THEN the same plan comes back; a rulebook loaded
    again gets its own."""
    assert quota_plan(HANOI, "pg-abroad") is quota_plan(HANOI, "pg-abroad")
    again = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
    assert quota_plan(again, "pg-abroad") is not quota_plan(HANOI, "pg-abroad")
