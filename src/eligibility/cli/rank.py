"""``eligibility rank``: decide, rank and allocate a nominee file; write the run's folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from eligibility.api import Decisions, decide_intake
from eligibility.cli.common import (
    EngineOption,
    LangOption,
    RulesOption,
    app,
    cell,
    errors_exit,
    out,
    progress_display,
    say,
    visible,
    warn,
)
from eligibility.i18n import t
from eligibility.i18n.formats import number
from eligibility.intake.nominees import REJECTED_COLUMNS, read_nominees
from eligibility.output.decisions import write_csv, write_xlsx
from eligibility.output.manifest import build_manifest, sha256_of, write_manifest
from eligibility.rulebook import load_rulebook
from eligibility.selection import STATUSES


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
    # The input's checksum (for the manifest) is computed alongside the work: hashlib
    # releases the GIL, so it costs almost no wall time on a second core.
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        input_digest = hashing.submit(sha256_of, nominees)
        step = progress.add_task(t("cli.step_rulebook", lang), total=None)
        compiled = load_rulebook(rules)
        progress.update(step, description=t("cli.step_reading", lang,
                                            file=visible(nominees.name)))
        intake = read_nominees(nominees, compiled, sheet=sheet_choice(sheet))
        progress.update(step, description=t(
            "cli.step_deciding", lang, nominations=number(intake.nominations.height, lang),
            engine=engine))
        decisions = decide_intake(compiled, intake, engine=engine, languages=(lang,))
        progress.update(step, description=t("cli.step_writing", lang))
        written = _write_outputs(decisions, out_dir, lang=lang, xlsx=xlsx)
        summary, counts = decisions.summary(), decisions.counts()
        manifest = build_manifest(rulebook=compiled, input_path=nominees,
                                  input_sha256=input_digest.result(), engine=engine,
                                  language=lang, counts=counts, summary=summary,
                                  outputs=written, warnings=decisions.warnings)
        write_manifest(manifest, out_dir / "manifest.json")
    _print_summary(decisions, summary, counts, out_dir, lang)


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


NUMBER_WIDTH = 7  # headers wrap at this width, leaving the rest to quota titles
NUMBER_COLUMNS = {"seats": "column_seats", "nominated": "column_nominated",
                  "eligible": "column_eligible", "selected": "column_selected"}


def _print_summary(decisions: Decisions, summary: pl.DataFrame, counts: dict[str, int],
                   out_dir: Path, lang: str) -> None:
    """The quota table, the counts and the warnings, in ``lang``; quotas by their titles."""
    table = Table(title=t("cli.summary_title", lang), title_justify="left")
    rows = list(summary.iter_rows(named=True))
    widest = max((len(number(row[name], lang)) for row in rows for name in NUMBER_COLUMNS),
                 default=0)
    table.add_column(t("cli.column_quota", lang))
    for key in (*NUMBER_COLUMNS.values(), "column_cutoff"):
        header = t(f"cli.{key}", lang)
        longest_word = max(len(word) for word in header.split())
        table.add_column(header, justify="right",
                         max_width=max(NUMBER_WIDTH, longest_word, widest))
    for row in rows:
        quota = cell(row["quota_id"], "bold")
        quota.append("\n")
        quota.append_text(cell(decisions.rulebook.quota(row["quota_id"]).quota.title.get(lang)))
        cutoff = row["cutoff_score"]
        table.add_row(quota, *(cell(number(row[name], lang)) for name in NUMBER_COLUMNS),
                      cell("—" if cutoff is None else number(cutoff, lang)))
    out.print(table)
    say(t("cli.counts", lang, rows=number(counts["rows_in"], lang),
          people=number(counts["people_decided"], lang),
          nominations=number(counts["nominations"], lang),
          rejected=number(counts["rows_rejected"], lang)))
    say(" · ".join(t("cli.status_count", lang, status=t(f"status.{status}", lang),
                     count=number(counts[status], lang)) for status in STATUSES))
    say(t("cli.results_in", lang, folder=f"{out_dir}/"))
    for warning in decisions.warnings:
        warn(t("cli.warning", lang, message=warning))
    if counts["rows_rejected"]:
        warn(t("cli.rejected_hint", lang, rejected=number(counts["rows_rejected"], lang),
               file=out_dir / "rejected.csv"))
