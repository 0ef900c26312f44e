"""A table's columns read part by part, each distinct cell of a repeating column once: the
same values and messages as each column read whole, cell by cell."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import eligibility
from eligibility.intake.columns import TableParser, _Table
from eligibility.intake.fields import field_parser, parse_field
from eligibility.intake.headers import HeaderIndex
from eligibility.intake.limits import LIMITS
from eligibility.intake.nominees import column_map
from eligibility.intake.readers import read_table_parts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hanoi" / "nominees.csv"


@pytest.fixture(scope="module")
def hanoi() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")


def _spoiled(frame: pl.DataFrame) -> pl.DataFrame:
    """The example with problems in some parts only: a missing required cell (first part),
    a bad date and a new rating spelling (second part), control characters and a cell too
    long (third part); and ratings spelt in one year's column first, then in other years'
    columns of later parts."""
    edits = {(10, "gender"): None, (1100, "birth_date"): "31/02/2020",
             (1200, "rating_2021"): "xuất sắc lắm", (2100, "note"): "a\x1bb",
             (20, "rating_2019"): "  hoàn THÀNH xuất sắc  nhiệm vụ ",
             (1300, "rating_2022"): "  hoàn THÀNH xuất sắc  nhiệm vụ ",
             (1400, "rating_2023"): "xuất sắc lắm", (2600, "rating_2019"): "xuất sắc lắm",
             (30, "rating_2020"): "   ", (2700, "rating_2024"): "   ",
             (2200, "full_name"): "Tab\tName", (2300, "agency"): "\u0085Sở",
             (2400, "note"): "x" * (LIMITS.max_cell_chars + 1),
             (2500, "phone"): "0123\u00a0456"}
    columns = {name: frame[name].to_list() for name in frame.columns}
    for (row, name), cell in edits.items():
        columns[name][row] = cell
    return pl.DataFrame(columns, schema=frame.schema)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_parts_read_as_the_columns_read_whole_cell_by_cell(
        hanoi: eligibility.CompiledRulebook, language: str) -> None:
    """GIVEN the example with problems in some of its three parts WHEN the parts are parsed
    one after the other THEN each column's values, parse messages and cell messages are
    those of the whole column parsed and checked cell by cell."""
    index = HeaderIndex(hanoi)
    parts = read_table_parts(EXAMPLE, sheet=0, language=language, limits=LIMITS,
                             header_score=index.score, rows_per_part=1_000_000)
    layout = parts.layout(language)
    columns = column_map(parts.table, layout.names, hanoi, language=language, index=index)
    whole = _spoiled(pl.concat([layout.apply(raw) for raw, _ in parts]))
    parser = TableParser(columns, layout.names, hanoi, language=language, limits=LIMITS)
    parsed = [parser.parse(whole.slice(start, 1000)) for start in range(0, whole.height, 1000)]
    reference = TableParser(columns, layout.names, hanoi, language=language, limits=LIMITS)
    by_header = dict(zip(layout.names, reference._readers.values(), strict=True))
    by_name = dict(parser._fields)
    for name, header in by_name.items():
        values, errors = by_header[header]._parsed(whole[header])
        assert values is not None and errors is not None
        assert pl.concat([part.values[name] for part in parsed]).equals(values.alias(name)), name
        got = pl.concat([dict(part.parse_errors)[header] for part in parsed])
        assert got.equals(errors), header
    for header in layout.names:
        expected = by_header[header]._cell_messages(whole[header])
        found = [dict(part.cell_errors).get(header) for part in parsed]
        if expected is None:
            assert found == [None] * len(parsed), header
            continue
        got = pl.concat([pl.repeat(None, 1000, dtype=pl.String, eager=True) if cells is None
                         else cells for cells in found])
        assert got.alias(header).equals(expected.alias(header)), header
    assert {header for part in parsed for header, _ in part.cell_errors} \
        == {"note", "full_name", "agency"}


@pytest.mark.parametrize("table", [
    [None, None, None],  # every entry null
    ["bad", None, "required"],  # only the missing cell's entry... and one more
    [None, None, "required"],  # only the missing cell's entry
    ["bad", "worse", None],  # some
])
@pytest.mark.parametrize("codes", [[0, 1, 1, 0], [1, None, 0], [None], []])
def test_a_table_read_by_code_gives_what_gathering_gives(table: list[str | None],
                                                         codes: list[int | None]) -> None:
    """GIVEN a table of messages by code (the last a missing cell's) with every entry null,
    only the missing cell's entry, or others WHEN codes with and without a missing cell are
    read THEN the entries are those gathered, whether gathered or known to be null."""
    column = pl.Series("m", table, dtype=pl.String)
    numbers = pl.Series(codes, dtype=pl.UInt32)
    read = _Table.of(column).read(numbers, len(table) - 1)
    assert read.equals(column.gather(numbers.fill_null(len(table) - 1)))
    assert read.name == "m"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_field_parser_reads_as_parse_field(hanoi: eligibility.CompiledRulebook,
                                             language: str) -> None:
    """GIVEN each field of the Hanoi rulebook and the example's column for it (a bad spelling
    added) WHEN read by the field's parser, made once, twice over, and by parse_field THEN
    the values and messages are the same."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False)
    for name, spec in hanoi.fields.items():
        column = frame[name if name in frame.columns else f"{name}_2023"]
        column = pl.concat([column, pl.Series(column.name, ["không rõ"])])
        parse = field_parser(spec, hanoi, language=language, limits=LIMITS)
        expected = parse_field(column, spec, hanoi, language=language, limits=LIMITS)
        for _ in range(2):
            got = parse(column)
            assert got.values.equals(expected.values), name
            assert got.errors.equals(expected.errors), name
