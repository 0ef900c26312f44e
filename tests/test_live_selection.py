"""Live ranking keys and incremental deferred acceptance equal the batch selection."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.rulebook.models import TieBreak
from eligibility.selection.allocation import allocate
from eligibility.selection.deferred import LiveAllocation
from eligibility.selection.keys import Key, RankKeys
from eligibility.selection.ranking import rank_nominations
from eligibility.selection.standings import Standings

GENDER = pl.Enum(["male", "female", "other"])
DTYPES: dict[str, tuple[pl.DataType, st.SearchStrategy[object]]] = {
    "score": (pl.Float64(), st.sampled_from([0.0, -0.0, 1.5, -2.0, math.nan, math.inf, None])),
    "points": (pl.Int64(), st.sampled_from([0, 1, -3, 10, None])),
    "born": (pl.Date(), st.sampled_from([dt.date(1980, 1, 1), dt.date(1999, 12, 31), None])),
    "agency": (pl.String(), st.sampled_from(["A", "B", "Ă", "a", "", None])),
    "gender": (GENDER, st.sampled_from(["male", "female", "other", None])),
    "flag": (pl.Boolean(), st.sampled_from([True, False, None])),
}


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_rank_keys_order_like_polars(data: st.DataObject) -> None:
    """GIVEN random tie-break keys of every supported dtype, each ascending or descending,
    over rows with ties, nulls, NaN and both zeros WHEN the rows are ranked by their key
    tuples THEN the order is the one polars' ranking gives."""
    names = data.draw(st.lists(st.sampled_from(sorted(DTYPES)), min_size=1, max_size=3,
                               unique=True))
    ranking = [TieBreak(key="score" if name == "score" else name,
                        order=data.draw(st.sampled_from(["ascending", "descending"])))
               for name in names]
    if data.draw(st.booleans()):
        ranking.append(TieBreak(key="id", order=data.draw(st.sampled_from(
            ["ascending", "descending"]))))
    count = data.draw(st.integers(1, 12))
    columns = {name: [data.draw(DTYPES[name][1]) for _ in range(count)] for name in names}
    schema = {"candidate_id": pl.String(), **{name: DTYPES[name][0] for name in names}}
    frame = pl.DataFrame({"candidate_id": [f"c{index:02d}" for index in range(count)],
                          **columns, "quota_id": ["q"] * count, "eligible": [True] * count},
                         schema={**schema, "quota_id": pl.String, "eligible": pl.Boolean})
    expected = rank_nominations(frame, ranking)["rank"].to_list()
    keys = RankKeys(ranking, schema)
    tuples = [keys.key(list(row), candidate_id) for candidate_id, row in
              zip(frame["candidate_id"], frame.select(keys.columns).iter_rows(), strict=True)]
    ordered = sorted(tuples)
    assert [ordered.index(key) + 1 for key in tuples] == expected


QUOTAS = ("a", "b", "c", "d")


def _batch_seats(people: dict[str, list[tuple[str, Key]]],
                 capacity: dict[str, int]) -> dict[str, str]:
    rows = [{"candidate_id": person, "quota_id": quota, "preference": index + 1,
             "key": key[0]}
            for person, wishes in people.items() for index, (quota, key) in enumerate(wishes)]
    if not rows:
        return {}
    frame = pl.DataFrame(rows).with_columns(
        pl.struct("key", "candidate_id").rank("ordinal").over("quota_id").cast(pl.Int64)
        .alias("rank"))
    held = allocate(frame, capacity)
    return dict(zip(held["candidate_id"], held["quota_id"], strict=True))


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_live_allocation_equals_deferred_acceptance_after_every_change(
        data: st.DataObject) -> None:
    """GIVEN quotas of 0 to 3 seats and people with tied scores and several wishes
    WHEN people are added, changed and removed one at a time THEN after each change the
    seats are those the batch's deferred acceptance gives the current applications."""
    capacity = {quota: data.draw(st.integers(0, 3)) for quota in QUOTAS}
    standings = Standings(QUOTAS)
    live = LiveAllocation(capacity, standings)
    people: dict[str, list[tuple[str, Key]]] = {}
    for _ in range(data.draw(st.integers(1, 30))):
        person = f"p{data.draw(st.integers(0, 9))}"
        if person in people and data.draw(st.booleans()):
            del people[person]
            live.change(person, None)
        else:
            quotas = data.draw(st.lists(st.sampled_from(QUOTAS), max_size=4, unique=True))
            wishes = [(quota, (data.draw(st.integers(0, 3)), person)) for quota in quotas]
            people[person] = wishes
            live.change(person, wishes)
        seats = {person: live.seat(person) for person in people}
        assert {person: quota for person, quota in seats.items() if quota} == \
            _batch_seats(people, capacity)


def test_a_removal_is_not_a_vacancy_chain() -> None:
    """GIVEN quotas A and B of one seat; p wants A; x wants A then B; y wants B then A;
    A ranks p, y, x; B ranks x, y WHEN p leaves THEN x takes A and y takes B (deferred
    acceptance), not y in A and x kept in B (the freed seat handed down)."""
    live = LiveAllocation({"A": 1, "B": 1}, Standings("AB"))
    live.change("x", [("A", (3, "x")), ("B", (1, "x"))])
    live.change("y", [("B", (2, "y")), ("A", (2, "y"))])
    live.change("p", [("A", (1, "p"))])
    assert (live.seat("p"), live.seat("x"), live.seat("y")) == ("A", "B", None)
    live.change("p", None)
    assert (live.seat("x"), live.seat("y")) == ("A", "B")


def test_an_unseated_person_can_move_others_when_they_leave() -> None:
    """GIVEN p, who wants only A, displaced x from A, x displaced y from B and y took A from p
    WHEN p (seated nowhere) leaves THEN x and y get their first choices back."""
    live = LiveAllocation({"A": 1, "B": 1}, Standings("AB"))
    live.change("x", [("A", (3, "x")), ("B", (1, "x"))])
    live.change("y", [("B", (2, "y")), ("A", (1, "y"))])
    live.change("p", [("A", (2, "p"))])
    assert (live.seat("p"), live.seat("x"), live.seat("y")) == (None, "B", "A")
    live.change("p", None)
    assert (live.seat("x"), live.seat("y")) == ("A", "B")
