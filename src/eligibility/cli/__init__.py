"""The ``eligibility`` command: one module per sub-command, sharing :mod:`.common`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import polars as pl
import typer

from eligibility.cli import cases, check, diff, explain, rank, report
from eligibility.cli.common import EXIT_INTERNAL, app, message, say, warn
from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["app", "cases", "check", "diff", "explain", "main", "rank", "report", "version_text"]


def version_text() -> str:
    """``eligibility`` and the version installed."""
    from importlib import metadata

    try:
        version = metadata.version("eligibility")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        from eligibility import __version__ as version
    return f"eligibility {version}"


def _print_version(wanted: bool) -> None:
    if wanted:
        say(version_text())
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", is_eager=True,
        callback=_print_version)] = False,
) -> None:
    """Decide, explain and rank who may be sent to a training programme."""


def main() -> None:
    """Entry point of the ``eligibility`` console script."""
    pl.Config.set_fmt_str_lengths(200)
    try:
        app()
    except Exception as error:  # the last resort: never a bare traceback for a user
        warn(message("cli.internal_error", language_asked(sys.argv[1:]),
               kind=type(error).__name__, message=str(error)))
        sys.exit(EXIT_INTERNAL)


def language_asked(arguments: Sequence[str]) -> str:
    """The ``--lang`` of a command line, read without typer (for the last-resort message).

    >>> language_asked(["rank", "x.csv", "--lang", "en"]), language_asked(["--lang=en"])
    ('en', 'en')
    >>> language_asked(["rank", "--lang", "fr"])
    'vi'
    """
    for index, argument in enumerate(arguments):
        value = None
        if argument == "--lang" and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--lang="):
            value = argument.removeprefix("--lang=")
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE
