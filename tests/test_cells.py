"""Tests for eligibility.intake.cells: strict, vectorized parsers of spreadsheet cells."""

from __future__ import annotations

import datetime as dt
import doctest
import inspect
import unicodedata
from collections.abc import Callable
from functools import partial

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.intake import cells
from eligibility.intake.cells import ParsedColumn, WordMatcher, parse_text
from eligibility.text import WHITESPACE

# Most tests read the English wording; the Vietnamese one (the default) has its own tests.
parse_booleans = partial(cells.parse_booleans, language="en")
parse_codes = partial(cells.parse_codes, language="en")
parse_dates = partial(cells.parse_dates, language="en")
parse_integers = partial(cells.parse_integers, language="en")
parse_intervals = partial(cells.parse_intervals, language="en")
parse_numbers = partial(cells.parse_numbers, language="en")
parse_vocabulary = partial(cells.parse_vocabulary, language="en")

# The Hanoi example's vocabularies (docs/hanoi-rulebook.md, rules/vn-regulations.yaml).
GENDER = {"female": ["F", "Nữ"], "male": ["M", "Nam"]}
CATEGORY = {"can_bo": ["Cán bộ"], "cong_chuc": ["Công chức"], "vien_chuc": ["Viên chức"]}
RATING = {
    "excellent": ["Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"],
    "good": ["Hoàn thành tốt nhiệm vụ", "HTTNV"],
    "completed": ["Hoàn thành nhiệm vụ", "HTNV"],
    "not_completed": ["Không hoàn thành nhiệm vụ", "KHTNV"],
}
QUOTAS = [
    "noi-vu-urban",
    "noi-vu-hr",
    "tai-chinh",
    "tt-tt",
    "kh-cn",
    "gd-dt",
    "y-te",
    "pg-abroad",
    "pg-domestic",
]
DATE_FORMS = (
    "YYYY-MM-DD (e.g. 1985-06-15), DD/MM/YYYY (e.g. 15/06/1985), a bare year (1985) "
    "or an Excel date serial (e.g. 31213)"
)


def column(*values: str | None) -> pl.Series:
    return pl.Series("cell", list(values), dtype=pl.String)


def parsed_one(
    parse: Callable[[pl.Series], ParsedColumn], value: str | None
) -> tuple[object, object]:
    result = parse(column(value))
    return result.values[0], result.errors[0]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --------------------------------------------------------------------------- ParsedColumn


def test_parsed_column_rejects_mismatched_lengths() -> None:
    """GIVEN values and errors of different lengths
    WHEN a ParsedColumn is made of them
    THEN it refuses with ValueError.
    """
    with pytest.raises(ValueError, match="2 values but 1 errors"):
        ParsedColumn(values=pl.Series([1, 2]), errors=pl.Series([None], dtype=pl.String))


ALL_PARSERS: list[Callable[[pl.Series], ParsedColumn]] = [
    parse_text,
    parse_integers,
    parse_numbers,
    parse_dates,
    parse_booleans,
    parse_intervals,
    lambda s: parse_vocabulary(s, GENDER, what="gender"),
    lambda s: parse_codes(s, allowed=QUOTAS, what="quota"),
]


@pytest.mark.parametrize("parse", ALL_PARSERS)
def test_every_parser_keeps_length_and_name(parse: Callable[[pl.Series], ParsedColumn]) -> None:
    """GIVEN a named column with blanks and nulls, and an empty column
    WHEN any parser reads it
    THEN values and errors have the input's length and name, and no blank is an error.
    """
    result = parse(pl.Series("birth_date", ["", "  ", None], dtype=pl.String))
    assert (len(result.values), len(result.errors)) == (3, 3)
    assert result.values.name == result.errors.name == "birth_date"
    assert result.errors.to_list() == [None, None, None]
    empty = parse(pl.Series("x", [], dtype=pl.String))
    assert (len(empty.values), len(empty.errors)) == (0, 0)


@pytest.mark.parametrize("parse", ALL_PARSERS)
def test_every_parser_accepts_an_all_null_column(
    parse: Callable[[pl.Series], ParsedColumn],
) -> None:
    """GIVEN a column of nulls whose type polars could not infer (dtype Null)
    WHEN any parser reads it
    THEN it is read as text: no error.
    """
    assert parse(pl.Series("x", [None, None])).errors.to_list() == [None, None]


@pytest.mark.parametrize("parse", ALL_PARSERS)
def test_every_parser_refuses_a_column_not_read_as_text(
    parse: Callable[[pl.Series], ParsedColumn],
) -> None:
    """GIVEN a column that was read as numbers instead of text
    WHEN any parser is given it
    THEN it raises TypeError naming the column.
    """
    with pytest.raises(TypeError, match="'birth_date' must be read as text"):
        parse(pl.Series("birth_date", [1985, 1986]))


# --------------------------------------------------------------------------- text


def test_parse_text_strips_and_blanks_to_null() -> None:
    """GIVEN names padded with ASCII and no-break spaces, a blank cell and a null
    WHEN the column is parsed as text
    THEN names are stripped (inner spaces kept), blanks become null, nothing is an error.
    """
    result = parse_text(column("  Nguyễn  Văn A\u00a0", "\t", None, "Hà Nội"))
    assert result.values.to_list() == ["Nguyễn  Văn A", None, None, "Hà Nội"]
    assert result.errors.null_count() == 4


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("cell", "value"),
    [("42", 42), ("-7", -7), ("+7", 7), (" 007 ", 7), ("0", 0), ("9223372036854775807", 2**63 - 1)],
)
def test_parse_integers_accepts_plain_digits(cell: str, value: int) -> None:
    """GIVEN a whole number with optional sign and surrounding spaces
    WHEN it is parsed as an integer
    THEN its value comes out.
    """
    assert parsed_one(parse_integers, cell) == (value, None)


