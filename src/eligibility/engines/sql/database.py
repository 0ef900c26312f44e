"""The databases the SQL engine runs in: DuckDB (embedded), PostgreSQL, Spark SQL.

A :class:`Database` runs SQLGlot expressions written in its dialect, holds frames the engine
gives it (:meth:`Database.put`, temporary tables of the session) and hands results back as
polars frames of a given schema (:meth:`Database.fetch`). What crosses the boundary:

* DuckDB reads and returns Arrow data (polars frames without a copy);
* PostgreSQL receives and sends CSV through ``COPY`` (nested values as JSON), which is
  exact: dates ISO, numbers with the shortest digits that read back as the same float;
* Spark receives a Parquet file and returns Arrow data.

Every session is set up first: PostgreSQL gets the engine's temporary type and functions
(:data:`eligibility.language.sql_builder.PG_SESSION_SETUP`), ISO dates and exact float output.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
from sqlglot import exp

from eligibility.errors import EngineUnavailableError
from eligibility.language.sql_builder import (
    PG_INTERVAL,
    PG_SESSION_SETUP,
    Dialect,
    SqlBuilder,
    parenthesized,
)

__all__ = ["Database", "DuckDatabase", "PostgresDatabase", "SparkDatabase", "connect", "quote",
           "sql_literal"]


class Database(ABC):
    """A connection the SQL engine runs its queries on."""

    dialect: Dialect

    def builder(self) -> SqlBuilder:
        return SqlBuilder(self.dialect)

    def text(self, query: exp.Expression) -> str:
        """``query`` written in this database's dialect."""
        return parenthesized(query).sql(dialect=self.dialect)

    @abstractmethod
    def execute(self, statement: str | exp.Expression) -> None:
        """Run a statement that returns nothing."""

    @abstractmethod
    def put(self, name: str, frame: pl.DataFrame) -> None:
        """Make ``frame`` readable as the (temporary) table ``name``."""

    def transaction(self, statements: list[str]) -> None:
        """Run ``statements`` as one transaction: all of them, or none if one fails."""
        self.execute("BEGIN")
        try:
            for statement in statements:
                self.execute(statement)
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def materialize(self, name: str, query: exp.Expression) -> None:
        """Compute ``query`` once into the temporary table ``name`` (replacing it)."""
        self.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        self.execute(f"CREATE TEMPORARY TABLE {quote(name)} AS {self.text(query)}")

    @abstractmethod
    def fetch(self, query: str | exp.Expression,
              schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        """The rows of ``query``, as a frame with exactly ``schema``'s columns and types."""

    @abstractmethod
    def columns(self, query: str | exp.Expression) -> list[tuple[str, str]]:
        """The (name, SQL type) of each column ``query`` returns, without running it."""

    def close(self) -> None:  # noqa: B027 - a database may hold nothing to release
        """Release the connection."""

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *details: object) -> None:
        self.close()

    def _text(self, query: str | exp.Expression) -> str:
        return query if isinstance(query, str) else self.text(query)


