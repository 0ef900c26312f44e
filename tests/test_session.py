"""Live nomination sessions: incremental decisions equal to the batch run."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import eligibility
from eligibility.api import record_cells
from eligibility.errors import RecordError
from eligibility.language.values import Interval
from eligibility.session import NominationSession, open_session, read_candidate
from eligibility.testing.mutations import cap_seats

ROOT = Path(__file__).resolve().parent.parent
ENGINES = [pytest.param("durable", marks=pytest.mark.durable), "scalar"]


@pytest.fixture(scope="module")
def hanoi() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "durable":
        pytest.importorskip("durable", reason="durable-rules is not installed")
    return str(request.param)


def person(person_id: str, **changes: Any) -> dict[str, Any]:
    """A typed record eligible for tai-chinh (score 25: young, female, one excellent)."""
    record: dict[str, Any] = {
        "id": person_id, "full_name": "Nguyễn Thị Lan", "birth_date": dt.date(1990, 5, 17),
        "gender": "female", "agency": "Sở Tài chính", "category": "cong_chuc",
        "position": "public-finance", "service_start": dt.date(2015, 3, 1),
        "rating": {2020: "good", 2021: "good", 2022: "excellent"},
        "succession_plan": False, "under_discipline": False, "enrollments": [],
        "nominated_for": ["tai-chinh"]}
    record.update(changes)
    return record


def batch(rulebook: eligibility.CompiledRulebook, records: list[dict[str, Any]],
          engine: str) -> pl.DataFrame:
    """The batch decisions of ``records`` (a nominee file with every field's column)."""
    rows = []
    for record in records:
        cells: dict[str, Any] = {"id": record["id"],
                                 "nominated_for": ";".join(record["nominated_for"])}
        for name, spec in rulebook.fields.items():
            if spec.yearly:
                cells.update(record_cells({name: record.get(name, {})}, rulebook))
            else:
                cells[name] = record_cells({name: record.get(name)})[name]
        rows.append(cells)
    headers = list(dict.fromkeys(key for row in rows for key in row))
    frame = pl.DataFrame([{key: row.get(key) for key in headers} for row in rows],
                         schema=dict.fromkeys(headers, pl.String), orient="row")
    return eligibility.decide(rulebook, frame, engine=engine).decided


def test_assert_update_and_retract_change_decisions_and_ranks(
        hanoi: eligibility.CompiledRulebook, engine: str) -> None:
    """GIVEN a session on a rulebook whose tai-chinh quota has 1 seat
    WHEN two nominees are asserted, the second is updated to score higher, then the first
    is retracted THEN ranks and statuses follow each change at once."""
    rulebook = cap_seats(hanoi, 1)
    with open_session(rulebook, engine=engine) as session:
        session.assert_candidate(person("A"))
        session.assert_candidate(person("B", succession_plan=True, gender="male"))
        decided = session.decisions()
        assert decided.select("candidate_id", "score", "rank", "status").rows() == [
            ("A", 25, 1, "selected"), ("B", 20, 2, "reserve")]
        session.update_candidate(person("B", succession_plan=True))
        assert session.decision("B").select("score", "rank", "status").row(0) == (
            30, 1, "selected")
        assert session.decision("A").select("rank", "status").row(0) == (2, "reserve")
        session.update_candidate(person("A", under_discipline=True))
        assert session.decision("A").select("eligible", "failed", "rank", "status").row(0) \
            == (False, "no-discipline", None, "ineligible")
        session.retract_candidate("B")
        assert session.candidate_ids == ["A"]
        assert session.decisions().height == 1


def test_a_session_equals_the_batch_run_after_a_sequence_of_operations(
        hanoi: eligibility.CompiledRulebook, engine: str) -> None:
    """GIVEN nominees asserted, updated and retracted in some order (several nominations
    each, ties, ineligible ones, raw text records too)
    WHEN the session's decisions are read THEN they equal a batch run over the current
    records, in the order they were first asserted."""
    rulebook = cap_seats(hanoi, 2)
    records = {
        "A": person("A", nominated_for=["tai-chinh", "pg-domestic"]),
        "B": person("B", birth_date=dt.date(1992, 1, 1), nominated_for=["pg-domestic"]),
        "C": person("C", position="hr-management", nominated_for=["tai-chinh", "noi-vu-hr"]),
        "D": person("D", enrollments=[Interval(dt.date(2023, 10, 1), dt.date(2023, 10, 5))]),
        "E": person("E", rating={2021: "excellent", 2022: "excellent", 2019: "good"}),
        "F": person("F", service_start=None, nominated_for=["pg-abroad", "tai-chinh"]),
    }
    with open_session(rulebook, engine=engine) as session:
        for record in records.values():
            session.assert_candidate(record)
        records["B"] = person("B", succession_plan=True, nominated_for=["tai-chinh"])
        session.update_candidate(records["B"])
        session.retract_candidate("C")
        del records["C"]
        raw = {"id": "G", "full_name": "Lê Văn Hùng", "birth_date": "12/03/1988",
               "gender": "Nam", "category": "viên chức", "position": "budget-planning",
               "service_start": "2010", "rating_2021": "HTXSNV", "rating_2022": "HTTNV",
               "succession_plan": "có", "nominated_for": "tai-chinh;pg-domestic"}
        session.assert_candidate(raw)
        records["G"] = person("G", full_name="Lê Văn Hùng", birth_date=dt.date(1988, 3, 12),
                              gender="male", category="vien_chuc", agency=None,
                              position="budget-planning", service_start=dt.date(2010, 1, 1),
                              rating={2021: "excellent", 2022: "good"},
                              succession_plan=True, nominated_for=["tai-chinh", "pg-domestic"])
        records["E"] = person("E", under_discipline=True)
        session.update_candidate(records["E"])
        assert_frame_equal(session.decisions(), batch(rulebook, list(records.values()), engine))


def test_sessions_are_isolated(hanoi: eligibility.CompiledRulebook, engine: str) -> None:
    """GIVEN two sessions on the same rulebook WHEN a nominee is asserted in one
    THEN the other does not see it, and each ranks only its own nominees."""
    with open_session(hanoi, engine=engine) as one, open_session(hanoi, engine=engine) as two:
        one.assert_candidate(person("A"))
        two.assert_candidate(person("A", gender="male"))
        two.assert_candidate(person("B"))
        assert one.decisions()["candidate_id"].to_list() == ["A"]
        assert one.decision("A")["score"].item() == 25
        assert two.decision("A")["score"].item() == 15
        assert two.decision("B")["rank"].item() == 1


def test_the_durable_session_releases_its_rulesets(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a durable session used as a context manager WHEN it closes THEN its
    durable_rules rulesets are deleted and no thread was started."""
    pytest.importorskip("durable", reason="durable-rules is not installed")
    import durable_rules_engine

    before = threading.active_count()
    with open_session(hanoi) as session:
        session.assert_candidate(person("A"))
        engine = session._durable
        assert engine is not None
        handles = [ruleset._rules._handle for group in engine._rulesets.values()
                   for ruleset in group]
    assert session._durable is None
    for handle in handles:
        with pytest.raises(durable_rules_engine.error):
            durable_rules_engine.get_facts(handle, None)
    assert threading.active_count() == before


def test_an_update_redecides_only_that_nominee(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a durable session holding nominees WHEN one is updated THEN only that
    nominee's facts are retracted and posted again: the others keep their facts."""
    pytest.importorskip("durable", reason="durable-rules is not installed")
    with open_session(hanoi) as session:
        for name in ("A", "B", "C"):
            session.assert_candidate(person(name))
        engine = session._durable
        assert engine is not None
        kept = {key: facts for key, facts in engine._kept.items()}
        session.update_candidate(person("B", succession_plan=True))
        assert {key: facts for key, facts in engine._kept.items() if key in kept} == {
            key: facts for key, facts in kept.items() if key != session._entries["B"].keys[0]
            and key in engine._kept}
        assert session._entries["B"].keys[0] not in kept
        assert len(engine._kept) == 3


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"birth_date": 1990}, "birth_date", "expected a date"),
    ({"birth_date": "31/02/1990"}, "birth_date", ""),
    ({"gender": "robot"}, "gender", ""),
    ({"position": 3}, "position", "not a code of position"),
    ({"succession_plan": "maybe"}, "succession_plan", ""),
    ({"rating": {2022: "superb"}}, "rating[2022]", "xếp loại chất lượng năm hợp lệ"),
    ({"rating": ["good"]}, "rating", "{year: value}"),
    ({"enrollments": ["2023-01-01"]}, "enrollments", "Interval"),
    ({"nominated_for": ["tai-chinhh"]}, "nominated_for", "did you mean 'tai-chinh'"),
    ({"nominated_for": []}, "nominated_for", "expected the quotas"),
    ({"birth_dat": dt.date(1990, 1, 1)}, "birth_dat", "did you mean 'birth_date'"),
    ({"full_name": None}, "full_name", "required"),
    ({"id": 7}, "id", "non-empty text"),
])
def test_a_record_that_cannot_be_read_names_the_field(
        hanoi: eligibility.CompiledRulebook, changes: dict[str, Any], field: str,
        words: str) -> None:
    """GIVEN a record with a value of the wrong type, an unknown code or key, or a
    missing required value WHEN read THEN RecordError names the field."""
    with pytest.raises(RecordError) as caught:
        read_candidate(hanoi, person("X", **changes))
    assert caught.value.field == field
    assert words in str(caught.value)