@pytest.mark.parametrize(
    "cell", ["1.234.567", "1,5", "1.0", "1 000", "1e3", "٣", "--1", "0x10", "+"]
)
def test_parse_integers_rejects_anything_else(cell: str) -> None:
    """GIVEN a number with separators, decimals, exponent, non-ASCII digits or no digits
    WHEN it is parsed as an integer
    THEN it is an error saying what a whole number looks like.
    """
    value, error = parsed_one(parse_integers, cell)
    assert value is None
    assert error == (
        f"'{cell}' is not a whole number; expected digits with an optional sign (e.g. 42 or -7)"
    )


def test_parse_integers_rejects_overflow() -> None:
    """GIVEN a whole number too large for 64 bits
    WHEN it is parsed
    THEN it is an error, not a wrapped or clipped number.
    """
    assert parsed_one(parse_integers, "9223372036854775808") == (
        None,
        "'9223372036854775808' is too large for a whole number",
    )


@pytest.mark.parametrize(
    ("cell", "value"), [("3.25", 3.25), ("-7", -7.0), ("+0.5", 0.5), (" 12 ", 12.0)]
)
def test_parse_numbers_accepts_decimal_point(cell: str, value: float) -> None:
    """GIVEN a number with optional sign and decimal point
    WHEN it is parsed as a number
    THEN its value comes out.
    """
    assert parsed_one(parse_numbers, cell) == (value, None)


@pytest.mark.parametrize("cell", ["1,5", "1.234.567", ".5", "1.", "1e5", "nan", "inf", "12%"])
def test_parse_numbers_rejects_anything_else(cell: str) -> None:
    """GIVEN a decimal comma, thousands separators, exponent, nan or inf
    WHEN it is parsed as a number
    THEN it is an error with an example of what is expected.
    """
    value, error = parsed_one(parse_numbers, cell)
    assert value is None
    assert error == (
        f"'{cell}' is not a number; expected digits with an optional sign and decimal point "
        "(e.g. 42, -7 or 3.25)"
    )


def test_parse_numbers_rejects_overflow_to_infinity() -> None:
    """GIVEN digits too many for a float
    WHEN they are parsed as a number
    THEN it is an error, not infinity.
    """
    value, error = parsed_one(parse_numbers, "9" * 400)
    assert value is None
    assert error == f"'{'9' * 400}' is too large for a number"


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("1985-06-15", dt.date(1985, 6, 15)),
        ("15/06/1985", dt.date(1985, 6, 15)),
        ("5/6/1985", dt.date(1985, 6, 5)),
        ("05/6/1985", dt.date(1985, 6, 5)),
        ("1985", dt.date(1985, 1, 1)),
        ("31213", dt.date(1985, 6, 15)),
        ("45123", dt.date(2023, 7, 16)),
        ("45123.0", dt.date(2023, 7, 16)),
        ("10000", dt.date(1927, 5, 18)),
        ("  1985-06-15\u00a0", dt.date(1985, 6, 15)),
        ("2020-02-29", dt.date(2020, 2, 29)),
        ("29/02/2000", dt.date(2000, 2, 29)),
        ("1900-01-01", dt.date(1900, 1, 1)),
        ("2200-12-31", dt.date(2200, 12, 31)),
        ("1900", dt.date(1900, 1, 1)),
    ],
)
def test_parse_dates_accepts_the_spec_forms(cell: str, date: dt.date) -> None:
    """GIVEN a date as ISO, day-first, bare year or Excel serial
    WHEN it is parsed
    THEN it is that day (a bare year is 1 January; serials count from 1899-12-30).
    """
    assert parsed_one(parse_dates, cell) == (date, None)


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        ("31/02/2020", "'31/02/2020' is not a real date (February 2020 has 29 days)"),
        ("29/02/2023", "'29/02/2023' is not a real date (February 2023 has 28 days)"),
        ("2023-02-29", "'2023-02-29' is not a real date (February 2023 has 28 days)"),
        ("1900-02-29", "'1900-02-29' is not a real date (February 1900 has 28 days)"),
        ("31/04/2021", "'31/04/2021' is not a real date (April 2021 has 30 days)"),
        ("2021-01-32", "'2021-01-32' is not a real date (January 2021 has 31 days)"),
        ("2020-13-01", f"'2020-13-01' is not a date; expected {DATE_FORMS}"),
        ("15/13/2020", f"'15/13/2020' is not a date; expected {DATE_FORMS}"),
        ("2020-00-10", f"'2020-00-10' is not a date; expected {DATE_FORMS}"),
        ("00/01/2020", f"'00/01/2020' is not a date; expected {DATE_FORMS}"),
        ("1985-6-15", f"'1985-6-15' is not a date; expected {DATE_FORMS}"),
        ("06/15/85", f"'06/15/85' is not a date; expected {DATE_FORMS}"),
        ("15.06.1985", f"'15.06.1985' is not a date; expected {DATE_FORMS}"),
        ("1985-06-15 00:00:00", f"'1985-06-15 00:00:00' is not a date; expected {DATE_FORMS}"),
        ("ngày 15", f"'ngày 15' is not a date; expected {DATE_FORMS}"),
        ("45123.5", f"'45123.5' is not a date; expected {DATE_FORMS}"),
        ("-45123", f"'-45123' is not a date; expected {DATE_FORMS}"),
        ("١٩٨٥", f"'١٩٨٥' is not a date; expected {DATE_FORMS}"),
        (
            "1899",
            "'1899' is out of range; expected a date between 1900-01-01 and 2200-12-31",
        ),
        (
            "31/12/1899",
            "'31/12/1899' is out of range; expected a date between 1900-01-01 and 2200-12-31",
        ),
        (
            "2201-01-01",
            "'2201-01-01' is out of range; expected a date between 1900-01-01 and 2200-12-31",
        ),
        (
            "200000",
            "'200000' is out of range (Excel date serial for 2447-07-30); "
            "expected a date between 1900-01-01 and 2200-12-31",
        ),
        (
            "2958466",
            "'2958466' is out of range for an Excel date serial; "
            "expected a whole number from 10000 to 2958465",
        ),
        (
            "99999999999999999999999",
            "'99999999999999999999999' is out of range for an Excel date serial; "
            "expected a whole number from 10000 to 2958465",
        ),
        (
            "09999",
            "'09999' is out of range for an Excel date serial; "
            "expected a whole number from 10000 to 2958465",
        ),
    ],
)
def test_parse_dates_rejects_with_reason(cell: str, error: str) -> None:
    """GIVEN an impossible date, a wrong shape, or a date or serial out of range
    WHEN it is parsed
    THEN the value is null and the error says what was found and what is expected;
    nothing is rolled over to the next month.
    """
    assert parsed_one(parse_dates, cell) == (None, error)


