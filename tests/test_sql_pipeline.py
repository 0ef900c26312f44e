"""The SQL engine ranks inside the database and writes the same files as the vectorized
engine: the bundled example and 100,000 generated nominees, in DuckDB and in PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import eligibility
from eligibility.engines.sql.database import DuckDatabase
from eligibility.engines.sql.pipeline import (
    decide_in_database,
    nominations_from_intake,
    rank_in_database,
)
from eligibility.frames import CANDIDATE, QUOTA, RANK, STATUS
from eligibility.intake.nominees import read_nominees
from eligibility.selection import select

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rules" / "hanoi-2022-2025.yaml"
EXAMPLE = ROOT / "examples" / "hanoi" / "nominees.csv"
GENERATOR = ROOT / "examples" / "hanoi" / "generate.py"


def _rank(nominees: Path, out: Path, *options: str) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(nominees), "--rules", str(RULEBOOK),
         "--out", str(out), *options], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


def _database_options(where: str, request: pytest.FixtureRequest) -> list[str]:
    if where == "postgres":
        return ["--engine", "sql", "--database", request.getfixturevalue("postgres_url")]
    return ["--engine", "sql"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 generated Hanoi nominees, some rows spoilt."""
    path = tmp_path_factory.mktemp("generated") / "nominees.csv"
    subprocess.run([sys.executable, str(GENERATOR), "--count", "100000", "--seed", "14",
                    "--out", str(path)], check=True, capture_output=True)
    return path


@pytest.mark.parametrize("where", ["duckdb", "postgres"])
@pytest.mark.parametrize("source", ["example", "generated"])
def test_sql_engine_writes_the_vectorized_engines_files(
        source: str, where: str, generated: Path, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """GIVEN the bundled example (3,000 rows) or 100,000 generated nominees WHEN ranked with
    --engine sql in DuckDB or PostgreSQL THEN decisions.csv and rejected.csv are
    byte-identical to the vectorized engine's, and every status occurs."""
    nominees = EXAMPLE if source == "example" else generated
    options = _database_options(where, request)
    reference = _rank(nominees, tmp_path / "vectorized")
    ranked = _rank(nominees, tmp_path / "sql", *options)
    for name in ("decisions.csv", "rejected.csv"):
        assert (ranked / name).read_bytes() == (reference / name).read_bytes(), name
    statuses = pl.read_csv(ranked / "decisions.csv")[STATUS].unique().to_list()
    assert set(statuses) == {"selected", "reserve", "placed_elsewhere", "ineligible"}


def test_only_applications_that_can_win_a_seat_come_back() -> None:
    """GIVEN the bundled example WHEN ranked in DuckDB THEN the seats equal those deferred
    acceptance gives on every application, though far fewer applications came back for it,
    and every status equals the in-memory selection's."""
    rulebook = eligibility.load_rulebook(RULEBOOK)
    intake = read_nominees(EXAMPLE, rulebook)
    with DuckDatabase() as database:
        nominations = nominations_from_intake(database, rulebook, intake)
        ranked = rank_in_database(database, rulebook, nominations)
        eligible = database.fetch("SELECT count(*) AS n FROM __eligibility_ranked "
                                  "WHERE eligible", {"n": pl.Int64()})["n"][0]
        decided, _ = decide_in_database(database, rulebook, nominations, languages=("vi",))
    in_memory = select(rulebook, eligibility.engines.frame_engine("vectorized")(
        rulebook, intake.nominations))
    seated = in_memory.filter(pl.col(STATUS) == "selected").select(CANDIDATE, QUOTA)
    assert ranked.seats.sort(QUOTA, CANDIDATE).equals(seated.sort(QUOTA, CANDIDATE))
    assert ranked.candidates < eligible
    key = [QUOTA, CANDIDATE]
    assert decided.select(*key, RANK, STATUS).sort(key).equals(
        in_memory.select(*key, RANK, STATUS).sort(key))
