"""The scratch PostgreSQL server the tests and benchmarks start."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import psycopg
import pytest

from eligibility.testing.postgres import PostgresUnavailable, ScratchPostgres, postgres_binaries


def test_a_scratch_server_starts_answers_and_is_gone_after() -> None:
    """GIVEN PostgreSQL's programs WHEN a scratch server is started THEN it answers on
    127.0.0.1 only, and once stopped its folder is gone and its port closed."""
    try:
        server = ScratchPostgres.find()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    with server:
        folder = server.folder
        assert folder is not None and folder.exists()
        with psycopg.connect(server.url) as connection:
            assert connection.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
    assert not folder.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port),
                                                          timeout=1):
        pass


def test_missing_programs_are_said_plainly(tmp_path: Path) -> None:
    """GIVEN folders without PostgreSQL's programs (an install folder holding only pg_ctl)
    WHEN they are looked for THEN the error says what to install."""
    partial = tmp_path / "15" / "bin"
    partial.mkdir(parents=True)
    (partial / "pg_ctl").write_text("")
    with pytest.raises(PostgresUnavailable, match="apt-get install postgresql"):
        postgres_binaries(tmp_path, search_path=str(tmp_path / "nowhere"))
