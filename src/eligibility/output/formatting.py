"""Amounts, shares and ranking-key values as a person reads them in the run's language.

Numbers and dates follow :mod:`eligibility.i18n.formats` (``1.234.567`` and ``12,5`` in
Vietnamese, ``1,234,567`` and ``12.5`` in English; ``11/09/2023`` and ``2023-09-11``).

>>> format_money(18_000_000_000, "vi"), format_money(18_000_000_000, "en")
('18.000.000.000 đồng', '18,000,000,000 VND')
>>> format_percent(0.4537, "vi"), format_percent(0.5, "en")
('45,4%', '50.0%')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.i18n import t
from eligibility.i18n.formats import date, number

__all__ = ["format_date", "format_integer", "format_money", "format_number", "format_percent",
           "format_value"]

NO_VALUE = "—"


def format_integer(value: int, language: str) -> str:
    return number(value, language)


def format_number(value: float | int | None, language: str) -> str:
    """A score or points: no needless '.0', at most two decimals; '—' for none."""
    return NO_VALUE if value is None else number(value, language)


def format_money(value: int | float, language: str) -> str:
    """An amount in VND, e.g. '18.000.000.000 đồng' or '18,000,000,000 VND'."""
    return t("figures.money", language, amount=number(round(value), language))


def format_percent(share: float | None, language: str) -> str:
    """A share as a percentage with one decimal ('45,4%'); '—' for none."""
    if share is None:
        return NO_VALUE
    whole = number(round(share * 100, 1), language)
    decimal = "," if language == "vi" else "."
    return whole + "%" if decimal in whole else f"{whole}{decimal}0%"


def format_date(value: dt.date | None, language: str) -> str:
    return NO_VALUE if value is None else date(value, language)


def format_value(value: Any, language: str) -> str:
    """Any ranking-key value: a date, a number, a yes/no or text."""
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, bool):
        return t("figures.yes" if value else "figures.no", language)
    if isinstance(value, (int, float)):
        return format_number(value, language)
    return NO_VALUE if value is None else str(value)
