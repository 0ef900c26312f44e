"""The durable_rules engine: same decisions as the vectorized engine, and its traps pinned."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

pytest.importorskip("durable", reason="durable-rules is not installed (needs Python <= 3.12)")

import durable_rules_engine
from durable import engine as durable_engine

import eligibility
from eligibility.engines.durable import (
    DurableEngine,
    Nomination,
    conditions,
    durable_available,
    encode,
    planner,
    rulesets,
    to_json,
)
from eligibility.engines.durable import evaluate_frame as evaluate_frame_durable
from eligibility.engines.vectorized import evaluate_frame
from eligibility.errors import EngineUnavailableError
from eligibility.intake.nominees import intake_cells
from eligibility.intake.readers import normalized_cells
from eligibility.language.types import DATE, INT, NUMBER, TEXT

ROOT = Path(__file__).resolve().parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"


@pytest.fixture(scope="module")
def hanoi() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(HANOI)


def _person(person_id: str, **changes: str) -> dict[str, str]:
    """A person who meets every criterion of tai-chinh and pg-domestic."""
    record = {"id": person_id, "full_name": "Nguyễn Thị Lan", "birth_date": "1990-05-17",
              "gender": "Nữ", "agency": "Sở Tài chính", "category": "công chức",
              "position": "public-finance", "service_start": "2015-03-01",
              "rating_2020": "good", "rating_2021": "good", "rating_2022": "excellent",
              "succession_plan": "có", "under_discipline": "không", "enrollments": "",
              "nominated_for": "tai-chinh;pg-domestic;pg-abroad"}
    record.update(changes)
    return record


# Each row flips one criterion (or one priority) of the person above.
PEOPLE = [
    _person("P-ok"),
    _person("P-position", position="hr-management"),
    _person("P-retiring", birth_date="1963-06-01", gender="Nam"),
    _person("P-rating", rating_2022="completed", rating_2021="not_completed"),
    _person("P-discipline", under_discipline="có"),
    _person("P-overlap", enrollments="2023-10-01/2023-10-10;2024-01-01/2024-02-01"),
    _person("P-old", birth_date="1980-02-29", gender="Nam", succession_plan="không"),
    _person("P-service", service_start="2021-06-01"),
    _person("P-unrated", rating_2021="", rating_2022="", service_start=""),
    _person("P-excellent", rating_2020="excellent", rating_2021="excellent"),
]


@pytest.fixture(scope="module")
def nominations(hanoi: eligibility.CompiledRulebook) -> pl.DataFrame:
    frame = pl.DataFrame(PEOPLE, schema={name: pl.String for name in PEOPLE[0]})
    return intake_cells(normalized_cells(frame), hanoi).nominations


def test_durable_and_vectorized_engines_decide_the_hanoi_rulebook_alike(
        hanoi: eligibility.CompiledRulebook, nominations: pl.DataFrame) -> None:
    """GIVEN the Hanoi rulebook and people who each fail one criterion (or none)
    WHEN the durable and the vectorized engines decide their nominations
    THEN the frames are identical: columns, dtypes, outcomes, messages, points, scores —
    and every criterion is both met and failed by someone."""
    durable_frame = evaluate_frame_durable(hanoi, nominations)
    assert_frame_equal(durable_frame, evaluate_frame(hanoi, nominations))
    for rule in hanoi.criterion_ids:
        assert set(durable_frame[f"criterion.{rule}"].drop_nulls()) == {True, False}, rule
    for rule in hanoi.priority_ids:
        assert durable_frame[f"points.{rule}"].drop_nulls().n_unique() > 1, rule


def test_the_bundled_example_file_is_decided_alike(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN the example nominee file WHEN decided end to end by both engines
    THEN the decisions (ranks and statuses included) are identical."""
    nominees = ROOT / "examples" / "hanoi" / "nominees.csv"
    durable_run = eligibility.decide(hanoi, nominees, engine="durable")
    assert_frame_equal(durable_run.decided, eligibility.decide(hanoi, nominees).decided)


def test_an_empty_frame_keeps_the_schema(hanoi: eligibility.CompiledRulebook,
                                         nominations: pl.DataFrame) -> None:
    """GIVEN no nominations WHEN decided THEN the columns and dtypes are the batch ones."""
    assert_frame_equal(evaluate_frame_durable(hanoi, nominations.head(0)),
                       evaluate_frame(hanoi, nominations.head(0)))


