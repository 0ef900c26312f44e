"""The library API: decide a whole nominee list, or evaluate one record.

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> record = {"id": "HN-1", "full_name": "Nguyễn Thị Lan", "birth_date": "1990-05-17",
...           "gender": "Nữ", "category": "công chức", "position": "public-finance",
...           "service_start": "2015-03-01", "rating_2021": "HTTNV", "rating_2022": "HTXSNV",
...           "nominated_for": "tai-chinh"}
>>> [(e.quota_id, e.eligible, e.score) for e in eligibility.evaluate(rulebook, record)]
[('tai-chinh', True, 25)]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.errors import EngineUnavailableError, RecordError
from eligibility.evaluation import (
    Evaluation,
    candidate_records,
    evaluate_candidate,
    evaluate_frame_scalar,
)
from eligibility.intake.nominees import Intake, intake_cells, read_nominees
from eligibility.intake.readers import normalized_cells
from eligibility.language.values import Interval
from eligibility.messages import LANGUAGES
from eligibility.output.decisions import decisions_table
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import quota_summary, select

ENGINES = ("vectorized", "scalar", "durable")
FrameEvaluator = Callable[[CompiledRulebook, pl.DataFrame], pl.DataFrame]
Nominees = str | PathLike[str] | pl.DataFrame | Iterable[Mapping[str, Any]]


@dataclass
class Decisions:
    """The outcome of a run: every nomination decided, every unreadable row rejected."""

    rulebook: CompiledRulebook
    decided: pl.DataFrame  # one row per nomination: evaluation, rank, status
    rejected: pl.DataFrame  # row, column, value, error, line, id, full_name (rejected.csv)
    rows_in: int
    engine: str
    warnings: list[str] = field(default_factory=list)
    extras: pl.DataFrame | None = None  # the input's own extra columns, by ``row``
    languages: tuple[str, ...] = LANGUAGES  # languages the failure messages were rendered in

    def table(self, language: str = "vi") -> pl.DataFrame:
        """The decisions table (the columns of ``decisions.csv``).

        The input's extra columns (those the rulebook does not use) follow, as given.
        """
        if language not in self.languages:
            raise ValueError(f"reasons were rendered in {', '.join(self.languages)} only; "
                             f"decide with languages=('{language}',) to get them in it")
        table = decisions_table(self.rulebook, self.decided, language=language)
        if self.extras is None:
            return table
        extras = self.extras.rename({name: f"input.{name}" for name in self.extras.columns
                                     if name in table.columns and name != "row"})
        return table.join(extras, on="row", how="left", maintain_order="left")

    def summary(self) -> pl.DataFrame:
        """Per quota: seats, capacity, nominated, eligible, selected, cut-off score, budget."""
        return quota_summary(self.rulebook, self.decided)

    @property
    def people(self) -> int:
        return self.decided["candidate_id"].n_unique()

    def counts(self) -> dict[str, int]:
        statuses = self.decided["status"].value_counts()
        by_status = dict(zip(statuses["status"], statuses["count"], strict=True))
        return {
            "rows_in": self.rows_in,
            "people_decided": self.people,
            "rows_rejected": self.rejected.height,
            "nominations": self.decided.height,
            **{status: int(by_status.get(status, 0))
               for status in ("selected", "reserve", "placed_elsewhere", "ineligible")},
        }


def frame_evaluator(engine: str, languages: Sequence[str] = LANGUAGES) -> FrameEvaluator:
    """The function that evaluates a nominations frame with ``engine``.

    Failure messages are rendered in ``languages`` (each costs time on large files).
    """
    if engine == "vectorized":
        from eligibility.engines.vectorized import evaluate_frame

        return partial(evaluate_frame, languages=tuple(languages))
    evaluator = _other_engine(engine)
    unwanted = [f"reasons.{language}" for language in LANGUAGES if language not in languages]
    return lambda rulebook, frame: evaluator(rulebook, frame).drop(unwanted)


def _other_engine(engine: str) -> FrameEvaluator:
    if engine == "scalar":
        return evaluate_frame_scalar
    if engine == "durable":
        try:
            from eligibility.engines.durable import evaluate_frame_durable
        except ImportError as error:  # pragma: no cover - depends on the machine
            raise EngineUnavailableError(str(error)) from error
        return evaluate_frame_durable
    raise ValueError(f"unknown engine '{engine}'; expected one of {', '.join(ENGINES)}")


def decide(rulebook: CompiledRulebook, nominees: Nominees, *, engine: str = "vectorized",
           languages: Sequence[str] = LANGUAGES) -> Decisions:
    """Read, evaluate, rank and allocate ``nominees`` (a file, a DataFrame or records).

    Failure messages are rendered in each of ``languages`` ("vi", "en"); rejected rows and
    an error refusing the input are in the first of them. A file or DataFrame lacking a
    column that a rule reads is refused; a record that leaves a field out reads as if its
    cell were empty.
    """
    intake = _intake(rulebook, nominees, languages[0] if languages else "vi")
    return decide_intake(rulebook, intake, engine=engine, languages=languages)


def decide_intake(rulebook: CompiledRulebook, intake: Intake, *, engine: str = "vectorized",
                  languages: Sequence[str] = LANGUAGES) -> Decisions:
    """Evaluate, rank and allocate nominees already read by :mod:`eligibility.intake`."""
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language {unknown[0]!r}; expected one of "
                         f"{', '.join(LANGUAGES)}")
    evaluated = frame_evaluator(engine, languages)(rulebook, intake.nominations)
    decided = select(rulebook, evaluated)
    return Decisions(rulebook, decided, intake.rejected, intake.rows_in, engine,
                     list(intake.warnings), intake.extras, tuple(languages))


def _intake(rulebook: CompiledRulebook, nominees: Nominees, language: str) -> Intake:
    if isinstance(nominees, (str, PathLike)):
        return read_nominees(Path(nominees), rulebook, language=language)
    if isinstance(nominees, pl.DataFrame):
        return intake_cells(normalized_cells(nominees, language=language), rulebook,
                            language=language)
    frame = pl.DataFrame([record_cells(record) for record in nominees], orient="row")
    return intake_cells(normalized_cells(frame, language=language), rulebook,
                        language=language, missing_columns="default")


def candidate_from_record(rulebook: CompiledRulebook,
                          record: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A record read exactly as a file row would be: (typed candidate, quota ids in order).

    Values may be text as in a nominee file, or Python values (dates, booleans, lists of
    quota ids, ``{year: rating}`` for a yearly field). Raises :class:`RecordError` naming
    the field that cannot be read.
    """
    frame = normalized_cells(pl.DataFrame([record_cells(record, rulebook)], orient="row"))
    intake = intake_cells(frame, rulebook, source="record", missing_columns="default")
    if intake.rejected.height:
        problem = intake.rejected.row(0, named=True)
        raise RecordError(problem["error"], field=problem["column"], value=problem["value"])
    typed = candidate_records(intake.candidates.drop("row"), rulebook)[0]
    quotas = list(intake.candidates["nominated_for"][0])
    return typed, quotas


