"""The conformance suite: every case of ``tests/conformance/*.yaml`` on every engine.

See ``tests/conformance/README.md`` for the format and for how each engine is asked.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

import eligibility
from eligibility.engines import frame_engine
from eligibility.engines import sql as sql_engine
from eligibility.engines.durable import durable_available
from eligibility.engines.sql.database import PostgresDatabase
from eligibility.frames import (
    CANDIDATE,
    PREFERENCE,
    QUOTA,
    ROW,
    criterion_column,
    field_schema,
    language_value,
    polars_cell,
    shown_column,
)
from eligibility.language import nodes as n
from eligibility.language.reference import evaluate
from eligibility.language.registry import REGISTRY, entry_of
from eligibility.language.types import BOOL, DATE, INT, INTERVAL, NUMBER, ListType, Type
from eligibility.language.values import Interval
from eligibility.messages import message_expr, render_message
from eligibility.rulebook.compiled import BoundCriterion, CompiledRulebook
from eligibility.rulebook.yaml_source import read_yaml

HERE = Path(__file__).parent / "conformance"
FILES = sorted(HERE.glob("*.yaml"))
ENGINES = ["reference", "scalar", "vectorized", "sql", "sql-postgres",
           pytest.param("durable", marks=pytest.mark.skipif(
               not durable_available(), reason="durable-rules is not installed"))]
LANGUAGES = ("vi", "en")

_BASE: dict[str, Any] = {
    "id": "conformance",
    "title": {"vi": "Bộ thử tuân thủ", "en": "Conformance suite"},
    "version": "1",
    "effective": {"from": "2000-01-01"},
    "vocabularies": {
        "gender": {"values": {
            "female": {"label": {"vi": "nữ", "en": "female"}},
            "male": {"label": {"vi": "nam", "en": "male"}}}},
        "rating": {"ordered": True, "values": {
            "not_completed": {"label": {"vi": "Không hoàn thành nhiệm vụ",
                                        "en": "not completed"}},
            "completed": {"label": {"vi": "Hoàn thành nhiệm vụ", "en": "completed"}},
            "good": {"label": {"vi": "Hoàn thành tốt nhiệm vụ", "en": "good"}},
            "excellent": {"label": {"vi": "Hoàn thành xuất sắc nhiệm vụ",
                                    "en": "excellent"}}}},
        "position": {"values": {
            "finance": {"label": {"vi": "Tài chính công", "en": "public finance"}},
            "health": {"label": {"vi": "Y tế công cộng", "en": "public health"}},
            "teaching": None}},
    },
    "parameters": {
        "limit": {"value": 40},
        "rate": {"value": 0.5},
        "since": {"type": "date", "value": "2020-01-01"},
        "bonus": {"by": "gender", "value": {"female": 10, "male": 0}},
        "ages": {"type": "age_schedule", "by": "gender", "value": {
            "male": {2019: "60y", 2020: "60y3m"}, "female": {2019: "55y", 2020: "55y4m"}}},
    },
    "quotas": [{
        "id": "q", "title": {"vi": "Chỉ tiêu thử", "en": "Test quota"}, "lead": "Sở Nội vụ",
        "kind": "fostering", "seats": 10, "budget": 1_000_000, "start": "2023-09-11",
        "end": "2023-09-29", "positions": ["finance", "health"], "values": {"cap": 35}}],
    "ranking": [{"key": "score", "order": "descending"}],
}


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    name: str
    expr: str | None
    message: str | None
    record: dict[str, Any]
    value: Any
    rendered: dict[str, str] | None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.index}:{self.name}"


@dataclass
class Decided:
    """One file's cases decided by one engine."""

    rulebook: CompiledRulebook
    frame: pl.DataFrame  # one row per case, outcome columns included


def _read(path: Path) -> tuple[dict[str, str], list[Case]]:
    document, _ = read_yaml(path)
    cases = []
    for index, item in enumerate(document["cases"]):
        cases.append(Case(path.stem, index, item["name"], item.get("expr"),
                          item.get("message"), dict(item.get("record") or {}),
                          item.get("value"), item.get("rendered")))
    return dict(document["fields"]), cases


ALL_CASES = [case for path in FILES for case in _read(path)[1]]


