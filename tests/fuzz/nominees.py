"""Mutated nominee files: rows of the bundled example, changed cell by cell, in their
header and row structure, written as CSV, Excel or Parquet, and then in their bytes.

:func:`mutated_nominees` draws one case from a seeded :class:`random.Random`. A case knows
how many data rows it holds when its file was written by a proper writer and no byte was
changed afterwards, so that the run's ``rows_in`` can be checked against it.
"""

from __future__ import annotations

import csv
import functools
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import xlsxwriter
from tests.fuzz import values

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hanoi" / "nominees.csv"
LIST_COLUMNS = ("nominated_for", "enrollments")
QUOTAS = ["noi-vu-urban", "noi-vu-hr", "tai-chinh", "tt-tt", "kh-cn", "gd-dt", "y-te",
          "pg-abroad", "pg-domestic"]

Table = list[list[str]]


@dataclass
class NomineeCase:
    """A nominee file's name and bytes, and its data rows when they are known."""

    name: str
    data: bytes
    expected_rows: int | None
    mutations: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        path = folder / self.name
        path.write_bytes(self.data)
        return path


@functools.cache
def example_rows() -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return tuple(rows[0]), tuple(tuple(row) for row in rows[1:])


def mutated_nominees(rng: random.Random, *, rows: tuple[int, int] = (5, 40),
                     max_mutations: int = 3) -> NomineeCase:
    """One nominee case: 5 to 40 example rows with 1 to ``max_mutations`` mutations."""
    header, body = example_rows()
    table: Table = [list(header), *(list(row) for row in rng.sample(body, rng.randint(*rows)))]
    mutations: list[str] = []
    shape_known = True
    for _ in range(rng.randint(1, max_mutations)):
        if len(table) < 2 or not table[0]:
            break  # no data row or no column left to change
        name, operator, keeps_shape = rng.choice(TABLE_MUTATIONS)
        mutations.append(f"{name}: {operator(rng, table)}")
        shape_known = shape_known and keeps_shape
    fmt = rng.choices(["csv", "xlsx", "parquet"], weights=[6, 2, 2])[0]
    data, detail = WRITERS[fmt](rng, table)
    mutations.append(f"written as {fmt}{detail}")
    expected: int | None = len(table) - 1 if shape_known else None
    if rng.random() < 0.25:
        name, byte_operator = rng.choice(BYTE_MUTATIONS)
        data = byte_operator(rng, data)
        mutations.append(name)
        expected = None
    if expected is not None and any(not any(cell.strip() for cell in row) for row in table[1:]):
        expected = None  # a blank row may be skipped as no row at all
    return NomineeCase(f"nominees.{fmt}", data, expected, mutations)


# --- table mutations: (name, operator, keeps one data row per row written) ------------------


def _cell(rng: random.Random, table: Table) -> str:
    row = rng.randrange(1, len(table))
    if not table[row]:  # a row an earlier mutation emptied
        return f"row {row} is empty"
    column = rng.randrange(len(table[row]))  # an earlier mutation may have reshaped it
    table[row][column] = values.text(rng) if rng.random() < 0.8 else str(values.number(rng))
    name = table[0][column] if column < len(table[0]) else f"#{column + 1}"
    return f"row {row} {name} = {table[row][column]!r:.40}"


def _id_twin(rng: random.Random, table: Table) -> str:
    if len(table) < 3:
        return "too few rows"
    column = table[0].index("id") if "id" in table[0] else 0
    source, target = rng.sample(range(1, len(table)), 2)
    if column >= min(len(table[source]), len(table[target])):  # a row reshaped earlier
        return f"row {source} or {target} has no id cell"
    twin = table[source][column]
    twin = rng.choice([twin, twin + "\u200b", twin.replace("-", "\u2011"), " " + twin,
                       twin.lower(), twin + "\x00", "\u202e" + twin])
    table[target][column] = twin
    return f"row {target} id = {twin!r}"


def _list_cell(rng: random.Random, table: Table) -> str:
    name = rng.choice([name for name in LIST_COLUMNS if name in table[0]] or [table[0][0]])
    column = table[0].index(name)
    count = rng.choice([0, 2, 9, 50, 500, 2_000])
    if name == "nominated_for":
        cell = ";".join(rng.choice(QUOTAS) for _ in range(count))
    else:
        cell = ";".join("2023-01-01/2023-12-31" for _ in range(count))
    row = rng.randrange(1, len(table))
    if column >= len(table[row]):  # a row an earlier mutation shortened
        return f"row {row} has no {name} cell"
    table[row][column] = cell
    return f"row {row} {name}: {count} items"


