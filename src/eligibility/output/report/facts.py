"""Facts about people that ``decisions.csv`` does not hold, for the report's figures.

The share of women, of staff under 40 and of staff rated excellent, the ranking keys of the
people on either side of a cut-off (their birth dates) and the agency written on each
rejected row are facts of the input, not decisions. ``rank --report`` has them in memory;
``eligibility report`` reads them again from the nominee file, after checking that its
SHA-256 is the one the run's manifest recorded. Reading a fact is not re-deciding: no rule
is evaluated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.errors import InputError
from eligibility.i18n import t
from eligibility.intake.nominees import AGENCY_FIELD, read_nominees
from eligibility.output.manifest import sha256_of
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["AGENCY", "PeopleFacts", "facts_from_decisions", "facts_from_input"]

AGENCY = AGENCY_FIELD
_DECISION_COLUMNS = frozenset({"candidate_id", "quota_id", "preference", "row", "eligible",
                               "failed", "score", "rank", "status"})


@dataclass(frozen=True)
class PeopleFacts:
    """Typed input fields per person, and the agency written on each rejected row."""

    people: pl.DataFrame  # candidate_id and the typed fields of every person decided
    rejected_agencies: pl.DataFrame  # row, agency (as written; null where empty)


def facts_from_decisions(decided: pl.DataFrame, rejected: pl.DataFrame) -> PeopleFacts:
    """The facts of a run still in memory (``Decisions.decided`` and ``.rejected``)."""
    fields = [name for name in decided.columns
              if name not in _DECISION_COLUMNS and not name.startswith(("criterion.",
                                                                        "points.", "reasons."))]
    people = decided.select("candidate_id", *fields).unique("candidate_id", keep="first",
                                                             maintain_order=True)
    return PeopleFacts(people, _agencies(rejected))


def facts_from_input(nominees: Path, rulebook: CompiledRulebook, *,
                     manifest: Mapping[str, Any],
                     sheet: str | int = 0, language: str = "vi") -> PeopleFacts:
    """The facts of a finished run, read again from its nominee file.

    Refused (:class:`InputError`, in ``language``) unless the file's SHA-256 is the one in
    ``manifest``.
    """
    recorded = (manifest.get("input") or {}).get("sha256")
    actual = sha256_of(nominees) if nominees.is_file() else None
    if actual is None:
        raise InputError(t("report.error_no_such_file", language), file=str(nominees))
    if actual != recorded:
        raise InputError(t("report.error_input_checksum", language, actual=actual,
                           expected=recorded,
                           file=(manifest.get("input") or {}).get("file")),
                         file=str(nominees))
    intake = read_nominees(nominees, rulebook, sheet=sheet, language=language)
    people = intake.candidates.drop("nominated_for", "row", strict=False)
    return PeopleFacts(people, _agencies(intake.rejected))


def _agencies(rejected: pl.DataFrame) -> pl.DataFrame:
    if AGENCY in rejected.columns:
        return rejected.select(pl.col("row").cast(pl.Int64), pl.col(AGENCY))
    return rejected.select(pl.col("row").cast(pl.Int64),
                           pl.lit(None, dtype=pl.String).alias(AGENCY))