@functools.cache
def _rulebook(stem: str, tmp: Path) -> CompiledRulebook:
    fields, cases = _read(HERE / f"{stem}.yaml")
    document = dict(_BASE)
    document["candidate"] = {"fields": {
        name: ({"type": declared.split()[0], "yearly": True, "column": f"{name}_{{year}}"}
               if declared.endswith(" yearly") else {"type": declared})
        for name, declared in fields.items()}}
    criteria: list[dict[str, Any]] = []
    for case in cases:
        i = case.index
        if case.expr is not None:
            shown = "{" + case.expr + "}"
            criteria.append({"id": f"v{i}", "title": {"vi": "giá trị", "en": "value"},
                             "condition": "false", "message": {"vi": shown, "en": shown}})
        if case.message is not None:
            criteria.append({"id": f"m{i}", "title": {"vi": "thông báo", "en": "message"},
                             "condition": "false",
                             "message": {"vi": case.message, "en": case.message}})
    document["criteria"] = criteria
    path = tmp / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    rulebook = eligibility.load_rulebook(path)
    # With each value's type known, add the engines' condition probes.
    for case in cases:
        if case.expr is None:
            continue
        kind = _value_node(rulebook, case.index).type
        for probe_id, condition in _probes(case, kind):
            criteria.append({"id": probe_id, "title": {"vi": "điều kiện", "en": "probe"},
                             "condition": condition, "message": {"vi": "-", "en": "-"}})
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return eligibility.load_rulebook(path)


def _probes(case: Case, kind: Type) -> list[tuple[str, str]]:
    i, expr = case.index, case.expr
    if kind == BOOL:
        return [(f"t{i}", f"{expr}"), (f"f{i}", f"not ({expr})")]
    if case.value is None:
        return [(f"e{i}", f"({expr}) is None")]
    if isinstance(kind, ListType):
        return [(f"e{i}", f"len({expr}) == {len(case.value)}")]
    return [(f"e{i}", f"({expr}) == {_literal(case.value, kind)}")]


def _literal(raw: Any, kind: Type) -> str:
    if kind == DATE:
        return f"date('{raw}')"
    if kind == INTERVAL:
        start, end = str(raw).split("/")
        return f"interval(date('{start}'), date('{end}'))"
    if kind in (INT, NUMBER):
        return repr(raw)
    return repr(str(raw))


def _value_node(rulebook: CompiledRulebook, index: int) -> n.Node:
    criterion = _criterion(rulebook, f"v{index}")
    node = criterion.message["vi"][0].expression
    assert node is not None
    return node


def _criterion(rulebook: CompiledRulebook, rule: str) -> BoundCriterion:
    return next(item for item in rulebook.quotas["q"].criteria if item.id == rule)


def _typed(raw: Any, kind: Type) -> Any:
    """A value written in a conformance file, as the language holds it."""
    if raw is None:
        return None
    if kind == DATE:
        return dt.date.fromisoformat(str(raw))
    if kind == INTERVAL:
        start, end = str(raw).split("/")
        return Interval(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    if isinstance(kind, ListType):
        return [_typed(item, kind.item) for item in raw]
    if kind == NUMBER:
        return float(raw)
    return raw


def _frame(rulebook: CompiledRulebook, cases: list[Case]) -> pl.DataFrame:
    years: dict[str, set[int]] = {}
    for case in cases:
        for name, value in case.record.items():
            if rulebook.fields[name].yearly:
                years.setdefault(name, set()).update(int(year) for year in value or {})
    schema = field_schema(rulebook, years)
    rows = []
    for case in cases:
        row: dict[str, Any] = {CANDIDATE: f"n{case.index}"}
        for name, spec in rulebook.fields.items():
            value = case.record.get(name)
            if spec.yearly:
                for year in sorted(years.get(name, ())):
                    item = (value or {}).get(year, (value or {}).get(str(year)))
                    row[f"{name}[{year}]"] = item
            else:
                row[name] = polars_cell(_typed(value, spec.type))
        rows.append(row)
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(pl.lit("q").alias(QUOTA),
                              pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias(ROW),
                              pl.lit(1, pl.Int64).alias(PREFERENCE))


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Any:
    tmp = tmp_path_factory.mktemp("conformance")
    cache: dict[tuple[str, str], Decided] = {}

    def get(stem: str, engine: str) -> Decided:
        if (stem, engine) not in cache:
            rulebook = _rulebook(stem, tmp)
            frame = _frame(rulebook, _read(HERE / f"{stem}.yaml")[1])
            if engine == "reference":
                result = frame
            elif engine == "sql-postgres":  # the SQL engine in a real PostgreSQL server
                with PostgresDatabase(request.getfixturevalue("postgres_url")) as database:
                    result = sql_engine.evaluate_frame(rulebook, frame, database=database)
            else:
                result = frame_engine(engine)(rulebook, frame)
            cache[(stem, engine)] = Decided(rulebook, result)
        return cache[(stem, engine)]

    return get


def _value(result: Decided, engine: str, case: Case, kind: Type) -> Any:
    if engine == "reference":
        record = eligibility.frames.records_of(result.frame, result.rulebook)[case.index]
        return evaluate(_value_node(result.rulebook, case.index), record)
    row = result.frame.row(case.index, named=True)
    return language_value(row[shown_column(f"v{case.index}", 0)], kind)


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, (int, float)) \
            and not isinstance(actual, bool):
        return float(actual) == expected
    return (type(actual) is type(expected) and actual == expected) or (
        actual is None and expected is None)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", [case for case in ALL_CASES if case.expr is not None],
                         ids=lambda case: case.id)
