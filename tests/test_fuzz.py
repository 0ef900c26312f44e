"""The fuzzing suite's short run: a few mutated rulebooks and nominee files per test run.

Hypothesis draws the mutations (through the random generator it controls), each case runs
the command in a worker bounded in time and memory, and every check of
:mod:`tests.fuzz.checks` must hold. The on-demand campaign (``python -m tests.fuzz``) draws
thousands.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fuzz.checks import check_nominee_case, check_rulebook_case
from tests.fuzz.nominees import mutated_nominees
from tests.fuzz.rulebooks import mutated_rulebook
from tests.fuzz.runner import Worker

pytest.importorskip("durable", reason="durable-rules is not installed (needs Python <= 3.12)")


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    log = tmp_path_factory.mktemp("fuzz") / "worker.log"
    with Worker(max_rss=2 * 2**30, log=log) as running:
        yield running


@settings(max_examples=6, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_fuzzed_rulebooks_end_in_0_or_2_and_the_engines_agree(worker: Worker,
                                                              rng: random.Random) -> None:
    """GIVEN a bundled rulebook with up to three mutations (structure, expressions,
    numbers, dates, includes, bytes)
    WHEN it is checked and used to rank THEN every command ends in exit 0 or 2 within its
    bounds, shows nothing of a foreign file, and the engines agree."""
    verdict = check_rulebook_case(worker, mutated_rulebook(rng))
    assert verdict.ok, verdict.violations


@settings(max_examples=6, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_fuzzed_nominee_files_end_in_0_or_2_and_every_row_is_accounted_for(
        worker: Worker, rng: random.Random) -> None:
    """GIVEN example rows with up to three mutations (cells, ids, header, row shape), as
    CSV, Excel or Parquet, sometimes with damaged bytes
    WHEN ranked on every engine THEN each run ends in exit 0 or 2 within its bounds, rows in
    = decided + rejected, and the engines give identical files."""
    verdict = check_nominee_case(worker, mutated_nominees(rng))
    assert verdict.ok, verdict.violations


def test_the_worker_reports_each_ending_for_what_it_is(tmp_path: Path) -> None:
    """GIVEN the bounded worker WHEN it runs a refused command, then commands that pass its
    memory bound (50 MB, less than Python with polars needs) or its time bound
    THEN each ending is reported as what it is, and the worker is replaced after a kill."""
    rules = str(Path(__file__).parent.parent / "rules" / "hanoi-2022-2025.yaml")
    with Worker() as bounded:
        refused = bounded.run(["check", str(tmp_path / "none.yaml")], tmp_path)
        assert (refused.exit, refused.acceptable) == (2, True)
        slow = bounded.run(["check", rules], tmp_path, timeout=0.001)
        assert slow.over_time and not slow.acceptable
        assert bounded.run(["check", rules], tmp_path).exit == 0
    with Worker(max_rss=50 * 2**20) as small:
        heavy = small.run(["check", rules], tmp_path)
        assert heavy.over_memory and heavy.exit is None
