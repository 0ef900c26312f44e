"""Shared test configuration: Hypothesis settings profiles.

``ci`` (the default) keeps the suite quick and reproducible: few examples, derandomized
(the same examples every run, no example database). ``thorough`` explores: many examples,
random, with the database. Choose with ``HYPOTHESIS_PROFILE=thorough pytest``. Tests that
set ``max_examples`` themselves keep it under either profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=50, deadline=None, derandomize=True, database=None)
settings.register_profile(
    "thorough", max_examples=500, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
