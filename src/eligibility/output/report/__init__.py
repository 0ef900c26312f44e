"""The selection report: one self-contained HTML file that the council reads, signs and files.

It reads what a run decided — ``decisions.csv``, ``rejected.csv`` and ``manifest.json``,
checked against each other — with the rulebook the run used and a few facts about people
that the decisions do not hold (:mod:`.facts`). It never evaluates a rule. Per quota it
shows the figures, how the cut-off was decided (:mod:`eligibility.selection.cutoff`), why
nominees were not eligible, the plan's priorities among nominated, eligible and selected,
the agencies, and the selected, reserve and placed-elsewhere lists; then the rows that could
not be read, grouped by agency and problem with what to fix, and the run's checksums.

``eligibility rank ... --report`` writes it with the run; ``eligibility report OUT_DIR``
writes it later from the run's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eligibility.output.report.charts import render_charts
from eligibility.output.report.facts import PeopleFacts, facts_from_decisions, facts_from_input
from eligibility.output.report.figures import ReportFigures, build_figures
from eligibility.output.report.render import render_html, write_atomically
from eligibility.output.report.run import REPORT_FILE, RunRecord, read_manifest, read_run
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["REPORT_FILE", "PeopleFacts", "ReportFigures", "RunRecord", "build_figures",
           "build_report", "facts_from_decisions", "facts_from_input", "read_manifest",
           "read_run", "write_atomically", "write_report"]


def build_report(run: RunRecord, facts: PeopleFacts, rulebook: CompiledRulebook, *,
                 language: str) -> str:
    """The report of ``run`` as an HTML document in ``language``."""
    figures = build_figures(run, facts, rulebook, language)
    return render_html(figures, render_charts(figures), rulebook)


def write_report(folder: Path, rulebook: CompiledRulebook, facts: PeopleFacts, *,
                 language: str, manifest: Mapping[str, Any] | None = None) -> Path:
    """Write ``folder/report.html`` for the run in ``folder``; return its path.

    ``manifest`` is the run's manifest when it is not written yet (``rank --report``);
    otherwise it is read from the folder.
    """
    run = read_run(folder, rulebook, manifest=manifest, language=language)
    path = folder / REPORT_FILE
    write_atomically(build_report(run, facts, rulebook, language=language), path)
    return path
