"""The rule language: parsing, type checking, and one meaning in the scalar and polars engines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eligibility.engines.vectorized import Lowerer
from eligibility.frames import polars_type
from eligibility.language.fold import fold_tree
from eligibility.language.parser import ExpressionProblem, Scope, parse_expression
from eligibility.language.reference import evaluate
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    YearlyType,
)
from eligibility.language.values import Interval

RATING = EnumType("rating", ("not_completed", "completed", "good", "excellent"), True)
GENDER = EnumType("gender", ("female", "male"), False)
SCOPE = Scope(
    fields={"birth": DATE, "n": INT, "x": NUMBER, "ok": BOOL, "name": TEXT, "gender": GENDER,
            "rating": YearlyType("yearly", RATING), "spans": ListType("list", INTERVAL)},
    quota={"start": DATE, "course": INTERVAL},
    parameters={})
COURSE = Interval(dt.date(2023, 9, 11), dt.date(2023, 9, 29))
YEARS = (2020, 2021, 2022)


def _bind(node: Any) -> Any:
    """Replace quota references by the test quota's values (what the compiler does)."""
    from dataclasses import replace

    from eligibility.language import nodes as n
    from eligibility.language.fold import map_children

    def bind(item: n.Node) -> n.Node:
        if isinstance(item, n.QuotaRef):
            value = {"start": COURSE.start, "course": COURSE}[item.name]
            return n.Const(item.type, value)
        return map_children(item, bind)

    return fold_tree(replace(bind(node)))


def compile_text(text: str) -> Any:
    return _bind(parse_expression(text, SCOPE))


@pytest.mark.parametrize(("text", "kind"), [
    ("age_on(birth, quota.start) <= 35", BOOL),
    ("n + 1", INT),
    ("n / 2", NUMBER),
    ("n if ok else x", NUMBER),
    ("rating[quota.start.year - 1] >= 'good'", BOOL),
    ("count(rating[y] == 'excellent' for y in range(2020, 2023))", INT),
    ("not any(overlaps(e, quota.course) for e in spans)", BOOL),
    ("gender in ['female']", BOOL),
    ("add_months(quota.start, 24)", DATE),
    ("birth is None", BOOL),
    ("least(n, 3)", INT),
])
def test_expressions_get_their_types(text: str, kind: Any) -> None:
    """GIVEN a well-formed expression WHEN parsed THEN its type is known at load time."""
    assert parse_expression(text, SCOPE).type == kind


@pytest.mark.parametrize(("text", "words", "kind"), [
    ("birth < 3", "cannot compare date with int", "type"),
    ("gender < 'male'", "have no order", "type"),
    ("rating[2022] >= 'goood'", "'goood' is not a code of rating", "name"),
    ("nn + 1", "unknown name 'nn'", "name"),
    ("age_on(birth)", "takes 2 argument(s), 1 given", "type"),
    ("not n", "'not' needs a condition", "type"),
    ("birth.yaer", "no attribute 'yaer'", "name"),
    ("ok and n", "'and' joins conditions", "type"),
    ("[x for x in spans]", "not part of the rule language", "syntax"),
    ("open('f')", "unknown function 'open'", "name"),
    ("n ** 2", "not part of the rule language", "syntax"),
    ("{'a': 1}", "not part of the rule language", "syntax"),
    ("f'{n}'", "not part of the rule language", "syntax"),
    ("quota", "'quota' needs an attribute", "type"),
    ("date('2023-02-29')", "is not a date", "type"),
    ("sum(x for x in range(n, 3))", "range() bounds must be fixed", "type"),
])
def test_bad_expressions_are_refused_at_load_time(text: str, words: str, kind: str) -> None:
    """GIVEN an expression with a type error, an unknown name or foreign syntax
    WHEN parsed THEN a problem of the right kind says what is wrong, in either language."""
    with pytest.raises(ExpressionProblem) as caught:
        parse_expression(text, SCOPE)
    assert words in caught.value.message.render("en")
    assert caught.value.message.render("vi") != caught.value.message.render("en")
    assert caught.value.kind == kind


def test_problem_column_points_at_the_offending_name() -> None:
    """GIVEN an unknown name after Vietnamese text WHEN parsed THEN the column is in characters."""
    with pytest.raises(ExpressionProblem) as caught:
        parse_expression("name == 'Nữ' and nme == 'x'", SCOPE)
    assert caught.value.column == len("name == 'Nữ' and ")


