"""Hypothesis strategies for small valid rulebooks and typed nomination frames.

* :func:`rulebook_documents` — rulebook YAML texts: a random set of candidate fields of
  several types (int, number, date, bool, text, an unordered and an ordered vocabulary, a
  yearly field, ``list[interval]``, ``list[text]``), one to three quotas, parameters, and
  criteria and priorities whose conditions and points are drawn from the rule language's
  grammar — comparisons, ``and``/``or``/``not``, ``in``, ``is None``, ``x if c else y``,
  arithmetic, date functions, reducers over ranges and lists. Every document loads.
* :func:`nomination_frames` — typed nomination frames (the layout
  :mod:`eligibility.intake` gives) for a compiled rulebook made from such a document,
  nulls included.

Both shrink toward the simplest case: few fields, one quota, atoms before compound
expressions, small values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import yaml
from hypothesis import strategies as st

from eligibility.frames import polars_type, yearly_column
from eligibility.language.types import INTERVAL, ListType
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook

__all__ = ["FIELD_TYPES", "YEARS", "nomination_frames", "rulebook_documents"]

FIELD_TYPES: dict[str, str] = {
    "n": "int", "m": "int", "x": "number", "birth": "date", "since": "date", "ok": "bool",
    "name": "text", "gender": "sex", "level": "level", "position": "position",
    "rating": "level", "spans": "list[interval]", "tags": "list[text]",
}
YEARLY = frozenset({"rating"})
YEARS = (2019, 2020, 2021, 2022)
VOCABULARIES: dict[str, dict[str, Any]] = {
    "sex": {"values": {"f": ["nữ"], "m": ["nam"]}},
    "level": {"ordered": True, "values": {"low": [], "mid": [], "high": []}},
    "position": {"values": {"p1": [], "p2": [], "p3": []}},
}
TEXTS = ("An", "Bình", "Zoe", "", "10", "9", "a b")
TAGS = ("t1", "t2", "An")
CODES = {"sex": ("f", "m"), "level": ("low", "mid", "high"), "position": ("p1", "p2", "p3")}


@dataclass(frozen=True)
class _Context:
    fields: frozenset[str]
    draw: Callable[[st.SearchStrategy[Any]], Any]

    def has(self, name: str) -> bool:
        return name in self.fields


class _Grammar:
    """Draws well-typed expression texts over the fields of one rulebook."""

    def __init__(self, context: _Context) -> None:
        self.c = context

    def pick(self, options: Sequence[Callable[[], str]]) -> str:
        return self.c.draw(st.sampled_from(options))()

    def small_int(self) -> str:
        return str(self.c.draw(st.integers(-3, 40)))

    # numbers ---------------------------------------------------------------------------------
    def int_(self, depth: int) -> str:
        options: list[Callable[[], str]] = [self.small_int, lambda: "quota.limit",
                                            lambda: "bonus"]
        options += [lambda name=name: name for name in ("n", "m") if self.c.has(name)]
        if self.c.has("birth"):
            options += [lambda: "age_on(birth, quota.start)", lambda: "birth.year",
                        lambda: "days_between(birth, quota.end)"]
        if self.c.has("since"):
            options += [lambda: "completed_years(since, quota.start)",
                        lambda: "completed_months(since, quota.end)"]
        if self.c.has("spans"):
            options += [lambda: "len(spans)",
                        lambda: "count(overlaps(e, quota.course) for e in spans)"]
        if self.c.has("tags"):
            options.append(lambda: "len(tags)")
        if self.c.has("rating"):
            options.append(lambda: "count(rating[y] == 'high' for y in range(2019, 2023))")
        if depth > 0:
            options += [
                lambda: f"({self.int_(depth - 1)} {self.op('+-*')} {self.int_(depth - 1)})",
                lambda: f"({self.int_(depth - 1)} {self.op(['//', '%'])} {self.int_(depth - 1)})",
                lambda: f"abs({self.int_(depth - 1)})",
                lambda: f"least({self.int_(depth - 1)}, {self.int_(depth - 1)})",
                lambda: f"({self.int_(depth - 1)} if {self.cond(depth - 1)} "
                        f"else {self.int_(depth - 1)})",
            ]
        return self.pick(options)

    def number(self, depth: int) -> str:
        options: list[Callable[[], str]] = [
            lambda: str(self.c.draw(st.sampled_from((0.5, 2.25, -1.5, 10.0)))),
            lambda: "quota.ratio"]
        if self.c.has("x"):
            options.append(lambda: "x")
        if depth > 0:
            options += [
                lambda: f"({self.number(depth - 1)} {self.op('+-')} {self.int_(depth - 1)})",
                lambda: f"({self.int_(depth - 1)} / 4)",
                lambda: f"({self.number(depth - 1)} * 2)",
                lambda: f"({self.number(depth - 1)} if {self.cond(depth - 1)} "
                        f"else {self.int_(depth - 1)})",
            ]
        return self.pick(options)

    def op(self, choices: Sequence[str] | str) -> str:
        return str(self.c.draw(st.sampled_from(list(choices))))

    # dates and text --------------------------------------------------------------------------
    def date(self, depth: int) -> str:
        options: list[Callable[[], str]] = [
            lambda: "quota.start", lambda: "quota.end", lambda: "cutoff",
            lambda: "date('2000-02-29')",
            lambda: f"add_months(quota.start, {self.c.draw(st.integers(-30, 30))})"]
        options += [lambda name=name: name for name in ("birth", "since") if self.c.has(name)]
        if depth > 0:
            months = st.integers(-30, 30)
            options += [
                lambda: f"add_months({self.date(0)}, {self.c.draw(months)})",
                lambda: f"add_years({self.date(0)}, {self.c.draw(st.integers(-3, 60))})",
                lambda: f"add_days({self.date(0)}, {self.c.draw(st.integers(-400, 400))})",
                lambda: f"last_day_of_month({self.date(depth - 1)})",
                lambda: f"greatest({self.date(depth - 1)}, {self.date(depth - 1)})",
                lambda: f"({self.date(depth - 1)} if {self.cond(depth - 1)} "
                        f"else {self.date(depth - 1)})",
            ]
            if self.c.has("n"):
                options.append(lambda: "add_months(quota.start, n)")
        return self.pick(options)

    def text(self) -> str:
        options: list[Callable[[], str]] = [lambda: repr(self.c.draw(st.sampled_from(TEXTS)))]
        if self.c.has("name"):
            options.append(lambda: "name")
        return self.pick(options)

    # conditions ------------------------------------------------------------------------------
    def compare(self, depth: int) -> str:
        ordered = ["<", "<=", ">", ">=", "==", "!="]
        options: list[Callable[[], str]] = [
            lambda: f"{self.int_(depth)} {self.op(ordered)} {self.int_(depth)}",
            lambda: f"{self.number(depth)} {self.op(ordered)} {self.int_(depth)}",
            lambda: f"{self.date(depth + 1)} {self.op(ordered)} {self.date(depth)}",
            lambda: f"{self.text()} {self.op(ordered)} {self.text()}",
        ]
        levels = st.sampled_from(CODES["level"])
        if self.c.has("level"):
            options.append(lambda: f"level {self.op(ordered)} '{self.c.draw(levels)}'")
        if self.c.has("rating"):
            options += [
                lambda: f"rating[{self.c.draw(st.sampled_from(YEARS))}] {self.op(ordered)} "
                        f"'{self.c.draw(levels)}'",
                lambda: f"rating[quota.start.year - 1] >= '{self.c.draw(levels)}'"]
            if self.c.has("n"):
                options.append(lambda: "rating[n + 2000] == 'high'")
        if self.c.has("gender"):
            options.append(lambda: f"gender {self.op(['==', '!='])} "
                                   f"'{self.c.draw(st.sampled_from(CODES['sex']))}'")
        return self.pick(options)

    def member(self, depth: int) -> str:
        options: list[Callable[[], str]] = [
            lambda: f"{self.int_(depth)} {self.op(['in', 'not in'])} "
                    f"[{self.small_int()}, {self.int_(0)}, {self.small_int()}]"]
        if self.c.has("position"):
            options.append(lambda: f"position {self.op(['in', 'not in'])} quota.positions")
        if self.c.has("gender"):
            options.append(lambda: "gender in ['f']")
        if self.c.has("tags"):
            options += [lambda: f"{self.text()} {self.op(['in', 'not in'])} tags",
                        lambda: f"'{self.c.draw(st.sampled_from(TAGS))}' in tags"]
        if self.c.has("name"):
            options.append(lambda: f"name in [{self.text()}, {self.text()}]")
        return self.pick(options)

    def reducer(self) -> str:
        options: list[Callable[[], str]] = []
        if self.c.has("spans"):
            options += [lambda: "any(overlaps(e, quota.course) for e in spans)",
                        lambda: "all(e.end >= cutoff for e in spans)",
                        lambda: "any(lasts_at_least_months(e, 1) for e in spans "
                                "if e.start.year >= 2000)"]
        if self.c.has("rating"):
            options += [
                lambda: "all(rating[y] >= 'mid' for y in range(2020, 2023))",
                lambda: "any(rating[y] == 'high' for y in range(2019, 2023) if y != 2021)",
                lambda: "all(rating[y] != 'low' for y in range(2023, 2023))"]
        return self.pick(options) if options else "lasts_at_least_months(quota.course, 1)"

    def cond(self, depth: int) -> str:
        options: list[Callable[[], str]] = [lambda: self.compare(0), lambda: self.member(0),
                                            self.reducer, lambda: self.c.draw(
                                                st.sampled_from(("true", "false")))]
        if self.c.has("ok"):
            options.append(lambda: "ok")
        nullable = [name for name in ("n", "x", "birth", "ok", "name", "level") if self.c.has(name)]
        if nullable:
            options.append(lambda: f"{self.c.draw(st.sampled_from(nullable))} "
                                   f"{self.op(['is None', 'is not None'])}")
        if depth > 0:
            options += [
                lambda: f"not ({self.cond(depth - 1)})",
                lambda: f"({self.cond(depth - 1)}) and ({self.cond(depth - 1)})",
                lambda: f"({self.cond(depth - 1)}) or ({self.cond(depth - 1)})",
                lambda: f"({self.cond(depth - 1)}) {self.op(['==', '!='])} "
                        f"({self.cond(depth - 1)})",
                lambda: f"({self.cond(depth - 1)} if {self.cond(depth - 1)} "
                        f"else {self.cond(depth - 1)})",
                lambda: self.compare(depth - 1),
                lambda: self.member(depth - 1),
            ]
        return self.pick(options)

    def points(self, depth: int) -> str:
        options: list[Callable[[], str]] = [
            lambda: f"{self.c.draw(st.integers(0, 10))} if {self.cond(depth)} else 0",
            lambda: self.int_(depth),
            lambda: f"{self.c.draw(st.integers(1, 5))} if {self.cond(depth)} else "
                    f"({self.int_(0)} if {self.cond(depth)} else {self.small_int()})",
            lambda: self.number(depth),
        ]
        if self.c.has("rating"):
            options.append(lambda: "5 * count(rating[y] == 'high' for y in range(2019, 2022))")
        return self.pick(options)

    def placeholder(self) -> str:
        names = sorted(self.c.fields - YEARLY)
        options = [lambda: "quota.id", *(lambda name=name: name for name in names)]
        if self.c.has("rating"):
            options.append(lambda: "rating[2021]")
        return "{" + self.pick(options) + "}"


def _field(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": FIELD_TYPES[name]}
    if name in YEARLY:
        spec.update(yearly=True, column=f"{name}_{{year}}")
    return spec


@st.composite
def rulebook_documents(draw: st.DrawFn, *, max_criteria: int = 3, max_priorities: int = 2,
                       depth: int = 2) -> str:
    """A valid rulebook, as YAML text, exercising the rule language at random."""
    fields = draw(st.sets(st.sampled_from(sorted(FIELD_TYPES)), min_size=1, max_size=8))
    grammar = _Grammar(_Context(frozenset(fields), draw))
    quotas = [_quota(draw, index) for index in range(draw(st.integers(1, 3)))]
    quota_ids = [quota["id"] for quota in quotas]
    criteria = []
    for index in range(draw(st.integers(1, max_criteria))):
        criterion: dict[str, Any] = {
            "id": f"c{index}", "title": {"vi": f"Điều kiện {index}", "en": f"Rule {index}"},
            "condition": grammar.cond(depth),
            "message": {"vi": f"Không đạt {grammar.placeholder()}",
                        "en": f"Fails {grammar.placeholder()} ({grammar.placeholder()})"}}
        if draw(st.booleans()):
            criterion["applies_to"] = {"quotas": draw(st.lists(st.sampled_from(quota_ids),
                                                               min_size=1, unique=True))}
        criteria.append(criterion)
    priorities = [{"id": f"p{index}", "title": {"vi": f"Ưu tiên {index}", "en": f"P{index}"},
                   "points": grammar.points(depth)}
                  for index in range(draw(st.integers(0, max_priorities)))]
    document = {
        "id": "generated", "title": {"vi": "Sinh ngẫu nhiên", "en": "Generated"},
        "version": "1", "effective": {"from": dt.date(2020, 1, 1)},
        "vocabularies": VOCABULARIES,
        "parameters": {"cutoff": {"value": dt.date(2021, 6, 30)}, "bonus": {"value": 3}},
        "candidate": {"fields": {name: _field(name) for name in sorted(fields)}},
        "quotas": quotas, "criteria": criteria, "priorities": priorities,
        "ranking": [{"key": "score", "order": "descending"}, {"key": "id", "order": "ascending"}],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def _quota(draw: st.DrawFn, index: int) -> dict[str, Any]:
    start = draw(st.dates(dt.date(2021, 1, 1), dt.date(2023, 12, 31)))
    end = start + dt.timedelta(days=draw(st.sampled_from((0, 18, 40, 400))))
    return {"id": f"q{index}", "title": {"vi": f"Khóa {index}", "en": f"Course {index}"},
            "lead": "Sở Nội vụ", "kind": "fostering", "seats": draw(st.integers(1, 3)),
            "budget": 1000, "start": start, "end": end,
            "positions": draw(st.lists(st.sampled_from(CODES["position"]), unique=True)),
            "values": {"limit": draw(st.integers(0, 40)),
                       "ratio": draw(st.sampled_from((0.5, 1.5, 2.0)))}}


# --- typed nominations -----------------------------------------------------------------------


def _dates(around: dt.date, spread: int) -> st.SearchStrategy[dt.date]:
    return st.integers(-spread, spread).map(lambda days: around + dt.timedelta(days=days))


def _value(kind: str) -> st.SearchStrategy[Any]:
    start = dt.date(2022, 6, 1)
    values: dict[str, st.SearchStrategy[Any]] = {
        "int": st.integers(-3, 45),
        "number": st.sampled_from((0.0, 0.5, 1.75, -2.5, 12.0, 1e-05)),
        "date": st.one_of(_dates(dt.date(1985, 6, 15), 12_000), _dates(start, 800)),
        "bool": st.booleans(),
        "text": st.sampled_from(TEXTS),
        "sex": st.sampled_from(CODES["sex"]),
        "level": st.sampled_from(CODES["level"]),
        "position": st.sampled_from(CODES["position"]),
        "list[interval]": st.lists(st.tuples(_dates(start, 800), st.integers(0, 60)).map(
            lambda pair: Interval(pair[0], pair[0] + dt.timedelta(days=pair[1]))), max_size=3),
        "list[text]": st.lists(st.sampled_from(TAGS), unique=True, max_size=3),
    }
    return values[kind]


@st.composite
def nomination_frames(draw: st.DrawFn, rulebook: CompiledRulebook, *, min_rows: int = 1,
                      max_rows: int = 8) -> pl.DataFrame:
    """Typed nominations for ``rulebook`` (one row each, ids unique), nulls included."""
    rows: list[dict[str, Any]] = []
    quota_ids = list(rulebook.quotas)
    for index in range(draw(st.integers(min_rows, max_rows))):
        row: dict[str, Any] = {"candidate_id": f"N-{index:03d}"}
        for name, spec in rulebook.fields.items():
            kind = FIELD_TYPES[name]
            if spec.yearly:
                for year in YEARS:
                    row[yearly_column(name, year)] = draw(st.none() | _value(kind))
            else:
                nullable = st.none() if not isinstance(spec.type, ListType) else st.just([])
                row[name] = _cell(draw(nullable | _value(kind)))
        row.update(quota_id=draw(st.sampled_from(quota_ids)), row=index + 1, preference=1)
        rows.append(row)
    return pl.DataFrame(rows, schema=_schema(rulebook), orient="row")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return [{"start": item.start, "end": item.end} if isinstance(item, Interval) else item
                for item in value]
    return value


def _schema(rulebook: CompiledRulebook) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {"candidate_id": pl.String()}
    for name, spec in rulebook.fields.items():
        if spec.yearly:
            schema.update({yearly_column(name, year): polars_type(spec.type) for year in YEARS})
        else:
            schema[name] = polars_type(spec.type)
    interval_lists = ListType("list", INTERVAL)
    assert all(spec.type != interval_lists or schema[name] == polars_type(interval_lists)
               for name, spec in rulebook.fields.items() if not spec.yearly)
    return {**schema, "quota_id": pl.String(), "row": pl.Int64(), "preference": pl.Int64()}
