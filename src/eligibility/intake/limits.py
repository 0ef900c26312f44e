"""The bounds of what a nominee file may hold, declared once.

A nominee list is a table of a few dozen columns and at most some million rows. Anything far
beyond that is a damaged or hostile file; it is refused (exit status 2, an error naming the
limit) or, for one cell, the row is rejected, before the expensive work starts, so that a
small file can never exhaust the machine. The README's "Nominee files" section lists these
numbers; a library caller may pass other :class:`IntakeLimits` to
:func:`eligibility.read_nominees`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIMITS", "IntakeLimits"]


@dataclass(frozen=True)
class IntakeLimits:
    """Every bound intake enforces; each error names the field it comes from."""

    #: Columns of one file (header fields of a CSV, used columns of a sheet, Parquet columns).
    max_columns: int = 1_000
    #: Bytes of a CSV header line.
    max_header_bytes: int = 1 << 20
    #: Items of one list cell (quota ids in ``nominated_for``, intervals in ``enrollments``).
    max_items_per_cell: int = 200
    #: Characters of one cell.
    max_cell_chars: int = 20_000
    #: Bytes a workbook (.xlsx) expands to when unzipped, all parts together.
    max_xlsx_uncompressed_bytes: int = 1 << 30
    #: Cells of the rectangle a sheet spans (rows × columns, empty cells included).
    max_sheet_cells: int = 40_000_000


LIMITS = IntakeLimits()
