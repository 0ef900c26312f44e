"""Ranking keys as Python tuples that order exactly like :func:`decision_order`'s sort.

``decision_order`` sorts a quota's eligible nominations by the rulebook's keys
(:func:`~eligibility.selection.ranking.total_order`), each ascending or descending, nulls
last in both directions, then by candidate id. A :class:`RankKeys` turns one nomination's
key values (as its polars row holds them) into a tuple whose ``<`` is that order, so a
sorted list of tuples is a quota's ranking, and a rank is a ``bisect``.

Each key becomes two items, ``(group, value)``: group 2 holds nulls (last either way) and,
for floats, NaN has its own group (polars sorts NaN above every number); a descending value
is negated, or wrapped in :class:`Reversed` when it cannot be (text). ``-0.0 == 0.0`` in
Python as in polars' sort, so both zeros tie and the next key decides. The tuple ends with
the candidate id, so that two applications never tie and the id can be read back from it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from eligibility.rulebook.models import TieBreak
from eligibility.selection.ranking import rank_key_column, total_order

Key = tuple[Any, ...]
_NULL = (2, 0)


class Reversed:
    """A value that orders the other way round (descending text)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reversed) and self.value == other.value

    def __lt__(self, other: Reversed) -> bool:
        return bool(other.value < self.value)

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Reversed({self.value!r})"


class UnsupportedKey(TypeError):
    """A ranking key whose dtype has no Python order known to match polars' sort."""


Part = Callable[[Any], tuple[int, Any]]


class RankKeys:
    """The columns a ranking reads, and each nomination's sort key from their values."""

    def __init__(self, ranking: Sequence[TieBreak], schema: Mapping[str, pl.DataType]) -> None:
        order = total_order(ranking)
        self.columns = [rank_key_column(tie.key) for tie in order]
        self._parts = [_part(schema[column], tie.order == "descending")
                       for column, tie in zip(self.columns, order, strict=True)]

    def key(self, values: Sequence[Any], candidate_id: str) -> Key:
        """``values``: this nomination's values of :attr:`columns`, in that order."""
        items: list[Any] = []
        for part, value in zip(self._parts, values, strict=True):
            items.extend(_NULL if value is None else part(value))
        items.append(candidate_id)
        return tuple(items)


def _part(dtype: pl.DataType, descending: bool) -> Part:
    if dtype == pl.Float64 or dtype == pl.Float32:
        return _float_descending if descending else _float_ascending
    if isinstance(dtype, pl.Enum):
        codes = {category: index for index, category in enumerate(dtype.categories)}
        if descending:
            return lambda value: (0, -codes[value])
        return lambda value: (0, codes[value])
    if dtype.is_integer() or dtype == pl.Boolean:
        return (lambda value: (0, -int(value))) if descending else (lambda value: (0, value))
    if dtype == pl.Date:
        if descending:
            return lambda value: (0, -_ordinal(value))
        return lambda value: (0, _ordinal(value))
    if dtype == pl.String:
        return (lambda value: (0, Reversed(value))) if descending else (lambda value: (0, value))
    raise UnsupportedKey(f"no live ranking by a {dtype} key")


def _ordinal(value: dt.date) -> int:
    return value.toordinal()


def _float_ascending(value: float) -> tuple[int, float]:
    return (1, 0.0) if math.isnan(value) else (0, value)


def _float_descending(value: float) -> tuple[int, float]:
    return (0, 0.0) if math.isnan(value) else (1, -value)
