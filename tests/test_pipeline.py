"""The whole run: decisions, determinism, engines in agreement, output files, explanations."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import eligibility
from eligibility.engines import scalar, vectorized

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


@pytest.fixture(scope="module")
def intake(rulebook: eligibility.CompiledRulebook) -> eligibility.Intake:
    return eligibility.read_nominees(EXAMPLE, rulebook)


def _rank(nominees: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "rank", str(nominees),
                           "--rules", str(RULES), "--out", str(out), *extra],
                          capture_output=True, text=True, check=False)


def test_vectorized_and_scalar_engines_agree_on_every_example_nomination(
        rulebook: eligibility.CompiledRulebook, intake: eligibility.Intake) -> None:
    """GIVEN the bundled example's 3,951 nominations
    WHEN evaluated by the vectorized and the scalar engine
    THEN every outcome record — criterion outcomes, message values, points, score — is
    identical."""
    by_polars = vectorized.evaluate_frame(rulebook, intake.nominations)
    by_python = scalar.evaluate_frame(rulebook, intake.nominations)
    assert_frame_equal(by_polars, by_python)
    assert by_polars.height == 3951


def test_two_runs_write_byte_identical_decisions_and_manifest(tmp_path: Path) -> None:
    """GIVEN the bundled example WHEN ranked twice THEN decisions.csv, rejected.csv and
    manifest.json are byte-identical and the command exits 0."""
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = _rank(EXAMPLE, out)
        assert result.returncode == 0, result.stderr
    for name in ("decisions.csv", "rejected.csv", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_shuffled_rows_give_identical_decisions(tmp_path: Path) -> None:
    """GIVEN the example with its rows shuffled WHEN ranked THEN decisions.csv is identical
    except for the input row numbers, and the rejected rows are the same records."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=7)
    path = tmp_path / "shuffled.csv"
    shuffled.write_csv(path)
    assert _rank(EXAMPLE, tmp_path / "a").returncode == 0
    assert _rank(path, tmp_path / "b").returncode == 0
    original = pl.read_csv(tmp_path / "a" / "decisions.csv", infer_schema=False).drop("row")
    again = pl.read_csv(tmp_path / "b" / "decisions.csv", infer_schema=False).drop("row")
    assert_frame_equal(original, again)
    # Row numbers (also quoted in duplicate-id messages) follow the file; the records do not.
    rejected = [pl.read_csv(tmp_path / name / "rejected.csv", infer_schema=False)
                .select("column", "value").sort("column", "value") for name in ("a", "b")]
    assert_frame_equal(*rejected)


