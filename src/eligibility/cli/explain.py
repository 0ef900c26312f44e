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
    LangOption,
    RulesOption,
    app,
    err,
    errors_exit,
    out,
)
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.explain import explain_person, render_explanation
from eligibility.intake.nominees import read_nominees
from eligibility.rounds import with_earlier_courses


@app.command()
def explain(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    candidate_id: Annotated[str, typer.Option("--id", help="The person's id.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_of: AsOfOption = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
) -> None:
    """Explain every decision on one person: criteria, legal basis, points, rank, cut-offs."""
    with errors_exit():
        compiled, earlier = with_earlier_rounds(
            load_variant(rules, as_of=as_of, sets=sets or (), override_files=override or ()),
            previous or ())
        intake = with_earlier_courses(read_nominees(nominees, compiled), compiled, earlier)
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
