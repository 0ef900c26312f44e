"""Ready-made properties: they hold for sound rulebooks and catch unsound ones."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import settings

import eligibility
from eligibility.rulebook.models import Quota
from eligibility.strategies import InvalidArgument
from eligibility.testing.mutations import cap_seats
from eligibility.testing.properties import (
    PropertyFailure,
    blocking_pair,
    check_all,
    check_rating_monotone,
    check_rule_agrees,
    seats_problem,
    unmet_selection,
)

ROOT = Path(__file__).parent.parent
HANOI_PATH = ROOT / "rules" / "hanoi-2022-2025.yaml"
HANOI = eligibility.load_rulebook(HANOI_PATH)
SMALL = sorted((ROOT / "tests" / "data" / "rulebooks-ok").glob("*.yaml"))
# A frame property decides a whole nominee list per example (about 0.1 s): a few examples
# under the `ci` profile, ten times more under `thorough`.
FRAME_EXAMPLES = max(4, settings().max_examples // 8)
RECORD_EXAMPLES = max(60, settings().max_examples)


# --- sound rulebooks have every property ---------------------------------------------------


def test_hanoi_rulebook_has_every_property() -> None:
    """GIVEN the bundled Hanoi rulebook WHEN every ready-made property is checked THEN
    none fails."""
    check_all(HANOI, max_examples=FRAME_EXAMPLES)


@pytest.mark.parametrize("path", SMALL, ids=[path.stem for path in SMALL])
def test_small_rulebooks_have_every_property(path: Path) -> None:
    """GIVEN a small hand-written rulebook (custom columns, non-yearly ordered levels,
    yearly numbers, `not`/`or` around thresholds) WHEN every property is checked THEN none
    fails."""
    check_all(eligibility.load_rulebook(path), max_examples=FRAME_EXAMPLES)


# --- an author's statement of each Hanoi rule ------------------------------------------------


def age_on(born: dt.date, day: dt.date) -> int:
    """Completed years, the Civil Code way: born 29 February, a year older on 28 February."""
    month, dom = (2, 28) if (born.month, born.day) == (2, 29) and not calendar.isleap(
        day.year) else (born.month, born.day)
    return day.year - born.year - ((day.month, day.day) < (month, dom))


def last_year(quota: Quota) -> int:
    return quota.start.year - 1


def _rated_well(person: Mapping[str, Any], year: int) -> bool:
    return person["rating"].get(year) in ("good", "excellent")


# Decree 135/2020: retirement age in months by the year it is reached (then unchanged).
MEN = {2020: 720, 2021: 723, 2022: 726, 2023: 729, 2024: 732, 2025: 735, 2026: 738,
       2027: 741, 2028: 744}
WOMEN = {2020: 660, 2021: 664, 2022: 668, 2023: 672, 2024: 676, 2025: 680, 2026: 684,
         2027: 688, 2028: 692, 2029: 696, 2030: 700, 2031: 704, 2032: 708, 2033: 712,
         2034: 716, 2035: 720}


def add_months(day: dt.date, months: int) -> dt.date:
    """Civil Code art. 148: the same day n months later, or that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def retirement_date(born: dt.date, gender: str) -> dt.date:
    """The last day of the month in which the age set for that month's year is reached."""
    schedule = MEN if gender == "male" else WOMEN
    for year in range(born.year + 50, born.year + 70):
        age = schedule[max([first for first in schedule if first <= year] or [min(schedule)])]
        reached = add_months(born.replace(day=1), age)
        if reached.year <= year:
            return reached.replace(day=calendar.monthrange(reached.year, reached.month)[1])
    raise AssertionError("no retirement year found")


def working_time_left(person: Mapping[str, Any], quota: Quota) -> bool:
    long_course = quota.end >= add_months(quota.start, 1) - dt.timedelta(days=1)
    limit = add_months(quota.start, 24 if long_course else 18)
    return retirement_date(person["birth_date"], person["gender"]) >= limit


Oracle = Callable[[Mapping[str, Any], Quota], Any]
HANOI_ORACLES: list[tuple[str, Oracle]] = [
    ("position-match", lambda p, q: p["position"] in q.positions),
    ("working-time-left", working_time_left),
    ("rating-last-year", lambda p, q: _rated_well(p, last_year(q))),
    ("no-discipline", lambda p, q: not p["under_discipline"]),
    ("no-overlap", lambda p, q: all(e.end < q.start or e.start > q.end
                                    for e in p["enrollments"])),
    ("age-limit", lambda p, q: age_on(p["birth_date"], q.start) <= q.values["max_age"]),
    ("service-years", lambda p, q: p["service_start"] is not None
     and age_on(p["service_start"], q.start) >= 3),
    ("ratings-two-years", lambda p, q: _rated_well(p, last_year(q))
     and _rated_well(p, last_year(q) - 1)),
    ("young", lambda p, q: 10 if age_on(p["birth_date"], q.start) < 40 else 0),
    ("female", lambda p, q: 10 if p["gender"] == "female" else 0),
    ("excellent", lambda p, q: 5 * sum(p["rating"].get(year) == "excellent"
                                       for year in range(q.start.year - 3, q.start.year))),
    ("succession", lambda p, q: 5 if p["succession_plan"] else 0),
]


@pytest.mark.parametrize(("rule", "oracle"), HANOI_ORACLES, ids=[r for r, _ in HANOI_ORACLES])
def test_hanoi_rules_agree_with_the_regulation(rule: str, oracle: Oracle) -> None:
    """GIVEN a Hanoi rule stated in plain Python from the reference semantics WHEN checked
    on nominees at the rule's boundaries THEN the rulebook agrees."""
    check_rule_agrees(HANOI, rule, oracle, max_examples=RECORD_EXAMPLES)


