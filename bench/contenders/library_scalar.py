"""This library's scalar API called once per nomination on typed records."""

from __future__ import annotations

import time
from typing import Any

import polars as pl

from contenders.base import Contender, as_decisions
from contenders.library_vectorized import rank_top_n
from eligibility.evaluation import evaluate_candidate
from eligibility.frames import records_of
from eligibility.rulebook.compiled import CompiledRulebook


class LibraryScalar(Contender):
    name = "scalar"
    label = "eligibility: scalar API per record"
    own = True
    description = ("evaluate_candidate per typed record, then each evaluation's reasons in vi "
                   "(an evaluation renders messages when they are read), then the library's "
                   "ranking + top-N")

    def setup(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook

    def marshal(self, derived: pl.DataFrame) -> tuple[list[dict[str, Any]], list[str]]:
        return records_of(derived, self.rulebook), derived["quota_id"].to_list()

    def decide(self, data: tuple[list[dict[str, Any]], list[str]]) -> pl.DataFrame:
        records, quotas = data
        rulebook = self.rulebook
        began = time.perf_counter()
        evaluations = [evaluate_candidate(rulebook, record, quota)
                       for record, quota in zip(records, quotas, strict=True)]
        evaluated = time.perf_counter()
        # As the vectorized contender renders them: what the evaluations themselves do not
        # (they render a message when it is read).
        reasons = [evaluation.reasons("vi") for evaluation in evaluations]
        explained = time.perf_counter()
        table = pl.DataFrame({
            "candidate_id": [evaluation.candidate_id for evaluation in evaluations],
            "quota_id": quotas,
            "eligible": [evaluation.eligible for evaluation in evaluations],
            "failed": [";".join(evaluation.failed) for evaluation in evaluations],
            "score": [evaluation.score for evaluation in evaluations],
            "birth_date": [record["birth_date"] for record in records],
            "reasons": reasons,
        }, schema_overrides={"score": pl.Int64})
        result = rank_top_n(rulebook, table)
        self.phases = {"evaluate": evaluated - began, "reasons": explained - evaluated,
                       "rank": time.perf_counter() - explained}
        return result

    def decisions(self, result: Any) -> pl.DataFrame:
        return as_decisions(result)
