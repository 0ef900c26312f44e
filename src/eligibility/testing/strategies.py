"""Hypothesis strategies that generate nominees for a rulebook.

Needs Hypothesis (``pip install hypothesis``; in a source checkout, the ``hypothesis``
extra: ``pip install -e '.[hypothesis]'``). Besides the ready-made properties of
:mod:`eligibility.testing.properties`, this is the only module of the library that imports
Hypothesis.

* :func:`from_rulebook` — one nominee record valid for a rulebook: typed Python values by
  default (as :func:`eligibility.evaluate` and :func:`eligibility.evaluate_candidate` take
  them), or the text cells of a nominee file with ``raw=True``. Optionally only records
  eligible (``eligible=True``) or ineligible (``eligible=False``) for one quota.
* :func:`text_cells` — every way a nominee file may spell one typed record.
* :func:`nominee_frames` — a whole nominee file as a polars DataFrame of text cells, with
  unique ids, as :func:`eligibility.decide` reads it.

Values concentrate where the rulebook's decisions change: for every condition of a quota
that compares a field with a constant, the value at which it flips, the day (or unit)
before and after, 29 February births, enrolments touching the course's first and last
days, the ratings either side of a threshold, empty optional cells
(:mod:`eligibility.testing.boundaries`). Eligible and ineligible records are built by
choosing such values for each criterion, not by filtering random ones. Records shrink
toward the simplest candidate: one nomination, empty optional cells, the first boundary
value of each other field, canonical spellings and ISO dates.

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> records = from_rulebook(rulebook, quota="pg-abroad", eligible=True)
>>> from_rulebook(rulebook, quota="pg-abroda")
Traceback (most recent call last):
...
eligibility.testing.strategies.InvalidArgument: quota='pg-abroda' is not a quota of rulebook \
'hanoi-2022-2025' — did you mean 'pg-abroad'? Its quotas: noi-vu-urban, noi-vu-hr, \
tai-chinh, tt-tt, kh-cn, gd-dt, y-te, pg-abroad, pg-domestic
"""

from __future__ import annotations

# isort: off
# First, before Hypothesis is imported below: Hypothesis runs this hook while being imported.
from eligibility.testing.hypothesis_hook import _hypothesis_setup_hook
# isort: on

import copy
import datetime as dt
import unicodedata
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import hypothesis.errors
import polars as pl
from hypothesis import strategies as st

from eligibility.errors import EligibilityError, suggest
from eligibility.intake.cells import NO_WORDS, YES_WORDS
from eligibility.language.domain import EXCEL_EPOCH
from eligibility.language.types import BOOL, DATE, INT, INTERVAL, NUMBER, EnumType, ListType
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec
from eligibility.testing.boundaries import (
    MAX_DATE,
    MIN_DATE,
    FieldPlan,
    Group,
    QuotaPlan,
    quota_plan,
    rulebook_years,
)

__all__ = [
    "InvalidArgument",
    "_hypothesis_setup_hook",
    "from_rulebook",
    "nominee_frames",
    "text_cells",
]

MAX_FRAME_SIZE = 1_000
_MIN_EXCEL_SERIAL = 10_000
_RANDOM_DAYS = 3 * 366
Form = Literal["NFC", "NFD"]


class InvalidArgument(EligibilityError, hypothesis.errors.InvalidArgument):
    """A strategy was called with an argument it cannot use.

    A :class:`TypeError` (through :class:`hypothesis.errors.InvalidArgument`), as Hypothesis'
    own strategies raise, and an :class:`eligibility.EligibilityError`.
    """


# --- public strategies -------------------------------------------------------------------


