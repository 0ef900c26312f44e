"""Ranking, candidates for a seat and statuses, in SQL.

* **Rank** (:func:`ranked_query`): ``ROW_NUMBER()`` over each quota's eligible nominations in
  the rulebook's tie-break order, ended by the candidate id, exactly as
  :func:`eligibility.selection.ranking.rank_nominations` orders them (nulls last, a
  vocabulary by its order, text by code point).
* **Candidates** (:func:`candidates_query`): only applications that can still win a seat come
  back for the allocation. An application ranked ``r`` in quota ``q`` can win a seat only if
  each of the ``r - 1`` eligible people ranked above it holds a seat either in ``q`` (fewer
  than ``capacity(q)`` of them) or in a quota ``p`` they prefer to ``q`` (one seat each, and
  at most ``min(capacity(p), applicants of q who prefer p)`` of them in ``p``). So an
  application ranked below ``capacity(q)`` plus the sum of those minimums can never be
  seated: deferred acceptance on the rest finds the same seats (they form a stable matching
  of all applications, which no blocking pair among the left-out ones can break, and no
  person does better in any stable matching of fewer applications).
* **Status** (:func:`status_query`): the seats found are put back and every nomination gets
  its status in SQL, as :func:`eligibility.selection.select` gives it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlglot import exp

from eligibility.frames import CANDIDATE, ELIGIBLE, PREFERENCE, QUOTA, RANK, STATUS
from eligibility.language.sql_builder import (
    SqlBuilder,
    alias,
    column,
    conjunction,
    function,
    identifier,
    number,
    select,
    string,
    table,
)
from eligibility.language.types import INT, TEXT, EnumType, Type
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.ranking import rank_key_column, total_order

__all__ = ["candidates_query", "rank_keys", "ranked_query", "status_query"]

_SEAT_LIMIT = "seat_limit"


def rank_keys(rulebook: CompiledRulebook) -> list[str]:
    """The columns the ranking reads (besides the quota)."""
    return list(dict.fromkeys(rank_key_column(tie.key) for tie in total_order(rulebook.ranking)))


def _key_type(rulebook: CompiledRulebook, key: str) -> Type | None:
    if key == "id":
        return TEXT
    if key == "score":
        return None
    spec = rulebook.fields.get(key)
    return spec.type if spec is not None else None


def ranked_query(rulebook: CompiledRulebook, build: SqlBuilder,
                 source: exp.Expression) -> exp.Select:
    """``source`` (evaluated nominations) with ``rank``: 1 = best among the quota's eligible
    nominations, null when ineligible."""
    order = []
    for tie in total_order(rulebook.ranking):
        value: exp.Expression = column(rank_key_column(tie.key))
        kind = _key_type(rulebook, tie.key)
        if isinstance(kind, EnumType):
            value = build.rank_of(value, kind)
        elif kind == TEXT and build.dialect == "postgres":
            value = exp.Collate(this=value, expression=identifier("C"))
        order.append(exp.Ordered(this=value, desc=tie.order == "descending",
                                 nulls_first=False))
    # Nominations tie only when one person names a quota twice: first named, first ranked.
    order.append(exp.Ordered(this=column(PREFERENCE), nulls_first=False))
    window = exp.Window(this=exp.RowNumber(), partition_by=[column(QUOTA), column(ELIGIBLE)],
                        order=exp.Order(expressions=order))
    rank = build.when(column(ELIGIBLE), build.cast(window, INT))
    return select(exp.Star(), alias(rank, RANK), source=source)


def _capacities(capacity: Mapping[str, int], name: str) -> exp.Expression:
    """The quotas' capacities as a table ``name(quota_id, capacity)``."""
    rows = [exp.Tuple(expressions=[string(quota), number(seats)])
            for quota, seats in capacity.items()]
    return exp.Values(expressions=rows, alias=exp.TableAlias(
        this=identifier(name), columns=[identifier(QUOTA), identifier("capacity")]))


