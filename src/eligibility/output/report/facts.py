"""Facts about people that ``decisions.csv`` does not hold, for the report's figures.

The share of women, of staff under 40 and of staff rated excellent, and the ranking keys of
the people on either side of a cut-off (their birth dates) are facts of the input, not
decisions. ``rank --report`` has them in memory; ``eligibility report`` reads them again from
the nominee file, after checking that its SHA-256 is the one the run's manifest recorded.
Reading a fact is not re-deciding: no rule is evaluated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.errors import InputError
from eligibility.i18n import t
from eligibility.intake.nominees import intake_cells, map_columns
from eligibility.intake.readers import read_cells
from eligibility.output.manifest import sha256_of
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["AGENCY", "PeopleFacts", "facts_from_decisions", "facts_from_input"]

AGENCY = "agency"
_DECISION_COLUMNS = frozenset({"candidate_id", "quota_id", "preference", "row", "eligible",
                               "failed", "score", "rank", "status"})


@dataclass(frozen=True)
class PeopleFacts:
    """Typed input fields per person, and the agency written on each rejected row."""

    people: pl.DataFrame  # candidate_id and the typed fields of every person decided
    rejected_agencies: pl.DataFrame  # row, agency (as written; null where empty)


def facts_from_decisions(decided: pl.DataFrame, rulebook: CompiledRulebook, *,
                         nominees: Path | None, rejected_rows: pl.Series,
                         sheet: str | int = 0) -> PeopleFacts:
    """The facts of a run still in memory (``Decisions.decided``).

    The agencies of rejected rows are read from the raw cells of ``nominees`` (a rejected row
    has no typed record); without a file they are unknown.
    """
    fields = [name for name in decided.columns
              if name not in _DECISION_COLUMNS and not name.startswith(("criterion.",
                                                                        "points.", "reasons."))]
    people = decided.select("candidate_id", *fields).unique("candidate_id", keep="first",
                                                             maintain_order=True)
    if nominees is None or rejected_rows.is_empty():
        return PeopleFacts(people, _no_agencies(rejected_rows))
    cells = read_cells(nominees, sheet=sheet)
    return PeopleFacts(people, _rejected_agencies(cells, rulebook, rejected_rows, nominees))


def facts_from_input(nominees: Path, rulebook: CompiledRulebook, *,
                     manifest: Mapping[str, Any], sheet: str | int = 0,
                     language: str = "vi") -> PeopleFacts:
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
    cells = read_cells(nominees, sheet=sheet)
    intake = intake_cells(cells, rulebook, source=str(nominees))
    people = intake.candidates.drop("nominated_for", "row", strict=False)
    rejected_rows = intake.rejected["row"]
    return PeopleFacts(people, _rejected_agencies(cells, rulebook, rejected_rows, nominees))


def _rejected_agencies(cells: pl.DataFrame, rulebook: CompiledRulebook,
                       rows: pl.Series, source: Path) -> pl.DataFrame:
    header = map_columns(cells.columns, rulebook, str(source)).fields.get(AGENCY)
    if header is None or rows.is_empty():
        return _no_agencies(rows)
    agencies = cells[header].gather(rows.cast(pl.Int64) - 1)
    return pl.DataFrame({"row": rows.cast(pl.Int64), AGENCY: agencies.str.strip_chars()})


def _no_agencies(rows: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"row": rows.cast(pl.Int64),
                         AGENCY: pl.Series([None] * len(rows), dtype=pl.String)})
