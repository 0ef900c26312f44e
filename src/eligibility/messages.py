"""How values appear inside rendered failure messages, in Vietnamese and English.

The scalar and vectorized engines both follow these rules, so a message reads the same
whichever engine produced it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eligibility.language.types import BOOL, DATE, INTERVAL, NUMBER, EnumType, ListType, Type
from eligibility.language.values import Interval

LANGUAGES = ("vi", "en")
DATE_FORMATS = {"vi": "%d/%m/%Y", "en": "%Y-%m-%d"}
BOOLEAN_WORDS = {"vi": ("có", "không"), "en": ("yes", "no")}
EMPTY_WORDS = {"vi": "(trống)", "en": "(empty)"}
LIST_SEPARATOR = ", "
INTERVAL_SEPARATOR = " – "
REASON_SEPARATOR = "; "


def render_value(value: Any, kind: Type, language: str,
                 labels: dict[str, dict[str, str]]) -> str:
    """``value`` (of type ``kind``) as text for a message in ``language``.

    ``labels`` maps a vocabulary name to code → label in that language.

    >>> render_value(dt.date(2023, 9, 11), DATE, "vi", {})
    '11/09/2023'
    """
    if value is None:
        return EMPTY_WORDS[language]
    if kind == DATE:
        return value.strftime(DATE_FORMATS[language])
    if kind == BOOL:
        yes, no = BOOLEAN_WORDS[language]
        return yes if value else no
    if kind == INTERVAL:
        assert isinstance(value, Interval)
        return (value.start.strftime(DATE_FORMATS[language]) + INTERVAL_SEPARATOR
                + value.end.strftime(DATE_FORMATS[language]))
    if isinstance(kind, EnumType):
        return labels.get(kind.name, {}).get(value, value)
    if isinstance(kind, ListType):
        return LIST_SEPARATOR.join(render_value(item, kind.item, language, labels)
                                   for item in value)
    if kind == NUMBER:
        return format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_number(value: float | int) -> str:
    """A number without a needless '.0' and with at most two decimals."""
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")
