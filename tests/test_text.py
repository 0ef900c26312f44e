"""Tests for eligibility.text: NFC and the match key, scalar and polars."""

from __future__ import annotations

import doctest
import inspect
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility import text
from eligibility.text import (
    WHITESPACE,
    match_key,
    match_key_expr,
    match_key_series,
    nfc,
    nfc_expr,
    strip,
    strip_expr,
)

# Vietnamese letters (with their own shapes) and the five tone marks, so that generated text
# looks like what the spreadsheets hold: NFC, NFD and odd mixtures of both.
_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


@st.composite
def vietnamese_words(draw: st.DrawFn) -> str:
    """A word of Vietnamese letters with tone marks, in NFC, NFD or as generated."""
    letters = draw(st.lists(st.sampled_from(_LETTERS), min_size=1, max_size=6))
    word = "".join(letter + draw(st.sampled_from(["", "", *_TONES])) for letter in letters)
    form = draw(st.sampled_from(["NFC", "NFD", None]))
    return unicodedata.normalize(form, word) if form else word


def field_text() -> st.SearchStrategy[str]:
    """Vietnamese words among odd whitespace, stray marks and any character Python knows.

    Characters unassigned in Python's Unicode database (category Cn) are left out: polars
    has newer Unicode tables and may fold those differently (see the module docstring).
    """
    anything = st.text(st.characters(exclude_categories=["Cs", "Cn"]), max_size=4)
    parts = st.one_of(
        vietnamese_words(),
        st.text(st.sampled_from(WHITESPACE), min_size=1, max_size=3),
        st.sampled_from([*_TONES, "\u0345", "Σ", "ß", "İ", "ǅ", "ﬁ", "Ǆ", "ς", "Ꭰ", "ꭰ"]),
        anything,
    )
    return st.lists(parts, max_size=8).map("".join)


def _polars_series(values: list[str | None]) -> pl.Series:
    return pl.Series("s", values, dtype=pl.String)


def _select(expr: pl.Expr, values: list[str | None]) -> list[str | None]:
    return pl.DataFrame({"s": _polars_series(values)}).select(expr).to_series().to_list()


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Nữ", "nu"),
        ("NỮ", "nu"),
        (" nu ", "nu"),
        (unicodedata.normalize("NFD", "Nữ"), "nu"),
        ("Hoàn thành xuất sắc nhiệm vụ", "hoan thanh xuat sac nhiem vu"),
        ("HOÀN THÀNH XUẤT SẮC NHIỆM VỤ", "hoan thanh xuat sac nhiem vu"),
        ("HOAN THANH XUAT SAC NHIEM VU", "hoan thanh xuat sac nhiem vu"),
        ("  Hoàn   thành\txuất\u00a0sắc nhiệm vụ ", "hoan thanh xuat sac nhiem vu"),
        ("Thuý", "thuy"),
        ("Thúy", "thuy"),
        ("Đặng Đình Đức", "dang dinh duc"),
        ("đ", "d"),
        ("Không", "khong"),
        ("Có", "co"),
        ("Straße", "strasse"),
        ("", ""),
        (" \t ", ""),
    ],
)
def test_match_key_examples(spelling: str, key: str) -> None:
    """GIVEN a spelling found in nominee files
    WHEN its match key is taken, scalar and in polars
    THEN both give the expected accent-free, lowercase, single-spaced key.
    """
    assert match_key(spelling) == key
    assert _select(match_key_expr(pl.col("s")), [spelling]) == [key]
    assert match_key_series(_polars_series([spelling])).to_list() == [key]


def test_old_and_new_tone_placement_share_a_key() -> None:
    """GIVEN 'Hoà' and 'Hòa', which differ even in NFC (old and new tone placement)
    WHEN their match keys are taken
    THEN the keys are equal.
    """
    assert nfc("Hoà") != nfc("Hòa")
    assert match_key("Hoà") == match_key("Hòa") == "hoa"


def test_nulls_stay_null_in_polars() -> None:
    """GIVEN a column with nulls
    WHEN any of the polars functions is applied
    THEN nulls stay null and the other cells are transformed.
    """
    values = [None, " Nữ ", None]
    assert _select(nfc_expr(pl.col("s")), values) == [None, " Nữ ", None]
    assert _select(strip_expr(pl.col("s")), values) == [None, "Nữ", None]
    assert _select(match_key_expr(pl.col("s")), values) == [None, "nu", None]
    assert match_key_series(_polars_series(values)).to_list() == [None, "nu", None]


def test_nfc_composes_nfd_input() -> None:
    """GIVEN a name typed in NFD
    WHEN it is put in NFC, scalar and in polars
    THEN it equals the precomposed spelling.
    """
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Thuý")
    assert decomposed != "Nguyễn Thị Thuý"
    assert nfc(decomposed) == "Nguyễn Thị Thuý"
    assert _select(nfc_expr(pl.col("s")), [decomposed]) == ["Nguyễn Thị Thuý"]


def test_strip_removes_unicode_whitespace_only() -> None:
    """GIVEN text surrounded by no-break, ideographic and ASCII spaces and a zero-width space
    WHEN it is stripped
    THEN the whitespace goes and the zero-width space (not whitespace) stays.
    """
    assert strip("\u00a0\u3000 Hà Nội\t\n") == "Hà Nội"
    assert strip("\u200bHà Nội") == "\u200bHà Nội"
    assert _select(strip_expr(pl.col("s")), ["\u00a0\u3000 Hà Nội\t\n"]) == ["Hà Nội"]


