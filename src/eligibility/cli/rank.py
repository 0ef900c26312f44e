"""``eligibility rank``: decide, rank and allocate nominees; write the run's folder or tables."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer

from eligibility.api import Decisions, decide_intake
from eligibility.batch import BatchRanking
from eligibility.cli.common import (
    Engine,
    IncludePathOption,
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
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.errors import UsageError
from eligibility.i18n.formats import number
from eligibility.intake.nominees import REJECTED_COLUMNS, read_nominees
from eligibility.intake.readers import check_regular_file
from eligibility.output.decisions import write_csv
from eligibility.output.manifest import build_manifest, manifest_bytes, sha256_of
from eligibility.output.run_folder import RunFolder, RunWriter
from eligibility.rounds import earlier_round_files, with_earlier_courses
from eligibility.selection.cutoff import QuotaCutoff, analyse_cutoffs


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
    report: Annotated[bool, typer.Option(
        "--report", help="Also write report.html, the selection report.")] = False,
    as_of: AsOfOption = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
    include_path: IncludePathOption = None,
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
    """Rank nominees: decisions.csv, rejected.csv and manifest.json in --out (and
    decisions.xlsx with --xlsx, report.html with --report), or tables of their database."""
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    target = database_target(nominees)
    inputs = [Path(nominees)] if target is None or "://" not in target else []
    folder = RunFolder(out_dir, inputs=[*inputs, rules, *earlier_round_files(previous or ())],
                       language=lang) \
        if out_dir is not None else None
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        chosen = _check_options(target, engine, out_dir, table, query, write_tables,
                                database, bool(previous), lang)
        if target is None:
            check_regular_file(Path(nominees), lang)  # before hashing: a pipe never ends
        if folder is not None:
            folder.check(["decisions.csv", "rejected.csv",
                          *(["decisions.xlsx"] if xlsx else []),
                          *(["report.html"] if report else [])])
        input_digest = hashing.submit(sha256_of, Path(nominees)) if target is None else None
        step = progress.add_task(message("cli.step_rulebook", lang), total=None)
        compiled = load_variant(rules, as_of=as_of, sets=sets or (),
                                override_files=override or (),
                                include_path=include_path or ())
        compiled, earlier = with_earlier_rounds(compiled, previous or ())

        def manifest_now(run: RunWriter, outcome: _Outcome) -> dict[str, Any]:
            # The input's digest is waited for only here, once the work is done.
            source = {"file": Path(nominees).name, "sha256": input_digest.result()} \
                if input_digest is not None else _database_input(target or "", table, query)
            return build_manifest(rulebook=compiled, source=source, engine=chosen,
                                  language=lang, counts=outcome.counts, summary=outcome.summary,
                                  outputs=run.digests, warnings=outcome.warnings,
                                  earlier_rounds=earlier.records())

        tables = None
        if chosen == "sql" or xlsx or report or folder is None:
            # The SQL engine, the workbook and the report take the run whole.
            progress.update(step, description=message(
                "cli.step_reading", lang, file=Path(nominees).name if target is None
                else described(target)))
            intake = None if target is not None else with_earlier_courses(
                read_nominees(Path(nominees), compiled, sheet=sheet_choice(sheet),
                              language=lang),
                compiled, earlier)
            progress.update(step, description=message(
                "cli.step_deciding", lang, engine=chosen, nominations="…" if intake is None
                else number(intake.nominations.height, lang)))
            if chosen == "sql":
                sql_run = rank_with_sql(compiled, language=lang, intake=intake,
                                        target=target or database, table=table, query=query,
                                        files=folder is not None, write_tables=write_tables,
                                        table_prefix=table_prefix)
                decisions, tables = sql_run.decisions, sql_run.tables
            else:
                assert intake is not None
                decisions = decide_intake(compiled, intake, engine=chosen, languages=(lang,))
            outcome = _Outcome(decisions.summary(), decisions.counts(), decisions.warnings,
                               analyse_cutoffs(compiled, decisions.decided))
            if folder is not None:
                progress.update(step, description=message("cli.step_writing", lang))
                with folder.writing(inputs=compiled.files) as run:
                    _write_outputs(decisions, run, lang=lang, xlsx=xlsx)
                    if report:
                        progress.update(step, description=message("report.step_writing", lang))
                        _write_report(decisions, run, manifest_now(run, outcome), lang=lang)
                    run.commit(manifest_bytes(manifest_now(run, outcome)))
        else:
            # A file ranked by a file engine into a folder: read, decided and written part
            # by part, so that memory does not grow with the file.
            progress.update(step, description=message("batch.step_deciding", lang,
                                                      file=Path(nominees).name, engine=chosen))

            def show_rows(rows: int) -> None:
                progress.update(step, refresh=True, description=message(
                    "batch.step_deciding_rows", lang, file=Path(nominees).name, engine=chosen,
                    rows=number(rows, lang)))

            with BatchRanking(compiled, engine=chosen, language=lang, earlier=earlier) as batch:
                batch.read(Path(nominees), sheet=sheet_choice(sheet), on_part=show_rows)
                progress.update(step, description=message("cli.step_writing", lang))
                outcome = _Outcome(batch.summary, batch.counts, batch.warnings)
                with folder.writing(inputs=compiled.files) as run:
                    run.add("decisions.csv", batch.write_decisions, stream=True)
                    run.add("rejected.csv", batch.write_rejected, stream=True)
                    outcome.cutoffs = batch.cutoffs
                    run.commit(manifest_bytes(manifest_now(run, outcome)))
    print_summary(compiled, outcome.summary, outcome.counts, outcome.cutoffs, outcome.warnings,
                  out_dir, lang)
    if tables is not None:
        say(message("sql.tables_written", lang, decisions=tables[0], rejected=tables[1]))


@dataclass
class _Outcome:
    """What a run prints and its manifest records."""

    summary: pl.DataFrame
    counts: dict[str, int]
    warnings: list[str]
    cutoffs: dict[str, QuotaCutoff] = field(default_factory=dict)


def _check_options(target: str | None, engine: str | None, out_dir: Path | None,
                   table: str | None, query: str | None, write_tables: bool,
                   database: str | None, previous: bool, lang: str) -> str:
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
    if previous:
        raise UsageError(message("sql.previous_rounds", lang))
    return "sql"


def _database_input(target: str, table: str | None, query: str | None) -> dict[str, str]:
    found = {"database": described(target)}
    found.update({"table": table} if table is not None else {"query": query or ""})
    return found


def sheet_choice(value: str) -> str | int:
    """``--sheet``: a sheet's index when all digits, else its name."""
    return int(value) if value.isdigit() else value


