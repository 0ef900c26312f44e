"""Why an expression does not parse, in the reader's language.

Expressions are parsed with Python's :mod:`ast`, whose :class:`SyntaxError` explains itself
in English (``'(' was never closed``). The explanations a rule author meets are matched
here to catalogue messages, keeping the characters they name; any other is shown in
Python's words to an English reader and as a general "not valid syntax" to others.

>>> syntax_detail("'(' was never closed").render("vi")
"dấu '(' được mở nhưng chưa được đóng"
"""

from __future__ import annotations

import re

from eligibility.i18n.phrase import Phrase, Untranslated

__all__ = ["syntax_detail"]

# Python's message (as of 3.11-3.13) → the catalogue message, its groups as values.
_KNOWN: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), key, names) for pattern, key, names in (
        (r"invalid syntax", "language.py_invalid_syntax", ()),
        (r"invalid syntax\. Perhaps you forgot a comma\?", "language.py_forgot_comma", ()),
        (r".*(?:'=='|\"==\").*", "language.py_equals", ()),
        (r"'(.)' was never closed", "language.py_never_closed", ("bracket",)),
        (r"unmatched '(.)'", "language.py_unmatched", ("bracket",)),
        (r"closing parenthesis '(.)' does not match opening parenthesis '(.)'.*",
         "language.py_mismatched", ("closing", "opening")),
        (r"unterminated (?:triple-quoted )?string literal.*", "language.py_unterminated", ()),
        (r"invalid (?:decimal|hexadecimal|octal|binary|digit).*", "language.py_bad_number", ()),
        (r"leading zeros in decimal integer literals are not permitted.*",
         "language.py_leading_zeros", ()),
        (r"invalid character '(.+)' \((U\+[0-9A-F]+)\)", "language.py_bad_character",
         ("character", "code")),
        (r"invalid non-printable character (U\+[0-9A-F]+)", "language.py_invisible_character",
         ("code",)),
        (r"(?:unexpected EOF while parsing|incomplete input)", "language.py_incomplete", ()),
        (r"expected 'else' after 'if' expression", "language.py_expected_else", ()),
        (r"(?:unexpected indent|unindent does not match any outer indentation level"
         r"|expected an indented block.*)", "language.py_indent", ()),
        (r"unexpected character after line continuation character",
         "language.py_backslash", ()),
    ))


def syntax_detail(message: str) -> Phrase | Untranslated:
    """Python's explanation ``message`` of a syntax error, as a message in any language."""
    for pattern, key, names in _KNOWN:
        match = pattern.fullmatch(message)
        if match is not None:
            return Phrase(key, **dict(zip(names, match.groups(), strict=True)))
    return Untranslated(message, Phrase("language.py_other"))
