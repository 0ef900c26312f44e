"""The outcome record every engine returns for a nomination, and its columns.

Engines that decide one nomination at a time (scalar, durable) return an :class:`Outcome`;
:func:`outcome_frame` turns a list of them into the outcome columns of the frame contract
(:func:`eligibility.frames.outcome_schema`), exactly as the vectorized engine writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.frames import (
    ELIGIBLE,
    FAILED,
    FAILED_SEPARATOR,
    SCORE,
    criterion_column,
    outcome_schema,
    points_column,
    polars_cell,
    shown_column,
)
from eligibility.rulebook.compiled import CompiledRulebook


@dataclass(frozen=True)
class Outcome:
    """What an engine decided on one nomination; tuples follow the quota's rule order.

    ``shown[i]`` holds the values of criterion ``i``'s message placeholders, by slot, when
    it is not met (None when it is met); ``points`` is None when the nomination is
    ineligible.
    """

    met: tuple[bool, ...]
    shown: tuple[tuple[Any, ...] | None, ...]
    points: tuple[int | float, ...] | None

    @property
    def eligible(self) -> bool:
        return all(self.met)


def outcome_frame(rulebook: CompiledRulebook, quota_ids: Sequence[str],
                  outcomes: Sequence[Outcome]) -> pl.DataFrame:
    """The outcome columns of ``outcomes`` (nomination ``i`` is for ``quota_ids[i]``)."""
    schema = outcome_schema(rulebook)
    records = [outcome_record(rulebook, quota_id, outcome)
               for quota_id, outcome in zip(quota_ids, outcomes, strict=True)]
    return pl.DataFrame({name: [record[name] for record in records] for name in schema},
                        schema=schema)


def outcome_record(rulebook: CompiledRulebook, quota_id: str,
                   outcome: Outcome) -> dict[str, Any]:
    """One nomination's outcome columns (:func:`outcome_schema`) as Python values."""
    rules = rulebook.quotas[quota_id]
    record: dict[str, Any] = {}
    met = {criterion.id: value for criterion, value in zip(rules.criteria, outcome.met,
                                                            strict=True)}
    shown = {criterion.id: values for criterion, values in zip(rules.criteria, outcome.shown,
                                                               strict=True)}
    for rule in rulebook.criterion_ids:
        record[criterion_column(rule)] = met.get(rule)
    for rule, kinds in rulebook.shown_types.items():
        values = shown.get(rule)
        for index in range(len(kinds)):
            record[shown_column(rule, index)] = polars_cell(
                None if values is None else values[index])
    failing = [criterion.id for criterion in rules.criteria if not met[criterion.id]]
    record[ELIGIBLE] = not failing
    record[FAILED] = FAILED_SEPARATOR.join(failing)
    points = {} if outcome.points is None else dict(zip(
        (priority.id for priority in rules.priorities), outcome.points, strict=True))
    for rule in rulebook.priority_ids:
        record[points_column(rule)] = points.get(rule)
    zero = 0 if rulebook.integer_points else 0.0
    record[SCORE] = None if outcome.points is None else sum(outcome.points, zero)
    return record
