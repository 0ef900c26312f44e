"""Options that shape the rulebook a command runs: ``--as-of``, ``--set``, ``--override``,
and ``--previous`` (the earlier rounds of the plan)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from eligibility.rounds import EarlierRounds, carry_over, read_earlier_rounds
from eligibility.rulebook import CompiledRulebook, load_rulebook
from eligibility.rulebook.overrides import Overrides, read_overrides

AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", metavar="YYYY-MM-DD",
    help="Apply the criteria and parameters in force on this date to every quota (by "
         "default, those in force on each quota's course start).")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Change one value of the rulebook, e.g. quota.tt-tt.seats=30 (repeatable).")]
OverrideOption = Annotated[list[Path] | None, typer.Option(
    "--override", metavar="FILE",
    help="A YAML file of changes to the rulebook (title: and set:) (repeatable).")]
PreviousOption = Annotated[list[Path] | None, typer.Option(
    "--previous", metavar="OUT_DIR",
    help="The folder of an earlier round's `rank` run: its seats are no longer free and its "
         "courses become the selected people's enrolments (repeatable, one per round).")]


def parse_day(text: str, option: str = "--as-of") -> dt.date:
    """A YYYY-MM-DD date given on the command line."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date; write YYYY-MM-DD, e.g. 2025-07-01",
                                 param_hint=option) from None


def load_variant(rules: Path, *, as_of: str | None = None, sets: Sequence[str] = (),
                 override_files: Sequence[Path] = (), overrides: Overrides | None = None,
                 include_path: Sequence[Path] = ()) -> CompiledRulebook:
    """The rulebook at ``rules``, as of a date and with the changes asked for (its
    includes also looked for in ``include_path``)."""
    day = parse_day(as_of) if as_of else None
    changes = overrides if overrides is not None else read_overrides(sets, override_files)
    return load_rulebook(rules, as_of=day, changes=changes, include_path=include_path)


def with_earlier_rounds(rulebook: CompiledRulebook,
                        folders: Sequence[Path]) -> tuple[CompiledRulebook, EarlierRounds]:
    """``rulebook`` with the seats the earlier rounds used taken out, and those rounds."""
    earlier = read_earlier_rounds(folders)
    return carry_over(rulebook, earlier), earlier
