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

from eligibility.messages import format_number
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
    rows = []
    for row in comparison.changes.iter_rows(named=True):
        key: Key = (row["candidate_id"], row["quota_id"])
        cause = comparison.causes[key]
        steps = comparison.chain(*key)[1:]
        rows.append({
            "candidate_id": row["candidate_id"], "full_name": row["full_name"],
            "agency": row["agency"], "quota_id": row["quota_id"],
            "preference": row["preference"],
            **{f"{name}_{when}": _cell(row[f"{when}.{name}"])
               for name in ("status", "eligible", "score", "rank", "failed")
               for when in ("before", "after")},
            "criteria_changed": ";".join(flip.id for flip in cause.criteria),
            "points_changed": ";".join(f"{item.id}:{_cell(item.before)}>{_cell(item.after)}"
                                       for item in cause.points),
            "cause": cause.code,
            "caused_by": _key_text(cause.link),
            "chain": ";".join(f"{_key_text(step)}:{item.code}" for step, item in steps),
            "explanation": wording.explanation(key),
            "row": row["row"],
        })
    schema = {name: pl.String for name in DIFF_COLUMNS} | {"preference": pl.Int64,
                                                           "row": pl.Int64}
    table = pl.DataFrame(rows, schema=schema, orient="row")
    return table.with_columns(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name)
                              for name, dtype in schema.items() if dtype == pl.String)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    if isinstance(value, (int, float)):
        return format_number(value)
    return str(value)


def _key_text(key: Key | None) -> str:
    return "" if key is None else f"{key[0]}@{key[1]}"
