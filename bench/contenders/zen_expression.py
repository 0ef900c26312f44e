"""GoRules zen-engine's plain expression language: one compiled expression per rule.

Each quota's criteria are ZEN expressions with the quota's constants written in; a
nomination is checked by evaluating its quota's criteria in rulebook order, then, when
eligible, one expression for the points. Derived values are precomputed
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
from contenders.zen_graph import zen_records


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{value}'" for value in values) + "]"


def zen_rules(quota: Quota) -> dict[str, str]:
    """The quota's criteria as ZEN expressions, in rulebook order."""
    good = _list(GOOD_OR_BETTER)
    rules = {"position-match": f"position in {_list(quota.positions)}"}
    if quota.kind == FOSTERING:
        rules |= {
            "working-time-left": f"date(retirement_date) >= date('{quota.retire_by}')",
            "rating-last-year": f"rating_1 in {good}",
            "no-discipline": "under_discipline == false",
            "no-overlap": "enrollment_overlap == false",
        }
    else:
        rules |= {
            "no-overlap": "enrollment_overlap == false",
            "age-limit": f"age <= {quota.max_age}",
            "service-years": f"(service_years ?? -1) >= {POSTGRADUATE_MIN_SERVICE_YEARS}",
            "ratings-two-years": f"rating_1 in {good} and rating_2 in {good}",
        }
    return rules


POINTS = (f"(age < {YOUNG_UNDER} ? 10 : 0) + (gender == 'female' ? 10 : 0)"
          " + 5 * len(filter([rating_1, rating_2, rating_3], # == 'excellent'))"
          " + (succession_plan ? 5 : 0)")


class ZenExpression(PrecomputedLoopContender):
    name = "zen-expression"
    label = "zen-engine: compiled expressions"
    requires = ("zen",)
    description = "zen.compile_expression per rule, Expression.evaluate per record and rule"

    def setup(self, rulebook: Any) -> None:
        import zen

        self.rules = {quota.id: [(rule, zen.compile_expression(text))
                                 for rule, text in zen_rules(quota).items()]
                      for quota in QUOTAS.values()}
        self.points = zen.compile_expression(POINTS)

    def marshal(self, derived: pl.DataFrame) -> Any:
        return zen_records(derived)

    def decide(self, data: Any) -> Result:
        contexts, ids, quotas, births = data
        points = self.points.evaluate
        eligible: list[bool] = []
        failed: list[str] = []
        scores: list[int | None] = []
        for context, quota in zip(contexts, quotas, strict=True):
            fails = [rule for rule, expression in self.rules[quota]
                     if expression.evaluate(context) is not True]
            eligible.append(not fails)
            failed.append(";".join(fails))
            scores.append(None if fails else int(points(context)))
        return ranked(ids, quotas, eligible, failed, scores, births)