def test_an_unknown_quota_is_refused(hanoi: eligibility.CompiledRulebook,
                                     nominations: pl.DataFrame) -> None:
    """GIVEN a nomination for a quota the rulebook lacks WHEN decided THEN ValueError."""
    with pytest.raises(ValueError, match="unknown quota ids"):
        evaluate_frame_durable(hanoi, nominations.with_columns(pl.lit("nope").alias("quota_id")))


# --- trap: a fact no rule matches ------------------------------------------------------------


def test_trap_a_fact_no_rule_matches_raises_in_bare_durable_rules() -> None:
    """GIVEN a durable_rules ruleset whose only rule tests x == 99
    WHEN a fact with x == 1 is asserted THEN durable_rules raises MessageNotHandledException
    (the reason every ruleset of the engine has a catch-all)."""
    host = _threadless_host()
    host.register_rulesets({"trap-not-handled": {
        "r": {"all": [{"m": {"x": 99}}], "run": lambda c: None}}})
    with pytest.raises(durable_engine.MessageNotHandledException):
        host.assert_fact("trap-not-handled", {"x": 1})


def test_a_nomination_without_any_value_is_handled_and_fails(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a nomination whose record is empty (every leaf null, so the fact has no value)
    WHEN decided THEN nothing is raised: every criterion is decided 'not met'."""
    with DurableEngine(hanoi) as engine:
        outcome = engine.decide([Nomination(1, "pg-abroad", {})])[1]
    assert outcome.met == (False,) * len(hanoi.quotas["pg-abroad"].criteria)
    assert outcome.points is None


def test_trap_no_rule_tests_id_or_sid_and_every_rule_tests_the_group(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN the engine's rulesets WHEN their definitions are read THEN no condition reads
    'id' or 'sid' (a catch-all on those matches durable's own state object and loops) and
    every rule but the catch-all tests the group property 'g', which the state never has."""
    with DurableEngine(hanoi) as engine:
        for ruleset in (item for group in engine._rulesets.values() for item in group):
            for name, definition in ruleset._rules._definition.items():
                text = json.dumps(definition)
                assert '"id"' not in text and '"sid"' not in text, name
                assert name == "seen" or '"g"' in text, name


def test_trap_a_catch_all_on_id_loops_forever_in_bare_durable_rules() -> None:
    """GIVEN a bare durable_rules ruleset whose catch-all tests +m.id
    WHEN one fact is asserted THEN it never returns: the state object matches too, and each
    action's state update re-triggers it (run in a child process stopped after 3 s)."""
    script = (
        "from durable.engine import Host\n"
        "from durable.lang import m\n"
        "class Quiet(Host):\n"
        "    def _run(self): pass\n"
        "h = Quiet()\n"
        "h.register_rulesets({'loop': {'r': {'all': [{'m': (+m.id).define()}],"
        " 'run': lambda c: None}}})\n"
        "h.assert_fact('loop', {'k': 1})\n")
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, "-c", script], timeout=3, check=False,
                       capture_output=True)


# --- trap: strings and numbers ----------------------------------------------------------------


def test_trap_a_numeric_string_passes_a_numeric_comparison_in_bare_durable_rules() -> None:
    """GIVEN a rule m.age <= 35 WHEN a fact holds age as the string '30' THEN it fires
    (and '40' does not): the engine therefore posts numbers as numbers."""
    fired = _fire({"r": {"$lte": {"age": 35}}}, [{"k": 1, "age": "30"}, {"k": 2, "age": "40"}])
    assert fired == {1}
    assert encode(30, INT) == 30 and isinstance(encode(30.5, NUMBER), float)


def test_trap_escaped_characters_break_string_order_in_bare_durable_rules() -> None:
    """GIVEN m.a < m.b WHEN a = 'a"' and b = 'a#' (Python: a < b) THEN durable_rules does not
    fire: it compares the JSON escape '\\"'. Hex code points restore Python's order."""
    assert 'a"' < "a#"
    fired = _fire({"r": {"$lt": {"a": {"$m": "b"}}}}, [{"k": 1, "a": 'a"', "b": "a#"}])
    assert fired == set()
    hexed = [{"k": 1, "a": encode('a"', TEXT), "b": encode("a#", TEXT)}]
    assert _fire({"r": {"$lt": {"a": {"$m": "b"}}}}, hexed) == {1}