def test_parse_dates_without_bare_years() -> None:
    """GIVEN a column where a bare year is not enough
    WHEN '1985' is parsed with allow_bare_year=False
    THEN it is an error saying a full date is needed, and listing the forms still accepted.
    """
    result = parse_dates(column("1985", "1985-06-15"), allow_bare_year=False)
    assert result.values.to_list() == [None, dt.date(1985, 6, 15)]
    assert result.errors[0] == (
        "'1985' is only a year; expected a full date: YYYY-MM-DD (e.g. 1985-06-15), "
        "DD/MM/YYYY (e.g. 15/06/1985) or an Excel date serial (e.g. 31213)"
    )


def test_parse_dates_without_excel_serials() -> None:
    """GIVEN a column where Excel serials are not accepted
    WHEN '45123' is parsed with allow_excel_serial=False
    THEN it is not a date, and the message does not offer serials.
    """
    result = parse_dates(column("45123"), allow_excel_serial=False)
    assert result.values[0] is None
    assert result.errors[0] == (
        "'45123' is not a date; expected YYYY-MM-DD (e.g. 1985-06-15), "
        "DD/MM/YYYY (e.g. 15/06/1985) or a bare year (1985)"
    )


def test_parse_dates_every_day_of_the_range_round_trips() -> None:
    """GIVEN every day from 1900-01-01 to 2200-12-31, written ISO and day-first
    WHEN the columns are parsed
    THEN each comes back as itself, with no error (leap years included).
    """
    first, last = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    iso = parse_dates(pl.Series([day.isoformat() for day in days]))
    dmy = parse_dates(pl.Series([f"{day.day}/{day.month}/{day.year}" for day in days]))
    assert iso.values.to_list() == days
    assert dmy.values.to_list() == days
    assert iso.errors.null_count() == dmy.errors.null_count() == len(days)


def test_parse_dates_with_many_repeats_equals_parsing_each_cell() -> None:
    """GIVEN a large column that repeats a few spellings (parsed once per distinct cell)
    WHEN it is parsed
    THEN every row gets the same value and error as its spelling parsed alone.
    """
    spellings = ["1985-06-15", "5/6/1985", "1985", "45123.0", "31/02/2020", "", None, "x"]
    big = pl.Series("birth_date", spellings * 500, dtype=pl.String)
    result = parse_dates(big)
    alone = [parsed_one(parse_dates, spelling) for spelling in spellings]
    assert list(zip(result.values, result.errors, strict=True)) == alone * 500
    assert result.values.name == "birth_date"


# --------------------------------------------------------------------------- booleans


@pytest.mark.parametrize(
    "cell", ["yes", "YES", "Yes", "true", "TRUE", "1", "có", "Có", "CÓ", "co", nfd("Có"), "y", "Y"]
)
def test_parse_booleans_true_words(cell: str) -> None:
    """GIVEN a word for yes in English or Vietnamese, any case, with or without diacritics
    WHEN it is parsed as a yes/no value
    THEN it is True.
    """
    assert parsed_one(parse_booleans, cell) == (True, None)


@pytest.mark.parametrize(
    "cell",
    ["no", "NO", "false", "False", "0", "không", "Không", "KHÔNG", "khong", nfd("không"), "n"],
)
def test_parse_booleans_false_words(cell: str) -> None:
    """GIVEN a word for no in English or Vietnamese, any case, with or without diacritics
    WHEN it is parsed as a yes/no value
    THEN it is False.
    """
    assert parsed_one(parse_booleans, cell) == (False, None)


def test_parse_booleans_blank_is_the_default() -> None:
    """GIVEN blank and null cells
    WHEN parsed with the default (no), with default=True and with default=None
    THEN they take that default and are never errors.
    """
    blanks = column("", " ", None)
    assert parse_booleans(blanks).values.to_list() == [False, False, False]
    assert parse_booleans(blanks, default=True).values.to_list() == [True, True, True]
    assert parse_booleans(blanks, default=None).values.to_list() == [None, None, None]
    assert parse_booleans(blanks, default=None).errors.null_count() == 3


