"""The SQL engine: a rulebook compiled to SQL and run inside a database.

Each registry entry's SQL lowering (``Entry.sql``) writes SQLGlot expressions through a
dialect's :class:`~eligibility.language.sql_builder.SqlBuilder`; one query computes every
nomination's outcome record (:mod:`eligibility.engines.sql.lowering`). It runs in DuckDB
(embedded, the default), PostgreSQL or Spark SQL (:mod:`eligibility.engines.sql.database`).

:func:`evaluate_frame` is the engine as every engine is (a nominations frame in, the frame
with its outcome columns out), used by the conformance suite and ``decide(engine="sql")``;
:mod:`eligibility.engines.sql.pipeline` runs a whole ranking inside the database.
"""

from __future__ import annotations

import polars as pl
from sqlglot import exp

from eligibility.engines.sql.database import Database, DuckDatabase, connect
from eligibility.engines.sql.lowering import outcome_query
from eligibility.frames import QUOTA, outcome_schema
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["Database", "connect", "evaluate_frame"]

_ROW = "__nomination"
_TABLE = "__eligibility_nominations"


def evaluate_frame(rulebook: CompiledRulebook, frame: pl.DataFrame, *,
                   database: Database | None = None) -> pl.DataFrame:
    """Decide every nomination of ``frame`` in ``database`` (DuckDB in memory by default).

    ``frame`` holds ``quota_id`` and the typed candidate columns (see
    :mod:`eligibility.frames`); the result is ``frame`` followed by the outcome columns, in
    the same row order.
    """
    schema = outcome_schema(rulebook)
    unknown = sorted(set(frame[QUOTA].unique().drop_nulls().to_list()) - set(rulebook.quotas))
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, dtype).alias(name)
                                  for name, dtype in schema.items())
    owned = database is None
    database = database or DuckDatabase()
    try:
        indexed = frame.with_row_index(_ROW).with_columns(pl.col(_ROW).cast(pl.Int64))
        database.put(_TABLE, indexed)
        query = outcome_query(rulebook, database.builder(),
                              exp.to_table(exp.to_identifier(_TABLE, quoted=True)),
                              indexed.columns, [_ROW])
        outcome = database.fetch(query, {_ROW: pl.Int64(), **schema}).sort(_ROW)
    finally:
        if owned:
            database.close()
    return pl.concat([frame, outcome.drop(_ROW)], how="horizontal")
