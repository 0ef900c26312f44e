"""Why each changed nomination changed: its own rules, or someone else's move.

Each changed nomination gets one :class:`Cause`. Its *own* causes are read from its two
outcome records:

* ``criteria`` — a criterion it failed is now met, or the reverse (both messages kept);
* ``points`` — a priority gives it other points (its score follows);
* ``nomination_added`` / ``nomination_removed`` — only one run has it (the row was
  rejected by the other, or the other rulebook has no such quota).

When nothing about the nomination itself changed, the cause is a move of seats, read from
who holds which seat in each run:

* ``capacity`` — the quota has more (or fewer) seats to fill;
* ``displaced`` — pushed out of the quota by a newcomer now ranked above them;
* ``seat_freed`` — took the seat of someone who left the quota;
* ``placed_preferred`` — now holds a seat in a quota they listed earlier;
* ``lost_preferred`` — lost the seat they held in a quota they listed earlier;
* ``rank_shift`` — only the rank moved: others entered or left the ranking above them;
* ``ranking_order`` — only the rank moved, and the two rulebooks rank differently.

``displaced``, ``seat_freed``, ``placed_preferred`` and ``lost_preferred`` *link* to the
nomination whose change caused them; following the links gives the chain of displacements
(A enters quota X, pushing B out of X into Y, pushing C out of Y...) down to a change that
has a cause of its own. Which newcomer displaced whom is decided as deferred acceptance
would have it: each displaced person, best-ranked first, is matched to the best-ranked
newcomer above them not yet matched; seats freed go to the newcomers who were waiting in
reserve, in rank order.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from eligibility.frames import criterion_column, points_column
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.ranking import total_order
from eligibility.whatif.changes import AFTER, BEFORE, side
from eligibility.whatif.outcomes import Outcomes, failure_messages, shown_columns

Key = tuple[str, str]  # (candidate_id, quota_id)

OWN_CAUSES = ("criteria", "points", "nomination_added", "nomination_removed")
LINKED_CAUSES = ("displaced", "seat_freed", "placed_preferred", "lost_preferred")
CAUSES = (*OWN_CAUSES, "capacity", *LINKED_CAUSES, "rank_shift", "ranking_order")
SELECTED, RESERVE, ELSEWHERE = "selected", "reserve", "placed_elsewhere"
MAX_CHAIN = 1_000  # a chain cannot be longer than the number of changes; this is a guard


FAILED, MET, NOT_APPLICABLE = "failed", "met", "not_applicable"


@dataclass(frozen=True)
class CriterionFlip:
    """A criterion failed in one run and met (or not applying) in the other."""

    id: str
    before: str  # failed, met or not_applicable
    after: str
    message_before: Mapping[str, str]  # language -> failure message ("" unless failed)
    message_after: Mapping[str, str]


@dataclass(frozen=True)
class PointsChange:
    id: str
    before: int | float | None
    after: int | float | None


@dataclass(frozen=True)
class Cause:
    """Why one nomination changed (see the module's list of ``code`` values)."""

    code: str
    link: Key | None = None  # the nomination whose change caused this one
    criteria: tuple[CriterionFlip, ...] = ()
    points: tuple[PointsChange, ...] = ()
    capacity: tuple[int, int] | None = None  # the quota's capacity before and after
    entered_above: tuple[str, ...] = ()  # ids now ranked above, who were not before
    entered_count: int = 0  # how many: the ids above are the first SHOWN_ABOVE
    left_above: tuple[str, ...] = ()  # ids ranked above before, who are not now
    left_count: int = 0
    rejected: str | None = None  # the reason the other run rejected the person's row


def find_causes(changed: pl.DataFrame, pairs: pl.DataFrame, before: Outcomes,
                after: Outcomes, rejected: Mapping[str, pl.DataFrame]) -> dict[Key, Cause]:
    """The cause of every nomination of ``changed`` (see :mod:`eligibility.whatif.changes`).

    ``pairs`` holds both runs' values of every nomination; ``rejected`` the rejected rows
    of each run (``before``, ``after``).
    """
    rows = {(row["candidate_id"], row["quota_id"]): row for row in changed.iter_rows(named=True)}
    involved = sorted({person for person, _ in rows})
    seats = _seats(pairs, involved)
    causes: dict[Key, Cause] = {key: _own_cause(row, before, after, rejected)
                                for key, row in rows.items() if row["own_changed"]}
    capacity = (_capacities(before.rulebook), _capacities(after.rulebook))
    reordered = total_order(before.rulebook.ranking) != total_order(after.rulebook.ranking)
    by_quota: dict[str, list[Key]] = {}
    for key in rows:
        by_quota.setdefault(key[1], []).append(key)
    for quota_id, keys in by_quota.items():
        causes.update(_seat_causes(quota_id, keys, rows, seats, causes, capacity, reordered))
    return causes


def chain(causes: Mapping[Key, Cause], key: Key) -> list[tuple[Key, Cause]]:
    """The causes from ``key`` down to the change that started it, ``key`` first."""
    steps: list[tuple[Key, Cause]] = []
    seen: set[Key] = set()
    current: Key | None = key
    while current is not None and current in causes and current not in seen \
            and len(steps) < MAX_CHAIN:
        seen.add(current)
        cause = causes[current]
        steps.append((current, cause))
        current = cause.link
    return steps


# own causes ------------------------------------------------------------------------------------
def _own_cause(row: dict[str, Any], before: Outcomes, after: Outcomes,
               rejected: Mapping[str, pl.DataFrame]) -> Cause:
    if row["presence"] != "both":
        code = "nomination_removed" if row["presence"] == "before" else "nomination_added"
        other = "after" if row["presence"] == "before" else "before"
        return Cause(code, rejected=_rejection(rejected.get(other), row["candidate_id"]))
    failed_before = list(row[side(BEFORE, "failed")] or [])
    failed_after = list(row[side(AFTER, "failed")] or [])
    if failed_before != failed_after or row[side(BEFORE, "eligible")] != \
            row[side(AFTER, "eligible")]:
        return Cause("criteria", criteria=_flips(row, failed_before, failed_after, before,
                                                  after))
    return Cause("points", points=_points(row, before, after))


def _flips(row: dict[str, Any], failed_before: list[str], failed_after: list[str],
           before: Outcomes, after: Outcomes) -> tuple[CriterionFlip, ...]:
    quota_id = row["quota_id"]
    messages_before = _messages(row, BEFORE, before, quota_id, failed_before)
    messages_after = _messages(row, AFTER, after, quota_id, failed_after)
    order = list(dict.fromkeys([*before.criteria, *after.criteria]))
    flipped = [rule for rule in order if (rule in failed_before) != (rule in failed_after)]
    return tuple(CriterionFlip(rule, _state(row, BEFORE, rule), _state(row, AFTER, rule),
                               {language: texts.get(rule, "")
                                for language, texts in messages_before.items()},
                               {language: texts.get(rule, "")
                                for language, texts in messages_after.items()})
                 for rule in flipped)


def _state(row: dict[str, Any], prefix: str, rule: str) -> str:
    value = row.get(side(prefix, criterion_column(rule)))
    return NOT_APPLICABLE if value is None else MET if value else FAILED


def _messages(row: dict[str, Any], prefix: str, outcomes: Outcomes, quota_id: str,
              failed: list[str]) -> dict[str, dict[str, str]]:
    values = {name: row.get(side(prefix, name)) for name in shown_columns(outcomes.rulebook)}
    return {language: failure_messages(outcomes.rulebook, quota_id, failed, values, language)
            for language in outcomes.languages}


def _points(row: dict[str, Any], before: Outcomes, after: Outcomes) -> tuple[PointsChange, ...]:
    rules = list(dict.fromkeys([*before.priorities, *after.priorities]))
    changes = []
    for rule in rules:
        old = row.get(side(BEFORE, points_column(rule)))
        new = row.get(side(AFTER, points_column(rule)))
        if old != new:
            changes.append(PointsChange(rule, old, new))
    return tuple(changes)


def _rejection(frame: pl.DataFrame | None, candidate_id: str) -> str | None:
    if frame is None or frame.is_empty() or "candidate_id" not in frame.columns:
        return None
    rows = frame.filter(pl.col("candidate_id") == candidate_id)
    if rows.is_empty():
        return None
    first = rows.row(0, named=True)
    return f"{first['row']}: {first['column']}: {first['error']}"


# seat causes -----------------------------------------------------------------------------------
def _seats(pairs: pl.DataFrame, people: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Where each of ``people`` holds a seat in each run."""
    involved = pairs.filter(pl.col("candidate_id").is_in(list(people)))
    result = []
    for prefix in (BEFORE, AFTER):
        held = involved.filter(pl.col(side(prefix, "status")) == SELECTED)
        result.append(dict(zip(held["candidate_id"], held["quota_id"], strict=True)))
    return result[0], result[1]


def _capacities(rulebook: CompiledRulebook) -> dict[str, int]:
    return {quota_id: rules.capacity for quota_id, rules in rulebook.quotas.items()}


def _seat_causes(quota_id: str, keys: list[Key], rows: Mapping[Key, dict[str, Any]],
                 seats: tuple[dict[str, str], dict[str, str]], own: Mapping[Key, Cause],
                 capacity: tuple[dict[str, int], dict[str, int]],
                 reordered: bool) -> dict[Key, Cause]:
    def status(key: Key, prefix: str) -> str | None:
        return rows[key][side(prefix, "status")]

    def rank(key: Key, prefix: str) -> int:
        value = rows[key][side(prefix, "rank")]
        return value if value is not None else UNRANKED

    seat_before, seat_after = seats
    room = (capacity[0].get(quota_id, 0), capacity[1].get(quota_id, 0))
    causes: dict[Key, Cause] = {}
    leavers = [key for key in keys if status(key, BEFORE) == SELECTED
               and status(key, AFTER) != SELECTED]
    newcomers = sorted((key for key in keys if status(key, AFTER) == SELECTED
                        and status(key, BEFORE) != SELECTED), key=lambda k: rank(k, AFTER))
    displaced = sorted((key for key in leavers if key not in own
                        and status(key, AFTER) != ELSEWHERE), key=lambda k: rank(k, AFTER))
    pushed = set(displaced)
    vacancies = sorted((key for key in leavers if key not in pushed),
                       key=lambda k: rank(k, BEFORE))
    for key in leavers:
        if key not in own and status(key, AFTER) == ELSEWHERE:
            causes[key] = Cause("placed_preferred", link=_seat_link(key, seat_after))
    # The best-ranked unmatched newcomer is always the next one in rank order, so the
    # newcomers matched to displaced people are a prefix of ``newcomers``.
    matched = 0
    for key in displaced:
        if matched < len(newcomers) and rank(newcomers[matched], AFTER) < rank(key, AFTER):
            causes[key] = Cause("displaced", link=newcomers[matched])
            matched += 1
        else:
            causes[key] = Cause("capacity", capacity=room) if room[1] < room[0] \
                else Cause("displaced")
    waiting = [key for key in newcomers if key not in own and status(key, BEFORE) != ELSEWHERE]
    for key in newcomers:
        if key not in own and status(key, BEFORE) == ELSEWHERE:
            causes[key] = Cause("lost_preferred", link=_seat_link(key, seat_before))
    for index, key in enumerate(waiting):
        if index < len(vacancies):
            causes[key] = Cause("seat_freed", link=vacancies[index])
        else:
            causes[key] = Cause("capacity", capacity=room) if room[1] > room[0] \
                else Cause("seat_freed")
    rest = [key for key in keys if key not in own and key not in causes]
    for key in rest:
        before, after = status(key, BEFORE), status(key, AFTER)
        if before != after and after == ELSEWHERE:
            causes[key] = Cause("placed_preferred", link=_seat_link(key, seat_after))
        elif before != after and before == ELSEWHERE:
            causes[key] = Cause("lost_preferred", link=_seat_link(key, seat_before))
        elif reordered:
            causes[key] = Cause("ranking_order")
    shifted = [key for key in rest if key not in causes]
    movers = [(rank(key, BEFORE), rank(key, AFTER), key[0]) for key in keys if key in own]
    entered = _above(movers, [(rank(key, BEFORE), rank(key, AFTER), key) for key in shifted])
    left = _above([(new, old, person) for old, new, person in movers],
                  [(rank(key, AFTER), rank(key, BEFORE), key) for key in shifted])
    for key in shifted:
        (up, ups), (down, downs) = entered[key], left[key]
        causes[key] = Cause("rank_shift", entered_above=up, entered_count=ups,
                            left_above=down, left_count=downs)
    return causes


UNRANKED = 1 << 62  # the rank of a nomination that is not ranked (ineligible or absent)
SHOWN_ABOVE = 20  # people named as now (or no longer) ranked above; the rest are counted


def _above(movers: list[tuple[int, int, str]],
           people: list[tuple[int, int, Key]]) -> dict[Key, tuple[tuple[str, ...], int]]:
    """For each person (rank before, rank after, key): the first SHOWN_ABOVE movers ranked
    above them after but not before, and how many there are. Movers are (rank before,
    rank after, id); unranked is UNRANKED.

    People are taken by rank after; the movers ranked above each are kept sorted by their
    rank before, so those that were not above before are a slice: each person costs a
    binary search, each mover one sorted insertion.
    """
    movers = sorted(movers, key=lambda mover: mover[1])
    inserted: list[tuple[int, str]] = []
    result: dict[Key, tuple[tuple[str, ...], int]] = {}
    index = 0
    for old, new, key in sorted(people, key=lambda person: person[1]):
        while index < len(movers) and movers[index][1] < new:
            bisect.insort(inserted, (movers[index][0], movers[index][2]))
            index += 1
        start = bisect.bisect_right(inserted, (old, chr(0x10FFFF)))
        result[key] = (tuple(name for _, name in inserted[start:start + SHOWN_ABOVE]),
                       len(inserted) - start)
    return result


def _seat_link(key: Key, seat: Mapping[str, str]) -> Key | None:
    quota_id = seat.get(key[0])
    return (key[0], quota_id) if quota_id is not None else None
