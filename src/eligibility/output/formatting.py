"""Numbers, amounts, shares and dates as a person reads them in the run's language.

Vietnamese writes ``1.234.567`` and ``12,5``; English ``1,234,567`` and ``12.5``. Dates
follow the rule messages (:data:`eligibility.messages.DATE_FORMATS`): ``11/09/2023`` and
``2023-09-11``.

>>> format_integer(18_000_000_000, "vi"), format_integer(18_000_000_000, "en")
('18.000.000.000', '18,000,000,000')
>>> format_number(12.5, "vi"), format_percent(0.4537, "en")
('12,5', '45.4%')
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.i18n import t
from eligibility.messages import DATE_FORMATS
from eligibility.messages import format_number as plain_number

__all__ = ["format_date", "format_integer", "format_money", "format_number", "format_percent",
           "format_value"]

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _localized(text: str, language: str) -> str:
    """``text`` written with ',' thousands and '.' decimals, in ``language``'s separators."""
    thousands, decimal = _SEPARATORS[language]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_integer(value: int, language: str) -> str:
    return _localized(f"{value:,}", language)


def format_number(value: float | int | None, language: str) -> str:
    """A score or points: no needless '.0', at most two decimals; '—' for none."""
    if value is None:
        return "—"
    return _localized(plain_number(value), language)


def format_money(value: int | float, language: str) -> str:
    """An amount in VND, e.g. '18.000.000.000 đồng' or '18,000,000,000 VND'."""
    return t("figures.money", language, amount=format_integer(round(value), language))


def format_percent(share: float | None, language: str, *, decimals: int = 1) -> str:
    if share is None:
        return "—"
    return _localized(f"{share * 100:.{decimals}f}", language) + "%"


def format_date(value: dt.date | None, language: str) -> str:
    return "—" if value is None else value.strftime(DATE_FORMATS[language])


def format_value(value: Any, language: str) -> str:
    """Any ranking-key value: a date, a number or text."""
    if isinstance(value, dt.date):
        return format_date(value, language)
    if isinstance(value, bool):
        return t("figures.yes" if value else "figures.no", language)
    if isinstance(value, (int, float)):
        return format_number(value, language)
    return "—" if value is None else str(value)
