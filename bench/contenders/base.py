"""What every contender implements, and the decisions all of them must agree on.

A contender turns the typed nominations of the two benchmarked quotas (the frame that
:func:`eligibility.read_nominees` builds, one row per person and quota) into decisions:
per nomination, whether it is eligible, the rule ids it fails (in rulebook order), its
score, its rank within the quota and whether it holds one of the quota's seats.

The harness times four stages separately, each contender filling in those it needs:

``setup``       build the engine: load the rulebook, compile rules, open a database.
``precompute``  derived values the peer cannot compute itself (retirement dates, ages in
                completed years, ratings of a given year, enrollment overlaps).
``marshal``     the input in the contender's own shape (records, JSON-like dicts, a table).
``decide``      every criterion, the points, the ranking and top-N: the timed figure.

``decisions`` turns what ``decide`` returned into the common table; it is not timed.
"""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl

from eligibility.rulebook.compiled import CompiledRulebook

DECISION_SCHEMA: dict[str, pl.DataType] = {
    "candidate_id": pl.String(),
    "quota_id": pl.String(),
    "eligible": pl.Boolean(),
    "failed": pl.String(),  # rule ids in rulebook order, ";"-joined; "" when eligible
    "score": pl.Int64(),  # null when ineligible
    "rank": pl.Int64(),  # 1-based among the quota's eligible nominations; null if ineligible
    "selected": pl.Boolean(),  # rank <= the quota's seats
}
KEY = ["quota_id", "candidate_id"]


class Unavailable(RuntimeError):
    """The contender cannot run on this machine (package or engine missing)."""


class Contender(ABC):
    """One way of deciding the benchmark's nominations."""

    name: ClassVar[str]  # command-line name, e.g. "zen-graph"
    label: ClassVar[str]  # name in the results table
    requires: ClassVar[tuple[str, ...]] = ()  # importable modules the contender needs
    own: ClassVar[bool] = False  # this library's own engine (not a peer)
    description: ClassVar[str] = ""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}  # optional split of the last decide, in seconds

    @classmethod
    def missing(cls) -> list[str]:
        """Required modules that are not installed."""
        return [module for module in cls.requires if importlib.util.find_spec(module) is None]

    def setup(self, rulebook: CompiledRulebook) -> None:  # noqa: B027 - optional stage
        """Build the engine (timed as ``setup``)."""

    def precompute(self, frame: pl.DataFrame) -> Any:
        """Derived values a peer cannot compute (timed as ``precompute``)."""
        return frame

    def marshal(self, derived: Any) -> Any:
        """The input in the contender's own shape (timed as ``marshal``)."""
        return derived

    @abstractmethod
    def decide(self, data: Any) -> Any:
        """Every criterion, the points, ranking and top-N (the timed figure)."""

    @abstractmethod
    def decisions(self, result: Any) -> pl.DataFrame:
        """``decide``'s result as a frame of :data:`DECISION_SCHEMA` (not timed)."""


def as_decisions(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s decision columns with the common types, sorted by quota and candidate."""
    return (frame.select(pl.col(name).cast(dtype) for name, dtype in DECISION_SCHEMA.items())
            .sort(KEY))


def decisions_from_lists(ids: list[str], quotas: list[str], eligible: list[bool],
                         failed: list[str], scores: list[int | None], ranks: list[int | None],
                         selected: list[bool]) -> pl.DataFrame:
    """The common table from per-nomination Python lists (the loop-based contenders)."""
    return as_decisions(pl.DataFrame(
        {"candidate_id": ids, "quota_id": quotas, "eligible": eligible, "failed": failed,
         "score": scores, "rank": ranks, "selected": selected}, schema=DECISION_SCHEMA))


@dataclass(frozen=True)
class Mismatch:
    """Why a contender's decisions differ from the reference's."""

    reason: str
    reference: dict[str, Any] | None = None
    contender: dict[str, Any] | None = None

    def __str__(self) -> str:
        text = self.reason
        if self.reference is not None or self.contender is not None:
            text += f"; reference {self.reference}, contender {self.contender}"
        return text


def compare(reference: pl.DataFrame, candidate: pl.DataFrame) -> Mismatch | None:
    """None when both tables hold the same decisions, else the first differing record."""
    reference, candidate = as_decisions(reference), as_decisions(candidate)
    if reference.height != candidate.height:
        keys = reference.select(KEY).join(candidate.select(KEY), on=KEY, how="anti")
        extra = candidate.select(KEY).join(reference.select(KEY), on=KEY, how="anti")
        first = keys.row(0, named=True) if keys.height else None
        other = extra.row(0, named=True) if extra.height else None
        return Mismatch(f"{candidate.height} nominations decided, expected {reference.height}",
                        first, other)
    if not reference.select(KEY).equals(candidate.select(KEY)):
        differing = reference.select(KEY).with_row_index("i").join(
            candidate.select(KEY).with_row_index("i"), on="i", suffix="_c").filter(
            (pl.col("quota_id") != pl.col("quota_id_c"))
            | (pl.col("candidate_id") != pl.col("candidate_id_c")))
        index = int(differing["i"][0])
        return Mismatch("a different set of nominations", reference.row(index, named=True),
                        candidate.row(index, named=True))
    flags = pl.Series([True] * reference.height, dtype=pl.Boolean)
    for name in DECISION_SCHEMA:
        flags = flags & reference[name].eq_missing(candidate[name])
    if flags.all():
        return None
    index = int(flags.arg_min() or 0)
    return Mismatch("decisions differ", reference.row(index, named=True),
                    candidate.row(index, named=True))


class LoopContender(Contender):
    """A contender that decides record by record in Python and returns per-row lists."""

    def decisions(self, result: Any) -> pl.DataFrame:
        return decisions_from_lists(*result)


class PrecomputedLoopContender(LoopContender):
    """A record-by-record peer given the calendar values it cannot compute itself."""

    def precompute(self, frame: pl.DataFrame) -> pl.DataFrame:
        from contenders.derived import derived_values

        return derived_values(frame)
