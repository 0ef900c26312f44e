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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.engines import ENGINES, frame_engine
from eligibility.errors import RecordError, UsageError
from eligibility.evaluation import Evaluation, evaluate_candidate
from eligibility.frames import CANDIDATE, ROW, STATUS
from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from eligibility.intake.nominees import Intake, intake_cells, read_nominees
from eligibility.intake.readers import normalized_cells
from eligibility.language.values import Interval
from eligibility.messages import render_reasons
from eligibility.output.decisions import decisions_table
from eligibility.records import read_nominee
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import STATUSES, quota_summary, select

__all__ = [
    "ENGINES",
    "Decisions",
    "candidate_from_record",
    "decide",
    "decide_intake",
    "evaluate",
    "record_cells",
]

Nominees = str | PathLike[str] | pl.DataFrame | Iterable[Mapping[str, Any]]


@dataclass
class Decisions:
    """The outcome of a run: every nomination decided, every unreadable row rejected.

    ``decided`` holds, per nomination, the typed candidate fields, the engine's outcome
    record (:mod:`eligibility.frames`), ``reasons.<language>`` for each language rendered,
    ``rank`` and ``status``.
    """

    rulebook: CompiledRulebook
    decided: pl.DataFrame
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
        decided = self.decided
        if language not in self.languages:
            decided = render_reasons(self.rulebook, decided, (language,))
        table = decisions_table(self.rulebook, decided, language=language)
        if self.extras is None:
            return table
        extras = self.extras.rename({name: f"input.{name}" for name in self.extras.columns
                                     if name in table.columns and name != ROW})
        return table.join(extras, on=ROW, how="left", maintain_order="left")

    def summary(self) -> pl.DataFrame:
        """Per quota: seats, capacity, nominated, eligible, selected, cut-off score, budget."""
        return quota_summary(self.rulebook, self.decided)

    @property
    def people(self) -> int:
        return self.decided[CANDIDATE].n_unique()

    def counts(self) -> dict[str, int]:
        statuses = self.decided[STATUS].value_counts()
        by_status = dict(zip(statuses[STATUS], statuses["count"], strict=True))
        return {
            "rows_in": self.rows_in,
            "people_decided": self.people,
            "rows_rejected": self.rejected.height,
            "nominations": self.decided.height,
            **{status: int(by_status.get(status, 0)) for status in STATUSES},
        }


def decide(rulebook: CompiledRulebook, nominees: Nominees, *, engine: str = "vectorized",
           languages: Sequence[str] = LANGUAGES) -> Decisions:
    """Read, evaluate, rank and allocate ``nominees``: a nominee file, a DataFrame of its
    cells, or records — each record becomes a row of such a file (typed values written as
    text, ``{year: value}`` as year columns) and is read as a file's row is.

    Failure messages are rendered in each of ``languages`` ("vi", "en"); rejected rows and
    an error refusing the input are in the first of them. A file or DataFrame lacking a
    column that a rule reads is refused; a record that leaves a field out reads as if its
    cell were empty.
    """
    _check_rulebook(rulebook)
    intake = _intake(rulebook, nominees, languages[0] if languages else "vi")
    return decide_intake(rulebook, intake, engine=engine, languages=languages)


def decide_intake(rulebook: CompiledRulebook, intake: Intake, *, engine: str = "vectorized",
                  languages: Sequence[str] = LANGUAGES) -> Decisions:
    """Evaluate, rank and allocate nominees already read by :mod:`eligibility.intake`."""
    _check_rulebook(rulebook)
    if isinstance(languages, str):
        raise UsageError(f"languages is a sequence of language codes, e.g. ('vi',), not the "
                         f"text {languages!r}")
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown:
        raise UsageError(f"unknown language {unknown[0]!r}; expected one of "
                         f"{', '.join(LANGUAGES)}")
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    evaluated = frame_engine(engine)(rulebook, intake.nominations)
    decided = select(rulebook, render_reasons(rulebook, evaluated, languages))
    return Decisions(rulebook, decided, intake.rejected, intake.rows_in, engine,
                     list(intake.warnings), intake.extras, tuple(languages))


def _check_rulebook(rulebook: object) -> None:
    if not isinstance(rulebook, CompiledRulebook):
        raise UsageError(f"expected a rulebook loaded by eligibility.load_rulebook(), not "
                         f"{type(rulebook).__name__}")


def _intake(rulebook: CompiledRulebook, nominees: Nominees, language: str) -> Intake:
    if isinstance(nominees, (str, PathLike)):
        return read_nominees(Path(nominees), rulebook, language=language)
    if isinstance(nominees, pl.DataFrame):
        return intake_cells(normalized_cells(nominees, language=language), rulebook,
                            language=language)
    if isinstance(nominees, Mapping) or not isinstance(nominees, Iterable):
        raise UsageError(f"nominees are a file path, a polars DataFrame or an iterable of "
                         f"records (mappings), not {type(nominees).__name__}")
    rows = []
    for index, record in enumerate(nominees, start=1):
        if not isinstance(record, Mapping):
            raise UsageError(f"record {index} is a {type(record).__name__}, not a mapping of "
                             f"field → value")
        rows.append(record_cells(record, rulebook))
    frame = pl.DataFrame(rows, orient="row", schema=_cell_schema(rows))
    return intake_cells(normalized_cells(frame, language=language), rulebook,
                        language=language, missing_columns="default")


def _cell_schema(rows: list[dict[str, str | None]]) -> dict[str, type[pl.String]]:
    return {name: pl.String for name in dict.fromkeys(key for row in rows for key in row)}


def candidate_from_record(rulebook: CompiledRulebook, record: Mapping[str, Any], *,
                          language: str = DEFAULT_LANGUAGE
                          ) -> tuple[dict[str, Any], list[str]]:
    """A record read by :func:`eligibility.records.read_nominee`: (the language record the
    engines read, quota ids in order). Raises :class:`RecordError` naming the field."""
    _check_rulebook(rulebook)
    nominee = read_nominee(rulebook, record, language=language)
    return nominee.record(), list(nominee.quotas)


def evaluate(rulebook: CompiledRulebook, record: Mapping[str, Any], *,
             quota: str | None = None, language: str = DEFAULT_LANGUAGE) -> list[Evaluation]:
    """Evaluate one record for ``quota``, or for every quota it is nominated for; a record
    that cannot be read raises :class:`RecordError` worded in ``language``."""
    candidate, quotas = candidate_from_record(rulebook, record, language=language)
    if quota is not None:
        if quota not in rulebook.quotas:
            raise RecordError(t("record.unknown_quota_asked", language, quota=quota),
                              field="quota", value=quota)
        quotas = [quota]
    return [evaluate_candidate(rulebook, candidate, quota_id) for quota_id in quotas]


def record_cells(record: Mapping[str, Any],
                 rulebook: CompiledRulebook | None = None) -> dict[str, str | None]:
    """A record as the text cells of a nominee-file row (``{year: value}`` → year columns)."""
    cells: dict[str, str | None] = {}
    for name, value in record.items():
        if isinstance(value, Mapping):  # a yearly field given as {year: value}
            pattern = _yearly_pattern(rulebook, str(name))
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
