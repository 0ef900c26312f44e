"""The registry: every entry has its meaning on every engine."""

from __future__ import annotations

import inspect

import pytest

from eligibility.engines.durable.planner import Planner
from eligibility.language.registry import ENGINES, FUNCTIONS, REGISTRY, Entry


@pytest.mark.parametrize("entry", list(REGISTRY.values()), ids=list(REGISTRY))
def test_every_entry_has_a_lowering_for_every_engine(entry: Entry) -> None:
    """GIVEN a registry entry WHEN its engines' columns are read THEN the scalar meaning and
    the polars lowering are functions, and durable_rules either decides it (with a handler
    in the planner) or receives it computed (a leaf), and the SQL lowering is a function."""
    assert ENGINES == ("scalar", "polars", "durable", "sql")
    assert callable(entry.scalar), entry.name
    assert callable(entry.polars) and len(inspect.signature(entry.polars).parameters) == 2
    assert callable(entry.sql) and len(inspect.signature(entry.sql).parameters) == 2
    assert entry.durable in ("condition", "leaf")
    if entry.durable == "condition":
        assert hasattr(Planner, Planner.HANDLERS[entry.name]), entry.name
    assert entry.signature and entry.summary and entry.nulls and entry.example


def test_conditions_decided_by_durable_rules_are_exactly_the_planner_handlers() -> None:
    """GIVEN the planner's handlers WHEN compared with the entries durable_rules decides
    THEN neither has one the other lacks."""
    conditions = {name for name, entry in REGISTRY.items() if entry.durable == "condition"}
    assert conditions == set(Planner.HANDLERS)


def test_functions_called_by_name_declare_their_signature() -> None:
    """GIVEN the functions called by name WHEN their declarations are read THEN each has
    parameter types and a result type."""
    for name, entry in FUNCTIONS.items():
        assert entry.params is not None and entry.result is not None, name
