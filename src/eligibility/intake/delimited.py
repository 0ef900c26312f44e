"""Read a delimited text file (CSV, TSV, Excel's "Unicode Text") into a table of text cells.

The file must be UTF-8 (with or without a BOM) or UTF-16 with a BOM; any other encoding is
refused with the line of the first byte that is not UTF-8, never guessed at. The separator is
detected among comma, semicolon (Excel in a Vietnamese locale) and tab (Excel's "Unicode
Text"): the one that splits the header and the first rows evenly; when two do, the one under
which the rulebook recognizes more headers; when that does not decide either, the file is
refused naming both. A row with more fields than the header is rejected as a row, with its
line; it does not refuse the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from eligibility.errors import InputError
from eligibility.intake.limits import IntakeLimits
from eligibility.intake.table import CellTable
from eligibility.intake.wording import say

__all__ = ["SEPARATORS", "DelimitedParts", "read_delimited", "read_delimited_parts"]

#: The separators detected, with the catalogue key that names each.
SEPARATORS: dict[str, str] = {
    ",": "intake.separator_comma",
    ";": "intake.separator_semicolon",
    "\t": "intake.separator_tab",
}
_SAMPLE_ROWS = 50
_SAMPLE_BYTES = 256 * 1024
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

HeaderScore = Callable[[list[str]], int]


def read_delimited(path: Path, *, language: str, limits: IntakeLimits,
                   tab_only: bool = False, header_score: HeaderScore | None = None) -> CellTable:
    """Read ``path`` as delimited text; ``tab_only`` for a ``.tsv`` file."""
    source, data, separator, header = _opened(path, language=language, limits=limits,
                                              tab_only=tab_only, header_score=header_score)
    frame, row_errors = _read_rows(data, separator, len(header), path, language)
    if frame.width != len(header):  # a bare carriage return splits the header differently
        raise InputError(say("intake.header_line_break", language), file=source)
    frame = frame.rename(dict(zip(frame.columns, _placeholders(len(header)), strict=True)))
    return CellTable(frame, header, source, separator=separator, row_errors=row_errors)


def read_delimited_parts(path: Path, *, language: str, limits: IntakeLimits,
                         rows_per_part: int, tab_only: bool = False,
                         header_score: HeaderScore | None = None) -> DelimitedParts:
    """Open ``path`` as delimited text to read its rows part by part (:class:`DelimitedParts`):
    the header and the separator are read now, the rows as the parts are asked for."""
    _, data, separator, header = _opened(path, language=language, limits=limits,
                                         tab_only=tab_only, header_score=header_score)
    return DelimitedParts(path, data, separator, list(header), language, rows_per_part)


def _opened(path: Path, *, language: str, limits: IntakeLimits, tab_only: bool,
            header_score: HeaderScore | None) -> tuple[str, Path | bytes, str, list[str]]:
    """The file's name, its UTF-8 data, its separator and its header."""
    source = str(path)
    data = _utf8_source(path, language)
    sample = _sample_text(data, path, language, limits)
    separator = "\t" if tab_only else _detect_separator(sample, header_score, source, language)
    header = _header(sample, separator)
    if len(header) > limits.max_columns:
        raise InputError(say("intake.too_many_columns", language, count=f"{len(header):,}",
                             limit=f"{limits.max_columns:,}"), file=source)
    return source, data, separator, list(header)


