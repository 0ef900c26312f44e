"""Differential property: durable_rules, polars and plain Python decide alike.

Rulebooks are generated within the rule language (:mod:`rulebook_strategies`), loaded by
the real loader, and their nominations decided by the three engines.
``HYPOTHESIS_PROFILE=thorough`` runs many more examples.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

pytest.importorskip("durable", reason="durable-rules is not installed (needs Python <= 3.12)")

from tests.rulebook_strategies import nomination_frames, rulebook_documents

import eligibility
from eligibility.engines import durable, scalar, vectorized

settings.register_profile(
    "durable-differential", max_examples=50, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "durable-differential-thorough", max_examples=1000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DIFFERENTIAL = settings.get_profile(
    "durable-differential-thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
    else "durable-differential")


def _load(document: str) -> eligibility.CompiledRulebook:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(document, encoding="utf-8")
        return eligibility.load_rulebook(path)


@DIFFERENTIAL
@given(document=rulebook_documents(), data=st.data())
def test_durable_vectorized_and_scalar_engines_decide_alike(document: str,
                                                            data: st.DataObject) -> None:
    """GIVEN any rulebook of the rule language and any typed nominations (nulls included)
    WHEN the durable, vectorized and scalar engines decide them
    THEN every column — criteria, eligibility, failed rules, reasons, points, score — is
    identical."""
    rulebook = _load(document)
    frame = data.draw(nomination_frames(rulebook))
    decided = durable.evaluate_frame(rulebook, frame)
    assert_frame_equal(decided, vectorized.evaluate_frame(rulebook, frame))
    assert_frame_equal(decided, scalar.evaluate_frame(rulebook, frame))


def test_generated_rulebooks_exercise_every_construct() -> None:
    """GIVEN the rulebook strategy WHEN many documents are drawn THEN together they use
    every construct the differential test is meant to cover."""
    seen: set[str] = set()
    constructs = (" and ", " or ", "not ", " in ", " is ", " if ", "range(", " for e in ",
                  "add_months(", "age_on(", "//", "count(", "applies_to")

    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(rulebook_documents())
    def collect(document: str) -> None:
        seen.update(item for item in constructs if item in document)

    collect()
    assert seen == set(constructs)


def test_a_frame_of_every_type_round_trips() -> None:
    """GIVEN a generated rulebook using every field WHEN nominations are drawn THEN they
    have the typed layout of intake (one column per field and year)."""
    @settings(max_examples=5, derandomize=True, database=None, deadline=None)
    @given(document=rulebook_documents(), data=st.data())
    def check(document: str, data: st.DataObject) -> None:
        rulebook = _load(document)
        frame = data.draw(nomination_frames(rulebook))
        assert {"candidate_id", "quota_id", "row", "preference"} <= set(frame.columns)
        assert frame.schema["quota_id"] == pl.String

    check()
