"""A message that is built now and read later, in whichever language the reader asks for.

An error found while a rulebook loads is reported by a command run with ``--lang`` or kept
by a program that shows it later: it holds a catalogue key and its values, not words, and is
rendered on demand::

    >>> problem = Phrase("yaml.duplicate_key", key="seats", line=26)
    >>> problem.render("en")
    "duplicate key 'seats' (first given on line 26)"
    >>> problem.render("vi")
    "khóa 'seats' bị lặp lại (đã có ở dòng 26)"

A value may itself be a :class:`Phrase` (rendered in the same language), a date (written
as the language writes dates) or a number; a placeholder written ``{name:,}`` groups a
number's thousands as the language does (``200.000``, ``200,000``). :class:`Untranslated`
carries a third party's message that exists in one language only.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eligibility.i18n import DEFAULT_LANGUAGE, template
from eligibility.i18n.formats import date, number

__all__ = ["Phrase", "PhraseError", "Untranslated", "in_language"]


class Phrase:
    """The catalogue message ``key`` with its ``values``, rendered in any language.

    Immutable and hashable: two phrases with the same key and values are equal.
    """

    __slots__ = ("key", "values")
    key: str
    values: tuple[tuple[str, Any], ...]

    def __init__(self, key: str, /, **values: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values",
                           tuple((name, _frozen(value)) for name, value in values.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a Phrase cannot be changed")

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``language``, each value written as that language writes it."""
        return _Formatter(language).vformat(template(self.key, language), (), dict(self.values))

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __repr__(self) -> str:
        shown = "".join(f", {name}={value!r}" for name, value in self.values)
        return f"Phrase({self.key!r}{shown})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.values))


@dataclass(frozen=True)
class Untranslated:
    """A message another library gives in one language only (a YAML parser's, Python's).

    Shown as it is to a reader of ``language``; a reader of another language reads
    ``instead``, a catalogue message saying the same in general words.
    """

    text: str
    instead: Phrase
    language: str = "en"

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        return self.text if language == self.language else self.instead.render(language)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


class PhraseError(ValueError):
    """A value refused with a catalogue message: raised where the value is checked, reported
    (with its location) by whoever catches it. ``str()`` is the default language's text."""

    def __init__(self, phrase: Phrase) -> None:
        self.phrase = phrase
        super().__init__(str(phrase))


def in_language(value: Phrase | Untranslated | str | None, language: str) -> str:
    """``value`` in ``language``: a plain string is shown as it is (a caller's own text)."""
    if value is None:
        return ""
    if isinstance(value, (Phrase, Untranslated)):
        return value.render(language)
    return value


class _Formatter(string.Formatter):
    """``str.format`` that writes phrases, dates and grouped numbers in one language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, (Phrase, Untranslated)):
            return format(value.render(self.language), format_spec)
        if isinstance(value, dt.date) and not format_spec:
            return date(value, self.language)
        if format_spec == "," and isinstance(value, (int, float)) and not isinstance(value, bool):
            return number(value, self.language)
        return super().format_field(value, format_spec)


def _frozen(value: Any) -> Any:
    """``value`` made hashable: lists become tuples, mappings sorted pairs."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    return value
