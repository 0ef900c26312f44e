"""Hypothesis strategies for rulebooks: valid, (in)eligible, at the boundaries, read back."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
import unicodedata
from pathlib import Path
from typing import Any

import hypothesis.errors
import polars as pl
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import eligibility
from eligibility.evaluation import evaluate_candidate
from eligibility.frames import records_of
from eligibility.intake.nominees import intake_cells
from eligibility.intake.readers import normalized_cells
from eligibility.language.values import Interval
from eligibility.strategies import InvalidArgument, from_rulebook, nominee_frames, text_cells

ROOT = Path(__file__).parent.parent
HANOI = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
SMALL = [eligibility.load_rulebook(path)
         for path in sorted((ROOT / "tests" / "data" / "rulebooks-ok").glob("*.yaml"))]
RULEBOOKS = [HANOI, *SMALL]
CHEAP = settings(max_examples=max(settings().max_examples, 60))


def _candidate(rulebook: eligibility.CompiledRulebook, record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "id": record[rulebook.id_columns[0]]}


def _quotas(rulebook: eligibility.CompiledRulebook) -> st.SearchStrategy[str]:
    return st.sampled_from(list(rulebook.quotas))


class _Found(Exception):
    """Raised to stop a search as soon as a value satisfies its condition."""


def occurs(strategy: st.SearchStrategy[Any], condition: Any, *, within: int) -> bool:
    """Whether ``strategy`` draws a value satisfying ``condition`` within ``within`` examples.

    Generation only, derandomized: no shrinking, the same answer every run.
    """
    @settings(max_examples=within, database=None, derandomize=True, phases=[Phase.generate])
    @given(strategy)
    def search(value: Any) -> None:
        if condition(value):
            raise _Found

    try:
        search()
    except _Found:
        return True
    return False


class _Minimal(Exception):
    """Carries the value of the (final, minimal) example out of a test that always fails."""


def minimal(strategy: st.SearchStrategy[Any]) -> Any:
    """The value ``strategy`` shrinks to when every value is a counterexample.

    Without Hypothesis' explain phase, which runs variations after shrinking.
    """
    @settings(database=None, derandomize=True, phases=[Phase.generate, Phase.shrink])
    @given(strategy)
    def always_fails(value: Any) -> None:
        raise _Minimal(value)

    with pytest.raises(_Minimal) as raised:
        always_fails()
    return raised.value.args[0]


# --- bad arguments -------------------------------------------------------------------------


def wrong(value: object) -> Any:
    """A value of the wrong type, passed on purpose."""
    return value


BAD_CALLS = [
    (lambda: from_rulebook(wrong("rules/hanoi-2022-2025.yaml")), "needs a rulebook loaded"),
    (lambda: from_rulebook(HANOI, quota="pg-abroda"), "did you mean 'pg-abroad'"),
    (lambda: from_rulebook(HANOI, quota=wrong(3)), "must be a quota id"),
    (lambda: from_rulebook(HANOI, quota="tai-chinh", eligible=wrong(1)), "True, False or None"),
    (lambda: from_rulebook(HANOI, raw=wrong("yes")), "raw must be True or False"),
    (lambda: from_rulebook(HANOI, eligible=True), "needs quota="),
    (lambda: nominee_frames(HANOI, min_size=5, max_size=2), "larger than max_size"),
    (lambda: nominee_frames(HANOI, max_size=-1), "outside 0..1000"),
    (lambda: nominee_frames(HANOI, max_size=wrong(2.5)), "whole number"),
    (lambda: nominee_frames(HANOI, quotas="tai-chinh"), "list of quota ids"),
    (lambda: nominee_frames(HANOI, quotas=[]), "at least one"),
    (lambda: nominee_frames(HANOI, quotas=["tai-chinh", "tai-chinh"]), "more than once"),
    (lambda: nominee_frames(HANOI, quotas=["taichinh"]), "did you mean 'tai-chinh'"),
    (lambda: text_cells(HANOI, record={"id": "x"}), "record lacks full_name"),
]


@pytest.mark.parametrize(("call", "words"), BAD_CALLS)
def test_bad_arguments_raise_invalid_argument(call: Any, words: str) -> None:
    """GIVEN a strategy called with an argument it cannot use WHEN called THEN it raises
    InvalidArgument — a TypeError, a Hypothesis InvalidArgument and an EligibilityError —
    saying what is wrong."""
    with pytest.raises(InvalidArgument, match=re.escape(words)) as raised:
        call()
    assert isinstance(raised.value, TypeError)
    assert isinstance(raised.value, hypothesis.errors.InvalidArgument)
    assert isinstance(raised.value, eligibility.EligibilityError)


def test_impossible_eligibility_is_refused(tmp_path: Path) -> None:
    """GIVEN a quota whose criterion no one can meet WHEN eligible records are asked for
    THEN InvalidArgument names the criterion."""
    source = (ROOT / "tests/data/rulebooks-ok/yearly-scores.yaml").read_text(encoding="utf-8")
    never = source.replace("age_on(birth_date, quota.start) >= 18",
                           "age_on(birth_date, quota.start) >= 18 and 1 > 2")
    (tmp_path / "never.yaml").write_text(never, encoding="utf-8")
    rulebook = eligibility.load_rulebook(tmp_path / "never.yaml")
    with pytest.raises(InvalidArgument, match="adult"):
        from_rulebook(rulebook, quota="leadership", eligible=True)


# --- eligible and ineligible by construction -----------------------------------------------


@CHEAP
@given(data=st.data())
def test_eligible_records_meet_every_criterion(data: st.DataObject) -> None:
    """GIVEN any rulebook and quota WHEN eligible records are drawn THEN the reference
    evaluation finds every criterion met."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    quota = data.draw(_quotas(rulebook), label="quota")
    record = data.draw(from_rulebook(rulebook, quota=quota, eligible=True), label="record")
    evaluation = evaluate_candidate(rulebook, _candidate(rulebook, record), quota)
    assert evaluation.eligible, evaluation.failed
    assert record[rulebook.nominations_columns[0]] == [quota]


@CHEAP
@given(data=st.data())
def test_ineligible_records_fail_a_criterion(data: st.DataObject) -> None:
    """GIVEN any rulebook and quota WHEN ineligible records are drawn THEN the reference
    evaluation finds a criterion not met."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    quota = data.draw(_quotas(rulebook), label="quota")
    record = data.draw(from_rulebook(rulebook, quota=quota, eligible=False), label="record")
    assert not evaluate_candidate(rulebook, _candidate(rulebook, record), quota).eligible


def test_every_failable_criterion_is_generated_failing() -> None:
    """GIVEN the Hanoi fostering quota tai-chinh WHEN ineligible records are drawn THEN
    each of its criteria is the failing one in some record."""
    for criterion in ("position-match", "working-time-left", "rating-last-year",
                      "no-discipline", "no-overlap"):
        assert occurs(from_rulebook(HANOI, quota="tai-chinh", eligible=False),
                      lambda record, rule=criterion: rule in evaluate_candidate(
                          HANOI, _candidate(HANOI, record), "tai-chinh").failed,
                      within=200), criterion


# --- boundaries ----------------------------------------------------------------------------

BOUNDARIES = [
    ("pg-abroad", "36 on the course start", lambda r: r["birth_date"] == dt.date(1987, 9, 1)),
    ("pg-abroad", "35, the day before turning 36",
     lambda r: r["birth_date"] == dt.date(1987, 9, 2)),
    ("pg-domestic", "40 on the course start", lambda r: r["birth_date"] == dt.date(1983, 2, 28)),
    ("pg-domestic", "born 29 February", lambda r: (r["birth_date"].month,
                                                   r["birth_date"].day) == (2, 29)),
    ("pg-domestic", "service one day short of 3 years",
     lambda r: r["service_start"] == dt.date(2020, 3, 1)),
    ("pg-domestic", "service from 29 February 2020",
     lambda r: r["service_start"] == dt.date(2020, 2, 29)),
    ("tai-chinh", "a man retiring just before the limit",
     lambda r: r["gender"] == "male" and r["birth_date"] == dt.date(1964, 6, 30)),
    ("tai-chinh", "a woman retiring just after the limit",
     lambda r: r["gender"] == "female" and r["birth_date"] == dt.date(1969, 2, 1)),
    ("tai-chinh", "an enrolment touching the course start",
     lambda r: any(item.end == dt.date(2023, 10, 9) for item in r["enrollments"])),
    ("tai-chinh", "an enrolment touching the course end",
     lambda r: any(item.start == dt.date(2023, 11, 17) for item in r["enrollments"])),
    ("tai-chinh", "not rated in 2022", lambda r: 2022 not in r["rating"]),
    ("tai-chinh", "rated completed in 2022", lambda r: r["rating"].get(2022) == "completed"),
]


@pytest.mark.parametrize(("quota", "what", "condition"), BOUNDARIES,
                         ids=[what for _, what, _ in BOUNDARIES])
def test_boundary_values_are_generated(quota: str, what: str, condition: Any) -> None:
    """GIVEN a Hanoi quota WHEN records are drawn for it THEN the value at a boundary of
    its rules turns up (found within a few hundred examples, not by luck)."""
    assert occurs(from_rulebook(HANOI, quota=quota), condition, within=1000)


def test_records_shrink_toward_the_simplest_candidate() -> None:
    """GIVEN any record WHEN Hypothesis shrinks THEN it reaches the first quota, empty
    optional cells, the first boundary value of each other field and, for text cells, the
    canonical spelling of it."""
    assert minimal(from_rulebook(HANOI))["nominated_for"] == ["noi-vu-urban"]
    typed = minimal(from_rulebook(HANOI, quota="tai-chinh"))
    assert (typed["id"], typed["birth_date"], typed["gender"]) == \
        ("N-0001", dt.date(1969, 2, 1), "female")  # the first retirement boundary
    raw = minimal(from_rulebook(HANOI, quota="tai-chinh", raw=True))
    assert raw == {"id": "N-0001", "full_name": typed["full_name"],
                   "birth_date": "1969-02-01", "gender": "female",
                   "agency": "", "category": typed["category"],
                   "position": typed["position"], "service_start": "",
                   "rating_2020": "", "rating_2021": "", "rating_2022": "",
                   "succession_plan": "false", "under_discipline": "false",
                   "enrollments": "", "nominated_for": "tai-chinh"}


# --- text cells -----------------------------------------------------------------------------


@settings(max_examples=max(settings().max_examples // 2, 20))
@given(data=st.data())
def test_text_cells_read_back_as_the_typed_record(data: st.DataObject) -> None:
    """GIVEN typed records and any spelling of their cells WHEN the cells are read as a
    nominee file THEN every row is accepted and gives back the typed values."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    records = data.draw(st.lists(from_rulebook(rulebook), min_size=1, max_size=6),
                        label="records")
    id_column = rulebook.id_columns[0]
    rows = []
    for index, record in enumerate(records):
        record[id_column] = f"P{index}"
        rows.append(data.draw(text_cells(rulebook, record=record)))
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String), orient="row")
    intake = intake_cells(normalized_cells(frame), rulebook)
    assert intake.rejected.is_empty(), intake.rejected.to_dicts()
    for record, read in zip(records, records_of(intake.candidates, rulebook),
                            strict=True):
        for name in rulebook.fields:
            assert read[name] == record[name], name
        assert read["nominated_for"] == record[rulebook.nominations_columns[0]]


