"""``eligibility rank``: decide, rank and allocate a nominee file; write the run's folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from eligibility.api import Decisions, decide_intake
from eligibility.cli.common import (
    EngineOption,
    LangOption,
    RulesOption,
    app,
    errors_exit,
    message,
    progress_display,
)
from eligibility.cli.summary import print_summary
from eligibility.i18n.formats import number
from eligibility.intake.nominees import REJECTED_COLUMNS, Intake, read_nominees
from eligibility.intake.readers import check_regular_file
from eligibility.output.decisions import write_csv, write_xlsx
from eligibility.output.manifest import build_manifest, sha256_of, write_manifest
from eligibility.rulebook import load_rulebook
from eligibility.rulebook.compiled import CompiledRulebook


@app.command()
def rank(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write decisions.xlsx.")] = False,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
    database: Annotated[str | None, typer.Option(
        "--database", help="Where --engine sql runs: a PostgreSQL URL (postgresql://…) or a "
                           "DuckDB file; DuckDB in memory by default.")] = None,
) -> None:
    """Rank a nominee file: decisions.csv, rejected.csv and manifest.json in --out."""
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        check_regular_file(nominees, lang)  # before hashing: reading a pipe would never end
        input_digest = hashing.submit(sha256_of, nominees)
        step = progress.add_task(message("cli.step_rulebook", lang), total=None)
        compiled = load_rulebook(rules)
        progress.update(step, description=message("cli.step_reading", lang,
                                                  file=nominees.name))
        intake = read_nominees(nominees, compiled, sheet=sheet_choice(sheet), language=lang)
        progress.update(step, description=message(
            "cli.step_deciding", lang, nominations=number(intake.nominations.height, lang),
            engine=engine))
        if engine == "sql":
            decisions = decide_with_sql(compiled, intake, database, lang)
        else:
            decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        progress.update(step, description=message("cli.step_writing", lang))
        written = _write_outputs(decisions, out_dir, lang=lang, xlsx=xlsx)
        summary, counts = decisions.summary(), decisions.counts()
        manifest = build_manifest(rulebook=compiled, input_path=nominees,
                                  input_sha256=input_digest.result(), engine=engine,
                                  language=lang, counts=counts, summary=summary,
                                  outputs=written, warnings=decisions.warnings)
        write_manifest(manifest, out_dir / "manifest.json")
    print_summary(decisions, summary, counts, out_dir, lang)


def decide_with_sql(compiled: CompiledRulebook, intake: Intake, database: str | None,
                    lang: str) -> Decisions:
    """Evaluate, rank and allocate in a database (DuckDB in memory unless ``database``)."""
    from eligibility.engines.sql.database import connect
    from eligibility.engines.sql.pipeline import decisions_in_database, nominations_from_intake

    with connect(database) as connection:
        nominations = nominations_from_intake(connection, compiled, intake)
        return decisions_in_database(connection, compiled, nominations, languages=(lang,))


def sheet_choice(value: str) -> str | int:
    """``--sheet``: a sheet's index when all digits, else its name."""
    return int(value) if value.isdigit() else value


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
