"""Ids in normal form, and control characters found and shown."""

from __future__ import annotations

import polars as pl
import pytest

from eligibility.intake.identity import (
    ANY_CONTROL,
    CONTROL_BUT_LAYOUT,
    control_character,
    has_control_character,
    normalized_id,
    normalized_ids,
    strip_invisible,
    visible,
)


@pytest.mark.parametrize("spelling", [
    "HN-000039", " HN-000039 ", "HN-000039\u200b", "\u200eHN-000039", "HN\u2011000039",
    "HN\u2013000039", "HN\u2212000039", "ＨＮ－００００３９", "HN-\u2060000039\ufeff",
])
def test_look_alike_ids_have_one_normal_form(spelling: str) -> None:
    """GIVEN an id written with invisible marks, a dash look-alike or full-width characters
    WHEN normalized, one by one and as a column THEN it is HN-000039."""
    assert normalized_id(spelling) == "HN-000039"
    assert normalized_ids(pl.Series([spelling, None])).to_list() == ["HN-000039", None]


def test_different_ids_stay_different() -> None:
    """GIVEN ids that differ in a letter, a digit or case WHEN normalized THEN they differ."""
    ids = ["HN-000039", "HN-000038", "hn-000039", "HN000039"]
    assert normalized_ids(pl.Series(ids)).n_unique() == 4


def test_control_characters_are_found_per_cell() -> None:
    """GIVEN cells with NUL, ESC, a tab, a line break or none
    WHEN looked at strictly (ids, names) and with layout allowed (other text)
    THEN the first control character is named, and tab and line break only strictly."""
    cells = pl.DataFrame({"c": ["a\x00", "b\x1b[0m", "c\td", "e\nf", "plain", None]})
    strict = cells.select(control_character(pl.col("c"), layout_allowed=False)).to_series()
    lenient = cells.select(control_character(pl.col("c"), layout_allowed=True)).to_series()
    assert strict.to_list() == ["U+0000", "U+001B", "U+0009", "U+000A", None, None]
    assert lenient.to_list() == ["U+0000", "U+001B", None, None, None, None]


_CONTROLS = [chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))]
# Not controls, though UTF-8 writes them with a 0xC2 byte (U+00A0..U+00BF) or with a
# byte in 0x80..0x9F after the first (ạ is E1 BA A1, € is E2 82 AC, ā is C4 81).
_LOOK_ALIKES = ["\u00a0", "\u00a9", "\u00bf", "ạ", "€", "ā", "Nguyễn", "", " "]


@pytest.mark.parametrize("layout_allowed", [False, True])
@pytest.mark.parametrize("cell", [*_CONTROLS, *_LOOK_ALIKES])
def test_a_column_holds_a_control_character_as_its_cells_do(cell: str,
                                                             layout_allowed: bool) -> None:
    """GIVEN a column with one cell holding a control character or a character whose UTF-8
    bytes resemble one (alone, inside text, after a null) WHEN asked whether the column holds
    a control character THEN the answer is the per-cell regex's, tab and line breaks allowed
    only with layout."""
    pattern = CONTROL_BUT_LAYOUT if layout_allowed else ANY_CONTROL
    for column in ([cell], ["HN-1", f"x{cell}y", None], [None, f"\u00a0{cell}"]):
        cells = pl.Series(column, dtype=pl.String)
        assert has_control_character(cells, layout_allowed=layout_allowed) \
            == cells.str.contains(pattern).any(), column


def test_an_empty_or_null_column_holds_no_control_character() -> None:
    """GIVEN no cell, or only missing cells WHEN asked THEN no control character."""
    for cells in (pl.Series([], dtype=pl.String), pl.Series([None, None], dtype=pl.String)):
        assert not has_control_character(cells, layout_allowed=False)


def test_visible_shows_every_control_character() -> None:
    """GIVEN text holding C0, DEL and C1 controls WHEN made visible THEN none is left."""
    shown = visible("".join(chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))))
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in shown)


def test_strip_invisible_keeps_visible_text() -> None:
    """GIVEN Vietnamese text with a zero-width joiner WHEN stripped THEN only it goes."""
    assert strip_invisible("Họ\u200d và tên") == "Họ và tên"
