"""``eligibility rank``: decide, rank and allocate nominees; write the run's folder or tables."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import typer

from eligibility.api import Decisions, decide_intake
from eligibility.cli.common import (
    Engine,
    LangOption,
    RulesOption,
    app,
    errors_exit,
    message,
    progress_display,
    say,
)
from eligibility.cli.rank_sql import database_target, described, rank_with_sql
from eligibility.cli.summary import print_summary
from eligibility.errors import UsageError
from eligibility.i18n.formats import number
from eligibility.intake.nominees import REJECTED_COLUMNS, read_nominees
from eligibility.intake.readers import check_regular_file
from eligibility.output.decisions import write_csv, write_xlsx
from eligibility.output.manifest import build_manifest, sha256_of, write_manifest
from eligibility.rulebook import load_rulebook


@app.command()
def rank(
    nominees: Annotated[str, typer.Argument(
        help="Nominee file (.csv, .xlsx, .parquet), or a database: a PostgreSQL URL "
             "(postgresql://…) or a DuckDB file (.duckdb), with --table or --query.")],
    rules: RulesOption,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Folder for the results.")] = None,
    lang: LangOption = "vi",
    engine: Annotated[Engine | None, typer.Option(
        "--engine", help="vectorized (default for files), scalar, durable or sql (the rules "
                         "run as SQL in a database; the only one for nominees in a "
                         "database).")] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write decisions.xlsx.")] = False,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
    database: Annotated[str | None, typer.Option(
        "--database", help="Where --engine sql runs for a nominee file: a PostgreSQL URL "
                           "(postgresql://…) or a DuckDB file; DuckDB in memory by "
                           "default.")] = None,
    table: Annotated[str | None, typer.Option(
        "--table", help="The database table holding the nominees.")] = None,
    query: Annotated[str | None, typer.Option(
        "--query", help="A query giving the nominees (ORDER BY numbers the rows).")] = None,
    write_tables: Annotated[bool, typer.Option(
        "--write-tables", help="Write the decisions and rejected rows as tables of the "
                               "database.")] = False,
    table_prefix: Annotated[str, typer.Option(
        "--table-prefix", help="Prefix of the tables --write-tables writes.")] = "",
) -> None:
    """Rank nominees: decisions.csv, rejected.csv and manifest.json in --out, or tables."""
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    target = database_target(nominees)
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        chosen = _check_options(target, engine, out_dir, table, query, write_tables,
                                database, lang)
        input_digest = None
        if target is None:
            check_regular_file(Path(nominees), lang)  # a pipe would never end hashing
            input_digest = hashing.submit(sha256_of, Path(nominees))
        step = progress.add_task(message("cli.step_rulebook", lang), total=None)
        compiled = load_rulebook(rules)
        progress.update(step, description=message(
            "cli.step_reading", lang, file=Path(nominees).name if target is None
            else described(target)))
        intake = None if target is not None else read_nominees(
            Path(nominees), compiled, sheet=sheet_choice(sheet), language=lang)
        progress.update(step, description=message(
            "cli.step_deciding", lang, engine=chosen, nominations=number(
                intake.nominations.height, lang) if intake is not None else "…"))
        tables = None
        if chosen == "sql":
            run = rank_with_sql(compiled, language=lang, intake=intake,
                                target=target or database, table=table, query=query,
                                files=out_dir is not None, write_tables=write_tables,
                                table_prefix=table_prefix)
            decisions, tables = run.decisions, run.tables
        else:
            assert intake is not None
            decisions = decide_intake(compiled, intake, engine=chosen, languages=(lang,))
        summary, counts = decisions.summary(), decisions.counts()
        if out_dir is not None:
            progress.update(step, description=message("cli.step_writing", lang))
            written = _write_outputs(decisions, out_dir, lang=lang, xlsx=xlsx)
            source = {"file": Path(nominees).name, "sha256": input_digest.result()} \
                if input_digest is not None else _database_input(target or "", table, query)
            manifest = build_manifest(rulebook=compiled, source=source, engine=chosen,
                                      language=lang, counts=counts, summary=summary,
                                      outputs=written, warnings=decisions.warnings)
            write_manifest(manifest, out_dir / "manifest.json")
    print_summary(decisions, summary, counts, out_dir, lang)
    if tables is not None:
        say(message("sql.tables_written", lang, decisions=tables[0], rejected=tables[1]))


def _check_options(target: str | None, engine: str | None, out_dir: Path | None,
                   table: str | None, query: str | None, write_tables: bool,
                   database: str | None, lang: str) -> str:
    """The engine the run uses; raise :class:`UsageError` for options that do not go
    together."""
    if out_dir is None and not write_tables:
        raise UsageError(message("sql.no_output", lang))
    if target is None:
        if table is not None or query is not None:
            raise UsageError(message("sql.table_or_query", lang))
        chosen = engine or "vectorized"
        if write_tables and (chosen != "sql" or database is None):
            raise UsageError(message("sql.tables_need_database", lang, file="-"))
        return chosen
    if engine not in (None, "sql"):
        raise UsageError(message("sql.database_engine", lang, engine=engine))
    if (table is None) == (query is None):
        raise UsageError(message("sql.table_or_query", lang))
    return "sql"


def _database_input(target: str, table: str | None, query: str | None) -> dict[str, str]:
    found = {"database": described(target)}
    found.update({"table": table} if table is not None else {"query": query or ""})
    return found


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
