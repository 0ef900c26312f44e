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
    """Literal text, or a placeholder expression whose value is shown in its place."""

    text: str = ""
    expression: Node | None = None


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

    @property
    def capacity(self) -> int:
        """Seats that can be filled within both the seats and the budget."""
        quota = self.quota
        if quota.cost_per_seat is None:
            return quota.seats
        return min(quota.seats, quota.budget // quota.cost_per_seat)


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


def yearly_column(field_name: str, year: int) -> str:
    """The frame column holding a yearly field's value for one year, e.g. ``rating[2022]``."""
    return f"{field_name}[{year}]"


def criterion_column(rule_id: str) -> str:
    return f"criterion.{rule_id}"


def points_column(rule_id: str) -> str:
    return f"points.{rule_id}"
