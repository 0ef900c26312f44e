"""The bounds a rulebook file is read within, so that a small hostile file cannot exhaust
the machine.

A rulebook is a few dozen kilobytes of hand-written YAML (the bundled Hanoi rulebook is
16 KB, about 2,000 values, nested 7 deep, with no alias). Every file a rulebook is made of
(the rulebook, each file it includes, a test-case file) is read within these limits; going
over one is a :class:`~eligibility.errors.RulebookSyntaxError` naming the limit. Numbers are
bounded too, whatever the limits: a whole number must fit in 64 bits and a decimal must be
finite, and the models bound seats, budgets and costs (:mod:`eligibility.rulebook.models`).

A program that really needs more passes its own limits::

    load_rulebook(path, limits=RulebookLimits(max_file_bytes=4_000_000))
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_LIMITS", "RulebookLimits"]


@dataclass(frozen=True)
class RulebookLimits:
    """The most a rulebook file may hold; each limit is checked before the next step runs."""

    #: Bytes in one file, checked before the file is read (a rulebook can split into includes).
    max_file_bytes: int = 1_048_576
    #: Mappings and lists nested in one another.
    max_depth: int = 40
    #: Values (keys, scalars, mappings, lists) in one file, every alias counted as what it
    #: stands for: this is what refuses an "alias bomb" (a few aliases standing for billions).
    max_values: int = 200_000
    #: Uses of an alias (``*name``) in one file.
    max_aliases: int = 1_000
    #: Files named under ``include:``.
    max_includes: int = 32

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise TypeError(f"RulebookLimits.{item.name} must be a whole number of at "
                                f"least 1, not {value!r}")


DEFAULT_LIMITS = RulebookLimits()