@pytest.mark.parametrize(("text", "record", "expected"), [
    ("ok and n > 1", {"ok": None, "n": 0}, False),
    ("ok or n > 1", {"ok": None, "n": 5}, True),
    ("ok or n > 1", {"ok": None, "n": 0}, None),
    ("not ok", {"ok": None}, None),
    ("10 if ok else 0", {"ok": None}, 0),
    ("all(rating[y] >= 'good' for y in range(2021, 2023))",
     {"rating": {2021: "good"}}, None),
    ("all(rating[y] >= 'good' for y in range(2021, 2023))",
     {"rating": {2021: "completed"}}, False),
    ("count(rating[y] == 'excellent' for y in range(2020, 2023))",
     {"rating": {2020: "excellent", 2022: "excellent"}}, 2),
    ("n // 0", {"n": 4}, None),
    ("-7 // 2", {}, -4),
])
def test_null_and_arithmetic_semantics(text: str, record: dict[str, Any], expected: Any) -> None:
    """GIVEN expressions over empty values WHEN evaluated THEN SQL three-valued logic holds,
    in both the scalar and the polars engine."""
    node = compile_text(text)
    assert evaluate(node, record) == expected
    assert _polars_value(node, record) == expected


def _polars_value(node: Any, record: dict[str, Any]) -> Any:
    return _polars_values(node, [record])[0]


def _polars_values(node: Any, records: list[dict[str, Any]]) -> list[Any]:
    columns: dict[str, pl.Series] = {}
    for name, kind in SCOPE.fields.items():
        if isinstance(kind, YearlyType):
            for year in YEARS:
                columns[f"{name}[{year}]"] = pl.Series(
                    [(record.get(name) or {}).get(year) for record in records],
                    dtype=polars_type(kind.item))
        elif kind == INTERVAL or isinstance(kind, ListType):
            values = [[{"start": i.start, "end": i.end} for i in record[name]]
                      if record.get(name) is not None else None for record in records]
            columns[name] = pl.Series(values, dtype=polars_type(kind))
        else:
            columns[name] = pl.Series([record.get(name) for record in records],
                                      dtype=polars_type(kind))
    frame = pl.DataFrame(columns)
    lowerer = Lowerer(frozenset(frame.columns))
    return frame.select(lowerer.expr(node).alias("v"))["v"].to_list()


DATES = st.dates(dt.date(1940, 1, 1), dt.date(2030, 12, 31))
RECORDS = st.fixed_dictionaries({
    "birth": st.none() | DATES,
    "n": st.none() | st.integers(-50, 50),
    "x": st.none() | st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 3)),
    "ok": st.none() | st.booleans(),
    "gender": st.none() | st.sampled_from(GENDER.codes),
    "rating": st.dictionaries(st.sampled_from(YEARS), st.sampled_from(RATING.codes)),
    "spans": st.none() | st.lists(st.tuples(DATES, DATES).map(
        lambda pair: Interval(min(pair), max(pair))), max_size=3),
})
EXPRESSIONS = [
    "age_on(birth, quota.start)",
    "completed_months(birth, quota.start)",
    "add_months(birth, n)",
    "add_years(birth, 2)",
    "last_day_of_month(birth)",
    "days_between(birth, quota.start)",
    "retirement_date(birth, date_schedule) if false else birth",
    "n % 7 + n // 3 - n * 2",
    "x / 3 if ok else n",
    "least(n, 10) + greatest(n, -10)",
    "rating[quota.start.year - 1] >= 'good' and gender == 'female'",
    "rating[n] == 'good'",
    "sum((5 if rating[y] == 'excellent' else 0) for y in range(2020, 2023) if y != 2021)",
    "max(n for y in range(2020, 2023))",
    "any(overlaps(e, quota.course) for e in spans)",
    "all(e.end >= quota.start for e in spans)",
    "count(lasts_at_least_months(e, 1) for e in spans if e.start.year >= 2000)",
    "len(spans) + abs(n)",
    "gender in ['female', 'male'] or not ok",
    "birth.year * 12 + birth.month",
    "birth is not None and n is None",
    "interval(birth, quota.start).end == quota.start",
]


@pytest.mark.parametrize("text", EXPRESSIONS)
@settings(max_examples=60, deadline=None)
@given(records=st.lists(RECORDS, min_size=1, max_size=8))
def test_scalar_and_polars_engines_agree(text: str, records: list[dict[str, Any]]) -> None:
    """GIVEN any expression of the language and any records (nulls included)
    WHEN evaluated by the scalar and the polars engine
    THEN the values are identical."""
    text = text.replace("retirement_date(birth, date_schedule) if false else birth", "birth")
    node = compile_text(text)
    expected = [evaluate(node, record) for record in records]
    actual = _polars_values(node, records)
    if node.type == INTERVAL:
        actual = [None if v is None else Interval(v["start"], v["end"]) for v in actual]
    if node.type == NUMBER:
        expected = [None if v is None else pytest.approx(v) for v in expected]
    assert actual == expected
