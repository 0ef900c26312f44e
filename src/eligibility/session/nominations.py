"""A live session's state: nominees, their outcome records, and the decisions read from them."""

from __future__ import annotations

import functools
import itertools
import threading
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

import polars as pl

from eligibility.engines import scalar
from eligibility.engines.outcome import Outcome
from eligibility.errors import RecordError, SessionClosedError, UsageError, suggest
from eligibility.frames import CANDIDATE, PREFERENCE, RANK, ROW, STATUS, reasons_column
from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from eligibility.messages import reasons_expr
from eligibility.records import Nominee, read_nominee
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import select
from eligibility.selection.keys import UnsupportedKey
from eligibility.session.layout import ORDER, Layout
from eligibility.session.reasons import reasons_of
from eligibility.session.seats import LiveSeats

SESSION_ENGINES = ("durable", "scalar")
_MAX_CHUNKS = 8

P = ParamSpec("P")
R = TypeVar("R")


def _locked(method: Callable[Concatenate[NominationSession, P], R]
            ) -> Callable[Concatenate[NominationSession, P], R]:
    """Run ``method`` holding the session's lock, refusing a closed session."""

    @functools.wraps(method)
    def run(self: NominationSession, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            if self._closed:
                raise SessionClosedError("this session is closed; open a new one with "
                                         "eligibility.open_session(rulebook)")
            return method(self, *args, **kwargs)
    return run


@dataclass
class _Entry:
    nominee: Nominee
    order: int
    keys: list[int]
    records: list[dict[str, Any]]  # this nominee's evaluated nominations, as Python values
    reasons: list[dict[str, str]] | None = None  # per nomination, once read


class NominationSession:
    """Nominees decided one at a time; read-outs always reflect every change so far.

    Safe to share between threads: every call holds the session's lock, so changes and
    read-outs never interleave. After :meth:`close`, every call raises
    :class:`~eligibility.errors.SessionClosedError`.
    """

    def __init__(self, rulebook: CompiledRulebook, *, engine: str = "durable",
                 language: str = DEFAULT_LANGUAGE) -> None:
        if not isinstance(rulebook, CompiledRulebook):
            raise UsageError(f"expected a rulebook loaded by eligibility.load_rulebook(), not "
                             f"{type(rulebook).__name__}")
        if engine not in SESSION_ENGINES:
            raise UsageError(f"unknown session engine {engine!r}; expected one of "
                             f"{', '.join(SESSION_ENGINES)}")
        if language not in LANGUAGES:
            raise UsageError(f"unknown language {language!r}; expected one of "
                             f"{', '.join(LANGUAGES)}")
        self.rulebook = rulebook
        self.engine = engine
        self.language = language
        self._durable = None
        if engine == "durable":
            from eligibility.engines.durable import DurableEngine

            self._durable = DurableEngine(rulebook)
        self._lock = threading.RLock()
        self._closed = False
        self._entries: dict[str, _Entry] = {}
        self._orders = itertools.count()
        self._keys = itertools.count()
        self._layout = Layout(rulebook)
        self._kept = self._layout.empty()
        self._changed: dict[str, _Entry | None] = {}
        self._decided: pl.DataFrame | None = None
        self._years: Counter[tuple[str, int]] = Counter()  # yearly columns in use
        self._present: list[int] = []  # the orders of the nominees in the session, sorted
        self._reasons = [reasons_expr(rulebook, language).alias(reasons_column(language))
                         for language in LANGUAGES]
        self._read_columns: dict[frozenset[tuple[str, int]], dict[str, pl.DataType]] = {}
        self._seats = _live_seats(rulebook, self._layout.schema({}))

    # --- changes -------------------------------------------------------------------------------

    @_locked
    def assert_candidate(self, record: Mapping[str, Any]) -> None:
        """Add a nominee; raises :class:`RecordError` if the record cannot be read or the id
        is already in the session."""
        nominee = read_nominee(self.rulebook, record, language=self.language)
        if nominee.id in self._entries:
            raise RecordError(t("record.already_in_session", self.language, id=nominee.id),
                              field="id", value=nominee.id)
        order = next(self._orders)
        self._put(nominee, order)
        insort(self._present, order)

    @_locked
    def update_candidate(self, record: Mapping[str, Any]) -> None:
        """Replace a nominee's record (it keeps its place in the order)."""
        nominee = read_nominee(self.rulebook, record, language=self.language)
        entry = self._entries.get(nominee.id)
        if entry is None:
            raise self._unknown(nominee.id)
        self._withdraw(entry)
        self._put(nominee, entry.order)

    @_locked
    def retract_candidate(self, candidate_id: str) -> None:
        """Remove a nominee and every nomination of theirs."""
        entry = self._entries.pop(self._known(candidate_id), None)
        assert entry is not None
        self._withdraw(entry)
        del self._present[bisect_left(self._present, entry.order)]
        if self._seats is not None:
            self._seats.remove(candidate_id)
        self._changed[candidate_id] = None
        self._decided = None

    # --- read-outs -----------------------------------------------------------------------------

    @_locked
    def decisions(self) -> pl.DataFrame:
        """Every nomination decided: the batch columns, with ``rank`` and ``status``."""
        if self._decided is None:
            evaluated = self._evaluated().with_columns(self._reasons)
            if self._seats is None:
                self._decided = select(self.rulebook, evaluated)
            else:
                self._decided = evaluated.with_columns(self._seats.columns(evaluated))
        return self._decided

    @_locked
    def decision(self, candidate_id: str) -> pl.DataFrame:
        """One nominee's nominations, as rows of :meth:`decisions`."""
        known = self._known(candidate_id)
        if self._seats is None:
            return self.decisions().filter(pl.col(CANDIDATE) == known)
        entry = self._entries[known]
        if entry.reasons is None:
            entry.reasons = reasons_of(self.rulebook, entry.records)
        ranks, statuses = self._seats.standing(known)
        row = bisect_left(self._present, entry.order) + 1
        # One call from one dict per row: the yearly columns the nominee lacks are nulls.
        return pl.from_dicts([
            {**record, ROW: row, **reasons, RANK: rank, STATUS: status}
            for record, reasons, rank, status in zip(entry.records, entry.reasons, ranks,
                                                     statuses, strict=True)],
            schema=self._columns())

    @property
    @_locked
    def candidate_ids(self) -> list[str]:
        """The nominees in the session, in the order they were first asserted."""
        return [entry.nominee.id for entry in sorted(self._entries.values(),
                                                     key=lambda entry: entry.order)]

    @_locked
    def __len__(self) -> int:
        return len(self._entries)

    # --- lifetime ------------------------------------------------------------------------------

    def close(self) -> None:
        """Release the session's rulesets and everything in them; closing twice is fine."""
        with self._lock:
            self._closed = True
            if self._durable is not None:
                self._durable.close()
                self._durable = None
            self._entries.clear()
            self._present.clear()
            self._seats = None
            self._kept = self._layout.empty()
            self._decided = None

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> NominationSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------

    def _put(self, nominee: Nominee, order: int) -> None:
        keys = [next(self._keys) for _ in nominee.quotas]
        outcomes = self._decide(nominee, keys)
        records = self._layout.records(nominee, order, outcomes)
        entry = _Entry(nominee, order, keys, records)
        self._entries[nominee.id] = entry
        self._years.update(_years(nominee))
        self._changed[nominee.id] = entry
        self._decided = None
        if self._seats is not None:
            self._seats.put(nominee.id, nominee.quotas, records)

    def _decide(self, nominee: Nominee, keys: list[int]) -> list[Outcome]:
        record = nominee.record()
        if self._durable is None:
            return [scalar.decide(self.rulebook, record, quota_id)
                    for quota_id in nominee.quotas]
        from eligibility.engines.durable import Nomination

        decided = self._durable.decide(
            [Nomination(key, quota_id, record)
             for key, quota_id in zip(keys, nominee.quotas, strict=True)], keep=True)
        return [decided[key] for key in keys]

    def _withdraw(self, entry: _Entry) -> None:
        self._years.subtract(_years(entry.nominee))
        if self._durable is not None:
            self._durable.retract(entry.keys)

    def _evaluated(self) -> pl.DataFrame:
        if self._changed:
            changed = list(self._changed)
            fresh = [entry for entry in self._changed.values() if entry is not None]
            years: dict[str, set[int]] = {}
            for name, year in (pair for entry in fresh for pair in _years(entry.nominee)):
                years.setdefault(name, set()).add(year)
            rows = self._layout.frame(
                [record for entry in fresh for record in entry.records], years)
            kept = self._kept.filter(~pl.col(CANDIDATE).is_in(changed))
            self._kept = pl.concat([kept, rows], how="diagonal_relaxed")
            if self._kept.n_chunks() > _MAX_CHUNKS:  # one chunk per nominee makes polars crawl
                self._kept = self._kept.rechunk()
            self._changed.clear()
        ordered = self._kept.sort(ORDER, PREFERENCE).with_columns(
            pl.col(ORDER).rank("dense").cast(pl.Int64).alias(ROW))
        years = {column for column, count in self._years.items() if count > 0}
        return ordered.select(self._layout.columns(years))

    def _columns(self) -> dict[str, pl.DataType]:
        """The columns of :meth:`decisions` and their dtypes, given the yearly ones in use."""
        years = frozenset(column for column, count in self._years.items() if count > 0)
        columns = self._read_columns.get(years)
        if columns is None:
            by_field: dict[str, list[int]] = {}
            for name, year in years:
                by_field.setdefault(name, []).append(year)
            schema = self._layout.schema(by_field)
            columns = {name: schema[name] for name in self._layout.columns(set(years))}
            columns.update({reasons_column(language): pl.String() for language in LANGUAGES})
            columns.update({RANK: pl.Int64(), STATUS: pl.String()})
            self._read_columns = {years: columns}
        return columns

    def _known(self, candidate_id: object) -> str:
        if not isinstance(candidate_id, str):
            raise UsageError(f"a nominee's id is text, not {type(candidate_id).__name__}")
        if candidate_id not in self._entries:
            raise self._unknown(candidate_id)
        return candidate_id

    def _unknown(self, candidate_id: str) -> RecordError:
        close = suggest(str(candidate_id), list(self._entries), key=str.casefold)
        hint = t("record.did_you_mean", self.language, close=close) if close else ""
        return RecordError(t("record.not_in_session", self.language, id=candidate_id,
                             hint=hint), field="id", value=candidate_id)


def _live_seats(rulebook: CompiledRulebook, schema: dict[str, pl.DataType]) -> LiveSeats | None:
    """Live ranks and seats, or none when the ranking reads a list or an interval (then
    :func:`~eligibility.selection.select` ranks and allocates at each read)."""
    try:
        return LiveSeats(rulebook, schema)
    except UnsupportedKey:
        return None


def _years(nominee: Nominee) -> list[tuple[str, int]]:
    return [(name, year) for name, years in nominee.yearly.items() for year in years]
