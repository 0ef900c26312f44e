"""Ready-made properties every rulebook must have, each checked with one call.

Each ``check_*`` function runs a Hypothesis test on nominee lists generated for the
rulebook (:mod:`eligibility.strategies`) and returns quietly when the property holds. When
it does not, it raises :class:`PropertyFailure` (an :class:`AssertionError`) naming the
property and the rule or quota at fault and showing the minimal counterexample Hypothesis
found::

    from eligibility.testing.properties import check_all
    check_all(eligibility.load_rulebook("rules/my-plan.yaml"))

=============================================  =============================================
property                                       what must hold
=============================================  =============================================
:func:`check_selected_meet_all_criteria`       no selected nomination fails a criterion
:func:`check_seats_and_budget`                 seats, capacity and budget never exceeded;
                                               one seat per person
:func:`check_row_order_invariant`              shuffling the rows changes no decision
:func:`check_spelling_invariant`               NFC or NFD text changes no decision
:func:`check_rating_monotone`                  a better rating never lowers a person's
                                               score or rank
:func:`check_relaxing_thresholds`              relaxed thresholds never make anyone
                                               ineligible
:func:`check_allocation_stable`                no eligible person prefers a quota that seats
                                               someone ranked below them
:func:`check_deterministic`                    two runs give identical decisions
:func:`check_rule_agrees`                      one rule agrees with a plain-Python statement
                                               of it (an *oracle* the author writes)
=============================================  =============================================

``max_examples`` overrides the number of examples of the active Hypothesis settings
profile; the other settings (database, derandomization, ...) come from that profile. Seats
matter only when nominees compete for them, and generated lists are short: the allocation
properties therefore run on a copy of the rulebook with every quota cut to ``seats`` seats
(2 by default, see :func:`~eligibility.testing.mutations.cap_seats`).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

import polars as pl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from eligibility.api import Decisions, decide
from eligibility.evaluation import evaluate_candidate
from eligibility.frames import criterion_column, records_of
from eligibility.language.reference import evaluate
from eligibility.language.types import EnumType
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec
from eligibility.rulebook.models import Quota
from eligibility.testing.mutations import cap_seats, relax_thresholds, relaxed_constants
from eligibility.testing.strategies import InvalidArgument, from_rulebook, nominee_frames

__all__ = [
    "DEFAULT_SEATS",
    "GENERIC_CHECKS",
    "PropertyFailure",
    "blocking_pair",
    "check_all",
    "check_allocation_stable",
    "check_deterministic",
    "check_rating_monotone",
    "check_relaxing_thresholds",
    "check_row_order_invariant",
    "check_rule_agrees",
    "check_seats_and_budget",
    "check_selected_meet_all_criteria",
    "check_spelling_invariant",
    "first_difference",
    "seats_problem",
    "show_frame",
    "show_record",
    "unmet_selection",
]

DEFAULT_SEATS = 2
MAX_ROWS = 8
Oracle = Callable[[Mapping[str, Any], Quota], Any]


class PropertyFailure(AssertionError):
    """A property does not hold for a rulebook.

    ``property`` names the property, ``rule`` the criterion, priority or quota at fault (if
    one is), and the message ends with the minimal counterexample.
    """

    def __init__(self, property_name: str, message: str, counterexample: str, *,
                 rule: str | None = None) -> None:
        self.property = property_name
        self.rule = rule
        self.counterexample = counterexample
        super().__init__(f"property '{property_name}' does not hold: {message}\n"
                         f"minimal counterexample:\n{counterexample}")


def _run(test: Callable[..., None], max_examples: int | None) -> None:
    """Run a ``@given`` test with the active profile, ``max_examples`` and no deadline."""
    if max_examples is not None and (isinstance(max_examples, bool)
                                     or not isinstance(max_examples, int)
                                     or max_examples < 1):
        raise InvalidArgument(f"max_examples must be a whole number of at least 1, "
                              f"not {max_examples!r}")
    overrides: dict[str, Any] = {
        "deadline": None,
        # no explain phase: the failure message already shows the whole counterexample
        "phases": [phase for phase in settings().phases if phase != Phase.explain],
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                  HealthCheck.filter_too_much],
    }
    if max_examples is not None:
        overrides["max_examples"] = max_examples
    settings(**overrides)(test)()


def _frames(rulebook: CompiledRulebook) -> st.SearchStrategy[pl.DataFrame]:
    return nominee_frames(rulebook, min_size=1, max_size=MAX_ROWS)


def _capped(rulebook: CompiledRulebook, seats: object) -> CompiledRulebook:
    """``rulebook`` with at most ``seats`` seats a quota, the arguments checked first."""
    _checked(rulebook)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise InvalidArgument(f"seats must be a whole number of at least 1, not {seats!r}")
    return cap_seats(rulebook, seats)


def _checked(rulebook: object) -> None:
    if not isinstance(rulebook, CompiledRulebook):
        raise InvalidArgument(f"a property needs a rulebook loaded with "
                              f"eligibility.load_rulebook(path), not {rulebook!r:.60}")


# --- decisions -------------------------------------------------------------------------


def check_selected_meet_all_criteria(rulebook: CompiledRulebook, *,
                                     max_examples: int | None = None,
                                     seats: int = DEFAULT_SEATS) -> None:
    """No selected nomination fails a criterion (checked again by the scalar reference)."""
    _check_decisions(rulebook, "selected-meet-all-criteria", unmet_selection,
                     max_examples=max_examples, seats=seats)


def unmet_selection(rulebook: CompiledRulebook,
                    decisions: Decisions) -> tuple[str, str] | None:
    """A selected nomination failing a criterion (per the scalar reference or the engine)."""
    selected = decisions.decided.filter(pl.col("status") == "selected")
    for row, record in zip(selected.iter_rows(named=True),
                           records_of(selected, rulebook), strict=True):
        evaluation = evaluate_candidate(rulebook, record, row["quota_id"])
        failed = [(outcome.id, outcome.messages["en"]) for outcome in evaluation.outcomes
                  if not outcome.met]
        failed += [(criterion.id, "the engine's column for it is not true")
                   for criterion in rulebook.quota(row["quota_id"]).criteria
                   if row[criterion_column(criterion.id)] is not True]
        if failed:
            rule, reason = failed[0]
            return rule, (f"{row['candidate_id']} was selected for quota '{row['quota_id']}' "
                          f"but fails criterion '{rule}': {reason}")
    return None


def check_seats_and_budget(rulebook: CompiledRulebook, *, max_examples: int | None = None,
                           seats: int = DEFAULT_SEATS) -> None:
    """Per quota, selected ≤ capacity ≤ seats and seats × cost ≤ budget; one seat a person."""
    _check_decisions(rulebook, "seats-and-budget", seats_problem,
                     max_examples=max_examples, seats=seats)


def check_allocation_stable(rulebook: CompiledRulebook, *, max_examples: int | None = None,
                            seats: int = DEFAULT_SEATS) -> None:
    """No eligible person prefers a quota that seats someone it ranks below them."""
    _check_decisions(rulebook, "allocation-stable", blocking_pair,
                     max_examples=max_examples, seats=seats)


def _check_decisions(rulebook: CompiledRulebook, name: str,
                     find_problem: Callable[[CompiledRulebook, Decisions],
                                            tuple[str | None, str] | None], *,
                     max_examples: int | None, seats: int) -> None:
    """Decide generated nominee files on a seat-capped copy; fail on the first problem."""
    capped = _capped(rulebook, seats)

    @given(frame=_frames(rulebook))
    def holds(frame: pl.DataFrame) -> None:
        problem = find_problem(capped, decide(capped, frame))
        if problem is not None:
            rule, message = problem
            raise PropertyFailure(name, message, show_frame(frame), rule=rule)

    _run(holds, max_examples)


def seats_problem(rulebook: CompiledRulebook,
                  decisions: Decisions) -> tuple[str | None, str] | None:
    """A quota over its seats, capacity or budget, or a person holding two seats, if any."""
    for row in decisions.summary().iter_rows(named=True):
        rules = rulebook.quota(row["quota_id"])
        if row["selected"] > rules.capacity:
            return row["quota_id"], (f"quota '{row['quota_id']}' seats {row['selected']} "
                                     f"people for {rules.capacity} seats")
        if row["budget_used"] > rules.quota.budget:
            return row["quota_id"], (f"quota '{row['quota_id']}' uses {row['budget_used']:,} "
                                     f"of a budget of {rules.quota.budget:,}")
    held = decisions.decided.filter(pl.col("status") == "selected").group_by(
        "candidate_id").agg(pl.col("quota_id").sort()).filter(pl.col("quota_id").list.len() > 1)
    for person in held.sort("candidate_id").iter_rows(named=True):
        return None, (f"{person['candidate_id']} holds {len(person['quota_id'])} seats: "
                      f"{', '.join(person['quota_id'])}")
    return None


def blocking_pair(rulebook: CompiledRulebook, decisions: Decisions) -> tuple[str, str] | None:
    """A quota and why a person would rather have a seat there and should get it, if any."""
    decided = decisions.decided
    seated = decided.filter(pl.col("status") == "selected")
    seat_preference = dict(zip(seated["candidate_id"], seated["preference"], strict=True))
    for row in decided.filter(pl.col("eligible") & (pl.col("status") != "selected")) \
            .iter_rows(named=True):
        held = seat_preference.get(row["candidate_id"])
        if held is not None and held < row["preference"]:
            continue  # they hold a seat they prefer
        quota_id = row["quota_id"]
        others = seated.filter(pl.col("quota_id") == quota_id)
        capacity = rulebook.quota(quota_id).capacity
        worse = others.filter(pl.col("rank") > row["rank"])
        if others.height < capacity:
            return quota_id, (f"{row['candidate_id']} is eligible for quota '{quota_id}' "
                              f"(rank {row['rank']}) and holds no seat they prefer, yet only "
                              f"{others.height} of its {capacity} seats are filled")
        if worse.height:
            below = worse.row(0, named=True)
            return quota_id, (f"{row['candidate_id']} (rank {row['rank']}) prefers quota "
                              f"'{quota_id}', which seats {below['candidate_id']} ranked "
                              f"{below['rank']}, below them")
    return None


def check_deterministic(rulebook: CompiledRulebook, *, max_examples: int | None = None) -> None:
    """Deciding the same nominees twice gives identical decisions, summary and rejections."""
    _checked(rulebook)

    @given(frame=_frames(rulebook))
    def deterministic(frame: pl.DataFrame) -> None:
        first, second = decide(rulebook, frame), decide(rulebook, frame)
        for name, a, b in (("decisions", first.table("vi"), second.table("vi")),
                           ("summary", first.summary(), second.summary()),
                           ("rejected", first.rejected, second.rejected)):
            if not a.equals(b):
                raise PropertyFailure("deterministic", f"two runs gave different {name}: "
                                      f"{first_difference(a, b)}", show_frame(frame))

    _run(deterministic, max_examples)


# --- invariance ------------------------------------------------------------------------


def check_row_order_invariant(rulebook: CompiledRulebook, *,
                              max_examples: int | None = None) -> None:
    """Shuffling the rows of a nominee file changes no decision (nor rank, nor status)."""
    _checked(rulebook)

    @given(data=st.data())
    def row_order_invariant(data: st.DataObject) -> None:
        frame = data.draw(_frames(rulebook), label="frame")
        order = data.draw(st.permutations(range(frame.height)), label="row order")
        shuffled = frame[list(order)]
        before = _by_nomination(decide(rulebook, frame).table("en"))
        after = _by_nomination(decide(rulebook, shuffled).table("en"))
        if not before.equals(after):
            raise PropertyFailure("row-order-invariant", "shuffling the rows to "
                                  f"{[index + 1 for index in order]} changed a decision: "
                                  f"{first_difference(before, after)}", show_frame(frame))

    _run(row_order_invariant, max_examples)


def check_spelling_invariant(rulebook: CompiledRulebook, *,
                             max_examples: int | None = None) -> None:
    """Writing every cell in NFD instead of NFC (or the reverse) changes no decision."""
    _checked(rulebook)

    @given(frame=_frames(rulebook), form=st.sampled_from(["NFD", "NFC"]))
    def spelling_invariant(frame: pl.DataFrame, form: Literal["NFC", "NFD"]) -> None:
        respelled = frame.with_columns(pl.col(name).map_elements(
            lambda text: unicodedata.normalize(form, text), return_dtype=pl.String)
            for name in frame.columns)
        before = decide(rulebook, frame).table("en")
        after = decide(rulebook, respelled).table("en")
        if not before.equals(after):
            raise PropertyFailure("spelling-invariant", f"writing the cells in {form} changed "
                                  f"a decision: {first_difference(before, after)}",
                                  show_frame(frame))

    _run(spelling_invariant, max_examples)


# --- monotonicity ----------------------------------------------------------------------


def check_rating_monotone(rulebook: CompiledRulebook, *,
                          max_examples: int | None = None) -> None:
    """A better rating (any ordered vocabulary field) never lowers a person's score or rank.

    Holds vacuously for a rulebook without an ordered vocabulary field.
    """
    _checked(rulebook)
    fields = [name for name, spec in rulebook.fields.items()
              if isinstance(spec.type, EnumType) and spec.type.ordered]
    if not fields:
        return

    @given(data=st.data())
    def rating_monotone(data: st.DataObject) -> None:
        frame = data.draw(_frames(rulebook), label="frame")
        before = decide(rulebook, frame)
        options = _improvable(rulebook, frame, before, fields)
        if not options:
            return  # nobody holds a rating that can be raised
        person, column, frame_column, current, codes = data.draw(
            st.sampled_from(options), label="rating to raise")
        better = data.draw(st.sampled_from(codes[codes.index(current) + 1:]),
                           label="better rating")
        after = decide(rulebook, _set_cell(frame, rulebook, person, frame_column, better))
        worse = _worse_outcome(before, after, person)
        if worse is not None:
            quota_id, message = worse
            raise PropertyFailure("rating-monotone", f"raising {person}'s {column} from "
                                  f"'{current}' to '{better}' {message} in quota "
                                  f"'{quota_id}'", show_frame(frame), rule=quota_id)

    _run(rating_monotone, max_examples)


def _improvable(rulebook: CompiledRulebook, frame: pl.DataFrame, decisions: Decisions,
                fields: list[str]) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """(person, typed column, file column, rating, codes) for each rating below the top."""
    people = decisions.decided.unique("candidate_id", keep="first").sort("candidate_id")
    options = []
    for name in fields:
        spec = rulebook.fields[name]
        kind = spec.type
        assert isinstance(kind, EnumType)
        for column, header in _rating_columns(spec, name, people.columns, frame.columns):
            for person, current in zip(people["candidate_id"], people[column], strict=True):
                if current is not None and current != kind.codes[-1]:
                    options.append((person, column, header, str(current), kind.codes))
    return options


def _rating_columns(spec: FieldSpec, name: str, typed: list[str],
                    headers: list[str]) -> list[tuple[str, str]]:
    """Each typed column of a field (``rating[2022]``) with its file column (``rating_2022``)."""
    if not spec.yearly:
        return [(name, next(header for header in spec.columns if header in headers))]
    pairs = []
    for column in typed:
        if column.startswith(f"{name}[") and column.endswith("]"):
            year = int(column[len(name) + 1:-1])
            header = next((pattern.format(year=year) for pattern in spec.columns
                           if pattern.format(year=year) in headers), None)
            if header is not None:
                pairs.append((column, header))
    return pairs


def _set_cell(frame: pl.DataFrame, rulebook: CompiledRulebook, person: str, column: str,
              value: str) -> pl.DataFrame:
    id_column = next(name for name in rulebook.id_columns if name in frame.columns)
    return frame.with_columns(pl.when(pl.col(id_column).str.strip_chars() == person)
                              .then(pl.lit(value)).otherwise(pl.col(column)).alias(column))


def _worse_outcome(before: Decisions, after: Decisions, person: str) -> tuple[str, str] | None:
    old = {row["quota_id"]: row for row in before.decided.filter(
        pl.col("candidate_id") == person).iter_rows(named=True)}
    for row in after.decided.filter(pl.col("candidate_id") == person).iter_rows(named=True):
        was = old[row["quota_id"]]
        if was["eligible"] and not row["eligible"]:
            return row["quota_id"], f"made them ineligible (now failing {row['failed']})"
        if was["eligible"] and row["score"] < was["score"]:
            dropped = [column[len("points."):] for column in row
                       if column.startswith("points.") and row[column] is not None
                       and was[column] is not None and row[column] < was[column]]
            return row["quota_id"], (f"lowered their score from {was['score']} to "
                                     f"{row['score']} (priority {', '.join(dropped)})")
        if was["eligible"] and row["rank"] > was["rank"]:
            return row["quota_id"], f"lowered their rank from {was['rank']} to {row['rank']}"
    return None


def check_relaxing_thresholds(rulebook: CompiledRulebook, *,
                              max_examples: int | None = None) -> None:
    """Relaxing numeric and date thresholds never makes an eligible nomination ineligible.

    For ``x <= c`` (or ``<``) the constant is raised, for ``x >= c`` (or ``>``) lowered,
    by a generated amount (:func:`~eligibility.testing.mutations.relax_thresholds`).
    """
    _checked(rulebook)

    @given(frame=_frames(rulebook), days=st.integers(1, 400), units=st.integers(1, 5))
    def relaxing_thresholds(frame: pl.DataFrame, days: int, units: int) -> None:
        relaxed = relax_thresholds(rulebook, days=days, units=units)
        before = decide(rulebook, frame).decided
        after = decide(relaxed, frame).decided
        for old, new in zip(_nominations(before), _nominations(after), strict=True):
            for criterion in rulebook.quota(old["quota_id"]).criteria:
                column = criterion_column(criterion.id)
                if old[column] and not new[column]:
                    moved = "; ".join(change.describe() for change in
                                      relaxed_constants(rulebook, relaxed, old["quota_id"]))
                    raise PropertyFailure(
                        "relaxing-thresholds", f"{old['candidate_id']} met criterion "
                        f"'{criterion.id}' of quota '{old['quota_id']}' but no longer does "
                        f"once its thresholds are relaxed ({moved or 'nothing moved'})",
                        show_frame(frame), rule=criterion.id)

    _run(relaxing_thresholds, max_examples)


def _nominations(decided: pl.DataFrame) -> Iterator[dict[str, Any]]:
    yield from decided.sort("candidate_id", "quota_id").iter_rows(named=True)


# --- an author's own statement of a rule -------------------------------------------------


def check_rule_agrees(rulebook: CompiledRulebook, rule: str, oracle: Oracle, *,
                      quota: str | None = None, max_examples: int | None = None) -> None:
    """Rule ``rule`` agrees with ``oracle`` on records concentrated at its boundaries.

    ``oracle(record, quota)`` states the rule in plain Python: ``record`` is a typed record
    (:func:`eligibility.strategies.from_rulebook`: dates, codes, ``{year: rating}``, lists
    of intervals), ``quota`` the quota's :class:`~eligibility.rulebook.models.Quota` (its
    ``start``, ``end``, ``positions``, ``values`` ...). For a criterion it returns whether
    the record meets it; for a priority, the points. Records are generated for ``quota``,
    or for every quota the rule applies to.
    """
    _checked(rulebook)
    quotas = _quotas_with(rulebook, rule, quota)
    kinds = {quota_id: _rule_node(rulebook, quota_id, rule) for quota_id in quotas}

    @given(data=st.data())
    def rule_agrees(data: st.DataObject) -> None:
        quota_id = data.draw(st.sampled_from(quotas), label="quota")
        record = data.draw(from_rulebook(rulebook, quota=quota_id), label="record")
        is_criterion, node = kinds[quota_id]
        candidate = {**record, "id": record[rulebook.id_columns[0]]}
        expected = oracle(record, rulebook.quota(quota_id).quota)
        if is_criterion:
            outcome = next(item for item in evaluate_candidate(rulebook, candidate, quota_id)
                           .outcomes if item.id == rule)
            if outcome.met != bool(expected):
                said = "met" if outcome.met else f"not met — {outcome.messages['en']}"
                _disagree(rule, quota_id, said, "met" if expected else "not met", record)
        else:
            points = evaluate(node, candidate)
            points = 0 if points is None else points
            if points != expected:
                _disagree(rule, quota_id, f"{points} points", f"{expected} points", record)

    _run(rule_agrees, max_examples)


def _quotas_with(rulebook: CompiledRulebook, rule: str, quota: str | None) -> list[str]:
    if rule not in rulebook.criterion_ids and rule not in rulebook.priority_ids:
        raise InvalidArgument(f"{rule!r} is neither a criterion nor a priority of rulebook "
                              f"{rulebook.id!r}; its rules: "
                              f"{', '.join((*rulebook.criterion_ids, *rulebook.priority_ids))}")
    if quota is not None and quota not in rulebook.quotas:
        raise InvalidArgument(f"quota={quota!r} is not a quota of rulebook {rulebook.id!r}")
    quotas = [quota_id for quota_id in ([quota] if quota else rulebook.quotas)
              if _rule_node(rulebook, quota_id, rule)[1] is not None]
    if not quotas:
        raise InvalidArgument(f"rule {rule!r} does not apply to quota {quota!r}")
    return quotas


def _rule_node(rulebook: CompiledRulebook, quota_id: str, rule: str) -> tuple[bool, Any]:
    rules = rulebook.quota(quota_id)
    for criterion in rules.criteria:
        if criterion.id == rule:
            return True, criterion.condition
    for priority in rules.priorities:
        if priority.id == rule:
            return False, priority.points
    return False, None


def _disagree(rule: str, quota_id: str, rulebook_says: str, oracle_says: str,
              record: Mapping[str, Any]) -> None:
    raise PropertyFailure("rule-agrees", f"rule '{rule}' disagrees with its oracle on quota "
                          f"'{quota_id}':\n  rulebook: {rulebook_says}\n  oracle:   "
                          f"{oracle_says}", show_record(record), rule=rule)


# --- everything at once ----------------------------------------------------------------

GENERIC_CHECKS: dict[str, Callable[..., None]] = {
    "selected-meet-all-criteria": check_selected_meet_all_criteria,
    "seats-and-budget": check_seats_and_budget,
    "row-order-invariant": check_row_order_invariant,
    "spelling-invariant": check_spelling_invariant,
    "rating-monotone": check_rating_monotone,
    "relaxing-thresholds": check_relaxing_thresholds,
    "allocation-stable": check_allocation_stable,
    "deterministic": check_deterministic,
}
"""Every property that needs nothing but the rulebook, by name."""

_WITH_SEATS = {"selected-meet-all-criteria", "seats-and-budget", "allocation-stable"}


def check_all(rulebook: CompiledRulebook, *, max_examples: int | None = None,
              seats: int = DEFAULT_SEATS) -> None:
    """Check every property of :data:`GENERIC_CHECKS`; report every one that fails.

    Raises :class:`PropertyFailure` listing each failing property with its counterexample.
    """
    failures: list[PropertyFailure] = []
    for name, check in GENERIC_CHECKS.items():
        extra = {"seats": seats} if name in _WITH_SEATS else {}
        try:
            check(rulebook, max_examples=max_examples, **extra)
        except PropertyFailure as failure:
            failures.append(failure)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        names = ", ".join(failure.property for failure in failures)
        details = "\n\n".join(str(failure) for failure in failures)
        raise PropertyFailure("all", f"{len(failures)} properties fail ({names}):\n\n"
                              f"{details}", "(see each property above)")


# --- showing counterexamples -----------------------------------------------------------


def show_frame(frame: pl.DataFrame) -> str:
    """A nominee frame, one line per row, empty cells left out."""
    lines = []
    for row in frame.iter_rows(named=True):
        cells = [f"{name}={value!r}" for name, value in row.items()
                 if value is not None and value != ""]
        lines.append("  " + " ".join(cells))
    return "\n".join(lines) or "  (no rows)"


def show_record(record: Mapping[str, Any]) -> str:
    """A typed record, one field a line."""
    return "\n".join(f"  {name}: {_show(value)}" for name, value in record.items())


def _show(value: Any) -> str:
    if isinstance(value, Interval):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(item)}" for key, item in value.items()) or "(none)"
    if isinstance(value, list):
        return "; ".join(_show(item) for item in value) or "(none)"
    return "(empty)" if value is None else str(value)


def _by_nomination(table: pl.DataFrame) -> pl.DataFrame:
    return table.drop("row", strict=False).sort("candidate_id", "quota_id")


def first_difference(a: pl.DataFrame, b: pl.DataFrame) -> str:
    """The first cell that differs between two tables of the same shape, in words."""
    if a.columns != b.columns or a.height != b.height:
        return f"shapes differ: {a.shape} vs {b.shape}"
    for index, (left, right) in enumerate(zip(a.iter_rows(named=True), b.iter_rows(named=True),
                                              strict=True)):
        for column in a.columns:
            if left[column] != right[column]:
                who = left.get("candidate_id", f"row {index + 1}")
                where = f" in quota '{left['quota_id']}'" if "quota_id" in left else ""
                return f"{who}{where}: {column} {left[column]!r} vs {right[column]!r}"
    return "the tables differ in their types"
