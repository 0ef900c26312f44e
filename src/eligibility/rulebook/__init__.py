"""Rulebooks: the YAML format, its strict loading and its compilation."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.compiler import compile_rulebook
from eligibility.rulebook.loader import load_document


def load_rulebook(path: str | PathLike[str]) -> CompiledRulebook:
    """Load, check and compile the rulebook at ``path`` (its includes too).

    Raises :class:`~eligibility.errors.RulebookError` (with every problem found, each with
    ``file:line:column``) when the rulebook cannot be used.
    """
    return compile_rulebook(load_document(Path(path)))


__all__ = ["CompiledRulebook", "load_rulebook"]
