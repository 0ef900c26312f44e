"""``eligibility explain``: why one person got each decision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from eligibility.api import decide_intake
from eligibility.cli.common import (
    EXIT_INVALID,
    EngineOption,
    IncludePathOption,
    LangOption,
    RulesOption,
    app,
    err,
    errors_exit,
    out,
)
from eligibility.explain import explain_person, render_explanation
from eligibility.intake.nominees import read_nominees
from eligibility.rulebook import load_rulebook


@app.command()
def explain(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    candidate_id: Annotated[str, typer.Option("--id", help="The person's id.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    include_path: IncludePathOption = None,
) -> None:
    """Explain every decision on one person: criteria, legal basis, points, rank, cut-offs."""
    with errors_exit():
        compiled = load_rulebook(rules, include_path=include_path or ())
        intake = read_nominees(nominees, compiled)
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        explanation = explain_person(decisions, candidate_id, language=lang)
    if explanation is None:
        err.print(f"no person with id '{candidate_id}' in {nominees} "
                  f"(nor among its rejected rows)", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID)
    if as_json:
        out.print_json(json.dumps(explanation, ensure_ascii=False, default=str))
    else:
        render_explanation(explanation, out)