@pytest.mark.parametrize("cell", ["x", "X", "maybe", "2", "yes no", "đúng"])
def test_parse_booleans_rejects_other_words(cell: str) -> None:
    """GIVEN a word that is none of the yes/no spellings (a tick mark 'x' included)
    WHEN it is parsed as a yes/no value
    THEN it is an error listing the accepted words, never the default.
    """
    value, error = parsed_one(parse_booleans, cell)
    assert value is None
    assert isinstance(error, str)
    assert error.startswith(
        f"'{cell}' is not a yes/no value; expected yes/no, true/false, 1/0, có/không or y/n"
    )


def test_parse_booleans_suggests_a_near_miss() -> None:
    """GIVEN a misspelt 'yes'
    WHEN it is parsed
    THEN the error suggests 'yes'.
    """
    assert parsed_one(parse_booleans, "yess")[1] == (
        "'yess' is not a yes/no value; expected yes/no, true/false, 1/0, có/không or y/n"
        " — did you mean 'yes'?"
    )


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("F", "female"),
        ("f", "female"),
        ("female", "female"),
        ("FEMALE", "female"),
        ("Nữ", "female"),
        ("NỮ", "female"),
        ("nữ", "female"),
        ("nu", "female"),
        ("NU", "female"),
        (nfd("Nữ"), "female"),
        (" Nữ\u00a0", "female"),
        ("M", "male"),
        ("male", "male"),
        ("Male", "male"),
        ("Nam", "male"),
        ("NAM", "male"),
        ("nam", "male"),
    ],
)
def test_gender_spellings(cell: str, code: str) -> None:
    """GIVEN a gender as the spec allows it: F/M, female/male, Nữ/Nam, any case or form
    WHEN the column is parsed with the gender vocabulary
    THEN it reads as the canonical code.
    """
    assert parsed_one(lambda s: parse_vocabulary(s, GENDER, what="gender"), cell) == (code, None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Hoàn thành xuất sắc nhiệm vụ", "excellent"),
        ("HOÀN THÀNH XUẤT SẮC NHIỆM VỤ", "excellent"),
        ("hoàn thành xuất sắc nhiệm vụ", "excellent"),
        ("hoan thanh xuat sac nhiem vu", "excellent"),
        ("HOAN THANH XUAT SAC NHIEM VU", "excellent"),
        (nfd("Hoàn thành xuất sắc nhiệm vụ"), "excellent"),
        ("  Hoàn  thành xuất sắc   nhiệm vụ ", "excellent"),
        ("HTXSNV", "excellent"),
        ("htxsnv", "excellent"),
        ("excellent", "excellent"),
        ("Hoàn thành tốt nhiệm vụ", "good"),
        ("hoan thanh tot nhiem vu", "good"),
        ("HTTNV", "good"),
        ("Good", "good"),
        ("Hoàn thành nhiệm vụ", "completed"),
        ("HOAN THANH NHIEM VU", "completed"),
        ("HTNV", "completed"),
        ("Không hoàn thành nhiệm vụ", "not_completed"),
        ("khong hoan thanh nhiem vu", "not_completed"),
        ("KHTNV", "not_completed"),
        ("not_completed", "not_completed"),
    ],
)
def test_rating_spellings(cell: str, code: str) -> None:
    """GIVEN an annual rating in full Vietnamese (any case, with or without diacritics, NFD),
    abbreviated, or as the English code
    WHEN the column is parsed with the rating vocabulary
    THEN it reads as the canonical code.
    """
    assert parsed_one(lambda s: parse_vocabulary(s, RATING, what="rating"), cell) == (code, None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Cán bộ", "can_bo"),
        ("CONG CHUC", "cong_chuc"),
        ("viên chức", "vien_chuc"),
        ("can_bo", "can_bo"),
    ],
)
def test_category_spellings(cell: str, code: str) -> None:
    """GIVEN a staff category as its code or its Vietnamese name
    WHEN the column is parsed with the category vocabulary
    THEN it reads as the canonical code.
    """
    parse = lambda s: parse_vocabulary(s, CATEGORY, what="category")  # noqa: E731
    assert parsed_one(parse, cell) == (code, None)


def test_unknown_word_is_reported_with_a_suggestion() -> None:
    """GIVEN a misspelt gender
    WHEN the column is parsed
    THEN the error names the field, lists the codes and some spellings, and suggests one.
    """
    result = parse_vocabulary(column("Nuu", "Nữ"), GENDER, what="gender")
    assert result.values.to_list() == [None, "female"]
    assert result.errors.to_list() == [
        "'Nuu' is not a known gender; expected one of: female, male (also F, M, Nữ, Nam)"
        " — did you mean 'Nữ (female)'?",
        None,
    ]


def test_unknown_word_in_vietnamese() -> None:
    """GIVEN a misspelt gender and the default language (Vietnamese)
    WHEN the column is parsed
    THEN the whole message is Vietnamese: the field as named, the codes, a suggestion."""
    result = cells.parse_vocabulary(column("Nuu"), GENDER, what="giới tính")
    assert result.errors.to_list() == [
        "'Nuu' không phải là giới tính hợp lệ; cần một trong: female, male (hoặc F, M, Nữ, Nam)"
        " — có phải là 'Nữ (female)'?"
    ]


