"""SQL expressions for the rule language's values, built with SQLGlot: one tree, many dialects.

The registry's SQL lowerings (``Entry.sql``) build their expressions through a
:class:`SqlBuilder`, which knows the dialect (DuckDB, PostgreSQL or Spark SQL) and writes what
standard SQL leaves to each of them: checked whole-number arithmetic, finite floats, dates from
their parts, lists and the intervals inside them.

How values are held in SQL:

* ``bool`` BOOLEAN, ``int`` BIGINT, ``number`` DOUBLE, ``text`` and vocabulary codes TEXT,
  ``date`` DATE; an ordered vocabulary's codes are compared by their rank (a ``CASE``).
* An interval is a pair of DATE expressions while computed; stored in a column or a list it is
  a ``{start, end}`` struct (PostgreSQL: the session's composite type
  ``pg_temp.eligibility_interval``).
* A list is an array (DuckDB ``T[]``, PostgreSQL ``T[]``, Spark ``ARRAY<T>``). Reducers over a
  list use list lambdas in DuckDB and Spark, and an ordered subquery over the array's
  subscripts in PostgreSQL, which has no lambdas.
* Whole numbers are computed as ``DECIMAL(38, 0)`` and brought back to BIGINT only when the
  result is within 64 bits (null otherwise): no dialect ever raises on overflow.
* Numbers: DuckDB and Spark give an infinity on overflow, which becomes null; PostgreSQL
  raises on overflow and underflow, so products and quotients that could leave its range go
  through the session's ``pg_temp.eligibility_mul``/``eligibility_div`` (which turn the
  error into null or a signed zero), and sums are checked on halves first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlglot import exp

from eligibility.language.domain import DATE_MAX, DATE_MIN, INT_MAX, INT_MIN
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    EnumType,
    ListType,
    Type,
    YearlyType,
)
from eligibility.language.values import Interval

Dialect = Literal["duckdb", "postgres", "spark"]
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres", "spark")
SqlLowered = exp.Expression | tuple[exp.Expression, exp.Expression]
"""A lowered value: one SQL expression, or an interval as its (start, end) dates."""

PG_INTERVAL = "pg_temp.eligibility_interval"
_EPOCH = dt.date(1970, 1, 1)
_FIRST_DAY = DATE_MIN.toordinal() - _EPOCH.toordinal()
_LAST_DAY = DATE_MAX.toordinal() - _EPOCH.toordinal()
FIRST_MONTH = DATE_MIN.year * 12
LAST_MONTH = DATE_MAX.year * 12 + 11
_FLOAT_MAX = 1.7976931348623157e308
_MAX_ARGUMENTS = 90  # a function call's arguments (PostgreSQL allows 100)
_SAFE_LOW, _SAFE_HIGH = 2.0 ** -500, 2.0 ** 500  # products/quotients here stay in range

# PostgreSQL raises on a float overflow or underflow; these session functions give the
# language's answer instead (null, or a zero of the right sign).
PG_SESSION_SETUP = (
    f"CREATE TYPE {PG_INTERVAL} AS (start date, \"end\" date)",
    """CREATE FUNCTION pg_temp.eligibility_mul(a float8, b float8) RETURNS float8
       LANGUAGE plpgsql IMMUTABLE STRICT AS $$
       BEGIN
         RETURN a * b;
       EXCEPTION WHEN numeric_value_out_of_range THEN
         IF abs(a) > 1 AND abs(b) > 1 THEN RETURN NULL; END IF;
         RETURN CASE WHEN (a < 0) <> (b < 0) THEN '-0'::float8 ELSE 0::float8 END;
       END $$""",
    """CREATE FUNCTION pg_temp.eligibility_div(a float8, b float8) RETURNS float8
       LANGUAGE plpgsql IMMUTABLE STRICT AS $$
       BEGIN
         RETURN a / b;
       EXCEPTION WHEN numeric_value_out_of_range THEN
         IF abs(a) > abs(b) THEN RETURN NULL; END IF;
         RETURN CASE WHEN (a < 0) <> (b < 0) THEN '-0'::float8 ELSE 0::float8 END;
       END $$""",
    """CREATE FUNCTION pg_temp.eligibility_add(a float8, b float8) RETURNS float8
       LANGUAGE sql IMMUTABLE STRICT AS $$
         SELECT CASE WHEN a = 'NaN'::float8 OR b = 'NaN'::float8 THEN 'NaN'::float8
                     WHEN abs(a / 2 + b / 2) > 8.988465674311579e307 THEN 'NaN'::float8
                     ELSE a + b END $$""",
    """CREATE FUNCTION pg_temp.eligibility_sum_step(total float8, item float8)
       RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
         SELECT CASE WHEN item IS NULL THEN total
                     ELSE pg_temp.eligibility_add(total, item) END $$""",
    """CREATE AGGREGATE pg_temp.eligibility_sum(float8) (
         SFUNC = pg_temp.eligibility_sum_step, STYPE = float8, INITCOND = '0')""",
)


def _constant_int(value: exp.Expression) -> int | None:
    """The whole number ``value`` stands for, if it is a constant."""
    while isinstance(value, (exp.Cast, exp.Paren)):
        value = value.this
    if isinstance(value, exp.Literal) and value.is_int:
        return int(value.this)
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal) and value.this.is_int:
        return -int(value.this.this)
    return None


def _trimmed(text: exp.Expression, characters: str, side: str) -> exp.Expression:
    """``text`` without ``characters`` at one end (Spark's two-argument LTRIM/RTRIM take
    their arguments the other way round: the standard form is written instead)."""
    return exp.Trim(this=text, expression=string(characters), position=side)


def identifier(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def column(name: str, table: str | None = None) -> exp.Column:
    """A column, always quoted (frame columns hold dots and brackets)."""
    return exp.Column(this=identifier(name),
                      table=identifier(table) if table is not None else None)


def number(value: int | float) -> exp.Expression:
    """A numeric literal (a float written with the shortest digits that read back exactly)."""
    literal = exp.Literal.number(repr(abs(value)) if isinstance(value, float) else abs(value))
    negative = math.copysign(1.0, value) < 0 if isinstance(value, float) else value < 0
    return exp.Neg(this=literal) if negative else literal


def string(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def function(name: str, *args: exp.Expression) -> exp.Anonymous:
    """A function called by its name, written as it is in every dialect."""
    return exp.Anonymous(this=name, expressions=list(args))


def paren(value: exp.Expression) -> exp.Paren:
    return exp.Paren(this=value)


def conjunction(*values: exp.Expression) -> exp.Expression:
    """``a AND b AND ...`` (SQLGlot's own helpers copy their operands: these do not)."""
    result = values[0]
    for value in values[1:]:
        result = exp.And(this=result, expression=value)
    return result


def disjunction(*values: exp.Expression) -> exp.Expression:
    result = values[0]
    for value in values[1:]:
        result = exp.Or(this=result, expression=value)
    return result


def alias(value: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=value, alias=identifier(name))


def select(*columns: exp.Expression, source: exp.Expression | None = None,
           where: exp.Expression | None = None) -> exp.Select:
    """``SELECT columns FROM source WHERE where``, built without copying anything."""
    query = exp.Select(expressions=list(columns))
    if source is not None:
        query.set("from_", exp.From(this=source))
    if where is not None:
        query.set("where", exp.Where(this=where))
    return query


def table(name: str) -> exp.Table:
    return exp.Table(this=identifier(name))


_OPERATORS = (exp.Binary, exp.Unary, exp.Between, exp.In, exp.Collate)


def parenthesized(tree: exp.Expression) -> exp.Expression:
    """``tree`` with every operator inside another operator put in parentheses.

    The builder makes trees, not text, so nothing says where an SQL writer must add
    parentheses: ``(a - 1) // 12`` would otherwise be written ``a - 1 // 12``.
    """
    def wrap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, _OPERATORS) and not isinstance(node, exp.Paren):
            for key in ("this", "expression", "low", "high"):
                child = node.args.get(key)
                if isinstance(child, _OPERATORS) and not isinstance(child, exp.Paren):
                    node.set(key, exp.Paren(this=child))
        return node

    return tree.transform(wrap, copy=False)


