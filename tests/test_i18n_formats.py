"""Numbers and dates written the way each language writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from eligibility.i18n.formats import date, number


@pytest.mark.parametrize(("value", "vi", "en"), [
    (0, "0", "0"),
    (999, "999", "999"),
    (1000, "1.000", "1,000"),
    (2_000_000, "2.000.000", "2,000,000"),
    (-1500, "-1.500", "-1,500"),
    (20.0, "20", "20"),
    (22.5, "22,5", "22.5"),
    (1234.567, "1.234,57", "1,234.57"),
    (0.004, "0", "0"),
])
def test_numbers_group_thousands_and_mark_decimals_by_language(value: float, vi: str,
                                                               en: str) -> None:
    """GIVEN a count or a score WHEN written THEN Vietnamese groups thousands with dots and
    writes decimals with a comma, English the reverse; no needless '.0', two decimals at
    most."""
    assert number(value, "vi") == vi
    assert number(value, "en") == en


def test_dates_are_day_first_in_vietnamese_and_iso_in_english() -> None:
    """GIVEN a date WHEN written THEN Vietnamese writes DD/MM/YYYY and English YYYY-MM-DD."""
    day = dt.date(2023, 2, 28)
    assert (date(day, "vi"), date(day, "en")) == ("28/02/2023", "2023-02-28")