@pytest.mark.parametrize(
    ("parse", "cell", "words"),
    [
        (cells.parse_dates, "31/02/2021", "không phải là ngày có thật (tháng 2 năm 2021 có 28"),
        (cells.parse_dates, "abc", "không phải là ngày; cần YYYY-MM-DD (ví dụ 1985-06-15)"),
        (cells.parse_integers, "4,2", "không phải là số nguyên"),
        (cells.parse_numbers, "1,5", "không phải là số"),
        (cells.parse_booleans, "maybe", "không phải là giá trị có/không"),
        (cells.parse_intervals, "2023-09-29/2023-09-11", "kết thúc trước khi bắt đầu"),
        (cells.parse_intervals, "2023-09-01", "không phải là khoảng thời gian"),
    ],
)
def test_messages_default_to_vietnamese(
    parse: Callable[[pl.Series], ParsedColumn], cell: str, words: str
) -> None:
    """GIVEN a bad cell WHEN parsed without naming a language THEN the error is Vietnamese."""
    error = parse(column(cell)).errors[0]
    assert words in error


def test_unknown_word_without_a_close_match_gets_no_suggestion() -> None:
    """GIVEN a rating nothing like any spelling
    WHEN the column is parsed
    THEN the error lists what is expected (cut short) and suggests nothing.
    """
    error = parsed_one(lambda s: parse_vocabulary(s, RATING, what="rating"), "???")[1]
    assert error == (
        "'???' is not a known rating; expected one of: excellent, good, completed, "
        "not_completed (also Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt nhiệm vụ, "
        "Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ, ...)"
    )


def test_parse_vocabulary_accepts_a_built_vocabulary() -> None:
    """GIVEN a WordMatcher built once
    WHEN it is passed instead of a mapping
    THEN the column reads the same.
    """
    vocabulary = WordMatcher.from_mapping(GENDER)
    result = parse_vocabulary(column("nam", None, "F"), vocabulary, what="gender")
    assert result.values.to_list() == ["male", None, "female"]


def test_parse_vocabulary_with_many_repeats_equals_parsing_each_cell() -> None:
    """GIVEN a large column repeating a few spellings (parsed once per distinct cell)
    WHEN it is parsed
    THEN every row gets the same value and error as its spelling alone.
    """
    spellings = ["Nữ", "NAM", "f", "Nuu", "", None, nfd("nữ")]
    parse = lambda s: parse_vocabulary(s, GENDER, what="gender")  # noqa: E731
    result = parse(pl.Series(spellings * 300, dtype=pl.String))
    alone = [parsed_one(parse, spelling) for spelling in spellings]
    assert list(zip(result.values, result.errors, strict=True)) == alone * 300


class TestVocabulary:
    def test_lookup_codes_and_keys(self) -> None:
        """GIVEN the gender vocabulary
        WHEN words are looked up
        THEN synonyms and codes in any case, form or spacing give the code; others None.
        """
        gender = WordMatcher.from_mapping(GENDER)
        assert gender.codes == ("female", "male")
        assert gender.lookup(" NỮ ") == gender.lookup(nfd("nữ")) == gender.lookup("F") == "female"
        assert gender.lookup("Nam") == "male"
        assert gender.lookup("x") is None
        assert gender.keys == {"female": "female", "f": "female", "nu": "female",
                               "male": "male", "m": "male", "nam": "male"}  # fmt: skip

    def test_suggest(self) -> None:
        """GIVEN the rating vocabulary
        WHEN near misses are offered
        THEN the closest code is suggested, and nothing for a word unlike any.
        """
        rating = WordMatcher.from_mapping(RATING)
        assert rating.suggest("HTXSN") == "excellent"
        assert rating.suggest("hoan thanh tot nhiem") == "good"
        assert rating.suggest("zzzz") is None

    def test_codes_sharing_a_key_are_refused(self) -> None:
        """GIVEN two codes with spellings that differ only by accents ('Nữ' vs 'nu')
        WHEN the vocabulary is built
        THEN it is refused with ValueError naming both spellings and the key.
        """
        with pytest.raises(ValueError, match=r"'Nữ' \(female\) and 'NU' \(other\).*'nu'"):
            WordMatcher.from_mapping({"female": ["Nữ"], "other": ["NU"]})

    def test_a_code_may_repeat_its_own_key(self) -> None:
        """GIVEN a code whose synonyms include its own spelling in other forms
        WHEN the vocabulary is built
        THEN that is fine.
        """
        assert WordMatcher.from_mapping({"female": ["Nữ", "nu", "NỮ", "Female"]}).lookup("NU")

    @pytest.mark.parametrize("mapping", [{}, {"yes": [" "]}, {" ": ["x"]}])
    def test_empty_vocabulary_or_blank_spelling_is_refused(
        self, mapping: dict[str, list[str]]
    ) -> None:
        """GIVEN no code at all, or a blank code or synonym
        WHEN the vocabulary is built
        THEN it is refused with ValueError.
        """
        with pytest.raises(ValueError, match=r"at least one code|blank spelling"):
            WordMatcher.from_mapping(mapping)

    def test_synonyms_as_one_string_are_refused(self) -> None:
        """GIVEN synonyms written as one string (which would iterate per letter)
        WHEN the vocabulary is built
        THEN it is refused with TypeError.
        """
        with pytest.raises(TypeError, match="list of words"):
            WordMatcher.from_mapping({"female": "Nữ"})  # type: ignore[dict-item]

    def test_describe(self) -> None:
        """GIVEN vocabularies with and without synonyms
        WHEN they are described for an error message
        THEN codes come first, then a few other spellings, synonyms equal to a code skipped.
        """
        gender = WordMatcher.from_mapping(GENDER)
        assert gender.describe("en") == "female, male (also F, M, Nữ, Nam)"
        assert gender.describe("vi") == "female, male (hoặc F, M, Nữ, Nam)"
        assert WordMatcher.from_mapping({"a": [], "b": ["B"]}).describe() == "a, b"


# --------------------------------------------------------------------------- codes