def _header(rng: random.Random, table: Table) -> str:
    header = table[0]
    column = rng.randrange(len(header))
    operation = rng.randrange(5)
    if operation == 0 and len(set(header)) > 1:
        other = rng.choice([name for name in header if name != header[column]])
        before, header[column] = header[column], other
        return f"header {before} renamed to a duplicate {other}"
    if operation == 1:
        before, header[column] = header[column], header[column].upper() + " "
        return f"header {before} changed in case and spacing"
    if operation == 2 and len(header) > 1:
        for row in table:
            if column < len(row):  # a row an earlier mutation shortened may lack it
                del row[column]
        return "column removed"
    if operation == 3:
        for index, row in enumerate(table):
            row.append("extra" if index == 0 else values.text(rng))
        return "unknown column added"
    count = rng.choice([50, 1_000, 5_000])
    for index, row in enumerate(table):
        row.extend([f"c{number}" if index == 0 else "" for number in range(count)])
    return f"{count} columns added"


def _row_shape(rng: random.Random, table: Table) -> str:
    row = rng.randrange(1, len(table))
    if rng.random() < 0.5 or len(table[row]) < 2:
        table[row].append("surplus")
        return f"row {row} has one field too many"
    del table[row][-1]
    return f"row {row} has one field too few"


def _rows(rng: random.Random, table: Table) -> str:
    operation = rng.randrange(3)
    if operation == 0:
        del table[1:]
        return "no data rows"
    if operation == 1:
        table.append(list(table[rng.randrange(1, len(table))]) if len(table) > 1 else
                     [""] * len(table[0]))
        return "a row repeated"
    table.insert(rng.randrange(1, len(table) + 1), [""] * len(table[0]))
    return "a blank row"


TABLE_MUTATIONS: list[tuple[str, Callable[[random.Random, Table], str], bool]] = [
    ("cell", _cell, True), ("cell", _cell, True), ("cell", _cell, True),
    ("id twin", _id_twin, True), ("list cell", _list_cell, True), ("header", _header, True),
    ("row shape", _row_shape, True), ("rows", _rows, True),
]


# --- writers -------------------------------------------------------------------------------


def _csv(rng: random.Random, table: Table) -> tuple[bytes, str]:
    delimiter = rng.choice([",", ",", ";", "\t"])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=rng.choice(["\r\n", "\n"])) \
        .writerows(table)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1258", "utf-16"])
    return buffer.getvalue().encode(encoding, "replace"), f" ({encoding}, {delimiter!r})"


def _xlsx(rng: random.Random, table: Table) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                            "strings_to_formulas": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet()
    for row, cells in enumerate(table):
        for column, cell in enumerate(cells):
            if column < 16_384:
                sheet.write_string(row, column, cell.replace("\x00", ""))
    detail = ""
    if rng.random() < 0.05:
        sheet.write_string(1_048_575, 16_383, "far away")
        detail = " with a cell at XFD1048576"
    workbook.close()
    return buffer.getvalue(), detail


def _parquet(rng: random.Random, table: Table) -> tuple[bytes, str]:
    header = _unique(table[0])
    width = len(header)
    rows = [row + [""] * (width - len(row)) for row in table[1:]]
    frame = pl.DataFrame({name: [row[index] for row in rows] for index, name in
                          enumerate(header)}, schema=dict.fromkeys(header, pl.String))
    detail = ""
    if rng.random() < 0.3 and width:
        name = rng.choice(header)
        kind = rng.choice(["binary", "int", "date", "duration", "list", "float", "null"])
        frame = frame.with_columns(_typed(kind, frame.height).alias(name))
        detail = f", column {name} as {kind}"
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue(), detail


def _typed(kind: str, height: int) -> pl.Series:
    import datetime as dt

    series = {
        "binary": pl.Series([b"\x00\xff"] * height, dtype=pl.Binary),
        "int": pl.Series([2**62] * height, dtype=pl.Int64),
        "date": pl.Series([dt.date(9999, 12, 31)] * height, dtype=pl.Date),
        "duration": pl.Series([dt.timedelta(days=1)] * height, dtype=pl.Duration),
        "list": pl.Series([["a", "b"]] * height, dtype=pl.List(pl.String)),
        "float": pl.Series([float("nan")] * height, dtype=pl.Float64),
        "null": pl.Series([None] * height, dtype=pl.Null),
    }
    return series[kind]


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


WRITERS: dict[str, Callable[[random.Random, Table], tuple[bytes, str]]] = {
    "csv": _csv, "xlsx": _xlsx, "parquet": _parquet}


# --- byte mutations ------------------------------------------------------------------------


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([b"\x00", b'"', b"\r", b"\n", b"\xff\xfe", b"\xef\xbb\xbf",
                                   b",,,,,", b"\x1b[2J"]) + data[at:]


BYTE_MUTATIONS: list[tuple[str, Callable[[random.Random, bytes], bytes]]] = [
    ("bytes flipped", values.flipped), ("bytes cut", values.cut), ("bytes inserted", _insert)]
