"""Live nomination sessions: assert, update or retract one nominee, read decisions at once.

>>> import datetime as dt
>>> import eligibility
>>> from eligibility.session import open_session
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> with open_session(rulebook, engine="scalar") as session:
...     session.assert_candidate({
...         "id": "HN-1", "full_name": "Nguyễn Thị Lan", "birth_date": dt.date(1990, 5, 17),
...         "gender": "female", "category": "cong_chuc", "position": "public-finance",
...         "service_start": dt.date(2015, 3, 1),
...         "rating": {2021: "good", 2022: "excellent"}, "nominated_for": ["tai-chinh"]})
...     session.decision("HN-1").select("quota_id", "eligible", "score", "rank", "status").row(0)
('tai-chinh', True, 25, 1, 'selected')

A session keeps one evaluation per nomination. Asserting or updating a nominee decides
only that nominee's nominations — with the durable engine (the default), by posting their
facts to the session's own durable_rules rulesets, whose RETE network re-matches only those
facts — and ranking and seat allocation are then recomputed over all the kept evaluations
(allocation is global: one person's change can move anyone's seat). ``decisions()`` has the
columns and values of a batch run (:func:`eligibility.decide`) over the current nominees,
in the order they were first asserted, as if every rulebook field had a column.

Records are typed dicts — field → Python value (``datetime.date``, ``bool``, vocabulary
code, :class:`~eligibility.language.values.Interval`…), a yearly field as ``{year: value}``,
``nominated_for`` as a list of quota ids — or text cells as a nominee file holds them
(``"17/05/1990"``, ``"Nữ"``, ``"rating_2022": "HTXSNV"``, ``"tai-chinh;pg-abroad"``), read
by the same parsers as a file. A value that cannot be read raises
:class:`~eligibility.errors.RecordError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import polars as pl

from eligibility.engines.durable import (
    DurableEngine,
    Nomination,
    Outcome,
    evaluation_columns,
)
from eligibility.errors import RecordError, suggest
from eligibility.evaluation import evaluate_candidate
from eligibility.intake.nominees import parse_field
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    Type,
)
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec, yearly_column
from eligibility.selection import select
from eligibility.text import nfc, strip

__all__ = ["SESSION_ENGINES", "NominationSession", "open_session"]

SESSION_ENGINES = ("durable", "scalar")
CANDIDATE = "candidate_id"
QUOTA = "quota_id"
ROW = "row"
PREFERENCE = "preference"
_ORDER = "__order"
_MAX_CHUNKS = 8


def open_session(rulebook: CompiledRulebook, *, engine: str = "durable") -> NominationSession:
    """A new, empty session deciding nominees against ``rulebook``.

    ``engine``: ``durable`` (durable_rules; raises
    :class:`~eligibility.errors.EngineUnavailableError` when it is not installed) or
    ``scalar`` (plain Python). Sessions are isolated: each has its own rulesets and facts.
    """
    return NominationSession(rulebook, engine=engine)


@dataclass(frozen=True)
class Candidate:
    """A nominee read from a record: typed field values and nominations, most wanted first."""

    id: str
    values: Mapping[str, Any]  # every non-yearly field (defaults applied)
    yearly: Mapping[str, Mapping[int, Any]]
    quotas: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """The candidate as the engines read it (``id``, fields, yearly ``{year: value}``)."""
        return {"id": self.id, CANDIDATE: self.id, **self.values,
                **{name: {year: value for year, value in years.items() if value is not None}
                   for name, years in self.yearly.items()}}


@dataclass
class _Entry:
    candidate: Candidate
    order: int
    keys: list[int]
    rows: pl.DataFrame  # this candidate's evaluated nominations


class NominationSession:
    """Nominees decided one at a time; read-outs always reflect every change so far."""

    def __init__(self, rulebook: CompiledRulebook, *, engine: str = "durable") -> None:
        if engine not in SESSION_ENGINES:
            raise ValueError(f"unknown session engine '{engine}'; expected one of "
                             f"{', '.join(SESSION_ENGINES)}")
        self.rulebook = rulebook
        self.engine = engine
        self._durable = DurableEngine(rulebook) if engine == "durable" else None
        self._entries: dict[str, _Entry] = {}
        self._orders = itertools.count()
        self._keys = itertools.count()
        self._layout = _Layout(rulebook)
        self._kept = self._layout.empty()
        self._changed: dict[str, _Entry | None] = {}
        self._decided: pl.DataFrame | None = None
        self._years: Counter[tuple[str, int]] = Counter()  # yearly columns in use

    # --- changes -------------------------------------------------------------------------------

    def assert_candidate(self, record: Mapping[str, Any]) -> None:
        """Add a nominee; raises :class:`RecordError` if the record cannot be read or the id
        is already in the session."""
        candidate = read_candidate(self.rulebook, record)
        if candidate.id in self._entries:
            raise RecordError(f"'{candidate.id}' is already in the session; use "
                              f"update_candidate to change it", field="id", value=candidate.id)
        self._put(candidate, next(self._orders))

    def update_candidate(self, record: Mapping[str, Any]) -> None:
        """Replace a nominee's record (it keeps its place in the order)."""
        candidate = read_candidate(self.rulebook, record)
        entry = self._entries.get(candidate.id)
        if entry is None:
            raise self._unknown(candidate.id)
        self._withdraw(entry)
        self._put(candidate, entry.order)

    def retract_candidate(self, candidate_id: str) -> None:
        """Remove a nominee and every nomination of theirs."""
        entry = self._entries.pop(candidate_id, None)
        if entry is None:
            raise self._unknown(candidate_id)
        self._withdraw(entry)
        self._changed[candidate_id] = None
        self._decided = None

    # --- read-outs -----------------------------------------------------------------------------

    def decisions(self) -> pl.DataFrame:
        """Every nomination decided: the batch columns, with ``rank`` and ``status``."""
        if self._decided is None:
            self._decided = select(self.rulebook, self._evaluated())
        return self._decided

    def decision(self, candidate_id: str) -> pl.DataFrame:
        """One nominee's nominations, as rows of :meth:`decisions`."""
        if candidate_id not in self._entries:
            raise self._unknown(candidate_id)
        return self.decisions().filter(pl.col(CANDIDATE) == candidate_id)

    @property
    def candidate_ids(self) -> list[str]:
        """The nominees in the session, in the order they were first asserted."""
        return [entry.candidate.id for entry in sorted(self._entries.values(),
                                                       key=lambda entry: entry.order)]

    def __len__(self) -> int:
        return len(self._entries)

    # --- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the session's durable_rules rulesets and everything in them."""
        if self._durable is not None:
            self._durable.close()
            self._durable = None

    def __enter__(self) -> NominationSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------

    def _put(self, candidate: Candidate, order: int) -> None:
        keys = [next(self._keys) for _ in candidate.quotas]
        outcomes = self._decide(candidate, keys)
        rows = self._layout.rows(candidate, order, outcomes)
        entry = _Entry(candidate, order, keys, rows)
        self._entries[candidate.id] = entry
        self._years.update(_years(candidate))
        self._changed[candidate.id] = entry
        self._decided = None

    def _decide(self, candidate: Candidate, keys: list[int]) -> list[Outcome]:
        record = candidate.record()
        if self.engine == "scalar":
            return [_outcome(evaluate_candidate(self.rulebook, record, quota_id))
                    for quota_id in candidate.quotas]
        if self._durable is None:
            raise RuntimeError("the session is closed")
        decided = self._durable.decide(
            [Nomination(key, quota_id, record)
             for key, quota_id in zip(keys, candidate.quotas, strict=True)], keep=True)
        return [decided[key] for key in keys]

    def _withdraw(self, entry: _Entry) -> None:
        self._years.subtract(_years(entry.candidate))
        if self._durable is not None:
            self._durable.retract(entry.keys)

    def _evaluated(self) -> pl.DataFrame:
        if self._changed:
            changed = list(self._changed)
            fresh = [entry.rows for entry in self._changed.values() if entry is not None]
            kept = self._kept.filter(~pl.col(CANDIDATE).is_in(changed))
            self._kept = pl.concat([kept, *fresh], how="diagonal_relaxed")
            if self._kept.n_chunks() > _MAX_CHUNKS:  # one chunk per nominee makes polars crawl
                self._kept = self._kept.rechunk()
            self._changed.clear()
        ordered = self._kept.sort(_ORDER, PREFERENCE).with_columns(
            pl.col(_ORDER).rank("dense").cast(pl.Int64).alias(ROW))
        years = {column for column, count in self._years.items() if count > 0}
        return ordered.select(self._layout.columns(years))

    def _unknown(self, candidate_id: str) -> RecordError:
        close = suggest(str(candidate_id), list(self._entries))
        hint = f"; did you mean '{close}'?" if close else ""
        return RecordError(f"no nominee '{candidate_id}' in the session{hint}", field="id",
                           value=candidate_id)


