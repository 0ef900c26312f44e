"""``eligibility check``: load a rulebook and its includes, report every problem.

A shared file (one that rulebooks include) is recognised and checked as one, and so is a
file of test cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eligibility.cli.common import IncludePathOption, LangOption, app, errors_exit, message, say
from eligibility.i18n.formats import date, number
from eligibility.rulebook import CompiledRulebook, load_rulebook
from eligibility.rulebook.shared import SharedCheck, check_shared, is_shared_file
from eligibility.testing.cases import CASES_SUFFIX, load_cases

INDENT = "  "


@app.command()
def check(
    rulebook: Annotated[Path, typer.Argument(
        help="The rulebook, shared file or test-case file to check.")],
    lang: LangOption = "vi",
    include_path: IncludePathOption = None,
) -> None:
    """Check a rulebook (or a shared file, or a test-case file): exit 0 with a summary if it
    is valid, 2 with its errors if not."""
    with errors_exit(lang):
        if rulebook.name.endswith(CASES_SUFFIX):
            case_file = load_cases(rulebook, include_path=include_path or ())
            say(message("cli.check_cases_valid", lang, file=rulebook,
                  cases=number(len(case_file.cases), lang), rulebook=case_file.rulebook.id))
            return
        if is_shared_file(rulebook):
            _print_shared(check_shared(rulebook, include_path=include_path or ()), lang)
            return
        compiled = load_rulebook(rulebook, include_path=include_path or ())
    _print_rulebook(rulebook, compiled, lang)


def _print_rulebook(path: Path, compiled: CompiledRulebook, lang: str) -> None:
    model = compiled.model
    start, until = model.effective.from_, model.effective.until
    period = message("cli.period_from_until", lang, start=date(start, lang),
                     until=date(until, lang)) if until else \
        message("cli.period_from", lang, start=date(start, lang))
    say(message("cli.check_valid", lang, file=path, id=model.id, version=model.version,
          period=period))
    say(INDENT + message("cli.check_contents", lang, quotas=number(len(compiled.quotas), lang),
                   criteria=number(len(compiled.criterion_ids), lang),
                   priorities=number(len(compiled.priority_ids), lang),
                   fields=number(len(compiled.fields), lang),
                   includes=", ".join(model.included_files) or message("cli.none", lang)))


def _print_shared(checked: SharedCheck, lang: str) -> None:
    model = checked.model
    say(message("cli.check_shared_valid", lang, file=checked.path, id=model.id,
          version=model.version))
    say(INDENT + message("cli.check_shared_contents", lang, texts=number(len(model.basis), lang),
                   vocabularies=number(len(model.vocabularies), lang),
                   parameters=number(len(model.parameters), lang)))
    if checked.included_by:
        names = ", ".join(path.name for path in checked.included_by)
        say(INDENT + message("cli.check_shared_included_by", lang, rulebooks=names))
    else:
        say(INDENT + message("cli.check_shared_not_included", lang))
    for other in checked.failing_elsewhere:
        say(INDENT + message("cli.check_shared_other_problems", lang, rulebook=other))
