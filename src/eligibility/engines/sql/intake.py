"""Nominees read from a database table or query, checked row by row inside the database.

The checks and their messages are those of file intake (:mod:`eligibility.intake`), and so is
every decision about a cell: a table's rows give exactly the nominations and rejected rows a
file of the same cells gives. How the work is shared:

* **In SQL, for every row**: the cells as text (a date ``YYYY-MM-DD``, a boolean
  ``true``/``false``, as a Parquet file's typed columns are read), the row number, the typed
  value of each field and whether the row may be rejected (a control character or an
  over-long cell in any column, an empty row, a cell that cannot be read, a required value
  missing, an id shared with another row). The nominations are exploded there too.
* **In Python, once per distinct spelling**: each field's own parser reads every distinct cell
  of its column (in the order the rows first show it), and the table of readings goes back to
  the database, which joins it. Ids, names and other text whose cells are already in their
  stored form (printable, no surrounding spaces, composed) are kept by SQL as they are.
* **In Python, for the suspect rows only**: their cells come back and file intake's own code
  words the rejection (first problem, the others named, the rows sharing an id). A suspect row
  it does not reject is kept.

Rows are numbered in the table's storage order (PostgreSQL ``ctid``, DuckDB ``rowid``) or, for
a query, in the order it returns them — give it an ``ORDER BY`` for stable row numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlglot import exp

from eligibility.engines.sql.database import Database, DuckDatabase, PostgresDatabase
from eligibility.engines.sql.pipeline import DatabaseNominations
from eligibility.errors import InputError
from eligibility.frames import (
    CANDIDATE,
    NOMINATIONS,
    PREFERENCE,
    QUOTA,
    ROW,
    language_value,
    polars_type,
    yearly_column,
)
from eligibility.i18n import DEFAULT_LANGUAGE
from eligibility.intake import cells
from eligibility.intake.columns import TableParser
from eligibility.intake.fields import (
    NAME_FIELD,
    parse_field,
    parse_headers,
    parse_id,
    structure_errors,
)
from eligibility.intake.headers import ColumnMap, HeaderIndex
from eligibility.intake.limits import LIMITS, IntakeLimits
from eligibility.intake.rejections import AGENCY_FIELD, Problems
from eligibility.intake.table import CellTable, normalized_cells
from eligibility.intake.wording import say
from eligibility.language.sql_builder import (
    SqlBuilder,
    alias,
    column,
    disjunction,
    function,
    identifier,
    number,
    select,
    string,
    table,
)
from eligibility.language.types import TEXT, ListType
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.text import nfc_expr

__all__ = ["TableSource", "read_database_nominees"]

SOURCE = "__eligibility_source"
TYPED = "__eligibility_read"
REJECTED = "__eligibility_rejected_rows"
_ROW = "__row"
_FLAG = "__suspect"

# Cells SQL keeps as they are: no control or invisible character, no surrounding space, and
# (for names and other text) only letters that are already composed (NFC), including every
# Vietnamese letter. An id must be printable ASCII, which NFKC leaves alone.
_PRINTABLE = " -~"
_COMPOSED_LATIN = "\u00c0-\u024f\u1e00-\u1eff"
_ID_FORM = "^[!-~]([ -~]*[!-~])?$"
_TEXT_FORM = (f"^[!-~{_COMPOSED_LATIN}]([{_PRINTABLE}{_COMPOSED_LATIN}]*"
              f"[!-~{_COMPOSED_LATIN}])?$")
_CONTROL = "[\\x01-\\x1f\\x7f-\\x9f]"  # PostgreSQL's regular expressions


@dataclass(frozen=True)
class TableSource:
    """Where the nominees are: a table (``name``, maybe ``schema.name``) or a query."""

    table: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ValueError("give a table or a query, not both")

    @property
    def label(self) -> str:
        return self.table if self.table is not None else "query"

    def relation(self) -> exp.Expression:
        """The source as a FROM item: the table, or the query as a subquery."""
        if self.table is not None:
            parts = [identifier(part) for part in self.table.split(".")]
            node = exp.Table(this=parts[-1])
            if len(parts) > 1:
                node.set("db", parts[-2])
            return node
        # The user's own query on their own database, passed through as written.
        return exp.Subquery(this=exp.Var(this=(self.query or "").strip().rstrip(";")),
                            alias=exp.TableAlias(this=identifier("__nominees")))


@dataclass(frozen=True)
class _Job:
    """One field's column: how its cells are read, and where."""

    name: str  # the nominations frame's column
    header: str  # the input column
    parse: Callable[[pl.Series], cells.ParsedColumn]
    required: bool
    kind: Any  # the field's language type (None for the id, a list of codes for quotas)
    text_form: str | None  # cells SQL may keep as they are (None: every cell is parsed)


