"""``decisions.xlsx``: the workbook an officer works in, in the run's language.

A summary sheet (one row per quota: dates, seats, budget, counts, cut-off and how it was
decided), one sheet per quota (selected by rank, then reserve, then those seated in a quota
they listed earlier, then the ineligible with the criteria they fail and why) and a sheet of
the rows that could not be read. Every sheet has a frozen header row, filters and column
widths fitted to its content; dates are Excel dates, numbers are numbers, and every text is
written as a text cell — a name such as ``=HYPERLINK(...)`` stays text, with no apostrophe
shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from eligibility.errors import EligibilityError
from eligibility.frames import points_column
from eligibility.i18n import t
from eligibility.output.cutoff_text import describe_cutoff, key_heading, key_kind
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.cutoff import QuotaCutoff, analyse_cutoffs, rank_keys

__all__ = ["MAX_ROWS", "write_workbook"]

MAX_ROWS = 1_048_575  # data rows an Excel sheet holds below its header
MAX_WIDTH = 60
WIDTH_SAMPLE = 2000  # rows looked at to fit a column's width
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
STATUS_ORDER = {"selected": 0, "reserve": 1, "placed_elsewhere": 2, "ineligible": 3}
DATE_FORMATS = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its heading, how a row gives its value, its cell kind."""

    heading: str
    value: Callable[[dict[str, Any]], Any]
    kind: str = "text"  # text, integer, number, money, date, wrap


def write_workbook(rulebook: CompiledRulebook, decided: pl.DataFrame, table: pl.DataFrame,
                   rejected: pl.DataFrame, path: Path | BinaryIO, *, language: str) -> None:
    """Write the workbook of a run to ``path`` (a file name or an open binary file).

    ``decided`` is :attr:`eligibility.Decisions.decided` (typed fields included), ``table``
    the decisions table in ``language`` (:meth:`eligibility.Decisions.table`) and
    ``rejected`` the rows that could not be read.
    """
    cutoffs = analyse_cutoffs(rulebook, decided)
    too_big = [quota_id for quota_id, cutoff in cutoffs.items() if cutoff.nominated > MAX_ROWS]
    if too_big or rejected.height > MAX_ROWS:
        raise EligibilityError(t("workbook.error_too_large", language, limit=MAX_ROWS,
                                 quotas=", ".join(too_big) or "-"))
    rows = _rows(rulebook, decided, table)
    workbook = xlsxwriter.Workbook(path, {"strings_to_formulas": False,
                                          "strings_to_numbers": False,
                                          "strings_to_urls": False})
    try:
        formats = _formats(workbook, language)
        names = _sheet_names(rulebook, language)
        _write_sheet(workbook.add_worksheet(names.summary), formats,
                     _summary_columns(rulebook, language),
                     [{"cutoff": cutoff, "rules": rulebook.quota(quota_id)}
                      for quota_id, cutoff in cutoffs.items()])
        person_columns = _person_columns(rulebook, language)
        for quota_id in rulebook.quotas:
            _write_sheet(workbook.add_worksheet(names.quotas[quota_id]), formats,
                         person_columns(quota_id), rows.get(quota_id, []))
        _write_sheet(workbook.add_worksheet(names.rejected), formats,
                     _rejected_columns(language), rejected.sort("row").to_dicts())
    finally:
        workbook.close()


