"""Earlier rounds of a plan: seats no longer free, courses that become enrolments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import eligibility
from eligibility.cli import app
from eligibility.errors import InputError
from eligibility.rounds import (
    carry_over,
    enrolment_field,
    read_earlier_round,
    read_earlier_rounds,
)
from eligibility.whatif import decide_round

ROOT = Path(__file__).parent.parent
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"
FIRST = ROOT / "rules" / "hanoi-2022-2025.yaml"
SECOND = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"


def _rank(*args: str) -> None:
    result = CliRunner().invoke(app, ["rank", str(NOMINEES), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 2023 round, then the 2025 round given it with --previous."""
    folder = tmp_path_factory.mktemp("rounds")
    first, second = folder / "round-2023", folder / "round-2025"
    _rank("--rules", str(FIRST), "--out", str(first))
    _rank("--rules", str(SECOND), "--out", str(second), "--previous", str(first))
    return first, second


def _decisions(folder: Path) -> pl.DataFrame:
    return pl.read_csv(folder / "decisions.csv", infer_schema=False)


def test_seats_filled_in_an_earlier_round_are_no_longer_free(rounds: tuple[Path, Path]) -> None:
    """GIVEN the 2023 round's folder given to the 2025 round
    WHEN the 2025 round is ranked THEN each quota fills at most the plan's seats minus those
    the 2023 round filled (counted from its decisions.csv), and its manifest names that run."""
    first, second = rounds
    used = dict(_decisions(first).filter(pl.col("status") == "selected")["quota_id"]
                .value_counts().iter_rows())
    manifest = json.loads((second / "manifest.json").read_text())
    plan = eligibility.load_rulebook(SECOND)
    for quota in manifest["quotas"]:
        left = plan.quota(quota["quota_id"]).quota.seats - used.get(quota["quota_id"], 0)
        assert quota["capacity"] == left
        assert quota["selected"] <= left
    assert sum(quota["selected"] for quota in manifest["quotas"]) > 0
    earlier = manifest["earlier_rounds"]
    assert [item["rulebook"] for item in earlier] == ["hanoi-2022-2025"]
    assert earlier[0]["manifest_sha256"] == read_earlier_round(first).manifest_sha256


def test_an_earlier_course_becomes_an_enrolment(rounds: tuple[Path, Path]) -> None:
    """GIVEN people selected in 2023 for postgraduate training abroad (01/09/2023 to
    31/08/2025) WHEN the 2025 round decides them with and without the earlier round
    THEN with it, exactly their 2025 nominations whose course starts by 31/08/2025 fail
    'no-overlap' besides those that failed it anyway; nobody else is affected."""
    first, _ = rounds
    selected = _decisions(first).filter((pl.col("status") == "selected")
                                        & (pl.col("quota_id") == "pg-abroad"))
    people = list(selected["candidate_id"])
    rulebook = eligibility.load_rulebook(SECOND)
    with_earlier = decide_round(rulebook, NOMINEES, earlier=read_earlier_rounds([first]),
                                languages=("en",)).decided.sort("candidate_id", "quota_id")
    alone = eligibility.decide(rulebook, NOMINEES, languages=("en",)).decided.sort(
        "candidate_id", "quota_id")
    starts = {quota: rules.quota.start for quota, rules in rulebook.quotas.items()}
    during = pl.col("quota_id").replace_strict(starts, return_dtype=pl.Date) \
        <= pl.date(2025, 8, 31)
    theirs = pl.col("candidate_id").is_in(people)
    expected = alone.select(pl.col("criterion.no-overlap") & ~(theirs & during)).to_series()
    assert with_earlier["criterion.no-overlap"].to_list() == expected.to_list()
    assert alone.filter(theirs & during)["criterion.no-overlap"].sum() > 0


def test_a_changed_decisions_file_is_refused(rounds: tuple[Path, Path], tmp_path: Path) -> None:
    """GIVEN a copy of the 2023 folder whose decisions.csv was edited afterwards
    WHEN given as an earlier round THEN it is refused, naming the folder and the file."""
    copy = tmp_path / "edited"
    shutil.copytree(rounds[0], copy)
    with (copy / "decisions.csv").open("a", encoding="utf-8") as handle:
        handle.write("HN-999999,X,,tt-tt,1,selected,true,1,1,,,0,0,0,0,1,,\r\n")
    with pytest.raises(InputError, match=r"edited.*decisions\.csv is not the file"):
        read_earlier_rounds([copy])


