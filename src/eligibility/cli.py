"""The ``eligibility`` command: check a rulebook, rank a nominee file, explain a decision.

Exit status: 0 the command completed (a ranking run with rejected rows included);
1 an unexpected internal error; 2 a rulebook that cannot be used, a nominee file that
cannot be read, or a wrong command line; 3 the engine asked for is not installed here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from eligibility.api import ENGINES, Decisions, decide_intake
from eligibility.errors import EligibilityError, EngineUnavailableError, InputError, RulebookError
from eligibility.explain import explain_person, render_explanation
from eligibility.intake.nominees import REJECTED_COLUMNS, read_nominees
from eligibility.output.decisions import write_csv, write_xlsx
from eligibility.output.manifest import build_manifest, sha256_of, write_manifest
from eligibility.rulebook import CompiledRulebook, load_rulebook

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_ENGINE = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Decide, explain and rank who may be sent to a training programme.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

RulesOption = Annotated[Path, typer.Option("--rules", "-r", help="The rulebook (YAML).")]
LangOption = Annotated[str, typer.Option("--lang", help="Language of messages: vi or en.")]
EngineOption = Annotated[str, typer.Option("--engine", help="vectorized, scalar or durable.")]


@app.command()
def check(rulebook: Annotated[Path, typer.Argument(help="The rulebook to check.")]) -> None:
    """Check a rulebook: exit 0 with a summary if it is valid, 2 with its errors if not."""
    with _errors_exit():
        compiled = load_rulebook(rulebook)
    model = compiled.model
    includes = ", ".join(model.include) or "none"
    out.print(f"{rulebook}: valid — rulebook [bold]{model.id}[/bold] version {model.version}, "
              f"in force {model.effective.from_}"
              f"{' to ' + str(model.effective.until) if model.effective.until else ''}")
    out.print(f"  {len(compiled.quotas)} quotas, {len(compiled.criterion_ids)} criteria, "
              f"{len(compiled.priority_ids)} priorities, {len(compiled.fields)} candidate "
              f"fields; includes: {includes}")


@app.command()
def rank(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write decisions.xlsx.")] = False,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
) -> None:
    """Rank a nominee file: decisions.csv, rejected.csv and manifest.json in --out."""
    _check_choice("--lang", lang, ("vi", "en"))
    _check_choice("--engine", engine, ENGINES)
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    with _errors_exit(), ThreadPoolExecutor(max_workers=1) as hashing, \
            _progress() as progress:
        input_digest = hashing.submit(sha256_of, nominees)
        step = progress.add_task("Loading the rulebook", total=None)
        compiled = load_rulebook(rules)
        progress.update(step, description=f"Reading {nominees.name}")
        intake = read_nominees(nominees, compiled, sheet=_sheet(sheet))
        progress.update(step, description=f"Deciding {intake.nominations.height:,} nominations "
                                          f"({engine} engine)")
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        progress.update(step, description="Writing the results")
        written = _write_outputs(decisions, out_dir, lang=lang, xlsx=xlsx)
        summary, counts = decisions.summary(), decisions.counts()
        manifest = build_manifest(rulebook=compiled, input_path=nominees,
                                  input_sha256=input_digest.result(), engine=engine,
                                  language=lang, counts=counts, summary=summary,
                                  outputs=written, warnings=decisions.warnings)
        write_manifest(manifest, out_dir / "manifest.json")
    _print_summary(summary, counts, decisions.warnings, out_dir)


@app.command()
def explain(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    candidate_id: Annotated[str, typer.Option("--id", help="The person's id.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Explain every decision on one person: criteria, legal basis, points, rank, cut-offs."""
    _check_choice("--lang", lang, ("vi", "en"))
    _check_choice("--engine", engine, ENGINES)
    with _errors_exit():
        compiled = load_rulebook(rules)
        intake = read_nominees(nominees, compiled)
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        explanation = explain_person(decisions, candidate_id, language=lang)
    if explanation is None:
        err.print(f"no person with id '{candidate_id}' in {nominees} "
                  f"(nor among its rejected rows)")
        raise typer.Exit(EXIT_INVALID)
    if as_json:
        out.print_json(json.dumps(explanation, ensure_ascii=False, default=str))
    else:
        render_explanation(explanation, out)


