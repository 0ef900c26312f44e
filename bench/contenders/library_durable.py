"""This library's durable_rules engine (RETE), if it is installed and built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from contenders.base import Contender, Unavailable, as_decisions
from contenders.library_vectorized import rank_top_n
from eligibility.rulebook.compiled import CompiledRulebook


class LibraryDurable(Contender):
    name = "durable"
    label = "eligibility: durable_rules engine"
    requires = ("durable",)
    own = True
    description = "durable evaluate_frame (rulebook compiled to durable_rules rulesets) + ranking"

    def setup(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook
        try:  # written separately; absent or broken means "unavailable", not a failure
            from eligibility.engines.durable import evaluate_frame as evaluate_frame_durable
        except Exception as error:
            raise Unavailable(f"eligibility.engines.durable: {type(error).__name__}: "
                              f"{error}") from error
        self.evaluate: Callable[[CompiledRulebook, pl.DataFrame], pl.DataFrame] = \
            evaluate_frame_durable

    def decide(self, data: pl.DataFrame) -> pl.DataFrame:
        return rank_top_n(self.rulebook, self.evaluate(self.rulebook, data))

    def decisions(self, result: Any) -> pl.DataFrame:
        return as_decisions(result)