def read_database_nominees(database: Database, rulebook: CompiledRulebook,
                           source: TableSource, *, language: str = DEFAULT_LANGUAGE,
                           limits: IntakeLimits = LIMITS) -> DatabaseNominations:
    """Read and check the nominees of ``source`` in ``database`` (DuckDB or PostgreSQL).

    The typed nominations stay in the database; the rejected rows (and, when asked, the
    input's unused columns) come back.
    """
    if not isinstance(database, (DuckDatabase, PostgresDatabase)):
        raise InputError(say("sql.source_dialect", language), file=source.label)
    build = database.builder()
    described = database.columns(_from_source(database, source))
    if len(described) > limits.max_columns:
        raise InputError(say("intake.too_many_columns", language, count=f"{len(described):,}",
                             limit=f"{limits.max_columns:,}"), file=source.label)
    headers = [name for name, _ in described]
    names = list(normalized_cells(CellTable(
        pl.DataFrame(schema={f"c{index}": pl.String for index in range(len(headers))}),
        list(headers), source.label), language=language).columns)
    if len(names) != len(headers):  # a blank header: no nominee field can be named by it
        raise InputError(say("sql.blank_column_name", language), file=source.label)
    texts = [_as_text(build, database, name, kind, source.label, language)
             for name, kind in described]
    order = _row_order(database, source)
    database.materialize(SOURCE, select(
        alias(exp.Window(this=exp.RowNumber(), order=order), _ROW),
        *(alias(text, f"c{index}") for index, text in enumerate(texts)),
        source=source.relation()))
    rows_in = int(database.fetch(select(alias(exp.Count(this=exp.Star()), "n"),
                                        source=table(SOURCE)), {"n": pl.Int64()})["n"][0])
    columns = HeaderIndex(rulebook).match(names, source=source.label, language=language,
                                          refuse_unread=True)
    cell_of = {name: f"c{index}" for index, name in enumerate(names)}
    jobs = _jobs(rulebook, columns, language, limits)
    typed_columns, errors = _typed_columns(database, build, jobs, cell_of, language)
    missing = _missing_fields(build, rulebook, columns)
    suspect = _suspects(build, names, cell_of, errors, limits)
    read = select(alias(column(_ROW, SOURCE), _ROW), alias(column(_ROW, SOURCE), ROW),
                  *typed_columns, *missing,
                  *(alias(error, f"__e{index}") for index, error in enumerate(errors)),
                  alias(suspect, _FLAG), source=table(SOURCE))
    read.set("joins", [exp.Join(
        this=exp.Table(this=identifier(f"__eligibility_cells{index}"),
                       alias=exp.TableAlias(this=identifier(f"__d{index}"))),
        side="LEFT", on=exp.EQ(this=column("cell", f"__d{index}"),
                               expression=column(cell_of[job.header], SOURCE)))
        for index, job in enumerate(jobs)])
    database.materialize(TYPED, read)
    rejected = _rejected(database, rulebook, columns, names, cell_of, len(errors), jobs,
                         rows_in, language, limits)
    database.put(REJECTED, rejected.select(pl.col(ROW).alias(_ROW)))
    field_names = [item.alias for item in (*typed_columns, *missing)]
    nominations = _explode(database, field_names)
    schema = _schema(rulebook, columns)
    warnings = [f"{source.label}: " + say("intake.column_absent_warning", language, column=name)
                for name in columns.missing_optional]

    def extras() -> pl.DataFrame | None:
        if not columns.ignored:
            return None
        query = select(alias(column(_ROW), ROW), *(alias(column(cell_of[name]), name)
                                                   for name in columns.ignored),
                       source=table(SOURCE))
        query.set("order", exp.Order(expressions=[exp.Ordered(this=column(_ROW))]))
        frame = database.fetch(query, {ROW: pl.Int64(), **{name: pl.String()
                                                            for name in columns.ignored}})
        return frame.with_columns(nfc_expr(pl.col(name)) for name in columns.ignored)

    order_columns = [name for name in schema if name in nominations]
    return DatabaseNominations(_NOMINATIONS_TABLE, order_columns,
                               {name: schema[name] for name in order_columns}, rejected,
                               rows_in, warnings, extras)


_NOMINATIONS_TABLE = "__eligibility_database_nominations"


# --- the source as text cells ----------------------------------------------------------------