def test_every_row_is_accounted_for(rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the example WHEN decided THEN rows in = people decided + rows rejected, and every
    nomination of every person has a status."""
    decisions = eligibility.decide(rulebook, EXAMPLE)
    assert decisions.rows_in == decisions.people + decisions.rejected.height
    assert set(decisions.decided["status"].unique()) <= {
        "selected", "reserve", "placed_elsewhere", "ineligible"}
    assert decisions.decided["status"].null_count() == 0


def test_seats_budget_and_one_seat_per_person(rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the example WHEN decided THEN no quota seats more than its seats or budget allows
    and no person holds two seats; selected nominations are all eligible."""
    decided = eligibility.decide(rulebook, EXAMPLE).decided
    selected = decided.filter(pl.col("status") == "selected")
    assert selected["candidate_id"].is_unique().all()
    assert selected["eligible"].all()
    for quota_id, rules in rulebook.quotas.items():
        count = selected.filter(pl.col("quota_id") == quota_id).height
        assert count <= rules.quota.seats
        assert count * rules.quota.budget / rules.quota.seats <= rules.quota.budget
    summary = eligibility.decide(rulebook, EXAMPLE).summary()
    oversubscribed = summary.filter(pl.col("eligible") > pl.col("seats"))
    assert oversubscribed.height >= 3


def test_decisions_csv_has_the_spec_columns_and_is_excel_safe(tmp_path: Path) -> None:
    """GIVEN a nominee whose name starts with '=' WHEN ranked THEN decisions.csv starts with a
    UTF-8 BOM, has the spec's columns in order, and the name is written as text."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False).head(20)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("=HYPERLINK(\"x\")"))
        .otherwise(pl.col("full_name")).alias("full_name"))
    path = tmp_path / "in.csv"
    frame.write_csv(path)
    assert _rank(path, tmp_path / "out", "--lang", "en", "--xlsx").returncode == 0
    raw = (tmp_path / "out" / "decisions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:11] == ["candidate_id", "full_name", "agency", "quota_id", "preference",
                            "status", "eligible", "score", "rank", "failed", "reasons"]
    assert rows[0][11:15] == ["points.young", "points.female", "points.excellent",
                              "points.succession"]
    names = [row[1] for row in rows[1:]]
    assert "'=HYPERLINK(\"x\")" in names
    assert not any(name.startswith("=") for name in names)
    assert (tmp_path / "out" / "decisions.xlsx").stat().st_size > 0


def test_manifest_records_checksums_counts_and_engine(tmp_path: Path) -> None:
    """GIVEN a run WHEN it completes THEN manifest.json holds the rulebook's and input's
    SHA-256, the engine and counts that add up."""
    assert _rank(EXAMPLE, tmp_path).returncode == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["engine"] == "vectorized"
    assert set(manifest["rulebook"]["files"]) == {"hanoi-2022-2025.yaml", "vn-regulations.yaml"}
    assert len(manifest["input"]["sha256"]) == 64
    counts = manifest["counts"]
    assert counts["rows_in"] == counts["people_decided"] + counts["rows_rejected"] == 3000
    assert counts["nominations"] == sum(counts[status] for status in (
        "selected", "reserve", "placed_elsewhere", "ineligible"))


def test_statuses_follow_preferences(rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN three people nominated for a one-seat-short quota with second choices
    WHEN decided THEN the best-ranked gets the seat, the others go to their second choice,
    and each nomination has the status the spec defines."""
    base = {"full_name": "Test", "gender": "Nam", "category": "cong_chuc",
            "position": "public-finance", "service_start": "2010-01-01",
            "rating_2020": "good", "rating_2021": "good", "rating_2022": "good"}
    records = [
        {**base, "id": "P1", "birth_date": "1990-01-01", "gender": "Nữ",
         "nominated_for": "tai-chinh;pg-domestic"},
        {**base, "id": "P2", "birth_date": "1991-01-01", "nominated_for": "pg-domestic"},
        {**base, "id": "P3", "birth_date": "1950-01-01", "nominated_for": "tai-chinh"},
    ]
    decided = eligibility.decide(rulebook, records).decided
    status = {(row["candidate_id"], row["quota_id"]): row["status"]
              for row in decided.to_dicts()}
    assert status == {("P1", "tai-chinh"): "selected", ("P1", "pg-domestic"): "placed_elsewhere",
                      ("P2", "pg-domestic"): "selected", ("P3", "tai-chinh"): "ineligible"}


def test_explain_names_criteria_basis_points_and_cutoff() -> None:
    """GIVEN an eligible person of the example WHEN explained THEN the output names every
    criterion, its legal basis, the points and the quota's cut-off."""
    decisions = pl.read_csv(EXAMPLE, infer_schema=False)
    person = decisions["id"][0]
    result = subprocess.run([sys.executable, "-m", "eligibility", "explain", str(EXAMPLE),
                             "--rules", str(RULES), "--id", person, "--lang", "en", "--json"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)
    nomination = explanation["nominations"][0]
    assert {item["id"] for item in nomination["criteria"]} >= {"position-match", "no-overlap"}
    assert all(item["basis"] for item in nomination["criteria"])
    assert {item["id"] for item in nomination["points"]} == {
        "young", "female", "excellent", "succession"}
    assert "cutoff_score" in nomination["quota"]


def test_explain_unknown_id_exits_2() -> None:
    """GIVEN an id nobody has WHEN explained THEN the command exits 2 saying so."""
    result = subprocess.run([sys.executable, "-m", "eligibility", "explain", str(EXAMPLE),
                             "--rules", str(RULES), "--id", "NOBODY"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "NOBODY" in result.stderr


def test_explain_a_rejected_person_says_which_row_and_why() -> None:
    """GIVEN a person whose row was rejected (an enrolment ending before it starts)
    WHEN explained THEN the row number, the column and the reason are printed."""
    rejected = eligibility.read_nominees(
        EXAMPLE, eligibility.load_rulebook(RULES)).rejected.filter(
        pl.col("column") == "enrollments").row(0, named=True)
    result = subprocess.run([sys.executable, "-m", "eligibility", "explain", str(EXAMPLE),
                             "--rules", str(RULES), "--id", rejected["candidate_id"],
                             "--lang", "en"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert f"row {rejected['row']} was rejected" in result.stdout
    assert "enrollments" in result.stdout


def test_rejected_csv_has_exactly_the_spec_columns(tmp_path: Path) -> None:
    """GIVEN the example WHEN ranked THEN rejected.csv has row, column, value, error first
    (programs read them) and then line, id and full_name (people find the row by them)."""
    assert _rank(EXAMPLE, tmp_path).returncode == 0
    header = (tmp_path / "rejected.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "row,column,value,error,line,id,full_name"


def test_durable_engine_writes_the_same_decisions_csv(tmp_path: Path) -> None:
    """GIVEN the bundled example WHEN ranked with --engine durable and with the default engine
    THEN decisions.csv and rejected.csv are byte-identical."""
    pytest.importorskip("durable", reason="durable-rules needs Python 3.11-3.12 and gcc")
    assert _rank(EXAMPLE, tmp_path / "vectorized").returncode == 0
    result = _rank(EXAMPLE, tmp_path / "durable", "--engine", "durable")
    assert result.returncode == 0, result.stderr
    for name in ("decisions.csv", "rejected.csv"):
        assert (tmp_path / "durable" / name).read_bytes() == \
            (tmp_path / "vectorized" / name).read_bytes(), name


def test_boundary_rows_of_the_example_are_decided_as_their_notes_say(
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the example's boundary rows, whose note states by hand what the spec decides
    (e.g. "exactly 36 on the pg-abroad start (age-limit fails)")
    WHEN decided THEN each is eligible, or fails exactly the rule its note names."""
    table = eligibility.decide(rulebook, EXAMPLE).table("en")
    boundary = table.filter(pl.col("note").str.starts_with("boundary:")).to_dicts()
    assert len(boundary) >= 30
    for row in boundary:
        expected = row["note"].rsplit("(", 1)[1].rstrip(")")
        if expected == "tie broken by id":
            twins = table.filter((pl.col("quota_id") == row["quota_id"])
                                 & pl.col("note").str.contains("twin of")).sort("rank")
            assert twins.height == 2, twins
            assert twins["rank"].diff()[1] == 1
            assert twins["candidate_id"].to_list() == sorted(twins["candidate_id"])
            continue
        if expected == "eligible":
            assert row["eligible"] and row["failed"] is None, row
        else:
            assert expected.endswith(" fails"), row["note"]
            assert row["failed"] == expected.removesuffix(" fails"), row
