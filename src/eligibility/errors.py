"""Every error the library raises, rooted at :class:`EligibilityError`.

::

    EligibilityError
    ├── RulebookError (ValueError)            a rulebook cannot be used; holds every Problem found
    │   ├── RulebookSyntaxError               YAML that does not parse, duplicate keys, bad include
    │   ├── RulebookSchemaError               a key, type or value the rulebook format refuses
    │   ├── ExpressionSyntaxError             a condition, points or message that does not parse
    │   ├── UnknownNameError (NameError)      a name that no field, quota attribute or parameter has
    │   ├── ExpressionTypeError (TypeError)   an operator or function applied to the wrong types
    │   └── CaseFileError                     a YAML test-case file that cannot be used
    │                                         (eligibility.testing.cases)
    ├── InputError (ValueError)               a nominee file cannot be read at all
    ├── RecordError (ValueError)              one record given to the library API is invalid
    ├── OutputFolderError                     a run's results cannot be written to its folder
    ├── UsageError (TypeError)                a library function called with a wrong argument
    ├── SessionClosedError (RuntimeError)     a live session used after it was closed
    └── EngineUnavailableError (ImportError)  an optional engine's package is not installed

A rulebook error is reported as ``file:line:column``, the offending line, a caret under the
column, the rule id, what was expected and, for misspelt names, a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLocation:
    """A position in a rulebook file (1-based line and column)."""

    file: str
    line: int
    column: int
    source_line: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rulebook, with everything needed to act on it."""

    message: str
    location: SourceLocation | None = None
    rule_id: str | None = None
    expected: str | None = None
    suggestion: str | None = None
    kind: str = "schema"

    def render(self) -> str:
        where = f"{self.location}: " if self.location else ""
        rule = f"in '{self.rule_id}': " if self.rule_id else ""
        lines = [f"{where}error: {rule}{self.message}"]
        if self.location and self.location.source_line:
            text, column = _excerpt(self.location.source_line.rstrip("\n"),
                                    self.location.column)
            lines.append(f"    {text}")
            lines.append("    " + " " * max(column - 1, 0) + "^")
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.suggestion:
            lines.append(f"  did you mean '{self.suggestion}'?")
        return "\n".join(lines)


_SHOWN_WIDTH = 120  # characters of a long source line shown around the caret


def _excerpt(text: str, column: int) -> tuple[str, int]:
    """At most about ``_SHOWN_WIDTH`` characters of ``text`` around ``column``, and where the
    column falls in them: a 400 KB line is not printed whole under an error.

    >>> _excerpt("x" * 300 + "^here" + "y" * 300, 301)[0][:5], _excerpt("short", 3)
    ('…xxxx', ('short', 3))
    """
    if len(text) <= _SHOWN_WIDTH:
        return text, column
    start = max(0, min(column - 1 - _SHOWN_WIDTH // 2, len(text) - _SHOWN_WIDTH))
    end = start + _SHOWN_WIDTH
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return shown, column - start + (1 if start else 0)


class EligibilityError(Exception):
    """Root of every error raised by this library."""


class RulebookError(EligibilityError, ValueError):
    """A rulebook cannot be used. ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(problem.render() for problem in self.problems)

    @property
    def first(self) -> Problem:
        return self.problems[0]


class RulebookSyntaxError(RulebookError):
    """The YAML itself is malformed: syntax, duplicate keys, unreadable include."""


class RulebookSchemaError(RulebookError):
    """A key, type or value that the rulebook format does not allow."""


class ExpressionSyntaxError(RulebookError):
    """A rule expression does not parse, or uses syntax outside the rule language."""


class UnknownNameError(RulebookError, NameError):
    """An expression names something no field, quota attribute, parameter or function has."""


class ExpressionTypeError(RulebookError, TypeError):
    """An operator or function is applied to values of the wrong type."""


_ERROR_CLASS_BY_KIND: dict[str, type[RulebookError]] = {
    "yaml": RulebookSyntaxError,
    "schema": RulebookSchemaError,
    "syntax": ExpressionSyntaxError,
    "name": UnknownNameError,
    "type": ExpressionTypeError,
}


def rulebook_error(problems: Iterable[Problem]) -> RulebookError:
    """The error to raise for ``problems``: its class is that of the first problem."""
    found = sorted(problems, key=_problem_order)
    error_class = _ERROR_CLASS_BY_KIND.get(found[0].kind, RulebookError)
    return error_class(found)


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    if problem.location is None:
        return ("", 0, 0)
    return (problem.location.file, problem.location.line, problem.location.column)


class InputError(EligibilityError, ValueError):
    """A nominee file cannot be read at all (encoding, missing columns, empty file)."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None):
        self.file = file
        self.column = column
        super().__init__(f"{file}: {message}" if file else message)


class RecordError(EligibilityError, ValueError):
    """A record given to the library API has a value that cannot be read."""

    def __init__(self, message: str, *, field: str, value: object = None) -> None:
        self.field = field
        self.value = value
        super().__init__(f"{field}: {message}")


class OutputFolderError(EligibilityError):
    """A run's results cannot be written to its folder (``--out``): it is a file, is locked
    by another run, would overwrite an input, or the disk refused a write. The folder then
    holds what it held before."""

    def __init__(self, message: str, *, path: object = None) -> None:
        self.path = path
        super().__init__(message)
class UsageError(EligibilityError, TypeError):
    """A library function was called with an argument of the wrong kind or value."""


class SessionClosedError(EligibilityError, RuntimeError):
    """A live session was used after :meth:`~eligibility.session.NominationSession.close`."""


class EngineUnavailableError(EligibilityError, ImportError):
    """An optional engine was asked for but its package cannot be imported here."""


def suggest(name: str, candidates: Iterable[str], *,
            key: Callable[[str], str] | None = None, cutoff: float = 0.6) -> str | None:
    """The closest of ``candidates`` to a misspelt ``name``, if any is close enough.

    ``key`` compares normalized forms (e.g. :func:`eligibility.text.match_key`, ignoring
    case, spaces and diacritics); the candidate is returned as given.

    >>> suggest("brith_date", ["birth_date", "gender"])
    'birth_date'
    >>> suggest("HN-001053".lower(), ["HN-001053"], key=str.lower, cutoff=0.9)
    'HN-001053'
    """
    names = list(candidates)
    if key is None:
        matches = difflib.get_close_matches(name, names, n=1, cutoff=cutoff)
        return matches[0] if matches else None
    by_key: dict[str, str] = {}
    for candidate in names:
        by_key.setdefault(key(candidate), candidate)
    matches = difflib.get_close_matches(key(name), list(by_key), n=1, cutoff=cutoff)
    return by_key[matches[0]] if matches else None
