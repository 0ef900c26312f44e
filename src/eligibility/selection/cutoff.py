"""Where each quota's cut-off fell and what decided it.

One analysis, read by the selection report, ``explain`` and the summary of ``rank``: per
quota, the counts of every status, the cut-off score (the lowest selected score), the last
selected and the first reserve with their ranking-key values, the first ranking key on which
those two differ (the key that *decided* the cut-off), how many competitors were tied on
every key before it, and where the eligible nominees placed in a quota they listed earlier
hold their seat.

The competitors for a quota's seats are its ``selected`` and ``reserve`` nominations: a
``placed_elsewhere`` nomination is ranked, but its holder took a seat they wanted more. By
the stability of deferred acceptance every reserve is ranked below every selected nominee
of the same quota, so the last selected and the first reserve are the two sides of the line.

The input is a frame of decided nominations: ``candidate_id``, ``quota_id``,
``preference``, ``status``, ``score``, ``rank``, one column per ranking key (see
:func:`eligibility.selection.ranking.rank_key_column`) and, when present, ``full_name`` and
``agency``. :attr:`eligibility.Decisions.decided` is such a frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.models import TieBreak
from eligibility.selection.ranking import rank_key_column, total_order

__all__ = ["Placement", "QuotaCutoff", "RankKey", "Ranked", "analyse_cutoffs", "rank_keys"]

COMPETING = ("selected", "reserve")


@dataclass(frozen=True)
class RankKey:
    """One key of a quota's total ranking order."""

    key: str  # as the rulebook names it: 'score', 'id' or a candidate field
    column: str  # the decided frame's column holding it
    descending: bool


@dataclass(frozen=True)
class Ranked:
    """A ranked nomination on one side of the cut-off, with its ranking-key values."""

    candidate_id: str
    full_name: str | None
    agency: str | None
    rank: int
    score: float | None
    keys: tuple[tuple[str, Any], ...]  # (rulebook key, value) in ranking order

    def value(self, key: str) -> Any:
        return dict(self.keys)[key]


@dataclass(frozen=True)
class Placement:
    """Eligible nominees of one quota who hold a seat in another quota they listed earlier."""

    quota_id: str  # where they hold their seat
    count: int


@dataclass(frozen=True)
class QuotaCutoff:
    """How one quota's seats were filled and where its line fell."""

    quota_id: str
    seats: int
    capacity: int  # seats that the budget allows, at most ``seats``
    nominated: int
    eligible: int
    selected: int
    reserve: int
    placed_elsewhere: int
    reserve_seated_later: int  # reserves holding a seat in a quota they listed later
    cutoff_score: float | None  # lowest selected score
    last_selected: Ranked | None
    first_reserve: Ranked | None
    deciding_key: str | None  # first key on which last selected and first reserve differ
    tied_on: tuple[tuple[str, Any], ...]  # the keys before it, with the shared values
    tied: int  # competitors equal to the last selected on every key of ``tied_on``
    tied_selected: int
    tied_reserve: int
    placements: tuple[Placement, ...]  # where the placed_elsewhere nominees are seated

    @property
    def ineligible(self) -> int:
        return self.nominated - self.eligible

    @property
    def full(self) -> bool:
        """Every seat the budget allows is taken."""
        return self.selected >= self.capacity

    @property
    def contested(self) -> bool:
        """Some eligible competitor was left without a seat here (a reserve exists)."""
        return self.first_reserve is not None and self.last_selected is not None

    @property
    def tie_split(self) -> bool:
        """The cut-off fell inside a group tied on the first key(s): a later key decided."""
        return self.contested and bool(self.tied_on)


def rank_keys(ranking: Sequence[TieBreak]) -> tuple[RankKey, ...]:
    """The rulebook's ranking keys, ended by the candidate id, with their frame columns."""
    return tuple(RankKey(tie.key, rank_key_column(tie.key), tie.order == "descending")
                 for tie in total_order(ranking))