def _from_source(database: Database, source: TableSource) -> exp.Expression:
    return select(exp.Star(), source=source.relation())


def _row_order(database: Database, source: TableSource) -> exp.Order | None:
    if source.table is None:
        return None
    storage = "ctid" if isinstance(database, PostgresDatabase) else "rowid"
    return exp.Order(expressions=[exp.Ordered(this=exp.column(storage))])


_TEXT_TYPES = re.compile(r"^(text|character varying|varchar|character|char|bpchar|name|"
                         r"citext|uuid|string)(\(.*\))?$", re.IGNORECASE)
_WHOLE = re.compile(r"^(smallint|integer|bigint|int\d*|hugeint|utinyint|usmallint|uinteger|"
                    r"ubigint|tinyint|uhugeint)$", re.IGNORECASE)
_NUMBER = re.compile(r"^(real|double precision|double|float\d*|numeric|decimal)(\(.*\))?$",
                     re.IGNORECASE)


def _as_text(build: SqlBuilder, database: Database, name: str, kind: str, label: str,
             language: str) -> exp.Expression:
    """A column's cells as the text a nominee file would hold."""
    cell = column(name)
    base = kind.strip()
    if base.endswith("[]"):  # items as text, joined with ';' (as a Parquet list is read)
        return function("ARRAY_TO_STRING", build.cast(cell, "TEXT[]"), string(";"))
    if _TEXT_TYPES.match(base) or base.lower() == "null" or _WHOLE.match(base) \
            or _NUMBER.match(base):
        return build.text_of(cell)
    lowered = base.lower()
    if lowered == "boolean":
        return build.case([(cell, string("true")), (build.not_(cell), string("false"))])
    if lowered == "date":
        return build.date_text(cell)
    if lowered.startswith("timestamp"):
        day = build.cast(cell, "DATE")
        midnight = exp.EQ(this=build.cast(day, "TIMESTAMP"),
                          expression=build.cast(cell, "TIMESTAMP"))
        clock = function("TO_CHAR" if isinstance(database, PostgresDatabase) else "STRFTIME",
                         *((cell, string("YYYY-MM-DD HH24:MI:SS"))
                           if isinstance(database, PostgresDatabase)
                           else (cell, string("%Y-%m-%d %H:%M:%S"))))
        return build.when(midnight, build.date_text(day), clock)
    raise InputError(say("intake.parquet_column_type", language, column=name,
                         kind=say("intake.kind_unknown", language), dtype=kind), file=label,
                     column=name)


# --- fields -------------------------------------------------------------------------------------


def _jobs(rulebook: CompiledRulebook, columns: ColumnMap, language: str,
          limits: IntakeLimits) -> list[_Job]:
    """File intake's column parsers, in its order: id, fields, yearly fields, quotas."""
    def field_parser(spec: Any) -> Callable[[pl.Series], cells.ParsedColumn]:
        return lambda series: parse_field(series, spec, rulebook, language=language,
                                          limits=limits)

    jobs = [_Job(CANDIDATE, columns.id, parse_id, True, None, _ID_FORM)]
    for name, header in columns.fields.items():
        spec = rulebook.fields[name]
        form = _TEXT_FORM if spec.type == TEXT else None
        jobs.append(_Job(name, header, field_parser(spec), spec.required, spec.type, form))
    for name, years in columns.yearly.items():
        spec = rulebook.fields[name]
        jobs += [_Job(yearly_column(name, year), header, field_parser(spec), spec.required,
                      spec.type, None) for year, header in sorted(years.items())]

    def quotas(series: pl.Series) -> cells.ParsedColumn:
        return cells.parse_codes(series, separator=rulebook.nominations_separator,
                                 allowed=list(rulebook.quotas),
                                 what=say("intake.what_quota", language), language=language,
                                 max_items=limits.max_items_per_cell)

    jobs.append(_Job(NOMINATIONS, columns.nominations, quotas, True, ListType("list", TEXT),
                     None))
    return jobs


