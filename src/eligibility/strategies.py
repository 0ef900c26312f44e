"""Hypothesis strategies generating nominees for a rulebook.

They live in :mod:`eligibility.testing.strategies`; this module keeps the import path
``eligibility.strategies`` working (and is where Hypothesis' entry point finds its hook).
"""

from __future__ import annotations

# isort: off
# First, before Hypothesis is imported: Hypothesis runs this hook while being imported.
from eligibility.testing.hypothesis_hook import _hypothesis_setup_hook
# isort: on

from eligibility.testing.strategies import (
    InvalidArgument,
    from_rulebook,
    nominee_frames,
    text_cells,
)

__all__ = [
    "InvalidArgument",
    "_hypothesis_setup_hook",
    "from_rulebook",
    "nominee_frames",
    "text_cells",
]
