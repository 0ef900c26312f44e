"""What the scalar engine builds on demand or remembers reads as what it would build afresh.

An :class:`Evaluation` made by ``evaluate_candidate`` builds its outcomes (messages in every
language) and points when first read; compiled programs are kept per rulebook; a retirement
schedule remembers the dates it found per birth month.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eligibility
from eligibility import calendar
from eligibility.engines import scalar
from eligibility.evaluation import CriterionOutcome, Evaluation, evaluate_candidate
from eligibility.i18n import LANGUAGES
from eligibility.messages import render_message
from eligibility.strategies import from_rulebook

ROOT = Path(__file__).parent.parent
HANOI = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
SMALL = [eligibility.load_rulebook(path)
         for path in sorted((ROOT / "tests" / "data" / "rulebooks-ok").glob("*.yaml"))]
RULEBOOKS = [HANOI, *SMALL]


def _candidate(rulebook: eligibility.CompiledRulebook, record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "id": record[rulebook.id_columns[0]]}


def _eager(rulebook: eligibility.CompiledRulebook, candidate: dict[str, Any],
           quota: str) -> Evaluation:
    """The evaluation as built before anything was deferred: every message rendered."""
    outcome = scalar.decide(rulebook, candidate, quota)
    rules = rulebook.quotas[quota]
    outcomes = tuple(
        CriterionOutcome(criterion.id, met, {
            language: "" if met else render_message(criterion.message[language], shown,
                                                    language, rulebook.labels[language])
            for language in LANGUAGES}, criterion.basis, criterion.source, shown)
        for criterion, met, shown in zip(rules.criteria, outcome.met, outcome.shown,
                                         strict=True))
    points = None if outcome.points is None else dict(zip(
        (priority.id for priority in rules.priorities), outcome.points, strict=True))
    return Evaluation(str(candidate["id"]), quota, outcomes, points)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_an_evaluation_built_on_demand_reads_as_one_built_eagerly(data: st.DataObject) -> None:
    """GIVEN any rulebook, quota and record (eligible or not) WHEN it is evaluated THEN
    eligible, failed, score and reasons (read before the outcomes are built) and then the
    outcomes, their messages and the points equal those of an eagerly built evaluation."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    quota = data.draw(st.sampled_from(list(rulebook.quotas)), label="quota")
    eligible = data.draw(st.sampled_from([True, False, None]), label="eligible")
    record = data.draw(from_rulebook(rulebook, quota=quota, eligible=eligible), label="record")
    candidate = _candidate(rulebook, record)
    eager = _eager(rulebook, candidate, quota)
    lazy = evaluate_candidate(rulebook, candidate, quota)
    assert (lazy.eligible, lazy.failed) == (eager.eligible, eager.failed)
    assert repr(lazy.score) == repr(eager.score)  # the same number of the same type
    for language in LANGUAGES:
        assert lazy.reasons(language) == eager.reasons(language)
    assert lazy.outcomes == eager.outcomes
    assert [dict(item.messages) for item in lazy.outcomes] == \
        [dict(item.messages) for item in eager.outcomes]
    assert lazy.points == eager.points and repr(lazy) == repr(eager) and lazy == eager
    again = evaluate_candidate(rulebook, candidate, quota)  # points first, then the rest
    assert again.points == eager.points and again == eager
    assert again.reasons("en") == eager.reasons("en") and again.score == eager.score


def _some_evaluation() -> Evaluation:
    record = {"id": "HN-1", "birth_date": dt.date(1990, 5, 17), "gender": "female",
              "category": "cong_chuc", "position": "hr-management",
              "service_start": dt.date(2015, 1, 5), "succession_plan": True,
              "under_discipline": False, "enrollments": [],
              "rating": {2021: "good", 2022: "completed"}}
    return evaluate_candidate(HANOI, record, "pg-abroad")


def test_a_decided_evaluation_is_frozen_copies_and_pickles_as_its_values() -> None:
    evaluation = _some_evaluation()
    assert evaluation.failed == ("ratings-two-years",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluation.points = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        _ = evaluation.no_such_attribute  # type: ignore[attr-defined]
    plain = Evaluation(evaluation.candidate_id, evaluation.quota_id, evaluation.outcomes,
                       evaluation.points)
    for copied in (pickle.loads(pickle.dumps(evaluation)), copy.deepcopy(evaluation),
                   dataclasses.replace(evaluation)):
        assert copied == evaluation == plain
        assert copied.reasons("vi") == evaluation.reasons("vi") == plain.reasons("vi")
    assert dataclasses.asdict(evaluation) == dataclasses.asdict(plain)


def test_programs_are_kept_per_rulebook() -> None:
    """GIVEN the same record and two rulebooks differing only in a quota's age limit WHEN
    evaluated in turn THEN each rulebook's own limit decides."""
    younger = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml",
                                        changes={"quota.pg-abroad.values.max_age": 30})
    record = {"id": "HN-2", "birth_date": dt.date(1990, 5, 17), "gender": "male",
              "category": "cong_chuc", "position": "hr-management",
              "service_start": dt.date(2015, 1, 5), "succession_plan": False,
              "under_discipline": False, "enrollments": [],
              "rating": {2021: "good", 2022: "good"}}
    for _ in range(2):
        assert evaluate_candidate(HANOI, record, "pg-abroad").eligible
        assert evaluate_candidate(younger, record, "pg-abroad").failed == ("age-limit",)


SCHEDULES = {
    "men": {2020: 720, 2021: 723, 2022: 726, 2023: 729, 2024: 732, 2025: 735, 2026: 738,
            2027: 741, 2028: 744},
    "women": {2020: 660, 2021: 664, 2022: 668, 2023: 672, 2024: 676, 2025: 680, 2026: 684,
              2027: 688, 2028: 692, 2029: 696, 2030: 700, 2031: 704, 2032: 708, 2033: 712,
              2034: 716, 2035: 720},
}


@settings(max_examples=300, deadline=None)
@given(birth=st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)),
       schedule=st.sampled_from(sorted(SCHEDULES)))
def test_a_remembered_retirement_date_is_the_one_computed_afresh(birth: dt.date,
                                                                   schedule: str) -> None:
    """GIVEN one schedule object asked for many births (its memory filling up) WHEN asked
    again THEN each answer is that of a new schedule with the same steps (an empty memory),
    for either schedule: one schedule's dates never answer for the other."""
    kept = _KEPT[schedule]
    fresh = calendar.AgeSchedule(SCHEDULES[schedule])
    assert calendar.retirement_date(birth, kept) == calendar.retirement_date(birth, fresh)
    other = next(name for name in SCHEDULES if name != schedule)
    assert calendar.retirement_date(birth, _KEPT[other]) == \
        calendar.retirement_date(birth, calendar.AgeSchedule(SCHEDULES[other]))


_KEPT = {name: calendar.AgeSchedule(steps) for name, steps in SCHEDULES.items()}
