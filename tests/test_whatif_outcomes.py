"""Reading a run's outcome records: each failure message rendered from recorded values."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import eligibility
from eligibility.messages import REASON_SEPARATOR
from eligibility.whatif.outcomes import failure_messages, outcomes

ROOT = Path(__file__).parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"


def test_each_failure_message_is_rendered_from_the_recorded_values() -> None:
    """GIVEN postgraduate nominations of the bundled example failing 'ratings-two-years'
    (whose Vietnamese message itself contains '; ') and another criterion
    WHEN their failure messages are rendered from the values the engine recorded THEN each
    criterion gets exactly its own message, and joining them gives the run's reasons."""
    rulebook = eligibility.load_rulebook(HANOI)
    decided = eligibility.decide(rulebook, ROOT / "examples" / "hanoi" / "nominees.csv").decided
    rows = decided.filter(pl.col("failed").str.contains("ratings-two-years")
                          & pl.col("failed").str.contains(";"))
    assert rows.height > 10
    for row in rows.iter_rows(named=True):
        failed = row["failed"].split(";")
        for language in ("vi", "en"):
            messages = failure_messages(rulebook, row["quota_id"], failed, row, language)
            assert list(messages) == failed
            assert REASON_SEPARATOR.join(messages.values()) == row[f"reasons.{language}"]
        rating = failure_messages(rulebook, row["quota_id"], failed, row, "vi")
        assert rating["ratings-two-years"].startswith("Xếp loại năm ")
        assert rating["ratings-two-years"].endswith("từ hoàn thành tốt nhiệm vụ trở lên")


def test_outcome_records_keep_failed_criteria_as_a_list() -> None:
    """GIVEN a decided record WHEN read as outcome records THEN 'failed' is a list of ids
    (empty when eligible) and each criterion's outcome and points are kept."""
    rulebook = eligibility.load_rulebook(HANOI)
    decisions = eligibility.decide(rulebook, [
        {"id": "HN-1", "full_name": "Nguyễn Thị Lan", "birth_date": "1990-05-17",
         "gender": "Nữ", "category": "công chức", "position": "public-finance",
         "service_start": "2015-03-01", "rating_2021": "HTTNV", "rating_2022": "HTXSNV",
         "nominated_for": "tai-chinh;tt-tt"}])
    frame = outcomes(decisions).frame.sort("quota_id")
    assert frame["failed"].to_list() == [[], ["position-match"]]
    assert frame["criterion.position-match"].to_list() == [True, False]
    assert frame["points.female"].to_list() == [10, None]
