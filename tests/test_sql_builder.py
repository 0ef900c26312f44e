"""The SQL builder: expressions written in each dialect mean what the language means."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlglot import exp

from eligibility.engines.sql.database import Database, DuckDatabase
from eligibility.language.domain import INT_MAX, INT_MIN
from eligibility.language.rendering import number_text
from eligibility.language.sql_builder import (
    LetSink,
    SqlBuilder,
    alias,
    column,
    parenthesized,
    select,
    table,
)
from eligibility.language.types import INT, NUMBER


@pytest.fixture(scope="module")
def database(sql_database: Database) -> Database:
    """DuckDB, then PostgreSQL (see conftest)."""
    return sql_database


def _values(database: Database, frame: pl.DataFrame, make: object,
            dtype: pl.DataType) -> list[object]:
    """``make(build, column)`` for each row of ``frame`` (one column ``x``, maybe ``y``)."""
    build = database.builder()
    database.put("__values", frame.with_row_index("i"))
    value = make(build, column("x")) if frame.width == 1 else make(build, column("x"),  # type: ignore[operator]
                                                                    column("y"))
    query = select(column("i"), alias(value, "v"), source=table("__values"))
    query.set("order", exp.Order(expressions=[exp.Ordered(this=column("i"))]))
    return database.fetch(query, {"i": pl.UInt32(), "v": dtype})["v"].to_list()


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=25)
@given(st.lists(finite, min_size=1, max_size=40))
def test_numbers_are_written_as_python_writes_them(database: Database,
                                                   numbers: list[float]) -> None:
    """GIVEN finite numbers, tiny, huge, negative zero WHEN text() of them is computed in
    the database THEN it is the library's number_text, character for character."""
    numbers += [0.1, 1e-05, -0.0, 123456789012345678.0, 1e38, 1.5e300, 5e-324, 2.5]
    frame = pl.DataFrame({"x": numbers}, schema={"x": pl.Float64})
    written = _values(database, frame, lambda build, x: build.number_text(x), pl.String())
    assert written == [number_text(value) for value in numbers]


@settings(max_examples=25)
@given(st.lists(st.tuples(st.integers(INT_MIN, INT_MAX), st.integers(INT_MIN, INT_MAX)),
                min_size=1, max_size=30))
def test_whole_numbers_are_checked_and_floored(database: Database,
                                               pairs: list[tuple[int, int]]) -> None:
    """GIVEN pairs of 64-bit whole numbers (the extremes included) WHEN added, multiplied,
    floor-divided and taken modulo in the database THEN each is Python's result, or null
    beyond 64 bits or for a zero divisor — never an error."""
    pairs += [(INT_MIN, -1), (INT_MAX, 1), (-7, 2), (7, -2), (5, 0), (INT_MIN, INT_MIN)]
    frame = pl.DataFrame({"x": [a for a, _ in pairs], "y": [b for _, b in pairs]},
                         schema={"x": pl.Int64, "y": pl.Int64})

    def within(value: int) -> int | None:
        return value if INT_MIN <= value <= INT_MAX else None

    expected = {
        "+": [within(a + b) for a, b in pairs], "*": [within(a * b) for a, b in pairs],
        "//": [None if b == 0 else within(a // b) for a, b in pairs],
        "%": [None if b == 0 else within(a % b) for a, b in pairs]}
    for op, wanted in expected.items():
        got = _values(database, frame, lambda build, x, y, op=op: build.whole_op(op, x, y),
                      pl.Int64())
        assert got == wanted, op


@settings(max_examples=20)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=30))
def test_numbers_out_of_range_are_null_never_an_error(
        database: Database, pairs: list[tuple[float, float]]) -> None:
    """GIVEN pairs of finite numbers, with overflows and underflows among them WHEN
    multiplied, divided and added THEN each result is Python's, null where it is not finite
    (PostgreSQL raises on both; its session functions give the language's answer)."""
    pairs += [(1e308, 10.0), (1e-300, 1e-300), (-1e-300, 1e-300), (1e308, 1e-10),
              (1e-320, 1e10), (1.7976931348623157e308, 1.7976931348623157e308), (3.0, 0.0)]
    frame = pl.DataFrame({"x": [a for a, _ in pairs], "y": [b for _, b in pairs]},
                         schema={"x": pl.Float64, "y": pl.Float64})

    def finite_or_none(value: float) -> float | None:
        return value if math.isfinite(value) else None

    expected = {
        "*": [finite_or_none(a * b) for a, b in pairs],
        "/": [None if b == 0 else finite_or_none(a / b) for a, b in pairs],
        "+": [finite_or_none(a + b) for a, b in pairs]}
    for op, wanted in expected.items():
        got = _values(database, frame, lambda build, x, y, op=op: build.number_op(op, x, y),
                      pl.Float64())
        assert got == wanted, op
        assert [math.copysign(1, value) for value in got if value == 0] == \
            [math.copysign(1, value) for value in wanted if value == 0], op