def analyse_cutoffs(rulebook: CompiledRulebook,
                    decided: pl.DataFrame) -> dict[str, QuotaCutoff]:
    """Every quota's cut-off, in the rulebook's quota order (quotas nobody named included)."""
    keys = rank_keys(rulebook.ranking)
    counts = _counts(decided)
    placements = _placements(decided)
    seated_later = _reserves_seated_later(decided)
    competing = decided.filter(pl.col("status").is_in(COMPETING))
    last = _edge(competing.filter(pl.col("status") == "selected"), keys, last=True)
    first = _edge(competing.filter(pl.col("status") == "reserve"), keys, last=False)
    result = {}
    for quota_id, rules in rulebook.quotas.items():
        count = counts.get(quota_id, {})
        last_selected, first_reserve = last.get(quota_id), first.get(quota_id)
        deciding, tied_on = _deciding_key(keys, last_selected, first_reserve)
        tied = _tied(competing.filter(pl.col("quota_id") == quota_id), keys, tied_on)
        result[quota_id] = QuotaCutoff(
            quota_id=quota_id, seats=rules.quota.seats, capacity=rules.capacity,
            nominated=count.get("nominated", 0), eligible=count.get("eligible", 0),
            selected=count.get("selected", 0), reserve=count.get("reserve", 0),
            placed_elsewhere=count.get("placed_elsewhere", 0),
            reserve_seated_later=seated_later.get(quota_id, 0),
            cutoff_score=count.get("cutoff_score"),
            last_selected=last_selected, first_reserve=first_reserve,
            deciding_key=deciding, tied_on=tied_on,
            tied=tied.get("selected", 0) + tied.get("reserve", 0),
            tied_selected=tied.get("selected", 0), tied_reserve=tied.get("reserve", 0),
            placements=placements.get(quota_id, ()))
    return result


def _counts(decided: pl.DataFrame) -> dict[str, dict[str, Any]]:
    status = pl.col("status")
    frame = decided.group_by("quota_id").agg(
        pl.len().alias("nominated"),
        (status != "ineligible").sum().alias("eligible"),
        *((status == name).sum().alias(name)
          for name in ("selected", "reserve", "placed_elsewhere")),
        pl.col("score").filter(status == "selected").min().cast(pl.Float64)
        .alias("cutoff_score"))
    return {row["quota_id"]: row for row in frame.iter_rows(named=True)}


def _edge(frame: pl.DataFrame, keys: Sequence[RankKey], *, last: bool) -> dict[str, Ranked]:
    """Per quota, the nomination with the highest (``last``) or the lowest rank in ``frame``."""
    if frame.is_empty():
        return {}
    pick = pl.col("rank").max() if last else pl.col("rank").min()
    edges = frame.filter(pl.col("rank") == pick.over("quota_id"))
    return {row["quota_id"]: Ranked(
        candidate_id=row["candidate_id"], full_name=row.get("full_name"),
        agency=row.get("agency"), rank=row["rank"],
        score=None if row["score"] is None else float(row["score"]),
        keys=tuple((key.key, row[key.column]) for key in keys))
        for row in edges.iter_rows(named=True)}


def _deciding_key(keys: Sequence[RankKey], last_selected: Ranked | None,
                  first_reserve: Ranked | None,
                  ) -> tuple[str | None, tuple[tuple[str, Any], ...]]:
    if last_selected is None or first_reserve is None:
        return None, ()
    for index, key in enumerate(keys):
        if last_selected.keys[index][1] != first_reserve.keys[index][1]:
            return key.key, last_selected.keys[:index]
    return None, ()  # cannot happen: the order ends on the unique candidate id


def _tied(competing: pl.DataFrame, keys: Sequence[RankKey],
          tied_on: tuple[tuple[str, Any], ...]) -> dict[str, int]:
    if not tied_on:
        return {}
    columns = {key.key: key.column for key in keys}
    same = competing.filter(*(pl.col(columns[key]).eq_missing(pl.lit(value))
                              for key, value in tied_on))
    counted = same.group_by("status").len()
    return dict(zip(counted["status"], counted["len"], strict=True))


def _placements(decided: pl.DataFrame) -> dict[str, tuple[Placement, ...]]:
    seats = decided.filter(pl.col("status") == "selected").select(
        "candidate_id", pl.col("quota_id").alias("placed_in"))
    placed = (decided.filter(pl.col("status") == "placed_elsewhere")
              .select("candidate_id", "quota_id")
              .join(seats, on="candidate_id")
              .group_by("quota_id", "placed_in").len()
              .sort("quota_id", "len", "placed_in", descending=[False, True, False]))
    result: dict[str, list[Placement]] = {}
    for row in placed.iter_rows(named=True):
        result.setdefault(row["quota_id"], []).append(Placement(row["placed_in"], row["len"]))
    return {quota_id: tuple(items) for quota_id, items in result.items()}


def _reserves_seated_later(decided: pl.DataFrame) -> dict[str, int]:
    seated = decided.filter(pl.col("status") == "selected").select("candidate_id")
    counted = (decided.filter(pl.col("status") == "reserve")
               .join(seated, on="candidate_id", how="semi")
               .group_by("quota_id").len())
    return dict(zip(counted["quota_id"], counted["len"], strict=True))
