"""GoRules zen-engine running a JDM decision graph, one evaluation per nomination.

The graph (``zen_hanoi.jdm.json``, editable in GoRules' JDM editor) is: a decision table of
the quotas' parameters (keyed by quota id), an expression node with one boolean per
criterion (null when the criterion does not apply to the quota's kind), an expression node
for the failed rule ids and eligibility, a "collect" decision table awarding the priority
points, and an expression node summing them. The derived values (retirement date, age and
years of service in completed years, ratings of the years before the course, enrollment
overlap) are precomputed (:mod:`contenders.derived`). Ranking and top-N are done in Python
(:mod:`contenders.pyrank`): a decision graph decides one record at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from contenders.base import PrecomputedLoopContender
from contenders.pyrank import Result, ranked

GRAPH = Path(__file__).with_name("zen_hanoi.jdm.json")



def zen_records(derived: pl.DataFrame) -> tuple[list[dict[str, Any]], list[str], list[str],
                                                list[Any]]:
    """JSON-like contexts (dates as ISO text), and the ids, quotas and births for ranking."""
    contexts = derived.with_columns(pl.col("retirement_date").cast(pl.String)).drop(
        "birth_date", "candidate_id").to_dicts()
    return (contexts, derived["candidate_id"].to_list(), derived["quota_id"].to_list(),
            derived["birth_date"].to_list())


class ZenGraph(PrecomputedLoopContender):
    name = "zen-graph"
    label = "zen-engine: JDM decision graph"
    requires = ("zen",)
    description = "ZenDecision.evaluate per record on the JDM graph; Python sort"

    def setup(self, rulebook: Any) -> None:
        import zen

        self.decision = zen.ZenEngine().create_decision(GRAPH.read_text(encoding="utf-8"))

    def marshal(self, derived: pl.DataFrame) -> Any:
        return zen_records(derived)

    def decide(self, data: Any) -> Result:
        contexts, ids, quotas, births = data
        evaluate = self.decision.evaluate
        eligible: list[bool] = []
        failed: list[str] = []
        scores: list[int | None] = []
        for context in contexts:
            result = evaluate(context)["result"]
            eligible.append(result["eligible"])
            failed.append(";".join(result["failed"]))
            score = result.get("score")
            scores.append(None if score is None else int(score))
        return ranked(ids, quotas, eligible, failed, scores, births)