def _typed_columns(database: Database, build: SqlBuilder, jobs: list[_Job],
                   cell_of: dict[str, str], language: str
                   ) -> tuple[list[exp.Alias], list[exp.Expression]]:
    """Each field's typed value and error (required values enforced), per row."""
    required = say("intake.value_required", language)
    values: list[exp.Alias] = []
    errors: list[exp.Expression] = []
    for index, job in enumerate(jobs):
        cell = column(cell_of[job.header], SOURCE)
        kind = job.kind if job.kind is not None else TEXT
        dictionary = f"__eligibility_cells{index}"
        kept = None if job.text_form is None else _matches(database, cell, job.text_form)
        spellings = _spellings(database, cell_of[job.header], job.text_form)
        parsed = job.parse(spellings)
        database.put(dictionary, pl.DataFrame({
            "cell": spellings, "value": parsed.values, "error": parsed.errors}))
        empty = job.parse(pl.Series([None], dtype=pl.String))
        empty_value = build.as_value(build.literal(language_value(empty.values[0], kind),
                                                   kind), kind)
        empty_error = build.literal(empty.errors[0], TEXT)
        read_value = column("value", f"__d{index}")
        read_error = column("error", f"__d{index}")
        branches = [(exp.Is(this=cell, expression=exp.null()), empty_value)]
        error_branches = [(exp.Is(this=cell, expression=exp.null()), empty_error)]
        if kept is not None:
            branches.append((kept, cell))
            error_branches.append((kept, build.null(TEXT)))
        value = build.cast(build.case(branches, read_value), kind)
        error = build.case(error_branches, read_error)
        if job.required:
            error = build.when(exp.and_(exp.Is(this=value, expression=exp.null()),
                                        exp.Is(this=error, expression=exp.null()), copy=False),
                               string(required), error)
        values.append(alias(value, job.name))
        errors.append(error)
    return values, errors


def _matches(database: Database, cell: exp.Expression, pattern: str) -> exp.Expression:
    if isinstance(database, PostgresDatabase):
        return exp.RegexpLike(this=cell, expression=string(pattern))
    return function("REGEXP_FULL_MATCH", cell, string(pattern))


def _spellings(database: Database, cell: str, form: str | None) -> pl.Series:
    """The distinct non-null cells of a column that SQL does not keep as they are, in the
    order the rows first show them."""
    where: exp.Expression = exp.Not(this=exp.Is(this=column(cell), expression=exp.null()))
    if form is not None:
        where = exp.and_(where, exp.Not(this=_matches(database, column(cell), form)),
                         copy=False)
    query = select(alias(column(cell), "cell"), source=table(SOURCE), where=where)
    query.set("group", exp.Group(expressions=[column(cell)]))
    query.set("order", exp.Order(expressions=[exp.Ordered(this=exp.Min(this=column(_ROW)))]))
    return database.fetch(query, {"cell": pl.String()})["cell"]


def _missing_fields(build: SqlBuilder, rulebook: CompiledRulebook,
                    columns: ColumnMap) -> list[exp.Alias]:
    """Columns for fields absent from the source, holding each field's default."""
    return [alias(build.as_value(build.literal(spec.default, spec.type), spec.type)
                  if spec.default is not None else build.null(spec.type), name)
            for name, spec in rulebook.fields.items()
            if not spec.yearly and name not in columns.fields]


def _suspects(build: SqlBuilder, names: list[str], cell_of: dict[str, str],
              errors: list[exp.Expression], limits: IntakeLimits) -> exp.Expression:
    """Rows that may be rejected: a superset of the rows file intake rejects."""
    tests: list[exp.Expression] = [exp.Not(this=exp.Is(this=error, expression=exp.null()))
                                   for error in errors]
    everything_empty = []
    for name in names:
        cell = column(cell_of[name], SOURCE)
        tests.append(build.coalesce(_control(build, cell), exp.false()))
        size = "OCTET_LENGTH" if build.dialect == "postgres" else "STRLEN"
        tests.append(build.coalesce(exp.GT(this=function(size, cell),
                                           expression=number(limits.max_cell_chars)),
                                    exp.false()))
        everything_empty.append(exp.Is(this=cell, expression=exp.null()))
    if everything_empty:
        tests.append(exp.and_(*everything_empty, copy=False))
    return disjunction(*tests)


def _control(build: SqlBuilder, cell: exp.Expression) -> exp.Expression:
    """Whether a cell holds a control character (PostgreSQL text cannot hold NUL)."""
    if build.dialect == "postgres":
        return exp.RegexpLike(this=cell, expression=string(_CONTROL))
    return function("REGEXP_MATCHES", cell, string("[\\x00-\\x1f\\x{7f}-\\x{9f}]"))


# --- rejected rows --------------------------------------------------------------------------


