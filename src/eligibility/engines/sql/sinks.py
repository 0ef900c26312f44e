"""The results written back into the database: a ``decisions`` and a ``rejected`` table.

``decisions`` has the columns of ``decisions.csv`` (typed: booleans, numbers) and its order;
its failure messages are rendered by the library from the outcome records of the ineligible
nominations, which are the only ones to come back. ``rejected`` has the columns of
``rejected.csv``. Both are replaced in one transaction, and only when the table there was
written by this tool (its comment says so): a table of the user's is never overwritten, nor
the input table.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlglot import exp

from eligibility.engines.sql.database import Database, PostgresDatabase, quote, sql_literal
from eligibility.engines.sql.pipeline import RANKED, SEATS, Ranked
from eligibility.engines.sql.selection import status_query
from eligibility.errors import InputError
from eligibility.frames import (
    CANDIDATE,
    ELIGIBLE,
    FAILED,
    PREFERENCE,
    QUOTA,
    RANK,
    ROW,
    SCORE,
    STATUS,
    outcome_schema,
    points_column,
    reasons_column,
)
from eligibility.i18n import t
from eligibility.intake.nominees import REJECTED_COLUMNS
from eligibility.intake.wording import say
from eligibility.language.sql_builder import alias, column, function, identifier, select, string
from eligibility.messages import render_reasons
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["MARKER", "write_tables"]

MARKER = "eligibility rank"
"""How the comment of a table this tool wrote begins."""
_REASONS = "__eligibility_reasons"
_REJECTED = "__eligibility_rejected_out"
_STATUS = "__eligibility_status"


def write_tables(database: Database, rulebook: CompiledRulebook, ranked: Ranked,
                 rejected: pl.DataFrame, *, language: str, prefix: str = "",
                 source_table: str | None = None) -> tuple[str, str]:
    """Write ``<prefix>decisions`` and ``<prefix>rejected``; return their names."""
    names = (f"{prefix}decisions", f"{prefix}rejected")
    for name in names:
        if source_table is not None and name.lower() == source_table.split(".")[-1].lower():
            raise InputError(say("sql.overwrite_input", language, table=name), file=name)
        comment = _comment(database, name)
        if comment is not None and not comment.startswith(MARKER):
            raise InputError(say("sql.not_ours", language, table=name), file=name)
    database.put(_REASONS, _reasons(database, rulebook, language))
    database.put(_REJECTED, rejected.select(REJECTED_COLUMNS))
    decisions = _decisions_query(database, rulebook, ranked)
    note = f"{MARKER}: {t('sql.table_comment', language)} ({rulebook.id} {rulebook.version})"
    statements = []
    for name, query in ((names[0], database.text(decisions)),
                        (names[1], f"SELECT * FROM {quote(_REJECTED)} ORDER BY {quote(ROW)}")):
        statements += [f"DROP TABLE IF EXISTS {quote(name)}",
                       f"CREATE TABLE {quote(name)} AS {query}",
                       f"COMMENT ON TABLE {quote(name)} IS {sql_literal(note)}"]
    database.transaction(statements)
    return names


def _comment(database: Database, name: str) -> str | None:
    """The comment of table ``name`` ("" if it has none), None when there is no table."""
    if isinstance(database, PostgresDatabase):
        query = (f"SELECT coalesce(obj_description(to_regclass({sql_literal(quote(name))}), "
                 f"'pg_class'), '') AS note WHERE to_regclass({sql_literal(quote(name))}) "
                 f"IS NOT NULL")
    else:
        query = (f"SELECT coalesce(comment, '') AS note FROM duckdb_tables() WHERE "
                 f"table_name = {sql_literal(name)} AND schema_name = current_schema() "
                 f"AND database_name = current_database()")
    found = database.fetch(query, {"note": pl.String()})
    return None if found.is_empty() else str(found["note"][0])


def _reasons(database: Database, rulebook: CompiledRulebook, language: str) -> pl.DataFrame:
    """The failure messages of the ineligible nominations (only these come back)."""
    schema = outcome_schema(rulebook)
    wanted = {name: dtype for name, dtype in schema.items()
              if name.startswith(("criterion.", "shown."))}
    query = select(column(ROW), column(QUOTA), *(column(name) for name in wanted),
                   source=exp.Table(this=identifier(RANKED)),
                   where=exp.Not(this=column(ELIGIBLE)))
    failing = database.fetch(query, {ROW: pl.Int64(), QUOTA: pl.String(), **wanted})
    rendered = render_reasons(rulebook, failing, (language,))
    return rendered.select(ROW, QUOTA, pl.col(reasons_column(language)).alias("reasons"))


def _decisions_query(database: Database, rulebook: CompiledRulebook,
                     ranked: Ranked) -> exp.Expression:
    """decisions.csv's columns and order, in SQL."""
    build = database.builder()
    points = [points_column(rule) for rule in rulebook.priority_ids]
    columns = [*ranked.kept, ELIGIBLE, FAILED, SCORE, *points, RANK]
    statuses = status_query(build, RANKED, SEATS, columns)
    order = {quota_id: index for index, quota_id in enumerate(rulebook.quotas)}
    position = build.case([(exp.EQ(this=column(QUOTA, "d"), expression=string(quota)),
                            exp.Literal.number(index)) for quota, index in order.items()])
    shown = [column(name, "d") if name in ranked.kept else
             alias(build.cast(exp.null(), "TEXT"), name) for name in ("full_name", "agency")]
    failed = function("NULLIF", column(FAILED, "d"), string(""))
    query = select(column(CANDIDATE, "d"), *shown, column(QUOTA, "d"),
                   column(PREFERENCE, "d"), column(STATUS, "d"), column(ELIGIBLE, "d"),
                   column(SCORE, "d"), column(RANK, "d"), alias(failed, FAILED),
                   alias(column("reasons", "r"), "reasons"),
                   *(column(name, "d") for name in points), column(ROW, "d"),
                   source=exp.Subquery(this=statuses,
                                       alias=exp.TableAlias(this=identifier("d"))))
    query.set("joins", [exp.Join(
        this=exp.Table(this=identifier(_REASONS), alias=exp.TableAlias(this=identifier("r"))),
        side="LEFT", on=exp.and_(
            exp.EQ(this=column(ROW, "d"), expression=column(ROW, "r")),
            exp.EQ(this=column(QUOTA, "d"), expression=column(QUOTA, "r")), copy=False))])
    candidate: exp.Expression = column(CANDIDATE, "d")
    if build.dialect == "postgres":
        candidate = exp.Collate(this=candidate, expression=identifier("C"))
    ordering: Sequence[exp.Expression] = [position, column(RANK, "d"), candidate]
    query.set("order", exp.Order(expressions=[exp.Ordered(this=value, nulls_first=False)
                                              for value in ordering]))
    return query