class LetSink:
    """Intermediate values named while a query stage is built, computed in stages before it.

    A formula that reads a value several times (``CASE WHEN v BETWEEN … THEN CAST(v AS
    BIGINT) END``) would otherwise repeat its whole text, and nested formulas would grow
    exponentially. :meth:`SqlBuilder.bind` hands such a value here: it becomes a column of
    an earlier stage (after the stages holding the values it reads) and is read by name.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.levels: list[list[exp.Expression]] = []
        self._depth: dict[str, int] = {}

    def let(self, value: exp.Expression) -> exp.Column:
        depth = 1 + max((self._depth[node.name] for node in value.find_all(exp.Column)
                         if node.name in self._depth), default=-1)
        name = f"{self.prefix}{len(self._depth)}"
        self._depth[name] = depth
        while len(self.levels) <= depth:
            self.levels.append([])
        self.levels[depth].append(alias(value, name))
        return column(name)


def is_small(value: exp.Expression) -> bool:
    """Whether ``value`` is cheap to write twice: a column, a constant, a cast constant."""
    while isinstance(value, (exp.Paren, exp.Cast, exp.Neg)):
        value = value.this
    return isinstance(value, (exp.Column, exp.Literal, exp.Null, exp.Boolean))


class SqlBuilder:
    """Builds the SQL expressions of one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {DIALECTS}")
        self.dialect: Dialect = dialect
        self._names = 0
        self.lets: LetSink | None = None
        self._in_loop = 0

    def bind(self, value: exp.Expression) -> exp.Expression:
        """``value`` as something cheap to read several times: a column computed at an
        earlier stage when the query allows it (not inside a loop over a list's items,
        whose values exist only there).

        A named value is computed for every row, outside any ``CASE`` that guards it: only
        values that can never raise an error (no division by a possible zero, no date or
        cast out of range) may be bound.
        """
        if self.lets is None or self._in_loop or is_small(value):
            return value
        return self.lets.let(value)

    def bind_value(self, value: SqlLowered) -> SqlLowered:
        if isinstance(value, tuple):
            return self.bind(value[0]), self.bind(value[1])
        return self.bind(value)

    @property
    def lambdas(self) -> bool:
        """Whether list functions take lambdas (DuckDB, Spark) rather than subqueries."""
        return self.dialect != "postgres"

    def fresh(self, stem: str) -> str:
        """A name not used before in this query (loop variables, subquery aliases)."""
        self._names += 1
        return f"__{stem}{self._names}"

    # --- types --------------------------------------------------------------------------

    def sql_type(self, kind: Type) -> exp.DataType:
        """The SQL type holding values of ``kind`` (an interval as a struct)."""
        if isinstance(kind, YearlyType):
            return self.sql_type(kind.item)
        if isinstance(kind, ListType):
            return exp.DataType(this=exp.DataType.Type.ARRAY, nested=True,
                                expressions=[self.sql_type(kind.item)])
        if kind == INTERVAL:
            if self.dialect == "postgres":
                return exp.DataType.build(PG_INTERVAL, udt=True)
            return exp.DataType.build('STRUCT(start DATE, "end" DATE)', dialect="duckdb")
        simple = {BOOL: "BOOLEAN", INT: "BIGINT", NUMBER: "DOUBLE", DATE: "DATE"}
        return exp.DataType.build(simple.get(kind, "TEXT"))

    def cast(self, value: exp.Expression, kind: Type | str) -> exp.Cast:
        to = exp.DataType.build(kind) if isinstance(kind, str) else self.sql_type(kind)
        return exp.Cast(this=value, to=to)

    # --- constants ------------------------------------------------------------------------

    def null(self, kind: Type) -> SqlLowered:
        """A null of the language type ``kind``."""
        if kind == INTERVAL:
            return (self.cast(exp.null(), DATE), self.cast(exp.null(), DATE))
        return self.cast(exp.null(), kind)

    def literal(self, value: Any, kind: Type) -> SqlLowered:
        """A constant of the language type ``kind``."""
        if value is None:
            return self.null(kind)
        if kind == INTERVAL:
            assert isinstance(value, Interval)
            return (self.date(value.start), self.date(value.end))
        if isinstance(kind, ListType):
            return self.array([self.as_value(self.literal(item, kind.item), kind.item)
                               for item in value], kind.item)
        if kind == BOOL:
            return exp.true() if value else exp.false()
        if kind == DATE:
            return self.date(value)
        if kind == INT:
            return self.cast(number(int(value)), INT)
        if kind == NUMBER:
            return self.cast(number(float(value)), NUMBER)
        return self.cast(string(str(value)), kind)

    def date(self, day: dt.date) -> exp.Expression:
        return exp.Cast(this=string(day.isoformat()), to=exp.DataType.build("DATE"))

    # --- logic ------------------------------------------------------------------------------

    def case(self, branches: Sequence[tuple[exp.Expression, exp.Expression]],
             default: exp.Expression | None = None) -> exp.Expression:
        return exp.Case(ifs=[exp.If(this=condition, true=value) for condition, value in branches],
                        default=default)

    def when(self, condition: exp.Expression, value: exp.Expression,
             otherwise: exp.Expression | None = None) -> exp.Expression:
        return self.case([(condition, value)], otherwise)

    def all_of(self, values: Sequence[exp.Expression]) -> exp.Expression:
        """Kleene AND of ``values`` (SQL's own three-valued AND)."""
        return conjunction(*values) if values else exp.true()

    def any_of(self, values: Sequence[exp.Expression]) -> exp.Expression:
        return disjunction(*values) if values else exp.false()

    def not_(self, value: exp.Expression) -> exp.Expression:
        return exp.Not(this=paren(value))

    def is_null(self, value: SqlLowered) -> exp.Expression:
        if isinstance(value, tuple):
            return disjunction(exp.Is(this=value[0], expression=exp.null()),
                           exp.Is(this=value[1], expression=exp.null()))
        return exp.Is(this=value, expression=exp.null())

    def coalesce(self, value: exp.Expression, *others: exp.Expression) -> exp.Expression:
        return exp.Coalesce(this=value, expressions=list(others))

    def null_if_any_null(self, result: exp.Expression,
                         inputs: Sequence[SqlLowered]) -> exp.Expression:
        """``result``, or null where any of ``inputs`` is null (``inputs`` should be bound
        values: they are read twice)."""
        if not inputs:
            return result
        return self.when(disjunction(*(self.is_null(value) for value in inputs)), exp.null(),
                         result)

    def compare(self, op: str, left: exp.Expression, right: exp.Expression, *,
                text: bool = False) -> exp.Expression:
        """``left op right``; text by code point (PostgreSQL's default collation may not be)."""
        if text and op not in ("==", "!=") and self.dialect == "postgres":
            left = exp.Collate(this=left, expression=identifier("C"))
            right = exp.Collate(this=right, expression=identifier("C"))
        kinds = {"==": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT,
                 ">=": exp.GTE}
        return kinds[op](this=left, expression=right)

    def rank_of(self, value: exp.Expression, kind: EnumType) -> exp.Expression:
        """An ordered vocabulary's code as its rank in the vocabulary (BIGINT)."""
        return exp.Case(this=value, ifs=[
            exp.If(this=string(code), true=self.cast(number(index), INT))
            for index, code in enumerate(kind.codes)])

    # --- whole numbers ----------------------------------------------------------------------

    def wide(self, value: exp.Expression) -> exp.Expression:
        return self.cast(value, "DECIMAL(38, 0)")

    def checked_whole(self, value: exp.Expression) -> exp.Expression:
        """A DECIMAL(38, 0) result as BIGINT, null where it left the 64-bit range."""
        value = self.bind(value)
        inside = exp.Between(this=value, low=number(INT_MIN), high=number(INT_MAX))
        return self.when(inside, self.cast(value, INT))

    def whole_op(self, op: str, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        """``a op b`` on BIGINTs with the language's meaning (floor division, null on zero
        divisors and out of range)."""
        if op in ("+", "-", "*"):
            kinds = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}
            return self.checked_whole(kinds[op](this=self.wide(a), expression=self.wide(b)))
        a, b = self.bind(a), self.bind(b)
        divisor = _constant_int(b)
        if divisor is not None and divisor > 0:
            return self._by_positive_constant(op, a, divisor)
        zero, minus_one = number(0), number(-1)
        truncated = self._truncated_division(a, b)
        remainder = exp.Mod(this=a, expression=b)
        opposite = exp.NEQ(this=paren(exp.LT(this=remainder, expression=zero)),
                           expression=paren(exp.LT(this=b, expression=zero)))
        inexact = conjunction(exp.NEQ(this=remainder, expression=zero), opposite)
        if op == "//":
            by_minus_one = self.checked_whole(exp.Neg(this=self.wide(a)))
            floor = exp.Sub(this=truncated, expression=self.when(inexact, number(1), zero))
            return self.case([(exp.EQ(this=b, expression=zero), exp.null()),
                              (exp.EQ(this=b, expression=minus_one), by_minus_one)], floor)
        if op == "%":
            floor_remainder = self.when(inexact, exp.Add(this=remainder, expression=b),
                                        remainder)
            return self.case([(exp.EQ(this=b, expression=zero), exp.null()),
                              (exp.EQ(this=b, expression=minus_one),
                               self.cast(zero, INT))], floor_remainder)
        raise ValueError(f"no whole-number operator {op!r}")

    def _by_positive_constant(self, op: str, a: exp.Expression, divisor: int) -> exp.Expression:
        """Floor division or remainder by a positive constant: the remainder made
        non-negative, then an exact division."""
        k = number(divisor)
        remainder = self.bind(exp.Mod(this=exp.Add(this=exp.Mod(this=a, expression=k),
                                                   expression=k), expression=k))
        if op == "%":
            return remainder
        return self._truncated_division(exp.Sub(this=a, expression=remainder), k)

    def _truncated_division(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        if self.dialect == "postgres":
            return self.cast(function("DIV", a, b), INT)
        return exp.IntDiv(this=a, expression=b)

    # --- numbers ------------------------------------------------------------------------------

    def finite(self, value: exp.Expression) -> exp.Expression:
        """``value`` where it is a finite number, else null (DuckDB and Spark give infinities
        and NaN, which compare above every number)."""
        value = self.bind(value)
        return self.when(exp.LTE(this=exp.Abs(this=value), expression=number(_FLOAT_MAX)),
                         value)

    def number_op(self, op: str, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        """``a op b`` on DOUBLEs: null when not finite or dividing by zero."""
        a, b = self.bind(self.cast(a, NUMBER)), self.bind(self.cast(b, NUMBER))
        zero = self.cast(number(0), NUMBER)
        if op in ("/", "//", "%"):
            # A zero divisor is made null first: a named value (see bind) is computed for
            # every row, so no division may ever see a zero.
            b = self.bind(self.when(exp.EQ(this=b, expression=zero), self.cast(
                exp.null(), NUMBER), b))
            quotient = self._float_division(a, b)
            if op == "//":
                quotient = self.floor(quotient)
            elif op == "%":
                product = self._float_product(b, self.floor(quotient))
                quotient = self._float_sum(a, exp.Neg(this=paren(product)))
            return quotient
        if op == "*":
            return self._float_product(a, b)
        if op == "-":
            b = exp.Neg(this=paren(b))
        return self._float_sum(a, b)

    def floor(self, value: exp.Expression) -> exp.Expression:
        """floor() kept a DOUBLE (Spark's FLOOR gives a BIGINT, which cannot hold 1e300)."""
        value = self.bind(value)
        exact = exp.GTE(this=exp.Abs(this=value), expression=number(2.0 ** 52))
        return self.when(exact, value, self.cast(exp.Floor(this=value), NUMBER))

    def _float_sum(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        a, b = self.bind(a), self.bind(b)
        if self.dialect != "postgres":
            return self.finite(exp.Add(this=a, expression=b))
        return self.when(exp.GT(this=exp.Abs(this=exp.Add(
            this=exp.Div(this=a, expression=number(2.0)),
            expression=exp.Div(this=b, expression=number(2.0)))),
            expression=number(_FLOAT_MAX / 2)), exp.null(), exp.Add(this=a, expression=b))

    def _float_product(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        a, b = self.bind(a), self.bind(b)
        if self.dialect != "postgres":
            return self.finite(exp.Mul(this=a, expression=b))
        return self.when(self._in_safe_range(a, b), exp.Mul(this=a, expression=b),
                         function("pg_temp.eligibility_mul", a, b))

    def _float_division(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        a, b = self.bind(a), self.bind(b)
        if self.dialect != "postgres":
            return self.finite(exp.Div(this=a, expression=b))
        safe = disjunction(exp.EQ(this=a, expression=number(0.0)), self._in_safe_range(a, b))
        return self.when(safe, exp.Div(this=a, expression=b),
                         function("pg_temp.eligibility_div", a, b))

    def _in_safe_range(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        def moderate(value: exp.Expression) -> exp.Expression:
            return exp.Between(this=exp.Abs(this=value), low=number(_SAFE_LOW),
                               high=number(_SAFE_HIGH))
        return conjunction(moderate(a), moderate(b))

    def plus(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        """``a + b`` where it cannot overflow (days, month numbers)."""
        return exp.Add(this=a, expression=b)

    def minus(self, a: exp.Expression, b: exp.Expression) -> exp.Expression:
        return exp.Sub(this=a, expression=b)

    def plus_all(self, values: Sequence[exp.Expression], kind: Type | None) -> exp.Expression:
        """The sum of ``values`` (0 for none), cast to ``kind`` when given."""
        total: exp.Expression = number(0)
        for index, value in enumerate(values):
            total = value if index == 0 else exp.Add(this=total, expression=value)
        return self.cast(total, kind) if kind is not None else total

    def negate(self, value: exp.Expression) -> exp.Expression:
        return exp.Neg(this=paren(value))

    def absolute(self, value: exp.Expression) -> exp.Expression:
        return exp.Abs(this=value)

    def extreme(self, values: Sequence[exp.Expression], *, largest: bool) -> exp.Expression:
        """GREATEST or LEAST of ``values`` (each dialect skips nulls in them)."""
        if len(values) == 1:
            return values[0]
        return function("GREATEST" if largest else "LEAST", *values)

    def number_sum(self, values: Sequence[exp.Expression]) -> exp.Expression:
        """The sum of DOUBLEs, left to right (as Python adds them), null if not finite."""
        total: exp.Expression = self.cast(number(0.0), NUMBER)
        for value in values:
            total = self._float_sum(total, value)
        return total

    # --- dates --------------------------------------------------------------------------------

    def part(self, name: str, day: exp.Expression) -> exp.Expression:
        """The year, month or day of a date, as BIGINT."""
        return self.cast(exp.Extract(this=exp.var(name.upper()), expression=day), INT)

    def days(self, day: exp.Expression) -> exp.Expression:
        """Days since 1970-01-01 (BIGINT)."""
        if self.dialect == "spark":
            return self.cast(function("UNIX_DATE", day), INT)
        return self.cast(exp.Sub(this=day, expression=self.date(_EPOCH)), INT)

    def date_of_days(self, days: exp.Expression) -> exp.Expression:
        """The date ``days`` after 1970-01-01, null outside 0001-01-01 .. 9999-12-31."""
        days = self.bind(days)
        inside = exp.Between(this=days, low=number(_FIRST_DAY), high=number(_LAST_DAY))
        whole = self.cast(days, "INT")
        if self.dialect == "spark":
            day = function("DATE_FROM_UNIX_DATE", whole)
        else:
            day = exp.Add(this=self.date(_EPOCH), expression=whole)
        return self.when(inside, self.cast(day, DATE))

    def make_date(self, year: exp.Expression, month: exp.Expression,
                  day: exp.Expression) -> exp.Expression:
        return function("MAKE_DATE", self.cast(year, "INT"), self.cast(month, "INT"),
                        self.cast(day, "INT"))

    def month_index(self, day: exp.Expression) -> exp.Expression:
        """year * 12 + month - 1: consecutive months get consecutive numbers."""
        day = self.bind(day)
        return exp.Sub(this=exp.Add(this=exp.Mul(this=self.part("year", day),
                                                  expression=number(12)),
                                     expression=self.part("month", day)),
                       expression=number(1))

    def days_in_month(self, year: exp.Expression, month: exp.Expression) -> exp.Expression:
        year, month = self.bind(year), self.bind(month)
        leap = conjunction(exp.EQ(this=exp.Mod(this=year, expression=number(4)),
                               expression=number(0)),
                        paren(disjunction(exp.NEQ(this=exp.Mod(this=year, expression=number(100)),
                                              expression=number(0)),
                                      exp.EQ(this=exp.Mod(this=year, expression=number(400)),
                                             expression=number(0)))))
        thirty = exp.In(this=month, expressions=[number(4), number(6), number(9),
                                                 number(11)])
        return self.case([(exp.EQ(this=month, expression=number(2)),
                           self.when(leap, number(29), number(28))),
                          (thirty, number(30))], number(31))

    def month_end(self, index: exp.Expression) -> exp.Expression:
        """The last day of the month numbered ``index`` (year * 12 + month - 1), null outside
        the years 0001 .. 9999."""
        index = self.bind(index)
        year = exp.IntDiv(this=index, expression=number(12)) if self.dialect != "postgres" \
            else self.cast(function("DIV", index, number(12)), INT)
        year, month = self.bind(year), self.bind(
            exp.Add(this=exp.Mod(this=index, expression=number(12)), expression=number(1)))
        inside = exp.Between(this=index, low=number(FIRST_MONTH), high=number(LAST_MONTH))
        return self.when(inside, self.make_date(year, month, self.days_in_month(year, month)))

    def add_months(self, day: exp.Expression, months: exp.Expression) -> exp.Expression:
        """``day`` plus ``months`` (BIGINT) by the month-end rule; null out of range."""
        day = self.bind(day)
        target = self.bind(exp.Add(this=self.wide(self.month_index(day)),
                                   expression=self.wide(months)))
        inside = exp.Between(this=target, low=number(FIRST_MONTH), high=number(LAST_MONTH))
        index = self.bind(self.when(inside, self.cast(target, INT)))
        year = self.bind(self._whole_div(index, 12))
        month = self.bind(exp.Add(this=exp.Mod(this=index, expression=number(12)),
                                  expression=number(1)))
        clamped = function("LEAST", self.part("day", day), self.days_in_month(year, month))
        return self.when(inside, self.make_date(year, month, clamped))

    def _whole_div(self, value: exp.Expression, divisor: int) -> exp.Expression:
        """``value // divisor`` for a non-negative BIGINT ``value``."""
        return self._truncated_division(value, number(divisor))

    # --- intervals ----------------------------------------------------------------------------

    def interval_value(self, start: exp.Expression, end: exp.Expression) -> exp.Expression:
        """An interval as one value (a struct), null when either end is null."""
        start, end = self.bind(start), self.bind(end)
        if self.dialect == "postgres":
            packed: exp.Expression = exp.Cast(
                this=exp.Anonymous(this="ROW", expressions=[start, end]),
                to=exp.DataType.build(PG_INTERVAL, udt=True))
        elif self.dialect == "duckdb":
            packed = function("STRUCT_PACK", exp.PropertyEQ(this=identifier("start"),
                                                             expression=start),
                              exp.PropertyEQ(this=identifier("end"), expression=end))
        else:
            packed = function("NAMED_STRUCT", string("start"), start, string("end"), end)
        return self.when(self.is_null((start, end)), self.cast(exp.null(), INTERVAL), packed)

    def field(self, value: exp.Expression, name: str) -> exp.Expression:
        """A struct's field (an interval's ``start`` or ``end``)."""
        if self.dialect == "duckdb":
            return function("STRUCT_EXTRACT", value, string(name))
        return exp.Dot(this=paren(value), expression=identifier(name))

    def pair(self, value: SqlLowered) -> tuple[exp.Expression, exp.Expression]:
        if isinstance(value, tuple):
            return value
        return self.field(value, "start"), self.field(value, "end")

    def as_value(self, value: SqlLowered, kind: Type) -> exp.Expression:
        """One expression for ``value`` (an interval pair packed into a struct)."""
        if isinstance(value, tuple):
            return self.interval_value(*value)
        return value

    # --- lists --------------------------------------------------------------------------------

    def array(self, items: Sequence[exp.Expression], item: Type) -> exp.Expression:
        kind = ListType("list", item)
        if self.dialect == "postgres":
            return self.cast(exp.Array(expressions=list(items)), kind)
        if self.dialect == "spark":
            return self.cast(function("ARRAY", *items), kind)
        return self.cast(exp.Array(expressions=list(items)), kind)

    def length(self, items: exp.Expression) -> exp.Expression:
        items = self.bind(items)
        if self.dialect == "postgres":
            return self.cast(function("CARDINALITY", items), INT)
        name = "LEN" if self.dialect == "duckdb" else "SIZE"
        return self.when(self.is_null(items), self.cast(exp.null(), INT),
                         self.cast(function(name, items), INT))

    def over_items(self, items: exp.Expression, item: Type,
                   body: Callable[[SqlLowered], exp.Expression]) -> ListValues:
        """The values ``body`` gives for each item of a list, to be reduced."""
        return ListValues(self, items, item, body)

    def whole_range(self, start: exp.Expression, stop: exp.Expression) -> exp.Expression:
        """The whole numbers start, start + 1, ..., stop - 1 as a list (null bound: null)."""
        last = exp.Sub(this=stop, expression=number(1))
        if self.dialect == "duckdb":
            items: exp.Expression = function("RANGE", start, stop)
        elif self.dialect == "postgres":
            items = function("ARRAY", exp.Subquery(this=select(
                function("GENERATE_SERIES", start, last))))
        else:
            items = self.when(exp.LTE(this=stop, expression=start), self.array([], INT),
                              function("SEQUENCE", start, last))
        return self.when(disjunction(self.is_null(start), self.is_null(stop)),
                         self.cast(exp.null(), ListType("list", INT)),
                         self.cast(items, ListType("list", INT)))

    # --- text ---------------------------------------------------------------------------------

    def concat(self, parts: Sequence[exp.Expression]) -> exp.Expression:
        """Parts joined; null when any is null."""
        if not parts:
            return string("")
        if self.dialect == "spark":
            return function("CONCAT", *parts)
        result = parts[0]
        for part in parts[1:]:
            result = exp.DPipe(this=result, expression=part, safe=False)
        return result

    def concat_ws(self, separator: str, parts: Sequence[exp.Expression]) -> exp.Expression:
        """Parts joined by ``separator``, null parts left out ("" when all are)."""
        if len(parts) > _MAX_ARGUMENTS:  # PostgreSQL takes at most 100 arguments
            size = _MAX_ARGUMENTS - 1
            parts = [function("NULLIF", self.concat_ws(separator, parts[start:start + size]),
                              string(""))
                     for start in range(0, len(parts), size)]
            return self.concat_ws(separator, parts)
        return function("CONCAT_WS", string(separator), *parts)

    def text_of(self, value: exp.Expression) -> exp.Expression:
        return self.cast(value, "TEXT")

    def padded(self, value: exp.Expression, width: int) -> exp.Expression:
        return function("LPAD", self.text_of(value), number(width), string("0"))

    def date_text(self, day: exp.Expression) -> exp.Expression:
        """YYYY-MM-DD."""
        day = self.bind(day)
        return self.concat([self.padded(self.part("year", day), 4), string("-"),
                            self.padded(self.part("month", day), 2), string("-"),
                            self.padded(self.part("day", day), 2)])

    def number_text(self, value: exp.Expression) -> exp.Expression:
        """A finite DOUBLE in plain decimal notation, as ``number_text`` writes it in Python:
        the shortest digits that read back as the same number (each database writes them),
        moved around the decimal point; beyond 1e38, Python's ``repr``."""
        if self.dialect != "spark" and (self.lets is None or self._in_loop):
            # Spark takes a correlated scalar subquery only around an aggregate.
            return self._bound_locally(lambda: self._number_text(value))
        return self._number_text(value)

    def _bound_locally(self, make: Callable[[], exp.Expression]) -> exp.Expression:
        """``make()`` where no query stage can hold its intermediate values (inside a loop
        over a list's items, or outside a query): a scalar subquery whose nested selects
        compute each value once (they read the outer row's columns), so the formula does not
        grow exponentially with its nesting."""
        saved = self.lets, self._in_loop
        sink = LetSink(self.fresh("v"))
        self.lets, self._in_loop = sink, 0
        try:
            result = make()
        finally:
            self.lets, self._in_loop = saved
        source: exp.Expression | None = None
        for level in sink.levels:
            stage = select(*([exp.Star()] if source is not None else []), *level, source=source)
            # OFFSET 0 keeps the planner from pulling the stage up into the next one, which
            # would write each value back into every place that reads it.
            stage.set("offset", exp.Offset(expression=number(0)))
            source = exp.Subquery(this=stage, alias=exp.TableAlias(
                this=identifier(self.fresh("stage"))))
        return exp.Subquery(this=select(result, source=source))

    def _number_text(self, value: exp.Expression) -> exp.Expression:
        value = self.bind(value)
        written = self.bind(function("LOWER", self._shortest_text(value)))
        negative = self.bind(exp.EQ(this=function("SUBSTR", written, number(1), number(1)),
                                    expression=string("-")))
        body = self.bind(self.when(negative, function("SUBSTR", written, number(2)), written))
        mark = self.bind(function("STRPOS", body, string("e")) if self.dialect != "spark"
                         else function("INSTR", body, string("e")))
        has_exponent = exp.GT(this=mark, expression=number(0))
        mantissa = self.bind(self.when(has_exponent, function(
            "SUBSTR", body, number(1), exp.Sub(this=mark, expression=number(1))), body))
        exponent = self.when(has_exponent, self.cast(function(
            "SUBSTR", body, exp.Add(this=mark, expression=number(1))), INT),
            self.cast(number(0), INT))
        dot = self.bind(function("STRPOS", mantissa, string(".")) if self.dialect != "spark"
                        else function("INSTR", mantissa, string(".")))
        whole_digits = self.when(exp.GT(this=dot, expression=number(0)),
                                 exp.Sub(this=dot, expression=number(1)),
                                 function("LENGTH", mantissa))
        digits = self.bind(function("REPLACE", mantissa, string("."), string("")))
        point = self.bind(exp.Add(this=whole_digits, expression=self.bind(exponent)))
        count = function("LENGTH", digits)
        plain = self.case([
            (exp.LTE(this=point, expression=number(0)),
             self.concat([string("0."), function("REPEAT", string("0"), self.cast(
                 exp.Neg(this=paren(point)), "INT")), digits])),
            (exp.GTE(this=point, expression=count),
             self.concat([digits, function("REPEAT", string("0"), self.cast(
                 exp.Sub(this=point, expression=count), "INT"))]))],
            self.concat([function("SUBSTR", digits, number(1), self.cast(point, "INT")),
                         string("."),
                         function("SUBSTR", digits, self.cast(exp.Add(
                             this=point, expression=number(1)), "INT"))]))
        plain = self.bind(plain)
        trimmed = self.when(exp.GT(this=function("STRPOS" if self.dialect != "spark"
                                                 else "INSTR", plain, string(".")),
                                   expression=number(0)),
                            _trimmed(_trimmed(plain, "0", "TRAILING"), ".", "TRAILING"), plain)
        unsigned = self.bind(_trimmed(trimmed, "0", "LEADING"))
        unsigned = self.bind(self.when(disjunction(exp.EQ(this=unsigned, expression=string("")),
                                     exp.EQ(this=function("SUBSTR", unsigned, number(1),
                                                          number(1)),
                                            expression=string("."))),
                             self.concat([string("0"), unsigned]), unsigned))
        signed = self.when(conjunction(negative, exp.NEQ(this=unsigned, expression=string("0"))),
                           self.concat([string("-"), unsigned]), unsigned)
        huge = exp.GTE(this=exp.Abs(this=value), expression=number(1e38))
        return self.when(huge, self._scientific(value, negative, digits, point), signed)

    def _shortest_text(self, value: exp.Expression) -> exp.Expression:
        """The database's text of a DOUBLE, made the shortest that reads back as it.

        PostgreSQL writes a whole number lying exactly halfway between two doubles (only
        beyond 2**53) with 17 digits, although a shorter decimal — the halfway one — reads
        back as the same double under round-half-to-even, and Python's ``repr`` takes that
        one. There, each length from 1 digit up is tried: the number rounded to that many
        significant digits, kept if it reads back as the value.
        """
        text = self.text_of(value)
        if self.dialect != "postgres":
            return text
        exact = self.cast(text, "NUMERIC")
        magnitude = function("FLOOR", function("LOG", exp.Abs(this=exact)))
        branches = []
        for digits in range(1, 17):
            rounded = function("ROUND", exact, self.cast(
                exp.Sub(this=number(digits - 1), expression=magnitude), "INT"))
            branches.append((exp.EQ(this=self.cast(rounded, "DOUBLE"), expression=value),
                             self.text_of(rounded)))
        beyond_exact_integers = conjunction(
            exp.GTE(this=exp.Abs(this=value), expression=number(2.0 ** 53)),
            exp.LT(this=exp.Abs(this=value), expression=number(1e38)))
        return self.when(beyond_exact_integers, self.case(branches, text), text)

    def _scientific(self, value: exp.Expression, negative: exp.Expression,
                    digits: exp.Expression, point: exp.Expression) -> exp.Expression:
        """Python's repr of a number of 1e38 or more: ``d.ddde+XX``."""
        significant = self.bind(_trimmed(_trimmed(digits, "0", "LEADING"), "0", "TRAILING"))
        leading = exp.Sub(this=function("LENGTH", digits), expression=function(
            "LENGTH", _trimmed(digits, "0", "LEADING")))
        exponent = exp.Sub(this=exp.Sub(this=point, expression=leading), expression=number(1))
        head = function("SUBSTR", significant, number(1), number(1))
        tail = function("SUBSTR", significant, number(2))
        mantissa = self.when(exp.GT(this=function("LENGTH", significant), expression=number(1)),
                             self.concat([head, string("."), tail]), head)
        digits_of_exponent = self.bind(self.text_of(exponent))
        # LPAD cuts what is longer than the width: pad only a one-digit exponent.
        written = self.when(exp.LT(this=function("LENGTH", digits_of_exponent),
                                   expression=number(2)),
                            self.concat([string("0"), digits_of_exponent]), digits_of_exponent)
        text = self.concat([mantissa, string("e+"), written])
        return self.when(negative, self.concat([string("-"), text]), text)


class ListValues:
    """The values a loop body gives for each item of a list, and their reductions.

    DuckDB and Spark map the list with a lambda and reduce the mapped list; PostgreSQL reads
    the items in a subquery over the array's subscripts (in order) and aggregates there.
    """

    def __init__(self, build: SqlBuilder, items: exp.Expression, item: Type,
                 body: Callable[[SqlLowered], exp.Expression]) -> None:
        self.build = build
        self.items = build.bind(items)
        self.item_type = item
        self.body = body

    def _item(self, value: exp.Expression) -> SqlLowered:
        return self.build.pair(value) if self.item_type == INTERVAL else value

    # lambdas (DuckDB, Spark)

    def _lambda(self, body: exp.Expression, *names: str) -> exp.Lambda:
        return exp.Lambda(this=body, expressions=[identifier(name) for name in names])

    def _body(self, item: exp.Expression) -> exp.Expression:
        """The loop body for one item (nothing in it can be named at an earlier stage)."""
        self.build._in_loop += 1
        try:
            return self.body(self._item(item))
        finally:
            self.build._in_loop -= 1

    def _mapped(self) -> exp.Expression:
        name = self.build.fresh("item")
        body = self._body(column(name))
        transform = "LIST_TRANSFORM" if self.build.dialect == "duckdb" else "TRANSFORM"
        return function(transform, self.items, self._lambda(body, name))

    def _count_where(self, values: exp.Expression,
                     test: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
        name = self.build.fresh("value")
        kept = function("LIST_FILTER" if self.build.dialect == "duckdb" else "FILTER", values,
                        self._lambda(test(column(name)), name))
        return self.build.cast(function("LEN" if self.build.dialect == "duckdb" else "SIZE",
                                        kept), INT)

    # subquery (PostgreSQL)

    def _aggregate(self, aggregate: Callable[[exp.Expression], exp.Expression]
                   ) -> exp.Expression:
        index = self.build.fresh("i")
        item = exp.Bracket(this=paren(self.items), expressions=[column(index)])
        value = self._body(item)
        subscripts = exp.Table(this=function("GENERATE_SUBSCRIPTS", self.items, number(1)),
                               alias=exp.TableAlias(this=identifier(index)))
        return exp.Subquery(this=select(aggregate(value), source=subscripts))

    def _flag(self, value: exp.Expression, test: exp.Expression) -> exp.Expression:
        return exp.Max(this=self.build.when(test, number(1), number(0)))

    # reductions

    def reduce(self, reducer: str, element: Type) -> exp.Expression:
        """``any``, ``all``, ``count``, ``sum``, ``min`` or ``max`` of the values (null for a
        null list)."""
        result = self._reduce(reducer, element)
        return self.build.when(self.build.is_null(self.items), exp.null(), result)

    def _reduce(self, reducer: str, element: Type) -> exp.Expression:
        build = self.build
        if reducer in ("any", "all", "count"):
            decisive = (lambda v: build.coalesce(v, exp.false())) if reducer != "all" \
                else (lambda v: build.not_(build.coalesce(v, exp.true())))
            unknown = lambda v: build.is_null(v)  # noqa: E731
            if build.lambdas:
                values = self._mapped()
                hits = self._count_where(values, decisive)
                nulls = self._count_where(values, unknown)
                if reducer == "count":
                    return hits
                found = exp.GT(this=hits, expression=number(0))
                some_null = exp.GT(this=nulls, expression=number(0))
            else:
                if reducer == "count":
                    return build.coalesce(self._aggregate(lambda v: exp.Sum(
                        this=build.when(decisive(v), number(1), number(0)))),
                        build.cast(number(0), INT))
                found = exp.EQ(this=self._aggregate(lambda v: exp.Max(
                    this=build.when(decisive(v), number(1), number(0)))),
                    expression=number(1))
                some_null = exp.EQ(this=self._aggregate(lambda v: exp.Max(
                    this=build.when(unknown(v), number(1), number(0)))), expression=number(1))
            hit, miss = (exp.true(), exp.false()) if reducer == "any" else \
                (exp.false(), exp.true())
            return build.case([(found, hit), (some_null, build.cast(exp.null(), BOOL))], miss)
        if reducer == "sum":
            return self._sum(element)
        if build.lambdas:
            name = ("LIST_MIN" if reducer == "min" else "LIST_MAX") \
                if build.dialect == "duckdb" else \
                ("ARRAY_MIN" if reducer == "min" else "ARRAY_MAX")
            return function(name, self._mapped())
        return self._aggregate(lambda v: exp.Min(this=v) if reducer == "min"
                               else exp.Max(this=v))

    def _sum(self, element: Type) -> exp.Expression:
        build = self.build
        whole = element == INT
        zero = build.wide(number(0)) if whole else build.cast(number(0.0), NUMBER)
        if not build.lambdas:
            if whole:
                total = self._aggregate(lambda v: exp.Sum(this=build.wide(v)))
                return build.checked_whole(build.coalesce(total, zero))
            total = self._aggregate(lambda v: function(
                "pg_temp.eligibility_sum", build.cast(v, NUMBER)))
            return build.when(exp.EQ(this=total, expression=exp.Cast(
                this=string("NaN"), to=exp.DataType.build("DOUBLE"))), exp.null(), total)
        acc, value = build.fresh("total"), build.fresh("value")
        item = build.wide(column(value)) if whole else build.cast(column(value), NUMBER)
        step = build.when(build.is_null(column(value)), column(acc),
                          exp.Add(this=column(acc), expression=item))
        if build.dialect == "duckdb":
            total = function("LIST_REDUCE", self._mapped(), self._lambda(step, acc, value),
                             zero)
        else:
            total = function("AGGREGATE", self._mapped(), zero, self._lambda(step, acc, value))
        return build.checked_whole(total) if whole else build.finite(total)

    def join_text(self, separator: str) -> exp.Expression:
        """The (text) values joined by ``separator``, null values left out."""
        build = self.build
        if build.dialect == "duckdb":
            joined = function("ARRAY_TO_STRING", self._mapped(), string(separator))
        elif build.dialect == "spark":
            joined = function("ARRAY_JOIN", self._mapped(), string(separator))
        else:
            index = build.fresh("i")
            item = exp.Bracket(this=paren(self.items), expressions=[column(index)])
            value = self._body(item)
            aggregate = exp.GroupConcat(this=exp.Order(this=value, expressions=[
                exp.Ordered(this=column(index))]), separator=string(separator))
            subscripts = exp.Table(this=function("GENERATE_SUBSCRIPTS", self.items, number(1)),
                                   alias=exp.TableAlias(this=identifier(index)))
            joined = build.coalesce(exp.Subquery(this=select(aggregate, source=subscripts)),
                                    string(""))
        return build.when(build.is_null(self.items), exp.null(), joined)

    def mapped_array(self, element: Type) -> exp.Expression:
        """The values as a list (for a list built from a list)."""
        if self.build.lambdas:
            return self._mapped()
        index = self.build.fresh("i")
        item = exp.Bracket(this=paren(self.items), expressions=[column(index)])
        subscripts = exp.Table(this=function("GENERATE_SUBSCRIPTS", self.items, number(1)),
                               alias=exp.TableAlias(this=identifier(index)))
        query = select(self._body(item), source=subscripts)
        query.set("order", exp.Order(expressions=[exp.Ordered(this=column(index))]))
        return function("ARRAY", exp.Subquery(this=query))

