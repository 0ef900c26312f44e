"""Normalization keys for text that comes from the field.

Names and vocabulary words arrive in NFC or NFD, in any case, with stray spaces and with or
without Vietnamese diacritics. :func:`match_key` folds all of that away so that ``Nữ``,
``NỮ`` and `` nu `` compare equal; :func:`match_key_expr` does the same to a polars column.

The scalar and the polars versions give identical results for every character that Python's
own Unicode database knows (Unicode 14 for Python 3.11); polars ships newer Unicode tables, so
characters assigned after that version may be folded differently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Iterator
from typing import Final

import polars as pl

__all__ = [
    "WHITESPACE",
    "match_key",
    "match_key_expr",
    "match_key_series",
    "nfc",
    "nfc_expr",
    "strip",
    "strip_expr",
]

#: The characters stripped and collapsed as whitespace: Unicode ``White_Space``, which is what
#: polars (Rust) means by whitespace. Python's ``str.isspace`` would add U+001C..U+001F, so
#: both implementations use this explicit set instead.
WHITESPACE: Final[str] = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_WHITESPACE_RUN_RE: Final[re.Pattern[str]] = re.compile(f"[{WHITESPACE}]+")
# The same replacement, but leaving alone the single spaces that make up most of the matches
# (about twice as fast in polars).
_WHITESPACE_TO_SPACE: Final[str] = f"[{WHITESPACE}]{{2,}}|[{WHITESPACE.replace(' ', '')}]"
# "Đ"/"đ" carry a stroke, not a combining mark, so NFD leaves them whole.
_D_WITH_STROKE: Final[dict[str, str]] = {"đ": "d", "Đ": "d"}
_D_WITH_STROKE_TABLE: Final[dict[int, str]] = str.maketrans(_D_WITH_STROKE)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normalization form C.

    >>> nfc("Nu\u0303") == "Nũ"
    True
    """
    return unicodedata.normalize("NFC", text)


def nfc_expr(expr: pl.Expr) -> pl.Expr:
    """Polars version of :func:`nfc`; nulls stay null.

    >>> pl.select(nfc_expr(pl.lit("Nu\u0303"))).item() == "Nũ"
    True
    """
    return expr.str.normalize("NFC")


def strip(text: str) -> str:
    """Remove leading and trailing :data:`WHITESPACE`.

    >>> strip("\u00a0 Hà Nội \t")
    'Hà Nội'
    """
    return text.strip(WHITESPACE)


def strip_expr(expr: pl.Expr) -> pl.Expr:
    """Polars version of :func:`strip`; nulls stay null.

    >>> pl.select(strip_expr(pl.lit("\u00a0 Hà Nội \t"))).item()
    'Hà Nội'
    """
    return expr.str.strip_chars(WHITESPACE)


def match_key(text: str) -> str:
    """Return the key under which vocabulary words compare equal.

    NFC, case-fold, drop diacritics (NFD minus combining marks, and ``đ`` → ``d``), NFC again,
    then strip and collapse inner whitespace to one space. Whitespace comes last so that a
    stray combining mark between two spaces cannot leave a double space behind: the key of a
    key is the key itself.

    >>> match_key(" NỮ ")
    'nu'
    >>> match_key("Hoàn  thành xuất sắc nhiệm vụ")
    'hoan thanh xuat sac nhiem vu'
    >>> match_key("Thuý") == match_key("Thúy") == "thuy"
    True
    """
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _WHITESPACE_RUN_RE.sub(" ", strip(nfc(bare.translate(_D_WITH_STROKE_TABLE))))


def match_key_expr(expr: pl.Expr) -> pl.Expr:
    """Polars version of :func:`match_key`; nulls stay null.

    >>> pl.select(match_key_expr(pl.lit(" NỮ "))).item()
    'nu'
    """
    # No NFC first: it costs as much as the NFD below and cannot change the key, because
    # case folding maps marks to marks (or, for U+0345, to a letter that stays in place)
    # and every mark is dropped. The differential tests check this.
    folded = expr.str.to_lowercase().str.replace_many(_casefold_fixes())
    bare = folded.str.normalize("NFD").str.replace_all(r"\p{M}+", "")
    composed = nfc_expr(bare.str.replace_many(_D_WITH_STROKE))
    return strip_expr(composed).str.replace_all(_WHITESPACE_TO_SPACE, " ")


def match_key_series(s: pl.Series) -> pl.Series:
    """:func:`match_key_expr` applied to ``s``, faster where many cells are plain ASCII.

    For ASCII text the key is just lowercase with whitespace stripped and collapsed; the
    Unicode normalizations, which cost most of the time, run only on the other cells.

    >>> match_key_series(pl.Series(["  YES ", "Có", None])).to_list()
    ['yes', 'co', None]
    """
    is_ascii = (s.str.len_bytes() == s.str.len_chars()).fill_null(value=True)
    frame = s.to_frame("text")
    keys = frame.select(_ascii_match_key_expr(pl.col("text"))).to_series()
    others = frame.filter(~is_ascii).select(match_key_expr(pl.col("text"))).to_series()
    return keys.scatter(is_ascii.not_().arg_true(), others).alias(s.name)


def _ascii_match_key_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`match_key_expr` for ASCII-only text."""
    return strip_expr(expr.str.to_lowercase()).str.replace_all(_WHITESPACE_TO_SPACE, " ")


@functools.cache
def _casefold_fixes() -> dict[str, str]:
    """Map each lowercase character whose case fold differs (``ß`` → ``ss``, ``ς`` → ``σ``).

    Polars has lowercasing but no case folding. Folding is context-free per character and
    ``casefold(lower(s)) == casefold(s)``, so lowercasing and then applying this map gives
    exactly ``str.casefold``.
    """
    fixes: dict[str, str] = {}
    for plane in _planes():
        for start in range(0, len(plane), _BLOCK):
            block = plane[start:start + _BLOCK]
            if block.casefold() == block.lower():
                continue  # no character of the block folds otherwise than it lowercases
            for char in block:
                folded = char.casefold()
                if folded != char and char.lower() == char:
                    fixes[char] = folded
    return fixes


def _planes() -> Iterator[str]:
    """Every code point, as one string per Unicode plane (surrogates included).

    Each plane is decoded from UTF-32: the low 16 bits of its code points are laid out once
    and only the plane's byte changes, several times faster than building the code points
    one by one."""
    low = array("I", range(_PLANE)).tobytes()
    for number in range(0x110000 // _PLANE):
        encoded = bytearray(low)
        encoded[2::4] = bytes([number]) * _PLANE  # the third byte of each little-endian unit
        yield encoded.decode("utf-32-le", "surrogatepass")


_PLANE = 0x10000
_BLOCK = 4096
