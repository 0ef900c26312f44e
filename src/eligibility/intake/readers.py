"""Read a nominee file (CSV, Excel .xlsx, Parquet) into a frame of text cells.

Every cell is read as text and normalized to NFC; nothing is inferred here. CSV files must
be UTF-8 (with or without a BOM) or UTF-16 with a BOM; any other encoding is refused with
the line of the first byte that is not UTF-8, never guessed at.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl

from eligibility.errors import InputError
from eligibility.text import nfc, nfc_expr

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
PARQUET_SUFFIXES = (".parquet", ".pq")
FORMATS = "CSV (.csv), Excel (.xlsx) or Parquet (.parquet)"


def read_cells(path: Path, *, sheet: str | int = 0) -> pl.DataFrame:
    """All cells of ``path`` as NFC text (empty cells null), headers stripped and NFC."""
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
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty; expected a header row naming the columns",
                         file=str(path))
    data = _as_utf8(raw, path)
    try:
        return pl.read_csv(data, infer_schema=False, separator=separator,
                           truncate_ragged_lines=False,
                           raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise InputError("the file is empty", file=str(path)) from None
    except pl.exceptions.ComputeError as error:
        raise InputError(f"not a well-formed CSV file: {_first_line(error)}",
                         file=str(path)) from None


def _as_utf8(raw: bytes, path: Path) -> bytes:
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError("the file starts with a UTF-16 mark but is not valid UTF-16",
                             file=str(path)) from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"line {line}: the file is not UTF-8 (byte 0x{raw[error.start]:02x} at offset "
            f"{error.start}); it may be in a legacy encoding such as Windows-1258 or TCVN3. "
            f"Save it from Excel as 'CSV UTF-8 (Comma delimited)'", file=str(path)) from None
    return raw


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
    """Every column as NFC text, stripped, empty cells null; headers stripped and NFC."""
    frame = frame.with_columns(_as_text(name, dtype) for name, dtype in frame.schema.items()
                               if dtype != pl.String)
    headers = [nfc(str(name)).strip() for name in frame.columns]
    duplicates = sorted({name for name in headers if headers.count(name) > 1})
    if duplicates:
        raise InputError(f"column(s) {', '.join(duplicates)} appear more than once in the header",
                         file=source)
    frame = frame.rename(dict(zip(frame.columns, headers, strict=True)))
    return frame.with_columns(
        nfc_expr(pl.col(name)).str.strip_chars().replace("", None).alias(name)
        for name in frame.columns)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
