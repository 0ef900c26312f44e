"""``eligibility rank``: decide, rank and allocate a nominee file; write the run's folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer

from eligibility.api import Decisions, decide_intake
from eligibility.cli.common import (
    EngineOption,
    IncludePathOption,
    LangOption,
    RulesOption,
    app,
    errors_exit,
    message,
    progress_display,
)
from eligibility.cli.summary import print_summary
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.i18n.formats import number
from eligibility.intake.nominees import REJECTED_COLUMNS, read_nominees
from eligibility.intake.readers import check_regular_file
from eligibility.output.decisions import write_csv
from eligibility.output.manifest import build_manifest, manifest_bytes, sha256_of
from eligibility.output.run_folder import RunFolder, RunWriter
from eligibility.output.workbook import write_workbook
from eligibility.rounds import with_earlier_courses


@app.command()
def rank(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: RulesOption,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write decisions.xlsx.")] = False,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
    report: Annotated[bool, typer.Option(
        "--report", help="Also write report.html, the selection report.")] = False,
    as_of: AsOfOption = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
    include_path: IncludePathOption = None,
) -> None:
    """Rank a nominee file: decisions.csv, rejected.csv and manifest.json in --out (and
    decisions.xlsx with --xlsx, report.html with --report)."""
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    folder = RunFolder(out_dir, inputs=[nominees, rules], language=lang)
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        check_regular_file(nominees, lang)  # before hashing: reading a pipe would never end
        folder.check(["decisions.csv", "rejected.csv", *(["decisions.xlsx"] if xlsx else []),
                      *(["report.html"] if report else [])])
        input_digest = hashing.submit(sha256_of, nominees)
        step = progress.add_task(message("cli.step_rulebook", lang), total=None)
        compiled = load_variant(rules, as_of=as_of, sets=sets or (),
                                override_files=override or (),
                                include_path=include_path or ())
        compiled, earlier = with_earlier_rounds(compiled, previous or ())
        progress.update(step, description=message("cli.step_reading", lang,
                                                  file=nominees.name))
        intake = with_earlier_courses(
            read_nominees(nominees, compiled, sheet=sheet_choice(sheet), language=lang),
            compiled, earlier)
        progress.update(step, description=message(
            "cli.step_deciding", lang, nominations=number(intake.nominations.height, lang),
            engine=engine))
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        progress.update(step, description=message("cli.step_writing", lang))
        summary, counts = decisions.summary(), decisions.counts()
        with folder.writing(inputs=compiled.files) as run:
            _write_outputs(decisions, run, lang=lang, xlsx=xlsx)

            def manifest_now() -> dict[str, Any]:
                return build_manifest(rulebook=compiled, input_path=nominees,
                                      input_sha256=input_digest.result(), engine=engine,
                                      language=lang, counts=counts, summary=summary,
                                      outputs=run.digests, warnings=decisions.warnings,
                                      earlier_rounds=earlier.records())

            if report:
                progress.update(step, description=message("report.step_writing", lang))
                _write_report(decisions, run, manifest_now(), lang=lang)
            run.commit(manifest_bytes(manifest_now()))
    print_summary(decisions, summary, counts, out_dir, lang)


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
