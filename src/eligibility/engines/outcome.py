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
    columns: dict[str, list[Any]] = {name: [] for name in schema}
    zero = 0 if rulebook.integer_points else 0.0
    for quota_id, outcome in zip(quota_ids, outcomes, strict=True):
        rules = rulebook.quotas[quota_id]
        met = {criterion.id: value for criterion, value in zip(rules.criteria, outcome.met,
                                                                strict=True)}
        shown = {criterion.id: values for criterion, values in zip(rules.criteria, outcome.shown,
                                                                   strict=True)}
        for rule in rulebook.criterion_ids:
            columns[criterion_column(rule)].append(met.get(rule))
        for rule, kinds in rulebook.shown_types.items():
            values = shown.get(rule)
            for index in range(len(kinds)):
                value = None if values is None else values[index]
                columns[shown_column(rule, index)].append(polars_cell(value))
        failing = [criterion.id for criterion in rules.criteria if not met[criterion.id]]
        columns[ELIGIBLE].append(not failing)
        columns[FAILED].append(FAILED_SEPARATOR.join(failing))
        points = {} if outcome.points is None else dict(zip(
            (priority.id for priority in rules.priorities), outcome.points, strict=True))
        for rule in rulebook.priority_ids:
            columns[points_column(rule)].append(points.get(rule))
        columns[SCORE].append(None if outcome.points is None else sum(outcome.points, zero))
    return pl.DataFrame(columns, schema=schema)
