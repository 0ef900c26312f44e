"""Read one sheet of an Excel workbook (.xlsx, .xlsm, .xls) into a table of text cells.

Before the workbook is opened, an .xlsx file is checked without trusting it: every part is
unzipped as a stream and counted (a small file that expands to gigabytes is refused), and the
sheets' cell references are scanned for the rectangle each sheet spans (one cell at
``XFD1048576`` would make the reader allocate every cell up to it). Only then is the sheet
read, every cell as text.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from eligibility.errors import InputError, suggest
from eligibility.intake.identity import visible
from eligibility.intake.limits import IntakeLimits
from eligibility.intake.table import CellTable
from eligibility.intake.wording import column_letter, say
from eligibility.text import match_key

__all__ = ["SheetShape", "read_workbook", "sheet_shapes"]

_CHUNK = 1 << 20
_MAX_CARRY = 16 << 20
_MAX_INDEX_PART = 16 << 20  # workbook.xml and its relationships: small parts
# A cell reference (r="AB12") and a row number (r="12") inside a tag.
_CELL_COLUMN = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\sr=["']([A-Z]{1,7})[0-9]""")
_CELL_ROW = re.compile(rb"""<(?:\w+:)?c\b[^>]*?\sr=["'][A-Z]{1,7}([0-9]{1,12})["']""")
_ROW_NUMBER = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr=["']([0-9]{1,12})["']""")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_UNREFERENCED_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s>/])(?![^>]*\sr=)")
# A cell with content (not self-closing): where the table starts.
_FILLED_CELL_ROW = re.compile(
    rb"""<(?:\w+:)?c\b[^>]*?\sr=["'][A-Z]{1,7}([0-9]{1,12})["'][^>]*?(?<!/)>(?!</)""")


@dataclass
class SheetShape:
    """The rectangle a sheet's cells span, and the row its first filled cell is on."""

    columns: int = 0
    rows: int = 0
    first_row: int | None = None


def read_workbook(path: Path, *, sheet: str | int, language: str,
                  limits: IntakeLimits) -> CellTable:
    """The cells of ``sheet`` (a name or a 0-based index) of the workbook at ``path``."""
    import fastexcel

    source = str(path)
    suffix = path.suffix.lower()
    if suffix == ".ods":
        raise InputError(say("intake.ods_unsupported", language), file=source)
    shapes = sheet_shapes(path, language, limits) if suffix in (".xlsx", ".xlsm") else {}
    try:
        reader = fastexcel.read_excel(str(path))
        name = _sheet_name(list(reader.sheet_names), sheet, source, language)
        shape = shapes.get(name) or _largest(shapes.values())
        if shape is not None:
            _check_shape(name, shape, source, language, limits)
        frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except fastexcel.FastExcelError as error:
        raise InputError(say("intake.workbook_unreadable", language, detail=_first_line(error)),
                         file=source) from None
    if frame.height == 0 or frame.width == 0:
        raise InputError(say("intake.sheet_empty", language), file=source)
    if frame.width > limits.max_columns:
        raise InputError(say("intake.too_many_columns", language, count=f"{frame.width:,}",
                             limit=f"{limits.max_columns:,}"), file=source)
    headers = [None if cell is None else str(cell) for cell in frame.row(0)]
    cells = frame.slice(1)
    cells = cells.rename({old: f"__column_{index}" for index, old in enumerate(cells.columns)})
    # Date cells arrive as 'YYYY-MM-DD 00:00:00'; keep the date, refuse a time of day later.
    cells = cells.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1"))
    first_row = shape.first_row if shape is not None and shape.first_row else 1
    return CellTable(cells, headers, source, header_line=first_row)


def _sheet_name(names: list[str], sheet: str | int, source: str, language: str) -> str:
    """The sheet asked for, by name or 0-based index; an error lists the sheets there are."""
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    wanted = str(sheet)
    hint = ""
    if isinstance(sheet, str):
        keys = [match_key(name) for name in names]
        if keys.count(match_key(sheet)) == 1:  # only case, spaces or diacritics differ
            return names[keys.index(match_key(sheet))]
        close = suggest(sheet, names, key=match_key)
        if close:
            hint = say("intake.did_you_mean", language, suggestion=close)
    listed = ", ".join(f"'{visible(name)}'" for name in names) or say("intake.header_empty",
                                                                       language)
    raise InputError(say("intake.sheet_not_found", language, sheet=visible(wanted), sheets=listed,
                         hint=hint), file=source)


def _largest(shapes: Iterable[SheetShape]) -> SheetShape | None:
    """A shape covering every sheet: used when the workbook's index cannot be read."""
    found = list(shapes)
    if not found:
        return None
    return SheetShape(max(shape.columns for shape in found), max(shape.rows for shape in found))


def _check_shape(name: str, shape: SheetShape, source: str, language: str,
                 limits: IntakeLimits) -> None:
    if shape.columns > limits.max_columns:
        raise InputError(say("intake.sheet_too_wide", language, sheet=visible(name),
                             column=column_letter(shape.columns - 1),
                             count=f"{shape.columns:,}", limit=f"{limits.max_columns:,}"),
                         file=source)
    cells = shape.columns * shape.rows
    if cells > limits.max_sheet_cells:
        raise InputError(say("intake.sheet_too_big", language, sheet=visible(name),
                             rows=f"{shape.rows:,}", columns=f"{shape.columns:,}",
                             cells=f"{cells:,}", limit=f"{limits.max_sheet_cells:,}"),
                         file=source)


def sheet_shapes(path: Path, language: str, limits: IntakeLimits) -> dict[str, SheetShape]:
    """Unzip every part of an .xlsx as a stream, within the size limit; each sheet's shape.

    Sheets are keyed by name where the workbook's index names them; a sheet it does not name
    is keyed by its part's path.
    """
    source = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if sum(info.file_size for info in infos) > limits.max_xlsx_uncompressed_bytes:
                raise _too_large(source, language, limits)
            by_part: dict[str, SheetShape] = {}
            total = 0
            for info in infos:
                scanner = _SheetScanner() if _is_sheet(info.filename) else None
                # zipfile never yields more than a part's declared size (a part that holds
                # more fails its checksum), so the sum above bounds the work.
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.max_xlsx_uncompressed_bytes:
                            raise _too_large(source, language, limits)
                        if scanner is not None:
                            scanner.feed(chunk)
                if scanner is not None:
                    by_part[info.filename] = scanner.close()
            names = _sheet_parts(archive)
    # zipfile raises RuntimeError for an encrypted member, and its subclass for a compression
    # method or zip version it cannot read: both are damaged workbooks to the person.
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError) as error:
        raise InputError(say("intake.workbook_damaged", language, detail=_first_line(error)),
                         file=source) from None
    shapes = {name: by_part[part] for name, part in names.items() if part in by_part}
    named = set(names.values())
    shapes.update({part: shape for part, shape in by_part.items() if part not in named})
    return shapes