def test_rule_agrees_rejects_unknown_rules_and_quotas() -> None:
    """GIVEN a rule or quota the rulebook does not have WHEN checked THEN InvalidArgument."""
    with pytest.raises(InvalidArgument, match="neither a criterion nor a priority"):
        check_rule_agrees(HANOI, "age-limt", lambda p, q: True)
    with pytest.raises(InvalidArgument, match="does not apply"):
        check_rule_agrees(HANOI, "age-limit", lambda p, q: True, quota="tai-chinh")
    with pytest.raises(InvalidArgument, match="max_examples"):
        check_rule_agrees(HANOI, "female", lambda p, q: 0, max_examples=0)


def test_checks_refuse_what_they_cannot_use() -> None:
    """GIVEN a path instead of a rulebook, or no seats WHEN a check is called THEN
    InvalidArgument says so before anything runs."""
    with pytest.raises(InvalidArgument, match="load_rulebook"):
        check_all("rules/hanoi-2022-2025.yaml")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="seats must be"):
        check_all(HANOI, seats=0)


def test_docs_example_runs_and_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the property test of docs/property-testing.md WHEN run as written THEN it
    passes on the bundled rulebook."""
    monkeypatch.chdir(ROOT)
    namespace = docs_example()
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()


def docs_example(rulebook: Path | None = None) -> dict[str, Any]:
    """Run the first Python block of the docs page (optionally on another rulebook)."""
    page = (ROOT / "docs" / "property-testing.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.DOTALL)
    assert code is not None
    source = code.group(1)
    assert len(source.strip().splitlines()) < 20
    if rulebook is not None:
        source = source.replace('"rules/hanoi-2022-2025.yaml"', repr(str(rulebook)))
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(source, "docs/property-testing.md", "exec"), namespace)
    return namespace


# --- unsound rulebooks are caught ----------------------------------------------------------


def test_rating_monotone_catches_points_for_a_worse_level(tmp_path: Path) -> None:
    """GIVEN a rulebook whose bonus goes to low levels WHEN a better level is tried THEN
    rating-monotone fails, naming the quota and showing the nominees."""
    source = (ROOT / "tests/data/rulebooks-ok/language-course.yaml").read_text("utf-8")
    perverse = source.replace("points: \"5 if level >= 'c1' else 0\"",
                              "points: \"5 if level <= 'b1' else 0\"")
    assert perverse != source
    (tmp_path / "perverse.yaml").write_text(perverse, encoding="utf-8")
    rulebook = eligibility.load_rulebook(tmp_path / "perverse.yaml")
    with pytest.raises(PropertyFailure) as failed:
        check_rating_monotone(rulebook, max_examples=40)
    message = str(failed.value)
    assert failed.value.property == "rating-monotone"
    assert "lowered their score" in message and "priority advanced" in message
    assert "minimal counterexample:\n  staff_code='N-001'" in message


def _decided(frame_rows: list[dict[str, str]]) -> eligibility.Decisions:
    frame = pl.DataFrame(frame_rows, schema=dict.fromkeys(frame_rows[0], pl.String),
                         orient="row")
    return eligibility.decide(CAPPED, frame)


CAPPED = cap_seats(HANOI, 1)
PERSON = {"full_name": "Nguyễn Văn An", "birth_date": "1990-05-17", "gender": "Nam",
          "category": "cong_chuc", "position": "public-finance", "service_start": "2010-01-01",
          "rating_2020": "good", "rating_2021": "good", "rating_2022": "good",
          "succession_plan": "", "under_discipline": "", "enrollments": "",
          "nominated_for": "tai-chinh"}


def _with_status(decisions: eligibility.Decisions,
                 statuses: dict[str, str]) -> eligibility.Decisions:
    status = pl.col("candidate_id").replace_strict(statuses, default=pl.col("status"))
    decisions.decided = decisions.decided.with_columns(status.alias("status"))
    return decisions


def test_stability_check_finds_a_person_passed_over() -> None:
    """GIVEN two eligible people for a one-seat quota WHEN the lower-ranked one is seated
    instead THEN blocking_pair names the quota and both people; the true allocation has
    no blocking pair."""
    decisions = _decided([{**PERSON, "id": "A", "succession_plan": "có"},
                          {**PERSON, "id": "B"}])
    assert blocking_pair(CAPPED, decisions) is None
    swapped = _with_status(decisions, {"A": "reserve", "B": "selected"})
    found = blocking_pair(CAPPED, swapped)
    assert found is not None
    assert found[0] == "tai-chinh"
    assert "A (rank 1) prefers quota 'tai-chinh', which seats B ranked 2" in found[1]


def test_seats_check_finds_an_overfilled_quota() -> None:
    """GIVEN a one-seat quota WHEN two people are marked selected THEN seats_problem names
    the quota."""
    decisions = _decided([{**PERSON, "id": "A"}, {**PERSON, "id": "B"}])
    assert seats_problem(CAPPED, decisions) is None
    found = seats_problem(CAPPED, _with_status(decisions, {"A": "selected", "B": "selected"}))
    assert found == ("tai-chinh", "quota 'tai-chinh' seats 2 people for 1 seats")


def test_selection_check_finds_a_selected_ineligible_person() -> None:
    """GIVEN an ineligible person WHEN marked selected THEN unmet_selection names the
    criterion failed, with its message."""
    decisions = _decided([{**PERSON, "id": "A", "rating_2022": ""}])
    assert unmet_selection(CAPPED, decisions) is None
    found = unmet_selection(CAPPED, _with_status(decisions, {"A": "selected"}))
    assert found is not None
    assert found[0] == "rating-last-year"
    assert "A was selected for quota 'tai-chinh' but fails criterion 'rating-last-year'" \
        in found[1]
