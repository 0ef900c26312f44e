"""Read a nominee file (CSV, Excel .xlsx, Parquet) into a frame of text cells.

Every cell is read as text; nothing is inferred here. CSV files must
be UTF-8 (with or without a BOM) or UTF-16 with a BOM; any other encoding is refused with
the line of the first byte that is not UTF-8, never guessed at.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl

from eligibility.errors import InputError
from eligibility.text import WHITESPACE, nfc

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
FORMATS = "CSV (.csv), Excel (.xlsx) or Parquet (.parquet)"


def read_cells(path: Path, *, sheet: str | int = 0) -> pl.DataFrame:
    """All cells of ``path`` as text (empty cells null), headers stripped and NFC."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if suffix in CSV_SUFFIXES:
        frame = _read_csv(path, separator="\t" if suffix == ".tsv" else ",")
    elif suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, sheet)
    elif suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(path)
    else:
        raise InputError(f"unsupported file type '{suffix or path.name}'; expected {FORMATS}",
                         file=str(path))
    return normalized_cells(frame, source=str(path))


def _read_csv(path: Path, *, separator: str) -> pl.DataFrame:
    with path.open("rb") as handle:
        start = handle.read(4)
    if not start.strip() and not path.read_bytes().strip():
        raise InputError("the file is empty; expected a header row naming the columns",
                         file=str(path))
    source: Path | bytes = path
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        source = _utf16_as_utf8(path)
    try:
        # polars reads the file in parallel, skips a UTF-8 BOM and refuses invalid UTF-8.
        return pl.read_csv(source, infer_schema=False, separator=separator,
                           truncate_ragged_lines=False, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise InputError("the file is empty", file=str(path)) from None
    except pl.exceptions.ComputeError as error:
        if "utf-8" in str(error).lower() or "utf8" in str(error).lower():
            raise _not_utf8(path) from None
        raise InputError(f"not a well-formed CSV file: {_first_line(error)}",
                         file=str(path)) from None


def _utf16_as_utf8(path: Path) -> bytes:
    try:
        return path.read_bytes().decode("utf-16").encode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the file starts with a UTF-16 mark but is not valid UTF-16",
                         file=str(path)) from None


def _not_utf8(path: Path) -> InputError:
    """The error for a file that is not UTF-8, naming the line of the first bad byte."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return InputError(
            f"line {line}: the file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); it may be in a legacy encoding such as Windows-1258 or TCVN3. "
            f"Save it from Excel as 'CSV UTF-8 (Comma delimited)'", file=str(path))
    return InputError("the file is not valid UTF-8", file=str(path))


def _read_excel(path: Path, sheet: str | int) -> pl.DataFrame:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        loaded = reader.load_sheet(sheet, dtypes="string")
        frame = loaded.to_polars()
    except fastexcel.FastExcelError as error:
        raise InputError(f"cannot read the workbook: {_first_line(error)}",
                         file=str(path)) from None
    if not frame.columns:
        raise InputError("the sheet is empty; expected a header row", file=str(path))
    # Date cells arrive as 'YYYY-MM-DD 00:00:00'; keep the date, refuse a time of day later.
    return frame.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1"))


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.ComputeError, OSError) as error:
        raise InputError(f"cannot read the Parquet file: {_first_line(error)}",
                         file=str(path)) from None
    return frame


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    if dtype == pl.Null:
        return column.cast(pl.String)
    if isinstance(dtype, pl.List):
        return column.cast(pl.List(pl.String)).list.join(";")
    return column.cast(pl.String)


def normalized_cells(frame: pl.DataFrame, *, source: str = "<frame>") -> pl.DataFrame:
    """Every column as text, headers stripped and NFC.

    Cells are left as written: each field's parser strips them and compares vocabulary words
    regardless of Unicode form, and text that is kept (names, agencies, ids) is stored NFC by
    :mod:`eligibility.intake.nominees`, so no time is spent normalizing columns that only
    hold dates, codes or words to look up.
    """
    frame = frame.with_columns(_as_text(name, dtype) for name, dtype in frame.schema.items()
                               if dtype != pl.String)
    headers = [nfc(str(name)).strip(WHITESPACE) for name in frame.columns]
    duplicates = sorted({name for name in headers if headers.count(name) > 1})
    if duplicates:
        raise InputError(f"column(s) {', '.join(duplicates)} appear more than once in the header",
                         file=source)
    return frame.rename(dict(zip(frame.columns, headers, strict=True)))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