class DelimitedParts:
    """The rows of a delimited file in parts of about ``rows_per_part`` rows, as text cells
    under placeholder names (``__column_0``...), each with the rows' structure errors (or
    None).

    Rows come exactly as :func:`read_delimited` reads them, except that blank lines at the
    end of the file are rows here too (the reader of the parts leaves them out). The file
    is read once, part after part, so that memory does not grow with it; a file with a row
    of more fields than the header is read whole from that row on (to find each such row).
    """

    def __init__(self, path: Path, data: Path | bytes, separator: str, header: list[str],
                 language: str, rows_per_part: int) -> None:
        self.path = path
        self.separator = separator
        self.header = header
        self._data = data
        self._language = language
        self._rows = rows_per_part

    @property
    def schema(self) -> dict[str, pl.DataType]:
        return dict.fromkeys(_placeholders(len(self.header)), pl.String())

    def __iter__(self) -> Iterator[tuple[pl.DataFrame, pl.Series | None]]:
        read = 0
        try:
            for part in self._scan().collect_batches(chunk_size=self._rows):
                if part.height:
                    read += part.height
                    yield self._named(part), None
        except pl.exceptions.PolarsError as error:
            whole, row_errors = self._read_whole(error)
            for start in range(read, whole.height, self._rows):
                yield (whole.slice(start, self._rows),
                       None if row_errors is None else row_errors.slice(start, self._rows))

    def empty_columns(self, placeholders: list[str]) -> set[str]:
        """Which of these columns hold nothing in any row."""
        if not placeholders:
            return set()
        try:
            filled = self._scan().select(
                pl.nth(int(name.removeprefix("__column_"))).is_not_null().any().alias(name)
                for name in placeholders).collect().row(0, named=True)
        except pl.exceptions.PolarsError as error:
            whole, _ = self._read_whole(error)
            filled = {name: whole[name].is_not_null().any() for name in placeholders}
        return {name for name in placeholders if not filled[name]}

    def _scan(self) -> pl.LazyFrame:
        data = io.BytesIO(self._data) if isinstance(self._data, bytes) else self._data
        return pl.scan_csv(data, infer_schema=False, separator=self.separator,
                           raise_if_empty=True)

    def _named(self, part: pl.DataFrame) -> pl.DataFrame:
        if part.width != len(self.header):  # a bare carriage return splits the header
            raise InputError(say("intake.header_line_break", self._language),
                             file=str(self.path))
        return part.rename(dict(zip(part.columns, _placeholders(len(self.header)), strict=True)))

    def _read_whole(self, error: pl.exceptions.PolarsError
                    ) -> tuple[pl.DataFrame, pl.Series | None]:
        """The whole file as :func:`read_delimited` reads it, after ``error`` stopped the
        parts: a row with more fields than the header (else the file is refused)."""
        path, language = self.path, self._language
        if isinstance(error, pl.exceptions.NoDataError):
            raise InputError(say("intake.empty_file", language), file=str(path)) from None
        text = str(error).lower()
        if "utf-8" in text or "utf8" in text:
            raise _not_utf8(path, language) from None
        if "more fields" not in text:
            raise InputError(say("intake.malformed_csv", language, detail=_first_line(error)),
                             file=str(path)) from None
        frame, row_errors = _read_rows(self._data, self.separator, len(self.header), path,
                                       language)
        return self._named(frame), row_errors


def _placeholders(width: int) -> list[str]:
    return [f"__column_{index}" for index in range(width)]