def test_text_dates_and_floats_are_decided_as_python_decides(tmp_path: Path) -> None:
    """GIVEN criteria comparing text ('9' > '10' as text), dates, tiny and huge numbers
    WHEN durable and vectorized decide THEN they agree (floats such as 1e-05 included,
    which json.dumps writes in a notation durable_rules' parser refuses)."""
    rulebook = _rulebook(tmp_path, {"code": "text", "since": "date", "x": "number"}, [
        "code > '10'", "since <= date('2000-02-29')", "x < 0.0001", "x > 5e20 or x == 1e-05"])
    frame = _frame(rulebook, [
        {"code": "9", "since": dt.date(2000, 2, 29), "x": 1e-05},
        {"code": "10", "since": dt.date(2000, 3, 1), "x": 6e20},
        {"code": 'a"', "since": None, "x": None}])
    assert_frame_equal(evaluate_frame_durable(rulebook, frame), evaluate_frame(rulebook, frame))
    assert to_json({"x": 1e-05, "y": 5e20}) == '{"x": 0.00001, "y": 500000000000000000000.0}'
    with pytest.raises(durable_rules_engine.error, match="204"):
        _fire({"r": {"x": 1}}, [{"k": 1, "x": 1e-05}], dumps=json.dumps)


def test_trap_a_comparison_with_a_null_right_side_is_never_met(tmp_path: Path) -> None:
    """GIVEN criteria n < m and n >= m (durable_rules: m.n < m.m), and a person whose m is
    empty WHEN decided THEN neither is met. Bare durable_rules reads a missing right-hand
    property as whatever its lookup finds — in some rulesets <, ==, != and > all fire at
    once — so the engine always tests that the right side exists."""
    rulebook = _rulebook(tmp_path, {"n": "int", "m": "int"}, ["n < m", "n >= m"])
    plan = planner.plan_quota(rulebook.quotas["q"])
    met = next(rule for rule in plan.groups[0].rules if rule.kind == "met")
    assert isinstance(met.cond, conditions.All)
    assert conditions.Probe("exists", "v1") in met.cond.parts
    frame = _frame(rulebook, [{"n": 1, "m": None}, {"n": 1, "m": 2}, {"n": None, "m": 2}])
    decided = evaluate_frame_durable(rulebook, frame)
    assert decided["eligible"].to_list() == [False, False, False]
    assert decided["criterion.c0"].to_list() == [False, True, False]
    assert_frame_equal(decided, evaluate_frame(rulebook, frame))


def test_dates_are_posted_as_day_numbers() -> None:
    """GIVEN a date WHEN posted THEN it is its ordinal, so < compares days."""
    assert encode(dt.date(2023, 9, 11), DATE) - encode(dt.date(2023, 9, 10), DATE) == 1


# --- trap: or expanded into separate matches ----------------------------------------------------


def test_trap_an_or_fires_once_per_matching_alternative_and_outcomes_stay_single(
        tmp_path: Path) -> None:
    """GIVEN a criterion 'a or b' and a person for whom both hold
    WHEN durable_rules decides (its 'met' rule fires twice, once per alternative)
    THEN the outcome is one 'met'; and an 'and' of many 'or's (2^10 alternatives, more
    than durable_rules takes) is still decided, with parts computed in Python."""
    assert _fire({"r": {"$or": [{"a": 1}, {"b": 1}]}}, [{"k": 1, "a": 1, "b": 1}],
                 count=True) == 2
    wide = " and ".join(f"(n == {i} or m == {i})" for i in range(10))
    rulebook = _rulebook(tmp_path, {"n": "int", "m": "int"}, ["n == 1 or m == 1", wide])
    frame = _frame(rulebook, [{"n": 1, "m": 1}, {"n": 0, "m": None}])
    assert_frame_equal(evaluate_frame_durable(rulebook, frame), evaluate_frame(rulebook, frame))


