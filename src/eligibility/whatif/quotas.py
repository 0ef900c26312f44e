"""Per quota, what two runs decided: seats, eligible, selected, cut-off, who came and went."""

from __future__ import annotations

import polars as pl

from eligibility.api import Decisions

SUMMARY = ("seats", "capacity", "nominated", "eligible", "selected", "cutoff_score")


def compare_quotas(before: Decisions, after: Decisions, changed: pl.DataFrame) -> pl.DataFrame:
    """One row per quota of either rulebook (the first one's order first).

    Columns: ``quota_id``, ``<figure>_before`` and ``<figure>_after`` for seats, capacity,
    nominated, eligible, selected and cut-off score, then ``entered`` and ``left`` (people
    selected in the quota by one run only).
    """
    summaries = []
    for decisions, suffix in ((before, "_before"), (after, "_after")):
        summary = decisions.summary().select("quota_id", *SUMMARY)
        summaries.append(summary.rename({name: name + suffix for name in SUMMARY}))
    order = list(dict.fromkeys([*before.rulebook.quotas, *after.rulebook.quotas]))
    quotas = pl.DataFrame({"quota_id": order})
    for summary in summaries:
        quotas = quotas.join(summary, on="quota_id", how="left", maintain_order="left")
    moves = changed.group_by("quota_id").agg(
        ((pl.col("after.status") == "selected") & (pl.col("before.status").fill_null("")
                                                   != "selected")).sum().alias("entered"),
        ((pl.col("before.status") == "selected") & (pl.col("after.status").fill_null("")
                                                    != "selected")).sum().alias("left"))
    return (quotas.join(moves, on="quota_id", how="left", maintain_order="left")
            .with_columns(pl.col("entered", "left").fill_null(0).cast(pl.Int64))
            .select("quota_id", *(name + suffix for name in SUMMARY
                                  for suffix in ("_before", "_after")), "entered", "left"))
