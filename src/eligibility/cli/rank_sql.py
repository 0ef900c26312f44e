"""``eligibility rank`` with the SQL engine: nominees in a file or in a database, results in
files or in tables of that database."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from eligibility.api import Decisions
from eligibility.errors import InputError, UsageError
from eligibility.intake.nominees import Intake
from eligibility.intake.wording import say
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["DATABASE_SUFFIXES", "SqlRun", "database_target", "described", "rank_with_sql"]

DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db")


def database_target(nominees: str) -> str | None:
    """The database ``nominees`` names (a ``postgresql://`` URL or a DuckDB file), or None
    for a nominee file."""
    if nominees.startswith(("postgresql://", "postgres://")):
        return nominees
    if Path(nominees).suffix.lower() in DATABASE_SUFFIXES:
        return nominees
    return None


def described(target: str) -> str:
    """A database as the manifest and messages name it: a URL without its password."""
    if "://" not in target:
        return Path(target).name
    parts = urlsplit(target)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}", parts.path, "", ""))


@dataclass
class SqlRun:
    """What a run with the SQL engine decided, and where it wrote tables."""

    decisions: Decisions
    tables: tuple[str, str] | None


@contextlib.contextmanager
def database_errors(target: str, language: str) -> Iterator[None]:
    """A database's own errors (no such table, a query that does not run, a server that
    cannot be reached) as input errors naming the database."""
    failures: list[type[BaseException]] = []
    with contextlib.suppress(ImportError):
        import duckdb
        failures.append(duckdb.Error)
    with contextlib.suppress(ImportError):
        import psycopg
        failures.append(psycopg.Error)
    try:
        yield
    except tuple(failures) as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(say("sql.database_error", language, detail=detail),
                         file=described(target)) from None


def rank_with_sql(compiled: CompiledRulebook, *, language: str, intake: Intake | None,
                  target: str | None, table: str | None, query: str | None,
                  files: bool, write_tables: bool, table_prefix: str) -> SqlRun:
    """Decide in a database: nominees read by file intake (``intake``) or from ``table`` /
    ``query`` in ``target``; the decisions read back when ``files`` are written, tables
    written when ``write_tables``."""
    from eligibility.engines.sql.database import connect
    from eligibility.engines.sql.intake import TableSource, read_database_nominees
    from eligibility.engines.sql.pipeline import (
        decide_in_database,
        nominations_from_intake,
        rank_in_database,
        summary_in_database,
    )
    from eligibility.engines.sql.sinks import write_tables as write_result_tables

    if write_tables and target is None:
        raise UsageError(say("sql.tables_need_database", language, file="-"))
    place = target or "duckdb"
    with database_errors(place, language):
        try:
            connection = connect(target)
        except Exception as error:  # the driver's own errors: a server not reached...
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise InputError(say("sql.cannot_connect", language, target=described(place),
                                 detail=detail)) from None
        with connection:
            if intake is not None:
                nominations = nominations_from_intake(connection, compiled, intake)
            else:
                nominations = read_database_nominees(
                    connection, compiled, TableSource(table=table, query=query),
                    language=language)
            if files:
                decided, ranked = decide_in_database(connection, compiled, nominations,
                                                     languages=(language,))
                decisions = Decisions(compiled, decided, nominations.rejected,
                                      nominations.rows_in, "sql", list(nominations.warnings),
                                      nominations.extras(), (language,))
            else:
                ranked = rank_in_database(connection, compiled, nominations)
                decisions = summary_in_database(connection, compiled, ranked, nominations)
            tables = write_result_tables(connection, compiled, ranked, nominations.rejected,
                                         language=language, prefix=table_prefix,
                                         source_table=table) if write_tables else None
    return SqlRun(decisions, tables)
