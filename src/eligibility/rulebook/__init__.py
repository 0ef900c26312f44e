"""Rulebooks: the YAML format, its strict loading and its compilation."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.compiler import compile_rulebook
from eligibility.rulebook.limits import DEFAULT_LIMITS, RulebookLimits
from eligibility.rulebook.loader import load_document
from eligibility.rulebook.overrides import Change, Overrides, changes_from_values


def load_rulebook(path: str | PathLike[str], *, as_of: dt.date | str | None = None,
                  changes: Mapping[str, Any] | Sequence[Change] | Overrides = (),
                  include_path: Iterable[str | PathLike[str]] = (),
                  limits: RulebookLimits = DEFAULT_LIMITS) -> CompiledRulebook:
    """Load, check and compile the rulebook at ``path`` (its includes too).

    ``as_of`` applies the criteria and parameters in force on that date to every quota
    (by default, those in force on each quota's course start). ``changes`` are overrides
    made before the rulebook is checked: ``{"quota.tt-tt.seats": 30}``, or
    :class:`~eligibility.rulebook.overrides.Change` objects read from ``--set`` options and
    override files (see :mod:`eligibility.rulebook.overrides`).

    Files under ``include:`` are looked for in the including file's folder, then in each
    folder of ``include_path``, and must lie inside the rulebook's folder or one of those.
    Every file is read within ``limits``.

    Raises :class:`~eligibility.errors.RulebookError` (with every problem found, each with
    ``file:line:column``) when the rulebook cannot be used.
    """
    if isinstance(changes, Overrides):
        listed, files = list(changes.changes), changes.files
    else:
        listed = changes_from_values(changes) if isinstance(changes, Mapping) else list(changes)
        files = ()
    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    loaded = load_document(Path(path), listed, limits=limits,
                           include_path=[Path(folder) for folder in include_path])
    loaded.files.update({str(file): hashlib.sha256(file.read_bytes()).hexdigest()
                         for file in files})
    return compile_rulebook(loaded, as_of=day,
                            changes=tuple(change.describe() for change in listed))


__all__ = ["CompiledRulebook", "RulebookLimits", "load_rulebook"]
