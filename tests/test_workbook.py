"""decisions.xlsx, the officer's workbook: sheets, headings, typed cells, text never a formula."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import fastexcel
import openpyxl
import polars as pl
import pytest

import eligibility
from eligibility.errors import EligibilityError
from eligibility.i18n import t
from eligibility.output import workbook
from eligibility.output.workbook import write_workbook

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
FORMULA = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


@pytest.fixture(scope="module")
def decided(rulebook: eligibility.CompiledRulebook,
            tmp_path_factory: pytest.TempPathFactory) -> eligibility.Decisions:
    """The example with a formula for a name, and its first row unreadable."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False).with_columns(
        pl.when(pl.col("id") == "HN-001979").then(pl.lit(FORMULA))
        .otherwise(pl.col("full_name")).alias("full_name"))
    path = tmp_path_factory.mktemp("input") / "nominees.csv"
    frame.write_csv(path)
    return eligibility.decide(rulebook, path, languages=("vi", "en"))


def _write(decisions: eligibility.Decisions, path: Path, language: str) -> Path:
    write_workbook(decisions.rulebook, decisions.decided, decisions.table(language),
                   decisions.rejected, path, language=language)
    return path


@pytest.fixture(scope="module")
def english(decided: eligibility.Decisions,
            tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = _write(decided, tmp_path_factory.mktemp("en") / "decisions.xlsx", "en")
    return openpyxl.load_workbook(path)


def _headings(sheet: Any) -> list[str]:
    return [cell.value for cell in next(sheet.iter_rows(min_row=1, max_row=1))]


def test_sheets_are_summary_quotas_and_rejected(english: openpyxl.Workbook,
                                                rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN an English workbook WHEN its sheets are listed THEN they are the summary, one
    per quota in rulebook order, and the rejected rows."""
    assert english.sheetnames == ["Summary", *rulebook.quotas, "Rejected rows"]


def test_every_sheet_has_a_frozen_header_filters_and_fitted_widths(
        english: openpyxl.Workbook) -> None:
    """GIVEN the workbook WHEN each sheet is inspected THEN the header row is frozen, a
    filter covers the table and the columns are wider than Excel's default."""
    for sheet in english.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        widths = [dimension.width for dimension in sheet.column_dimensions.values()]
        assert widths and min(widths) >= 5 and max(widths) > 15, sheet.title


def test_quota_sheets_hold_every_nomination_in_status_order(
        english: openpyxl.Workbook, decided: eligibility.Decisions) -> None:
    """GIVEN the workbook WHEN each quota sheet is read THEN it holds that quota's
    nominations once each: selected by rank, then reserve, then placed elsewhere, then
    ineligible — with the English status words."""
    table = decided.table("en")
    words = {t(f"status.{status}", "en"): status for status in
             ("selected", "reserve", "placed_elsewhere", "ineligible")}
    for quota_id in decided.rulebook.quotas:
        rows = list(english[quota_id].iter_rows(min_row=2, values_only=True))
        expected = table.filter(pl.col("quota_id") == quota_id)
        assert sorted(row[2] for row in rows) == sorted(expected["candidate_id"].to_list())
        statuses = [words[row[0]] for row in rows]
        order = ["selected", "reserve", "placed_elsewhere", "ineligible"]
        assert statuses == sorted(statuses, key=order.index), quota_id
        selected_ranks = [row[1] for row, status in zip(rows, statuses, strict=True)
                          if status == "selected"]
        assert selected_ranks == sorted(selected_ranks)


def test_headings_follow_the_language(decided: eligibility.Decisions, tmp_path: Path,
                                      english: openpyxl.Workbook) -> None:
    """GIVEN the same decisions written in Vietnamese and in English WHEN the headings are
    read THEN each is in its language, and the priority columns carry the rulebook's titles."""
    vietnamese = openpyxl.load_workbook(_write(decided, tmp_path / "vi.xlsx", "vi"))
    assert vietnamese.sheetnames[0] == t("workbook.sheet_summary", "vi")
    quota = "tai-chinh"
    vi_headings, en_headings = _headings(vietnamese[quota]), _headings(english[quota])
    assert vi_headings[:3] == [t(f"workbook.col_{key}", "vi")
                               for key in ("status", "rank", "candidate_id")]
    assert en_headings[:3] == ["Outcome", "Rank", "Staff id"]
    titles = [priority.title.en for priority in decided.rulebook.quota(quota).priorities]
    assert all(title in en_headings for title in titles)
    assert "Date of birth" in en_headings and "Ngày sinh" in vi_headings
    assert not set(vi_headings) & set(en_headings) - {"Nữ"}


def test_cells_are_typed_dates_numbers_and_text(english: openpyxl.Workbook) -> None:
    """GIVEN the workbook WHEN typed columns are read THEN birth dates and course dates are
    dates, ranks, scores and budgets numbers, and ids text."""
    sheet = english["noi-vu-hr"]
    headings = _headings(sheet)
    first = next(sheet.iter_rows(min_row=2, max_row=2))
    cell = {heading: first[index] for index, heading in enumerate(headings)}
    assert isinstance(cell["Date of birth"].value, dt.datetime)
    assert cell["Date of birth"].number_format == "yyyy-mm-dd"
    assert cell["Rank"].data_type == "n" and cell["Rank"].value == 1
    assert cell["Score"].data_type == "n"
    assert cell["Staff id"].data_type == "s"
    summary = english["Summary"]
    row = {heading: value for heading, value in zip(
        _headings(summary), next(summary.iter_rows(min_row=2, values_only=True)), strict=True)}
    assert row["Course start"] == dt.datetime(2023, 9, 11)
    assert row["Budget (VND)"] == 11_000_000_000
    assert isinstance(row["How the cut-off was decided"], str)
    assert "seats filled" in row["How the cut-off was decided"]


def test_formula_like_text_is_a_text_cell_without_apostrophe(
        english: openpyxl.Workbook) -> None:
    """GIVEN a nominee whose name is an Excel formula WHEN the workbook is read THEN the
    name is a text cell holding exactly that text (no formula, no apostrophe shown)."""
    found = [cell for sheet in english.worksheets[1:-1] for row in sheet.iter_rows(min_row=2)
             for cell in row if cell.value == FORMULA]
    assert found
    assert all(cell.data_type == "s" and not cell.quotePrefix for cell in found)
    assert not any(isinstance(cell.value, str) and cell.value.startswith("'=")
                   for sheet in english.worksheets for row in sheet.iter_rows()
                   for cell in row)


def test_fastexcel_reads_the_types_back(decided: eligibility.Decisions,
                                        tmp_path: Path) -> None:
    """GIVEN the workbook WHEN fastexcel reads a quota sheet and the rejected sheet
    THEN dates, numbers and text come back with those types and every rejected row is there."""
    path = _write(decided, tmp_path / "decisions.xlsx", "en")
    reader = fastexcel.read_excel(path)
    quota = reader.load_sheet_by_name("pg-domestic").to_polars()
    assert quota.schema["Date of birth"] in (pl.Datetime("ms"), pl.Date, pl.Datetime("us"))
    assert quota.schema["Score"] == pl.Float64
    assert quota.schema["Full name"] == pl.String
    rejected = reader.load_sheet_by_name("Rejected rows").to_polars()
    assert rejected.height == decided.rejected.height
    assert rejected["Row in the nominee file"].cast(pl.Int64).to_list() == \
        sorted(decided.rejected["row"])


def test_sheet_names_are_valid_and_unique_ignoring_case() -> None:
    """GIVEN quota ids that clash with the summary sheet or exceed Excel's 31 characters
    WHEN sheets are named THEN every name is at most 31 characters, free of []:*?/\\ and
    unique ignoring case."""
    rulebook = SimpleNamespace(quotas={"summary": None, "x" * 40: None, "x" * 41: None})
    names = workbook._sheet_names(rulebook, "en")  # type: ignore[arg-type]
    every = [names.summary, *names.quotas.values(), names.rejected]
    assert len(every) == 5
    assert all(len(name) <= 31 and not workbook.SHEET_NAME.search(name) for name in every)
    assert len({name.casefold() for name in every}) == 5
    assert names.summary == "Summary" and names.quotas["summary"] == "summary (2)"


def test_a_quota_too_large_for_a_sheet_is_refused(decided: eligibility.Decisions,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a sheet limit below the example's largest quota WHEN the workbook is written
    THEN a clear error points to decisions.csv and no file is left."""
    monkeypatch.setattr(workbook, "MAX_ROWS", 1000)
    path = tmp_path / "decisions.xlsx"
    with pytest.raises(EligibilityError, match=r"pg-domestic.*decisions\.csv"):
        _write(decided, path, "en")
    assert not path.exists()
