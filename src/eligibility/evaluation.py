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
from eligibility.messages import REASON_SEPARATOR, render_message, unmet_reasons
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

    # Set on an evaluation made by decided(): its outcome record, which outcomes and points
    # are built from. Kept as attributes, not the record itself: one object fewer per
    # evaluation for the garbage collector to follow while a caller keeps many.
    _rulebook: ClassVar[CompiledRulebook | None] = None
    _met: ClassVar[tuple[bool, ...]] = ()
    _shown: ClassVar[tuple[tuple[Any, ...] | None, ...]] = ()
    _points: ClassVar[tuple[int | float, ...] | None] = None

    @classmethod
    def decided(cls, rulebook: CompiledRulebook, candidate_id: str, quota_id: str,
                decision: scalar.Decision) -> Evaluation:
        """The evaluation of an outcome record's parts (met, shown, points); its
        ``outcomes`` and ``points`` are built when first read."""
        evaluation = object.__new__(cls)
        _set(evaluation, "candidate_id", candidate_id)
        _set(evaluation, "quota_id", quota_id)
        _set(evaluation, "_rulebook", rulebook)
        _set(evaluation, "_met", decision[0])
        _set(evaluation, "_shown", decision[1])
        _set(evaluation, "_points", decision[2])
        return evaluation

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute not set: a decided evaluation's outcomes or points.
        rulebook = self._rulebook
        if rulebook is None or name not in ("outcomes", "points"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}",
                                 name=name, obj=self)
        rules = rulebook.quotas[self.quota_id]
        value = _outcomes(rulebook, rules, self._met, self._shown) if name == "outcomes" \
            else _points_of(rules, self._points)
        _set(self, name, value)
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.candidate_id, self.quota_id, self.outcomes, self.points))

    @property
    def eligible(self) -> bool:
        if self._rulebook is not None:
            return False not in self._met
        return all(outcome.met for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[str, ...]:
        if self._rulebook is not None:
            criteria = self._rulebook.quotas[self.quota_id].criteria
            return tuple([criterion.id for criterion, met
                          in zip(criteria, self._met, strict=True) if not met])
        return tuple(outcome.id for outcome in self.outcomes if not outcome.met)

    @property
    def score(self) -> int | float | None:
        if self._rulebook is not None:
            return None if self._points is None else sum(self._points)
        return None if self.points is None else sum(self.points.values())

    def reasons(self, language: str = "vi") -> str:
        if self._rulebook is not None:
            return unmet_reasons(self._rulebook, self.quota_id, self._met, self._shown,
                                 language)
        return REASON_SEPARATOR.join(outcome.messages[language] for outcome in self.outcomes
                                     if not outcome.met)


_set = object.__setattr__  # a frozen dataclass's own fields, set once when it is made


def _outcomes(rulebook: CompiledRulebook, rules: QuotaRules, met: tuple[bool, ...],
              shown: tuple[tuple[Any, ...] | None, ...]) -> tuple[CriterionOutcome, ...]:
    labels = rulebook.labels
    built = []
    for criterion, ok, values in zip(rules.criteria, met, shown, strict=True):
        messages = {language: "" if ok else render_message(
            criterion.message[language], values, language, labels[language])
            for language in LANGUAGES}
        built.append(CriterionOutcome(criterion.id, ok, messages, criterion.basis,
                                      criterion.source, values))
    return tuple(built)


def _points_of(rules: QuotaRules, points: tuple[int | float, ...] | None
               ) -> dict[str, int | float] | None:
    return None if points is None else dict(zip(
        (priority.id for priority in rules.priorities), points, strict=True))


def evaluate_candidate(rulebook: CompiledRulebook, candidate: Mapping[str, Any],
                       quota_id: str) -> Evaluation:
    """Decide ``candidate`` (a language record: ``id`` and typed field values, a yearly field
    as ``{year: value}``) for ``quota_id``."""
    decision = scalar.program(rulebook, quota_id).decision(candidate)
    return Evaluation.decided(rulebook, str(candidate.get("id")), quota_id, decision)


def evaluation_of(rulebook: CompiledRulebook, candidate_id: str, quota_id: str,
                  outcome: Outcome) -> Evaluation:
    """An outcome record as an :class:`Evaluation` (outcomes and points built when read)."""
    return Evaluation.decided(rulebook, candidate_id, quota_id,
                              (outcome.met, outcome.shown, outcome.points))
