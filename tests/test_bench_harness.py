"""The benchmark harness's correctness check (bench/run.py), without any timing.

Every contender that can run here decides a small generated nominee list, and its
decisions (eligible, failed rule ids, score, rank, selected) must equal this library's
vectorized engine's. Peers whose package is not installed (CI installs only ``.[test]``)
are skipped; the library's own contenders and the hand-written ones always run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

import eligibility

ROOT = Path(__file__).resolve().parents[1]
NOMINEES = 1000  # enough for pg-abroad to have more eligible nominations than seats


def _load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


harness = _load_harness()
ALWAYS = ("vectorized", "vectorized-bare", "scalar", "python-loop", "polars-query",
          "sql-duckdb")
# Spark's session and planner take a minute; tests/test_sql_spark.py checks the same query.
ELSEWHERE = {"sql-spark": "checked by tests/test_sql_spark.py"}


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(harness.RULEBOOK)


@pytest.fixture(scope="module")
def nominations(tmp_path_factory: pytest.TempPathFactory,
                rulebook: eligibility.CompiledRulebook) -> Iterator[pl.DataFrame]:
    csv = tmp_path_factory.mktemp("bench") / "nominees.csv"
    subprocess.run([sys.executable, str(harness.GENERATOR), "--count", str(NOMINEES),
                    "--clean", "--seed", str(harness.SEED), "--out", str(csv)],
                   check=True, capture_output=True)
    yield harness.read_benchmark_nominations(csv, rulebook)


@pytest.fixture(scope="module")
def reference(nominations: pl.DataFrame,
              rulebook: eligibility.CompiledRulebook) -> pl.DataFrame:
    return harness.run_contender(harness.REFERENCE, nominations, rulebook)


def test_the_sample_exercises_every_outcome(reference: pl.DataFrame) -> None:
    per_quota = reference.group_by("quota_id").agg(
        pl.len().alias("nominations"), pl.col("eligible").sum().alias("eligible"),
        pl.col("selected").sum().alias("selected"))
    assert sorted(per_quota["quota_id"]) == sorted(harness.QUOTA_IDS)
    assert (per_quota["eligible"] < per_quota["nominations"]).all()  # some are ineligible
    assert (per_quota["selected"] < per_quota["eligible"]).any()  # top-N cuts somewhere
    failed = set(";".join(reference["failed"].to_list()).split(";")) - {""}
    assert len(failed) >= 7, failed  # nearly every rule fails somewhere


@pytest.mark.parametrize("name", list(harness.CONTENDERS))
def test_contender_agrees_with_the_library(name: str, nominations: pl.DataFrame,
                                           reference: pl.DataFrame,
                                           rulebook: eligibility.CompiledRulebook) -> None:
    if name in ELSEWHERE:
        pytest.skip(ELSEWHERE[name])
    if name not in ALWAYS:
        for module in harness.CONTENDERS[name].requires:
            pytest.importorskip(module)
    try:
        decisions = harness.run_contender(name, nominations, rulebook)
    except harness.Unavailable as error:
        assert name not in ALWAYS
        pytest.skip(str(error))
    assert harness.compare(reference, decisions) is None


def test_a_wrong_decision_is_reported_with_its_record(reference: pl.DataFrame) -> None:
    selected = reference.filter("selected").row(0, named=True)
    wrong = reference.with_columns(
        pl.when(pl.col("candidate_id") == selected["candidate_id"])
        .then(pl.lit(False)).otherwise(pl.col("selected")).alias("selected"))
    mismatch = harness.compare(reference, wrong.reverse())
    assert mismatch is not None
    assert mismatch.reference["candidate_id"] == selected["candidate_id"]
    assert mismatch.contender["selected"] is False
    missing = harness.compare(reference, reference.slice(1))
    assert missing is not None and "expected" in missing.reason


def test_repeats_and_extrapolation_in_the_table() -> None:
    settings = harness.Settings(sizes=(10, 100), names=("vectorized", "polars-query",
                                                         "zen-graph"), budget=120, quick=False)
    assert settings.repeats(0.5) == 5 and settings.repeats(10) == 3
    assert settings.repeats(50) == 0  # three runs would take over two minutes: one run
    outcomes = [
        harness.Outcome("intake", 100, "info", 40, times=[1.0], median_s=1.0),
        harness.Outcome("vectorized", 100, "reference", 40, times=[0.3] * 3, median_s=0.3),
        harness.Outcome("polars-query", 100, "agrees", 40, times=[0.2] * 3, median_s=0.2),
        harness.Outcome("zen-graph", 100, "extrapolated", 40, median_s=300.0,
                        note="projected 300 s"),
    ]
    table = harness.markdown(outcomes, harness.Settings((100,), settings.names, 120, False))
    assert "~300.0 s (extrapolated)" in table
    assert "| 1.50× |" in table
    assert "1.5× of the hand-written polars query: 1.50× — met" in table
    assert "1,000× (extrapolated) — met" in table