def test_membership_in_a_list_of_codes_is_one_regular_expression(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN position-match over 23 positions WHEN planned THEN 'met' is one match test,
    not 23 alternatives."""
    plan = planner.plan_quota(hanoi.quotas["pg-abroad"])
    met = next(rule for rule in plan.groups[0].rules if rule.kind == "met" and rule.index == 0)
    assert isinstance(met.cond, conditions.Probe) and met.cond.kind == "match"


# --- trap: 255 properties per fact ---------------------------------------------------------


def test_trap_a_fact_holds_at_most_about_252_properties_in_bare_durable_rules() -> None:
    """GIVEN a fact with 300 properties WHEN asserted to bare durable_rules THEN refused."""
    with pytest.raises(durable_rules_engine.error, match="302"):
        _fire({"r": {"k": 1}}, [{"k": 1, **{f"v{i}": i for i in range(300)}}])


def test_wide_records_are_split_into_several_facts(tmp_path: Path) -> None:
    """GIVEN 300 criteria on 300 different values, and one criterion reading 300 values
    WHEN decided THEN each nomination is posted as several facts (one per group) and the
    decisions equal the vectorized engine's."""
    many = [f"n + {i} > 0" for i in range(300)]
    one = [" or ".join(f"n * {i} == 7" for i in range(1, 301))]
    for rules in (many, one):
        rulebook = _rulebook(tmp_path, {"n": "int"}, rules)
        plan = planner.plan_quota(rulebook.quotas["q"])
        assert all(len(group.leaves) <= planner.MAX_PROPERTIES for group in plan.groups)
        frame = _frame(rulebook, [{"n": value} for value in (-150, 7, None, 0)])
        assert_frame_equal(evaluate_frame_durable(rulebook, frame),
                           evaluate_frame(rulebook, frame))
    assert len(planner.plan_quota(_rulebook(tmp_path, {"n": "int"}, many).quotas["q"]).groups) > 1


# --- traps: background threads, Hosts and ruleset names ------------------------------------------


def test_trap_a_batch_over_several_sessions_runs_only_one_before_returning() -> None:
    """GIVEN bare durable_rules and facts of two session ids asserted in one batch
    WHEN the batch call returns THEN only one session's actions have run — a Host would
    run the rest later on its background thread. The engine's rulesets dispatch every
    action before returning."""
    fired: list[Any] = []
    host = _threadless_host()
    host.register_rulesets({"trap-batch": {
        "r": {"all": [{"m": {"$ex": {"k": 1}}}], "run": lambda c: fired.append(c.m.k)}}})
    host.assert_facts("trap-batch", [{"k": 1, "sid": "a"}, {"k": 2, "sid": "b"}])
    assert len(fired) == 1
    fired_too: list[Any] = []
    ruleset = rulesets.Ruleset(f"trap-batch-engine-{id(fired_too)}", {
        "r": ({"all": [{"m": {"$ex": {"k": 1}}}]}, lambda c: fired_too.append(c.m.k))},
        fired_too)
    try:
        ruleset.assert_facts([{"k": 1, "sid": "a"}, {"k": 2, "sid": "b"}])
        assert sorted(fired_too) == [1, 2]
    finally:
        ruleset.close()


def test_trap_hosts_start_threads_and_refuse_a_ruleset_name_twice() -> None:
    """GIVEN durable_rules' own Host (in a child process, so its threads die with it)
    WHEN created and given a ruleset name twice THEN it starts threads and refuses the name."""
    script = (
        "import threading\n"
        "from durable.engine import Host\n"
        "before = threading.active_count()\n"
        "h = Host()\n"
        "rules = {'r': {'all': [{'m': {'x': 1}}], 'run': lambda c: None}}\n"
        "h.register_rulesets({'same': dict(rules)})\n"
        "try:\n"
        "    h.register_rulesets({'same': {'r': {'all': [{'m': {'x': 1}}],"
        " 'run': lambda c: None}}})\n"
        "except Exception as error:\n"
        "    print('refused' if 'already registered' in str(error) else error)\n"
        "print(threading.active_count() - before)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out[0] == "refused" and int(out[1]) >= 2


def test_the_engine_starts_no_thread_and_names_its_rulesets_uniquely(
        hanoi: eligibility.CompiledRulebook, nominations: pl.DataFrame) -> None:
    """GIVEN repeated batch runs and engines open side by side on one rulebook
    WHEN they run THEN no thread is started, results are identical every time, and each
    engine's rulesets have their own names."""
    before = threading.active_count()
    first = evaluate_frame_durable(hanoi, nominations)
    for _ in range(3):
        assert_frame_equal(evaluate_frame_durable(hanoi, nominations), first)
    with DurableEngine(hanoi) as one, DurableEngine(hanoi) as two:
        names = [{name for group in engine.ruleset_names.values() for name in group}
                 for engine in (one, two)]
        assert names[0].isdisjoint(names[1])
    assert threading.active_count() == before


def test_closed_engines_release_their_rulesets(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN an engine WHEN closed THEN its rulesets are deleted from durable_rules."""
    engine = DurableEngine(hanoi)
    handles = [ruleset._rules._handle for group in engine._rulesets.values()
               for ruleset in group]
    engine.close()
    for handle in handles:
        with pytest.raises(durable_rules_engine.error):
            durable_rules_engine.get_facts(handle, None)


# --- availability ------------------------------------------------------------------------------


def test_without_durable_rules_the_engine_says_how_to_get_it(
        monkeypatch: pytest.MonkeyPatch, hanoi: eligibility.CompiledRulebook,
        nominations: pl.DataFrame) -> None:
    """GIVEN durable_rules cannot be imported WHEN the durable engine is asked for
    THEN EngineUnavailableError (an ImportError) says how to install it, and the rest of
    the library still works."""
    assert durable_available()
    rulesets.durable_modules.cache_clear()
    monkeypatch.setitem(sys.modules, "durable", None)
    try:
        assert not durable_available()
        with pytest.raises(EngineUnavailableError, match=r"pip install 'durable-rules==2\.0\.28'"):
            evaluate_frame_durable(hanoi, nominations)
        with pytest.raises(ImportError, match="gcc"):
            DurableEngine(hanoi)
        assert evaluate_frame(hanoi, nominations).height == nominations.height
    finally:
        rulesets.durable_modules.cache_clear()


# --- helpers ------------------------------------------------------------------------------


def _threadless_host() -> Any:
    """durable_rules' Host without its dispatcher threads (they would outlive the test)."""

    class Threadless(durable_engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            pass

    return Threadless()


def _fire(condition: dict[str, Any], facts: list[dict[str, Any]], *, count: bool = False,
          dumps: Any = to_json) -> Any:
    """Keys of the facts a one-rule bare durable_rules ruleset fires for (or the count)."""
    fired = _fire_all({"r": condition["r"]}, facts, dumps=dumps, count=count)
    return fired if count else {key for key, names in fired.items() if names}


def _fire_all(conditions: dict[str, Any], facts: list[dict[str, Any]], *,
              dumps: Any = to_json, count: bool = False) -> Any:
    """Per fact key, the rules of a bare durable_rules ruleset that fired for it."""
    fired: list[tuple[Any, str]] = []
    name = f"bare-{len(facts)}-{id(fired)}"
    handle = durable_rules_engine.create_ruleset(name, to_json(
        {rule: {"all": [{"m": condition}]} for rule, condition in conditions.items()}))
    rules = durable_engine.Ruleset.__new__(durable_engine.Ruleset)
    rules._handle, rules._host, rules._name = handle, None, name
    rules._actions = {rule: durable_engine.Promise(_appender(fired, rule))
                      for rule in conditions}
    try:
        for fact in facts:
            result = durable_rules_engine.assert_fact(handle, dumps(fact))
            if result[0] == 0:
                rules.do_actions(result[1], lambda error, state: None)
    finally:
        durable_rules_engine.delete_ruleset(handle)
    if count:
        return len(fired)
    by_key: dict[Any, set[str]] = {fact.get("k"): set() for fact in facts}
    for key, rule in fired:
        by_key.setdefault(key, set()).add(rule)
    return by_key


def _appender(fired: list[tuple[Any, str]], rule: str) -> Any:
    def append(c: Any) -> None:  # one argument: durable calls two-argument actions async
        fired.append((c.m.k, rule))
    return append


_TYPES = {"int": pl.Int64, "number": pl.Float64, "date": pl.Date, "text": pl.String}


def _rulebook(folder: Path, fields: dict[str, str],
              conditions: list[str]) -> eligibility.CompiledRulebook:
    """A one-quota rulebook with ``fields`` and one criterion per condition."""
    import yaml

    document = {
        "id": "traps", "title": {"vi": "Bẫy", "en": "Traps"}, "version": "1",
        "effective": {"from": dt.date(2020, 1, 1)},
        "candidate": {"fields": {name: {"type": kind} for name, kind in fields.items()}},
        "quotas": [{"id": "q", "title": {"vi": "K", "en": "Q"}, "lead": "Sở Nội vụ",
                    "kind": "fostering", "seats": 2, "budget": 100,
                    "start": dt.date(2023, 9, 11), "end": dt.date(2023, 9, 29),
                    "positions": []}],
        "criteria": [{"id": f"c{index}", "title": {"vi": "Đ", "en": "C"},
                      "condition": condition,
                      "message": {"vi": "Không đạt", "en": f"Fails {condition[:20]}"}}
                     for index, condition in enumerate(conditions)],
        "priorities": [{"id": "p", "title": {"vi": "Ư", "en": "P"},
                        "points": f"3 if {conditions[0]} else 1"}],
        "ranking": [{"key": "id", "order": "ascending"}]}
    path = folder / f"traps-{len(conditions)}-{abs(hash(tuple(conditions)))}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return eligibility.load_rulebook(path)


def _frame(rulebook: eligibility.CompiledRulebook, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {"candidate_id": pl.String,
              **{name: _TYPES[spec.type.name] for name, spec in rulebook.fields.items()},
              "quota_id": pl.String, "row": pl.Int64, "preference": pl.Int64}
    full = [{"candidate_id": f"N-{index}", **row, "quota_id": "q", "row": index + 1,
             "preference": 1} for index, row in enumerate(rows)]
    return pl.DataFrame(full, schema=schema, orient="row")
