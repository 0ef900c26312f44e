"""``eligibility report``: write the selection report of a finished run."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer

from eligibility.cli.common import EXIT_INVALID, app, errors_exit, message, say, warn
from eligibility.cli.variants import (
    AsOfOption,
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
    with_earlier_rounds,
)
from eligibility.errors import InputError
from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, t
from eligibility.output.manifest import manifest_bytes
from eligibility.output.run_folder import RunFolder


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
    as_of: AsOfOption = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
) -> None:
    """Write OUT_DIR/report.html from the run's decisions, rejected rows and manifest.

    The rulebook and the nominee file must be those the run used (their SHA-256 are checked
    against the manifest), with the same --as-of, --set, --override and --previous: the
    report reads facts about people from them (gender, birth date, ratings), never decides
    again.
    """
    from eligibility.output.report import (
        REPORT_FILE,
        build_report,
        facts_from_input,
        read_manifest,
        read_run,
    )

    with errors_exit(lang or DEFAULT_LANGUAGE):
        manifest = read_manifest(out_dir, language=lang or DEFAULT_LANGUAGE)
    run_language = manifest.get("language")
    language = lang or (run_language if run_language in LANGUAGES else DEFAULT_LANGUAGE)
    with errors_exit(language):
        target = out_dir / REPORT_FILE
        for given in (rules, nominees):
            if given.exists() and target.exists() and given.samefile(target):
                warn(message("cli.error", language, message=message(
                    "report.cli_overwrites_input", language, path=given)))
                raise typer.Exit(EXIT_INVALID)
        compiled, earlier = with_earlier_rounds(
            load_variant(rules, as_of=as_of, sets=sets or (), override_files=override or ()),
            previous or ())
        if earlier.records() != list(manifest.get("earlier_rounds") or []):
            raise InputError(t("report.error_earlier_rounds", language),
                             file=str(out_dir / "manifest.json"))
        facts = facts_from_input(nominees, compiled, manifest=manifest,
                                 sheet=int(sheet) if sheet.isdigit() else sheet,
                                 language=language)
        html = build_report(read_run(out_dir, compiled, language=language), facts, compiled,
                            language=language)
        _add_report(out_dir, manifest, html, [rules, nominees], language)
    say(message("report.cli_written", language, path=out_dir / REPORT_FILE))


def _add_report(out_dir: Path, manifest: dict[str, Any], html: str, inputs: list[Path],
                language: str) -> None:
    """Put report.html in the run's folder as one more file of its set: the run's files are
    written again unchanged with the report, under the folder's lock, manifest last."""
    from eligibility.output.report import REPORT_FILE

    folder = RunFolder(out_dir, inputs=inputs, language=language)
    with folder.writing() as run:
        for name in manifest["outputs"]:
            if name != REPORT_FILE:
                data = (out_dir / name).read_bytes()
                if sha256_of_bytes(data) != manifest["outputs"][name]:
                    raise InputError(t("report.error_checksum", language,
                                       actual=sha256_of_bytes(data),
                                       expected=manifest["outputs"][name]),
                                     file=str(out_dir / name))
                run.add_bytes(name, data)
        run.add_bytes(REPORT_FILE, html.encode("utf-8"))
        run.commit(manifest_bytes({**manifest, "outputs": dict(sorted(run.digests.items()))}))


def sha256_of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
