"""One part of the candidates decided for every quota, as rows of the decisions table.

For each quota, a part gives two frames: its eligible nominations (ranked later, once every
part is read) and its ineligible ones, whose failure messages are rendered here, for those
rows only. Both hold the decisions table's columns except ``rank`` and ``status``, then the
input's extra columns and the ranking keys the table does not show.

With the vectorized engine, each quota's nominations are gathered straight from the
candidates (only the columns its rules read, plus those the table shows) and decided by the
quota's compiled program; the values the messages show are computed for the ineligible rows
only. Any other engine decides the part's nominations as it decides a whole file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import polars as pl

from eligibility.engines import frame_engine
from eligibility.engines.vectorized import quota_program, used_fields
from eligibility.frames import (
    CANDIDATE,
    ELIGIBLE,
    FAILED,
    NOMINATIONS,
    PREFERENCE,
    QUOTA,
    ROW,
    SCORE,
    parse_yearly_column,
    points_column,
)
from eligibility.intake.nominees import explode_nominations
from eligibility.messages import quota_reasons_expr
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.ranking import rank_key_column, total_order

__all__ = ["REASONS", "QuotaDecider", "QuotaPart"]

#: The column holding an ineligible nomination's failure messages (null when eligible).
REASONS = "reasons"
_SHOWN = ("full_name", "agency")  # candidate fields the decisions table shows


@dataclass(frozen=True)
class QuotaPart:
    """One quota's nominations from one part of the candidates."""

    quota_id: str
    eligible: pl.DataFrame
    ineligible: pl.DataFrame


class QuotaDecider:
    """Decides parts of the candidates with ``engine``, messages in ``language``.

    ``extras`` are the candidates' extra columns, carried through to the decisions table.
    """

    def __init__(self, rulebook: CompiledRulebook, *, engine: str, language: str,
                 extras: Sequence[str] = ()) -> None:
        self.rulebook = rulebook
        self.engine = engine
        self.language = language
        self.extras = list(extras)
        keys = [rank_key_column(tie.key) for tie in total_order(rulebook.ranking)]
        shown = [name for name in _SHOWN if name in rulebook.fields]
        points = [points_column(rule) for rule in rulebook.priority_ids]
        self.columns = list(dict.fromkeys([
            CANDIDATE, *shown, QUOTA, PREFERENCE, ELIGIBLE, SCORE, FAILED, REASONS, *points,
            ROW, *self.extras, *keys]))
        self._carried = list(dict.fromkeys([CANDIDATE, *shown, ROW, *self.extras,
                                            *(key for key in keys if key != SCORE)]))
        self._read = used_fields(rulebook)

    def decide(self, candidates: pl.DataFrame) -> Iterator[QuotaPart]:
        """Each quota's decided nominations among ``candidates`` (typed fields, ``row``,
        ``nominated_for``, the extra columns), quotas in rulebook order."""
        if self.engine == "vectorized":
            yield from self._vectorized(candidates)
        else:
            yield from self._by_engine(candidates)

    def _vectorized(self, candidates: pl.DataFrame) -> Iterator[QuotaPart]:
        read = [name for name in candidates.columns if name in self._read
                or (parse_yearly_column(name) or ("",))[0] in self._read]
        wanted = list(dict.fromkeys([*self._carried, *read]))
        nominations = (candidates.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("__at"),
                                         NOMINATIONS)
                       .with_columns(pl.int_ranges(1, pl.col(NOMINATIONS).list.len() + 1,
                                                   dtype=pl.Int64).alias(PREFERENCE))
                       .explode([NOMINATIONS, PREFERENCE]))
        by_quota = nominations.partition_by(NOMINATIONS, as_dict=True, include_key=False)
        fields = candidates.select(wanted)
        decided: dict[str, pl.LazyFrame] = {}
        programs = {}
        for quota_id, rules in self.rulebook.quotas.items():
            chosen = by_quota.get((quota_id,))
            if chosen is None:
                continue
            part = fields[chosen["__at"]].with_columns(
                pl.lit(quota_id).alias(QUOTA), chosen[PREFERENCE])
            program = programs[quota_id] = quota_program(self.rulebook, rules, part.columns)
            decided[quota_id] = program.decided(part.lazy())
        # The quotas' plans run together: polars spreads them over its threads.
        done = dict(zip(decided, pl.collect_all(decided.values()), strict=True))
        split = pl.collect_all([
            plan for quota_id, frame in done.items() for plan in (
                self._shaped(frame.lazy().filter(pl.col(ELIGIBLE))),
                self._shaped(self._with_reasons(
                    quota_id, programs[quota_id].with_shown(
                        frame.lazy().filter(~pl.col(ELIGIBLE))))))])
        for quota_id, eligible, ineligible in zip(done, split[::2], split[1::2], strict=True):
            yield QuotaPart(quota_id, eligible, ineligible)

    def _by_engine(self, candidates: pl.DataFrame) -> Iterator[QuotaPart]:
        nominations = explode_nominations(candidates)
        evaluated = frame_engine(self.engine)(self.rulebook, nominations.drop(self.extras))
        evaluated = evaluated.hstack(nominations.select(self.extras))
        by_quota = evaluated.partition_by(QUOTA, as_dict=True)
        for quota_id in self.rulebook.quotas:
            part = by_quota.get((quota_id,))
            if part is None:
                continue
            failing = part.lazy().filter(~pl.col(ELIGIBLE))
            yield QuotaPart(quota_id,
                            self._shaped(part.lazy().filter(pl.col(ELIGIBLE))).collect(),
                            self._shaped(self._with_reasons(quota_id, failing)).collect())

    def _with_reasons(self, quota_id: str, failing: pl.LazyFrame) -> pl.LazyFrame:
        """A quota's ineligible nominations with their failure messages: each unmet
        criterion's message, from the values its outcome record shows."""
        return failing.with_columns(quota_reasons_expr(
            self.rulebook, self.rulebook.quotas[quota_id], self.language).alias(REASONS))

    def _shaped(self, decided: pl.LazyFrame) -> pl.LazyFrame:
        """The decided rows with :attr:`columns` (no messages where there are none)."""
        available = decided.collect_schema().names()
        return decided.select(pl.col(name) if name in available
                              else pl.lit(None, pl.String).alias(name)
                              for name in self.columns)
