"""A run's outcome records, as the comparison reads them.

Everything the what-if comparison knows about a run comes through this module, from what
the run decided (:attr:`Decisions.decided`): per nomination, each criterion's outcome, the
failed criteria and their rendered messages, each priority's points, the score, the rank and
the status. Nothing is evaluated again.

A run keeps the failure messages of a nomination joined in one text per language
(``reasons.<language>``, in the order of ``failed``). :func:`failure_messages` splits it
back into one message per criterion with the criteria's message templates: each template's
literal text must appear where it was written and each placeholder matches any text, so
the split is exact unless a rendered value itself imitates the separator and the template
that follows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import polars as pl

from eligibility.api import Decisions
from eligibility.messages import REASON_SEPARATOR
from eligibility.rulebook.compiled import CompiledRulebook, criterion_column, points_column

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
    """The outcome records of ``decisions``: key, person, decision, criteria, points,
    reasons — with ``failed`` as a list of criterion ids."""
    decided = decisions.decided
    rulebook = decisions.rulebook
    person = [pl.col(name) if name in decided.columns else pl.lit(None, pl.String).alias(name)
              for name in PERSON]
    reasons = [f"reasons.{language}" for language in decisions.languages]
    frame = decided.select(
        *KEY, "preference", *person, "status", "eligible", "score", "rank",
        pl.when(pl.col("failed") == "").then(pl.lit([], pl.List(pl.String)))
        .otherwise(pl.col("failed").str.split(";")).alias("failed"),
        *(criterion_column(rule) for rule in rulebook.criterion_ids),
        *(points_column(rule) for rule in rulebook.priority_ids),
        *reasons)
    return Outcomes(rulebook, frame, tuple(decisions.languages))


def failure_messages(rulebook: CompiledRulebook, quota_id: str, failed: Sequence[str],
                     reasons: str, language: str) -> dict[str, str]:
    """Criterion id → its rendered failure message, from a nomination's joined reasons."""
    if not failed:
        return {}
    if len(failed) == 1:
        return {failed[0]: reasons}
    pattern = _reasons_pattern(rulebook, quota_id, tuple(failed), language)
    match = pattern.fullmatch(reasons) if pattern is not None else None
    if match is None:  # not the templates' shape: split on the separator, the rest last
        pieces = reasons.split(REASON_SEPARATOR, len(failed) - 1)
        pieces += [""] * (len(failed) - len(pieces))
        return dict(zip(failed, pieces, strict=True))
    return {rule: match.group(f"m{index}") for index, rule in enumerate(failed)}


@cache
def _pattern_of(templates: tuple[tuple[str | None, ...], ...]) -> re.Pattern[str]:
    """Messages in a row: literal pieces as written, placeholders (None) as any text."""
    parts = []
    for index, template in enumerate(templates):
        inner = "".join(".*?" if piece is None else re.escape(piece) for piece in template)
        parts.append(f"(?P<m{index}>{inner})")
    return re.compile(re.escape(REASON_SEPARATOR).join(parts), re.DOTALL)


def _reasons_pattern(rulebook: CompiledRulebook, quota_id: str, failed: tuple[str, ...],
                     language: str) -> re.Pattern[str] | None:
    criteria = {criterion.id: criterion for criterion in rulebook.quota(quota_id).criteria}
    if any(rule not in criteria for rule in failed):
        return None
    templates = tuple(tuple(part.text if part.expression is None else None
                            for part in criteria[rule].message[language])
                      for rule in failed)
    return _pattern_of(templates)
