"""``eligibility explain``: why one person got each decision."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from eligibility.api import decide_intake
from eligibility.cli.common import (
    EXIT_INVALID,
    EngineOption,
    IncludePathOption,
    LangOption,
    RulesOption,
    app,
    cell,
    errors_exit,
    json_text,
    message,
    say,
    stdout_console,
    warn,
)
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.explain import explain_person, suggest_id
from eligibility.i18n.formats import number
from eligibility.intake.nominees import read_nominees
from eligibility.rounds import with_earlier_courses

NO_VALUE = "—"


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
    include_path: IncludePathOption = None,
) -> None:
    """Explain every decision on one person: criteria, legal basis, points, rank, cut-offs."""
    with errors_exit(lang):
        compiled, earlier = with_earlier_rounds(
            load_variant(rules, as_of=as_of, sets=sets or (), override_files=override or (),
                         include_path=include_path or ()),
            previous or ())
        intake = with_earlier_courses(read_nominees(nominees, compiled, language=lang),
                                      compiled, earlier)
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        explanation = explain_person(decisions, candidate_id, language=lang)
    if explanation is None:
        text = message("cli.no_person", lang, id=candidate_id, file=nominees)
        suggestion = suggest_id(decisions, candidate_id)
        if suggestion is not None:
            text += " " + message("cli.did_you_mean", lang, suggestion=suggestion)
        warn(message("cli.error", lang, message=text))
        raise typer.Exit(EXIT_INVALID)
    if as_json:
        stdout_console().print(json_text(explanation), soft_wrap=True)
    else:
        render_explanation(explanation, lang)


def render_explanation(explanation: dict[str, Any], language: str) -> None:
    """Print an explanation for a person reading it on a terminal, in ``language``."""
    if "rejected" in explanation:
        for row in explanation["rejected"]:
            say(message("explain.rejected_row", language, id=explanation["candidate_id"],
                  row=row["row"], column=row["column"], error=row["error"]))
        return
    say((message("explain.person", language, id=explanation["candidate_id"],
           name=explanation["full_name"] or "", agency=explanation["agency"] or "",
           row=explanation["row"], rulebook=explanation["rulebook"]), "bold"))
    for item in explanation["nominations"]:
        say()
        say((_nomination_line(item, language), "bold"))
        say(_standing_line(item, language))
        if item["position"]:
            say(item["position"])
        say(message("cutoff.explain_line", language, text=" ".join(item["cutoff"][1:])))
        stdout_console().print(_criteria_table(item, language))
        if item["eligible"]:
            points = ", ".join(f"{p['title']} {_number(p['points'], language)}"
                               for p in item["points"])
            say(message("explain.points", language, points=points,
                  score=_number(item["score"], language)))


def _nomination_line(item: dict[str, Any], language: str) -> str:
    return message("explain.nomination", language, preference=item["preference"],
             title=item["quota_title"], quota=item["quota_id"], status=item["status_text"])


def _standing_line(item: dict[str, Any], language: str) -> str:
    quota = item["quota"]
    rank = message("explain.ranked", language, rank=number(item["rank"], language),
             eligible=number(quota["eligible"], language)) if item["rank"] else \
        message("explain.not_ranked", language)
    score = message("explain.score", language, score=number(item["score"], language)) \
        if item["score"] is not None else message("explain.no_score", language)
    seats = message("explain.seats", language, selected=number(quota["selected"], language),
              capacity=number(quota["capacity"], language),
              cutoff=_number(quota["cutoff_score"], language))
    return f"{rank}; {score}; {seats}"


def _criteria_table(item: dict[str, Any], language: str) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("")
    for key in ("column_criterion", "column_outcome", "column_basis"):
        table.add_column(message(f"explain.{key}", language))
    for criterion in item["criteria"]:
        title = cell(criterion["title"])
        title.append("\n")
        title.append_text(cell(criterion["id"], "dim"))
        outcome = message("explain.met", language) if criterion["met"] else criterion["message"]
        table.add_row(cell("✓" if criterion["met"] else "✗", "bold"), title, cell(outcome),
                      cell(criterion["basis"]))
    return table


def _number(value: float | int | None, language: str) -> str:
    return NO_VALUE if value is None else number(value, language)