def _rejected(database: Database, rulebook: CompiledRulebook, columns: ColumnMap,
              names: list[str], cell_of: dict[str, str], error_count: int, jobs: list[_Job],
              rows_in: int, language: str, limits: IntakeLimits) -> pl.DataFrame:
    """The suspect rows and every row sharing an id with another, worded by file intake."""
    duplicated = select(column(CANDIDATE), source=table(TYPED),
                        where=exp.Not(this=exp.Is(this=column(CANDIDATE),
                                                  expression=exp.null())))
    duplicated.set("group", exp.Group(expressions=[column(CANDIDATE)]))
    duplicated.set("having", exp.Having(this=exp.GT(this=exp.Count(this=exp.Star()),
                                                    expression=number(1))))
    wanted = disjunction(column(_FLAG, "t"), exp.In(this=column(CANDIDATE, "t"),
                                                    query=exp.Subquery(this=duplicated)))
    query = select(column(_ROW, "t"), column(CANDIDATE, "t"),
                   *(alias(column(cell_of[name], "s"), name) for name in names),
                   *(column(f"__e{index}", "t") for index in range(error_count)),
                   source=exp.Table(this=identifier(TYPED),
                                    alias=exp.TableAlias(this=identifier("t"))),
                   where=wanted)
    query.set("joins", [exp.Join(this=exp.Table(this=identifier(SOURCE),
                                                alias=exp.TableAlias(this=identifier("s"))),
                                 on=exp.EQ(this=column(_ROW, "t"), expression=column(_ROW, "s")))])
    query.set("order", exp.Order(expressions=[exp.Ordered(this=column(_ROW, "t"))]))
    schema = {_ROW: pl.Int64(), CANDIDATE: pl.String(), **{name: pl.String() for name in names},
              **{f"__e{index}": pl.String() for index in range(error_count)}}
    suspects = database.fetch(query, schema)
    frame = suspects.select(names)
    # The cells no field can hold are found by file intake's own reader, the values the
    # fields cannot read by the database (file intake's parsers, per spelling).
    parsed = TableParser(columns, names, rulebook, language=language, limits=limits)
    problems = Problems(columns, names, parse_headers(columns), 1, language)
    problems.add(frame, first_row=0, structure=structure_errors(frame, None, columns, language),
                 cells=parsed.parse(frame).cell_errors,
                 parsed=[(job.header, suspects[f"__e{index}"])
                         for index, job in enumerate(jobs)],
                 ids=suspects[CANDIDATE], rows=suspects[_ROW])
    held = [columns.fields.get(NAME_FIELD), columns.fields.get(AGENCY_FIELD)]
    people = {row: tuple(None if header is None else frame[header][at] for header in held)
              for at, row in enumerate(suspects[_ROW].to_list())}
    return problems.settle(rows_in).rejected(people)


# --- nominations ------------------------------------------------------------------------------


def _explode(database: Database, fields: list[str]) -> list[str]:
    """The accepted rows as one nomination per quota named (``preference`` 1 = first)."""
    kept = [name for name in fields if name != NOMINATIONS]
    quoted = ", ".join(f't."{name}"' for name in [*kept])
    if isinstance(database, PostgresDatabase):
        body = (f'SELECT {quoted}, t."{ROW}", n.quota AS "{QUOTA}", '
                f'CAST(n.position AS bigint) AS "{PREFERENCE}" FROM "{TYPED}" t '
                f'CROSS JOIN unnest(t."{NOMINATIONS}") WITH ORDINALITY AS n(quota, position) '
                f'WHERE t."{ROW}" NOT IN (SELECT "{_ROW}" FROM "{REJECTED}") '
                f'ORDER BY t."{ROW}", n.position')
    else:
        body = (f'SELECT {quoted}, t."{ROW}", unnest(t."{NOMINATIONS}") AS "{QUOTA}", '
                f'unnest(generate_series(1, len(t."{NOMINATIONS}"))) AS "{PREFERENCE}" '
                f'FROM "{TYPED}" t WHERE t."{ROW}" NOT IN (SELECT "{_ROW}" FROM "{REJECTED}")')
    database.execute(f'DROP TABLE IF EXISTS "{_NOMINATIONS_TABLE}"')
    database.execute(f'CREATE TEMPORARY TABLE "{_NOMINATIONS_TABLE}" AS {body}')
    return [*kept, ROW, QUOTA, PREFERENCE]


def _schema(rulebook: CompiledRulebook, columns: ColumnMap) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {CANDIDATE: pl.String()}
    for name, spec in rulebook.fields.items():
        if not spec.yearly:
            schema[name] = polars_type(spec.type)
    for name, years in columns.yearly.items():
        for year in sorted(years):
            schema[yearly_column(name, year)] = polars_type(rulebook.fields[name].type)
    return {**schema, QUOTA: pl.String(), ROW: pl.Int64(), PREFERENCE: pl.Int64()}
