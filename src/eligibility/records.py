"""One reader for records given to the library: typed values or text cells, one set of rules.

:func:`eligibility.evaluate`, live sessions (:mod:`eligibility.session`) and the YAML test
cases (:mod:`eligibility.testing.cases`) all read a record through :func:`read_nominee`:

* Keys are field names, or any header a nominee file may use for them (the rulebook's column
  and aliases; a yearly field also as ``rating_2022``). ``id``/``candidate_id`` and
  ``nominated_for`` (or their declared columns) name the person and their quotas.
* A value may be **typed** — ``datetime.date``, ``bool``, ``int``/``float``, a vocabulary
  code, :class:`~eligibility.language.values.Interval`, a list, a yearly field as
  ``{year: value}``, quotas as a list — or **text**, read by the same parsers as a file's
  cells (``"17/05/1990"``, ``"Nữ"``, ``"HTXSNV"``, ``"tai-chinh;pg-abroad"``). A
  ``datetime`` at midnight is its date; a time of day is refused, as in a spreadsheet. A
  typed value of the wrong type (``birth_date=1990``) is refused: write ``"1990"`` to mean
  a bare year, as in a file.
* A key that is not a field but looks like a misspelt one (``birthdate``) is refused with a
  suggestion; any other key is kept aside and ignored, as a file's extra columns are.
* Empty values (``None``, blank text) take the field's default; a required field without a
  value, or a value that cannot be read, raises :class:`~eligibility.errors.RecordError`
  naming the field, worded in the caller's language (Vietnamese by default).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eligibility.errors import RecordError, suggest
from eligibility.frames import CANDIDATE, language_value
from eligibility.i18n import DEFAULT_LANGUAGE, t
from eligibility.language.domain import DATA_DATE_MAX, DATA_DATE_MIN, INT_MAX, INT_MIN
from eligibility.language.types import (
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    TEXT,
    EnumType,
    ListType,
    Type,
)
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec
from eligibility.text import match_key, nfc, strip

__all__ = ["Nominee", "read_nominee"]

_MISSPELT = 0.8  # how close an unknown key must be to a field name to be taken as a typo


@dataclass(frozen=True)
class Nominee:
    """A person read from a record: typed field values and nominations, most wanted first."""

    id: str
    values: Mapping[str, Any]  # every non-yearly field (defaults applied)
    yearly: Mapping[str, Mapping[int, Any]]
    quotas: tuple[str, ...]
    extras: Mapping[str, Any] = field(default_factory=dict)  # keys that are not fields

    def record(self) -> dict[str, Any]:
        """The nominee as the engines read it (``id``, fields, yearly ``{year: value}``)."""
        return {"id": self.id, CANDIDATE: self.id, **self.values,
                **{name: {year: value for year, value in years.items() if value is not None}
                   for name, years in self.yearly.items()}}


def read_nominee(rulebook: CompiledRulebook, record: Mapping[str, Any], *,
                 language: str = DEFAULT_LANGUAGE) -> Nominee:
    """Read and check ``record`` against ``rulebook`` (see the module's rules); errors are
    worded in ``language``."""
    if not isinstance(record, Mapping):
        raise RecordError(t("record.not_a_mapping", language, kind=type(record).__name__),
                          field="record", value=record)
    reader = _Reader(rulebook, language)
    extras = {str(key): value for key, value in record.items() if reader.is_extra(str(key))}
    nominee_id = reader.identity(record)
    quotas = reader.nominations(record)
    values = {name: reader.field(name, reader.given(record, name))
              for name, spec in rulebook.fields.items() if not spec.yearly}
    yearly = {name: years for name, spec in rulebook.fields.items() if spec.yearly
              for years in [reader.years(name, record)] if years}
    return Nominee(nominee_id, values, yearly, quotas, extras)


class _Reader:
    """Reads one record's values, each by its field's declared type."""

    def __init__(self, rulebook: CompiledRulebook, language: str) -> None:
        self.rulebook = rulebook
        self.language = language
        self.patterns = {name: [re.compile(re.escape(pattern).replace(re.escape("{year}"),
                                                                          r"(\d{4})"))
                                for pattern in spec.columns]
                         for name, spec in rulebook.fields.items() if spec.yearly}
        self.known = {*rulebook.id_columns, *rulebook.nominations_columns, CANDIDATE,
                      *rulebook.fields,
                      *(column for spec in rulebook.fields.values() if not spec.yearly
                        for column in spec.columns)}

    def is_extra(self, key: str) -> bool:
        """Whether ``key`` is not a field; raises when it looks like a misspelt one."""
        if key in self.known or self._yearly_key(key) is not None:
            return False
        close = suggest(key, sorted(self.known), key=match_key, cutoff=_MISSPELT)
        if close:
            raise RecordError(t("record.misspelt_key", self.language, key=key,
                                rulebook=self.rulebook.id, close=close), field=key)
        return True

    def _yearly_key(self, key: str) -> tuple[str, int] | None:
        for name, patterns in self.patterns.items():
            for pattern in patterns:
                match = pattern.fullmatch(key)
                if match:
                    return name, int(match.group(1))
        return None

    def given(self, record: Mapping[str, Any], name: str) -> Any:
        for key in (name, *self.rulebook.fields[name].columns):
            if key in record:
                return record[key]
        return None

    def identity(self, record: Mapping[str, Any]) -> str:
        name = self.rulebook.id_columns[0]
        value = next((record[key] for key in (*self.rulebook.id_columns, CANDIDATE, "id")
                      if key in record), None)
        if not isinstance(value, str) or not strip(value):
            raise RecordError(t("record.id_expected", self.language), field=name, value=value)
        return nfc(strip(value))

    def nominations(self, record: Mapping[str, Any]) -> tuple[str, ...]:
        name = self.rulebook.nominations_columns[0]
        value = next((record[key] for key in self.rulebook.nominations_columns
                      if key in record), None)
        if isinstance(value, str):
            value = [item for item in value.split(self.rulebook.nominations_separator)]
        if not isinstance(value, (list, tuple)) or not value:
            raise RecordError(t("record.quotas_expected", self.language), field=name,
                              value=value)
        by_lowercase = {quota_id.lower(): quota_id for quota_id in self.rulebook.quotas}
        quotas: list[str] = []
        for item in value:
            code = by_lowercase.get(strip(item).lower()) if isinstance(item, str) else None
            if code is None:
                close = suggest(str(item), self.rulebook.quotas, key=str.lower)
                hint = t("record.did_you_mean", self.language, close=close) if close else ""
                raise RecordError(t("record.unknown_quota", self.language, item=item,
                                    rulebook=self.rulebook.id, hint=hint),
                                  field=name, value=item)
            if code in quotas:
                raise RecordError(t("record.quota_twice", self.language, code=code),
                                  field=name, value=item)
            quotas.append(code)
        return tuple(quotas)

    def years(self, name: str, record: Mapping[str, Any]) -> dict[int, Any]:
        given = record.get(name)
        years: dict[int, Any] = {}
        if given is not None:
            if not isinstance(given, Mapping):
                raise RecordError(t("record.years_expected", self.language), field=name,
                                  value=given)
            for year, value in given.items():
                if isinstance(year, bool) or not isinstance(year, int):
                    raise RecordError(t("record.year_not_whole", self.language,
                                        year=repr(year)), field=name, value=year)
                years[year] = self.field(name, value, label=f"{name}[{year}]")
        for key, value in record.items():
            found = self._yearly_key(str(key))
            if found is not None and found[0] == name:
                years[found[1]] = self.field(name, value, label=str(key))
        return {year: value for year, value in years.items() if value is not None}

    def field(self, name: str, value: Any, *, label: str | None = None) -> Any:
        """One value of field ``name``: checked if typed, parsed if text; default if empty."""
        spec = self.rulebook.fields[name]
        label = label or name
        if isinstance(value, (list, tuple)) and isinstance(spec.type, ListType) \
                and any(isinstance(item, str) for item in value) \
                and spec.type.item != TEXT:
            value = spec.separator.join("" if item is None else str(item) for item in value)
        if isinstance(value, str) and spec.type != TEXT and not _is_code(value, spec.type):
            value = self._parsed(spec, value, label)
        else:
            value = _checked(spec.type, value, label, self.language)
        if value is None and not spec.yearly:
            value = _default(spec)
        if value is None and spec.required:
            raise RecordError(t("record.required", self.language), field=label)
        return value

    def _parsed(self, spec: FieldSpec, text: str, label: str) -> Any:
        from eligibility.intake.nominees import parse_field

        result = parse_field(pl.Series(label, [text], dtype=pl.String), spec, self.rulebook,
                             language=self.language)
        error = result.errors[0]
        if error is not None:
            raise RecordError(error, field=label, value=text)
        value = result.values[0]
        if isinstance(value, pl.Series):
            value = value.to_list()
        return language_value(value, spec.type)


def _is_code(value: str, kind: Type) -> bool:
    return isinstance(kind, EnumType) and value in kind.codes


def _default(spec: FieldSpec) -> Any:
    if isinstance(spec.type, ListType):
        return list(spec.default or [])
    return spec.default


_EXPECTED: dict[Type, tuple[type | tuple[type, ...], str]] = {
    BOOL: (bool, "record.bool_expected"),
    DATE: (dt.date, "record.date_expected"),
    INTERVAL: (Interval, "record.interval_expected"),
}


def _checked(kind: Type, value: Any, label: str, language: str) -> Any:
    """A typed value checked against ``kind``; raises :class:`RecordError` if it is not one."""
    if value is None:
        return None
    if kind == TEXT:
        if not isinstance(value, str):
            raise RecordError(t("record.text_expected", language, kind=type(value).__name__,
                                value=repr(value)), field=label, value=value)
        return nfc(strip(value)) or None
    if kind in (INT, NUMBER):
        return _checked_number(kind, value, label, language)
    if isinstance(kind, EnumType):
        if value not in kind.codes:
            close = suggest(str(value), kind.codes, key=match_key)
            hint = t("record.did_you_mean", language, close=close) if close else ""
            raise RecordError(t("record.not_a_code", language, value=repr(value),
                                vocabulary=kind.name, codes=", ".join(kind.codes), hint=hint),
                              field=label, value=value)
        return value
    if isinstance(kind, ListType):
        if not isinstance(value, (list, tuple)):
            raise RecordError(t("record.list_expected", language, item=kind.item,
                                value=repr(value)), field=label, value=value)
        return [_checked(kind.item, item, label, language) for item in value]
    if kind == DATE and isinstance(value, dt.datetime):
        if value.time() != dt.time() or value.tzinfo is not None:
            raise RecordError(t("record.time_of_day", language, value=value), field=label,
                              value=value)
        value = value.date()
    expected, key = _EXPECTED.get(kind, (object, "record.text_expected"))
    if not isinstance(value, expected):
        raise RecordError(t(key, language, kind=type(value).__name__, value=repr(value)),
                          field=label, value=value)
    if kind == INTERVAL and value.end < value.start:
        raise RecordError(t("record.ends_before_start", language, value=value), field=label,
                          value=value)
    days = (value,) if kind == DATE else (value.start, value.end) if kind == INTERVAL else ()
    for day in days:
        if not DATA_DATE_MIN <= day <= DATA_DATE_MAX:
            raise RecordError(t("record.date_out_of_range", language, day=day,
                                first=DATA_DATE_MIN, last=DATA_DATE_MAX),
                              field=label, value=value)
    return value


def _checked_number(kind: Type, value: Any, label: str, language: str) -> int | float:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind == INT and not whole:
        raise RecordError(t("record.whole_expected", language, value=repr(value)), field=label,
                          value=value)
    if not whole and not (isinstance(value, float) and math.isfinite(value)):
        raise RecordError(t("record.number_expected", language, value=repr(value)),
                          field=label, value=value)
    if whole and not INT_MIN <= value <= INT_MAX:
        raise RecordError(t("record.whole_too_large", language, value=value), field=label,
                          value=value)
    return value if kind == INT else float(value)