def _years(candidate: Candidate) -> list[tuple[str, int]]:
    return [(name, year) for name, years in candidate.yearly.items() for year in years]


def _outcome(evaluation: Any) -> Outcome:
    met = tuple(outcome.met for outcome in evaluation.outcomes)
    points = None if evaluation.points is None else tuple(evaluation.points.values())
    return Outcome(met, points)


# --- the frame layout of a batch run -----------------------------------------------------------


class _Layout:
    """The columns and dtypes of a batch run's decisions, for rows built one nominee at a time."""

    def __init__(self, rulebook: CompiledRulebook) -> None:
        from eligibility.engines.vectorized import evaluate_frame, polars_type

        self.rulebook = rulebook
        self._polars_type = polars_type
        self.fields = [name for name, spec in rulebook.fields.items() if not spec.yearly]
        self.yearly = [name for name, spec in rulebook.fields.items() if spec.yearly]
        self.inputs: dict[str, pl.DataType] = {
            CANDIDATE: pl.String(),
            **{name: polars_type(rulebook.fields[name].type) for name in self.fields}}
        empty = pl.DataFrame(schema={**self.inputs, QUOTA: pl.String, ROW: pl.Int64,
                                     PREFERENCE: pl.Int64})
        template = evaluate_frame(rulebook, empty)
        self.outputs = {name: template.schema[name] for name in template.columns
                        if name not in empty.columns}

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema={**self.inputs, QUOTA: pl.String, ROW: pl.Int64,
                                    PREFERENCE: pl.Int64, **self.outputs, _ORDER: pl.Int64})

    def columns(self, years: set[tuple[str, int]]) -> list[str]:
        """Batch order: id, fields, yearly columns (field order, then year), nomination."""
        yearly = [yearly_column(name, year) for name, year in
                  sorted(years, key=lambda item: (self.yearly.index(item[0]), item[1]))]
        return [CANDIDATE, *self.fields, *yearly, QUOTA, ROW, PREFERENCE, *self.outputs]

    def rows(self, candidate: Candidate, order: int,
             outcomes: Sequence[Outcome]) -> pl.DataFrame:
        record = candidate.record()
        count = len(candidate.quotas)
        evaluated = evaluation_columns(self.rulebook, [record] * count, candidate.quotas,
                                       outcomes)
        columns: dict[str, list[Any]] = {
            CANDIDATE: [candidate.id] * count,
            **{name: [_cell(candidate.values[name])] * count for name in self.fields}}
        schema = dict(self.inputs)
        for name, years in candidate.yearly.items():
            kind = self._polars_type(self.rulebook.fields[name].type)
            for year, value in sorted(years.items()):
                columns[yearly_column(name, year)] = [value] * count
                schema[yearly_column(name, year)] = kind
        columns[QUOTA] = list(candidate.quotas)
        columns[ROW] = [None] * count
        columns[PREFERENCE] = list(range(1, count + 1))
        columns.update(evaluated)
        columns[_ORDER] = [order] * count
        return pl.DataFrame(columns, schema={**schema, QUOTA: pl.String, ROW: pl.Int64,
                                             PREFERENCE: pl.Int64, **self.outputs,
                                             _ORDER: pl.Int64})


