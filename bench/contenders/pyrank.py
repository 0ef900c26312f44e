"""Ranking and top-N in plain Python, for the contenders that decide record by record.

Rank within a quota: score descending, then birth date descending (younger first), then id
ascending; the best ``seats`` eligible nominations of each quota are selected.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from contenders.hanoi import QUOTAS

Result = tuple[list[str], list[str], list[bool], list[str], list[int | None], list[int | None],
               list[bool]]


def rank_and_select(ids: Sequence[str], quotas: Sequence[str], eligible: Sequence[bool],
                    scores: Sequence[int | None], births: Sequence[dt.date],
                    seats: Mapping[str, int]) -> tuple[list[int | None], list[bool]]:
    """Per nomination: its rank among its quota's eligible nominations, and whether selected."""
    count = len(ids)
    ranks: list[int | None] = [None] * count
    selected = [False] * count
    by_quota: dict[str, list[int]] = defaultdict(list)
    for index in range(count):
        if eligible[index]:
            by_quota[quotas[index]].append(index)
    for quota, indexes in by_quota.items():
        indexes.sort(key=lambda i: (-(scores[i] or 0), -births[i].toordinal(), ids[i]))
        limit = seats[quota]
        for rank, index in enumerate(indexes, start=1):
            ranks[index] = rank
            selected[index] = rank <= limit
    return ranks, selected


def ranked(ids: list[str], quotas: list[str], eligible: list[bool], failed: list[str],
           scores: list[int | None], births: Sequence[dt.date]) -> Result:
    """A record-by-record contender's lists, ranked and cut at each quota's seats."""
    seats = {quota.id: quota.seats for quota in QUOTAS.values()}
    ranks, selected = rank_and_select(ids, quotas, eligible, scores, births, seats)
    return ids, quotas, eligible, failed, scores, ranks, selected
