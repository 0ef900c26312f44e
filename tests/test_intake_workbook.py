"""Workbooks: checked before they are opened, read as text, sheets found by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from eligibility.errors import InputError
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.workbook import read_workbook, sheet_shapes


def workbook(path: Path, sheets: dict[str, list[tuple[int, int, str]]]) -> Path:
    with xlsxwriter.Workbook(str(path)) as book:
        for name, cells in sheets.items():
            sheet = book.add_worksheet(name)
            for row, column, value in cells:
                sheet.write(row, column, value)
    return path


def test_shapes_are_read_per_sheet_by_name(tmp_path: Path) -> None:
    """GIVEN two sheets, one reaching column C of row 4 WHEN scanned THEN each sheet's
    rectangle and first filled row are known by the sheet's name."""
    path = workbook(tmp_path / "w.xlsx", {"Danh sách": [(1, 0, "id"), (3, 2, "x")],
                                          "Khác": [(0, 0, "a")]})
    shapes = sheet_shapes(path, "en", LIMITS)
    assert (shapes["Danh sách"].columns, shapes["Danh sách"].rows) == (3, 4)
    assert shapes["Danh sách"].first_row == 2
    assert (shapes["Khác"].columns, shapes["Khác"].rows) == (1, 1)


def test_the_header_line_is_where_the_table_starts(tmp_path: Path) -> None:
    """GIVEN a sheet whose header is on row 3 WHEN read THEN the header line is 3, so that
    rejected rows name the lines Excel shows."""
    path = workbook(tmp_path / "w.xlsx", {"S": [(2, 0, "id"), (2, 1, "name"), (3, 0, "1"),
                                                (3, 1, "A")]})
    table = read_workbook(path, sheet=0, language="en", limits=LIMITS)
    assert table.header_line == 3
    assert table.headers == ["id", "name"]
    assert table.frame.row(0) == ("1", "A")


def test_duplicate_headers_reach_the_table_unrenamed(tmp_path: Path) -> None:
    """GIVEN two header cells 'id' WHEN read THEN both are 'id' (not renamed id_1), so that
    the duplicate can be refused."""
    path = workbook(tmp_path / "w.xlsx", {"S": [(0, 0, "id"), (0, 1, "id"), (1, 0, "1")]})
    assert read_workbook(path, sheet=0, language="en", limits=LIMITS).headers == ["id", "id"]


@pytest.mark.parametrize(("sheet", "words"), [
    ("Danh sach", None),  # diacritics only: the sheet is found
    ("Danh sách 2023", "did you mean 'Danh sách'"),
    (5, "'Danh sách', 'Ghi chú'"),
])
def test_sheets_by_name_or_index(tmp_path: Path, sheet: str | int, words: str | None) -> None:
    """GIVEN sheets 'Danh sách' and 'Ghi chú' WHEN a sheet is asked for by a near name or a
    missing index THEN it is found, or the error lists the sheets with a suggestion."""
    path = workbook(tmp_path / "w.xlsx", {"Danh sách": [(0, 0, "id"), (1, 0, "1")],
                                          "Ghi chú": [(0, 0, "x")]})
    if words is None:
        assert read_workbook(path, sheet=sheet, language="en", limits=LIMITS).headers == ["id"]
        return
    with pytest.raises(InputError, match=words):
        read_workbook(path, sheet=sheet, language="en", limits=LIMITS)


def test_a_sheet_too_big_is_refused_naming_the_limit(tmp_path: Path) -> None:
    """GIVEN a sheet with cells at A1 and Z200000 (5.2 million cells spanned)
    WHEN read with max_sheet_cells of one million THEN it is refused before reading."""
    path = workbook(tmp_path / "w.xlsx", {"S": [(0, 0, "id"), (199_999, 25, "x")]})
    with pytest.raises(InputError, match=r"5,200,000 cells.*max_sheet_cells"):
        read_workbook(path, sheet=0, language="en",
                      limits=IntakeLimits(max_sheet_cells=1_000_000))


def test_an_ods_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """GIVEN an .ods file WHEN read THEN it is refused, asking for .xlsx or CSV."""
    path = tmp_path / "w.ods"
    path.write_bytes(b"PK")
    with pytest.raises(InputError, match="xlsx"):
        read_workbook(path, sheet=0, language="en", limits=LIMITS)


def test_a_file_that_is_not_a_zip_is_refused_as_damaged(tmp_path: Path) -> None:
    """GIVEN text saved with an .xlsx name WHEN read THEN it is refused as damaged."""
    path = tmp_path / "w.xlsx"
    path.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(InputError, match="damaged"):
        read_workbook(path, sheet=0, language="en", limits=LIMITS)
