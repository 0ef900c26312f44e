"""The ``eligibility`` command: one module per sub-command, sharing :mod:`.common`."""

from __future__ import annotations

import sys

import polars as pl

from eligibility.cli import cases, check, explain, rank, report
from eligibility.cli.common import EXIT_INTERNAL, app, err

__all__ = ["app", "cases", "check", "explain", "main", "rank", "report"]


def main() -> None:
    """Entry point of the ``eligibility`` console script."""
    pl.Config.set_fmt_str_lengths(200)
    try:
        app()
    except Exception as error:  # the last resort: never a bare traceback for a user
        err.print(f"internal error: {type(error).__name__}: {error}\nPlease report this with "
                  f"the command you ran.", markup=False, highlight=False)
        sys.exit(EXIT_INTERNAL)