def test_every_engine_gives_the_expected_value(decided: Any, case: Case, engine: str) -> None:
    """GIVEN a case's expression and record WHEN decided by the engine THEN the value it
    records, and how it decides the expression as a condition, are the expected ones."""
    result = decided(case.file, engine)
    kind = _value_node(result.rulebook, case.index).type
    expected = _typed(case.value, kind)
    actual = _value(result, engine, case, kind)
    assert _same(actual, expected), f"{case.expr}: {engine} gives {actual!r}, not {expected!r}"
    if engine == "reference":
        return
    row = result.frame.row(case.index, named=True)
    if kind == BOOL:
        decided_as = {(True, False): True, (False, True): False, (False, False): None}[
            (row[criterion_column(f"t{case.index}")], row[criterion_column(f"f{case.index}")])]
        assert decided_as is expected, f"{engine} decides {case.expr} as {decided_as}"
    else:
        assert row[criterion_column(f"e{case.index}")] is True, \
            f"{engine} does not find {case.expr} equal to {expected!r}"


@pytest.mark.parametrize("engine", ENGINES[1:])
@pytest.mark.parametrize("case", [case for case in ALL_CASES if case.message is not None],
                         ids=lambda case: case.id)
def test_every_engine_renders_the_expected_message(decided: Any, case: Case,
                                                   engine: str) -> None:
    """GIVEN a message template WHEN its placeholders are recorded by the engine and
    rendered in Python and in polars THEN both give the expected text in each language."""
    result = decided(case.file, engine)
    criterion = _criterion(result.rulebook, f"m{case.index}")
    rule = criterion.id
    kinds = result.rulebook.shown_types[rule]
    row = result.frame.row(case.index, named=True)
    shown = [language_value(row[shown_column(rule, slot)], kind)
             for slot, kind in enumerate(kinds)]
    assert case.rendered is not None
    for language in LANGUAGES:
        labels = result.rulebook.labels[language]
        by_python = render_message(criterion.message[language], shown, language, labels)
        by_polars = result.frame.select(message_expr(result.rulebook, criterion, language)
                                        ).row(case.index)[0]
        assert by_python == case.rendered[language], (language, by_python)
        assert by_polars == case.rendered[language], (language, by_polars)


def _used_entries(case: Case, rulebook: CompiledRulebook) -> set[str]:
    if case.expr is None:
        texts: list[n.Node] = [part.expression for part in
                               _criterion(rulebook, f"m{case.index}").message["vi"]
                               if part.expression is not None]
    else:
        texts = [_value_node(rulebook, case.index)]
    names = {entry.name for node in texts for item in node.walk()
             if (entry := entry_of(item)) is not None}
    source = case.expr or case.message or ""
    if re.search(r"\bdate\(", source):
        names.add("date")
    return names


def test_every_registry_entry_has_cases_with_and_without_empty_values(
        tmp_path: Path) -> None:
    """GIVEN the conformance files WHEN the entries their expressions use are collected
    THEN every registry entry is used, and used by a case whose record has an empty value
    (a registry entry without conformance cases fails here)."""
    used: set[str] = set()
    with_null: set[str] = set()
    for path in FILES:
        rulebook = _rulebook(path.stem, tmp_path)
        for case in _read(path)[1]:
            names = _used_entries(case, rulebook)
            used |= names
            if any(value is None or value == [] for value in case.record.values()) \
                    or case.value is None:
                with_null |= names
    assert set(REGISTRY) - used == set()
    assert set(REGISTRY) - with_null - {"date", "range"} == set()


def test_enum_values_of_every_vocabulary_kind_are_exercised() -> None:
    """GIVEN the conformance files WHEN their declared field types are read THEN ordered
    and unordered vocabularies, yearly fields, lists and intervals all appear."""
    declared = {kind for path in FILES for kind in _read(path)[0].values()}
    assert {"gender", "rating yearly", "list[interval]", "list[text]", "interval",
            "number", "int", "date", "bool", "text", "position"} <= declared