def test_whitespace_is_what_polars_strips() -> None:
    """GIVEN every code point
    WHEN polars decides which ones ``strip_chars()`` removes by default
    THEN those are exactly WHITESPACE (Python's isspace would add U+001C..U+001F).
    """
    every = [chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000]
    stripped = pl.Series(every).str.strip_chars().to_list()
    assert {char for char, out in zip(every, stripped, strict=True) if out == ""} == set(WHITESPACE)


def test_match_key_identical_for_every_assigned_code_point() -> None:
    """GIVEN every code point Python's Unicode database assigns, in a few contexts
    WHEN the scalar and the polars match keys are taken
    THEN they are identical (this pins down the Unicode-version caveat of the module).
    """
    assigned = [
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code < 0xE000 and unicodedata.category(chr(code)) != "Cn"
    ]
    samples = [f"A{char}Σ {unicodedata.normalize('NFD', char)}ΑΣ" for char in assigned]
    assert match_key_series(_polars_series(samples)).to_list() == [match_key(s) for s in samples]


def test_casefold_table_lists_every_character_folding_otherwise_than_it_lowercases() -> None:
    """GIVEN every code point, built one by one with chr()
    WHEN the characters whose case fold differs from themselves while lowercase are listed
    THEN the table polars' match key applies is exactly that list, each with its fold.
    """
    expected = {char: char.casefold() for char in map(chr, range(0x110000))
                if char.casefold() != char and char.lower() == char}
    assert text._casefold_fixes() == expected
    assert expected["ß"] == "ss"


def test_doctests() -> None:
    """GIVEN the examples in the module's docstrings
    WHEN they are run
    THEN they all pass.
    """
    result = doctest.testmod(text, globs={"pl": pl, **vars(text)})
    assert result.failed == 0
    assert result.attempted > 0


def test_all_lists_exactly_the_public_names() -> None:
    """GIVEN the text module
    WHEN its public functions and constants are listed
    THEN ``__all__`` names exactly those.
    """
    public = {
        name
        for name, value in vars(text).items()
        if not name.startswith("_")
        and (inspect.getmodule(value) is text or name.isupper())
        and name not in {"Final", "annotations"}
    }
    assert set(text.__all__) == public


# --------------------------------------------------------------------------- properties

# A polars call, or the first use of a cached table, can take longer than Hypothesis'
# default deadline; a slow example here is not a failure.
no_deadline = settings(deadline=None)


@no_deadline
@given(st.lists(st.one_of(st.none(), field_text()), max_size=20))
def test_polars_match_key_equals_scalar(values: list[str | None]) -> None:
    """GIVEN any column of field text (NFC, NFD, odd spaces, stray marks, nulls)
    WHEN match keys are taken in polars (expression and series) and in Python
    THEN they are identical cell by cell.
    """
    expected = [None if value is None else match_key(value) for value in values]
    assert _select(match_key_expr(pl.col("s")), values) == expected
    assert match_key_series(_polars_series(values)).to_list() == expected


@no_deadline
@given(st.lists(st.one_of(st.none(), field_text()), max_size=20))
def test_polars_nfc_and_strip_equal_scalar(values: list[str | None]) -> None:
    """GIVEN any column of field text
    WHEN NFC and strip are applied in polars and in Python
    THEN the results are identical.
    """
    assert _select(nfc_expr(pl.col("s")), values) == [
        None if value is None else nfc(value) for value in values
    ]
    assert _select(strip_expr(pl.col("s")), values) == [
        None if value is None else strip(value) for value in values
    ]


@no_deadline
@given(field_text())
def test_match_key_is_idempotent(value: str) -> None:
    """GIVEN any field text
    WHEN the match key of its match key is taken
    THEN it is the match key itself.
    """
    key = match_key(value)
    assert match_key(key) == key


@no_deadline
@given(field_text())
def test_match_key_ignores_form_and_spacing(value: str) -> None:
    """GIVEN any field text
    WHEN it is rewritten in NFD or NFC, or padded with spaces
    THEN its match key does not change.
    """
    key = match_key(value)
    assert match_key(unicodedata.normalize("NFD", value)) == key
    assert match_key(unicodedata.normalize("NFC", value)) == key
    assert match_key(f"  {value}\u00a0") == key


@no_deadline
@given(st.lists(vietnamese_words(), min_size=1, max_size=5))
def test_match_key_ignores_case_and_accents_of_vietnamese(words: list[str]) -> None:
    """GIVEN Vietnamese words, each in NFC, NFD or a mixture
    WHEN they are written in upper case, or with every tone mark and letter shape removed
    THEN the phrase keeps its match key.
    """
    phrase = " ".join(words)
    bare = (
        "".join(
            char
            for char in unicodedata.normalize("NFD", phrase)
            if not unicodedata.category(char).startswith("M")
        )
        .replace("đ", "d")
        .replace("Đ", "D")
    )
    assert match_key(phrase.upper()) == match_key(phrase) == match_key(bare)
    assert match_key(phrase).isascii()


@no_deadline
@given(field_text())
def test_match_key_is_clean(value: str) -> None:
    """GIVEN any field text
    WHEN its match key is taken
    THEN the key is NFC, has no combining mark, no 'đ', and no leading, trailing or double
    whitespace.
    """
    key = match_key(value)
    assert unicodedata.is_normalized("NFC", key)
    assert not any(unicodedata.category(char).startswith("M") for char in key)
    assert "đ" not in key
    assert key == strip(key)
    assert "  " not in key
    assert not any(char in WHITESPACE and char != " " for char in key)
