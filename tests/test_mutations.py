"""Changed copies of a rulebook: relaxed thresholds, capped seats."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eligibility
from eligibility.strategies import from_rulebook
from eligibility.testing.boundaries import holds
from eligibility.testing.mutations import cap_seats, relax_thresholds, relaxed_constants

ROOT = Path(__file__).parent.parent
HANOI = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
COURSES = eligibility.load_rulebook(ROOT / "tests/data/rulebooks-ok/language-course.yaml")
SCORES = eligibility.load_rulebook(ROOT / "tests/data/rulebooks-ok/yearly-scores.yaml")
RULEBOOKS = [HANOI, COURSES, SCORES]


def test_thresholds_move_outward_whatever_the_operator_and_negation() -> None:
    """GIVEN `x <= c`, `x >= c`, `not (x > c)` and an `or` WHEN relaxed THEN each constant
    moves the way that admits more people; enum codes stay."""
    relaxed = relax_thresholds(COURSES, days=10, units=2)
    assert [change.describe() for change in relaxed_constants(
        COURSES, relaxed, "english-intensive")] == [
        "age: > 45 became > 47", "level-or-experience: >= 10 became >= 8"]
    dates = relax_thresholds(HANOI, days=10)
    assert [change.describe() for change in relaxed_constants(HANOI, dates, "tai-chinh")] == [
        "working-time-left: >= 2025-10-09 became >= 2025-09-29"]


def test_relaxing_leaves_the_original_and_the_priorities_alone() -> None:
    """GIVEN a rulebook WHEN relaxed THEN the original is unchanged and so are the points."""
    before = HANOI.quota("pg-abroad").criteria
    relaxed = relax_thresholds(HANOI, days=1, units=1)
    assert HANOI.quota("pg-abroad").criteria == before
    assert relaxed.quota("pg-abroad").priorities == HANOI.quota("pg-abroad").priorities
    assert relaxed.quota("pg-abroad").criteria != before
    with pytest.raises(ValueError, match="cannot be negative"):
        relax_thresholds(HANOI, days=-1)


@settings(max_examples=max(settings().max_examples, 60))
@given(data=st.data(), days=st.integers(0, 800), units=st.integers(0, 10))
def test_a_relaxed_criterion_holds_wherever_the_original_did(data: st.DataObject, days: int,
                                                            units: int) -> None:
    """GIVEN any rulebook, quota and nominee WHEN the thresholds are relaxed THEN every
    criterion met before is still met."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    quota = data.draw(st.sampled_from(list(rulebook.quotas)), label="quota")
    record = data.draw(from_rulebook(rulebook, quota=quota), label="record")
    relaxed = relax_thresholds(rulebook, days=days, units=units)
    pairs = zip(rulebook.quota(quota).criteria, relaxed.quota(quota).criteria, strict=True)
    for before, after in pairs:
        if holds(before.condition, record):
            assert holds(after.condition, record), before.id


def test_capped_seats() -> None:
    """GIVEN a cap WHEN applied THEN no quota has more seats, smaller quotas keep theirs
    and the budget still limits the capacity."""
    capped = cap_seats(COURSES, 3)
    assert capped.quota("english-intensive").quota.seats == 3
    assert capped.quota("english-intensive").capacity == 2  # 90M at 40M a seat
    assert capped.quota("english-basic").quota.seats == 3
    assert COURSES.quota("english-basic").quota.seats == 4
    with pytest.raises(ValueError, match="at least one seat"):
        cap_seats(COURSES, 0)