def candidates_query(ranked: str, capacity: Mapping[str, int]) -> exp.Select:
    """The eligible applications that can still win a seat: ``candidate_id``, ``quota_id``,
    ``preference``, ``rank``."""
    pairs = select(
        alias(column(QUOTA, "a"), QUOTA), alias(column(QUOTA, "b"), "other"),
        alias(exp.Count(this=exp.Distinct(expressions=[column(CANDIDATE, "a")])), "applicants"),
        source=exp.Table(this=identifier(ranked), alias=exp.TableAlias(this=identifier("a"))))
    pairs.set("joins", [exp.Join(
        this=exp.Table(this=identifier(ranked), alias=exp.TableAlias(this=identifier("b"))),
        on=conjunction(exp.EQ(this=column(CANDIDATE, "a"), expression=column(CANDIDATE, "b")),
                       exp.LT(this=column(PREFERENCE, "b"), expression=column(PREFERENCE, "a")),
                       column(ELIGIBLE, "a"), column(ELIGIBLE, "b")))])
    pairs.set("group", exp.Group(expressions=[column(QUOTA, "a"), column(QUOTA, "b")]))
    seats_before = function("LEAST", column("capacity", "__other"),
                            column("applicants", "__pairs"))
    before = exp.Subquery(this=select(
        alias(column(QUOTA, "__pairs"), QUOTA), alias(exp.Sum(this=seats_before), "before"),
        source=exp.Subquery(this=pairs, alias=exp.TableAlias(this=identifier("__pairs")))),
        alias=exp.TableAlias(this=identifier("__before")))
    before.this.set("joins", [exp.Join(
        this=_capacities(capacity, "__other"),
        on=exp.EQ(this=column("other", "__pairs"), expression=column(QUOTA, "__other")))])
    before.this.set("group", exp.Group(expressions=[column(QUOTA, "__pairs")]))
    limits = select(alias(column(QUOTA, "__own"), QUOTA), alias(exp.Add(
        this=column("capacity", "__own"),
        expression=exp.Coalesce(this=column("before", "__before"),
                                expressions=[number(0)])), _SEAT_LIMIT),
        source=_capacities(capacity, "__own"))
    limits.set("joins", [exp.Join(this=before, side="LEFT", on=exp.EQ(
        this=column(QUOTA, "__own"), expression=column(QUOTA, "__before")))])
    query = select(column(CANDIDATE, "r"), column(QUOTA, "r"), column(PREFERENCE, "r"),
                   column(RANK, "r"),
                   source=exp.Table(this=identifier(ranked),
                                    alias=exp.TableAlias(this=identifier("r"))),
                   where=conjunction(column(ELIGIBLE, "r"), exp.LTE(
                       this=column(RANK, "r"), expression=column(_SEAT_LIMIT, "__limits"))))
    query.set("joins", [exp.Join(
        this=exp.Subquery(this=limits, alias=exp.TableAlias(this=identifier("__limits"))),
        on=exp.EQ(this=column(QUOTA, "r"), expression=column(QUOTA, "__limits")))])
    return query


def status_query(build: SqlBuilder, ranked: str, seats: str,
                 columns: Sequence[str]) -> exp.Select:
    """``columns`` of every ranked nomination, with its ``status``."""
    placed = select(alias(column(CANDIDATE, "s"), CANDIDATE),
                    alias(column(QUOTA, "s"), "placed_quota"),
                    alias(column(PREFERENCE, "p"), "placed_preference"),
                    source=exp.Table(this=identifier(seats),
                                     alias=exp.TableAlias(this=identifier("s"))))
    placed.set("joins", [exp.Join(
        this=exp.Table(this=identifier(ranked), alias=exp.TableAlias(this=identifier("p"))),
        on=conjunction(exp.EQ(this=column(CANDIDATE, "s"), expression=column(CANDIDATE, "p")),
                       exp.EQ(this=column(QUOTA, "s"), expression=column(QUOTA, "p"))))])
    status = build.case([
        (exp.Not(this=column(ELIGIBLE, "r")), string("ineligible")),
        (exp.EQ(this=column("placed_quota", "__placed"), expression=column(QUOTA, "r")),
         string("selected")),
        (exp.LT(this=column("placed_preference", "__placed"),
                expression=column(PREFERENCE, "r")), string("placed_elsewhere"))],
        string("reserve"))
    query = select(*(column(name, "r") for name in columns), alias(status, STATUS),
                   source=exp.Table(this=identifier(ranked),
                                    alias=exp.TableAlias(this=identifier("r"))))
    query.set("joins", [exp.Join(
        this=exp.Subquery(this=placed, alias=exp.TableAlias(this=identifier("__placed"))),
        side="LEFT", on=exp.EQ(this=column(CANDIDATE, "__placed"),
                               expression=column(CANDIDATE, "r")))])
    return query


def seats_table(name: str) -> exp.Table:
    return table(name)
