"""Which nominations two runs decided differently.

A nomination (person, quota) has *changed* when the two runs differ in its status, its
eligibility, its failed criteria, its points, its score or its rank — exactly the decision
columns of ``decisions.csv`` — or when only one run has it (its row was rejected by the
other, or named a quota the other rulebook lacks). A change of wording alone (the same
criteria failed, a message that now shows another number) is not a change of decision.
"""

from __future__ import annotations

import polars as pl

from eligibility.frames import points_column
from eligibility.whatif.outcomes import KEY, Outcomes

BEFORE, AFTER = "before.", "after."
COMPARED = ("status", "eligible", "score", "rank", "failed")


def side(prefix: str, name: str) -> str:
    """The column of one run's value: ``before.status``, ``after.points.young``."""
    return f"{prefix}{name}"


def point_ids(before: Outcomes, after: Outcomes) -> list[str]:
    """Every priority of either rulebook, the first one's order first."""
    return list(dict.fromkeys([*before.priorities, *after.priorities]))


def criterion_ids(before: Outcomes, after: Outcomes) -> list[str]:
    return list(dict.fromkeys([*before.criteria, *after.criteria]))


def paired(before: Outcomes, after: Outcomes) -> pl.DataFrame:
    """Every nomination of either run, with both runs' values side by side.

    ``presence`` is ``both``, ``before`` or ``after`` (the run that has it).
    """
    points = point_ids(before, after)
    criteria = criterion_ids(before, after)

    def one(outcomes: Outcomes, prefix: str) -> pl.DataFrame:
        frame = outcomes.frame
        missing = [pl.lit(None, pl.Int64).alias(points_column(rule)) for rule in points
                   if points_column(rule) not in frame.columns]
        missing += [pl.lit(None, pl.Boolean).alias(f"criterion.{rule}") for rule in criteria
                    if f"criterion.{rule}" not in frame.columns]
        frame = frame.with_columns(missing) if missing else frame
        renamed = [name for name in frame.columns if name not in KEY]
        return frame.rename({name: side(prefix, name) for name in renamed}).with_columns(
            pl.lit(True).alias(side(prefix, "present")))

    joined = one(before, BEFORE).join(one(after, AFTER), on=list(KEY), how="full",
                                      coalesce=True, maintain_order="left_right")
    present_before = pl.col(side(BEFORE, "present")).fill_null(False)
    present_after = pl.col(side(AFTER, "present")).fill_null(False)
    presence = (pl.when(present_before & present_after).then(pl.lit("both"))
                .when(present_before).then(pl.lit("before")).otherwise(pl.lit("after")))
    person = [pl.coalesce(side(AFTER, name), side(BEFORE, name)).alias(name)
              for name in ("preference", "full_name", "agency", "row")]
    return joined.with_columns(presence.alias("presence"), *person).drop(
        side(BEFORE, "present"), side(AFTER, "present"))


def _differs(name: str) -> pl.Expr:
    return pl.col(side(BEFORE, name)).ne_missing(pl.col(side(AFTER, name)))


def with_change_flags(pairs: pl.DataFrame, points: list[str]) -> pl.DataFrame:
    """``pairs`` with ``own_changed`` (the nomination's own evaluation differs) and
    ``changed`` (anything in its decision differs)."""
    own = (pl.col("presence") != "both") | _differs("eligible") | _differs("failed") \
        | _differs("score")
    for rule in points:
        own = own | _differs(points_column(rule))
    changed = own | _differs("status") | _differs("rank")
    return pairs.with_columns(own.alias("own_changed"), changed.alias("changed"))


def changed_nominations(before: Outcomes, after: Outcomes,
                        pairs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Both runs' values of every nomination whose decision differs, in a stable order
    (quotas in the rulebooks' order, then candidate id).

    ``pairs`` is :func:`with_change_flags` of :func:`paired`, when already computed.
    """
    if pairs is None:
        pairs = with_change_flags(paired(before, after), point_ids(before, after))
    quota_order = {quota: index for index, quota in
                   enumerate(dict.fromkeys([*before.rulebook.quotas, *after.rulebook.quotas]))}
    order = pl.col("quota_id").replace_strict(quota_order, return_dtype=pl.Int64)
    return (pairs.filter("changed").with_columns(order.alias("__order"))
            .sort("__order", "candidate_id").drop("__order"))
