"""Deciding one nomination in plain Python, for the library API: outcomes with their
messages in both languages, points and score.

The decision is the scalar engine's outcome record (:mod:`eligibility.engines.scalar`);
messages are rendered from the values it recorded. An :class:`Evaluation` made by
:func:`evaluate_candidate` builds its ``outcomes`` (messages rendered in every language) and
``points`` when they are first read: ``eligible``, ``failed``, ``score`` and ``reasons`` are
answered from the outcome record without them, and read the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

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

    # Set on an evaluation made by decided(): what its outcomes and points are built from.
    _rulebook: ClassVar[CompiledRulebook | None] = None
    _outcome: ClassVar[Outcome | None] = None

    @classmethod
    def decided(cls, rulebook: CompiledRulebook, candidate_id: str, quota_id: str,
                outcome: Outcome) -> Evaluation:
        """The evaluation of ``outcome``; its ``outcomes`` and ``points`` are built when
        first read."""
        evaluation = object.__new__(cls)
        evaluation.__dict__.update(candidate_id=candidate_id, quota_id=quota_id,
                                   _rulebook=rulebook, _outcome=outcome)
        return evaluation

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute not set: a decided evaluation's outcomes or points.
        outcome = self.__dict__.get("_outcome")
        if outcome is None or name not in ("outcomes", "points"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}",
                                 name=name, obj=self)
        rules = self.__dict__["_rulebook"].quotas[self.quota_id]
        value = _outcomes(self.__dict__["_rulebook"], rules, outcome) if name == "outcomes" \
            else _points(rules, outcome)
        self.__dict__[name] = value
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.candidate_id, self.quota_id, self.outcomes, self.points))

    @property
    def eligible(self) -> bool:
        if self._outcome is not None:
            return self._outcome.eligible
        return all(outcome.met for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[str, ...]:
        if self._outcome is not None:
            criteria = self._rulebook.quotas[self.quota_id].criteria  # type: ignore[union-attr]
            return tuple([criterion.id for criterion, met
                          in zip(criteria, self._outcome.met, strict=True) if not met])
        return tuple(outcome.id for outcome in self.outcomes if not outcome.met)

    @property
    def score(self) -> int | float | None:
        if self._outcome is not None:
            points = self._outcome.points
            return None if points is None else sum(points)
        return None if self.points is None else sum(self.points.values())

    def reasons(self, language: str = "vi") -> str:
        if self._outcome is not None:
            return _reasons(self._rulebook, self.quota_id, self._outcome,  # type: ignore[arg-type]
                            language)
        return REASON_SEPARATOR.join(outcome.messages[language] for outcome in self.outcomes
                                     if not outcome.met)


def _outcomes(rulebook: CompiledRulebook, rules: QuotaRules, outcome: Outcome
              ) -> tuple[CriterionOutcome, ...]:
    labels = rulebook.labels
    built = []
    for criterion, met, shown in zip(rules.criteria, outcome.met, outcome.shown, strict=True):
        messages = {language: "" if met else render_message(
            criterion.message[language], shown, language, labels[language])
            for language in LANGUAGES}
        built.append(CriterionOutcome(criterion.id, met, messages, criterion.basis,
                                      criterion.source, shown))
    return tuple(built)


def _points(rules: QuotaRules, outcome: Outcome) -> dict[str, int | float] | None:
    return None if outcome.points is None else dict(zip(
        (priority.id for priority in rules.priorities), outcome.points, strict=True))


def _reasons(rulebook: CompiledRulebook, quota_id: str, outcome: Outcome, language: str
             ) -> str:
    """The unmet criteria's messages in ``language``, as their outcomes would give them."""
    criteria, labels = rulebook.quotas[quota_id].criteria, rulebook.labels
    return REASON_SEPARATOR.join(
        render_message(criterion.message[language], shown, language, labels[language])
        for criterion, met, shown in zip(criteria, outcome.met, outcome.shown, strict=True)
        if not met)


def evaluate_candidate(rulebook: CompiledRulebook, candidate: Mapping[str, Any],
                       quota_id: str) -> Evaluation:
    """Decide ``candidate`` (a language record: ``id`` and typed field values, a yearly field
    as ``{year: value}``) for ``quota_id``."""
    outcome = scalar.decide(rulebook, candidate, quota_id)
    return Evaluation.decided(rulebook, str(candidate.get("id")), quota_id, outcome)


def evaluation_of(rulebook: CompiledRulebook, candidate_id: str, quota_id: str,
                  outcome: Outcome) -> Evaluation:
    """An outcome record as an :class:`Evaluation` (outcomes and points built when read)."""
    return Evaluation.decided(rulebook, candidate_id, quota_id, outcome)
