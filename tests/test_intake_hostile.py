"""Hostile nominee files, run through ``eligibility rank``: bounded, refused clearly, exit 0 or 2.

Each file is made here (some are too big to keep in the repository). Each run is a separate
process that records its own peak memory, so that "a small file cannot exhaust the machine" is
measured, not assumed.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
MAX_SECONDS = 30.0  # generous for a busy shared machine; each run takes a few seconds alone
MAX_MEGABYTES = 600


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# Runs the command line and then records the process's own peak memory (VmHWM: the high-water
# mark of its memory since it started, which a parent's size does not inflate).
_MEASURED = """
import sys
from pathlib import Path
peak = Path(sys.argv[1])
sys.argv = ["eligibility", *sys.argv[2:]]
from eligibility.cli import main
try:
    main()
finally:
    with open("/proc/self/status") as status:
        peak.write_text(next(line for line in status if line.startswith("VmHWM")))
"""


def rank(nominees: Path, out: Path, *extra: str) -> Run:
    """Run ``eligibility rank`` in its own process; its exit, output, time and peak memory."""
    out.parent.mkdir(parents=True, exist_ok=True)
    peak = out.parent / "peak.txt"
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED, str(peak), "rank", str(nominees), "--rules",
             str(RULES), "--out", str(out), "--lang", "en", *extra],
            capture_output=True, text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"rank {nominees.name} did not finish in 120 s")
    kilobytes = int(peak.read_text().split()[1])
    return Run(result.returncode, result.stdout, result.stderr, time.monotonic() - started,
               kilobytes / 1024)


def deflate_bomb(name: str, *, block: int, repeats: int) -> bytes:
    """A one-part zip whose part is ``repeats`` × ``block`` spaces, built without deflating
    them all: a fully flushed deflate block of spaces is the same bytes every time, so it is
    compressed once and repeated."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    piece = compressor.compress(b" " * block) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = piece * repeats + compressor.flush(zlib.Z_FINISH)
    crc = 0
    chunk = b" " * block
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    size = block * repeats
    encoded = name.encode()
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0, crc, len(data), size)
    local = b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded
    central = (b"PK\x01\x02" + struct.pack("<H", 20) + fields
               + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, 0) + encoded)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central),
                                        len(local) + len(data), 0)
    return local + data + central + end


def header_and_rows() -> tuple[str, list[str]]:
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    return lines[0], lines[1:6]


def assert_bounded(run: Run) -> None:
    assert run.seconds < MAX_SECONDS, run.seconds
    assert run.peak_mb < MAX_MEGABYTES, run.peak_mb


