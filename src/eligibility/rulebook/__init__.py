"""Rulebooks: the YAML format, its strict loading and its compilation."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.compiler import compile_rulebook
from eligibility.rulebook.limits import DEFAULT_LIMITS, RulebookLimits
from eligibility.rulebook.loader import load_document


def load_rulebook(path: str | PathLike[str], *,
                  include_path: Iterable[str | PathLike[str]] = (),
                  limits: RulebookLimits = DEFAULT_LIMITS) -> CompiledRulebook:
    """Load, check and compile the rulebook at ``path`` (its includes too).

    Files under ``include:`` are looked for in the rulebook's folder, then in each folder of
    ``include_path``, and must lie inside one of those folders. Every file is read within
    ``limits``.

    Raises :class:`~eligibility.errors.RulebookError` (with every problem found, each with
    ``file:line:column``) when the rulebook cannot be used.
    """
    folders = [Path(folder) for folder in include_path]
    return compile_rulebook(load_document(Path(path), include_path=folders, limits=limits))


__all__ = ["CompiledRulebook", "RulebookLimits", "load_rulebook"]
