"""The two benchmarked quotas of the Hanoi rulebook, written out by hand for the peers.

A peer engine knows nothing of ``rules/hanoi-2022-2025.yaml``: whoever uses it writes the
quota's constants and rules again in the peer's own language. These are those constants
(docs/hanoi-rulebook.md, "Quotas", "Criteria", "Priority points"); the rules themselves
are written in each peer's module. The harness checks every peer's decisions against the
library's, so a constant that drifts from the rulebook shows up as a WRONG contender.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eligibility import calendar

FOSTERING = "fostering"
POSTGRADUATE = "postgraduate"

ALL_POSITIONS = (
    "urban-planning", "urban-management", "construction-management", "transport-management",
    "environment-management", "hr-management", "organisation-staffing",
    "public-service-reform", "public-finance", "public-investment", "budget-planning",
    "it-egovernment", "digital-transformation", "information-security",
    "science-technology-management", "innovation-policy", "education-management",
    "school-leadership", "education-digital-transformation", "health-management",
    "hospital-management", "public-health", "health-digital-transformation",
)

# vn-regulations.yaml, parameters (months): fostering needs this much service left.
MONTHS_LEFT_LONG_COURSE = 24
MONTHS_LEFT_SHORT_COURSE = 18
POSTGRADUATE_MIN_SERVICE_YEARS = 3
GOOD_OR_BETTER = ("good", "excellent")

# Statutory retirement age in months by calendar year (NĐ 135/2020).
RETIREMENT_AGE = {
    "male": calendar.AgeSchedule({2020: 720, 2021: 723, 2022: 726, 2023: 729, 2024: 732,
                                  2025: 735, 2026: 738, 2027: 741, 2028: 744}),
    "female": calendar.AgeSchedule({2020: 660, 2021: 664, 2022: 668, 2023: 672, 2024: 676,
                                    2025: 680, 2026: 684, 2027: 688, 2028: 692, 2029: 696,
                                    2030: 700, 2031: 704, 2032: 708, 2033: 712, 2034: 716,
                                    2035: 720}),
}

# Rule ids in rulebook order: a nomination's failed rules are listed in this order.
CRITERIA = ("position-match", "working-time-left", "rating-last-year", "no-discipline",
            "no-overlap", "age-limit", "service-years", "ratings-two-years")
PRIORITIES = ("young", "female", "excellent", "succession")


@dataclass(frozen=True)
class Quota:
    id: str
    kind: str
    start: dt.date
    end: dt.date
    positions: tuple[str, ...]
    seats: int
    max_age: int | None = None

    @property
    def retire_by(self) -> dt.date:
        """A fostering nominee's retirement date must not fall before this day."""
        long_course = calendar.lasts_at_least_months(self.start, self.end, 1)
        months = MONTHS_LEFT_LONG_COURSE if long_course else MONTHS_LEFT_SHORT_COURSE
        return calendar.add_months(self.start, months)

    def rating_year(self, years_before: int) -> int:
        """The rating year ``years_before`` years before the course start's year."""
        return self.start.year - years_before

    def criteria(self) -> tuple[str, ...]:
        """This quota's rule ids, in rulebook order."""
        own = {FOSTERING: {"position-match", "working-time-left", "rating-last-year",
                           "no-discipline", "no-overlap"},
               POSTGRADUATE: {"position-match", "no-overlap", "age-limit", "service-years",
                              "ratings-two-years"}}[self.kind]
        return tuple(rule for rule in CRITERIA if rule in own)


QUOTAS = {
    "tai-chinh": Quota("tai-chinh", FOSTERING, dt.date(2023, 10, 9), dt.date(2023, 11, 17),
                       ("public-finance", "public-investment", "budget-planning"), seats=100),
    "pg-abroad": Quota("pg-abroad", POSTGRADUATE, dt.date(2023, 9, 1), dt.date(2025, 8, 31),
                       ALL_POSITIONS, seats=30, max_age=35),
}
QUOTA_IDS = tuple(QUOTAS)
YOUNG_UNDER = 40  # points.young: age in completed years on the course start under 40
