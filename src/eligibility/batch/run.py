"""A whole nominee file decided, ranked and allocated, with memory bounded by the ranking.

The file is read part by part (:func:`~eligibility.intake.readers.read_table_parts`); each
part is parsed, decided for every quota (:class:`~eligibility.batch.parts.QuotaDecider`)
and its rows kept per quota (:class:`~eligibility.batch.store.PartStore`: in memory within a
budget, then on disk). Once the last part is read, the rows rejected for a shared id are
taken out, each quota's eligible nominations are ranked (one sort of their ranking keys),
seats are allocated among the applications that can win one
(:func:`~eligibility.selection.allocation.winnable`), and the counts are known.
:meth:`BatchRanking.write_decisions` then writes ``decisions.csv`` one quota at a time, in
its order — eligible by rank, then ineligible by id — so that only one quota's rows are in
memory while the file is written.

The files are byte for byte those the library's :func:`eligibility.decide` gives for the same
file (:meth:`eligibility.Decisions.table`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TypeVar

import polars as pl

from eligibility.batch.parts import REASONS, QuotaDecider
from eligibility.batch.store import DEFAULT_BUDGET, PartStore
from eligibility.frames import (
    CANDIDATE,
    ELIGIBLE,
    PREFERENCE,
    QUOTA,
    RANK,
    ROW,
    SCORE,
    STATUS,
    points_dtype,
)
from eligibility.intake.chunks import ChunkedIntake
from eligibility.intake.fields import NAME_FIELD, NOMINATIONS
from eligibility.intake.headers import HeaderIndex
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.nominees import column_map, removed_names
from eligibility.intake.readers import CSV_SUFFIXES, read_table_parts
from eligibility.intake.rejections import AGENCY_FIELD, REJECTED_COLUMNS, SettledProblems
from eligibility.output.decisions import decision_columns, has_formula_start, write_csv
from eligibility.rounds import EarlierRounds, add_earlier_courses
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import STATUSES, placements, statuses_expr, summary_table
from eligibility.selection.cutoff import QuotaCutoff, quota_cutoff
from eligibility.selection.ranking import rank_key_column, total_order

__all__ = ["BatchRanking"]

_Read = TypeVar("_Read")

#: Bytes of a delimited file read per part.
PART_BYTES = 64 * 1024 * 1024
_ROWS_PER_PART = 250_000  # for a workbook or a Parquet file
_ROWS_PER_BLOCK = 250_000  # of decisions.csv turned into text at a time (~50 MB)
_SHOWN_TEXT = ("full_name", "agency")  # the people's fields the decisions table shows


class BatchRanking:
    """One ``rank`` run over a nominee file: :meth:`read`, then write its files.

    Use as a context manager (temporary files are removed on exit)::

        with BatchRanking(rulebook, engine="vectorized", language="vi") as run:
            run.read(path)
            run.write_decisions(handle)
            run.write_rejected(other_handle)
            run.summary, run.counts, run.warnings
    """

    def __init__(self, rulebook: CompiledRulebook, *, engine: str = "vectorized",
                 language: str = "vi", earlier: EarlierRounds | None = None,
                 limits: IntakeLimits = LIMITS, memory_budget: int = DEFAULT_BUDGET) -> None:
        self.rulebook = rulebook
        self.engine = engine
        self.language = language
        self.earlier = earlier or EarlierRounds()
        self.limits = limits
        self.warnings: list[str] = []
        self.summary = pl.DataFrame()
        self.counts: dict[str, int] = {}
        self._store = PartStore(memory_budget)
        self._decider: QuotaDecider | None = None
        self._extras: dict[str, str] = {}
        self._formula_columns: set[str] = set()  # input text columns with a formula-like cell
        self._settled: SettledProblems | None = None
        self._orders: dict[str, pl.Series] = {}
        self._placed = pl.DataFrame()
        self._schema: dict[str, pl.DataType] = {}
        self._names: dict[int, tuple[str | None, str | None]] = {}
        #: Each quota's cut-off, once :meth:`write_decisions` has run.
        self.cutoffs: dict[str, QuotaCutoff] = {}

    # --- reading -------------------------------------------------------------------------

    def read(self, path: Path, *, sheet: str | int = 0,
             on_part: Callable[[int], None] | None = None) -> None:
        """Read, decide, rank and allocate the nominee file at ``path``; ``on_part`` is
        called after each part is decided, with the rows of the parts decided so far (to
        show progress)."""
        index = HeaderIndex(self.rulebook)
        parts = read_table_parts(path, sheet=sheet, language=self.language,
                                 limits=self.limits, header_score=index.score,
                                 rows_per_part=_rows_per_part(path))
        layout = parts.layout(self.language)
        columns = column_map(parts.table, layout.names, self.rulebook,
                             language=self.language, index=index)
        intake = ChunkedIntake(self.rulebook, columns, layout.names,
                               source=parts.table.source, language=self.language,
                               limits=self.limits, header_line=parts.table.header_line,
                               blank_lines_end=parts.blank_lines_end)
        self._extras = intake.extra_columns
        decider = self._decider = QuotaDecider(self.rulebook, engine=self.engine,
                                               language=self.language,
                                               extras=list(self._extras))

        def read_part(raw: pl.DataFrame, row_errors: pl.Series | None
                      ) -> tuple[pl.DataFrame, int]:
            candidates = add_earlier_courses(intake.read(layout.apply(raw), row_errors),
                                             self.rulebook, self.earlier)
            return self._note_formulas(candidates), raw.height

        accepted = rows = 0
        typed: pl.DataFrame | None = None
        for candidates, height in _read_ahead(parts, read_part):
            accepted += candidates.height
            typed = candidates
            for part in decider.decide(candidates):
                self._store.add(part.quota_id, "eligible", part.eligible)
                self._store.add(part.quota_id, "ineligible", part.ineligible)
            rows += height
            if on_part is not None:
                on_part(rows)
        if typed is None:  # no row at all: the typed columns of an empty part
            typed = add_earlier_courses(intake.read(pl.DataFrame(
                schema=dict.fromkeys(layout.names, pl.String))), self.rulebook, self.earlier)
        self._schema = self._part_schema(decider, typed)
        self.warnings = intake.warnings()
        settled = self._settled = intake.settle()
        self._names = self._removed_names()
        self._rank_and_allocate()
        self._count(settled, accepted - len(settled.removed))

    def _note_formulas(self, candidates: pl.DataFrame) -> pl.DataFrame:
        """Note which of the text columns the decisions table copies from the input hold a
        cell that starts like a spreadsheet formula (checked here, on the reading thread,
        once per person rather than once per nomination when written)."""
        for name in (CANDIDATE, *_SHOWN_TEXT, *self._extras):
            if name in self._formula_columns or name not in candidates.columns:
                continue
            column = candidates[name]
            if not column.dtype.is_nested() and has_formula_start(column.cast(pl.String)):
                self._formula_columns.add(name)
        return candidates

    def _formula_free(self) -> set[str]:
        """The decisions table's columns known to hold no formula-like cell."""
        names = {CANDIDATE: CANDIDATE, **{name: name for name in _SHOWN_TEXT},
                 **self._extras_named()}
        return {shown for column, shown in names.items()
                if column not in self._formula_columns}

    def _part_schema(self, decider: QuotaDecider,
                     typed: pl.DataFrame) -> dict[str, pl.DataType]:
        """The columns the stored frames hold. When no row was decided (none read, or all
        rejected), they are learnt by deciding one row of nulls shaped as the rows read."""
        for quota_id in self.rulebook.quotas:
            for kind in ("eligible", "ineligible"):
                found = self._store.schema_of(quota_id, kind)
                if found is not None:
                    return found
        probe = typed.clear(1).with_columns(
            pl.lit([next(iter(self.rulebook.quotas))], pl.List(pl.String)).alias(NOMINATIONS),
            pl.lit(0, pl.Int64).alias(ROW))
        for part in decider.decide(probe):
            return dict(part.eligible.schema)
        raise AssertionError("a nomination of the first quota decides that quota")

    def _kept(self, quota_id: str, kind: str, columns: list[str] | None = None
              ) -> pl.DataFrame:
        """The stored rows of a quota, without those rejected for a shared id."""
        assert self._settled is not None
        frame = self._store.load(quota_id, kind, self._schema, columns)
        removed = self._settled.removed
        if len(removed) and frame.height:
            frame = frame.filter(~pl.col(ROW).is_in(removed.implode()))
        return frame

    def _rank_and_allocate(self) -> None:
        """Each quota's eligible nominations in rank order, and the seats they win."""
        keys, descending = _sort_keys(self.rulebook)
        capacity = {quota_id: rules.capacity for quota_id, rules in self.rulebook.quotas.items()}
        total = sum(capacity.values())
        applications = []
        for quota_id in self.rulebook.quotas:
            columns = list(dict.fromkeys([*keys, CANDIDATE, PREFERENCE, ROW]))
            ranked = (self._kept(quota_id, "eligible", columns).with_row_index("__at")
                      .sort(keys, descending=descending, nulls_last=True, maintain_order=True))
            self._orders[quota_id] = ranked["__at"]
            applications.append(ranked.head(total).select(
                CANDIDATE, PREFERENCE, ROW, pl.lit(quota_id).alias(QUOTA),
                pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(RANK)))
        self._placed = placements(pl.concat(applications), capacity)

    def _count(self, settled: SettledProblems, people: int) -> None:
        """The summary per quota and the run's counts."""
        rows = []
        statuses = dict.fromkeys(STATUSES, 0)
        placed = self._placed
        placed_rows = pl.Series(ROW, [] if placed.is_empty() else placed[ROW],
                                dtype=pl.Int64).implode()
        for quota_id in self.rulebook.quotas:
            eligible = self._kept(quota_id, "eligible", [ROW, PREFERENCE, SCORE])
            ineligible = self._kept(quota_id, "ineligible", [ROW]).height
            # An eligible nomination of someone placed nowhere is a reserve: only the
            # nominations of the people placed (at most the seats) need their status.
            status = eligible.filter(pl.col(ROW).is_in(placed_rows)).select(
                pl.lit(True).alias(ELIGIBLE), pl.lit(quota_id).alias(QUOTA), ROW, PREFERENCE,
                SCORE).with_columns(statuses_expr(placed, on=ROW))
            chosen = status.filter(pl.col(STATUS) == "selected")
            found = dict(status[STATUS].value_counts().iter_rows())
            found["reserve"] = eligible.height - status.height + found.get("reserve", 0)
            for name, count in found.items():
                statuses[name] += count
            statuses["ineligible"] += ineligible
            rows.append({QUOTA: quota_id, "nominated": eligible.height + ineligible,
                         ELIGIBLE: eligible.height, "selected": chosen.height,
                         "cutoff_score": chosen[SCORE].min()})
        counted = pl.DataFrame(rows, schema={QUOTA: pl.String, "nominated": pl.Int64,
                                             ELIGIBLE: pl.Int64, "selected": pl.Int64,
                                             "cutoff_score": points_dtype(self.rulebook)})
        self.summary = summary_table(self.rulebook, counted)
        self.counts = {"rows_in": settled.rows_in, "people_decided": people,
                       "rows_rejected": settled.count,
                       "nominations": int(self.summary["nominated"].sum()), **statuses}

    # --- writing -------------------------------------------------------------------------

    def decisions(self) -> Iterator[pl.DataFrame]:
        """The decisions table, one quota's eligible, then ineligible, rows at a time; each
        quota's cut-off (:attr:`cutoffs`) is analysed on the way."""
        assert self._decider is not None
        columns = [*decision_columns(self.rulebook, self._schema, reasons=REASONS),
                   *self._extra_columns()]
        seats = self._placed.select(CANDIDATE, pl.col("__placed_quota").alias("placed_in"))
        analysed = list(dict.fromkeys(
            name for name in (CANDIDATE, QUOTA, PREFERENCE, STATUS, SCORE, RANK,
                              *_sort_keys(self.rulebook)[0], "full_name", "agency")
            if name in self._schema or name in (STATUS, RANK)))
        for quota_id in self.rulebook.quotas:
            eligible = self._kept(quota_id, "eligible")[self._orders[quota_id]].with_columns(
                pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(RANK),
                statuses_expr(self._placed, on=ROW))
            self._store.drop(quota_id, "eligible")
            ineligible = self._kept(quota_id, "ineligible").sort(CANDIDATE).with_columns(
                pl.lit(None, pl.Int64).alias(RANK), pl.lit("ineligible").alias(STATUS))
            self._store.drop(quota_id, "ineligible")
            nominations = pl.concat([eligible.select(analysed), ineligible.select(analysed)])
            self.cutoffs[quota_id] = quota_cutoff(self.rulebook, quota_id, nominations, seats)
            del nominations
            yield eligible.select(columns)
            del eligible
            yield ineligible.select(columns)

    def _extra_columns(self) -> list[pl.Expr]:
        """The input's extra columns, named as written (``input.<name>`` where the table has
        a column of that name)."""
        return [pl.col(column).alias(name) for column, name in self._extras_named().items()]

    def _extras_named(self) -> dict[str, str]:
        table = {CANDIDATE, "full_name", "agency", QUOTA, PREFERENCE, STATUS, ELIGIBLE, SCORE,
                 RANK, "failed", "reasons", ROW, *(name for name in self._schema
                                                   if name.startswith("points."))}
        return {column: f"input.{name}" if name in table else name
                for column, name in self._extras.items()}

    def write_decisions(self, handle: BinaryIO) -> None:
        """Write ``decisions.csv`` (after :meth:`read`).

        Each block of rows (at most :data:`_ROWS_PER_BLOCK`) is written as CSV by a second
        thread, straight to ``handle``, while the next is gathered and sorted (polars
        releases the interpreter's lock); the blocks are written in order, and at most two
        wait to be.
        """
        waiting: deque[Future[None]] = deque()
        first = True
        formula_free = self._formula_free()
        with ThreadPoolExecutor(max_workers=1) as writer:
            for frame in self.decisions():
                for block in frame.iter_slices(_ROWS_PER_BLOCK) if frame.height else [frame]:
                    if block.height or first:
                        waiting.append(writer.submit(write_csv, block, handle, header=first,
                                                     formula_free=formula_free))
                        first = False
                    while len(waiting) > 1:
                        waiting.popleft().result()
            while waiting:
                waiting.popleft().result()

    def write_rejected(self, handle: BinaryIO) -> None:
        """Write ``rejected.csv`` (after :meth:`read`)."""
        write_csv(self.rejected().select(REJECTED_COLUMNS), handle)

    def rejected(self) -> pl.DataFrame:
        """The rejected rows (``rejected.csv``'s columns and ``candidate_id``)."""
        assert self._settled is not None
        return self._settled.rejected(self._names)

    def _removed_names(self) -> dict[int, tuple[str | None, str | None]]:
        """The name and agency of each row rejected for a shared id after it was read and
        decided."""
        assert self._settled is not None
        removed = self._settled.removed
        if not len(removed):
            return {}
        columns = [name for name in (ROW, NAME_FIELD, AGENCY_FIELD) if name in self._schema]
        names: dict[int, tuple[str | None, str | None]] = {}
        for quota_id in self.rulebook.quotas:
            for kind in ("eligible", "ineligible"):
                found = self._store.load(quota_id, kind, self._schema, columns) \
                    .filter(pl.col(ROW).is_in(removed.implode()))
                names.update(removed_names(found))
        return names

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> BatchRanking:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _read_ahead(parts: Iterable[tuple[pl.DataFrame, pl.Series | None]],
                read: Callable[[pl.DataFrame, pl.Series | None], _Read]) -> Iterator[_Read]:
    """Each part read by ``read``, the next one read while the caller works on this one
    (polars releases the interpreter's lock, so both cores work)."""
    source = iter(parts)

    def next_part() -> _Read | None:
        found = next(source, None)
        return None if found is None else read(*found)

    with ThreadPoolExecutor(max_workers=1) as ahead:
        coming = ahead.submit(next_part)
        while (part := coming.result()) is not None:
            coming = ahead.submit(next_part)
            yield part


def _sort_keys(rulebook: CompiledRulebook) -> tuple[list[str], list[bool]]:
    order = total_order(rulebook.ranking)
    return ([rank_key_column(tie.key) for tie in order],
            [tie.order == "descending" for tie in order])


def _rows_per_part(path: Path) -> int:
    """About :data:`PART_BYTES` of a delimited file, judged by its first lines."""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return _ROWS_PER_PART
    with path.open("rb") as handle:
        start = handle.read(1 << 20)
    lines = max(start.count(b"\n"), 1)
    return max(10_000, PART_BYTES * lines // max(len(start), 1))
