"""A session's ranks and seats, kept up to date one nominee at a time.

Per quota, the eligible nominations are kept sorted by their ranking key
(:class:`~eligibility.selection.standings.Standings`), and the seats by incremental deferred
acceptance (:class:`~eligibility.selection.deferred.LiveAllocation`), so a change moves only
what it has to and a nominee's ranks and statuses are read without looking at anyone else.
They equal what :func:`eligibility.selection.select` gives the same nominations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.frames import CANDIDATE, ELIGIBLE, QUOTA, RANK
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import PLACED_PREFERENCE, PLACED_QUOTA, statuses_expr
from eligibility.selection.deferred import LiveAllocation
from eligibility.selection.keys import Key, RankKeys
from eligibility.selection.standings import Standings


@dataclass(frozen=True)
class Nominations:
    """One nominee's nominations, in preference order (preference = index + 1)."""

    quotas: tuple[str, ...]
    eligible: tuple[bool | None, ...]
    keys: tuple[Key | None, ...]  # the ranking key of each eligible nomination


class LiveSeats:
    """Ranks and seats of every nominee's nominations."""

    def __init__(self, rulebook: CompiledRulebook, schema: Mapping[str, pl.DataType]) -> None:
        self.keys = RankKeys(rulebook.ranking, schema)  # UnsupportedKey if it cannot
        self._standings = Standings(rulebook.quotas)
        capacity = {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}
        self._allocation = LiveAllocation(capacity, self._standings)
        self._nominations: dict[str, Nominations] = {}

    def put(self, candidate_id: str, quotas: Sequence[str],
            records: Sequence[Mapping[str, Any]]) -> None:
        """Rank and seat a nominee from their evaluated nominations (one record per quota,
        in order, with the ranking keys' values as the frame of decisions holds them)."""
        eligible: list[bool | None] = []
        keys: list[Key | None] = []
        for record in records:
            eligible.append(record[ELIGIBLE])
            keys.append(self.keys.key([record.get(name) for name in self.keys.columns],
                                      candidate_id) if record[ELIGIBLE] else None)
        nominations = Nominations(tuple(quotas), tuple(eligible), tuple(keys))
        self._nominations[candidate_id] = nominations
        self._allocation.change(candidate_id, [
            (quota, key) for quota, key in zip(quotas, keys, strict=True) if key is not None])

    def remove(self, candidate_id: str) -> None:
        del self._nominations[candidate_id]
        self._allocation.change(candidate_id, None)

    def standing(self, candidate_id: str) -> tuple[list[int | None], list[str]]:
        """The nominee's ranks and statuses, one per nomination, as ``select`` gives them."""
        nominations = self._nominations[candidate_id]
        seat = self._allocation.seat(candidate_id)
        placed = None if seat is None else nominations.quotas.index(seat) + 1
        ranks: list[int | None] = []
        statuses: list[str] = []
        for preference, (quota, eligible, key) in enumerate(
                zip(nominations.quotas, nominations.eligible, nominations.keys,
                    strict=True), start=1):
            ranks.append(None if key is None else self._standings.rank(quota, key))
            if eligible is False:
                statuses.append("ineligible")
            elif quota == seat:
                statuses.append("selected")
            elif placed is not None and placed < preference:
                statuses.append("placed_elsewhere")
            else:
                statuses.append("reserve")
        return ranks, statuses

    def columns(self, evaluated: pl.DataFrame) -> list[pl.Series]:
        """``rank`` and ``status`` of every row of ``evaluated`` (nominations with
        ``candidate_id``, ``quota_id``, ``preference`` and ``eligible``)."""
        ranks: dict[tuple[str, str], int] = {}
        for quota in self._standings.quotas:
            for rank, key in enumerate(self._standings.ranked(quota), start=1):
                ranks[key[-1], quota] = rank
        rank = pl.Series(RANK, [ranks.get(pair) for pair in zip(
            evaluated[CANDIDATE], evaluated[QUOTA], strict=True)], dtype=pl.Int64)
        placed = self._placed()
        status = evaluated.select(statuses_expr(placed, on=CANDIDATE)).to_series()
        return [rank, status]

    def _placed(self) -> pl.DataFrame:
        people: list[str] = []
        quotas: list[str] = []
        preferences: list[int] = []
        for candidate_id, nominations in self._nominations.items():
            seat = self._allocation.seat(candidate_id)
            if seat is not None:
                people.append(candidate_id)
                quotas.append(seat)
                preferences.append(nominations.quotas.index(seat) + 1)
        return pl.DataFrame({CANDIDATE: people, PLACED_QUOTA: quotas,
                             PLACED_PREFERENCE: preferences},
                            schema={CANDIDATE: pl.String, PLACED_QUOTA: pl.String,
                                    PLACED_PREFERENCE: pl.Int64})

    @property
    def last_affected(self) -> int:
        """How many people the last change made propose again (for benchmarks)."""
        return self._allocation.last_affected

