"""Delimited text: separators detected, encodings, ragged rows as rows."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from eligibility.errors import InputError
from eligibility.intake.delimited import read_delimited, read_delimited_parts
from eligibility.intake.limits import LIMITS, IntakeLimits


def read(path: Path, **options: object):  # type: ignore[no-untyped-def]
    return read_delimited(path, language="en", limits=LIMITS, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_the_separator_is_detected(tmp_path: Path, separator: str) -> None:
    """GIVEN a file split by a comma, a semicolon or a tab, with the other two inside cells
    WHEN read THEN its separator is found and every cell is whole."""
    others = "".join(sep for sep in ",;\t" if sep != separator).replace("\t", " ")
    path = tmp_path / "f.csv"
    path.write_text(f"id{separator}name{separator}note\n1{separator}A{others}B{separator}x\n"
                    f"2{separator}C{separator}y\n", encoding="utf-8")
    table = read(path)
    assert table.separator == separator
    assert table.headers == ["id", "name", "note"]
    assert table.frame.row(0) == ("1", f"A{others}B", "x")


def test_the_rulebook_headers_settle_a_tie(tmp_path: Path) -> None:
    """GIVEN a header that both ',' and ';' split evenly WHEN one split gives headers the
    rulebook knows THEN that separator is used."""
    path = tmp_path / "f.csv"
    path.write_text("id;a,b;c\n1;2,3;4\n", encoding="utf-8")
    table = read(path, header_score=lambda headers: sum(h == "id" for h in headers))
    assert table.separator == ";"


def test_utf16_unicode_text_is_read(tmp_path: Path) -> None:
    """GIVEN Excel's Unicode Text (UTF-16 LE with BOM, tabs) WHEN read THEN cells are text."""
    path = tmp_path / "f.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "id\tHọ và tên\r\n1\tLê Thị Thu\r\n"
                     .encode("utf-16-le"))
    table = read(path)
    assert (table.separator, table.headers) == ("\t", ["id", "Họ và tên"])
    assert table.frame.row(0) == ("1", "Lê Thị Thu")


def test_a_row_with_an_extra_field_is_marked_not_the_file_refused(tmp_path: Path) -> None:
    """GIVEN a file whose second row has one field more than the header
    WHEN read THEN every row is there and only that row carries a structure error."""
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n3,4,5\n6,7\n", encoding="utf-8")
    table = read(path)
    assert table.frame.height == 3
    assert table.row_errors is not None
    assert [error is not None for error in table.row_errors] == [False, True, False]
    assert "3 fields but the header has 2" in table.row_errors[1]


def test_blank_lines_at_the_end_are_not_rows(tmp_path: Path) -> None:
    """GIVEN a file ending in blank lines WHEN read THEN they are not rows."""
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n\n\n", encoding="utf-8")
    assert read(path).frame.height == 1


def test_a_header_line_past_the_limit_is_refused(tmp_path: Path) -> None:
    """GIVEN a header line longer than max_header_bytes WHEN read THEN it is refused naming
    the limit."""
    path = tmp_path / "f.csv"
    path.write_text("a" * 5_000 + "\n1\n", encoding="utf-8")
    limits = IntakeLimits(max_header_bytes=1_000)
    with pytest.raises(InputError, match="max_header_bytes"):
        read_delimited(path, language="en", limits=limits)


def test_a_file_in_a_legacy_encoding_names_the_line(tmp_path: Path) -> None:
    """GIVEN a file whose third line is Windows-1258 WHEN read THEN the error names line 3,
    in Vietnamese when asked."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n3," + "Lê".encode("cp1258") + b"\n")
    with pytest.raises(InputError, match="dòng 3: tệp không phải UTF-8"):
        read_delimited(path, language="vi", limits=LIMITS)


@pytest.mark.parametrize("separator", [",", "\t"])
def test_a_carriage_return_inside_a_header_name_is_refused(tmp_path: Path,
                                                           separator: str) -> None:
    """GIVEN a header whose cell holds a bare carriage return (found by the fuzzer: polars and
    Python's csv split such a line differently) WHEN read THEN the file is refused with exit-2
    wording that names the character, not an internal error."""
    path = tmp_path / "cr.csv"
    header = separator.join(["id", "full_name", "service\r_start", "nominated_for"])
    path.write_text(f"{header}\nHN-1{separator}Lan{separator}2015-01-01{separator}tai-chinh\n",
                    encoding="utf-8", newline="")
    with pytest.raises(InputError, match="line-break character"):
        read(path)
    with pytest.raises(InputError, match="line-break character"):  # read part by part
        list(read_delimited_parts(path, language="en", limits=LIMITS, rows_per_part=10))
