"""The scalar engine: one nomination at a time, in plain Python.

Each quota's bound rules are compiled once into closures by the reference evaluator
(:mod:`eligibility.language.reference`) and kept with the rulebook; deciding a nomination
then runs those closures only. This is what the library's ``evaluate`` uses, and it decides a
frame too (``--engine scalar``), with the same outcome columns as the vectorized engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.engines.outcome import Outcome, outcome_frame
from eligibility.frames import QUOTA, records_of
from eligibility.language.reference import Scalar, compile_node
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules

_CACHE_KEY = "scalar"

Decision = tuple[tuple[bool, ...], tuple[tuple[Any, ...] | None, ...],
                 tuple[int | float, ...] | None]
"""An outcome's parts (:class:`Outcome`'s fields in order), before they make one."""


@dataclass(frozen=True)
class QuotaProgram:
    """A quota's criteria, message placeholders and priorities as compiled closures."""

    criteria: tuple[Scalar, ...]
    shown: tuple[tuple[Scalar | None, ...], ...]  # per criterion, per slot (None: no value)
    priorities: tuple[Scalar, ...]
    integer: bool
    nothing_shown: tuple[None, ...]  # the shown values of a nomination meeting every criterion

    def decide(self, record: Mapping[str, Any]) -> Outcome:
        return Outcome(*self.decision(record))

    def decision(self, record: Mapping[str, Any]) -> Decision:
        """:meth:`decide`'s outcome as its three parts: met, shown, points."""
        loop: dict[str, Any] = {}
        met = tuple([condition(record, loop) is True for condition in self.criteria])
        if False in met:
            return met, self.shown_values(record, met), None
        values = [priority(record, loop) for priority in self.priorities]
        if self.integer:
            points = tuple([0 if value is None else value for value in values])
        else:
            points = tuple([0.0 if value is None else float(value) for value in values])
        return met, self.nothing_shown, points

    def outcome(self, record: Mapping[str, Any], met: tuple[bool, ...],
                points: tuple[int | float, ...] | None) -> Outcome:
        """The outcome record of decisions already taken (by this program or another
        engine), with the values each unmet criterion's message shows."""
        return Outcome(met, self.shown_values(record, met), points)

    def shown_values(self, record: Mapping[str, Any], met: tuple[bool, ...]
                     ) -> tuple[tuple[Any, ...] | None, ...]:
        loop: dict[str, Any] = {}
        return tuple([None if ok else tuple([None if closure is None else closure(record, loop)
                                             for closure in closures])
                      for ok, closures in zip(met, self.shown, strict=True)])


def program(rulebook: CompiledRulebook, quota_id: str) -> QuotaProgram:
    """The compiled program of ``quota_id``, built once per rulebook."""
    programs: dict[str, QuotaProgram] | None = rulebook.engine_cache.get(_CACHE_KEY)
    if programs is None:
        programs = rulebook.engine_cache.setdefault(_CACHE_KEY, {})
    found = programs.get(quota_id)
    if found is None:
        found = programs[quota_id] = _compile(rulebook, rulebook.quotas[quota_id])
    return found


def _compile(rulebook: CompiledRulebook, rules: QuotaRules) -> QuotaProgram:
    shown = []
    for criterion in rules.criteria:
        parts = {part.slot: part.expression for language_parts in criterion.message.values()
                 for part in language_parts if part.slot is not None}
        slots = range(len(rulebook.shown_types.get(criterion.id, ())))
        shown.append(tuple(None if parts.get(slot) is None else compile_node(parts[slot])
                           for slot in slots))
    return QuotaProgram(
        criteria=tuple(compile_node(criterion.condition) for criterion in rules.criteria),
        shown=tuple(shown),
        priorities=tuple(compile_node(priority.points) for priority in rules.priorities),
        integer=rulebook.integer_points,
        nothing_shown=(None,) * len(rules.criteria))


def decide(rulebook: CompiledRulebook, record: Mapping[str, Any], quota_id: str) -> Outcome:
    """The outcome of ``record`` (a language record, see :func:`eligibility.frames.records_of`)
    for ``quota_id``."""
    return program(rulebook, quota_id).decide(record)


def evaluate_frame(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """Decide every nomination of ``frame``: its columns, then the outcome columns."""
    quota_ids: Sequence[str] = frame[QUOTA].to_list()
    _check_quotas(rulebook, quota_ids)
    outcomes = [decide(rulebook, record, quota_id)
                for record, quota_id in zip(records_of(frame, rulebook), quota_ids, strict=True)]
    return pl.concat([frame, outcome_frame(rulebook, quota_ids, outcomes)], how="horizontal")


def _check_quotas(rulebook: CompiledRulebook, quota_ids: Sequence[str]) -> None:
    unknown = sorted(set(quota_ids) - set(rulebook.quotas))
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
