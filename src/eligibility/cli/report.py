"""``eligibility report``: write the selection report of a finished run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from eligibility.cli.common import EXIT_INVALID, app, err, errors_exit, out
from eligibility.i18n import LANGUAGES, Language, t
from eligibility.output.manifest import sha256_of
from eligibility.rulebook import load_rulebook


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(
        help="The folder of a finished run (written by 'eligibility rank').")],
    rules: Annotated[Path, typer.Option("--rules", "-r", help="The rulebook the run used.")],
    nominees: Annotated[Path, typer.Option(
        "--nominees", "-n", help="The nominee file the run read (its SHA-256 is checked).")],
    lang: Annotated[Language | None, typer.Option(
        "--lang", help="Language of the report: vi or en (default: the run's).")] = None,
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
) -> None:
    """Write OUT_DIR/report.html from the run's decisions, rejected rows and manifest.

    The rulebook and the nominee file must be those the run used (their SHA-256 are checked
    against the manifest): the report reads facts about people from them (gender, birth
    date, ratings), never decides again.
    """
    from eligibility.output.report import (
        REPORT_FILE,
        facts_from_input,
        read_manifest,
        write_atomically,
        write_report,
    )

    with errors_exit():
        manifest = read_manifest(out_dir)
        language = lang or manifest.get("language", "vi")
        if language not in LANGUAGES:
            language = "vi"
        target = out_dir / REPORT_FILE
        for given in (rules, nominees):
            if given.exists() and target.exists() and given.samefile(target):
                err.print(t("report.cli_overwrites_input", language, path=str(given)),
                          markup=False, highlight=False)
                raise typer.Exit(EXIT_INVALID)
        compiled = load_rulebook(rules)
        facts = facts_from_input(nominees, compiled, manifest=manifest,
                                 sheet=int(sheet) if sheet.isdigit() else sheet)
        path = write_report(out_dir, compiled, facts, language=language)
        manifest["outputs"] = dict(sorted({**manifest["outputs"],
                                           REPORT_FILE: sha256_of(path)}.items()))
        write_atomically(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                         out_dir / "manifest.json")
    out.print(t("report.cli_written", language, path=str(path)), markup=False, highlight=False)
