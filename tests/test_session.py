"""Live nomination sessions: incremental decisions equal to the batch run."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from tests.hanoi_people import person

import eligibility
from eligibility.api import record_cells
from eligibility.errors import RecordError, SessionClosedError, UsageError
from eligibility.language.values import Interval
from eligibility.session import NominationSession, open_session
from eligibility.testing.mutations import cap_seats

ROOT = Path(__file__).resolve().parent.parent


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


def test_ids_must_be_new_to_assert_and_known_to_update(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a session holding A WHEN A is asserted again, or B updated or retracted
    THEN RecordError says so (with a suggestion for a near miss)."""
    with NominationSession(hanoi, engine="scalar", language="en") as session:
        session.assert_candidate(person("HN-1"))
        with pytest.raises(RecordError, match="already in the session"):
            session.assert_candidate(person("HN-1"))
        with pytest.raises(RecordError, match=r"no nominee 'HN-2'.*did you mean 'HN-1'"):
            session.update_candidate(person("HN-2"))
        with pytest.raises(RecordError, match="no nominee"):
            session.retract_candidate("HN-3")
        assert len(session) == 1


def test_an_unknown_engine_is_refused(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a session WHEN asked for an engine it does not have THEN a UsageError (a
    TypeError and an EligibilityError) names the engines it has."""
    with pytest.raises(UsageError, match="durable, scalar"):
        open_session(hanoi, engine="vectorized")
    with pytest.raises(UsageError, match="load_rulebook"):
        open_session("rules/hanoi-2022-2025.yaml")  # type: ignore[arg-type]


def test_a_closed_session_refuses_every_call(hanoi: eligibility.CompiledRulebook,
                                             engine: str) -> None:
    """GIVEN a session that was closed WHEN any change or read-out is asked THEN
    SessionClosedError, on every engine; closing again is harmless."""
    session = open_session(hanoi, engine=engine)
    session.assert_candidate(person("A"))
    session.close()
    calls = [lambda: session.assert_candidate(person("B")),
             lambda: session.update_candidate(person("A")),
             lambda: session.retract_candidate("A"), session.decisions,
             lambda: session.decision("A"), lambda: len(session),
             lambda: session.candidate_ids]
    for call in calls:
        with pytest.raises(SessionClosedError):
            call()
    session.close()
    assert session.closed


def test_concurrent_writers_and_a_reader_leave_a_consistent_session(
        hanoi: eligibility.CompiledRulebook, engine: str) -> None:
    """GIVEN two threads asserting 150 nominees each and a thread reading decisions
    WHEN they run at once THEN every nominee is in the session and in its decisions."""
    with open_session(hanoi, engine=engine) as session:
        errors: list[BaseException] = []

        def write(prefix: str) -> None:
            try:
                for number in range(150):
                    session.assert_candidate(person(f"{prefix}-{number:03d}"))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        def read() -> None:
            try:
                for _ in range(30):
                    session.decisions()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=write, args=(prefix,)) for prefix in "AB"]
        threads.append(threading.Thread(target=read))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert len(session) == 300
        decided = session.decisions()
        assert decided.height == 300
        assert decided["candidate_id"].n_unique() == 300


def test_without_durable_rules_a_session_falls_back_to_the_scalar_engine(
        tmp_path: Path) -> None:
    """GIVEN a Python where durable_rules cannot be imported WHEN a session is opened with
    the default engine THEN it uses the scalar engine, decides, and says so in one line."""
    script = tmp_path / "fallback.py"
    script.write_text(
        "import sys, warnings, datetime as dt\n"
        "sys.modules['durable_rules_engine'] = None  # what a failed build leaves\n"
        "import eligibility\n"
        f"rulebook = eligibility.load_rulebook({str(ROOT / 'rules/hanoi-2022-2025.yaml')!r})\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    session = eligibility.open_session(rulebook)\n"
        "print(session.engine, len(caught), caught[0].category.__name__)\n"
        "print(str(caught[0].message).count(chr(10)))\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["scalar", "1", "EngineFallbackWarning", "0"]
