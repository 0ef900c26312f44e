"""What if: compare two rulebooks, or one rulebook on two dates, over the same nominees.

Two runs are compared by their outcome records (never evaluated again): every nomination
whose status, eligibility, failed criteria, points, score or rank differs, with the cause —
which criterion flipped (both messages), which priority's points changed, or whose move
displaced them, down the chain of displacements of deferred acceptance.

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> more_seats = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml",
...                                        changes={"quota.tt-tt.seats": 30})
>>> comparison = eligibility.compare(rulebook, more_seats, "examples/hanoi/nominees.csv")
>>> row = comparison.quotas.filter(quota_id="tt-tt").row(0, named=True)
>>> row["selected_before"], row["selected_after"], row["entered"]
(20, 30, 10)
"""

from __future__ import annotations

from eligibility.whatif.causes import CAUSES, Cause, CriterionFlip, PointsChange
from eligibility.whatif.compare import Comparison, compare, compare_decisions, decide_round

__all__ = ["CAUSES", "Cause", "Comparison", "CriterionFlip", "PointsChange", "compare",
           "compare_decisions", "decide_round"]
