"""The cut-off analysis: seats, ties at the line, the key that split them, placements."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

import eligibility
from eligibility.output.cutoff_text import describe_cutoff, describe_position
from eligibility.selection import select
from eligibility.selection.cutoff import analyse_cutoffs

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
QUOTA = "kh-cn"  # 20 seats in the Hanoi rulebook
OTHER = "tt-tt"  # 20 seats


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


def _decided(rulebook: eligibility.CompiledRulebook,
             nominations: list[tuple[str, str, int, int | None, dt.date]]) -> pl.DataFrame:
    """Select over (id, quota, preference, score or None if ineligible, birth date)."""
    evaluated = pl.DataFrame(
        [{"candidate_id": person, "full_name": f"Name {person}", "agency": "Sở Nội vụ",
          "quota_id": quota, "preference": preference, "eligible": score is not None,
          "score": score, "birth_date": born}
         for person, quota, preference, score, born in nominations],
        schema={"candidate_id": pl.String, "full_name": pl.String, "agency": pl.String,
                "quota_id": pl.String, "preference": pl.Int64, "eligible": pl.Boolean,
                "score": pl.Int64, "birth_date": pl.Date})
    return select(rulebook, evaluated)


def _born(index: int) -> dt.date:
    return dt.date(1980, 1, 1) + dt.timedelta(days=index)


def test_a_tie_at_the_cutoff_is_split_by_birth_date(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN 15 nominees scoring 30 and 10 scoring 20 (distinct birth dates) for 20 seats
    WHEN the cut-off is analysed
    THEN the 10 are tied at 20 for the last 5 seats, birth date (younger first) decided, the
    last selected is the 5th youngest of them and the first reserve the 6th."""
    people = [(f"A{i:02}", QUOTA, 1, 30, _born(i)) for i in range(15)]
    people += [(f"B{i:02}", QUOTA, 1, 20, _born(100 + i)) for i in range(10)]
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, people))[QUOTA]
    assert (cutoff.nominated, cutoff.eligible, cutoff.selected, cutoff.reserve) == (25, 25, 20, 5)
    assert cutoff.cutoff_score == 20
    assert cutoff.deciding_key == "birth_date"
    assert cutoff.tied_on == (("score", 20),)
    assert (cutoff.tied, cutoff.tied_selected, cutoff.tied_reserve) == (10, 5, 5)
    assert cutoff.last_selected is not None and cutoff.first_reserve is not None
    assert cutoff.last_selected.candidate_id == "B05"  # B09..B05 are the five youngest
    assert cutoff.first_reserve.candidate_id == "B04"
    assert cutoff.last_selected.value("birth_date") == _born(105)
    assert cutoff.full and cutoff.contested and cutoff.tie_split


def test_a_line_drawn_by_the_score_alone_is_no_tie(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN 20 nominees scoring 30 and 3 scoring 10 WHEN analysed THEN the score decided,
    nobody was tied and the sentence names both scores."""
    people = [(f"A{i:02}", QUOTA, 1, 30, _born(i)) for i in range(20)]
    people += [(f"B{i:02}", QUOTA, 1, 10, _born(50 + i)) for i in range(3)]
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, people))[QUOTA]
    assert cutoff.deciding_key == "score"
    assert cutoff.tied_on == () and cutoff.tied == 0
    assert not cutoff.tie_split
    line = describe_cutoff(cutoff, rulebook, "en")[1]
    assert "Cut-off score 30" in line and "— 30" in line and "— 10" in line


def test_a_tie_on_score_and_birth_date_is_split_by_the_id(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN 19 nominees scoring 30 and 3 scoring 20 born the same day for 20 seats
    WHEN analysed THEN the id decided between the 3 tied on score and birth date."""
    same_day = dt.date(1990, 5, 5)
    people = [(f"A{i:02}", QUOTA, 1, 30, _born(i)) for i in range(19)]
    people += [(f"C{i}", QUOTA, 1, 20, same_day) for i in (3, 1, 2)]
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, people))[QUOTA]
    assert cutoff.deciding_key == "id"
    assert cutoff.tied_on == (("score", 20), ("birth_date", same_day))
    assert (cutoff.tied, cutoff.tied_selected, cutoff.tied_reserve) == (3, 1, 2)
    assert cutoff.last_selected is not None and cutoff.last_selected.candidate_id == "C1"
    assert cutoff.first_reserve is not None and cutoff.first_reserve.candidate_id == "C2"
    text = " ".join(describe_cutoff(cutoff, rulebook, "vi"))
    assert "mã cán bộ quyết định" in text and "05/05/1990" in text


