"""``eligibility rank`` with the SQL engine: sources, sinks and the options that go with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from eligibility.cli import app
from eligibility.cli.rank_sql import database_target, described

ROOT = Path(__file__).resolve().parent.parent
RULES = str(ROOT / "rules" / "hanoi-2022-2025.yaml")
EXAMPLE = str(ROOT / "examples" / "hanoi" / "nominees.csv")


def test_a_database_is_named_by_its_url_or_its_file() -> None:
    """GIVEN nominee arguments WHEN read THEN URLs and DuckDB files are databases, other
    files are nominee files, and a URL is shown without its password."""
    assert database_target("postgresql://hr:secret@db:5433/staff") is not None
    assert database_target("staff.duckdb") == "staff.duckdb"
    assert database_target("nominees.csv") is None
    assert described("postgresql://hr:secret@db:5433/staff") == "postgresql://hr@db:5433/staff"
    assert "secret" not in described("postgres://hr:secret@db/staff")


@pytest.mark.parametrize(("arguments", "words"), [
    ([EXAMPLE, "--table", "staff", "--out", "o"], "--table"),
    (["staff.duckdb", "--out", "o"], "--table"),
    (["staff.duckdb", "--table", "t", "--query", "SELECT 1", "--out", "o"], "--query"),
    (["staff.duckdb", "--table", "t", "--engine", "vectorized", "--out", "o"], "sql"),
    ([EXAMPLE], "--out"),
    ([EXAMPLE, "--write-tables", "--engine", "sql"], "--write-tables"),
])
def test_options_that_do_not_go_together_are_refused(arguments: list[str], words: str,
                                                     tmp_path: Path) -> None:
    """GIVEN options that cannot be used together WHEN rank runs THEN it stops with exit
    status 2 and says which option, in the run's language, before reading anything."""
    result = CliRunner().invoke(app, ["rank", *arguments, "--rules", RULES, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_a_database_that_cannot_be_reached_is_an_input_error(tmp_path: Path) -> None:
    """GIVEN a PostgreSQL URL where no server listens WHEN ranked THEN exit status 2 with the
    database named without a password, never a traceback."""
    result = CliRunner().invoke(app, ["rank", "postgresql://hr:secret@127.0.0.1:1/staff",
                                      "--table", "staff", "--rules", RULES,
                                      "--out", str(tmp_path / "o"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "postgresql://hr@127.0.0.1:1/staff" in result.output
    assert "secret" not in result.output and "Traceback" not in result.output


def test_a_missing_table_is_an_input_error(tmp_path: Path) -> None:
    """GIVEN a DuckDB file without the table asked for WHEN ranked THEN exit status 2 with
    the database's own words."""
    import duckdb

    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    result = CliRunner().invoke(app, ["rank", str(path), "--table", "staff", "--rules", RULES,
                                      "--out", str(tmp_path / "o"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "staff" in result.output and "empty.duckdb" in result.output
