"""A live session's ranks and seats, changed one nominee at a time, equal the batch's."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from tests.hanoi_people import person
from tests.test_session import batch

import eligibility
from eligibility.rulebook.models import TieBreak
from eligibility.selection import select
from eligibility.session import open_session

QUOTAS = ("tai-chinh", "noi-vu-hr", "pg-abroad", "pg-domestic")
RANKINGS = (
    (("score", "descending"), ("birth_date", "descending"), ("id", "ascending")),
    (("score", "descending"), ("agency", "ascending")),
    (("agency", "descending"), ("birth_date", "ascending"), ("id", "descending")),
    (("gender", "descending"), ("service_start", "descending"), ("score", "ascending")),
    (("succession_plan", "ascending"),),
)


def variant(rulebook: eligibility.CompiledRulebook, ranking: tuple[tuple[str, str], ...],
            capacity: dict[str, int]) -> eligibility.CompiledRulebook:
    """``rulebook`` ranked by ``ranking``, each quota with ``capacity`` seats left (0 or
    more: the seats earlier rounds took are raised)."""
    quotas = {quota_id: replace(rules, earlier_seats=rules.quota.seats
                                - capacity.get(quota_id, rules.quota.seats))
              for quota_id, rules in rulebook.quotas.items()}
    return replace(rulebook, quotas=quotas,
                   ranking=tuple(TieBreak(key=key, order=order) for key, order in ranking))


@st.composite
def records(draw: st.DrawFn, person_id: str) -> dict[str, Any]:
    """A Hanoi nominee with few distinct values (ties), optional fields left empty, and one
    to four quotas, of which they may be eligible for several."""
    return person(
        person_id,
        birth_date=draw(st.sampled_from([dt.date(1980, 1, 1), dt.date(1990, 5, 17)])),
        gender=draw(st.sampled_from(["female", "male"])),
        agency=draw(st.sampled_from([None, "Sở A", "Sở B"])),
        position=draw(st.sampled_from(["public-finance", "hr-management"])),
        service_start=draw(st.sampled_from([None, dt.date(2010, 1, 1), dt.date(2015, 3, 1)])),
        succession_plan=draw(st.booleans()),
        under_discipline=draw(st.sampled_from([False, False, False, True])),
        nominated_for=draw(st.lists(st.sampled_from(QUOTAS), min_size=1, max_size=4,
                                    unique=True)))


def check(session: Any, rulebook: eligibility.CompiledRulebook, ids: list[str]) -> None:
    """``decisions()`` has the ranks and statuses ``select`` gives its nominations, and each
    ``decision(id)`` is that nominee's rows of it."""
    decided = session.decisions()
    assert_frame_equal(decided, select(rulebook, decided.drop("rank", "status")))
    for candidate_id in ids:
        assert_frame_equal(session.decision(candidate_id),
                           decided.filter(pl.col("candidate_id") == candidate_id))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_change_leaves_the_batch_selection(hanoi: eligibility.CompiledRulebook,
                                                 engine: str, data: st.DataObject) -> None:
    """GIVEN a rulebook with random tie-break keys (nullable ones among them) and quotas of
    0 to 3 seats WHEN random nominees are asserted, updated and retracted THEN after every
    change each nominee's decision and the full decisions have the batch's ranks and
    statuses, and at the end the decisions are the batch run's over the same nominees."""
    rulebook = variant(hanoi, data.draw(st.sampled_from(RANKINGS)),
                       {quota: data.draw(st.integers(0, 3)) for quota in QUOTAS})
    current: dict[str, dict[str, Any]] = {}
    with open_session(rulebook, engine=engine) as session:
        for _ in range(data.draw(st.integers(1, 12))):
            person_id = f"P{data.draw(st.integers(0, 7))}"
            if person_id in current and data.draw(st.booleans()):
                if data.draw(st.booleans()):
                    session.retract_candidate(person_id)
                    del current[person_id]
                else:
                    current[person_id] = data.draw(records(person_id))
                    session.update_candidate(current[person_id])
            elif person_id not in current:
                current[person_id] = data.draw(records(person_id))
                session.assert_candidate(current[person_id])
            if current:
                check(session, rulebook, data.draw(st.lists(st.sampled_from(sorted(current)),
                                                            max_size=3)))
        if current:
            assert_frame_equal(session.decisions(), batch(rulebook, list(current.values()),
                                                          engine))


def test_a_ranking_by_a_list_is_still_the_batch_selection(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a ranking by a list of intervals (no live order for it) WHEN nominees are
    asserted and updated THEN the session still ranks and seats as the batch does."""
    rulebook = variant(hanoi, (("enrollments", "ascending"), ("score", "descending")),
                       {"tai-chinh": 1})
    enrolled = [eligibility.language.values.Interval(dt.date(2023, 1, 1), dt.date(2023, 2, 1))]
    current = [person("A"), person("B", enrollments=enrolled), person("C")]
    with open_session(rulebook, engine="scalar") as session:
        for record in current:
            session.assert_candidate(record)
        current[2] = person("C", succession_plan=True)
        session.update_candidate(current[2])
        check(session, rulebook, ["A", "B", "C"])
        assert_frame_equal(session.decisions(), batch(rulebook, current, "scalar"))
