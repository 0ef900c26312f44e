"""Nominees read from a database table give what the same rows read from a file give: the
same nominations, the same rejected rows with the same messages (the intake corpus, in DuckDB
and in PostgreSQL)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl
import pytest
import yaml

import eligibility
from eligibility.engines.sql.database import Database, DuckDatabase, PostgresDatabase
from eligibility.engines.sql.intake import (
    _COMPOSED_LATIN,
    TableSource,
    read_database_nominees,
)
from eligibility.frames import PREFERENCE, ROW
from eligibility.intake.nominees import REJECTED_COLUMNS
from eligibility.intake.readers import read_table
from eligibility.intake.table import normalized_cells
from eligibility.language.sql_builder import column, select, table
from eligibility.text import WHITESPACE

CORPUS = Path(__file__).parent / "data" / "intake"
RULES = Path(__file__).resolve().parent.parent / "rules" / "hanoi-2022-2025.yaml"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hanoi" / "nominees.csv"


def _readable_files() -> list[Path]:
    """Corpus files that are read (not refused), whose rows a table can hold."""
    found = []
    for expectation in sorted(CORPUS.glob("*.expect.yaml")):
        expected = yaml.safe_load(expectation.read_text(encoding="utf-8"))
        stem = expectation.name.removesuffix(".expect.yaml")
        if expected["outcome"] != "rejected_rows" or stem == "extra_field":
            continue  # extra_field: a row longer than the header has no table form
        found.append(next(path for path in CORPUS.iterdir()
                          if path.stem == stem and not path.name.endswith(".yaml")))
    return found


FILES = _readable_files()


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


def _cells(path: Path) -> pl.DataFrame:
    """A file's cells, as text under their headers: what a table of them holds."""
    return normalized_cells(read_table(path))


def _open(where: str, request: pytest.FixtureRequest) -> Database:
    if where == "postgres":
        return PostgresDatabase(request.getfixturevalue("postgres_url"))
    return DuckDatabase()


def _load(database: Database, cells: pl.DataFrame) -> TableSource:
    """``cells`` as a table of text columns, and the source reading it in file order."""
    if isinstance(database, PostgresDatabase):
        database.put("staff", cells.with_row_index("__line"))
        names = ", ".join('"' + name.replace('"', '""') + '"' for name in cells.columns)
        return TableSource(query=f"SELECT {names} FROM staff ORDER BY __line")
    database.put("staff_cells", cells)
    database.execute("CREATE TABLE staff AS SELECT * FROM staff_cells")
    return TableSource(table="staff")


def _compare(database: Database, rulebook: eligibility.CompiledRulebook, path: Path,
             source: TableSource, language: str) -> None:
    expected = eligibility.read_nominees(path, rulebook, language=language)
    read = read_database_nominees(database, rulebook, source, language=language)
    assert read.rows_in == expected.rows_in
    assert read.rejected.select(REJECTED_COLUMNS).equals(
        expected.rejected.select(REJECTED_COLUMNS)), (read.rejected, expected.rejected)
    nominations = database.fetch(select(*(column(name) for name in read.columns),
                                        source=table(read.relation)), read.schema)
    order = [ROW, PREFERENCE]
    wanted = expected.nominations.select(read.columns).sort(order)
    assert nominations.sort(order).equals(wanted), (nominations, wanted)


@pytest.mark.parametrize("where", ["duckdb", "postgres"])
@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_a_table_of_the_files_cells_reads_as_the_file(
        path: Path, where: str, rulebook: eligibility.CompiledRulebook,
        request: pytest.FixtureRequest) -> None:
    """GIVEN a nominee file of the intake corpus (control characters, long cells, NFD names,
    look-alike ids, impossible dates, unknown codes...) WHEN its cells are put in a table and
    read by SQL intake THEN the nominations and the rejected rows (row, column, value,
    message, line, id, name) are those file intake gives."""
    cells = _cells(path)
    if where == "postgres" and any(cells[name].str.contains("\x00").any()
                                   for name in cells.columns):
        pytest.skip("PostgreSQL text cannot hold NUL")
    with _open(where, request) as database:
        source = _load(database, cells)
        # Messages in both languages come from the same code; PostgreSQL checks one of them.
        for language in ("en", "vi") if where == "duckdb" else ("vi",):
            _compare(database, rulebook, path, source, language)


@pytest.mark.parametrize("where", ["duckdb", "postgres"])
def test_typed_columns_read_as_a_file_writes_them(
        where: str, rulebook: eligibility.CompiledRulebook, tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """GIVEN the bundled example in a table whose dates are DATE, flags BOOLEAN and one
    rating column a list WHEN read by SQL intake THEN it gives what the file gives."""
    cells = pl.read_csv(EXAMPLE, infer_schema=False).head(400)
    typed = cells.with_columns(
        pl.col("service_start").str.to_date("%Y-%m-%d", strict=False),
        pl.col("under_discipline").replace_strict({"true": True, "false": False},
                                                  default=None, return_dtype=pl.Boolean))
    readable = typed.with_columns(
        pl.col("service_start").dt.strftime("%Y-%m-%d"),
        pl.when(pl.col("under_discipline")).then(pl.lit("true"))
        .when(~pl.col("under_discipline")).then(pl.lit("false")).alias("under_discipline"))
    path = tmp_path / "typed.csv"
    readable.write_csv(path)
    with _open(where, request) as database:
        source = _load(database, typed)
        _compare(database, rulebook, path, source, "vi")


def test_cells_kept_as_they_are_are_already_in_their_stored_form() -> None:
    """GIVEN every letter SQL intake keeps without asking the parser (printable ASCII and
    the composed Latin letters, all of Vietnamese) WHEN normalized as file intake stores text
    THEN none changes and none is whitespace."""
    ranges = [(ord(_COMPOSED_LATIN[index]), ord(_COMPOSED_LATIN[index + 2]))
              for index in range(0, len(_COMPOSED_LATIN), 3)]
    assert ranges == [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    letters = [chr(code) for code in range(0x21, 0x7F)]
    for first, last in ranges:
        letters += [chr(code) for code in range(first, last + 1)]
    for letter in letters:
        assert unicodedata.is_normalized("NFC", letter), hex(ord(letter))
        assert unicodedata.normalize("NFC", letter + letter) == letter + letter
        assert letter not in WHITESPACE
    assert "ễ" in letters and "Đ" in letters