def test_a_run_based_on_earlier_rounds_needs_them_and_no_run_twice(
        rounds: tuple[Path, Path]) -> None:
    """GIVEN the 2025 round's folder (itself based on 2023)
    WHEN given alone, or with the 2023 folder twice THEN both are refused."""
    first, second = rounds
    with pytest.raises(InputError, match="not given"):
        read_earlier_rounds([second])
    with pytest.raises(InputError, match="given twice"):
        read_earlier_rounds([first, first])
    assert len(read_earlier_rounds([first, second]).rounds) == 2


def test_a_run_of_another_plan_cannot_use_up_seats(rounds: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    """GIVEN a run folder whose manifest names a rulebook unrelated to this one
    WHEN its seats are carried over THEN it is refused, naming both rulebooks."""
    copy = tmp_path / "other-plan"
    shutil.copytree(rounds[0], copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["rulebook"]["id"] = "another-plan"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    earlier = read_earlier_rounds([copy])
    with pytest.raises(InputError, match=r"'another-plan'.*'hanoi-2022-2025-round-2025'"):
        carry_over(eligibility.load_rulebook(SECOND), earlier)


def test_a_folder_without_a_run_is_refused(tmp_path: Path) -> None:
    """GIVEN an empty folder WHEN read as an earlier round THEN the error says a rank
    folder is needed."""
    with pytest.raises(InputError, match=r"manifest\.json"):
        read_earlier_round(tmp_path)


def test_courses_are_added_to_the_one_interval_list_field() -> None:
    """GIVEN the Hanoi rulebook (one list[interval] field) and a copy with none
    WHEN the enrolment field is looked for THEN it is 'enrollments', and the copy is
    refused naming what it has."""
    rulebook = eligibility.load_rulebook(FIRST)
    assert enrolment_field(rulebook) == "enrollments"
    without = replace(rulebook, fields={name: spec for name, spec in rulebook.fields.items()
                                        if name != "enrollments"})
    with pytest.raises(InputError, match="has none"):
        enrolment_field(without)


def test_budget_used_earlier_limits_seats_with_a_cost_per_seat() -> None:
    """GIVEN a quota of 20 seats costing 180,000,000 each within 3,600,000,000, of which an
    earlier round used 10 seats and 2,000,000,000 WHEN its capacity is computed THEN it is
    8 (the budget left pays 8 seats), never negative."""
    rulebook = eligibility.load_rulebook(FIRST, changes={"quota.tt-tt.cost_per_seat": 180_000_000})
    rules = rulebook.quota("tt-tt")
    assert rules.capacity == 20
    assert replace(rules, earlier_seats=10, earlier_budget=2_000_000_000).capacity == 8
    assert replace(rules, earlier_seats=25).capacity == 0


def test_a_hostile_manifest_is_refused_clearly(tmp_path: Path) -> None:
    """GIVEN earlier-round folders whose manifest is nested 100,000 deep, or not JSON
    WHEN read THEN each is refused with an input error naming the folder, not a crash."""
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "manifest.json").write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="nested too deeply"):
        read_earlier_round(deep)
    (deep / "manifest.json").write_bytes(b"\xff\xfe not json")
    with pytest.raises(InputError, match="cannot be read"):
        read_earlier_round(deep)


def test_a_later_round_prints_the_seats_it_can_still_fill(rounds: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    """GIVEN the 2023 round WHEN the 2025 round is ranked THEN its summary shows, beside each
    quota's plan seats, the seats left to fill; a first round (nothing taken) does not."""
    first, _ = rounds
    # In a process of its own, 200 columns wide, as a person would run it.
    later = _rank_printed("--rules", str(SECOND), "--out", str(tmp_path / "later"),
                          "--previous", str(first))
    assert later.returncode == 0, later.stderr
    assert "Seats to fill" in later.stdout
    alone = _rank_printed("--rules", str(FIRST), "--out", str(tmp_path / "alone"))
    assert alone.returncode == 0, alone.stderr
    assert "Seats to fill" not in alone.stdout


def _rank_printed(*args: str) -> subprocess.CompletedProcess[str]:
    """``eligibility rank`` of the example nominees in English, 200 columns wide."""
    return subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(NOMINEES), *args, "--lang", "en"],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"})