def _utf8_source(path: Path, language: str) -> Path | bytes:
    """The file itself, or for UTF-16 its text re-encoded as UTF-8 (polars reads only UTF-8)."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if not start.startswith(_UTF16_MARKS):
        return path
    try:
        return path.read_bytes().decode("utf-16").encode("utf-8")
    except UnicodeDecodeError:
        raise InputError(say("intake.bad_utf16", language), file=str(path)) from None


def _sample_text(data: Path | bytes, path: Path, language: str, limits: IntakeLimits) -> str:
    """The start of the file as text: enough for the header and the first rows."""
    size = max(_SAMPLE_BYTES, limits.max_header_bytes + 1)
    if isinstance(data, bytes):
        raw = data[:size]
    else:
        with path.open("rb") as handle:
            raw = handle.read(size)
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(say("intake.empty_file", language), file=str(path))
    first_line = raw.split(b"\n", 1)[0]
    if len(first_line) > limits.max_header_bytes:
        raise InputError(say("intake.header_too_long", language,
                             limit=f"{limits.max_header_bytes:,}"), file=str(path))
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(raw, final=len(raw) < size)
    except UnicodeDecodeError:
        raise _not_utf8(path, language) from None


def _records(sample: str, separator: str) -> list[list[str]]:
    """The first records of ``sample``; a last line that may be cut off is left out."""
    lines = sample.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1] or lines
    reader = csv.reader(io.StringIO("".join(lines[: _SAMPLE_ROWS * 4]), newline=""),
                        delimiter=separator)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > _SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # a cell cut off at the end of the sample; the records before it are enough
    return records


def _header(sample: str, separator: str) -> list[str]:
    records = _records(sample, separator)
    return records[0] if records else []


def _detect_separator(sample: str, header_score: HeaderScore | None, source: str,
                      language: str) -> str:
    splits: dict[str, list[list[str]]] = {sep: _records(sample, sep) for sep in SEPARATORS}
    wide = {sep: records for sep, records in splits.items() if records and len(records[0]) > 1}
    if not wide:
        return ","  # one column: the missing-column error will say what the header holds
    even = [sep for sep, records in wide.items()
            if all(len(record) == len(records[0]) for record in records[1:] if record)]
    candidates = even or list(wide)
    if len(candidates) == 1:
        return candidates[0]
    if header_score is not None:
        scores = {sep: header_score(wide[sep][0]) for sep in candidates}
        best = max(scores.values())
        leaders = [sep for sep, score in scores.items() if score == best]
        if best > 0 and len(leaders) == 1:
            return leaders[0]
        candidates = leaders
    if not even:  # no separator splits evenly: a broken row; take the widest header
        return max(candidates, key=lambda sep: len(wide[sep][0]))
    both = say("intake.or_list", language,
               first=", ".join(say(SEPARATORS[sep], language) for sep in candidates[:-1]),
               last=say(SEPARATORS[candidates[-1]], language))
    raise InputError(say("intake.ambiguous_separator", language, both=both), file=source)


def _read_rows(data: Path | bytes, separator: str, width: int, path: Path,
               language: str) -> tuple[pl.DataFrame, pl.Series | None]:
    """The data rows as text, and per row why its structure is broken (null if it is not)."""
    frame = _polars_csv(data, separator, path, language, truncate=False)
    if frame is not None:
        return _without_trailing_blank_rows(frame), None
    # A row has more fields than the header: read the others, and find that row's line.
    frame = _polars_csv(data, separator, path, language, truncate=True)
    counts = _field_counts(data, separator, path, language)
    if frame is None or len(counts) != frame.height:
        raise InputError(say("intake.malformed_csv", language,
                             detail=f"{len(counts)} != {0 if frame is None else frame.height}"),
                         file=str(path))
    messages = [say("intake.extra_fields", language, count=count, columns=width,
                    separator=separator) if count > width else None for count in counts]
    frame = frame.with_columns(pl.Series("__extra_fields", messages, dtype=pl.String))
    frame = _without_trailing_blank_rows(frame)
    return frame.drop("__extra_fields"), frame["__extra_fields"]


def _polars_csv(data: Path | bytes, separator: str, path: Path, language: str, *,
                truncate: bool) -> pl.DataFrame | None:
    """The file read by polars; None when a row has more fields than the header."""
    try:
        # polars reads the file in parallel, skips a UTF-8 BOM and refuses invalid UTF-8.
        return pl.read_csv(data, infer_schema=False, separator=separator,
                           truncate_ragged_lines=truncate, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise InputError(say("intake.empty_file", language), file=str(path)) from None
    except pl.exceptions.PolarsError as error:
        text = str(error).lower()
        if "utf-8" in text or "utf8" in text:
            raise _not_utf8(path, language) from None
        if "more fields" in text and not truncate:
            return None
        raise InputError(say("intake.malformed_csv", language, detail=_first_line(error)),
                         file=str(path)) from None


def _without_trailing_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank lines at the very end of a file are not rows (a blank row inside one is)."""
    if frame.height == 0 or frame.width == 0:
        return frame
    filled = frame.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    last = filled.arg_true().max()
    return frame.head(0 if last is None else int(last) + 1)  # type: ignore[arg-type]


def _field_counts(data: Path | bytes, separator: str, path: Path,
                  language: str) -> list[int]:
    """Fields of every data record (the slow path, only for a file with a ragged row)."""
    counts: list[int] = []
    with _text_stream(data, path) as stream, _any_field_size():
        reader = csv.reader(stream, delimiter=separator)
        try:
            next(reader, None)
            counts.extend(len(record) for record in reader)
        except csv.Error as error:
            raise InputError(say("intake.malformed_csv_line", language, line=reader.line_num,
                                 detail=str(error)), file=str(path)) from None
    return counts


@contextmanager
def _text_stream(data: Path | bytes, path: Path) -> Iterator[io.TextIOBase]:
    if isinstance(data, bytes):
        yield io.StringIO(data.decode("utf-8-sig"), newline="")
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield handle


@contextmanager
def _any_field_size() -> Iterator[None]:
    """Let the csv module count fields of any length (it stops at 128 KiB by default)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _not_utf8(path: Path, language: str) -> InputError:
    """The error for a file that is not UTF-8, naming the line of the first bad byte."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return InputError(say("intake.not_utf8", language, line=line,
                              byte=f"{raw[error.start]:02x}", offset=error.start),
                          file=str(path))
    return InputError(say("intake.not_utf8", language, line=1, byte="??", offset=0),
                      file=str(path))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
