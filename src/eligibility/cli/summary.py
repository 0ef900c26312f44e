"""What ``eligibility rank`` prints when it is done: per quota (by its title) the seats,
nominations, eligible, selected and cut-off score, how each cut-off was decided, then the
counts and the warnings, in the run's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
from rich.table import Table

from eligibility.cli.common import cell, message, say, stdout_console, warn
from eligibility.i18n.formats import number
from eligibility.output.cutoff_text import describe_cutoff
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import STATUSES
from eligibility.selection.cutoff import QuotaCutoff

NUMBER_WIDTH = 7  # on a narrow terminal, headers wrap at this width, leaving room to titles
NUMBER_COLUMNS = {"seats": "column_seats", "nominated": "column_nominated",
                  "eligible": "column_eligible", "selected": "column_selected"}


def print_summary(rulebook: CompiledRulebook, summary: pl.DataFrame, counts: dict[str, int],
                  cutoffs: Mapping[str, QuotaCutoff], warnings: Sequence[str],
                  out_dir: Path | None, lang: str) -> None:
    """The quota table, how each cut-off fell (:func:`eligibility.selection.cutoff`), the
    counts and the warnings, in ``lang``; quotas by their titles (``out_dir`` None: the
    results went to database tables only)."""
    table = Table(title=message("cli.summary_title", lang), title_justify="left")
    rows = list(summary.iter_rows(named=True))
    titles = {row["quota_id"]: rulebook.quota(row["quota_id"]).quota.title.get(lang)
              for row in rows}
    columns = _number_columns(rows)
    headers = [message(f"cli.{key}", lang) for key in (*columns.values(), "column_cutoff")]
    widest = max((len(number(row[name], lang)) for row in rows for name in columns),
                 default=0)
    # Each column takes 3 characters of borders and padding.
    natural = sum(max(len(header), widest) + 3 for header in headers) + \
        max(map(len, titles.values()), default=0) + 4
    console = stdout_console()
    wrap_headers = console.width < natural
    table.add_column(message("cli.column_quota", lang))
    for header in headers:
        longest_word = max(len(word) for word in header.split())
        table.add_column(header, justify="right", max_width=max(
            NUMBER_WIDTH, longest_word, widest) if wrap_headers else None)
    for row in rows:
        quota = cell(row["quota_id"], "bold")
        quota.append("\n")
        quota.append_text(cell(titles[row["quota_id"]]))
        cutoff = row["cutoff_score"]
        table.add_row(quota, *(cell(number(row[name], lang)) for name in columns),
                      cell("—" if cutoff is None else number(cutoff, lang)))
    console.print(table)
    # How each line fell: the same sentences as the report and explain ("seats filled" is
    # in the table already).
    for quota_id, cutoff in cutoffs.items():
        say((titles.get(quota_id, quota_id), "bold"),
            ": " + " ".join(describe_cutoff(cutoff, rulebook, lang)[1:]))
    say(message("cli.counts", lang, rows=number(counts["rows_in"], lang),
          people=number(counts["people_decided"], lang),
          nominations=number(counts["nominations"], lang),
          rejected=number(counts["rows_rejected"], lang)))
    say(" · ".join(message("cli.status_count", lang, status=message(f"status.{status}", lang),
                     count=number(counts[status], lang)) for status in STATUSES))
    if out_dir is not None:
        say(message("cli.results_in", lang, folder=f"{out_dir}/"))
    for warning in warnings:
        warn(message("cli.warning", lang, message=warning))
    if counts["rows_rejected"] and out_dir is not None:
        warn(message("cli.rejected_hint", lang, rejected=number(counts["rows_rejected"], lang),
               file=out_dir / "rejected.csv"))


def _number_columns(rows: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """The number columns shown: the seats a quota can still fill beside its seats when
    they differ anywhere (seats taken by earlier rounds of the plan, or a budget that pays
    for fewer)."""
    if all(row["capacity"] == row["seats"] for row in rows):
        return NUMBER_COLUMNS
    columns = dict(NUMBER_COLUMNS)
    return {"seats": columns.pop("seats"), "capacity": "column_capacity", **columns}
