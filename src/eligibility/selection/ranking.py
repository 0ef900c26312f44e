"""Ranking eligible nominations within each quota by the rulebook's tie-break order."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from eligibility.frames import CANDIDATE, ELIGIBLE, QUOTA, RANK
from eligibility.rulebook.models import TieBreak


def rank_key_column(key: str) -> str:
    """The evaluated-frame column a tie-break key reads ('id' is the candidate id)."""
    return CANDIDATE if key == "id" else key


def total_order(ranking: Sequence[TieBreak]) -> list[TieBreak]:
    """The rulebook's order, ended by the candidate id so that no two nominations tie."""
    keys = list(ranking)
    if not any(tie.key == "id" for tie in keys):
        keys.append(TieBreak(key="id", order="ascending"))
    return keys


def rank_nominations(frame: pl.DataFrame, ranking: Sequence[TieBreak]) -> pl.DataFrame:
    """``frame`` with ``rank`` (1 = best) among the eligible nominations of each quota.

    Ineligible nominations get a null rank. The order is total, so shuffling the rows
    never changes a rank.
    """
    order = total_order(ranking)
    columns = [QUOTA, *(rank_key_column(tie.key) for tie in order)]
    descending = [False, *(tie.order == "descending" for tie in order)]
    indexed = frame.with_row_index("__nomination")
    eligible = (indexed.filter(pl.col(ELIGIBLE))
                .select("__nomination", *dict.fromkeys(columns))
                .sort(columns, descending=descending, nulls_last=True, maintain_order=True)
                .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(QUOTA)
                              .alias(RANK)))
    ranks = pl.Series(RANK, [None] * frame.height, dtype=pl.Int64).scatter(
        eligible["__nomination"], eligible[RANK])
    return frame.with_columns(ranks)
