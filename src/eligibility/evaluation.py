"""Deciding one nomination in plain Python, for the library API: outcomes with their
messages in both languages, points and score.

The decision is the scalar engine's outcome record (:mod:`eligibility.engines.scalar`);
messages are rendered from the values it recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.engines import scalar
from eligibility.engines.outcome import Outcome
from eligibility.i18n import LANGUAGES
from eligibility.messages import REASON_SEPARATOR, render_message
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules
from eligibility.rulebook.models import LegalText


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether one criterion is met, and if not, why (in both languages)."""

    id: str
    met: bool
    messages: Mapping[str, str]  # language -> rendered message ("" when met)
    basis: tuple[LegalText, ...]
    condition: str
    shown: tuple[Any, ...] | None = None  # the values its message shows (None when met)


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
    """Decide ``candidate`` (a language record: ``id`` and typed field values, a yearly field
    as ``{year: value}``) for ``quota_id``."""
    outcome = scalar.decide(rulebook, candidate, quota_id)
    return evaluation_of(rulebook, str(candidate.get("id")), quota_id, outcome)


def evaluation_of(rulebook: CompiledRulebook, candidate_id: str, quota_id: str,
                  outcome: Outcome) -> Evaluation:
    """An outcome record as an :class:`Evaluation`, messages rendered in every language."""
    rules: QuotaRules = rulebook.quotas[quota_id]
    outcomes = []
    for criterion, met, shown in zip(rules.criteria, outcome.met, outcome.shown, strict=True):
        messages = {language: "" if met else render_message(
            criterion.message[language], shown, language, rulebook.labels[language])
            for language in LANGUAGES}
        outcomes.append(CriterionOutcome(criterion.id, met, messages, criterion.basis,
                                         criterion.source, shown))
    points = None if outcome.points is None else dict(zip(
        (priority.id for priority in rules.priorities), outcome.points, strict=True))
    return Evaluation(candidate_id, quota_id, tuple(outcomes), points)
