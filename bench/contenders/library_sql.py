"""This library's SQL engine: the rulebook compiled to SQL (SQLGlot), run in a database.

``setup`` opens the database (DuckDB in memory; a scratch PostgreSQL server started on this
machine; a local Spark session), ``marshal`` puts the typed nominations in a table of it, and
``decide`` runs the engine's one query — every criterion, the points and the score
(:func:`eligibility.engines.sql.lowering.outcome_query`), the rank by a window function
(:func:`eligibility.engines.sql.selection.ranked_query`) and top-N — into a table of the
database. Reading the decisions back into Python is not timed (``decisions``).
"""

from __future__ import annotations

import atexit
from typing import Any

import polars as pl
from sqlglot import exp

from contenders.base import DECISION_SCHEMA, Contender, Unavailable, as_decisions
from eligibility.engines.sql.database import (
    Database,
    DuckDatabase,
    PostgresDatabase,
    SparkDatabase,
)
from eligibility.engines.sql.lowering import outcome_query
from eligibility.engines.sql.selection import rank_keys, ranked_query
from eligibility.language.sql_builder import alias, column, select, string, table
from eligibility.rulebook.compiled import CompiledRulebook

_TABLE = "nominations"
_DECIDED = "decided"


class LibrarySql(Contender):
    name = "sql-duckdb"
    label = "eligibility: SQL engine in DuckDB"
    own = True
    requires = ("duckdb", "sqlglot")
    description = "the rulebook compiled to one SQL query (SQLGlot), run in DuckDB in memory"

    def connect(self) -> Database:
        return DuckDatabase()

    def setup(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook
        self.database = self.connect()
        atexit.register(self.database.close)

    def marshal(self, derived: pl.DataFrame) -> str:
        self.columns = list(derived.columns)
        self.database.put("__frame", derived)
        self.database.materialize(_TABLE, select(exp.Star(), source=table("__frame")))
        return _TABLE

    def decide(self, data: str) -> str:
        rulebook, build = self.rulebook, self.database.builder()
        keep = [name for name in dict.fromkeys(["candidate_id", "quota_id", "preference",
                                                *rank_keys(rulebook)])
                if name in self.columns]
        outcomes = outcome_query(rulebook, build, table(data), self.columns, keep)
        ranked = ranked_query(rulebook, build, exp.Subquery(
            this=outcomes, alias=exp.TableAlias(this=exp.to_identifier("o"))))
        capacity = build.case([(exp.EQ(this=column("quota_id"), expression=string(quota)),
                                exp.Literal.number(rules.capacity))
                               for quota, rules in rulebook.quotas.items()])
        selected = build.coalesce(exp.LTE(this=column("rank"), expression=capacity),
                                  exp.false())
        decided = select(*(column(name) for name in DECISION_SCHEMA if name != "selected"),
                         alias(selected, "selected"), source=exp.Subquery(
                             this=ranked, alias=exp.TableAlias(this=exp.to_identifier("r"))))
        self.database.materialize(_DECIDED, decided)
        return _DECIDED

    def decisions(self, result: Any) -> pl.DataFrame:
        return as_decisions(self.database.fetch(select(exp.Star(), source=table(result)),
                                                DECISION_SCHEMA))


class LibrarySqlPostgres(LibrarySql):
    name = "sql-postgres"
    label = "eligibility: SQL engine in PostgreSQL"
    requires = ("duckdb", "sqlglot", "psycopg")
    description = ("the same query in a PostgreSQL server on this machine (scratch server, "
                   "fsync off); the nominations reach it by COPY")

    def connect(self) -> Database:
        from eligibility.testing.postgres import PostgresUnavailable, ScratchPostgres

        try:
            server = ScratchPostgres.find().start()
        except PostgresUnavailable as error:
            raise Unavailable(str(error)) from None
        atexit.register(server.stop)
        return PostgresDatabase(server.url)


class LibrarySqlSpark(LibrarySql):
    name = "sql-spark"
    label = "eligibility: SQL engine in Spark (local[2])"
    requires = ("duckdb", "sqlglot", "pyspark")
    description = ("the same query written in Spark SQL, run by a local Spark session on "
                   "the machine's 2 cores; the nominations reach it as Parquet")

    def connect(self) -> Database:
        import shutil

        if shutil.which("java") is None:
            raise Unavailable("no Java runtime")
        return SparkDatabase("local[2]")