def evaluate(rulebook: CompiledRulebook, record: Mapping[str, Any], *,
             quota: str | None = None) -> list[Evaluation]:
    """Evaluate one record for ``quota``, or for every quota it is nominated for."""
    candidate, quotas = candidate_from_record(rulebook, record)
    if quota is not None:
        if quota not in rulebook.quotas:
            raise RecordError(f"unknown quota '{quota}'", field="quota", value=quota)
        quotas = [quota]
    return [evaluate_candidate(rulebook, candidate, quota_id) for quota_id in quotas]


def record_cells(record: Mapping[str, Any],
                 rulebook: CompiledRulebook | None = None) -> dict[str, str | None]:
    """A record as the text cells of a nominee-file row (``{year: value}`` → year columns)."""
    cells: dict[str, str | None] = {}
    for name, value in record.items():
        if isinstance(value, Mapping):  # a yearly field given as {year: value}
            pattern = _yearly_pattern(rulebook, name)
            for year, item in value.items():
                cells[pattern.format(year=year)] = _as_cell(item)
        else:
            cells[str(name)] = _as_cell(value)
    return cells


def _yearly_pattern(rulebook: CompiledRulebook | None, name: str) -> str:
    if rulebook is not None and name in rulebook.fields and rulebook.fields[name].yearly:
        return rulebook.fields[name].columns[0]
    return f"{name}_{{year}}"


def _as_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Interval):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(_as_cell(item) or "" for item in value)
    return str(value)
