"""The tables a what-if run writes: ``diff.csv`` and ``diff-quotas.csv``.

``diff.csv`` has one row per changed nomination. Its columns are stable machine codes, for
programs; only ``explanation`` is in the run's language:

=================================  =========================================================
``candidate_id`` … ``preference``  the nomination (``row``: the person's input row)
``status_before``/``_after``       ``selected``, ``reserve``, ``placed_elsewhere``,
                                   ``ineligible``; empty when that run has no such nomination
``eligible_``, ``score_``,         the two runs' values
``rank_``, ``failed_`` …
``criteria_changed``               criteria failed in one run only (ids, ``;``-joined)
``points_changed``                 ``priority:before>after`` for each priority that changed
``cause``                          why: ``criteria``, ``points``, ``nomination_added``,
                                   ``nomination_removed``, ``capacity``, ``displaced``,
                                   ``seat_freed``, ``placed_preferred``, ``lost_preferred``,
                                   ``rank_shift``, ``ranking_order``
``caused_by``                      ``candidate_id@quota_id`` of the change that caused it
``chain``                          every step from ``caused_by`` down to the first cause,
                                   ``candidate_id@quota_id:cause``, ``;``-joined
``explanation``                    the cause and its chain in words (both messages of a
                                   criterion that flipped)
=================================  =========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from eligibility.language.rendering import format_number
from eligibility.whatif.causes import Key
from eligibility.whatif.wording import Wording

if TYPE_CHECKING:
    from eligibility.whatif.compare import Comparison

DIFF_COLUMNS = (
    "candidate_id", "full_name", "agency", "quota_id", "preference",
    "status_before", "status_after", "eligible_before", "eligible_after",
    "score_before", "score_after", "rank_before", "rank_after",
    "failed_before", "failed_after", "criteria_changed", "points_changed",
    "cause", "caused_by", "chain", "explanation", "row")


def diff_table(comparison: Comparison, language: str) -> pl.DataFrame:
    """One row per changed nomination (quota order, then candidate id); see the module."""
    wording = Wording(comparison, language)
    changes = comparison.changes
    keys: list[Key] = list(zip(changes["candidate_id"], changes["quota_id"], strict=True))
    causes = [comparison.causes[key] for key in keys]
    chains = [comparison.chain(*key)[1:] for key in keys]
    decisions = [pl.col(f"{when}.{name}").cast(pl.String).alias(f"{name}_{when}")
                 for name in ("status", "eligible", "score", "rank")
                 for when in ("before", "after")]
    failed = [pl.col(f"{when}.failed").list.join(";").alias(f"failed_{when}")
              for when in ("before", "after")]
    explained = pl.DataFrame({
        "criteria_changed": [";".join(flip.id for flip in cause.criteria) for cause in causes],
        "points_changed": [";".join(f"{item.id}:{_cell(item.before)}>{_cell(item.after)}"
                                    for item in cause.points) for cause in causes],
        "cause": [cause.code for cause in causes],
        "caused_by": [_key_text(cause.link) for cause in causes],
        "chain": [";".join(f"{_key_text(step)}:{item.code}" for step, item in steps)
                  for steps in chains],
        "explanation": [wording.explanation(key) for key in keys],
    }, schema={name: pl.String for name in ("criteria_changed", "points_changed", "cause",
                                             "caused_by", "chain", "explanation")})
    table = pl.concat([changes.select("candidate_id", "full_name", "agency", "quota_id",
                                      pl.col("preference").cast(pl.Int64), *decisions, *failed,
                                      pl.col("row").cast(pl.Int64)),
                       explained], how="horizontal").select(DIFF_COLUMNS)
    return table.with_columns(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)
                              for name, dtype in table.schema.items() if dtype == pl.String)


def _cell(value: Any) -> str:
    return "" if value is None else format_number(value)


def _key_text(key: Key | None) -> str:
    return "" if key is None else f"{key[0]}@{key[1]}"