def _too_large(source: str, language: str, limits: IntakeLimits) -> InputError:
    return InputError(say("intake.workbook_too_large", language,
                          limit=f"{limits.max_xlsx_uncompressed_bytes:,}"), file=source)


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the part holding it, from the workbook's index (empty if unreadable)."""
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[bytes, str] = {}
    for attributes in re.findall(rb"<(?:\w+:)?Relationship\b([^>]*)>", relations):
        ident = re.search(rb"""\sId=["']([^"']*)["']""", attributes)
        target = re.search(rb"""\sTarget=["']([^"']*)["']""", attributes)
        if ident and target:
            path = html.unescape(target.group(1).decode("utf-8", "replace"))
            targets[ident.group(1)] = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    parts: dict[str, str] = {}
    for attributes in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        name = re.search(rb"""\sname=["']([^"']*)["']""", attributes)
        ident = re.search(rb"""\s(?:\w+:)?id=["']([^"']*)["']""", attributes)
        if name and ident and ident.group(1) in targets:
            parts[html.unescape(name.group(1).decode("utf-8", "replace"))] = \
                targets[ident.group(1)]
    return parts


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _MAX_INDEX_PART:
        return b""
    return archive.read(info)


class _SheetScanner:
    """Reads a sheet's XML in pieces of whole rows and keeps the furthest cell it names."""

    def __init__(self) -> None:
        self.shape = SheetShape()
        self._carry = b""
        self._row_tags = 0

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        cut = data.rfind(b"row>")
        if cut < 0 and len(data) < _MAX_CARRY:
            self._carry = data
            return
        end = len(data) if cut < 0 else cut + 4
        self._scan(data[:end])
        self._carry = data[end:]

    def close(self) -> SheetShape:
        self._scan(self._carry)
        self._carry = b""
        self.shape.rows = max(self.shape.rows, self._row_tags)
        return self.shape

    def _scan(self, part: bytes) -> None:
        shape = self.shape
        columns = set(_CELL_COLUMN.findall(part))
        if columns:
            furthest = max(columns, key=lambda letters: (len(letters), letters))
            shape.columns = max(shape.columns, _column_number(furthest))
        rows = set(_CELL_ROW.findall(part)) | set(_ROW_NUMBER.findall(part))
        if rows:
            shape.rows = max(shape.rows, max(int(row) for row in rows))
        self._row_tags += len(_ROW_TAG.findall(part))
        if shape.first_row is None:
            first = _FILLED_CELL_ROW.search(part)
            if first:
                shape.first_row = int(first.group(1))
        if _UNREFERENCED_CELL.search(part):
            # Cells without a reference are placed one after another: count them per row.
            widest = max(len(_CELL_TAG.findall(row)) for row in part.split(b"row>"))
            shape.columns = max(shape.columns, widest)


def _column_number(letters: bytes) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + (letter - ord("A") + 1)
    return number


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
