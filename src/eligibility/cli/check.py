"""``eligibility check``: load a rulebook and its includes, report every problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eligibility.cli.common import IncludePathOption, app, errors_exit, out
from eligibility.rulebook import load_rulebook


@app.command()
def check(rulebook: Annotated[Path, typer.Argument(help="The rulebook to check.")],
          include_path: IncludePathOption = None) -> None:
    """Check a rulebook: exit 0 with a summary if it is valid, 2 with its errors if not."""
    with errors_exit():
        compiled = load_rulebook(rulebook, include_path=include_path or ())
    model = compiled.model
    includes = ", ".join(model.include) or "none"
    out.print(f"{rulebook}: valid — rulebook [bold]{model.id}[/bold] version {model.version}, "
              f"in force {model.effective.from_}"
              f"{' to ' + str(model.effective.until) if model.effective.until else ''}")
    out.print(f"  {len(compiled.quotas)} quotas, {len(compiled.criterion_ids)} criteria, "
              f"{len(compiled.priority_ids)} priorities, {len(compiled.fields)} candidate "
              f"fields; includes: {includes}")