def test_parse_codes_reads_lists_in_order() -> None:
    """GIVEN quota lists with spaces around items, other case and a single item
    WHEN they are parsed against the quota ids
    THEN each is the list of canonical ids in the order written; blanks are null.
    """
    result = parse_codes(
        column("noi-vu-urban", " Tai-Chinh ; PG-DOMESTIC", "", None),
        allowed=QUOTAS,
        what="quota",
    )
    assert result.values.to_list() == [
        ["noi-vu-urban"],
        ["tai-chinh", "pg-domestic"],
        None,
        None,
    ]
    assert result.errors.null_count() == 4
    assert result.values.dtype == pl.List(pl.String)


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        (
            "tai-chinh;;y-te",
            "'tai-chinh;;y-te' has an empty item; "
            "expected quota codes separated by ';' (e.g. gd-dt;kh-cn)",
        ),
        (
            "tai-chinh;",
            "'tai-chinh;' has an empty item; "
            "expected quota codes separated by ';' (e.g. gd-dt;kh-cn)",
        ),
        (
            "tai-chinh; ;y-te",
            "'tai-chinh; ;y-te' has an empty item; "
            "expected quota codes separated by ';' (e.g. gd-dt;kh-cn)",
        ),
        (
            "y-te;tai-chinh;Y-TE",
            "'y-te;tai-chinh;Y-TE' lists 'y-te' more than once; expected each quota once",
        ),
        (
            "tai-chinhh",
            "'tai-chinhh' is not a known quota; expected one of: gd-dt, kh-cn, noi-vu-hr, "
            "noi-vu-urban, pg-abroad, pg-domestic, tai-chinh, tt-tt, y-te"
            " — did you mean 'tai-chinh'?",
        ),
        (
            "hanoi",
            "'hanoi' is not a known quota; expected one of: gd-dt, kh-cn, noi-vu-hr, "
            "noi-vu-urban, pg-abroad, pg-domestic, tai-chinh, tt-tt, y-te",
        ),
    ],
)
def test_parse_codes_rejects(cell: str, error: str) -> None:
    """GIVEN an empty item, a repeated code (in any case) or an unknown code
    WHEN the list is parsed
    THEN the cell is an error saying which, with an example or a suggestion; nothing dropped.
    """
    assert parsed_one(lambda s: parse_codes(s, allowed=QUOTAS, what="quota"), cell) == (
        None,
        error,
    )


def test_parse_codes_reports_every_problem_of_a_cell() -> None:
    """GIVEN a cell with an unknown code, an empty item and a repeat
    WHEN it is parsed
    THEN all three problems are reported, in order, each once.
    """
    error = parsed_one(lambda s: parse_codes(s, allowed=["a", "b"], what="quota"), "a;zz;;a;zz")[1]
    assert error == (
        "'zz' is not a known quota; expected one of: a, b; "
        "'a;zz;;a;zz' has an empty item; expected quota codes separated by ';' (e.g. a;b); "
        "'a;zz;;a;zz' lists 'a' more than once; expected each quota once"
    )


def test_parse_codes_without_an_allowed_list() -> None:
    """GIVEN no list of allowed codes
    WHEN codes are parsed
    THEN any non-empty item is kept as written, but empty items and repeats are still errors.
    """
    result = parse_codes(column("x; Y", "x;;y", "x;x"), allowed=None, what="position")
    assert result.values.to_list() == [["x", "Y"], None, None]
    assert result.errors.to_list() == [
        None,
        "'x;;y' has an empty item; expected position codes separated by ';' (e.g. code-1;code-2)",
        "'x;x' lists 'x' more than once; expected each position once",
    ]


def test_parse_codes_other_separator() -> None:
    """GIVEN codes separated by commas
    WHEN parsed with separator=','
    THEN they split on commas.
    """
    result = parse_codes(column("a, b"), separator=",", allowed=["a", "b"], what="quota")
    assert result.values.to_list() == [["a", "b"]]


def test_parse_codes_refuses_bad_arguments() -> None:
    """GIVEN an empty separator, one string as the allowed list, or codes equal but for case
    WHEN parse_codes is called
    THEN it raises ValueError or TypeError before reading any cell.
    """
    with pytest.raises(ValueError, match="separator"):
        parse_codes(column("a"), separator="", allowed=None, what="quota")
    with pytest.raises(TypeError, match="not one string"):
        parse_codes(column("a"), allowed="a", what="quota")
    with pytest.raises(ValueError, match="differ only in case"):
        parse_codes(column("a"), allowed=["Tai-Chinh", "tai-chinh"], what="quota")


def test_parse_codes_lists_a_long_allowed_list_shortly() -> None:
    """GIVEN forty allowed position codes
    WHEN an unknown one is parsed
    THEN the message lists the first twelve and says how many there are.
    """
    positions = [f"position-{n:02d}" for n in range(40)]
    error = parsed_one(lambda s: parse_codes(s, allowed=positions, what="position"), "zzz")[1]
    assert isinstance(error, str)
    assert "position-11, ... (40 in all)" in error
    assert "position-12" not in error


# --------------------------------------------------------------------------- intervals


def interval(start: str, end: str) -> dict[str, dt.date]:
    return {"start": dt.date.fromisoformat(start), "end": dt.date.fromisoformat(end)}