def test_fewer_eligible_than_seats_is_uncontested_with_seats_left(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN 12 eligible and 4 ineligible nominees for 20 seats WHEN analysed THEN every
    eligible one is selected, there is no reserve and 8 seats are left, said as much."""
    people = [(f"A{i:02}", QUOTA, 1, 10 + i, _born(i)) for i in range(12)]
    people += [(f"X{i}", QUOTA, 1, None, _born(i)) for i in range(4)]
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, people))[QUOTA]
    assert (cutoff.selected, cutoff.reserve, cutoff.ineligible) == (12, 0, 4)
    assert cutoff.first_reserve is None and cutoff.deciding_key is None
    assert not cutoff.full and not cutoff.contested
    assert cutoff.cutoff_score == 10
    assert describe_cutoff(cutoff, rulebook, "en")[-1] == "8 seat(s) left unused."


def test_a_quota_nobody_was_nominated_for_says_so(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN nominations for one quota only WHEN another quota is analysed THEN all its
    counts are zero and its sentence says nobody was nominated."""
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, [("A", QUOTA, 1, 1, _born(1))]))[OTHER]
    assert (cutoff.nominated, cutoff.selected, cutoff.cutoff_score) == (0, 0, None)
    assert describe_cutoff(cutoff, rulebook, "en")[1] == "Nobody was nominated for this quota."


def test_nominees_seated_in_an_earlier_choice_are_counted_where_they_sit(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN two people who list OTHER first and QUOTA second, and win OTHER
    WHEN analysed THEN QUOTA counts them as placed elsewhere, seated in OTHER, and the
    sentence names OTHER by its title; one's position says where they sit."""
    people = [("P1", OTHER, 1, 30, _born(1)), ("P1", QUOTA, 2, 30, _born(1)),
              ("P2", OTHER, 1, 30, _born(2)), ("P2", QUOTA, 2, 30, _born(2)),
              ("Q1", QUOTA, 1, 5, _born(3))]
    decided = _decided(rulebook, people)
    cutoff = analyse_cutoffs(rulebook, decided)[QUOTA]
    assert (cutoff.placed_elsewhere, cutoff.selected) == (2, 1)
    assert [(p.quota_id, p.count) for p in cutoff.placements] == [(OTHER, 2)]
    title = rulebook.quota(OTHER).quota.title.en
    assert f"({title}: 2)" in " ".join(describe_cutoff(cutoff, rulebook, "en"))
    position = describe_position(cutoff, {"status": "placed_elsewhere", "placed_in": OTHER},
                                 rulebook, "en")
    assert position is not None and title in position


def test_a_budget_that_pays_for_fewer_seats_is_said(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN a cut-off whose capacity is below its seats WHEN described THEN a sentence says
    how many seats the budget pays for."""
    cutoff = analyse_cutoffs(rulebook, _decided(rulebook, [("A", QUOTA, 1, 1, _born(1))]))
    capped = replace(cutoff[QUOTA], capacity=15)
    assert "The budget pays for 15 of the 20 seats." in describe_cutoff(capped, rulebook, "en")


def test_a_reserve_learns_which_key_put_them_below_the_line(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the tie of the first test WHEN the first reserve's position is described
    THEN it says they are level on the score and shows both birth dates."""
    people = [(f"A{i:02}", QUOTA, 1, 30, _born(i)) for i in range(15)]
    people += [(f"B{i:02}", QUOTA, 1, 20, _born(100 + i)) for i in range(10)]
    decided = _decided(rulebook, people)
    cutoff = analyse_cutoffs(rulebook, decided)[QUOTA]
    row = decided.filter(pl.col("candidate_id") == "B04").row(0, named=True)
    text = describe_position(cutoff, row, rulebook, "en")
    assert text is not None
    assert "level with the last selected on score 20" in text
    assert _born(104).isoformat() in text and _born(105).isoformat() in text
    below = decided.filter(pl.col("candidate_id") == "B04").with_columns(pl.lit(3).alias("score"))
    assert "score 3 against 20" in str(describe_position(
        cutoff, below.row(0, named=True), rulebook, "en"))


def test_the_example_counts_agree_with_the_decisions(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the bundled example WHEN analysed THEN every quota's counts, cut-off score and
    tie equal a recount of the decided nominations."""
    decided = eligibility.decide(rulebook, EXAMPLE, languages=("en",)).decided
    cutoffs = analyse_cutoffs(rulebook, decided)
    assert any(cutoff.tie_split for cutoff in cutoffs.values())
    for quota_id, cutoff in cutoffs.items():
        rows = decided.filter(pl.col("quota_id") == quota_id)
        status = rows["status"]
        assert cutoff.nominated == rows.height
        assert cutoff.eligible == int(rows["eligible"].sum())
        assert cutoff.selected == int((status == "selected").sum())
        assert cutoff.reserve == int((status == "reserve").sum())
        assert cutoff.placed_elsewhere == int((status == "placed_elsewhere").sum())
        selected = rows.filter(pl.col("status") == "selected")
        assert cutoff.cutoff_score == selected["score"].min()
        if cutoff.tie_split:
            level = rows.filter(pl.col("status").is_in(["selected", "reserve"])
                                & (pl.col("score") == cutoff.cutoff_score))
            assert cutoff.tied == level.height
            assert cutoff.tied_selected == int((level["status"] == "selected").sum())
