"""Ids in normal form, and control characters found and shown."""

from __future__ import annotations

import polars as pl
import pytest

from eligibility.intake.identity import (
    control_character,
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


def test_visible_shows_every_control_character() -> None:
    """GIVEN text holding C0, DEL and C1 controls WHEN made visible THEN none is left."""
    shown = visible("".join(chr(code) for code in (*range(0x20), *range(0x7F, 0xA0))))
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in shown)


def test_strip_invisible_keeps_visible_text() -> None:
    """GIVEN Vietnamese text with a zero-width joiner WHEN stripped THEN only it goes."""
    assert strip_invisible("Họ\u200d và tên") == "Họ và tên"
