"""Causes of changes: own changes, seat moves, and chains of displacement, on small cases
whose every move is known by hand."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import eligibility
from eligibility.whatif import compare
from eligibility.whatif.causes import CAUSES, chain

ROOT = Path(__file__).parent.parent
RULEBOOK = """id: three-courses
title: {vi: Ba khóa, en: Three courses}
version: "1"
effective: {from: 2023-01-01}
include: [REGULATIONS]
candidate:
  fields:
    full_name: {type: text, required: true}
    birth_date: {type: date, required: true}
    gender: {type: gender, required: true}
    position: {type: position, required: true}
vocabularies:
  position:
    values:
      clerk: []
quotas:
  - {id: x, title: {vi: X, en: X}, lead: L, kind: k, seats: 1, budget: 100,
     start: 2024-03-01, end: 2024-03-20, positions: [clerk], values: {max_age: 40}}
  - {id: y, title: {vi: Y, en: Y}, lead: L, kind: k, seats: 1, budget: 100,
     start: 2024-03-01, end: 2024-03-20, positions: [clerk], values: {max_age: 40}}
  - {id: z, title: {vi: Z, en: Z}, lead: L, kind: k, seats: 1, budget: 100,
     start: 2024-03-01, end: 2024-03-20, positions: [clerk], values: {max_age: 40}}
criteria:
  - id: age-limit
    title: {vi: Tuổi, en: Age}
    condition: age_on(birth_date, quota.start) <= quota.max_age
    message:
      vi: "{age_on(birth_date, quota.start)} tuổi, quá {quota.max_age}"
      en: "Aged {age_on(birth_date, quota.start)}, over {quota.max_age}"
priorities:
  - id: female
    title: {vi: Nữ, en: Female}
    points: "10 if gender == 'female' else 0"
ranking:
  - {key: score, order: descending}
  - {key: id, order: ascending}
"""


def _person(person_id: str, born: str, gender: str, quotas: str) -> dict[str, Any]:
    return {"id": person_id, "full_name": f"Người {person_id}", "birth_date": born,
            "gender": gender, "position": "clerk", "nominated_for": quotas}


# A is 44 on the course start: over the limit of 40, within 45. A and B score 10, C and D 0.
PEOPLE = [_person("A", "1980-01-01", "Nữ", "x"), _person("B", "1990-01-01", "Nữ", "x;y"),
          _person("C", "1990-01-01", "Nam", "y;z"), _person("D", "1990-01-01", "Nam", "z")]


@pytest.fixture
def three_courses(tmp_path: Path) -> Path:
    path = tmp_path / "three-courses.yaml"
    shutil.copy(ROOT / "rules" / "vn-regulations.yaml", tmp_path)  # includes stay in its folder
    path.write_text(RULEBOOK.replace("REGULATIONS", "vn-regulations.yaml"), encoding="utf-8")
    return path


def _codes(comparison: Any) -> dict[tuple[str, str], str]:
    return {key: cause.code for key, cause in comparison.causes.items()}


def test_one_person_made_eligible_sets_off_a_chain_of_displacements(three_courses: Path) -> None:
    """GIVEN three one-seat courses X, Y, Z and four people: A wants X; B wants X then Y;
    C wants Y then Z; D wants Z — and A is too old for X
    WHEN X's age limit is raised so that A is eligible (and ranked above B)
    THEN A enters X, pushing B into Y, pushing C into Z, pushing D out: D's chain of causes
    runs through C, B and A to the criterion that flipped for A."""
    before = eligibility.load_rulebook(three_courses)
    after = eligibility.load_rulebook(three_courses, changes={"quota.x.max_age": 45})
    comparison = compare(before, after, PEOPLE)
    assert _codes(comparison) == {
        ("A", "x"): "criteria", ("B", "x"): "displaced", ("B", "y"): "lost_preferred",
        ("C", "y"): "displaced", ("C", "z"): "lost_preferred", ("D", "z"): "displaced"}
    steps = [(key, cause.code) for key, cause in comparison.chain("D", "z")]
    assert steps == [(("D", "z"), "displaced"), (("C", "z"), "lost_preferred"),
                     (("C", "y"), "displaced"), (("B", "y"), "lost_preferred"),
                     (("B", "x"), "displaced"), (("A", "x"), "criteria")]
    flip = comparison.causes[("A", "x")].criteria[0]
    assert (flip.id, flip.before, flip.after) == ("age-limit", "failed", "met")
    assert flip.message_before == {"vi": "44 tuổi, quá 40", "en": "Aged 44, over 40"}
    row = comparison.table("en").filter(candidate_id="D").row(0, named=True)
    assert row["caused_by"] == "C@z"
    assert row["chain"] == "C@z:lost_preferred;C@y:displaced;B@y:lost_preferred;" \
                           "B@x:displaced;A@x:criteria"
    assert row["explanation"].count("because") == 5


def test_a_seat_freed_sets_off_a_chain_of_vacancies(three_courses: Path) -> None:
    """GIVEN the same courses, people choosing in the other direction (B wants Y then X;
    C wants Z then Y), and B holding X only because Y was full
    WHEN Y gets a second seat THEN B moves up to Y (placed in a preferred quota), and the
    seat B leaves in X goes to nobody new; the move is caused by Y's capacity."""
    people = [_person("A", "1990-01-01", "Nữ", "y"), _person("B", "1990-01-01", "Nữ", "y;x"),
              _person("C", "1990-01-01", "Nam", "x")]
    before = eligibility.load_rulebook(three_courses)
    after = eligibility.load_rulebook(three_courses, changes={"quota.y.seats": 2,
                                                              "quota.y.budget": 200})
    comparison = compare(before, after, people)
    assert _codes(comparison) == {("B", "y"): "capacity", ("B", "x"): "placed_preferred",
                                  ("C", "x"): "seat_freed"}
    assert comparison.causes[("C", "x")].link == ("B", "x")
    assert [key for key, _ in comparison.chain("C", "x")] == [("C", "x"), ("B", "x"),
                                                              ("B", "y")]