def test_parse_intervals_reads_lists() -> None:
    """GIVEN zero, one and two intervals, spaces around items and slash, a one-day interval
    WHEN the column is parsed
    THEN each is a list of start/end dates; blank and null are empty lists.
    """
    result = parse_intervals(
        column(
            "2023-09-11/2023-09-29",
            " 2023-01-02 / 2023-01-31 ; 2023-03-01/2023-03-01 ",
            "",
            None,
        )
    )
    assert result.values.to_list() == [
        [interval("2023-09-11", "2023-09-29")],
        [interval("2023-01-02", "2023-01-31"), interval("2023-03-01", "2023-03-01")],
        [],
        [],
    ]
    assert result.errors.null_count() == 4
    assert result.values.dtype == pl.List(pl.Struct({"start": pl.Date, "end": pl.Date}))


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        (
            "2023-09-29/2023-09-11",
            "'2023-09-29/2023-09-11' ends before it starts; "
            "expected the end on or after the start (e.g. 2023-09-11/2023-09-29)",
        ),
        (
            "2023-02-29/2023-03-10",
            "in '2023-02-29/2023-03-10': '2023-02-29' is not a real date "
            "(February 2023 has 28 days)",
        ),
        (
            "2023-01-10/2023-13-01",
            "in '2023-01-10/2023-13-01': '2023-13-01' is not a date; "
            "expected YYYY-MM-DD (e.g. 1985-06-15)",
        ),
        (
            "11/09/2023/29/09/2023",
            "'11/09/2023/29/09/2023' is not an interval; "
            "expected start/end as YYYY-MM-DD/YYYY-MM-DD (e.g. 2023-09-11/2023-09-29)",
        ),
        (
            "2023-09-11",
            "'2023-09-11' is not an interval; "
            "expected start/end as YYYY-MM-DD/YYYY-MM-DD (e.g. 2023-09-11/2023-09-29)",
        ),
        (
            "2023-09-11/2023-09-29;;",
            "'2023-09-11/2023-09-29;;' has an empty item; "
            "expected intervals separated by ';' (e.g. 2023-01-09/2023-01-13)",
        ),
        (
            "2023-09-11/2023-09-29;2023-10-02/2023-10-01",
            "'2023-10-02/2023-10-01' ends before it starts; "
            "expected the end on or after the start (e.g. 2023-09-11/2023-09-29)",
        ),
        (
            "1850-01-01/1850-02-01",
            "in '1850-01-01/1850-02-01': '1850-01-01' is out of range; "
            "expected a date between 1900-01-01 and 2200-12-31",
        ),
    ],
)
def test_parse_intervals_rejects(cell: str, error: str) -> None:
    """GIVEN an interval ending before it starts, an impossible date, a wrong shape, an empty
    item, or one bad interval among good ones
    WHEN the column is parsed
    THEN the whole cell is an error (null value) saying which interval is wrong and why.
    """
    assert parsed_one(parse_intervals, cell) == (None, error)


def test_parse_intervals_with_many_repeats_equals_parsing_each_cell() -> None:
    """GIVEN a large column repeating a few enrollment lists (parsed once per distinct cell)
    WHEN it is parsed
    THEN every row gets the same value and error as its cell alone.
    """
    spellings = ["", None, "2023-01-01/2023-01-31", "2023-01-01/2023-01-31;2023-03-01/2023-03-02",
                 "2023-03-01/2023-02-01", "x;;"]  # fmt: skip
    result = parse_intervals(pl.Series(spellings * 300, dtype=pl.String))
    alone = [parsed_one(parse_intervals, spelling) for spelling in spellings]
    assert (
        list(zip(result.values.to_list(), result.errors, strict=True))
        == [
            (value.to_list() if isinstance(value, pl.Series) else value, error)
            for value, error in alone
        ]
        * 300
    )


# --------------------------------------------------------------------------- module


def test_doctests() -> None:
    """GIVEN the examples in the module's docstrings
    WHEN they are run
    THEN they all pass.
    """
    result = doctest.testmod(cells, globs={"pl": pl, **vars(cells)})
    assert result.failed == 0
    assert result.attempted > 0


def test_all_lists_exactly_the_public_names() -> None:
    """GIVEN the cells module
    WHEN its public functions and classes are listed
    THEN ``__all__`` names exactly those.
    """
    public = {
        name
        for name, value in vars(cells).items()
        if not name.startswith("_") and inspect.getmodule(value) is cells
    }
    assert set(cells.__all__) == public


# --------------------------------------------------------------------------- properties

# A polars call, or the first use of a cached table, can take longer than Hypothesis'
# default deadline; a slow example here is not a failure.
no_deadline = settings(deadline=None)

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


@no_deadline
@given(dates, st.sampled_from(["iso", "dmy", "dmy-padded", "serial", "serial.0"]), st.booleans())
def test_a_formatted_date_parses_back_to_itself(day: dt.date, form: str, pad: bool) -> None:
    """GIVEN any date in range, written in any accepted form, maybe padded with spaces
    WHEN it is parsed
    THEN it is that date.
    """
    serial = (day - dt.date(1899, 12, 30)).days
    text = {
        "iso": day.isoformat(),
        "dmy": f"{day.day}/{day.month}/{day.year}",
        "dmy-padded": day.strftime("%d/%m/%Y"),
        "serial": str(serial),
        "serial.0": f"{serial}.0",
    }[form]
    if form.startswith("serial") and serial < 10_000:
        return  # below 10000 a number is a year, not a serial
    assert parsed_one(parse_dates, f" {text} " if pad else text) == (day, None)