def test_ids_must_be_new_to_assert_and_known_to_update(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a session holding A WHEN A is asserted again, or B updated or retracted
    THEN RecordError says so (with a suggestion for a near miss)."""
    with NominationSession(hanoi, engine="scalar") as session:
        session.assert_candidate(person("HN-1"))
        with pytest.raises(RecordError, match="already in the session"):
            session.assert_candidate(person("HN-1"))
        with pytest.raises(RecordError, match=r"no nominee 'HN-2'.*did you mean 'HN-1'"):
            session.update_candidate(person("HN-2"))
        with pytest.raises(RecordError, match="no nominee"):
            session.retract_candidate("HN-3")
        assert len(session) == 1


def test_an_unknown_engine_is_refused(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a session WHEN asked for an engine it does not have THEN ValueError."""
    with pytest.raises(ValueError, match="durable, scalar"):
        open_session(hanoi, engine="vectorized")


def test_typed_and_text_records_read_alike(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN the same nominee as Python values and as a file's text cells WHEN read
    THEN the candidates are equal."""
    typed = person("HN-1", nominated_for=["tai-chinh", "pg-abroad"],
                   enrollments=[Interval(dt.date(2023, 1, 1), dt.date(2023, 2, 1))])
    text = {"id": " HN-1 ", "full_name": "Nguyễn Thị Lan", "birth_date": "17/05/1990",
            "gender": "Nữ", "agency": "Sở Tài chính", "category": "công chức",
            "position": "public-finance", "service_start": "2015-03-01",
            "rating_2020": "HTTNV", "rating_2021": "good", "rating_2022": "HTXSNV",
            "succession_plan": "không", "under_discipline": "", "enrollments":
            "2023-01-01/2023-02-01", "nominated_for": "TAI-CHINH; pg-abroad"}
    assert read_candidate(hanoi, text) == read_candidate(hanoi, typed)
