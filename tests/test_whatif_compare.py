"""What-if comparisons on the bundled example: the issue's must-show cases and the property
that a comparison is exactly the difference of two independent runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eligibility
from eligibility.api import Decisions
from eligibility.whatif import Comparison, compare, compare_decisions

ROOT = Path(__file__).parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"
ROUND_2025 = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"
QUOTAS = ("noi-vu-urban", "noi-vu-hr", "tai-chinh", "tt-tt", "kh-cn", "gd-dt", "y-te",
          "pg-abroad", "pg-domestic")
DECISION = ("status", "eligible", "score", "rank", "failed")
KEY = ["candidate_id", "quota_id"]


@pytest.fixture(scope="module")
def baseline() -> Decisions:
    """The bundled rulebook's run over the bundled nominees."""
    return eligibility.decide(eligibility.load_rulebook(HANOI), NOMINEES)


def _run(changes: dict[str, Any], nominees: Path = NOMINEES, path: Path = HANOI,
         **options: Any) -> Decisions:
    return eligibility.decide(eligibility.load_rulebook(path, changes=changes, **options),
                              nominees, languages=options.pop("languages", ("vi", "en")))


def _text(value: Any) -> str:
    """A decisions-table cell as diff.csv writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def difference_of_runs(before: Decisions, after: Decisions) -> dict[tuple[str, str], dict]:
    """Independently of the comparison: every (person, quota) whose decisions.csv row
    differs between two runs in status, eligibility, score, rank, failed criteria or
    points, or that only one run has — with both runs' values."""
    points = sorted({name for decisions in (before, after)
                     for name in decisions.table("en").columns if name.startswith("points.")})
    columns = [*DECISION, *points]

    def table(decisions: Decisions) -> dict[tuple[str, str], dict]:
        frame = decisions.table("en")
        frame = frame.with_columns(pl.lit(None).alias(name) for name in points
                                   if name not in frame.columns)
        return {(row["candidate_id"], row["quota_id"]): {name: _text(row[name])
                                                         for name in columns}
                for row in frame.iter_rows(named=True)}

    old, new = table(before), table(after)
    empty = dict.fromkeys(columns, "")
    return {key: {"before": old.get(key, empty), "after": new.get(key, empty)}
            for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def _rows(comparison: Comparison) -> dict[tuple[str, str], dict]:
    return {(row["candidate_id"], row["quota_id"]): row
            for row in comparison.table("en").iter_rows(named=True)}


def assert_comparison_is_the_difference(comparison: Comparison, before: Decisions,
                                        after: Decisions) -> None:
    expected = difference_of_runs(before, after)
    rows = _rows(comparison)
    assert rows.keys() == expected.keys(), (sorted(rows.keys() - expected.keys())[:5],
                                            sorted(expected.keys() - rows.keys())[:5])
    for key, values in expected.items():
        for name in DECISION:
            for when in ("before", "after"):
                assert (rows[key][f"{name}_{when}"] or "") == values[when][name], (key, name)


# must show ---------------------------------------------------------------------------------
def test_the_bundled_rulebook_compared_with_itself_changes_nothing(baseline: Decisions) -> None:
    """GIVEN the bundled rulebook loaded twice WHEN compared over the bundled nominees
    THEN no nomination changes, nobody enters or leaves a quota, and diff.csv has no row."""
    comparison = compare(eligibility.load_rulebook(HANOI), eligibility.load_rulebook(HANOI),
                         NOMINEES)
    assert comparison.empty and comparison.causes == {}
    assert comparison.quotas["entered"].sum() == 0 and comparison.quotas["left"].sum() == 0
    assert comparison.table("vi").is_empty()
    assert comparison.counts() == {"nominations_changed": 0, "people_changed": 0}


@pytest.mark.parametrize("seats", [5, 30])
def test_a_seats_change_shows_who_moves_in_or_out_and_whom_they_displace(
        baseline: Decisions, seats: int) -> None:
    """GIVEN the IT quota (tt-tt, 20 seats) given 5 or 30 seats
    WHEN compared with the bundled rulebook
    THEN the changed nominations are exactly those whose decision differs between the two
    runs; in tt-tt they are exactly the people who enter or leave it, each caused by the
    seats; and every other change is a consequence of those moves: its chain of causes
    ends on the seats of tt-tt through a person who entered or left it."""
    after = _run({"quota.tt-tt.seats": seats})
    comparison = compare_decisions(baseline, after)
    assert_comparison_is_the_difference(comparison, baseline, after)
    expected = difference_of_runs(baseline, after)
    movers = {key for key, values in expected.items() if key[1] == "tt-tt"
              and (values["before"]["status"] == "selected")
              != (values["after"]["status"] == "selected")}
    assert len(movers) == abs(seats - 20)
    assert {key for key in expected if key[1] == "tt-tt"} == movers
    for key in expected:
        steps = comparison.chain(*key)
        root_key, root = steps[-1]
        assert root.code == "capacity" and root.capacity == (20, seats), key
        assert root_key in movers
    elsewhere = [key for key in expected if key[1] != "tt-tt"]
    if seats == 5:
        assert any(comparison.causes[key].code == "displaced" for key in elsewhere)
        assert max(len(comparison.chain(*key)) for key in expected) >= 4


def test_an_age_cap_change_shows_every_flip_with_both_messages(baseline: Decisions) -> None:
    """GIVEN the age limit of postgraduate training abroad raised from 35 to 40
    WHEN compared THEN the nominations whose 'age-limit' criterion flips are exactly those
    that fail it in one run only; each shows the first run's message (as that run wrote it)
    and the second run's outcome, in both languages."""
    after = _run({"quota.pg-abroad.max_age": 40})
    comparison = compare_decisions(baseline, after)
    assert_comparison_is_the_difference(comparison, baseline, after)
    before_table = baseline.table("en").filter(pl.col("quota_id") == "pg-abroad")
    failing = {row["candidate_id"]: row["reasons"] for row in before_table.iter_rows(named=True)
               if "age-limit" in (row["failed"] or "").split(";")}
    after_table = after.table("en").filter(pl.col("quota_id") == "pg-abroad")
    still = {row["candidate_id"] for row in after_table.iter_rows(named=True)
             if "age-limit" in (row["failed"] or "").split(";")}
    flipped = set(failing) - still
    shown = {key[0] for key, cause in comparison.causes.items()
             if any(flip.id == "age-limit" for flip in cause.criteria)}
    assert shown == flipped and len(flipped) > 50
    rows = _rows(comparison)
    for person in flipped:
        cause = comparison.causes[(person, "pg-abroad")]
        flip = next(flip for flip in cause.criteria if flip.id == "age-limit")
        assert (flip.before, flip.after) == ("failed", "met")
        assert flip.message_before["en"] in failing[person]
        assert flip.message_before["en"].startswith("Aged ")
        assert flip.message_before["en"].endswith("over the limit of 35")
        assert flip.message_before["vi"].endswith("quá tuổi tối đa 35")
        explanation = rows[(person, "pg-abroad")]["explanation"]
        assert flip.message_before["en"] in explanation and "after: met" in explanation


def test_the_decree_171_change_shows_the_civil_servants_who_become_eligible() -> None:
    """GIVEN the 2025 round applied as of 30 June and as of 1 July 2025
    WHEN compared THEN exactly the nominations for postgraduate training whose national
    age cap flips are shown, each from 'over the national cap of 40' to met, all of civil
    servants aged 41 to 45 on the course start."""
    nominees = NOMINEES
    before = _run({}, nominees, ROUND_2025, as_of="2025-06-30")
    after = _run({}, nominees, ROUND_2025, as_of="2025-07-01")
    comparison = compare_decisions(before, after)
    assert_comparison_is_the_difference(comparison, before, after)
    flips = [(key, flip) for key, cause in comparison.causes.items() for flip in cause.criteria]
    assert flips and {flip.id for _, flip in flips} == {"national-age-cap"}
    categories = dict(zip(after.decided["candidate_id"], after.decided["category"],
                          strict=False))
    for key, flip in flips:
        assert (flip.before, flip.after) == ("failed", "met")
        assert "national cap of 40" in flip.message_before["en"]
        age = int(flip.message_before["en"].split("aged ")[1].split(" ")[0])
        assert 41 <= age <= 45 and categories[key[0]] == "cong_chuc"


# the property ----------------------------------------------------------------------------
SAMPLE_EVERY = 7  # one row in 7 of the bundled file: every agency, a few hundred people
BASE_SEATS = 6  # few seats, so that the sample's nominees compete for them


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = pl.read_csv(NOMINEES, infer_schema=False)
    path = tmp_path_factory.mktemp("sample") / "nominees.csv"
    rows.gather_every(SAMPLE_EVERY).write_csv(path)
    return path


BASE = {f"quota.{quota}.seats": BASE_SEATS for quota in QUOTAS}
EXCELLENT = ("{} * count(rating[y] == 'excellent' for y in "
             "range(quota.start.year - 3, quota.start.year))")
EDITS = st.one_of(
    st.tuples(st.sampled_from([f"quota.{quota}.seats" for quota in QUOTAS]),
              st.integers(1, 12)),
    st.tuples(st.sampled_from(["quota.pg-abroad.max_age", "quota.pg-domestic.max_age"]),
              st.integers(30, 45)),
    st.tuples(st.just("parameter.postgraduate_min_service_years"), st.integers(1, 6)),
    st.tuples(st.just("parameter.fostering_months_left_long_course"), st.integers(6, 60)),
    st.tuples(st.just("priority.female.points"),
              st.integers(0, 20).map("{} if gender == 'female' else 0".format)),
    st.tuples(st.just("priority.young.points"),
              st.integers(0, 20).map("{} if age_on(birth_date, quota.start) < 40 else 0"
                                     .format)),
    st.tuples(st.just("priority.excellent.points"), st.integers(0, 10).map(EXCELLENT.format)),
    st.tuples(st.just("priority.succession.points"),
              st.integers(0, 10).map("{} if succession_plan else 0".format)),
)


@pytest.fixture(scope="module")
def sample_baseline(sample: Path) -> Decisions:
    return eligibility.decide(eligibility.load_rulebook(HANOI, changes=BASE), sample,
                              languages=("en",))


@settings(max_examples=20)
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_a_comparison_is_exactly_the_difference_of_two_independent_runs(
        sample: Path, sample_baseline: Decisions, edits: list[tuple[str, Any]]) -> None:
    """GIVEN random small edits of the bundled rulebook (seats, age limits, parameters,
    priority points) over a sample of the bundled nominees
    WHEN the edited rulebook's run is compared with the original's
    THEN the changed nominations are exactly the rows whose decision differs between the two
    runs' decisions tables, with the same values on both sides — nothing missing, nothing
    extra — and every change has a cause whose chain ends on a change of its own."""
    after = eligibility.decide(eligibility.load_rulebook(HANOI, changes={**BASE, **dict(edits)}),
                               sample, languages=("en",))
    comparison = compare_decisions(sample_baseline, after)
    assert_comparison_is_the_difference(comparison, sample_baseline, after)
    assert comparison.causes.keys() == set(_rows(comparison))
    for key in comparison.causes:
        root = comparison.chain(*key)[-1][1]
        assert root.link is None
