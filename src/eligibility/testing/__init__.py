"""A testing kit for rulebook authors.

* :mod:`eligibility.strategies` — Hypothesis strategies generating nominees for a rulebook
  (needs Hypothesis: ``pip install hypothesis``).
* :mod:`eligibility.testing.properties` — ready-made properties any rulebook must have, each
  run with one call (needs Hypothesis too).
* :mod:`eligibility.testing.cases` — golden cases written in YAML next to a rulebook, run by
  ``eligibility test`` and collected by pytest (:mod:`eligibility.testing.pytest_plugin`).
* :mod:`eligibility.testing.boundaries` — where a rulebook's decisions change: the values
  worth trying for each candidate field (used by the strategies; no Hypothesis needed).

Importing this package imports neither Hypothesis nor pytest.
"""

from __future__ import annotations
