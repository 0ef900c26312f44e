"""A compiled rulebook: typed fields and, per quota, the rules in force bound to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from eligibility.language.nodes import Node
from eligibility.language.types import INT, EnumType, Type
from eligibility.rulebook.models import LegalText, Quota, Rulebook, Text, TieBreak, Vocabulary


@dataclass(frozen=True)
class FieldSpec:
    """A candidate field: its type and the columns it is read from."""

    name: str
    type: Type  # for a yearly field, the type of one year's value
    required: bool
    columns: tuple[str, ...]  # header and aliases; for yearly fields, patterns with {year}
    default: Any
    yearly: bool
    separator: str
    title: Text | None = None
    may_be_absent: bool = False  # a file may leave the column out though a rule reads it

    @property
    def vocabulary(self) -> str | None:
        return self.type.name if isinstance(self.type, EnumType) else None


@dataclass(frozen=True)
class MessagePart:
    """Literal text, or a placeholder expression whose value is shown in its place.

    ``slot`` numbers a criterion's distinct placeholder expressions (across its languages
    and versions): engines record the value of slot ``k`` in column ``shown.<id>.<k>``.
    """

    text: str = ""
    expression: Node | None = None
    slot: int | None = None


@dataclass(frozen=True)
class BoundCriterion:
    id: str
    title: Text
    condition: Node
    message: dict[str, tuple[MessagePart, ...]]  # language -> parts
    basis: tuple[LegalText, ...]
    source: str  # the condition as written, for explanations


@dataclass(frozen=True)
class BoundPriority:
    id: str
    title: Text
    points: Node
    basis: tuple[LegalText, ...]
    source: str


@dataclass(frozen=True)
class QuotaRules:
    """The criteria and priorities in force for one quota, with its constants bound."""

    quota: Quota
    criteria: tuple[BoundCriterion, ...]
    priorities: tuple[BoundPriority, ...]
    earlier_seats: int = 0  # seats of this quota filled in earlier rounds of the plan
    earlier_budget: int = 0  # budget (VND) those seats used

    @property
    def capacity(self) -> int:
        """Seats that can be filled within both the seats and the budget (what earlier
        rounds of the plan left)."""
        quota = self.quota
        seats = max(quota.seats - self.earlier_seats, 0)
        if quota.cost_per_seat is None:  # each seat costs budget / seats: seats are the limit
            return seats
        return max(min(seats, (quota.budget - self.earlier_budget) // quota.cost_per_seat), 0)


@dataclass(frozen=True)
class CompiledRulebook:
    """Everything an engine needs, checked: built by :func:`eligibility.load_rulebook`."""

    model: Rulebook
    path: Path
    files: dict[str, str]
    fields: dict[str, FieldSpec]
    vocabularies: dict[str, Vocabulary]
    enum_types: dict[str, EnumType]
    quotas: dict[str, QuotaRules]
    criterion_ids: tuple[str, ...]
    priority_ids: tuple[str, ...]
    ranking: tuple[TieBreak, ...]
    id_columns: tuple[str, ...] = ("id",)
    nominations_columns: tuple[str, ...] = ("nominated_for",)
    nominations_separator: str = ";"
    legal_texts: dict[str, LegalText] = field(default_factory=dict)
    shown_types: dict[str, tuple[Type, ...]] = field(default_factory=dict)
    """Criterion id → the type of each of its message's placeholder slots."""
    engine_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Per-engine compiled forms of this rulebook (each engine keys its own entry)."""
    as_of: dt.date | None = None  # the date whose rules apply; None: each course start
    changes: tuple[str, ...] = ()  # overrides made to the files, as written (path=value)
    lineage: tuple[str, ...] = ()  # ids of the rulebooks whose sections this one takes

    @property
    def id(self) -> str:
        return self.model.id

    @cached_property
    def labels(self) -> dict[str, dict[str, dict[str, str]]]:
        """language → vocabulary → code → label shown in messages."""
        return {language: {name: {code: vocabulary.label_of(code, language)
                                  for code in vocabulary.values}
                           for name, vocabulary in self.vocabularies.items()}
                for language in ("vi", "en")}

    @cached_property
    def integer_points(self) -> bool:
        """Whether every priority gives whole points (then scores are whole numbers)."""
        return all(priority.points.type == INT for rules in self.quotas.values()
                   for priority in rules.priorities)

    @property
    def version(self) -> str:
        return self.model.version

    def quota(self, quota_id: str) -> QuotaRules:
        return self.quotas[quota_id]

    def in_force(self, day: dt.date) -> bool:
        return self.model.effective.covers(day)
