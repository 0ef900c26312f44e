"""Shared test configuration: Hypothesis settings profiles, and a PostgreSQL server.

``ci`` (the default) keeps the suite quick and reproducible: few examples, derandomized
(the same examples every run, no example database). ``thorough`` explores: many examples,
random, with the database. Choose with ``HYPOTHESIS_PROFILE=thorough pytest``. Tests that
set ``max_examples`` themselves keep it under either profile.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import eligibility

settings.register_profile(
    "ci", max_examples=50, deadline=None, derandomize=True, database=None)
settings.register_profile(
    "thorough", max_examples=500, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


#: The engines a live session can run on (durable needs durable-rules).
SESSION_ENGINES = [pytest.param("durable", marks=pytest.mark.durable), "scalar"]


@pytest.fixture(scope="module")
def hanoi() -> eligibility.CompiledRulebook:
    """The bundled Hanoi rulebook (a module may define its own ``hanoi``)."""
    return eligibility.load_rulebook(Path(__file__).resolve().parent.parent / "rules"
                                     / "hanoi-2022-2025.yaml")


@pytest.fixture(params=SESSION_ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each session engine in turn (a module may define its own ``engine``)."""
    if request.param == "durable":
        pytest.importorskip("durable", reason="durable-rules is not installed")
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL server for the whole test session (Debian's ``postgresql``).

    Skipped where PostgreSQL is not installed; in CI (``CI`` set) its absence is a failure,
    since ``.ci/run`` installs it.
    """
    from eligibility.testing.postgres import PostgresUnavailable, ScratchPostgres

    try:
        server = ScratchPostgres.find().start()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server here: {error}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def sql_database(request: pytest.FixtureRequest) -> Iterator[object]:
    """A database the SQL engine runs in: DuckDB in memory, then the session's PostgreSQL."""
    from eligibility.engines.sql.database import DuckDatabase, PostgresDatabase

    if request.param == "postgres":
        connection = PostgresDatabase(request.getfixturevalue("postgres_url"))
    else:
        connection = DuckDatabase()
    with connection:
        yield connection
