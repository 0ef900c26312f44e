"""The frame layout of a batch run, for decisions built one nominee at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from eligibility.engines.outcome import Outcome, outcome_record
from eligibility.frames import (
    CANDIDATE,
    PREFERENCE,
    QUOTA,
    ROW,
    field_schema,
    outcome_schema,
    polars_cell,
    yearly_column,
)
from eligibility.records import Nominee
from eligibility.rulebook.compiled import CompiledRulebook

ORDER = "__order"


class Layout:
    """The columns and dtypes of a batch run's evaluated nominations."""

    def __init__(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook
        self.fields = [name for name, spec in rulebook.fields.items() if not spec.yearly]
        self.yearly = [name for name, spec in rulebook.fields.items() if spec.yearly]
        self.outputs = outcome_schema(rulebook)

    def schema(self, years: Mapping[str, Iterable[int]]) -> dict[str, pl.DataType]:
        """Batch order: id, fields and yearly columns, nomination, outcome, order."""
        return {**field_schema(self.rulebook, years), QUOTA: pl.String(), ROW: pl.Int64(),
                PREFERENCE: pl.Int64(), **self.outputs, ORDER: pl.Int64()}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.schema({}))

    def records(self, nominee: Nominee, order: int,
                outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
        """One record per nomination of ``nominee``, with its outcome: the values of
        :meth:`frame`'s columns, as Python values."""
        person: dict[str, Any] = {
            CANDIDATE: nominee.id,
            **{name: polars_cell(nominee.values[name]) for name in self.fields},
            **{yearly_column(name, year): value for name, values in nominee.yearly.items()
               for year, value in values.items()}}
        return [{**person, QUOTA: quota_id, ROW: None, PREFERENCE: preference,
                 **outcome_record(self.rulebook, quota_id, outcome), ORDER: order}
                for preference, (quota_id, outcome) in enumerate(
                    zip(nominee.quotas, outcomes, strict=True), start=1)]

    def frame(self, records: Sequence[dict[str, Any]],
              years: Mapping[str, Iterable[int]]) -> pl.DataFrame:
        """:meth:`records` (of any nominees) as one frame with the batch dtypes; ``years``:
        the yearly columns they have between them (a record without one holds a null)."""
        # Made from one dict per row, polars builds the frame in one call, where a dict of
        # columns costs a Series per column.
        return pl.from_dicts(records, schema=self.schema(years))

    def columns(self, years: set[tuple[str, int]]) -> list[str]:
        """Batch order of the columns, given the yearly columns in use."""
        by_field: dict[str, list[int]] = {}
        for name, year in years:
            by_field.setdefault(name, []).append(year)
        return [name for name in self.schema(by_field) if name != ORDER]
