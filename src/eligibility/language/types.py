"""The types of the rule language.

Every expression has one of these types, known when the rulebook is loaded:
``bool``, ``int``, ``number``, ``text``, ``date``, ``interval``, a vocabulary (``enum``),
``list[T]``, ``yearly[T]`` (one value per calendar year), ``age_schedule`` and
``by[vocabulary, T]`` (a parameter with one value per code of a vocabulary).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Type:
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class EnumType(Type):
    """Values of a vocabulary; comparable with <, <= … when the vocabulary is ordered."""

    codes: tuple[str, ...] = ()
    ordered: bool = False

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListType(Type):
    item: Type = Type("text")

    def __str__(self) -> str:
        return f"list[{self.item}]"


@dataclass(frozen=True)
class YearlyType(Type):
    item: Type = Type("text")

    def __str__(self) -> str:
        return f"yearly[{self.item}]"


@dataclass(frozen=True)
class ByCodeType(Type):
    """A parameter holding one value per code of a vocabulary."""

    key: EnumType = EnumType("enum")
    item: Type = Type("text")

    def __str__(self) -> str:
        return f"by[{self.key}, {self.item}]"


@dataclass(frozen=True)
class RangeType(Type):
    """The years of ``range(a, b)``: only iterated over, inside a comprehension."""


BOOL = Type("bool")
INT = Type("int")
NUMBER = Type("number")
TEXT = Type("text")
DATE = Type("date")
INTERVAL = Type("interval")
AGE_SCHEDULE = Type("age_schedule")
NULL = Type("null")
RANGE = RangeType("range")

SIMPLE_TYPES: dict[str, Type] = {
    "bool": BOOL, "int": INT, "number": NUMBER, "text": TEXT, "date": DATE,
    "interval": INTERVAL, "age_schedule": AGE_SCHEDULE,
    "list[interval]": ListType("list", INTERVAL), "list[text]": ListType("list", TEXT),
}

ATTRIBUTES: dict[Type, dict[str, Type]] = {
    DATE: {"year": INT, "month": INT, "day": INT},
    INTERVAL: {"start": DATE, "end": DATE},
}


def is_numeric(kind: Type) -> bool:
    return kind in (INT, NUMBER)


def numeric_result(left: Type, right: Type) -> Type:
    return INT if left == INT and right == INT else NUMBER


def comparable(left: Type, right: Type) -> bool:
    """Whether ``left`` and ``right`` may be compared with ==, != (and ordered if orderable)."""
    if left == NULL or right == NULL:
        return True
    if is_numeric(left) and is_numeric(right):
        return True
    return left == right


def orderable(kind: Type) -> bool:
    if isinstance(kind, EnumType):
        return kind.ordered
    return kind in (INT, NUMBER, DATE, TEXT)
