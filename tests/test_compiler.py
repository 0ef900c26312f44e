"""Compiling a rulebook as of a date: which dated criteria and parameters apply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import eligibility
from eligibility.errors import RulebookError

ROOT = Path(__file__).parent.parent
ROUND_2025 = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"


def _cap(rulebook: eligibility.CompiledRulebook, quota: str) -> tuple[str, str]:
    """The national age cap's condition and legal basis as bound to ``quota``."""
    rule = next(c for c in rulebook.quota(quota).criteria if c.id == "national-age-cap")
    return str(rule.condition), rule.basis[0].id


def test_by_default_each_quota_takes_the_rules_in_force_on_its_course_start() -> None:
    """GIVEN the 2025 round, whose domestic course starts before 1 July 2025 and whose
    course abroad starts after WHEN compiled without a date THEN the domestic quota binds
    Decree 101's cap (40) and the quota abroad Decree 171's (45)."""
    rulebook = eligibility.load_rulebook(ROUND_2025)
    assert rulebook.as_of is None
    domestic, abroad = _cap(rulebook, "pg-domestic"), _cap(rulebook, "pg-abroad")
    assert "40" in domestic[0] and domestic[1] == "nd-101-2017-art-6"
    assert "45" in abroad[0] and abroad[1] == "nd-171-2025"


@pytest.mark.parametrize(("day", "cap", "basis"), [
    (dt.date(2025, 6, 30), "40", "nd-101-2017-art-6"),
    (dt.date(2025, 7, 1), "45", "nd-171-2025"),
])
def test_as_of_a_date_every_quota_takes_the_rules_in_force_that_day(
        day: dt.date, cap: str, basis: str) -> None:
    """GIVEN the 2025 round WHEN compiled as of the last day of Decree 101 or the first of
    Decree 171 THEN both quotas bind that day's cap and wording, and the date is kept."""
    rulebook = eligibility.load_rulebook(ROUND_2025, as_of=day)
    assert rulebook.as_of == day
    for quota in ("pg-domestic", "pg-abroad"):
        condition, cited = _cap(rulebook, quota)
        assert cap in condition and cited == basis


def test_an_as_of_date_outside_the_rulebooks_period_is_refused() -> None:
    """GIVEN the 2025 round (in force during 2025) WHEN compiled as of 2026-01-01 THEN the
    error names the period and points at the rulebook's 'effective' line."""
    with pytest.raises(RulebookError, match="in force from 2025-01-01 until 2025-12-31") as caught:
        eligibility.load_rulebook(ROUND_2025, as_of="2026-01-01")
    assert caught.value.first.location.line == ROUND_2025.read_text().splitlines().index(
        "effective: {from: 2025-01-01, until: 2025-12-31}") + 1


def test_a_parameter_with_no_version_on_the_as_of_date_is_named() -> None:
    """GIVEN the first round made to start in 2017 and a criterion using a dated parameter
    whose first version starts on 2017-10-21 WHEN compiled as of 2017-10-20 THEN the error
    names the parameter and the date."""
    changes = {"effective.from": "2017-01-01",
               "criterion.age-limit.condition":
                   "age_on(birth_date, quota.start) <= postgraduate_commitment_multiple * 20"}
    with pytest.raises(RulebookError, match="'postgraduate_commitment_multiple' has no "
                                            "version in force on 2017-10-20"):
        eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml", changes=changes,
                                  as_of="2017-10-20")


def test_ill_typed_quota_values_are_reported_not_folded() -> None:
    """GIVEN a quota value made text where the others are numbers, used in arithmetic
    WHEN compiled THEN the type problem is reported (no crash while binding)."""
    with pytest.raises(RulebookError, match="quota value 'max_age' is int here but text"):
        eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml", changes={
            "quota.pg-abroad.max_age": "x",
            "criterion.age-limit.condition":
                "age_on(birth_date, quota.start) <= quota.max_age + 1"})
