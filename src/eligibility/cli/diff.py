"""``eligibility diff``: what changes, for whom and why, between two runs over one nominee file.

The two sides are built from the options: ``--rules`` once (one rulebook for both) or
twice (before, after); ``--as-of`` not at all (each quota's course start), once (both
sides) or twice (before, after); ``--set`` and ``--override`` change the *after* side only;
``--previous`` (earlier rounds of the plan) applies to both.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from eligibility.api import decide_intake
from eligibility.cli.common import (
    EngineOption,
    LangOption,
    app,
    cell,
    errors_exit,
    message,
    progress_display,
    say,
    stdout_console,
    warn,
)
from eligibility.cli.rank import sheet_choice
from eligibility.cli.variants import (
    OverrideOption,
    PreviousOption,
    SetOption,
    load_variant,
)
from eligibility.i18n import t
from eligibility.i18n.formats import number
from eligibility.intake.nominees import read_nominees
from eligibility.intake.readers import check_regular_file
from eligibility.output.decisions import write_csv
from eligibility.output.manifest import environment, manifest_bytes, rulebook_record, sha256_of
from eligibility.output.run_folder import RunFolder, RunWriter
from eligibility.rounds import (
    carry_over,
    earlier_round_files,
    read_earlier_rounds,
    with_earlier_courses,
)
from eligibility.rulebook.overrides import read_overrides
from eligibility.whatif import Comparison, compare_decisions

if TYPE_CHECKING:
    from eligibility.whatif.page import PageFacts

RULES_HELP = "The rulebook: once (compared with itself on other dates or with --set) or " \
             "twice (before, after)."
DIFF_FILES = ("diff.csv", "diff-quotas.csv", "diff.html")


@app.command()
def diff(
    nominees: Annotated[Path, typer.Argument(help="Nominee file: .csv, .xlsx or .parquet.")],
    rules: Annotated[list[Path], typer.Option("--rules", "-r", help=RULES_HELP)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    as_of: Annotated[list[str] | None, typer.Option(
        "--as-of", metavar="YYYY-MM-DD",
        help="Apply the rules in force on this date: once for both sides, or twice "
             "(before, after). By default, those in force on each quota's course start.")
    ] = None,
    sets: SetOption = None,
    override: OverrideOption = None,
    previous: PreviousOption = None,
    lang: LangOption = "vi",
    engine: EngineOption = "vectorized",
    sheet: Annotated[str, typer.Option("--sheet", help="Excel sheet name or index.")] = "0",
) -> None:
    """Compare two rulebooks, or one rulebook on two dates or with changes, over the same
    nominees: diff.csv, diff-quotas.csv, diff.html and manifest.json in --out."""
    if len(rules) > 2:
        raise typer.BadParameter(t("whatif.too_many_rules", lang, count=len(rules)),
                                 param_hint="--rules")
    dates = list(as_of or [])
    if len(dates) > 2:
        raise typer.BadParameter(t("whatif.too_many_dates", lang, count=len(dates)),
                                 param_hint="--as-of")
    before_date, after_date = (dates[0], dates[-1]) if dates else (None, None)
    folder = RunFolder(out_dir, inputs=[nominees, *rules, *(override or []),
                                        *earlier_round_files(previous or ())], language=lang)
    with errors_exit(lang), ThreadPoolExecutor(max_workers=1) as hashing, \
            progress_display() as progress:
        check_regular_file(nominees, lang)  # before hashing: reading a pipe would never end
        folder.check(DIFF_FILES)
        input_digest = hashing.submit(sha256_of, nominees)
        overrides = read_overrides(sets or (), override or ())
        earlier = read_earlier_rounds(previous or ())
        sides = []
        for name, path, day, changes in (("before", rules[0], before_date, None),
                                         ("after", rules[-1], after_date, overrides)):
            side = t(f"whatif.side_{name}", lang)
            step = progress.add_task(message("whatif.step_loading", lang, side=side),
                                     total=None)
            compiled = carry_over(load_variant(path, as_of=day, overrides=changes), earlier)
            progress.update(step, description=message("whatif.step_reading", lang,
                                                      side=side, file=nominees.name))
            intake = with_earlier_courses(
                read_nominees(nominees, compiled, sheet=sheet_choice(sheet),
                              language=lang), compiled, earlier)
            progress.update(step, description=message(
                "whatif.step_deciding", lang, side=side,
                count=number(intake.nominations.height, lang)))
            sides.append(decide_intake(compiled, intake, engine=engine, languages=(lang,)))
            progress.remove_task(step)
        step = progress.add_task(t("whatif.step_comparing", lang), total=None)
        comparison = compare_decisions(sides[0], sides[1])
        progress.update(step, description=t("whatif.step_writing", lang))
        from eligibility.whatif.page import PageFacts  # jinja2: loaded for diff only

        facts = PageFacts(nominees.name, input_digest.result(), overrides.title,
                          earlier.records())
        with folder.writing(inputs=[*comparison.before.rulebook.files,
                                    *comparison.after.rulebook.files]) as run:
            written = write_diff(comparison, run, lang, facts)
            run.commit(manifest_bytes(_manifest(comparison, facts, engine, lang, written)))
    same = len(rules) == 1 and len(set(dates)) <= 1 and not overrides
    _print_summary(comparison, lang, out_dir, same)


def write_diff(comparison: Comparison, run: RunWriter, language: str,
               facts: PageFacts) -> dict[str, str]:
    """Write diff.csv, diff-quotas.csv and diff.html into the run's folder (complete files
    only, put in place with the manifest; see :mod:`eligibility.output.run_folder`); return
    each file's SHA-256."""
    from eligibility.whatif.page import render_diff_html

    html = render_diff_html(comparison, language, facts).encode("utf-8")
    table = comparison.table(language)
    run.add("diff.csv", lambda handle: write_csv(table, handle))
    run.add("diff-quotas.csv", lambda handle: write_csv(comparison.quotas, handle))
    run.add("diff.html", lambda handle: handle.write(html))
    return {name: run.digests[name] for name in DIFF_FILES}