def _cell(value: Any) -> Any:
    """A typed value as polars takes it (intervals as ``{start, end}``)."""
    if isinstance(value, Interval):
        return {"start": value.start, "end": value.end}
    if isinstance(value, list):
        return [_cell(item) for item in value]
    return value


# --- reading records -------------------------------------------------------------------------


def read_candidate(rulebook: CompiledRulebook, record: Mapping[str, Any]) -> Candidate:
    """Read and check ``record`` (typed values or text cells) against ``rulebook``.

    Raises :class:`RecordError` naming the field that cannot be read, a required field that
    is missing, or a key that is not a field.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"a record is a mapping of field → value, not "
                          f"{type(record).__name__}", field="record", value=record)
    reader = _Reader(rulebook)
    for key in record:
        reader.check_known(str(key))
    candidate_id = reader.identity(record)
    quotas = reader.nominations(record)
    values = {name: reader.field(name, _first(record, spec.columns, name))
              for name, spec in rulebook.fields.items() if not spec.yearly}
    yearly = {name: reader.years(name, record) for name, spec in rulebook.fields.items()
              if spec.yearly}
    return Candidate(candidate_id, values, {name: years for name, years in yearly.items()
                                            if years}, quotas)


def _first(record: Mapping[str, Any], keys: Sequence[str], name: str) -> Any:
    for key in (name, *keys):
        if key in record:
            return record[key]
    return None


class _Reader:
    """Reads one record's values, each by its field's declared type."""

    def __init__(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook
        self.patterns = {name: [re.compile(re.escape(pattern).replace(re.escape("{year}"),
                                                                          r"(\d{4})"))
                                for pattern in spec.columns]
                         for name, spec in rulebook.fields.items() if spec.yearly}
        self.known = {*rulebook.id_columns, *rulebook.nominations_columns, CANDIDATE,
                      *rulebook.fields,
                      *(column for spec in rulebook.fields.values() if not spec.yearly
                        for column in spec.columns)}

    def check_known(self, key: str) -> None:
        if key in self.known or self._yearly_key(key) is not None:
            return
        close = suggest(key, sorted(self.known))
        hint = f"; did you mean '{close}'?" if close else ""
        raise RecordError(f"'{key}' is not a field of rulebook '{self.rulebook.id}'{hint}",
                          field=key)

    def _yearly_key(self, key: str) -> tuple[str, int] | None:
        for name, patterns in self.patterns.items():
            for pattern in patterns:
                match = pattern.fullmatch(key)
                if match:
                    return name, int(match.group(1))
        return None

    def identity(self, record: Mapping[str, Any]) -> str:
        name = self.rulebook.id_columns[0]
        value = _first(record, (*self.rulebook.id_columns, CANDIDATE), name)
        if not isinstance(value, str) or not strip(value):
            raise RecordError("expected the nominee's id as non-empty text, e.g. 'HN-0001'",
                              field=name, value=value)
        return nfc(strip(value))

    def nominations(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        name = self.rulebook.nominations_columns[0]
        value = _first(record, self.rulebook.nominations_columns, name)
        if isinstance(value, str):
            value = value.split(self.rulebook.nominations_separator)
        if not isinstance(value, (list, tuple)) or not value:
            raise RecordError("expected the quotas the nominee is put forward for, most "
                              "wanted first, e.g. ['tai-chinh', 'pg-abroad']", field=name,
                              value=value)
        by_lowercase = {quota_id.lower(): quota_id for quota_id in self.rulebook.quotas}
        quotas: list[str] = []
        for item in value:
            code = by_lowercase.get(strip(item).lower()) if isinstance(item, str) else None
            if code is None:
                close = suggest(str(item), list(self.rulebook.quotas))
                hint = f"; did you mean '{close}'?" if close else ""
                raise RecordError(f"'{item}' is not a quota of rulebook "
                                  f"'{self.rulebook.id}'{hint}", field=name, value=item)
            if code in quotas:
                raise RecordError(f"'{code}' is listed more than once", field=name, value=item)
            quotas.append(code)
        return tuple(quotas)

    def years(self, name: str, record: Mapping[str, Any]) -> dict[int, Any]:
        given = record.get(name)
        years: dict[int, Any] = {}
        if given is not None:
            if not isinstance(given, Mapping):
                raise RecordError("expected {year: value}, e.g. {2022: 'good'}", field=name,
                                  value=given)
            for year, value in given.items():
                if isinstance(year, bool) or not isinstance(year, int):
                    raise RecordError(f"a year is a whole number, not {year!r}", field=name,
                                      value=year)
                years[year] = self.field(name, value, label=f"{name}[{year}]")
        for key, value in record.items():
            found = self._yearly_key(str(key))
            if found is not None and found[0] == name:
                years[found[1]] = self.field(name, value, label=str(key))
        return years

    def field(self, name: str, value: Any, *, label: str | None = None) -> Any:
        """One value of field ``name``: checked if typed, parsed if text; default if None."""
        spec = self.rulebook.fields[name]
        label = label or name
        if isinstance(value, str) and spec.type != TEXT and not _is_code(value, spec.type):
            value = self._parsed(spec, value, label)
        else:
            value = _checked(spec.type, value, label)
        if value is None and not spec.yearly:
            value = _default(spec)
        if value is None and spec.required:
            raise RecordError("a value is required here", field=label)
        return value

    def _parsed(self, spec: FieldSpec, text: str, label: str) -> Any:
        result = parse_field(pl.Series(label, [text], dtype=pl.String), spec, self.rulebook)
        error = result.errors[0]
        if error is not None:
            raise RecordError(error, field=label, value=text)
        value = result.values[0]
        if isinstance(value, pl.Series):
            value = value.to_list()
        return _typed(spec.type, value)


def _is_code(value: str, kind: Type) -> bool:
    return isinstance(kind, EnumType) and value in kind.codes


def _typed(kind: Type, value: Any) -> Any:
    """A parsed polars value as the engines hold it (structs as intervals)."""
    if value is None:
        return None
    if kind == INTERVAL:
        return Interval(value["start"], value["end"])
    if kind == ListType("list", INTERVAL):
        return [Interval(item["start"], item["end"]) for item in value]
    if kind == NUMBER:
        return float(value)
    return value


def _default(spec: FieldSpec) -> Any:
    if isinstance(spec.type, ListType):
        return list(spec.default or [])
    if spec.type == BOOL:
        return spec.default if isinstance(spec.default, bool) else None
    return None


_EXPECTED: dict[Type, tuple[type | tuple[type, ...], str]] = {
    BOOL: (bool, "true or false"),
    DATE: (dt.date, "a date, e.g. datetime.date(1990, 5, 17) or '17/05/1990'"),
    INTERVAL: (Interval, "an Interval(start, end) or 'YYYY-MM-DD/YYYY-MM-DD'"),
}


def _checked(kind: Type, value: Any, label: str) -> Any:
    """A typed value checked against ``kind``; raises :class:`RecordError` if it is not one."""
    if value is None:
        return None
    if kind == TEXT:
        if not isinstance(value, str):
            raise RecordError(f"expected text, not {type(value).__name__} {value!r}",
                              field=label, value=value)
        return nfc(strip(value)) or None
    if kind in (INT, NUMBER):
        return _checked_number(kind, value, label)
    if isinstance(kind, EnumType):
        if value not in kind.codes:
            close = suggest(str(value), kind.codes)
            hint = f"; did you mean '{close}'?" if close else ""
            raise RecordError(f"{value!r} is not a code of {kind.name} "
                              f"({', '.join(kind.codes)}){hint}", field=label, value=value)
        return value
    if isinstance(kind, ListType):
        if not isinstance(value, (list, tuple)):
            raise RecordError(f"expected a list of {kind.item}, not {value!r}", field=label,
                              value=value)
        return [_checked(kind.item, item, label) for item in value]
    expected, example = _EXPECTED.get(kind, (object, str(kind)))
    if not isinstance(value, expected) or (kind == DATE and isinstance(value, dt.datetime)):
        raise RecordError(f"expected {example}, not {value!r}", field=label, value=value)
    if kind == INTERVAL and value.end < value.start:
        raise RecordError(f"{value} ends before it starts", field=label, value=value)
    return value


def _checked_number(kind: Type, value: Any, label: str) -> int | float:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind == INT and not whole:
        raise RecordError(f"expected a whole number, not {value!r}", field=label, value=value)
    if not whole and not (isinstance(value, float) and math.isfinite(value)):
        raise RecordError(f"expected a number, not {value!r}", field=label, value=value)
    return value if kind == INT else float(value)