@no_deadline
@given(st.integers(1900, 2200), st.integers(1, 12), st.integers(1, 31))
def test_day_month_year_is_a_date_exactly_when_the_calendar_says_so(
    year: int, month: int, day: int
) -> None:
    """GIVEN any day, month and year numbers
    WHEN written DD/MM/YYYY and YYYY-MM-DD and parsed
    THEN both give that date when it exists and an error otherwise (never a rolled-over day).
    """
    try:
        expected: dt.date | None = dt.date(year, month, day)
    except ValueError:
        expected = None
    for text in (f"{day:02d}/{month:02d}/{year}", f"{year}-{month:02d}-{day:02d}"):
        value, error = parsed_one(parse_dates, text)
        assert value == expected
        assert (error is None) == (expected is not None)


@no_deadline
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=30))
def test_a_cell_is_a_value_or_an_error_never_both(values: list[str | None]) -> None:
    """GIVEN any column of text
    WHEN it is parsed by each parser
    THEN each row has a value, or an error, or is blank: never a value and an error, and
    never a non-blank cell with neither.
    """
    series = pl.Series("c", values, dtype=pl.String)
    blank = [value is None or value.strip(WHITESPACE) == "" for value in values]
    for parse in (parse_integers, parse_numbers, parse_dates, parse_text, parse_intervals):
        result = parse(series)
        for is_blank, value, error in zip(blank, result.values, result.errors, strict=True):
            assert value is None or error is None
            assert is_blank or value is not None or error is not None


@no_deadline
@given(st.lists(st.sampled_from(["Nữ", "nam", "F", "x", "", None, "NỮ", nfd("Nữ")]), max_size=40))
def test_vocabulary_rows_are_independent(values: list[str | None]) -> None:
    """GIVEN any column of gender spellings, in any mix and number of repeats
    WHEN the column is parsed
    THEN each row's result is that of its cell parsed alone.
    """
    parse = lambda s: parse_vocabulary(s, GENDER, what="gender")  # noqa: E731
    result = parse(pl.Series(values, dtype=pl.String))
    expected = [parsed_one(parse, value) for value in values]
    assert list(zip(result.values, result.errors, strict=True)) == expected


@no_deadline
@given(
    st.lists(
        st.lists(st.sampled_from([*QUOTAS, "TAI-CHINH", "zz", "", " y-te "]), max_size=4).map(
            ";".join
        ),
        max_size=20,
    )
)
def test_codes_rows_are_independent_and_lists_are_canonical(values: list[str]) -> None:
    """GIVEN any column of quota lists
    WHEN the column is parsed
    THEN each row matches its cell alone, and every parsed list holds distinct allowed ids.
    """
    parse = lambda s: parse_codes(s, allowed=QUOTAS, what="quota")  # noqa: E731
    result = parse(pl.Series(values, dtype=pl.String))
    for value, error, cell in zip(result.values, result.errors, values, strict=True):
        alone_value, alone_error = parsed_one(parse, cell)
        assert error == alone_error
        if value is None:
            assert alone_value is None
        else:
            codes = value.to_list()
            assert codes == alone_value.to_list()  # type: ignore[union-attr]
            assert len(set(codes)) == len(codes)
            assert set(codes) <= set(QUOTAS)


@no_deadline
@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=4))
def test_intervals_round_trip(pairs: list[tuple[dt.date, dt.date]]) -> None:
    """GIVEN intervals made of any two dates in range
    WHEN they are written start/end;... and parsed
    THEN they come back when every end is on or after its start, else the cell is an error.
    """
    text = ";".join(f"{start}/{end}" for start, end in pairs)
    value, error = parsed_one(parse_intervals, text)
    if all(start <= end for start, end in pairs):
        assert error is None
        assert value.to_list() == [{"start": s, "end": e} for s, e in pairs]  # type: ignore[union-attr]
    else:
        assert value is None
        assert "ends before it starts" in str(error)


@no_deadline
@given(st.integers(-(2**63), 2**63 - 1), st.booleans())
def test_integers_round_trip(number: int, plus: bool) -> None:
    """GIVEN any 64-bit integer, maybe with an explicit plus sign
    WHEN it is written and parsed
    THEN it comes back.
    """
    text = f"+{number}" if plus and number >= 0 else str(number)
    assert parsed_one(parse_integers, text) == (number, None)


@no_deadline
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False))
def test_numbers_round_trip(number: object) -> None:
    """GIVEN any decimal number written in plain notation
    WHEN it is parsed
    THEN it is the nearest float.
    """
    text = f"{number:f}"
    assert parsed_one(parse_numbers, text) == (float(text), None)


# --------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    "parse",
    [
        lambda s: parse_codes(s, allowed=QUOTAS, what="quota", max_items=200),
        lambda s: parse_intervals(s, max_items=200),
    ],
)
def test_a_cell_of_too_many_items_is_refused_without_being_split(
    parse: Callable[[pl.Series], ParsedColumn],
) -> None:
    """GIVEN a list cell of 20,000 items (a hostile file) next to a normal one
    WHEN the column is parsed with a bound of 200 items per cell
    THEN the big cell is an error naming its count and the limit, and the other is read."""
    huge = ";".join(["tai-chinh" if i % 2 else "2023-01-02/2023-01-03" for i in range(20_000)])
    result = parse(column(huge, None))
    assert result.values[0] is None
    assert result.errors[0] == (
        "the cell has 20000 items; at most 200 are read per cell (limit max_items_per_cell)"
        " — check the cell's data"
    )
    assert result.errors[1] is None


def test_a_cell_at_the_item_bound_is_read() -> None:
    """GIVEN a cell of exactly the bound's number of items WHEN parsed THEN it is read."""
    cell = ";".join(f"2023-01-{day:02d}/2023-01-{day:02d}" for day in range(1, 21))
    result = parse_intervals(column(cell), max_items=20)
    assert result.errors[0] is None
    assert len(result.values[0]) == 20