def _manifest(comparison: Comparison, facts: PageFacts, engine: str, language: str,
              outputs: dict[str, str]) -> dict[str, Any]:
    """The diff's manifest: both sides' rulebooks, the input, earlier rounds, counts, files;
    no time stamp, so a re-run gives the same bytes."""
    return {
        **environment(engine, language),
        "command": "diff",
        "before": {**rulebook_record(comparison.before.rulebook),
                   "counts": comparison.before.counts()},
        "after": {**rulebook_record(comparison.after.rulebook),
                  "counts": comparison.after.counts()},
        "input": {"file": facts.input_name, "sha256": facts.input_sha256},
        "earlier_rounds": [dict(item) for item in facts.earlier_rounds],
        "counts": comparison.counts(),
        "outputs": dict(sorted(outputs.items())),
    }


def _print_summary(comparison: Comparison, lang: str, out_dir: Path, same: bool) -> None:
    def text(key: str, **values: Any) -> str:
        return message(f"whatif.{key}", lang, **values)

    table = Table(title=text("table_title"), title_justify="left")
    for key in ("column_quota", "column_capacity", "column_eligible", "column_selected",
                "column_cutoff", "column_entered", "column_left"):
        table.add_column(text(key), justify="left" if key == "column_quota" else "right")
    rulebook = comparison.after.rulebook
    for row in comparison.quotas.iter_rows(named=True):
        quota = cell(row["quota_id"], "bold")
        if row["quota_id"] in rulebook.quotas:
            quota.append("\n")
            quota.append_text(cell(rulebook.quota(row["quota_id"]).quota.title.get(lang)))
        table.add_row(quota, *(cell(_moved(row[f"{name}_before"], row[f"{name}_after"], lang))
                               for name in ("capacity", "eligible", "selected",
                                            "cutoff_score")),
                      cell(number(row["entered"], lang)), cell(number(row["left"], lang)))
    stdout_console().print(table)
    if same:
        warn(text("same_sides"))
    if comparison.empty:
        say(text("no_change", folder=f"{out_dir}/"))
        return
    counts = comparison.counts()
    say(text("summary_line", nominations=number(counts["nominations_changed"], lang),
             people=number(counts["people_changed"], lang), folder=f"{out_dir}/"))
    causes = ", ".join(f"{text('name_' + name.removeprefix('cause.'))} {number(count, lang)}"
                       for name, count in counts.items() if name.startswith("cause."))
    say(text("by_cause", causes=causes))


def _moved(before: Any, after: Any, lang: str) -> str:
    def show(value: Any) -> str:
        return "—" if value is None else number(value, lang)

    return show(before) if before == after else f"{show(before)} → {show(after)}"


__all__ = ["diff", "write_diff"]