def test_points_and_rank_moves_are_told_apart(three_courses: Path) -> None:
    """GIVEN the female priority raised from 10 to 15
    WHEN compared THEN the women's nominations change by their points (10 → 15) and no
    one's rank moves without a reason."""
    before = eligibility.load_rulebook(three_courses)
    after = eligibility.load_rulebook(
        three_courses, changes={"priority.female.points": "15 if gender == 'female' else 0"})
    comparison = compare(before, after, PEOPLE[1:])
    assert set(_codes(comparison).values()) == {"points"}
    change = comparison.causes[("B", "x")].points[0]
    assert (change.id, change.before, change.after) == ("female", 10, 15)


def test_others_entering_above_moves_a_rank(three_courses: Path) -> None:
    """GIVEN two men nominated for X and a woman too old for it
    WHEN she becomes eligible THEN the men's ranks move by one, each naming her as the one
    now ranked above."""
    people = [_person("A", "1980-01-01", "Nữ", "x"), _person("C", "1990-01-01", "Nam", "x"),
              _person("D", "1990-01-01", "Nam", "x")]
    before = eligibility.load_rulebook(three_courses, changes={"quota.x.seats": 3,
                                                              "quota.x.budget": 300})
    after = eligibility.load_rulebook(three_courses, changes={
        "quota.x.seats": 3, "quota.x.budget": 300, "quota.x.max_age": 45})
    comparison = compare(before, after, people)
    assert comparison.causes[("D", "x")].code == "rank_shift"
    assert comparison.causes[("D", "x")].entered_above == ("A",)
    row = comparison.table("vi").filter(candidate_id="D").row(0, named=True)
    assert (row["rank_before"], row["rank_after"]) == ("2", "3")
    assert "Người A (A)" in row["explanation"]


def test_a_row_rejected_by_one_rulebook_is_a_removed_nomination(three_courses: Path) -> None:
    """GIVEN a second rulebook that no longer knows position 'clerk' under that code
    WHEN compared THEN every nomination exists only before, and the cause names the row
    the second run could not read."""
    before = eligibility.load_rulebook(three_courses)
    after = eligibility.load_rulebook(three_courses, changes={
        "vocabulary.position.values": {"clerk-2": []},
        "quota.x.positions": ["clerk-2"], "quota.y.positions": ["clerk-2"],
        "quota.z.positions": ["clerk-2"]})
    comparison = compare(before, after, PEOPLE[:1])
    cause = comparison.causes[("A", "x")]
    assert cause.code == "nomination_removed"
    assert cause.rejected is not None and cause.rejected.startswith("1: position")
    assert comparison.table("en").row(0, named=True)["status_after"] is None


def test_every_cause_code_has_words_in_both_languages() -> None:
    """GIVEN the cause codes WHEN their names are looked up THEN each has a catalogue
    entry in both languages."""
    from eligibility.i18n import catalogue

    for code in CAUSES:
        assert set(catalogue()[f"whatif.name_{code}"]) == {"vi", "en"}


def test_a_chain_stops_at_a_loop() -> None:
    """GIVEN causes that link to each other in a loop WHEN the chain is followed THEN each
    step appears once."""
    from eligibility.whatif.causes import Cause

    causes = {("a", "x"): Cause("displaced", link=("b", "x")),
              ("b", "x"): Cause("lost_preferred", link=("a", "x"))}
    assert [key for key, _ in chain(causes, ("a", "x"))] == [("a", "x"), ("b", "x")]
