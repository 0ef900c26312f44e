"""Values as durable_rules compares them, and JSON its parser accepts.

Numbers are posted as JSON numbers (floats in plain decimal notation: its parser refuses
``1e-05``), dates as ordinal day numbers, ordered vocabularies as their rank, other codes as
text, text as fixed-width hexadecimal code points (so that string order is code-point order
and no escape sequence is compared), intervals as ``start/end``.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    Type,
)


def encode(value: Any, kind: Type) -> Any:
    """``value`` (of the language type ``kind``) as durable_rules compares it; None stays None.

    >>> import datetime as dt
    >>> encode(dt.date(2023, 9, 11), DATE), encode("Hà", TEXT), encode(35, INT)
    (738774, '00000048000000e0', 35)
    """
    if value is None:
        return None
    if kind == BOOL:
        return bool(value)
    if kind in (INT, NUMBER):
        return _number(value)
    if kind == DATE:
        return value.toordinal()
    if isinstance(kind, EnumType):
        return kind.codes.index(value) if kind.ordered else value
    if kind == TEXT:
        return _hex(value)
    if kind == INTERVAL:
        return f"{value.start.isoformat()}/{value.end.isoformat()}"
    if isinstance(kind, ListType):
        return "o" + _hex(repr([encode(item, kind.item) for item in value]))
    return "o" + _hex(repr(value))


def _number(value: int | float) -> int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"durable_rules cannot hold the number {value}")
    if isinstance(value, int) and not -2**63 <= value < 2**63:
        raise ValueError(f"durable_rules holds 64-bit integers, not {value}")
    return value


def _hex(text: str) -> str:
    """Fixed-width code points: compared as strings, they sort as Python sorts ``text``."""
    return text.encode("utf-32-be").hex()


_FLOAT_MARK = "\x00f"
_FLOAT_MARKED = re.compile(r'"\\u0000f([-0-9.]+)"')


class _Fixed(str):
    """A float to write in plain decimal notation (``0.00001``, never ``1e-05``)."""


def _plain(value: float) -> str:
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _marked(value: Any) -> Any:
    if isinstance(value, float):
        return _Fixed(_FLOAT_MARK + _plain(value))
    if isinstance(value, dict):
        return {key: _marked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_marked(item) for item in value]
    return value


def to_json(value: Any) -> str:
    """JSON that durable_rules parses: floats never in exponent notation.

    >>> to_json({"x": 1e-05, "y": [2.5, 3]})
    '{"x": 0.00001, "y": [2.5, 3]}'
    """
    return _FLOAT_MARKED.sub(r"\1", json.dumps(_marked(value), ensure_ascii=False))
