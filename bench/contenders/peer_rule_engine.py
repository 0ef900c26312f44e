"""zeroSteiner's rule-engine: one ``rule_engine.Rule`` per criterion, matched per record.

Each quota's criteria are rule-engine expressions with the quota's constants written in;
a nomination is checked by matching its quota's rules in rulebook order, then, when
eligible, one rule that computes the points. Derived values are precomputed
(:mod:`contenders.derived`); ranking and top-N in Python (:mod:`contenders.pyrank`).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from contenders.base import PrecomputedLoopContender
from contenders.hanoi import (
    FOSTERING,
    GOOD_OR_BETTER,
    POSTGRADUATE_MIN_SERVICE_YEARS,
    QUOTAS,
    YOUNG_UNDER,
    Quota,
)
from contenders.pyrank import Result, ranked


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in values) + "]"


def rule_texts(quota: Quota) -> dict[str, str]:
    """The quota's criteria in rule-engine's language, in rulebook order."""
    good = _list(GOOD_OR_BETTER)
    rules = {"position-match": f"position in {_list(quota.positions)}"}
    if quota.kind == FOSTERING:
        rules |= {
            "working-time-left": f"retirement_date >= d'{quota.retire_by.isoformat()}'",
            "rating-last-year": f"rating_1 in {good}",
            "no-discipline": "not under_discipline",
            "no-overlap": "not enrollment_overlap",
        }
    else:
        rules |= {
            "no-overlap": "not enrollment_overlap",
            "age-limit": f"age <= {quota.max_age}",
            "service-years": ("service_years != null and "
                              f"service_years >= {POSTGRADUATE_MIN_SERVICE_YEARS}"),
            "ratings-two-years": f"rating_1 in {good} and rating_2 in {good}",
        }
    return rules


POINTS = (f"(age < {YOUNG_UNDER} ? 10 : 0) + (gender == 'female' ? 10 : 0)"
          " + (rating_1 == 'excellent' ? 5 : 0) + (rating_2 == 'excellent' ? 5 : 0)"
          " + (rating_3 == 'excellent' ? 5 : 0) + (succession_plan ? 5 : 0)")


class RuleEngine(PrecomputedLoopContender):
    name = "rule-engine"
    label = "rule-engine (zeroSteiner)"
    requires = ("rule_engine",)
    description = "rule_engine.Rule per criterion, Rule.matches per record and rule"

    def setup(self, rulebook: Any) -> None:
        import rule_engine

        self.rules = {quota.id: [(rule, rule_engine.Rule(text))
                                 for rule, text in rule_texts(quota).items()]
                      for quota in QUOTAS.values()}
        self.points = rule_engine.Rule(POINTS)

    def marshal(self, derived: pl.DataFrame) -> Any:
        return (derived.to_dicts(), derived["candidate_id"].to_list(),
                derived["quota_id"].to_list(), derived["birth_date"].to_list())

    def decide(self, data: Any) -> Result:
        records, ids, quotas, births = data
        points = self.points.evaluate
        eligible: list[bool] = []
        failed: list[str] = []
        scores: list[int | None] = []
        for record, quota in zip(records, quotas, strict=True):
            fails = [rule for rule, compiled in self.rules[quota] if not compiled.matches(record)]
            eligible.append(not fails)
            failed.append(";".join(fails))
            scores.append(None if fails else int(points(record)))
        return ranked(ids, quotas, eligible, failed, scores, births)
