"""This library's vectorized engine: the rulebook compiled to polars, all rows at once."""

from __future__ import annotations

import time
from typing import Any

import polars as pl

from contenders.base import Contender, as_decisions
from eligibility.engines.vectorized import evaluate_frame
from eligibility.messages import render_reasons
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.ranking import rank_nominations


def rank_top_n(rulebook: CompiledRulebook, evaluated: pl.DataFrame) -> pl.DataFrame:
    """The library's ranking, then the best ``capacity`` eligible nominations of each quota.

    Each quota is decided on its own (no allocation across a person's quotas).
    """
    ranked = rank_nominations(evaluated, rulebook.ranking)
    capacity = {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}
    limit = pl.col("quota_id").replace_strict(capacity, return_dtype=pl.Int64)
    return ranked.with_columns((pl.col("rank") <= limit).fill_null(False).alias("selected"))


class LibraryVectorized(Contender):
    name = "vectorized"
    label = "eligibility: vectorized engine (reasons in vi)"
    own = True
    description = ("evaluate_frame (rulebook compiled to polars) + rank_nominations + top-N, "
                   "failure reasons rendered in one language, as `eligibility rank` does")
    languages: tuple[str, ...] = ("vi",)

    def setup(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook

    def decide(self, data: pl.DataFrame) -> pl.DataFrame:
        began = time.perf_counter()
        evaluated = render_reasons(self.rulebook, evaluate_frame(self.rulebook, data),
                                   self.languages)
        middle = time.perf_counter()
        result = rank_top_n(self.rulebook, evaluated)
        self.phases = {"evaluate": middle - began, "rank": time.perf_counter() - middle}
        return result

    def decisions(self, result: Any) -> pl.DataFrame:
        return as_decisions(result)


class LibraryVectorizedBare(LibraryVectorized):
    name = "vectorized-bare"
    label = "eligibility: vectorized engine (no reasons)"
    description = "as above with languages=(): the decisions only, the peers' work"
    languages = ()
