"""Numbers and dates as a person reading the given language writes them.

Vietnamese groups thousands with a dot and writes decimals with a comma (``3.000``,
``22,5``) and dates day first (``11/09/2023``); English uses ``3,000``, ``22.5`` and ISO
dates (``2023-09-11``), as the rulebooks and ``decisions.csv`` do.

>>> number(3000, "vi"), number(3000, "en")
('3.000', '3,000')
>>> number(2**63 - 1, "vi")
'9.223.372.036.854.775.807'
>>> number(22.5, "vi"), number(22.5, "en")
('22,5', '22.5')
>>> date(dt.date(2023, 9, 11), "vi"), date(dt.date(2023, 9, 11), "en")
('11/09/2023', '2023-09-11')
"""

from __future__ import annotations

import datetime as dt

DATE_FORMATS = {"vi": "%d/%m/%Y", "en": "%Y-%m-%d"}
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
MAX_DECIMALS = 2

__all__ = ["DATE_FORMATS", "date", "number"]


def number(value: float | int, language: str) -> str:
    """``value`` with thousands grouped, without a needless ``.0``, at most two decimals."""
    thousands, decimal = _SEPARATORS[language]
    if isinstance(value, int):  # exactly, even beyond a float's 53 bits
        return f"{value:,}".replace(",", thousands)
    rounded = round(float(value), MAX_DECIMALS)
    if rounded == int(rounded):
        text = f"{int(rounded):,}"
    else:
        text = f"{rounded:,.{MAX_DECIMALS}f}".rstrip("0")
    return text.translate({ord(","): thousands, ord("."): decimal})


def date(value: dt.date, language: str) -> str:
    """``value`` written the way the language writes dates."""
    return value.strftime(DATE_FORMATS[language])