def conform(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """``frame``'s columns cast to ``schema`` (a vocabulary's codes to its Enum...)."""
    return frame.select(pl.col(name).cast(dtype) if frame.schema[name] != dtype
                        else pl.col(name) for name, dtype in schema.items())


# --- DuckDB ---------------------------------------------------------------------------------


class DuckDatabase(Database):
    """DuckDB in this process: in memory, or a database file."""

    dialect: Dialect = "duckdb"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        try:
            import duckdb
        except ImportError as error:  # pragma: no cover - a dependency of the package
            raise EngineUnavailableError(str(error)) from error
        self.connection = duckdb.connect(str(path) if path is not None else ":memory:",
                                         read_only=read_only)
        self._frames: dict[str, pl.DataFrame] = {}

    def execute(self, statement: str | exp.Expression) -> None:
        self.connection.execute(self._text(statement))

    def put(self, name: str, frame: pl.DataFrame) -> None:
        self._frames[name] = frame  # kept alive while DuckDB reads it
        self.connection.register(name, frame)

    def materialize(self, name: str, query: exp.Expression) -> None:
        self.execute(f"CREATE OR REPLACE TEMPORARY TABLE {quote(name)} AS {self.text(query)}")

    def fetch(self, query: str | exp.Expression,
              schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        result = self.connection.sql(self._text(query))
        frame = result.pl() if result is not None else pl.DataFrame()
        return conform(frame, schema)

    def columns(self, query: str | exp.Expression) -> list[tuple[str, str]]:
        relation = self.connection.sql(self._text(query))
        return [(name, str(kind)) for name, kind in zip(relation.columns, relation.types,
                                                         strict=True)]

    def close(self) -> None:
        self.connection.close()


# --- PostgreSQL -------------------------------------------------------------------------------


class PostgresDatabase(Database):
    """A PostgreSQL server, reached by a ``postgresql://`` URL (libpq's rules)."""

    dialect: Dialect = "postgres"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as error:
            raise EngineUnavailableError(str(error)) from error
        self.connection = psycopg.connect(url, autocommit=True)
        for statement in ("SET datestyle = 'ISO, YMD'", "SET extra_float_digits = 1",
                          "SET client_encoding = 'UTF8'", *PG_SESSION_SETUP):
            self.connection.execute(statement)  # type: ignore[arg-type]

    def execute(self, statement: str | exp.Expression) -> None:
        self.connection.execute(self._text(statement))  # type: ignore[arg-type]

    def put(self, name: str, frame: pl.DataFrame) -> None:
        staging = f"{name}__text"
        quoted = {column: quote(column) for column in frame.columns}
        self.execute(f"DROP TABLE IF EXISTS {quote(staging)}")
        self.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        self.execute(f"CREATE TEMPORARY TABLE {quote(staging)} ("
                     + ", ".join(f"{quoted[column]} text" for column in frame.columns) + ")")
        text = frame.select(_as_csv_cell(column, dtype)
                            for column, dtype in frame.schema.items())
        buffer = io.BytesIO()
        text.write_csv(buffer, include_header=False)
        with self.connection.cursor() as cursor, cursor.copy(
                f"COPY {quote(staging)} FROM STDIN WITH (FORMAT csv)") as copy:  # type: ignore[arg-type]
            copy.write(buffer.getvalue())
        typed = ", ".join(f"{_from_text(quoted[column], dtype)} AS {quoted[column]}"
                          for column, dtype in frame.schema.items())
        self.execute(f"CREATE TEMPORARY TABLE {quote(name)} AS SELECT {typed} "
                     f"FROM {quote(staging)}")
        self.execute(f"DROP TABLE {quote(staging)}")

    def fetch(self, query: str | exp.Expression,
              schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        cells = ", ".join(_to_text(quote(name), dtype) + " AS " + quote(name)
                          for name, dtype in schema.items())
        statement = (f"COPY (SELECT {cells} FROM ({self._text(query)}) AS __result) "
                     f"TO STDOUT WITH (FORMAT csv, HEADER true)")
        buffer = io.BytesIO()
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[arg-type]
            for block in copy:
                buffer.write(block)
        if not buffer.getvalue():
            return pl.DataFrame(schema=dict(schema))
        buffer.seek(0)
        text = pl.read_csv(buffer, infer_schema=False, schema={
            name: pl.String for name in schema})
        return text.select(_parse_cell(name, dtype) for name, dtype in schema.items())

    def columns(self, query: str | exp.Expression) -> list[tuple[str, str]]:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({self._text(query)}) AS __q LIMIT 0")  # type: ignore[arg-type]
            described = cursor.description or []
            types = {oid: name for oid, name in self.connection.execute(
                "SELECT oid, format_type(oid, NULL) FROM pg_type WHERE oid = ANY(%s)",
                [[item.type_code for item in described]]).fetchall()}
        return [(item.name, types.get(item.type_code, "text")) for item in described]

    def close(self) -> None:
        self.connection.close()


def quote(name: str) -> str:
    """An identifier in double quotes (DuckDB, PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


_NESTED = (pl.List, pl.Struct, pl.Array)


def _as_csv_cell(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column as the text PostgreSQL reads back (nested values as JSON)."""
    if isinstance(dtype, _NESTED):
        return pl.struct(pl.col(name).alias("v")).struct.json_encode().alias(name)
    if isinstance(dtype, (pl.Enum, pl.Categorical)):
        return pl.col(name).cast(pl.String)
    return pl.col(name)


def _pg_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return _pg_type(dtype.inner) + "[]"
    if isinstance(dtype, pl.Struct):
        return PG_INTERVAL
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "bigint"
    if dtype.is_float():
        return "double precision"
    if dtype == pl.Date:
        return "date"
    return "text"


def _from_json(value: str, dtype: pl.DataType) -> str:
    """SQL reading a JSON value (``json``) as ``dtype``."""
    if isinstance(dtype, pl.List):
        item = _from_json("__item.value", dtype.inner)
        return (f"CASE WHEN json_typeof({value}) = 'array' THEN ARRAY(SELECT {item} FROM "
                f"json_array_elements({value}) WITH ORDINALITY AS __item(value, position) "
                f"ORDER BY __item.position) END")
    if isinstance(dtype, pl.Struct):
        return (f"CASE WHEN json_typeof({value}) = 'object' THEN ROW(({value}->>'start')::date,"
                f" ({value}->>'end')::date)::{PG_INTERVAL} END")
    return f"CAST({value} #>> '{{}}' AS {_pg_type(dtype)})"


def _from_text(column: str, dtype: pl.DataType) -> str:
    if isinstance(dtype, _NESTED):
        return _from_json(f"({column}::json->'v')", dtype)
    return f"CAST({column} AS {_pg_type(dtype)})"


def _to_text(column: str, dtype: pl.DataType) -> str:
    if isinstance(dtype, _NESTED):
        return f"to_json({column})::text"
    if dtype == pl.Boolean:
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    if dtype.is_float():
        return f"CAST({column} AS double precision)::text"
    return f"CAST({column} AS text)"


def _parse_cell(name: str, dtype: pl.DataType) -> pl.Expr:
    cell = pl.col(name)
    if isinstance(dtype, _NESTED):
        return cell.str.json_decode(dtype).alias(name)
    if dtype == pl.Boolean:
        return (cell == "true").alias(name)
    if dtype == pl.Date:
        return cell.str.to_date("%Y-%m-%d").alias(name)
    return cell.cast(dtype).alias(name)


# --- Spark --------------------------------------------------------------------------------------


class SparkDatabase(Database):
    """Spark SQL through a SparkSession: ``local[*]`` here, a cluster's master URL there."""

    dialect: Dialect = "spark"

    def __init__(self, master: str = "local[2]") -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as error:
            raise EngineUnavailableError(str(error)) from error
        self.session = (SparkSession.builder.master(master).appName("eligibility")
                        .config("spark.sql.session.timeZone", "UTC")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", "4")
                        .getOrCreate())
        self._folder = tempfile.TemporaryDirectory(prefix="eligibility-spark-")
        self._tables: list[str] = []

    def execute(self, statement: str | exp.Expression) -> None:
        self.session.sql(self._text(statement)).collect()

    def materialize(self, name: str, query: exp.Expression) -> None:
        self.session.sql(self.text(query)).createOrReplaceTempView(name)
        self.session.catalog.cacheTable(name)

    def put(self, name: str, frame: pl.DataFrame) -> None:
        # Spark skips files whose names start with "_" or ".": number them instead.
        path = Path(self._folder.name) / f"table{len(self._tables)}.parquet"
        self._tables.append(name)
        frame.with_columns(pl.col(column).cast(pl.String) for column, dtype
                           in frame.schema.items() if isinstance(dtype, (pl.Enum, pl.Categorical))
                           ).write_parquet(path)
        self.session.read.parquet(str(path)).createOrReplaceTempView(name)

    def fetch(self, query: str | exp.Expression,
              schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        table = self.session.sql(self._text(query)).toArrow()
        return conform(pl.from_arrow(table), schema)  # type: ignore[arg-type]

    def columns(self, query: str | exp.Expression) -> list[tuple[str, str]]:
        frame = self.session.sql(self._text(query))
        return [(item.name, item.dataType.simpleString()) for item in frame.schema.fields]

    def close(self) -> None:
        self._folder.cleanup()


# --- choosing one ---------------------------------------------------------------------------------


def connect(target: str | None = None) -> Database:
    """A database for ``target``: nothing (DuckDB in memory), a ``postgresql://`` URL, a
    ``spark://``/``local[...]`` Spark master, or a DuckDB database file."""
    if target is None or target in ("", "duckdb", ":memory:"):
        return DuckDatabase()
    if target.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(target)
    if target.startswith(("spark://", "local[", "local")) or target == "spark":
        return SparkDatabase("local[2]" if target == "spark" else target)
    return DuckDatabase(target)


@contextlib.contextmanager
def temporary_name(database: Database, stem: str) -> Iterator[str]:
    """A table name for the duration of a block (the table is dropped after)."""
    name = f"__eligibility_{stem}_{os.getpid()}"
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            if not isinstance(database, SparkDatabase | DuckDatabase):
                database.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def sql_literal(value: Any) -> str:
    """A text value as an SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"