EXIT_CASES_FAILED = 1  # `eligibility test`: some case decided otherwise than it expects


@app.command("test")
def run_cases(
    target: Annotated[Path, typer.Argument(
        help="A rulebook (its NAME.cases.yaml is run), a .cases.yaml file or a folder.")],
) -> None:
    """Run the YAML test cases of rulebooks: exit 0 if all pass, 1 if any fails, 2 if a file
    cannot be used."""
    from eligibility.testing.cases import Summary, discover, load_all
    from eligibility.testing.cases import run_cases as run_file

    with _errors_exit():
        case_files = load_all(discover(target))
    summary = Summary()
    for case_file in case_files:
        summary.add(run_file(case_file))
    for failure in summary.failures:
        out.print(failure.render(), markup=False, highlight=False)
    out.print(summary.line(), markup=False, highlight=False)
    raise typer.Exit(EXIT_CASES_FAILED if summary.failed else EXIT_OK)


def _write_outputs(decisions: Decisions, out_dir: Path, *, lang: str,
                   xlsx: bool) -> dict[str, str]:
    """Write the result files; return each file's SHA-256."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table = decisions.table(lang)
    write_csv(table, out_dir / "decisions.csv")
    write_csv(decisions.rejected.select(REJECTED_COLUMNS), out_dir / "rejected.csv")
    names = ["decisions.csv", "rejected.csv"]
    if xlsx:
        write_xlsx(table, out_dir / "decisions.xlsx", sheet="decisions")
        names.append("decisions.xlsx")
    return {name: sha256_of(out_dir / name) for name in names}


def _print_summary(summary: pl.DataFrame, counts: dict[str, int], warnings: list[str],
                   out_dir: Path) -> None:
    table = Table(title="Quotas", title_justify="left")
    for name in ("quota", "seats", "nominated", "eligible", "selected", "cut-off score"):
        table.add_column(name, justify="left" if name == "quota" else "right")
    for row in summary.iter_rows(named=True):
        cutoff = row["cutoff_score"]
        table.add_row(row["quota_id"], str(row["seats"]), str(row["nominated"]),
                      str(row["eligible"]), str(row["selected"]),
                      "—" if cutoff is None else f"{cutoff:g}")
    out.print(table)
    out.print(f"{counts['rows_in']:,} rows in: {counts['people_decided']:,} people decided "
              f"({counts['nominations']:,} nominations), {counts['rows_rejected']:,} rows "
              f"rejected. Results in {out_dir}/")
    for warning in warnings:
        err.print(f"warning: {warning}")
    if counts["rows_rejected"]:
        err.print(f"{counts['rows_rejected']} row(s) could not be read; see "
                  f"{out_dir / 'rejected.csv'}")


@contextmanager
def _progress() -> Iterator[Progress]:
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    with progress:
        yield progress


@contextmanager
def _errors_exit() -> Iterator[None]:
    try:
        yield
    except RulebookError as error:
        err.print(error.render(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except InputError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except EngineUnavailableError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_ENGINE) from None
    except EligibilityError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None


def _check_choice(option: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        err.print(f"error: {option} must be one of {', '.join(choices)}, not '{value}'")
        raise typer.Exit(EXIT_INVALID)


def _sheet(value: str) -> str | int:
    return int(value) if value.isdigit() else value


def main() -> None:
    """Entry point of the ``eligibility`` console script."""
    pl.Config.set_fmt_str_lengths(200)
    try:
        app()
    except Exception as error:  # the last resort: never a bare traceback for a user
        err.print(f"internal error: {type(error).__name__}: {error}\nPlease report this with "
                  f"the command you ran.", markup=False)
        sys.exit(EXIT_INTERNAL)


__all__ = ["CompiledRulebook", "app", "main"]
