"""Compare two runs over the same nominees: what changed for whom, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from os import PathLike

import polars as pl

from eligibility.api import Decisions, Nominees, _intake, decide_intake
from eligibility.i18n import LANGUAGES
from eligibility.rounds import EarlierRounds, carry_over, with_earlier_courses
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.whatif.causes import Cause, Key, chain, find_causes
from eligibility.whatif.changes import changed_nominations, paired, point_ids, with_change_flags
from eligibility.whatif.outcomes import outcomes
from eligibility.whatif.quotas import compare_quotas


@dataclass(frozen=True)
class Comparison:
    """Two runs over the same nominees, and every nomination they decided differently.

    ``changes`` has one row per changed nomination with both runs' values (``before.*``,
    ``after.*``, see :mod:`eligibility.whatif.changes`); ``causes`` the cause of each, by
    (candidate_id, quota_id); ``quotas`` the per-quota figures of both runs.
    """

    before: Decisions
    after: Decisions
    changes: pl.DataFrame
    causes: dict[Key, Cause]
    quotas: pl.DataFrame

    @property
    def empty(self) -> bool:
        """True when the two runs decided every nomination alike."""
        return self.changes.is_empty()

    @property
    def people(self) -> int:
        """How many people have at least one changed nomination."""
        return self.changes["candidate_id"].n_unique()

    def cause(self, candidate_id: str, quota_id: str) -> Cause | None:
        return self.causes.get((candidate_id, quota_id))

    def chain(self, candidate_id: str, quota_id: str) -> list[tuple[Key, Cause]]:
        """The chain of causes from this nomination to the change that started it."""
        return chain(self.causes, (candidate_id, quota_id))

    def counts(self) -> dict[str, int]:
        """Changed nominations and people, and changed nominations by cause."""
        by_cause: dict[str, int] = {}
        for cause in self.causes.values():
            by_cause[cause.code] = by_cause.get(cause.code, 0) + 1
        return {"nominations_changed": self.changes.height, "people_changed": self.people,
                **{f"cause.{code}": count for code, count in sorted(by_cause.items())}}

    def table(self, language: str = "vi") -> pl.DataFrame:
        """The ``diff.csv`` table: one row per changed nomination, explained in
        ``language``."""
        from eligibility.whatif.table import diff_table

        return diff_table(self, language)


def compare(rulebook_a: CompiledRulebook, rulebook_b: CompiledRulebook, nominees: Nominees,
            *, engine: str = "vectorized", languages: Sequence[str] = LANGUAGES,
            earlier: EarlierRounds | None = None) -> Comparison:
    """Decide ``nominees`` under each rulebook and compare the two runs.

    ``nominees`` is read against each rulebook (a file path, a polars DataFrame of text
    cells or an iterable of records, as for :func:`eligibility.decide`); ``earlier`` are the
    plan's earlier rounds (:func:`eligibility.rounds.read_earlier_rounds`), applied to both.
    Failure messages are kept in ``languages``.
    """
    if not isinstance(nominees, (str, PathLike, pl.DataFrame)):
        nominees = list(nominees)  # an iterable can be read only once; both runs read it
    before, after = (decide_round(rulebook, nominees, engine=engine, languages=languages,
                                  earlier=earlier) for rulebook in (rulebook_a, rulebook_b))
    return compare_decisions(before, after)


def decide_round(rulebook: CompiledRulebook, nominees: Nominees, *,
                 engine: str = "vectorized", languages: Sequence[str] = LANGUAGES,
                 earlier: EarlierRounds | None = None) -> Decisions:
    """:func:`eligibility.decide`, with the plan's earlier rounds taken into account."""
    if earlier:
        rulebook = carry_over(rulebook, earlier)
    intake = _intake(rulebook, nominees, languages[0] if languages else "vi")
    if earlier:
        intake = with_earlier_courses(intake, rulebook, earlier)
    return decide_intake(rulebook, intake, engine=engine, languages=languages)


def compare_decisions(before: Decisions, after: Decisions) -> Comparison:
    """Compare two finished runs over the same nominees by their outcome records only."""
    if set(before.languages) != set(after.languages):
        common = tuple(language for language in before.languages
                       if language in after.languages)
        if not common:
            raise ValueError("the two runs rendered their messages in different languages")
        before, after = replace(before, languages=common), replace(after, languages=common)
    old, new = outcomes(before), outcomes(after)
    pairs = with_change_flags(paired(old, new), point_ids(old, new))
    changed = changed_nominations(old, new, pairs)
    causes = find_causes(changed, pairs, old, new,
                         {"before": before.rejected, "after": after.rejected})
    return Comparison(before, after, changed, causes, compare_quotas(before, after, changed))
