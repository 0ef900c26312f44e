"""The durable engine: rulesets per quota, facts per nomination, outcomes per fact.

:class:`DurableEngine` serves batches (``--engine durable``) and live sessions alike.
Results are keyed by each nomination's key, never by the order or time actions ran.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, NamedTuple

import polars as pl

from eligibility.engines import scalar
from eligibility.engines.durable.planner import DurablePlan, RulePlan, plan_quota
from eligibility.engines.durable.rulesets import (
    COUNTER,
    Ruleset,
    accepted,
    definitions,
    durable_modules,
)
from eligibility.engines.outcome import Outcome, outcome_frame
from eligibility.frames import QUOTA, records_of
from eligibility.rulebook.compiled import CompiledRulebook

CHUNK = 4096  # facts posted at once



class Nomination(NamedTuple):
    """One candidate nominated for one quota: ``key`` is unique within an engine."""

    key: int
    quota_id: str
    record: Mapping[str, Any]


class DurableEngine:
    """The rulesets of one rulebook, one per quota, and the facts posted to them.

    Use as a context manager (or call :meth:`close`): closing deletes the rulesets.
    ``decide(..., keep=False)`` decides and forgets (batches); ``keep=True`` keeps the
    facts, so that :meth:`retract` can withdraw them and only new facts are decided
    (live sessions).
    """

    LIVE = "live"

    def __init__(self, rulebook: CompiledRulebook) -> None:
        durable_modules()
        self.rulebook = rulebook
        self.plans = {quota_id: plan_quota(rules, accepted)
                      for quota_id, rules in rulebook.quotas.items()}
        self._integer = rulebook.integer_points
        self._fired: list[tuple[Any, ...]] = []
        self._rulesets: dict[str, list[Ruleset]] = {}
        self._kept: dict[int, tuple[str, list[tuple[int, str]]]] = {}  # key -> quota, facts
        self._batches = itertools.count()
        try:
            for quota_id, plan in self.plans.items():
                self._rulesets[quota_id] = self._compile(plan)
        except BaseException:
            self.close()
            raise

    def _compile(self, plan: DurablePlan) -> list[Ruleset]:
        """One ruleset per group; a group durable_rules refuses whole is split in two."""
        durable = durable_modules()
        created: list[Ruleset] = []
        number = 0
        while number < len(plan.groups):
            name = f"eligibility.{plan.quota_id}.{next(COUNTER)}"
            rules = definitions(plan.groups[number], number, durable.lang, self._fired)
            try:
                created.append(Ruleset(name, rules, self._fired))
            except durable.core.error:
                if len(plan.groups[number].units) < 2:
                    raise
                for ruleset in created:
                    ruleset.close()
                plan.split(number)
                created, number = [], 0
                continue
            number += 1
        return created

    @property
    def ruleset_names(self) -> dict[str, list[str]]:
        return {quota_id: [ruleset.name for ruleset in rulesets]
                for quota_id, rulesets in self._rulesets.items()}

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Delete the rulesets (and every fact in them)."""
        rulesets, self._rulesets = self._rulesets, {}
        for group in rulesets.values():
            for ruleset in group:
                ruleset.close()
        self._kept.clear()

    def decide(self, nominations: Sequence[Nomination], *,
               keep: bool = False) -> dict[int, Outcome]:
        """Outcomes of ``nominations`` by key, decided by durable_rules."""
        outcomes: dict[int, Outcome] = {}
        by_quota: dict[str, list[Nomination]] = {}
        for nomination in nominations:
            by_quota.setdefault(nomination.quota_id, []).append(nomination)
        for quota_id, items in by_quota.items():
            outcomes.update(self._decide_quota(quota_id, items, keep))
        return outcomes

    def retract(self, keys: Sequence[int]) -> None:
        """Withdraw the kept facts of nominations ``keys``."""
        facts: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for key in keys:
            quota_id, posted = self._kept.pop(key, ("", []))
            for group, fact_id in posted:
                facts.setdefault((quota_id, group), []).append(
                    {"id": fact_id, "sid": self.LIVE})
        for (quota_id, group), items in facts.items():
            self._rulesets[quota_id][group].retract_facts(items)

    def _decide_quota(self, quota_id: str, items: list[Nomination],
                      keep: bool) -> dict[int, Outcome]:
        plan = self.plans[quota_id]
        rulesets = self._rulesets[quota_id]
        pending: dict[int, _Pending] = {}
        step = max(1, CHUNK // max(1, len(rulesets)))
        for start in range(0, len(items), step):
            chunk = items[start:start + step]
            sid = self.LIVE if keep else f"batch{next(self._batches)}"
            facts = [_facts(plan, item, sid) for item in chunk]
            for group, ruleset in enumerate(rulesets):
                try:
                    ruleset.assert_facts([item_facts[group] for item_facts in facts])
                    self._collect(plan, pending)
                finally:
                    if not keep:
                        ruleset.forget(sid)
            if keep:
                for item, item_facts in zip(chunk, facts, strict=True):
                    self._kept[item.key] = (quota_id, [(group, fact["id"]) for group, fact
                                                       in enumerate(item_facts)])
        program = scalar.program(self.rulebook, quota_id)
        return {item.key: self._outcome(plan, item, pending.get(item.key), program)
                for item in items}

    def _collect(self, plan: DurablePlan, pending: dict[int, _Pending]) -> None:
        fired, self._fired[:] = list(self._fired), []
        for key, group, number, value in fired:
            rule = plan.groups[group].rules[number]
            state = pending.setdefault(key, _Pending(plan))
            state.record(rule, value)

    def _outcome(self, plan: DurablePlan, item: Nomination, state: _Pending | None,
                 program: scalar.QuotaProgram) -> Outcome:
        """What the rules decided on ``item``; the values an unmet criterion's message shows
        are computed in Python, like any leaf."""
        state = state or _Pending(plan)
        met = state.criteria(item.key)
        points = state.points(item.key, self._integer)
        return program.outcome(item.record, met, points if all(met) else None)


class _Pending:
    """What the rules of one nomination decided so far."""

    def __init__(self, plan: DurablePlan) -> None:
        self.plan = plan
        self.met: list[set[bool]] = [set() for _ in plan.criteria]
        self.values: list[dict[int, Any]] = [{} for _ in plan.priorities]

    def record(self, rule: RulePlan, value: Any) -> None:
        if rule.kind == "branch":
            self.values[rule.index][rule.branch] = \
                rule.constant if rule.value is None else value
        else:
            self.met[rule.index].add(rule.kind == "met")

    def criteria(self, key: int) -> tuple[bool, ...]:
        for index, decided in enumerate(self.met):
            if len(decided) != 1:
                raise RuntimeError(
                    f"durable_rules decided criterion {self.plan.criteria[index]!r} of "
                    f"nomination {key} in quota {self.plan.quota_id!r} {len(decided)} ways")
        return tuple(next(iter(decided)) for decided in self.met)

    def points(self, key: int, integer: bool) -> tuple[int | float, ...]:
        result = []
        for index, branches in enumerate(self.values):
            if len(branches) != 1:
                raise RuntimeError(
                    f"durable_rules chose {len(branches)} branches of priority "
                    f"{self.plan.priorities[index]!r} for nomination {key}")
            value = next(iter(branches.values()))
            value = 0 if value is None else value
            result.append(int(value) if integer else float(value))
        return tuple(result)


def _facts(plan: DurablePlan, item: Nomination, sid: str) -> list[dict[str, Any]]:
    """The facts of one nomination: one per group, null leaves left out."""
    raw: dict[int, Any] = {}
    facts = []
    for group, leaves in enumerate(group.leaves for group in plan.groups):
        fact: dict[str, Any] = {"id": f"{item.key}.{group}", "sid": sid, "k": item.key,
                                "g": group}
        for leaf in leaves:
            if leaf.source not in raw:
                raw[leaf.source] = leaf.compute(item.record, {})
            value = leaf.posted(raw[leaf.source])
            if value is not None:
                fact[leaf.name] = value
        facts.append(fact)
    return facts


def evaluate_frame(rulebook: CompiledRulebook, frame: pl.DataFrame) -> pl.DataFrame:
    """Decide every nomination of ``frame`` with durable_rules: the frame's columns, then the
    outcome columns, exactly as :func:`eligibility.engines.vectorized.evaluate_frame`.

    Raises :class:`~eligibility.errors.EngineUnavailableError` when durable-rules cannot be
    imported here.
    """
    durable_modules()
    quota_ids = [str(value) for value in frame[QUOTA].to_list()]
    unknown = sorted(set(quota_ids) - set(rulebook.quotas))
    if unknown:
        raise ValueError(f"unknown quota ids: {unknown[:5]}")
    records = records_of(frame, rulebook)
    with DurableEngine(rulebook) as engine:
        decided = engine.decide([Nomination(index, quota_id, record) for index, (quota_id, record)
                                 in enumerate(zip(quota_ids, records, strict=True))])
    outcomes = [decided[index] for index in range(len(records))]
    return pl.concat([frame, outcome_frame(rulebook, quota_ids, outcomes)], how="horizontal")
