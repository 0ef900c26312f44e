"""A whole ranking run inside the database: evaluate, rank, allocate, give statuses.

1. The typed nominations are in the database: a nominee file read by the library's intake
   and handed over (:func:`nominations_from_intake`), or a table read by SQL intake
   (:mod:`eligibility.engines.sql.intake`).
2. One query computes every outcome record (:mod:`eligibility.engines.sql.lowering`) and
   ranks each quota's eligible nominations with a window function; the result is kept as a
   temporary table.
3. Only the applications that can still win a seat come back
   (:func:`eligibility.engines.sql.selection.candidates_query`); deferred acceptance
   (:func:`eligibility.selection.allocate`) seats them here.
4. The seats go back, and every nomination's status is given in SQL.

:func:`decide_in_database` then reads the decided nominations (for ``decisions.csv``, whose
failure messages are rendered from the outcome records as for every engine);
:mod:`eligibility.engines.sql.sinks` writes them as tables instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl
from sqlglot import exp

from eligibility.engines.sql.database import Database
from eligibility.engines.sql.lowering import outcome_query
from eligibility.engines.sql.selection import (
    candidates_query,
    rank_keys,
    ranked_query,
    status_query,
)
from eligibility.frames import (
    CANDIDATE,
    PREFERENCE,
    QUOTA,
    RANK,
    ROW,
    STATUS,
    nominations_schema,
    outcome_schema,
    parse_yearly_column,
)
from eligibility.intake.nominees import Intake
from eligibility.language.sql_builder import table
from eligibility.messages import render_reasons
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.allocation import allocate

if TYPE_CHECKING:
    from eligibility.api import Decisions

__all__ = ["DatabaseNominations", "Ranked", "decide_in_database", "decisions_in_database",
           "nominations_from_intake", "rank_in_database"]

NOMINATIONS = "__eligibility_typed"
RANKED = "__eligibility_ranked"
SEATS = "__eligibility_seats"
SHOWN_FIELDS = ("full_name", "agency")  # candidate fields decisions.csv shows


@dataclass
class DatabaseNominations:
    """Typed nominations held by the database, and what intake found besides them."""

    relation: str  # a table (or view) with the nominations frame's columns
    columns: list[str]
    schema: dict[str, pl.DataType]  # polars types of those columns
    rejected: pl.DataFrame
    rows_in: int
    warnings: list[str] = field(default_factory=list)
    extras: Callable[[], pl.DataFrame | None] = lambda: None  # the input's unused columns


@dataclass
class Ranked:
    """A run whose statuses are in the database (table :data:`RANKED` and :data:`SEATS`)."""

    nominations: DatabaseNominations
    kept: list[str]  # the nominations' columns carried to the decisions
    seats: pl.DataFrame
    candidates: int  # applications that came back for the allocation


def nominations_from_intake(database: Database, rulebook: CompiledRulebook,
                            intake: Intake) -> DatabaseNominations:
    """Hand nominations read by the library's intake to ``database``."""
    frame = intake.nominations
    database.put(NOMINATIONS, frame)
    extras = intake.extras
    return DatabaseNominations(NOMINATIONS, list(frame.columns), dict(frame.schema),
                               intake.rejected, intake.rows_in, list(intake.warnings),
                               lambda: extras)


def kept_columns(rulebook: CompiledRulebook, columns: Sequence[str]) -> list[str]:
    """The nominations' columns the decisions need: keys, shown fields, ranking keys."""
    wanted = [CANDIDATE, ROW, QUOTA, PREFERENCE, *SHOWN_FIELDS, *rank_keys(rulebook)]
    return [name for name in dict.fromkeys(wanted) if name in columns]


def rank_in_database(database: Database, rulebook: CompiledRulebook,
                     nominations: DatabaseNominations, *, keep_all: bool = False) -> Ranked:
    """Evaluate and rank in ``database``; allocate the seats on the candidates; put the
    seats back (statuses are then read with :func:`status_query`).

    The decided nominations keep the keys, the fields decisions.csv shows and the ranking
    keys, or with ``keep_all`` every field (for the workbook and the report)."""
    build = database.builder()
    kept = list(nominations.columns) if keep_all else \
        kept_columns(rulebook, nominations.columns)
    outcomes = outcome_query(rulebook, build, table(nominations.relation),
                             nominations.columns, kept)
    ranked = ranked_query(rulebook, build, exp.Subquery(
        this=outcomes, alias=exp.TableAlias(this=exp.to_identifier("__outcomes", quoted=True))))
    database.materialize(RANKED, ranked)
    capacity = {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}
    candidates = database.fetch(candidates_query(RANKED, capacity), {
        CANDIDATE: pl.String(), QUOTA: pl.String(), PREFERENCE: pl.Int64(), RANK: pl.Int64()})
    seats = allocate(candidates, capacity)
    database.put(SEATS, seats)
    return Ranked(nominations, kept, seats, candidates.height)


def decided_schema(rulebook: CompiledRulebook, ranked: Ranked) -> dict[str, pl.DataType]:
    """The columns of the decided nominations read back, with their polars types."""
    years: dict[str, set[int]] = {}
    for name in ranked.nominations.columns:
        parsed = parse_yearly_column(name)
        if parsed is not None:
            years.setdefault(parsed[0], set()).add(parsed[1])
    typed = {**nominations_schema(rulebook, years), **ranked.nominations.schema}
    return {**{name: typed[name] for name in ranked.kept}, **outcome_schema(rulebook),
            RANK: pl.Int64(), STATUS: pl.String()}


def decide_in_database(database: Database, rulebook: CompiledRulebook,
                       nominations: DatabaseNominations, *, languages: Sequence[str]
                       ) -> tuple[pl.DataFrame, Ranked]:
    """Every nomination decided in ``database`` and read back, with the failure messages
    rendered in ``languages``: the ``decided`` frame of :class:`eligibility.api.Decisions`."""
    ranked = rank_in_database(database, rulebook, nominations, keep_all=True)
    schema = decided_schema(rulebook, ranked)
    columns = [name for name in schema if name != STATUS]
    decided = database.fetch(status_query(database.builder(), RANKED, SEATS, columns), schema)
    return render_reasons(rulebook, decided, languages), ranked


def decisions_in_database(database: Database, rulebook: CompiledRulebook,
                          nominations: DatabaseNominations, *, languages: Sequence[str]
                          ) -> Decisions:
    """:func:`decide_in_database` as the library's :class:`~eligibility.api.Decisions`."""
    from eligibility.api import Decisions

    decided, _ = decide_in_database(database, rulebook, nominations, languages=languages)
    return Decisions(rulebook, decided, nominations.rejected, nominations.rows_in, "sql",
                     list(nominations.warnings), nominations.extras(), tuple(languages))


def summary_in_database(database: Database, rulebook: CompiledRulebook, ranked: Ranked,
                        nominations: DatabaseNominations) -> Decisions:
    """The statuses and ranks only (for the counts, the per-quota summary and how each
    cut-off fell), as :class:`~eligibility.api.Decisions`: for runs whose decisions stay in
    the database."""
    from eligibility.api import Decisions
    from eligibility.frames import ELIGIBLE, SCORE

    full = decided_schema(rulebook, ranked)
    schema = {name: full[name] for name in (*ranked.kept, ELIGIBLE, SCORE, RANK, STATUS)}
    columns = [name for name in schema if name != STATUS]
    decided = database.fetch(status_query(database.builder(), RANKED, SEATS, columns), schema)
    return Decisions(rulebook, decided, nominations.rejected, nominations.rows_in, "sql",
                     list(nominations.warnings), None, ())