def test_operators_inside_operators_are_parenthesized() -> None:
    """GIVEN (a - 1) // 12 and a AND (b OR c) built as trees WHEN written THEN the
    parentheses the meaning needs are there in every dialect."""
    build = SqlBuilder("duckdb")
    tree = exp.IntDiv(this=exp.Sub(this=column("a"), expression=exp.Literal.number(1)),
                      expression=exp.Literal.number(12))
    assert parenthesized(tree).sql("duckdb") == '("a" - 1) // 12'
    logic = build.all_of([column("a"), build.any_of([column("b"), column("c")])])
    for dialect in ("duckdb", "postgres", "spark"):
        assert "OR" in parenthesized(logic.copy()).sql(dialect).split("AND")[1]
        assert parenthesized(logic.copy()).sql(dialect).count("(") == 1


def test_a_value_read_many_times_is_named_once() -> None:
    """GIVEN checked arithmetic nested ten deep (each level reads its operand twice) WHEN
    built with a place for named values THEN the expression stays small: each level names
    its operand, in a stage after the one it reads, instead of repeating it."""
    build = SqlBuilder("postgres")
    sink = LetSink("__v")
    build.lets = sink
    value: exp.Expression = column("a")
    for _ in range(10):
        value = build.whole_op("+", value, build.literal(1, INT))
    build.lets = None
    assert len(value.sql("postgres")) < 400
    assert len(sink.levels) == 10
    unnamed = SqlBuilder("postgres")
    value = column("a")
    for _ in range(10):
        value = unnamed.whole_op("+", value, unnamed.literal(1, INT))
    assert len(value.sql("postgres")) > 50 * 400  # what naming avoids


def test_a_function_takes_at_most_a_hundred_arguments() -> None:
    """GIVEN 250 parts to join (a criterion list) WHEN joined with CONCAT_WS THEN no call
    has more than 100 arguments (PostgreSQL's limit) and empty chunks add no separator."""
    build = SqlBuilder("postgres")
    joined = build.concat_ws(";", [column(f"c{index}") for index in range(250)])
    calls = list(joined.find_all(exp.Anonymous))
    assert all(len(call.expressions) <= 100 for call in calls)
    assert any(call.name.upper() == "NULLIF" for call in calls)


def test_number_literals_read_back_exactly() -> None:
    """GIVEN awkward floats WHEN written as SQL literals THEN DuckDB reads the same float."""
    build = SqlBuilder("duckdb")
    values = [0.1, -0.0, 5e-324, 1.7976931348623157e308, 2.0 ** -512]
    with DuckDatabase() as database:
        got = database.fetch(select(*(alias(build.literal(value, NUMBER), f"v{index}")
                                      for index, value in enumerate(values))),
                             {f"v{index}": pl.Float64() for index in range(len(values))})
    assert [math.copysign(1, value) * abs(value) for value in got.row(0)] == values