def _write_outputs(decisions: Decisions, run: RunWriter, *, lang: str, xlsx: bool) -> None:
    """Write the result files into the run's folder (which records each one's SHA-256)."""
    table = decisions.table(lang)
    run.add("decisions.csv", lambda handle: write_csv(table, handle))
    rejected = decisions.rejected.select(REJECTED_COLUMNS)
    run.add("rejected.csv", lambda handle: write_csv(rejected, handle))
    if xlsx:
        from eligibility.output.workbook import write_workbook  # xlsxwriter: only for --xlsx

        run.add("decisions.xlsx", lambda handle: write_workbook(
            decisions.rulebook, decisions.decided, table, decisions.rejected, handle,
            language=lang))


def _write_report(decisions: Decisions, run: RunWriter, manifest: dict[str, Any], *,
                  lang: str) -> None:
    """Add report.html, built from the files this run has just written (read back from the
    run's staging folder, checked against the draft manifest)."""
    from eligibility.output.report import REPORT_FILE, build_report, facts_from_decisions
    from eligibility.output.report.run import read_run

    staged = run.staged("decisions.csv").parent
    record = read_run(staged, decisions.rulebook, manifest=manifest, language=lang)
    facts = facts_from_decisions(decisions.decided, decisions.rejected)
    html = build_report(record, facts, decisions.rulebook, language=lang)
    run.add_bytes(REPORT_FILE, html.encode("utf-8"))