def _rows(rulebook: CompiledRulebook, decided: pl.DataFrame,
          table: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Per quota, its nominations in sheet order, with typed ranking keys and seat."""
    keys = [key.column for key in rank_keys(rulebook.ranking)
            if key.column not in table.columns]
    typed = decided.select("candidate_id", "quota_id", *keys)
    seats = decided.filter(pl.col("status") == "selected").select(
        "candidate_id", pl.col("quota_id").alias("seated_in"))
    frame = (table.join(typed, on=["candidate_id", "quota_id"], how="left")
             .join(seats, on="candidate_id", how="left")
             .with_columns(pl.col("status").replace_strict(STATUS_ORDER, return_dtype=pl.Int64)
                           .alias("__order"))
             .sort("quota_id", "__order", "rank", "candidate_id", nulls_last=True))
    result: dict[str, list[dict[str, Any]]] = {}
    for (quota_id,), group in frame.group_by("quota_id", maintain_order=True):
        result[str(quota_id)] = group.to_dicts()
    return result


@dataclass(frozen=True)
class SheetNames:
    summary: str
    quotas: dict[str, str]  # quota id -> sheet name
    rejected: str


def _sheet_names(rulebook: CompiledRulebook, language: str) -> SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    taken: set[str] = set()

    def unique(name: str) -> str:
        base = SHEET_NAME.sub("_", name)[:31].strip("'") or "sheet"
        candidate, number = base, 2
        while candidate.casefold() in taken:
            suffix = f" ({number})"
            candidate, number = base[:31 - len(suffix)] + suffix, number + 1
        taken.add(candidate.casefold())
        return candidate

    summary = unique(t("workbook.sheet_summary", language))
    quotas = {quota_id: unique(quota_id) for quota_id in rulebook.quotas}
    return SheetNames(summary, quotas, unique(t("workbook.sheet_rejected", language)))


def _formats(workbook: xlsxwriter.Workbook, language: str) -> dict[str, Format]:
    return {
        "header": workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "text_wrap": True,
                                       "valign": "top", "border": 1}),
        "text": workbook.add_format({"valign": "top"}),
        "wrap": workbook.add_format({"valign": "top", "text_wrap": True}),
        "integer": workbook.add_format({"valign": "top", "num_format": "#,##0"}),
        "number": workbook.add_format({"valign": "top", "num_format": "General"}),
        "money": workbook.add_format({"valign": "top", "num_format": "#,##0"}),
        "date": workbook.add_format({"valign": "top", "num_format": DATE_FORMATS[language]}),
    }


def _write_sheet(sheet: Worksheet, formats: dict[str, Format], columns: Sequence[Column],
                 rows: Sequence[dict[str, Any]]) -> None:
    widths = [len(column.heading) for column in columns]
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.heading, formats["header"])
    for number, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            value = column.value(row)
            _write_cell(sheet, number, index, value, column.kind, formats)
            if number <= WIDTH_SAMPLE and value is not None:
                widths[index] = max(widths[index], _shown_length(value, column.kind))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    for index, (column, width) in enumerate(zip(columns, widths, strict=True)):
        limit = MAX_WIDTH if column.kind == "wrap" else MAX_WIDTH // 2 + 10
        sheet.set_column(index, index, min(width + 2, limit))


def _write_cell(sheet: Worksheet, row: int, column: int, value: Any, kind: str,
                formats: dict[str, Format]) -> None:
    if value is None or value == "":
        sheet.write_blank(row, column, None, formats["text"])
    elif kind == "date" and isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()),
                             formats["date"])
    elif kind in ("integer", "number", "money") and isinstance(value, (int, float)):
        sheet.write_number(row, column, value, formats[kind])
    else:
        sheet.write_string(row, column, str(value), formats["wrap" if kind == "wrap" else "text"])


def _shown_length(value: Any, kind: str) -> int:
    if kind == "date":
        return 10
    if kind == "money" and isinstance(value, (int, float)):
        return len(f"{value:,.0f}")
    return min(len(str(value)), MAX_WIDTH)


def _summary_columns(rulebook: CompiledRulebook, language: str) -> list[Column]:
    def quota(row: dict[str, Any]) -> Any:
        return row["rules"].quota

    def cutoff(row: dict[str, Any]) -> QuotaCutoff:
        return row["cutoff"]

    def heading(key: str) -> str:
        return t(f"workbook.col_{key}", language)

    return [
        Column(heading("quota_id"), lambda row: quota(row).id),
        Column(heading("quota"), lambda row: quota(row).title.get(language), "wrap"),
        Column(heading("lead"), lambda row: quota(row).lead),
        Column(heading("start"), lambda row: quota(row).start, "date"),
        Column(heading("end"), lambda row: quota(row).end, "date"),
        Column(heading("seats"), lambda row: quota(row).seats, "integer"),
        Column(heading("capacity"), lambda row: row["rules"].capacity, "integer"),
        Column(heading("budget"), lambda row: quota(row).budget, "money"),
        Column(heading("budget_used"), lambda row: round(
            cutoff(row).selected * (quota(row).cost_per_seat
                                    or quota(row).budget / quota(row).seats)), "money"),
        *(Column(heading(name), lambda row, name=name: getattr(cutoff(row), name), "integer")
          for name in ("nominated", "eligible", "ineligible", "selected", "reserve",
                       "placed_elsewhere")),
        Column(heading("cutoff_score"), lambda row: cutoff(row).cutoff_score, "number"),
        Column(heading("how_decided"),
               lambda row: " ".join(describe_cutoff(cutoff(row), rulebook, language)), "wrap"),
    ]


def _person_columns(rulebook: CompiledRulebook,
                    language: str) -> Callable[[str], list[Column]]:
    keys = [key for key in rank_keys(rulebook.ranking) if key.key not in ("score", "id")]
    criteria = {criterion.id: criterion.title.get(language)
                for rules in rulebook.quotas.values() for criterion in rules.criteria}

    def heading(key: str) -> str:
        return t(f"workbook.col_{key}", language)

    def seated_in(row: dict[str, Any]) -> str | None:
        seat = row.get("seated_in")
        return None if not seat or seat == row["quota_id"] else \
            rulebook.quota(seat).quota.title.get(language)

    def failed(row: dict[str, Any]) -> str | None:
        codes = row.get("failed")
        return "; ".join(criteria.get(code, code) for code in codes.split(";")) if codes \
            else None

    def columns(quota_id: str) -> list[Column]:
        priorities = rulebook.quota(quota_id).priorities
        return [
            Column(heading("status"), lambda row: t(f"status.{row['status']}", language)),
            Column(heading("rank"), lambda row: row["rank"], "integer"),
            Column(heading("candidate_id"), lambda row: row["candidate_id"]),
            Column(heading("full_name"), lambda row: row.get("full_name")),
            Column(heading("agency"), lambda row: row.get("agency")),
            Column(heading("preference"), lambda row: row["preference"], "integer"),
            *(Column(key_heading(rulebook, key.key, language),
                     lambda row, column=key.column: row.get(column), key_kind(rulebook, key.key))
              for key in keys),
            Column(heading("score"), lambda row: row["score"], "number"),
            *(_points(priority.title.get(language), points_column(priority.id))
              for priority in priorities),
            Column(heading("seated_in"), seated_in),
            Column(heading("failed"), failed, "wrap"),
            Column(heading("reasons"), lambda row: row.get("reasons"), "wrap"),
            Column(heading("row"), lambda row: row["row"], "integer"),
        ]

    return columns


def _points(heading: str, column: str) -> Column:
    return Column(heading, lambda row: row.get(column), "number")


def _rejected_columns(language: str) -> list[Column]:
    def heading(key: str) -> str:
        return t(f"workbook.col_{key}", language)

    return [Column(heading("row"), lambda row: row["row"], "integer"),
            Column(heading("line"), lambda row: row.get("line"), "integer"),
            Column(heading("candidate_id"), lambda row: row.get("id")),
            Column(heading("full_name"), lambda row: row.get("full_name")),
            Column(heading("agency"), lambda row: row.get("agency")),
            Column(heading("column"), lambda row: row["column"]),
            Column(heading("value"), lambda row: row["value"]),
            Column(heading("error"), lambda row: row["error"], "wrap")]