SPELLINGS = [
    ("a vocabulary word in NFD", lambda r: any(
        unicodedata.normalize("NFC", value) != value for value in r.values())),
    ("an upper-case code", lambda r: r["gender"].strip() in ("FEMALE", "MALE", "NỮ", "NAM")),
    ("a rating written without diacritics",
     lambda r: r["rating_2022"].strip().lower().startswith("hoan thanh")),
    ("a day-first date", lambda r: re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", r["birth_date"])),
    ("an Excel date serial", lambda r: re.fullmatch(r"\d{5}(\.0)?", r["birth_date"])),
    ("a Vietnamese yes or no", lambda r: r["under_discipline"].strip().lower() in
     ("có", "không", "co", "khong")),
    ("an empty optional cell", lambda r: r["service_start"] == ""),
]


@pytest.mark.parametrize(("what", "condition"), SPELLINGS, ids=[what for what, _ in SPELLINGS])
def test_raw_records_use_every_spelling(what: str, condition: Any) -> None:
    """GIVEN raw records WHEN drawn THEN each way an office file spells a value turns up."""
    assert occurs(from_rulebook(HANOI, raw=True), condition, within=500)


# --- frames -------------------------------------------------------------------------------


@settings(max_examples=max(settings().max_examples // 3, 10))
@given(data=st.data())
def test_frames_are_readable_nominee_files(data: st.DataObject) -> None:
    """GIVEN a nominee frame for any rulebook WHEN decided THEN every cell is text, ids are
    unique, no row is rejected and every nomination is decided."""
    rulebook = data.draw(st.sampled_from(RULEBOOKS), label="rulebook")
    frame = data.draw(nominee_frames(rulebook, min_size=1, max_size=6), label="frame")
    assert set(frame.schema.values()) == {pl.String}
    ids = frame[rulebook.id_columns[0]]
    assert ids.n_unique() == frame.height
    decisions = eligibility.decide(rulebook, frame)
    assert decisions.rejected.is_empty(), decisions.rejected.to_dicts()
    assert decisions.people == frame.height


def test_frames_nominate_only_the_quotas_given() -> None:
    """GIVEN quotas=[...] WHEN frames are drawn THEN every nomination names one of them."""
    quotas = ["pg-abroad", "tai-chinh"]

    @settings(max_examples=20, database=None)
    @given(nominee_frames(HANOI, max_size=4, quotas=quotas))
    def nominations_within(frame: pl.DataFrame) -> None:
        for cell in frame["nominated_for"]:
            assert {item.strip().lower() for item in cell.split(";")} <= set(quotas)

    nominations_within()


def test_frames_contain_eligible_and_ineligible_rows() -> None:
    """GIVEN Hanoi frames WHEN drawn THEN both eligible and ineligible nominations occur."""
    def statuses(frame: pl.DataFrame) -> set[bool]:
        return set(eligibility.decide(HANOI, frame).decided["eligible"])

    assert occurs(nominee_frames(HANOI, min_size=4, max_size=4),
                  lambda frame: statuses(frame) == {True, False}, within=20)


# --- the Hypothesis entry point -------------------------------------------------------------


def test_setup_hook_is_registered_and_gives_valid_intervals() -> None:
    """GIVEN the installed package WHEN Hypothesis' entry points are listed THEN ours is
    there, and st.from_type(Interval) gives intervals that never end before they start."""
    hooks = [entry.value for entry in importlib.metadata.entry_points(group="hypothesis")]
    assert "eligibility.testing.hypothesis_hook:_hypothesis_setup_hook" in hooks

    @settings(max_examples=50, database=None)
    @given(st.from_type(Interval))
    def valid(interval: Interval) -> None:
        assert interval.start <= interval.end
        assert dt.date(1900, 1, 1) <= interval.start <= interval.end <= dt.date(2200, 12, 31)

    valid()
