"""Why one person got each decision, as data in the language asked for; ids suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

import eligibility
from eligibility.explain import closest_id, explain_person, suggest_id
from eligibility.i18n import t

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


@pytest.fixture(scope="module")
def decisions() -> eligibility.Decisions:
    return eligibility.decide(eligibility.load_rulebook(RULES), EXAMPLE)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_texts_are_in_the_language_asked_for(decisions: eligibility.Decisions,
                                             language: str) -> None:
    """GIVEN a person with two nominations WHEN explained in a language THEN quota titles,
    statuses, criterion titles and messages and priority titles are that language's, and
    the codes stay codes."""
    explanation = explain_person(decisions, "HN-000016", language=language)
    assert explanation is not None and explanation["language"] == language
    rulebook = decisions.rulebook
    for item in explanation["nominations"]:
        rules = rulebook.quota(item["quota_id"])
        assert item["quota_title"] == rules.quota.title.get(language)
        assert item["status"] in ("selected", "reserve", "placed_elsewhere", "ineligible")
        assert item["status_text"] == t(f"status.{item['status']}", language)
        assert [c["title"] for c in item["criteria"]] == [
            c.title.get(language) for c in rules.criteria]
        assert [p["title"] for p in item["points"]] == [
            p.title.get(language) for p in rules.priorities]
    assert [item["status"] for item in explanation["nominations"]] == [
        "selected", "placed_elsewhere"]


def test_failure_messages_are_in_the_language(decisions: eligibility.Decisions) -> None:
    """GIVEN an ineligible nomination WHEN explained in each language THEN its failing
    criterion's message differs between the languages and is the engine's for each."""
    row = decisions.decided.filter(decisions.decided["status"] == "ineligible").row(
        0, named=True)
    texts = {}
    for language in ("vi", "en"):
        explanation = explain_person(decisions, row["candidate_id"], language=language)
        assert explanation is not None
        (item,) = [n for n in explanation["nominations"] if n["quota_id"] == row["quota_id"]]
        texts[language] = [c["message"] for c in item["criteria"] if not c["met"]]
        assert texts[language]
    assert texts["vi"] != texts["en"]


def test_an_unknown_person_is_none_and_a_rejected_one_names_the_rows(
        decisions: eligibility.Decisions) -> None:
    """GIVEN an id that no row has, and an id whose rows were rejected WHEN explained THEN
    the first gives None and the second the rejected rows."""
    assert explain_person(decisions, "NOBODY") is None
    rejected = explain_person(decisions, "HN-000127")
    assert rejected is not None
    assert [row["row"] for row in rejected["rejected"]] == [127, 2230]


@pytest.mark.parametrize(("wanted", "suggested"), [
    ("hn-001053", "HN-001053"),   # wrong case
    (" HN-001053 ", "HN-001053"),  # stray spaces
    ("HN-01053", "HN-001053"),    # a digit missing
    ("HN-000127", None),          # rejected, but it is there: explained, not suggested
    ("hn-000127", "HN-000127"),   # a rejected person's id in the wrong case
    ("XY", None),                 # nothing close
])
def test_a_mistyped_id_gets_the_closest_id_of_the_run(decisions: eligibility.Decisions,
                                                      wanted: str,
                                                      suggested: str | None) -> None:
    """GIVEN an id typed with the wrong case, spaces or a missing digit WHEN a suggestion is
    asked for THEN it is the id of the run meant, and nothing when nothing is close."""
    if explain_person(decisions, wanted) is not None:
        assert suggested is None
        return
    assert suggest_id(decisions, wanted) == suggested


def test_the_same_id_up_to_case_wins_over_a_closer_spelling() -> None:
    """GIVEN ids where one differs only in case and another by one character WHEN the
    closest is asked for THEN the one differing in case is chosen."""
    assert closest_id("ab-12", ["AB-13", "aB-12"]) == "aB-12"


def test_a_reserve_tied_at_the_cutoff_learns_what_split_the_tie(
        decisions: eligibility.Decisions) -> None:
    """GIVEN the first reserve of a quota whose last seats went to people tied on the score
    WHEN explained THEN the nomination says how many were tied, the key that split them
    (date of birth) with both birth dates, and names the last selected."""
    decided = decisions.decided
    quota = decided.filter(decided["quota_id"] == "noi-vu-hr")
    selected = quota.filter(quota["status"] == "selected").sort("rank")
    reserve = quota.filter(quota["status"] == "reserve").sort("rank")
    last, first = selected.row(-1, named=True), reserve.row(0, named=True)
    assert last["score"] == first["score"]  # the example's line falls inside a tie
    tied = quota.filter(quota["status"].is_in(["selected", "reserve"])
                        & (quota["score"] == last["score"])).height
    explanation = explain_person(decisions, first["candidate_id"], language="en")
    assert explanation is not None
    item = next(i for i in explanation["nominations"] if i["quota_id"] == "noi-vu-hr")
    text = " ".join(item["cutoff"])
    assert f"{tied} nominees were tied on score {last['score']}" in text
    assert last["candidate_id"] in text and "date of birth decided" in text
    assert item["position"] is not None
    assert first["birth_date"].isoformat() in item["position"]
    assert last["birth_date"].isoformat() in item["position"]


def test_a_nominee_seated_in_an_earlier_choice_is_told_where(
        decisions: eligibility.Decisions) -> None:
    """GIVEN a person placed in a quota listed earlier WHEN explained THEN the later
    nomination names, by its title, the quota that holds the person's seat."""
    decided = decisions.decided
    placed = decided.filter(decided["status"] == "placed_elsewhere").row(0, named=True)
    seat = decided.filter((decided["candidate_id"] == placed["candidate_id"])
                          & (decided["status"] == "selected")).row(0, named=True)
    explanation = explain_person(decisions, placed["candidate_id"], language="vi")
    assert explanation is not None
    item = next(i for i in explanation["nominations"] if i["quota_id"] == placed["quota_id"])
    title = decisions.rulebook.quota(seat["quota_id"]).quota.title.vi
    assert item["position"] == t("cutoff.you_placed_elsewhere", "vi", title=title)
