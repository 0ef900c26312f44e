"""``eligibility test``: run the YAML test cases kept next to rulebooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eligibility.cli.common import EXIT_OK, IncludePathOption, LangOption, app, errors_exit, say

EXIT_CASES_FAILED = 1  # some case decided otherwise than it expects


@app.command("test")
def run_cases(
    target: Annotated[Path, typer.Argument(
        help="A rulebook (its NAME.cases.yaml is run), a .cases.yaml file or a folder.")],
    lang: LangOption = "vi",
    include_path: IncludePathOption = None,
) -> None:
    """Run the YAML test cases of rulebooks: exit 0 if all pass, 1 if any fails, 2 if a file
    cannot be used."""
    from eligibility.testing.cases import Summary, discover, load_all
    from eligibility.testing.cases import run_cases as run_file

    with errors_exit(lang):
        case_files = load_all(discover(target), include_path=include_path or ())
    summary = Summary()
    for case_file in case_files:
        summary.add(run_file(case_file, lang))
    for failure in summary.failures:
        say(failure.render(lang))
    say(summary.line(lang))
    raise typer.Exit(EXIT_CASES_FAILED if summary.failed else EXIT_OK)
