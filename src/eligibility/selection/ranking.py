"""Ranking eligible nominations within each quota by the rulebook's tie-break order."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from eligibility.frames import CANDIDATE, ELIGIBLE, QUOTA, RANK
from eligibility.rulebook.models import TieBreak

#: The column of :func:`decision_order` holding each nomination's index in the frame ranked.
NOMINATION = "__nomination"


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


def decision_order(frame: pl.DataFrame | pl.LazyFrame, ranking: Sequence[TieBreak],
                   quota: pl.Expr) -> pl.LazyFrame:
    """Every nomination of ``frame`` in the order decisions are listed, with its rank.

    The order is the one ``decisions.csv`` is written in: by ``quota`` (an expression
    giving each nomination's quota a sortable code, e.g. its place in the rulebook), then
    the eligible nominations by rank, then the ineligible ones by candidate id. One sort
    gives both the ranks (:func:`rank_nominations`' ranks exactly) and that order.

    Columns: ``__nomination`` (the row's index in ``frame``) and ``rank`` (null when
    ineligible).
    """
    order = total_order(ranking)
    eligible = pl.col(ELIGIBLE)
    # Ineligible rows have every ranking key hidden, so that they follow by id alone.
    keys = [quota.alias("__quota"), (~eligible).alias("__ineligible"),
            *(pl.when(eligible).then(pl.col(rank_key_column(tie.key))).alias(f"__key{index}")
              for index, tie in enumerate(order)),
            pl.col(CANDIDATE).alias("__id")]
    descending = [False, False, *(tie.order == "descending" for tie in order), False]
    names = ["__quota", "__ineligible", *(f"__key{index}" for index in range(len(order))),
             "__id"]
    return (frame.lazy().select(pl.int_range(pl.len(), dtype=pl.UInt32).alias(NOMINATION),
                                *keys)
            .sort(names, descending=descending, nulls_last=True)
            .select(NOMINATION, pl.when(~pl.col("__ineligible"))
                    .then(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("__quota"))
                    .alias(RANK)))
