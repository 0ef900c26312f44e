"""Deciding one nomination in plain Python: outcomes, messages, points, score.

This is what the library API returns for a single record, and the reference the vectorized
and durable engines are compared with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.engines.scalar import evaluate
from eligibility.language.types import INTERVAL, ListType
from eligibility.language.values import Interval
from eligibility.messages import LANGUAGES, REASON_SEPARATOR, render_value
from eligibility.rulebook.compiled import (
    CompiledRulebook,
    MessagePart,
    criterion_column,
    points_column,
)
from eligibility.rulebook.models import LegalText

_YEARLY = re.compile(r"(.+)\[(\d+)\]")
INTERVAL_LIST = ListType("list", INTERVAL)


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether one criterion is met, and if not, why (in both languages)."""

    id: str
    met: bool
    messages: Mapping[str, str]  # language -> rendered message ("" when met)
    basis: tuple[LegalText, ...]
    condition: str


@dataclass(frozen=True)
class Evaluation:
    """The decision on one candidate for one quota, before ranking and allocation."""

    candidate_id: str
    quota_id: str
    outcomes: tuple[CriterionOutcome, ...]
    points: Mapping[str, int | float] | None  # None when ineligible

    @property
    def eligible(self) -> bool:
        return all(outcome.met for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(outcome.id for outcome in self.outcomes if not outcome.met)

    @property
    def score(self) -> int | float | None:
        return None if self.points is None else sum(self.points.values())

    def reasons(self, language: str = "vi") -> str:
        return REASON_SEPARATOR.join(outcome.messages[language] for outcome in self.outcomes
                                     if not outcome.met)


def evaluate_candidate(rulebook: CompiledRulebook, candidate: Mapping[str, Any],
                       quota_id: str) -> Evaluation:
    """Decide ``candidate`` (typed values by field name, ``id`` included) for ``quota_id``."""
    rules = rulebook.quota(quota_id)
    labels = rulebook.labels
    outcomes = []
    for criterion in rules.criteria:
        met = evaluate(criterion.condition, candidate) is True
        messages = {language: "" if met else render_message(criterion.message[language], candidate,
                                                      language, labels[language])
                    for language in LANGUAGES}
        outcomes.append(CriterionOutcome(criterion.id, met, messages, criterion.basis,
                                         criterion.source))
    points: dict[str, int | float] | None = None
    if all(outcome.met for outcome in outcomes):
        integer = rulebook.integer_points
        points = {}
        for priority in rules.priorities:
            value = evaluate(priority.points, candidate)
            value = 0 if value is None else value
            points[priority.id] = int(value) if integer else float(value)
    return Evaluation(str(candidate.get("id")), quota_id, tuple(outcomes), points)


def render_message(parts: tuple[MessagePart, ...], candidate: Mapping[str, Any],
                   language: str, labels: dict[str, dict[str, str]]) -> str:
    """A failure message with its placeholders filled in for ``candidate``."""
    pieces = []
    for part in parts:
        if part.expression is None:
            pieces.append(part.text)
        else:
            value = evaluate(part.expression, candidate)
            pieces.append(render_value(value, part.expression.type, language, labels))
    return "".join(pieces)


def candidate_records(frame: pl.DataFrame, rulebook: CompiledRulebook) -> list[dict[str, Any]]:
    """Rows of a typed nominations frame as candidate dicts (yearly fields as {year: value})."""
    yearly: dict[str, dict[int, str]] = {}
    for column in frame.columns:
        match = _YEARLY.fullmatch(column)
        if match and match.group(1) in rulebook.fields:
            yearly.setdefault(match.group(1), {})[int(match.group(2))] = column
    records = []
    for row in frame.iter_rows(named=True):
        record = dict(row)
        record["id"] = row.get("candidate_id")
        for name, columns in yearly.items():
            record[name] = {year: row[column] for year, column in columns.items()
                            if row[column] is not None}
        for name, spec in rulebook.fields.items():
            if spec.type == INTERVAL_LIST and record.get(name) is not None:
                record[name] = [Interval(item["start"], item["end"]) for item in record[name]]
            elif spec.type == INTERVAL and record.get(name) is not None:
                record[name] = Interval(record[name]["start"], record[name]["end"])
        records.append(record)
    return records


def evaluate_frame_scalar(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """The scalar engine over a frame: same columns and values as the vectorized engine."""
    from eligibility.engines.vectorized import evaluate_frame

    template = evaluate_frame(rulebook, frame.head(0))
    rows: list[dict[str, Any]] = []
    for record, quota_id in zip(candidate_records(frame, rulebook), frame["quota_id"],
                                strict=True):
        decision = evaluate_candidate(rulebook, record, quota_id)
        outcome = {item.id: item.met for item in decision.outcomes}
        row: dict[str, Any] = {criterion_column(rule): outcome.get(rule)
                               for rule in rulebook.criterion_ids}
        row["eligible"] = decision.eligible
        row["failed"] = ";".join(decision.failed)
        for language in LANGUAGES:
            row[f"reasons.{language}"] = decision.reasons(language)
        for rule in rulebook.priority_ids:
            row[points_column(rule)] = None if decision.points is None \
                else decision.points.get(rule)
        row["score"] = decision.score
        rows.append(row)
    added = [name for name in template.columns if name not in frame.columns]
    computed = pl.DataFrame(rows, schema={name: template.schema[name] for name in added},
                            orient="row") if rows else template.select(added)
    return pl.concat([frame, computed], how="horizontal")
