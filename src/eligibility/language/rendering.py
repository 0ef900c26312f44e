"""Values as text, defined once for every type, in Python and in polars.

Two renderings:

* :func:`machine_text` — what ``text(x)`` gives inside a rule: language-neutral, the way an
  input file would write the value (``true``, ``2.5``, ``2023-09-11``,
  ``2023-09-11/2023-09-29``, a vocabulary's code, list items joined with ``;``, null items
  left out).
* :func:`display` — how a value appears in a failure message a person reads, in their
  language: dates ``11/09/2023`` (vi) or ``2023-09-11`` (en), ``có``/``không`` or
  ``yes``/``no``, a vocabulary's label, numbers with at most two decimals, intervals
  ``start – end``, list items joined with ``, ``, and an empty value as ``(trống)`` /
  ``(empty)``.

Each has a polars twin (``*_expr``) giving the same text for every value; the conformance
suite holds them to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from eligibility.frames import language_value
from eligibility.i18n import t
from eligibility.language.registry.core import Lowered
from eligibility.language.registry.lowering import pair
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    EnumType,
    ListType,
    Type,
)
from eligibility.language.values import Interval

Labels = Mapping[str, Mapping[str, str]]  # vocabulary name → code → label

LIST_SEPARATOR = ", "
INTERVAL_SEPARATOR = " – "
TEXT_LIST_SEPARATOR = ";"
REASON_SEPARATOR = "; "


# --- numbers -------------------------------------------------------------------------------


def number_text(value: float | int) -> str:
    """A number in plain decimal notation, exactly (no exponent, no needless ``.0``).

    >>> number_text(2.5), number_text(3.0), number_text(1e-05), number_text(-0.0)
    ('2.5', '3', '0.00001', '0')
    """
    if isinstance(value, int):
        return str(value)
    if abs(value) >= _HUGE:
        return repr(float(value))
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_HUGE = 1e38  # beyond, whole numbers do not fit 128 bits: written as repr writes them


def format_number(value: float | int) -> str:
    """A number for a person: rounded to two decimals (``x × 100`` rounded half to even,
    divided by 100 — the same float operations in Python and polars), without a needless
    ``.0``.

    >>> format_number(2.0), format_number(2.456), format_number(0.125), format_number(1e20)
    ('2', '2.46', '0.12', '100000000000000000000')
    """
    number = float(value)
    if abs(number) < 1e15:
        number = round(number * 100) / 100
    if number == int(number) and abs(number) < _HUGE:
        return str(int(number))
    return number_text(number)


def _format_number_expr(value: pl.Expr) -> pl.Expr:
    number = value.cast(pl.Float64)
    rounded = pl.when(number.abs() < 1e15).then((number * 100).round(0) / 100).otherwise(
        number)
    whole = (rounded == rounded.floor()) & (rounded.abs() < _HUGE)
    return pl.when(whole).then(rounded.cast(pl.Int128).cast(pl.String)).otherwise(
        rounded.cast(pl.String))


# --- dates ---------------------------------------------------------------------------------


def _date_text(day: dt.date, language: str | None) -> str:
    if language == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _date_text_expr(day: pl.Expr, language: str | None) -> pl.Expr:
    year = day.dt.year().cast(pl.String).str.zfill(4)
    month = day.dt.month().cast(pl.String).str.zfill(2)
    date = day.dt.day().cast(pl.String).str.zfill(2)
    if language == "vi":
        return pl.concat_str([date, pl.lit("/"), month, pl.lit("/"), year])
    return pl.concat_str([year, pl.lit("-"), month, pl.lit("-"), date])


# --- text() --------------------------------------------------------------------------------


def machine_text(value: Any, kind: Type) -> str | None:
    """``text(value)`` for a value of type ``kind``; null stays null.

    >>> machine_text(False, BOOL), machine_text(dt.date(2023, 9, 11), DATE)
    ('false', '2023-09-11')
    """
    if value is None:
        return None
    if kind == BOOL:
        return "true" if value else "false"
    if kind == INT:
        return str(value)
    if kind == NUMBER:
        return number_text(value)
    if kind == DATE:
        return _date_text(value, None)
    if kind == INTERVAL:
        assert isinstance(value, Interval)
        return f"{_date_text(value.start, None)}/{_date_text(value.end, None)}"
    if isinstance(kind, ListType):
        items = (machine_text(item, kind.item) for item in value)
        return TEXT_LIST_SEPARATOR.join(item for item in items if item is not None)
    return str(value)


def machine_text_expr(value: Lowered, kind: Type) -> pl.Expr:
    """:func:`machine_text` in polars."""
    if kind == INTERVAL:
        start, end = pair(value)
        return pl.concat_str([_date_text_expr(start, None), pl.lit("/"),
                              _date_text_expr(end, None)])
    assert isinstance(value, pl.Expr)
    if kind == BOOL:
        return pl.when(value).then(pl.lit("true")).when(~value).then(pl.lit("false"))
    if kind == NUMBER:
        return by_distinct_value(value, number_text, NUMBER)
    if kind == DATE:
        return _date_text_expr(value, None)
    if isinstance(kind, ListType):
        inner = _element(kind.item)
        items = value.list.eval(machine_text_expr(inner, kind.item)).list.drop_nulls()
        return items.list.join(TEXT_LIST_SEPARATOR)
    return value.cast(pl.String)


# --- messages ------------------------------------------------------------------------------


def display(value: Any, kind: Type, language: str, labels: Labels) -> str:
    """``value`` as it appears in a message a person reads in ``language``.

    >>> display(dt.date(2023, 9, 11), DATE, "vi", {}), display(None, DATE, "en", {})
    ('11/09/2023', '(empty)')
    """
    if value is None:
        return t("value.empty", language)
    if kind == DATE:
        return _date_text(value, language)
    if kind == BOOL:
        return t("value.yes" if value else "value.no", language)
    if kind == INTERVAL:
        assert isinstance(value, Interval)
        return (_date_text(value.start, language) + INTERVAL_SEPARATOR
                + _date_text(value.end, language))
    if isinstance(kind, EnumType):
        return labels.get(kind.name, {}).get(value, value)
    if isinstance(kind, ListType):
        return LIST_SEPARATOR.join(display(item, kind.item, language, labels) for item in value)
    if kind == NUMBER:
        return format_number(value)
    return str(value)


def display_expr(value: Lowered, kind: Type, language: str, labels: Labels) -> pl.Expr:
    """:func:`display` in polars (never null)."""
    empty = pl.lit(t("value.empty", language))
    if kind == INTERVAL:
        start, end = pair(value)
        text = pl.concat_str([_date_text_expr(start, language), pl.lit(INTERVAL_SEPARATOR),
                              _date_text_expr(end, language)])
        return text.fill_null(empty)
    assert isinstance(value, pl.Expr)
    if kind == DATE:
        text = _date_text_expr(value, language)
    elif kind == BOOL:
        text = pl.when(value).then(pl.lit(t("value.yes", language))).when(~value).then(
            pl.lit(t("value.no", language)))
    elif isinstance(kind, EnumType):
        mapping = dict(labels.get(kind.name, {}))
        text = value.cast(pl.String).replace(mapping)
    elif isinstance(kind, ListType):
        inner = display_expr(_element(kind.item), kind.item, language, labels)
        text = value.list.eval(inner).list.join(LIST_SEPARATOR)
    elif kind == NUMBER:
        text = _format_number_expr(value)
    else:
        text = value.cast(pl.String)
    return text.fill_null(empty)


def _element(kind: Type) -> Lowered:
    return pair(pl.element()) if kind == INTERVAL else pl.element()


def by_distinct_value(value: pl.Expr, function: Callable[[Any], str], kind: Type) -> pl.Expr:
    """``function`` applied once per distinct non-null value of ``value`` (as text)."""

    def apply(batch: pl.Series) -> pl.Series:
        distinct = batch.drop_nulls().unique()
        table = pl.DataFrame({"key": distinct, "text": pl.Series(
            [function(language_value(item, kind)) for item in distinct.to_list()],
            dtype=pl.String)})
        return batch.to_frame("key").join(table, on="key", how="left",
                                          maintain_order="left")["text"]

    return value.map_batches(apply, return_dtype=pl.String)


__all__ = [
    "INTERVAL_SEPARATOR",
    "LIST_SEPARATOR",
    "REASON_SEPARATOR",
    "Labels",
    "display",
    "display_expr",
    "format_number",
    "machine_text",
    "machine_text_expr",
    "number_text",
]
