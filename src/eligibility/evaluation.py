"""Deciding one nomination in plain Python: outcomes, messages, points, score.

This is what the library API returns for a single record, and the reference the vectorized
and durable engines are compared with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.engines.scalar import evaluate
from eligibility.language.types import INT
from eligibility.messages import LANGUAGES, REASON_SEPARATOR, render_value
from eligibility.rulebook.compiled import CompiledRulebook, MessagePart
from eligibility.rulebook.models import LegalText


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
    labels = {language: {name: {code: vocabulary.label_of(code, language)
                                for code in vocabulary.values}
                         for name, vocabulary in rulebook.vocabularies.items()}
              for language in LANGUAGES}
    outcomes = []
    for criterion in rules.criteria:
        met = evaluate(criterion.condition, candidate) is True
        messages = {language: "" if met else _render(criterion.message[language], candidate,
                                                      language, labels[language])
                    for language in LANGUAGES}
        outcomes.append(CriterionOutcome(criterion.id, met, messages, criterion.basis,
                                         criterion.source))
    points: dict[str, int | float] | None = None
    if all(outcome.met for outcome in outcomes):
        integer = all(priority.points.type == INT for rules_ in rulebook.quotas.values()
                      for priority in rules_.priorities)
        points = {}
        for priority in rules.priorities:
            value = evaluate(priority.points, candidate)
            value = 0 if value is None else value
            points[priority.id] = int(value) if integer else float(value)
    return Evaluation(str(candidate.get("id")), quota_id, tuple(outcomes), points)


def _render(parts: tuple[MessagePart, ...], candidate: Mapping[str, Any], language: str,
            labels: dict[str, dict[str, str]]) -> str:
    pieces = []
    for part in parts:
        if part.expression is None:
            pieces.append(part.text)
        else:
            value = evaluate(part.expression, candidate)
            pieces.append(render_value(value, part.expression.type, language, labels))
    return "".join(pieces)
