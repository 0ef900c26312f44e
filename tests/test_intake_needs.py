"""Which columns the rules of a rulebook read, with their years."""

from __future__ import annotations

from pathlib import Path

from tests.hanoi_variants import hanoi_variant

import eligibility
from eligibility.intake.needs import ANY_YEAR, field_needs

RULES = Path("rules/hanoi-2022-2025.yaml")


def test_the_hanoi_rules_read_these_fields_and_years() -> None:
    """GIVEN the Hanoi rulebook WHEN its bound rules are walked
    THEN the fields read are the ones its criteria and priorities name, and the rating is
    read for 2020 to 2022 only (2022 by three rules), never for an unknown year."""
    needs = field_needs(eligibility.load_rulebook(RULES))
    assert set(needs) == {"position", "birth_date", "gender", "rating", "under_discipline",
                          "enrollments", "service_start", "succession_plan"}
    assert set(needs["rating"].by_year) == {2020, 2021, 2022}
    readers_2022 = {rule.id for rule in needs["rating"].by_year[2022]}
    assert readers_2022 == {"rating-last-year", "ratings-two-years", "excellent"}
    assert [rule.id for rule in needs["under_discipline"].by_year[None]] == ["no-discipline"]
    assert ANY_YEAR not in needs["rating"].by_year


def test_a_year_computed_per_row_counts_as_any_year(tmp_path: Path) -> None:
    """GIVEN a criterion reading rating[birth_date.year + 30] WHEN walked
    THEN the rating counts as read for a year known only at run time."""
    needs = field_needs(hanoi_variant(
        tmp_path, "condition: not under_discipline",
        "condition: not under_discipline and rating[birth_date.year + 30] != 'not_completed'"))
    assert [rule.id for rule in needs["rating"].by_year[ANY_YEAR]] == ["no-discipline"]