def test_list_cells_of_20000_items_reject_their_rows_cheaply(tmp_path: Path) -> None:
    """GIVEN a nominated_for cell and an enrollments cell of 20,000 items each (~200-440 KB)
    WHEN the file is ranked
    THEN the run ends normally within seconds and a few hundred MB, and both rows are rejected
    naming the limit; the other rows are decided."""
    header, rows = header_and_rows()
    columns = header.split(",")
    first = rows[0].split(",")
    second = rows[1].split(",")
    first[columns.index("nominated_for")] = ";".join(["pg-domestic"] * 20_000)
    second[columns.index("enrollments")] = ";".join(["2022-11-01/2022-11-08"] * 20_000)
    path = tmp_path / "big-cells.csv"
    path.write_text("\n".join([header, ",".join(first), ",".join(second), *rows[2:]]) + "\n",
                    encoding="utf-8")
    run = rank(path, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert_bounded(run)
    rejected = pl.read_csv(tmp_path / "out" / "rejected.csv", infer_schema=False)
    assert rejected["row"].to_list() == ["1", "2"]
    # The cells are longer than a cell may be, which is checked before any splitting.
    assert all("max_cell_chars" in error or "max_items_per_cell" in error
               for error in rejected["error"])
    assert all(len(value) < 2_000 for value in rejected["value"])


def test_a_file_of_100000_columns_is_refused_fast(tmp_path: Path) -> None:
    """GIVEN a CSV whose header has 100,000 columns
    WHEN it is ranked
    THEN it is refused at once (exit 2) naming the number of columns and the limit."""
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{index}" for index in range(100_000))
    path.write_text(f"{header}\n{','.join(['x'] * 100_000)}\n", encoding="utf-8")
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert_bounded(run)
    assert "100,000 columns" in run.stderr and "max_columns" in run.stderr


def test_a_workbook_with_one_far_cell_is_refused_before_reading(tmp_path: Path) -> None:
    """GIVEN a 5 KB .xlsx with the nominee header and one cell at XFD1048576
    WHEN it is ranked
    THEN it is refused (exit 2) naming the sheet, the far column and the limit, without the
    reader allocating the 17-billion-cell rectangle."""
    path = tmp_path / "far.xlsx"
    header, rows = header_and_rows()
    with xlsxwriter.Workbook(str(path)) as workbook:
        sheet = workbook.add_worksheet("Danh sách")
        sheet.write_row(0, 0, header.split(","))
        sheet.write_row(1, 0, rows[0].split(","))
        sheet.write(1_048_575, 16_383, "x")
    assert path.stat().st_size < 20_000
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert_bounded(run)
    assert "XFD" in run.stderr and "max_columns" in run.stderr and "Danh sách" in run.stderr


def test_a_workbook_that_expands_past_the_limit_is_refused(tmp_path: Path) -> None:
    """GIVEN an .xlsx of a few MB whose sheet expands to 1.1 GB
    WHEN it is ranked
    THEN it is refused (exit 2) naming the uncompressed-size limit, without unzipping it."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(deflate_bomb("xl/worksheets/sheet1.xml", block=1 << 24, repeats=66))
    assert path.stat().st_size < 10_000_000
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert_bounded(run)
    assert "max_xlsx_uncompressed_bytes" in run.stderr


def test_a_workbook_part_that_lies_about_its_size_is_refused_as_damaged(tmp_path: Path) -> None:
    """GIVEN an .xlsx whose sheet part declares 100 bytes but holds 50 MB
    WHEN it is ranked
    THEN only the declared bytes are unzipped; the checksum fails and the file is refused as
    damaged (exit 2)."""
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 50_000_000)
    data = bytearray(path.read_bytes())
    true_size = (50_000_000).to_bytes(4, "little")
    fake_size = (100).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    assert data[local + 22:local + 26] == true_size
    assert data[central + 24:central + 28] == true_size
    data[local + 22:local + 26] = fake_size
    data[central + 24:central + 28] = fake_size
    path.write_bytes(bytes(data))
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert_bounded(run)
    assert "damaged" in run.stderr


@pytest.mark.parametrize(("offsets", "value", "what"), [
    ((8, 10), 98, "a compression method zipfile cannot read (PPMd)"),
    ((6, 8), 1, "an encrypted member"),
    ((4, 6), 99, "a zip version zipfile cannot read"),
])
def test_an_unreadable_workbook_member_is_refused_as_damaged(
        tmp_path: Path, offsets: tuple[int, int], value: int, what: str) -> None:
    """GIVEN an .xlsx whose sheet part has one of ``what`` (the field patched in its local
    header and central directory entry) WHEN it is ranked THEN it is refused as damaged
    (exit 2), not an internal error."""
    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    field = value.to_bytes(2, "little")
    data[local + offsets[0]:local + offsets[0] + 2] = field
    data[central + offsets[1]:central + offsets[1] + 2] = field
    path.write_bytes(bytes(data))
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, (what, run.stderr)
    assert "damaged" in run.stderr


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_pipe_or_folder_as_the_nominee_file_is_refused_without_waiting(
        tmp_path: Path, kind: str) -> None:
    """GIVEN a FIFO (which nobody writes to) or a directory named as the nominee file
    WHEN it is ranked
    THEN the run does not hang: exit 2, 'not a regular file', and nothing is written."""
    path = tmp_path / "nominees.csv"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert_bounded(run)
    assert "not a regular file" in run.stderr
    assert not (tmp_path / "out" / "decisions.csv").exists()


@pytest.mark.parametrize(("column", "words"), [
    (pl.Series("phone", [b"\x00\x01"] * 3, dtype=pl.Binary), "binary data"),
    (pl.Series("phone", [1, 2, 3], dtype=pl.Duration("ms")), "durations"),
    (pl.Series("phone", [[["a"]], [["b"]], [["c"]]]), "nested data"),
    (pl.Series("phone", [{"a": 1}] * 3), "nested data"),
])
def test_parquet_columns_no_field_can_hold_are_refused_clearly(
        tmp_path: Path, column: pl.Series, words: str) -> None:
    """GIVEN a Parquet nominee file with a binary, duration, nested-list or struct column
    WHEN it is ranked
    THEN it is refused with exit 2 naming the column and what it holds (never exit 1)."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False, n_rows=3).with_columns(column)
    path = tmp_path / "nominees.parquet"
    frame.write_parquet(path)
    run = rank(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert "'phone'" in run.stderr and words in run.stderr


def test_a_parquet_file_of_typed_columns_is_read(tmp_path: Path) -> None:
    """GIVEN a Parquet file with dates, booleans, a list of quota ids and a timestamp at
    midnight WHEN it is ranked THEN every row is decided (exit 0, nothing rejected)."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False, n_rows=20).filter(
        ~pl.col("nominated_for").str.contains("pg-overseas|xay-dung"))
    frame = frame.with_columns(
        pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime),
        pl.col("succession_plan").is_in(["Có", "có", "1", "yes", "true"]),
        pl.col("nominated_for").str.split(";"))
    frame = frame.filter(pl.col("birth_date").is_not_null())
    path = tmp_path / "typed.parquet"
    frame.write_parquet(path)
    run = rank(path, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    rejected = pl.read_csv(tmp_path / "out" / "rejected.csv", infer_schema=False)
    assert rejected.height == 0, rejected


def test_a_sheet_that_does_not_exist_lists_the_sheets_that_do(tmp_path: Path) -> None:
    """GIVEN a workbook with the sheets 'Danh sách' and 'Ghi chú'
    WHEN ranked with --sheet 'Danh sach 2'
    THEN exit 2, naming both sheets and suggesting the closest."""
    path = tmp_path / "two.xlsx"
    with xlsxwriter.Workbook(str(path)) as workbook:
        workbook.add_worksheet("Danh sách").write_row(0, 0, ["id"])
        workbook.add_worksheet("Ghi chú").write_row(0, 0, ["x"])
    run = rank(path, tmp_path / "out", "--sheet", "Danh sach 2")
    assert run.returncode == 2, run.stderr
    assert "'Danh sách', 'Ghi chú'" in run.stderr
    assert "did you mean 'Danh sách'" in run.stderr


def test_the_bundled_example_is_decided_within_the_bounds(tmp_path: Path) -> None:
    """GIVEN the bundled example WHEN ranked THEN it runs within the same time and memory
    bounds the hostile files are held to (so the bounds are not trivially loose)."""
    run = rank(EXAMPLE, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert_bounded(run)
