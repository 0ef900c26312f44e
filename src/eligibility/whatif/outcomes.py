"""A run's outcome records, as the comparison reads them.

Everything the what-if comparison knows about a run comes through this module, from what
the run decided (:attr:`Decisions.decided`): per nomination, each criterion's outcome and the
values its failure message shows, the failed criteria, each priority's points, the score,
the rank and the status. Nothing is evaluated again: a failure message is rendered, in any
language, from the values the engine recorded (:mod:`eligibility.messages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.api import Decisions
from eligibility.frames import criterion_column, language_value, points_column, shown_column
from eligibility.messages import render_message
from eligibility.rulebook.compiled import CompiledRulebook

KEY = ("candidate_id", "quota_id")
PERSON = ("full_name", "agency", "row")
DECISION = ("status", "eligible", "score", "rank", "failed")


@dataclass(frozen=True)
class Outcomes:
    """One run's outcome records: a frame keyed by (candidate_id, quota_id)."""

    rulebook: CompiledRulebook
    frame: pl.DataFrame
    languages: tuple[str, ...]

    @property
    def criteria(self) -> tuple[str, ...]:
        return self.rulebook.criterion_ids

    @property
    def priorities(self) -> tuple[str, ...]:
        return self.rulebook.priority_ids


def outcomes(decisions: Decisions) -> Outcomes:
    """The outcome records of ``decisions``: key, person, decision, criteria and the values
    their messages show, points — with ``failed`` as a list of criterion ids."""
    decided = decisions.decided
    rulebook = decisions.rulebook
    person = [pl.col(name) if name in decided.columns else pl.lit(None, pl.String).alias(name)
              for name in PERSON]
    frame = decided.select(
        *KEY, "preference", *person, "status", "eligible", "score", "rank",
        pl.when(pl.col("failed") == "").then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("failed").str.split(";")).alias("failed"),
        *(criterion_column(rule) for rule in rulebook.criterion_ids),
        *shown_columns(rulebook),
        *(points_column(rule) for rule in rulebook.priority_ids))
    return Outcomes(rulebook, frame, tuple(decisions.languages))


def shown_columns(rulebook: CompiledRulebook) -> list[str]:
    """The columns holding the values failure messages show."""
    return [shown_column(rule, slot) for rule, kinds in rulebook.shown_types.items()
            for slot in range(len(kinds))]


def failure_messages(rulebook: CompiledRulebook, quota_id: str, failed: Sequence[str],
                     values: Mapping[str, Any], language: str) -> dict[str, str]:
    """Criterion id → its failure message in ``language``, rendered from ``values`` (a
    nomination's ``shown.*`` columns, as the engine recorded them)."""
    criteria = {criterion.id: criterion for criterion in rulebook.quota(quota_id).criteria}
    messages = {}
    for rule in failed:
        criterion = criteria.get(rule)
        if criterion is None:
            continue
        kinds = rulebook.shown_types.get(rule, ())
        shown = [language_value(values.get(shown_column(rule, slot)), kind)
                 for slot, kind in enumerate(kinds)]
        messages[rule] = render_message(criterion.message[language], shown, language,
                                        rulebook.labels[language])
    return messages
