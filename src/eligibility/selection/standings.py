"""Each quota's eligible applications in ranking order, kept sorted as they change."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable

from eligibility.selection.keys import Key


class Standings:
    """Per quota, a sorted list of the application keys (:mod:`~eligibility.selection.keys`).

    A rank is a position: inserting or removing one application shifts everyone below it,
    so ranks are looked up when read, never stored.
    """

    def __init__(self, quotas: Iterable[str]) -> None:
        self._ranked: dict[str, list[Key]] = {quota: [] for quota in quotas}

    @property
    def quotas(self) -> list[str]:
        return list(self._ranked)

    def add(self, quota: str, key: Key) -> None:
        insort(self._ranked[quota], key)

    def remove(self, quota: str, key: Key) -> None:
        ranked = self._ranked[quota]
        index = bisect_left(ranked, key)
        if index == len(ranked) or ranked[index] != key:
            raise KeyError(f"{key!r} is not ranked in {quota}")
        del ranked[index]

    def rank(self, quota: str, key: Key) -> int:
        """1 = best; ``key`` must be ranked in ``quota``."""
        return bisect_left(self._ranked[quota], key) + 1

    def below(self, quota: str, key: Key, until: Key | None = None) -> list[Key]:
        """The keys ranked after ``key`` (and before ``until``, when given)."""
        ranked = self._ranked[quota]
        end = len(ranked) if until is None else bisect_left(ranked, until)
        return ranked[bisect_right(ranked, key):end]

    def ranked(self, quota: str) -> list[Key]:
        """The quota's keys, best first (the list itself: do not change it)."""
        return self._ranked[quota]