def from_rulebook(rulebook: CompiledRulebook, *, quota: str | None = None,
                  eligible: bool | None = None,
                  raw: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Nominee records valid for ``rulebook``.

    ``quota``: nominate every record for this quota (``nominated_for`` is ``[quota]``) and
    concentrate on its boundaries; by default each record names one to three quotas, most
    wanted first. ``eligible``: ``True`` for records meeting every criterion of ``quota``,
    ``False`` for records failing at least one (needs ``quota``). ``raw``: text cells as a
    nominee file gives them — vocabulary words and their synonyms in varied case,
    diacritics and Unicode form, dates in every accepted format, one column per year of a
    yearly field — instead of Python values (dates, codes, booleans, ``{year: value}`` for a
    yearly field, lists of :class:`~eligibility.language.values.Interval`, the list of quota
    ids).

    Raises :class:`InvalidArgument` for an argument it cannot use, and when no record can
    be (in)eligible for the quota.
    """
    _check_rulebook(rulebook, "from_rulebook")
    if quota is not None:
        _check_quota(rulebook, quota, "quota")
    _check_flag("eligible", eligible, optional=True)
    _check_flag("raw", raw)
    if eligible is not None:
        if quota is None:
            raise InvalidArgument(f"eligible={eligible} needs quota=...: eligible for which "
                                  f"quota? e.g. quota={next(iter(rulebook.quotas))!r}")
        _check_possible(quota_plan(rulebook, quota), eligible)
    quotas = (quota,) if quota is not None else tuple(rulebook.quotas)
    return _records(_Book(rulebook), quotas, pinned=quota is not None, eligible=eligible,
                    raw=raw)


def nominee_frames(rulebook: CompiledRulebook, *, min_size: int = 1, max_size: int = 10,
                   quotas: Sequence[str] | None = None) -> st.SearchStrategy[pl.DataFrame]:
    """Nominee files for ``rulebook``: DataFrames of text cells, one row per person.

    Every column is ``String``: the id (unique: ``N-001``, ``N-002``, ...), each field (the
    header or one of its aliases), one column per year the rules look at for a yearly field,
    and the nominations (``;``-separated quota ids, drawn from ``quotas`` — every quota by
    default). Rows are mostly eligible for their first nomination, some not; cells are
    spelled as in :func:`from_rulebook` with ``raw=True``. Frames shrink toward fewer rows,
    each toward the simplest eligible record.
    """
    _check_rulebook(rulebook, "nominee_frames")
    _check_size("min_size", min_size)
    _check_size("max_size", max_size)
    if min_size > max_size:
        raise InvalidArgument(f"min_size={min_size} is larger than max_size={max_size}")
    if quotas is None:
        chosen = tuple(rulebook.quotas)
    else:
        if isinstance(quotas, str) or not isinstance(quotas, Sequence):
            raise InvalidArgument(f"quotas must be a list of quota ids, e.g. "
                                  f"[{next(iter(rulebook.quotas))!r}], not {quotas!r}")
        if not quotas:
            raise InvalidArgument("quotas=[] leaves nothing to nominate for; give at least one")
        for item in quotas:
            _check_quota(rulebook, item, "quotas")
        if len(set(quotas)) != len(quotas):
            raise InvalidArgument(f"quotas={list(quotas)!r} lists a quota more than once")
        chosen = tuple(quotas)
    return _frames(_Book(rulebook), chosen, min_size, max_size)


def text_cells(rulebook: CompiledRulebook, *,
               record: Mapping[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """The text cells of a typed ``record``, spelled in any way a nominee file may spell them.

    ``record`` is a typed record as :func:`from_rulebook` draws it. Every spelling reads
    back as ``record``; the simplest is the canonical one (codes, ISO dates, ``true``).
    """
    _check_rulebook(rulebook, "text_cells")
    if not isinstance(record, Mapping):
        raise InvalidArgument(f"record must be a typed record (a mapping), not {record!r:.60}")
    keys = [rulebook.id_columns[0], *rulebook.fields, rulebook.nominations_columns[0]]
    missing = [key for key in keys if key not in record]
    if missing:
        raise InvalidArgument(f"record lacks {', '.join(missing)}; draw records with "
                              f"from_rulebook(rulebook) to get every key")
    return _spelled(_Book(rulebook), record, _canonical_headers(rulebook))


# --- argument checks ---------------------------------------------------------------------


def _check_rulebook(rulebook: object, function: str) -> None:
    if not isinstance(rulebook, CompiledRulebook):
        raise InvalidArgument(f"{function}() needs a rulebook loaded with "
                              f"eligibility.load_rulebook(path), not {type(rulebook).__name__} "
                              f"{rulebook!r:.60}")


def _check_quota(rulebook: CompiledRulebook, quota: object, name: str) -> None:
    if not isinstance(quota, str):
        raise InvalidArgument(f"{name} must be a quota id (text), not {quota!r}")
    if quota not in rulebook.quotas:
        close = suggest(quota, rulebook.quotas)
        hint = f" — did you mean {close!r}?" if close else ""
        raise InvalidArgument(f"{name}={quota!r} is not a quota of rulebook {rulebook.id!r}"
                              f"{hint} Its quotas: {', '.join(rulebook.quotas)}")


def _check_flag(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, bool):
        allowed = "True, False or None" if optional else "True or False"
        raise InvalidArgument(f"{name} must be {allowed}, not {value!r}")


def _check_size(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name} must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_FRAME_SIZE:
        raise InvalidArgument(f"{name}={value} is outside 0..{MAX_FRAME_SIZE}")


def _check_possible(plan: QuotaPlan, eligible: bool) -> None:
    if eligible and not plan.can_be_eligible:
        blocking = plan.constant_failures or tuple(
            rule for group in plan.groups if group.criteria and not group.passing()
            for rule in group.criteria)
        raise InvalidArgument(f"eligible=True: no record meets every criterion of quota "
                              f"{plan.quota_id!r}; none of the values tried meets "
                              f"{', '.join(blocking)}")
    if not eligible and not plan.failable:
        raise InvalidArgument(f"eligible=False: every record is eligible for quota "
                              f"{plan.quota_id!r} (no criterion can fail)")


# --- records -----------------------------------------------------------------------------


class _Book:
    """A rulebook shown briefly in Hypothesis' reprs of strategies and failing examples."""

    __slots__ = ("rulebook",)

    def __init__(self, rulebook: CompiledRulebook) -> None:
        self.rulebook = rulebook

    def __repr__(self) -> str:
        return f"<rulebook {self.rulebook.id}>"


Mode = tuple[str, ...] | None  # None: anything; ("pass",); ("fail", criterion id)


@st.composite
def _records(draw: st.DrawFn, book: _Book, quotas: tuple[str, ...], *,
             pinned: bool, eligible: bool | None, raw: bool) -> dict[str, Any]:
    rulebook = book.rulebook
    nominated = [quotas[0]] if pinned else draw(_nominations(quotas))
    record_id = draw(st.integers(1, 9999).map("N-{:04d}".format))
    typed = draw(_typed(book, nominated, record_id, eligible))
    return draw(_spelled(book, typed, _canonical_headers(rulebook))) if raw else typed


def _nominations(quotas: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(quotas), min_size=1, max_size=min(3, len(quotas)),
                    unique=True)


@st.composite
def _typed(draw: st.DrawFn, book: _Book, nominated: list[str], record_id: str,
           eligible: bool | None) -> dict[str, Any]:
    """A typed record, (in)eligible as asked for its first nomination."""
    rulebook = book.rulebook
    plan = quota_plan(rulebook, nominated[0])
    failing = draw(st.sampled_from(plan.failable)) if eligible is False else None
    values: dict[str, Any] = {}
    for group in plan.groups:
        mode: Mode = None
        if eligible is True and group.criteria:
            mode = ("pass",)
        elif failing is not None and failing in group.criteria:
            mode = ("fail", failing)
        values.update(draw(_group_values(plan, group, mode)))
    return {rulebook.id_columns[0]: record_id,
            **{name: values[name] for name in rulebook.fields},
            rulebook.nominations_columns[0]: list(nominated)}


_GROUP_STRATEGIES: weakref.WeakKeyDictionary[Group, dict[Mode, st.SearchStrategy[Any]]] = \
    weakref.WeakKeyDictionary()


def _group_values(plan: QuotaPlan, group: Group, mode: Mode) -> st.SearchStrategy[Any]:
    """Values for the fields of ``group``: its boundary combinations first, then random ones."""
    cached = _GROUP_STRATEGIES.setdefault(group, {})
    if mode not in cached:
        if mode is None:
            combos = list(group.combos)
        elif mode[0] == "pass":
            combos = group.passing()
        else:
            combos = group.failing_only(mode[1])
        randoms = st.fixed_dictionaries({name: _random_value(plan.fields[name], plan.anchor)
                                         for name in group.fields})
        if mode is not None:
            randoms = randoms.filter(_fits(plan, group, mode))
        options = [st.sampled_from(combos).map(copy.deepcopy)] if combos else []
        cached[mode] = st.one_of([*options, randoms])
    return cached[mode]


def _fits(plan: QuotaPlan, group: Group, mode: tuple[str, ...]) -> Callable[[Any], bool]:
    if mode[0] == "pass":
        return lambda combo: all(plan.met(combo, rule) for rule in group.criteria)
    return lambda combo: not plan.met(combo, mode[1])


def _random_value(plan: FieldPlan, anchor: dt.date) -> st.SearchStrategy[Any]:
    item = _random_item(plan, anchor)
    if plan.spec.yearly:
        per_year = {year: st.one_of(item, st.none()) for year in plan.years}
        return st.fixed_dictionaries(per_year).map(
            lambda years: {year: value for year, value in years.items() if value is not None})
    if not plan.spec.required and plan.spec.default is None:
        return st.one_of(item, st.none())
    return item


def _random_item(plan: FieldPlan, anchor: dt.date) -> st.SearchStrategy[Any]:
    kind = plan.spec.type
    present = [value for value in plan.values if value is not None]
    if kind == DATE:
        pivots = list(plan.pivots) or present[:1] or [anchor]
        return st.builds(_shift, st.sampled_from(pivots),
                         st.integers(-_RANDOM_DAYS, _RANDOM_DAYS))
    if kind in (INT, NUMBER):
        pivots = list(plan.pivots) or present[:1] or [0]
        number = st.builds(lambda pivot, step: pivot + step, st.sampled_from(pivots),
                           st.integers(-50, 50))
        return number.map(float) if kind == NUMBER else number
    if isinstance(kind, EnumType):
        return st.sampled_from(kind.codes)
    if kind == BOOL:
        return st.booleans()
    if kind == INTERVAL or kind == ListType("list", INTERVAL):
        courses = [course for course in plan.pivots if isinstance(course, Interval)]
        centre = courses[0].start if courses else anchor
        interval = _intervals_near(centre, spread=400)
        return interval if kind == INTERVAL else st.lists(interval, max_size=3)
    if isinstance(kind, ListType):
        words = [word for value in present for word in value] or ["a", "b"]
        return st.lists(st.sampled_from(words), max_size=3, unique=True)
    return st.sampled_from(present or ["Nguyễn Văn An"])


def _shift(day: dt.date, days: int) -> dt.date:
    moved = day + dt.timedelta(days=days)
    return min(max(moved, MIN_DATE + dt.timedelta(days=1)), MAX_DATE - dt.timedelta(days=1))


def _intervals_near(centre: dt.date, *, spread: int) -> st.SearchStrategy[Interval]:
    return st.builds(lambda offset, length: Interval(_shift(centre, offset),
                                                     _shift(centre, offset + length)),
                     st.integers(-spread, spread), st.integers(0, 120))


# --- text cells --------------------------------------------------------------------------


def _canonical_headers(rulebook: CompiledRulebook) -> dict[str, str]:
    return {name: spec.columns[0] for name, spec in rulebook.fields.items()}


def _headers(rulebook: CompiledRulebook) -> st.SearchStrategy[dict[str, str]]:
    """A header for each field: its name or one of its aliases (the name first)."""
    return st.fixed_dictionaries({name: st.sampled_from(spec.columns)
                                  for name, spec in rulebook.fields.items()})


@st.composite
def _spelled(draw: st.DrawFn, book: _Book, record: Mapping[str, Any],
             headers: Mapping[str, str]) -> dict[str, Any]:
    """The text cells of a typed record, spelled in any way a nominee file may spell them."""
    rulebook = book.rulebook
    id_header, nominations_header = rulebook.id_columns[0], rulebook.nominations_columns[0]
    cells: dict[str, Any] = {id_header: str(record[id_header])}
    for name, spec in rulebook.fields.items():
        if spec.yearly:
            plan_years = sorted({*record[name], *_years_of(rulebook, name)})
            for year in plan_years:
                cells[headers[name].format(year=year)] = draw(
                    _cell(rulebook, spec, record[name].get(year)))
        else:
            cells[headers[name]] = draw(_cell(rulebook, spec, record[name]))
    separator = draw(st.sampled_from([rulebook.nominations_separator,
                                      rulebook.nominations_separator + " "]))
    quota_cells = [draw(st.sampled_from([code, code.upper()])) for code
                   in record[nominations_header]]
    cells[nominations_header] = separator.join(quota_cells)
    return cells


def _years_of(rulebook: CompiledRulebook, name: str) -> tuple[int, ...]:
    return rulebook_years(rulebook).get(name, ())


def _cell(rulebook: CompiledRulebook, spec: FieldSpec, value: Any) -> st.SearchStrategy[str]:
    kind = spec.type
    if value is None:
        return st.just("")
    if isinstance(kind, EnumType):
        vocabulary = rulebook.vocabularies[kind.name]
        return _word(st.sampled_from([value, *vocabulary.synonyms_of(value)]))
    if kind == BOOL:
        words: tuple[str, ...] = YES_WORDS if value else NO_WORDS
        if not value and spec.default is False:
            words = (*words, "")
        return _word(st.sampled_from(words))
    if kind == DATE:
        return _date_cell(value)
    if kind == INTERVAL:
        return _interval_cell(value)
    if kind == ListType("list", INTERVAL):
        if not value:
            return st.just("")
        return st.tuples(*(_interval_cell(item) for item in value)).map(spec.separator.join)
    if isinstance(kind, ListType):
        return st.just(spec.separator.join(value))
    if kind == NUMBER:
        return st.just(repr(float(value)))
    if kind == INT:
        return st.just(str(value))
    return _word(st.just(str(value)), change_case=False)


def _word(words: st.SearchStrategy[str], *, change_case: bool = True) -> st.SearchStrategy[str]:
    """A word as written in the field: any case, with or without diacritics, NFC or NFD."""
    cases: list[Callable[[str], str]] = [_same, str.upper, str.lower, str.capitalize]
    return st.builds(_respell, words, st.sampled_from(cases if change_case else [_same]),
                     st.booleans() if change_case else st.just(False),
                     st.sampled_from(["NFC", "NFD"]), st.sampled_from(["", " "]))


def _same(text: str) -> str:
    return text


def _respell(word: str, case: Callable[[str], str], bare: bool, form: Form, pad: str) -> str:
    text = case(word)
    if bare:
        text = _without_diacritics(text)
    return pad + unicodedata.normalize(form, text) + pad


def _without_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def _date_cell(day: dt.date) -> st.SearchStrategy[str]:
    forms = [day.isoformat(), f"{day.day:02d}/{day.month:02d}/{day.year}",
             f"{day.day}/{day.month}/{day.year}"]
    if day.month == 1 and day.day == 1:
        forms.append(str(day.year))
    serial = (day - EXCEL_EPOCH).days
    if serial >= _MIN_EXCEL_SERIAL:
        forms.extend([str(serial), f"{serial}.0"])
    return st.sampled_from(forms)


def _interval_cell(interval: Interval) -> st.SearchStrategy[str]:
    start, end = interval.start.isoformat(), interval.end.isoformat()
    return st.sampled_from([f"{start}/{end}", f"{start} / {end}"])


# --- frames ------------------------------------------------------------------------------


@st.composite
def _frames(draw: st.DrawFn, book: _Book, quotas: tuple[str, ...],
            min_size: int, max_size: int) -> pl.DataFrame:
    rulebook = book.rulebook
    headers = draw(_headers(rulebook))
    rows = draw(st.lists(_frame_row(book, quotas, headers), min_size=min_size,
                         max_size=max_size))
    id_header = rulebook.id_columns[0]
    for index, row in enumerate(rows, start=1):
        row[id_header] = f"N-{index:03d}"
    columns = list(rows[0]) if rows else _frame_columns(rulebook, headers)
    return pl.DataFrame({column: [row[column] for row in rows] for column in columns},
                        schema=dict.fromkeys(columns, pl.String))


@st.composite
def _frame_row(draw: st.DrawFn, book: _Book, quotas: tuple[str, ...],
               headers: Mapping[str, str]) -> dict[str, Any]:
    rulebook = book.rulebook
    nominated = draw(_nominations(quotas))
    plan = quota_plan(rulebook, nominated[0])
    modes: list[bool | None] = [*([True] if plan.can_be_eligible else []), None,
                                *([False] if plan.failable else [])]
    eligible = draw(st.sampled_from(modes))
    typed = draw(_typed(book, nominated, "", eligible))
    return draw(_spelled(book, typed, headers))


def _frame_columns(rulebook: CompiledRulebook, headers: Mapping[str, str]) -> list[str]:
    columns = [rulebook.id_columns[0]]
    for name, spec in rulebook.fields.items():
        if spec.yearly:
            columns.extend(headers[name].format(year=year) for year in _years_of(rulebook, name))
        else:
            columns.append(headers[name])
    return [*columns, rulebook.nominations_columns[0]]
