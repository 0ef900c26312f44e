"""Intake messages from the catalogue, as text or as polars expressions filled per row.

Every message of the ``intake`` catalogue domain is a ``str.format`` template whose
placeholders may stand in a different order in each language. :func:`say_expr` builds the
message for a whole column at once: literal pieces and per-row expressions concatenated, so
that a million bad cells cost one vectorized pass, not a million Python calls.

>>> import polars as pl
>>> frame = pl.DataFrame({"cell": ["x1"]})
>>> frame.select(say_expr("intake.not_whole_number", "en", value=pl.col("cell"))).item()
"'x1' is not a whole number; expected digits with an optional sign (e.g. 42 or -7)"
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import polars as pl

from eligibility.i18n import t, template

__all__ = ["column_letter", "or_list", "say", "say_expr"]


def say(key: str, language: str, /, **values: Any) -> str:
    """The message ``key`` in ``language`` with its placeholders filled (see :func:`t`)."""
    return t(key, language, **values)


def say_expr(key: str, language: str, /, **parts: pl.Expr | str | int) -> pl.Expr:
    """The message ``key`` in ``language`` as a string expression; null where a part is null.

    ``parts`` fill the placeholders: an expression is evaluated per row, anything else is
    inserted as text.
    """
    pieces: list[pl.Expr] = []
    for literal, name, _, _ in string.Formatter().parse(template(key, language)):
        if literal:
            pieces.append(pl.lit(literal, dtype=pl.String))
        if name is not None:
            part = parts[name]
            pieces.append(part.cast(pl.String) if isinstance(part, pl.Expr)
                          else pl.lit(str(part), dtype=pl.String))
    return pl.concat_str(pieces) if pieces else pl.lit("", dtype=pl.String)


def or_list(parts: Sequence[str], language: str) -> str:
    """``a``, ``a or b``, ``a, b or c`` in ``language``.

    >>> or_list(["a", "b", "c"], "vi")
    'a, b hoặc c'
    """
    if len(parts) == 1:
        return parts[0]
    return say("intake.or_list", language, first=", ".join(parts[:-1]), last=parts[-1])


def column_letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index``: 0 → A, 26 → AA.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
