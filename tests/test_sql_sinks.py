"""Nominees read from a database, results written back as tables: the ``decisions`` and
``rejected`` tables hold what decisions.csv and rejected.csv hold, and no table of the user's
is ever replaced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import psycopg
import pytest

from eligibility.output.decisions import write_csv

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rules" / "hanoi-2022-2025.yaml"
EXAMPLE = ROOT / "examples" / "hanoi" / "nominees.csv"


def _rank(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "rank", *arguments,
                           "--rules", str(RULEBOOK)], capture_output=True, text=True,
                          check=False)


@pytest.fixture
def staff_file(tmp_path: Path) -> Path:
    """The bundled example as the table ``staff`` of a DuckDB file (every cell text)."""
    path = tmp_path / "staff.duckdb"
    cells = pl.read_csv(EXAMPLE, infer_schema=False)
    with duckdb.connect(str(path)) as connection:
        connection.register("cells", cells)
        connection.execute("CREATE TABLE staff AS SELECT * FROM cells")
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vectorized")
    result = _rank(str(EXAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_a_duckdb_table_gives_the_files_decisions_and_tables_hold_them(
        staff_file: Path, reference: Path, tmp_path: Path) -> None:
    """GIVEN the example as a DuckDB table WHEN ranked from the database with --out and
    --write-tables THEN the files are byte-identical to those of the CSV, and the tables
    written, read back and written as CSV, are the same bytes again."""
    out = tmp_path / "out"
    result = _rank(str(staff_file), "--table", "staff", "--out", str(out), "--write-tables")
    assert result.returncode == 0, result.stderr
    for name in ("decisions.csv", "rejected.csv"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    with duckdb.connect(str(staff_file), read_only=True) as connection:
        decisions = connection.sql("SELECT * FROM decisions").pl()
        rejected = connection.sql("SELECT * FROM rejected").pl()
        comment = connection.sql("SELECT comment FROM duckdb_tables() "
                                 "WHERE table_name = 'decisions'").fetchall()[0]
    write_csv(decisions.drop("phone", "note", strict=False), tmp_path / "decisions.csv")
    write_csv(rejected, tmp_path / "rejected.csv")
    expected = pl.read_csv(reference / "decisions.csv").drop("phone", "note")
    write_csv(expected, tmp_path / "expected.csv")
    assert (tmp_path / "decisions.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()
    assert (tmp_path / "rejected.csv").read_bytes() == (reference / "rejected.csv").read_bytes()
    assert comment is not None and comment[0].startswith("eligibility rank")


def test_a_table_of_the_users_is_never_replaced(staff_file: Path) -> None:
    """GIVEN a database with a table 'decisions' of the user's WHEN ranked with
    --write-tables THEN the run is refused (exit 2) naming the table, which is untouched;
    and writing over the input table is refused too."""
    with duckdb.connect(str(staff_file)) as connection:
        connection.execute("CREATE TABLE decisions AS SELECT 42 AS mine")
    result = _rank(str(staff_file), "--table", "staff", "--write-tables", "--lang", "en")
    assert result.returncode == 2
    assert "'decisions'" in result.stderr and "not replaced" in result.stderr
    with duckdb.connect(str(staff_file), read_only=True) as connection:
        assert connection.sql("SELECT mine FROM decisions").fetchall() == [(42,)]
    with duckdb.connect(str(staff_file)) as connection:
        connection.execute("CREATE TABLE x_rejected AS SELECT * FROM staff")
    result = _rank(str(staff_file), "--table", "x_rejected", "--write-tables", "--table-prefix",
                   "x_", "--lang", "en")
    assert result.returncode == 2 and "input table" in result.stderr


def test_tables_written_before_are_replaced(staff_file: Path) -> None:
    """GIVEN tables written by an earlier run WHEN ranked again with a prefix THEN they are
    replaced (one row per nomination), and nothing but the tables is written."""
    for _ in range(2):
        result = _rank(str(staff_file), "--table", "staff", "--write-tables",
                       "--table-prefix", "round_")
        assert result.returncode == 0, result.stderr
    with duckdb.connect(str(staff_file), read_only=True) as connection:
        assert connection.sql("SELECT count(*) FROM round_decisions").fetchall() == [(3951,)]
        assert connection.sql("SELECT count(*) FROM round_rejected").fetchall() == [(25,)]


def test_a_postgresql_query_is_ranked_into_tables(postgres_url: str, reference: Path,
                                                  tmp_path: Path) -> None:
    """GIVEN the example in a PostgreSQL table WHEN ranked with --query (ORDER BY numbers
    the rows as the file does) into tables only THEN the summary is printed, and the
    decisions table has decisions.csv's statuses, scores and reasons."""
    cells = pl.read_csv(EXAMPLE, infer_schema=False)
    names = ", ".join(f'"{name}"' for name in cells.columns)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS staff")
        connection.execute("CREATE TABLE staff (" + ", ".join(
            f'"{name}" text' for name in cells.columns) + ", line serial)")
        with connection.cursor() as cursor, cursor.copy(
                f"COPY staff ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(EXAMPLE.read_bytes())
    result = _rank(postgres_url, "--query", f"SELECT {names} FROM staff ORDER BY line",
                   "--write-tables")
    assert result.returncode == 0, result.stderr
    assert "decisions" in result.stdout and "741" in result.stdout
    with psycopg.connect(postgres_url) as connection:
        rows = connection.execute(
            "SELECT candidate_id, quota_id, status, score, reasons FROM decisions").fetchall()
    written = pl.DataFrame(rows, schema=["candidate_id", "quota_id", "status", "score",
                                         "reasons"], orient="row")
    expected = pl.read_csv(reference / "decisions.csv").select(written.columns)
    key = ["quota_id", "candidate_id"]
    assert written.sort(key).equals(expected.sort(key))
