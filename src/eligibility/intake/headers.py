"""Match a file's headers to the rulebook's fields, as officials write them.

A header stands for a field when it is the field's column or one of its aliases, or — ignoring
case, spaces, punctuation and diacritics — any of those or the field's title in either
language (``Họ và tên``, ``Ngày sinh``, ``Date of birth``). A yearly field's columns follow
its pattern (``rating_2022``) or its title followed by the year (``Xếp loại chất lượng năm
2022``). A header that could stand for two fields, or two headers for one field, refuse the
file naming the columns; so does a missing column that is required or that a rule reads
(unless the rulebook says it ``may_be_absent``), with a "did you mean" among the headers left
over.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Final

from eligibility.errors import InputError
from eligibility.intake.identity import strip_invisible, visible
from eligibility.intake.needs import ANY_YEAR, FieldNeeds, Rule, field_needs
from eligibility.intake.table import column_label
from eligibility.intake.wording import say
from eligibility.rulebook.compiled import CompiledRulebook, FieldSpec
from eligibility.rulebook.models import Text
from eligibility.text import match_key

__all__ = ["ID", "NOMINATIONS", "ColumnMap", "HeaderIndex", "header_key"]

ID: Final = "<id>"
NOMINATIONS: Final = "<nominations>"
_WORD: Final = re.compile(r"[^\W_]+")
_SUGGEST_CUTOFF: Final = 0.75


def header_key(text: str) -> str:
    """The key under which two headers are the same: words only, no case or diacritics.

    >>> header_key("Họ và tên") == header_key("HO VA TEN") == header_key("ho_va_ten")
    True
    >>> header_key("Cơ quan, đơn vị cử")
    'co quan don vi cu'
    """
    return " ".join(_WORD.findall(match_key(strip_invisible(text))))


@dataclass(frozen=True)
class _Target:
    """Something a column feeds: the id, the nominations or a field."""

    name: str  # ID, NOMINATIONS or the field's name
    column: str  # the header messages name
    exact: tuple[str, ...]  # column and aliases, as written (patterns for a yearly field)
    titles: tuple[Text, ...]
    required: bool
    yearly: bool = False
    may_be_absent: bool = False

    @property
    def keys(self) -> set[str]:
        return {header_key(text) for text in (*self.exact, *self._title_texts())}

    def _title_texts(self) -> list[str]:
        return [text for title in self.titles for text in (title.vi, title.en)]

    def year_patterns(self) -> list[re.Pattern[str]]:
        """Regexes over header keys that capture the year of a yearly column."""
        patterns = []
        for column in self.exact:
            before, _, after = column.partition("{year}")
            patterns.append(_year_pattern(header_key(before), header_key(after)))
        patterns += [_year_pattern(header_key(text), "") for text in self._title_texts()]
        return patterns


def _year_pattern(before: str, after: str) -> re.Pattern[str]:
    head = f"{re.escape(before)} ?" if before else ""
    tail = f" ?{re.escape(after)}" if after else ""
    return re.compile(f"{head}([0-9]{{4}}){tail}")


@dataclass(frozen=True)
class ColumnMap:
    """Which input column feeds which field."""

    id: str
    nominations: str
    fields: dict[str, str]  # field -> header (non-yearly)
    yearly: dict[str, dict[int, str]]  # field -> year -> header
    missing_optional: tuple[str, ...]  # fields whose column is absent: each row's default
    ignored: tuple[str, ...]  # headers no field reads, in file order


@dataclass
class _Matches:
    single: dict[str, int] = field(default_factory=dict)  # target -> header index
    yearly: dict[str, dict[int, int]] = field(default_factory=dict)  # target -> year -> index


class HeaderIndex:
    """The headers a rulebook accepts for each field, and the columns its rules read."""

    def __init__(self, rulebook: CompiledRulebook) -> None:
        candidate = rulebook.model.candidate
        self._targets = [
            _Target(ID, rulebook.id_columns[0], rulebook.id_columns,
                    _titles(candidate.id.title), required=True),
            _Target(NOMINATIONS, rulebook.nominations_columns[0], rulebook.nominations_columns,
                    _titles(candidate.nominations.title), required=True),
            *(_field_target(spec) for spec in rulebook.fields.values()),
        ]
        self._by_name = {target.name: target for target in self._targets}
        self._by_exact = {text: target for target in reversed(self._targets)
                          if not target.yearly for text in target.exact}
        self._by_key: dict[str, list[_Target]] = {}
        for target in self._targets:
            if not target.yearly:
                for key in target.keys:
                    self._by_key.setdefault(key, []).append(target)
        self._patterns = [(target, pattern) for target in self._targets if target.yearly
                          for pattern in target.year_patterns()]
        self._needs = field_needs(rulebook)

    def score(self, headers: list[str]) -> int:
        """How many of ``headers`` stand for some field (to tell separators apart)."""
        return sum(1 for header in headers if self._targets_of(header)[0])

    def match(self, headers: list[str], *, source: str, language: str, layout: str = "",
              refuse_unread: bool = True) -> ColumnMap:
        """The column of each field; raise :class:`InputError` for what cannot be used.

        ``layout`` is added to a missing-column error (how the file was split into columns).
        With ``refuse_unread=False`` a column that rules read may be absent.
        """
        matches = _Matches()
        taken: dict[tuple[str, int | None], int] = {}
        for index, header in enumerate(headers):
            targets, year = self._targets_of(header)
            if len(targets) > 1:
                raise InputError(say("intake.ambiguous_header", language,
                                     column=column_label(index, header, language),
                                     first=targets[0].column, second=targets[1].column),
                                 file=source, column=header)
            if not targets:
                continue
            target = targets[0]
            slot = (target.name, year)
            if slot in taken:
                first = taken[slot]
                shown = target.column.replace("{year}", str(year)) if year else target.column
                raise InputError(say("intake.same_field_twice", language,
                                     first=column_label(first, headers[first], language),
                                     second=column_label(index, header, language),
                                     field=shown), file=source, column=header)
            taken[slot] = index
            if year is None:
                matches.single[target.name] = index
            else:
                matches.yearly.setdefault(target.name, {})[year] = index
        self._refuse_missing(headers, matches, source, language, layout, refuse_unread)
        return self._column_map(headers, matches)

    def _targets_of(self, header: str) -> tuple[list[_Target], int | None]:
        exact = self._by_exact.get(header)
        if exact is not None:
            return [exact], None
        key = header_key(header)
        found = self._by_key.get(key, [])
        if found:
            return found, None
        for target, pattern in self._patterns:
            year = pattern.fullmatch(key)
            if year:
                return [target], int(year.group(1))
        return [], None

    def _column_map(self, headers: list[str], matches: _Matches) -> ColumnMap:
        used = set(matches.single.values()) | {index for years in matches.yearly.values()
                                               for index in years.values()}
        fields = {name: headers[index] for name, index in matches.single.items()
                  if name not in (ID, NOMINATIONS)}
        yearly = {target.name: {year: headers[index] for year, index
                                in sorted(matches.yearly.get(target.name, {}).items())}
                  for target in self._targets if target.yearly}
        absent = tuple(target.column for target in self._targets
                       if not target.yearly and target.name not in matches.single)
        return ColumnMap(headers[matches.single[ID]], headers[matches.single[NOMINATIONS]],
                         fields, yearly, absent,
                         tuple(header for index, header in enumerate(headers)
                               if index not in used))

    def _refuse_missing(self, headers: list[str], matches: _Matches, source: str,
                        language: str, layout: str, refuse_unread: bool) -> None:
        used = set(matches.single.values()) | {index for years in matches.yearly.values()
                                               for index in years.values()}
        left = [header for index, header in enumerate(headers) if index not in used]
        required = [self._hinted(target, target.column, left, language)
                    for target in self._targets
                    if target.required and not target.yearly and target.name not in matches.single]
        if required:
            raise InputError(say("intake.missing_required", language,
                                 columns=", ".join(required),
                                 header=_shown_headers(headers, language),
                                 layout=layout),
                             file=source, column=required[0])
        read = self._missing_read(matches, left, language) if refuse_unread else []
        if read:
            raise InputError(say("intake.missing_read_by_rules", language,
                                 columns="; ".join(read)), file=source)

    def _missing_read(self, matches: _Matches, left: list[str], language: str) -> list[str]:
        """The absent columns a criterion reads. A column only priorities read may be absent
        (every row then takes the field's default, with a warning): it changes points, never
        who is eligible."""
        missing: list[str] = []
        for name, every_need in self._needs.items():
            needs = _criteria_only(every_need)
            target = self._by_name.get(name)
            if target is None or target.may_be_absent or not needs.by_year:
                continue
            if not target.yearly:
                if name not in matches.single:
                    column = self._hinted(target, target.column, left, language)
                    missing.append(_read_by(column, needs.by_year.get(None, []), language))
                continue
            present = matches.yearly.get(name, {})
            for year, rules in sorted(needs.by_year.items(), key=lambda item: item[0] or 0):
                if year == ANY_YEAR and not present:
                    column = say("intake.any_year", language,
                                 column=target.column.replace("{year}", "YYYY"))
                    missing.append(_read_by(column, rules, language))
                elif year is not None and year != ANY_YEAR and year not in present:
                    column = target.column.replace("{year}", str(year))
                    missing.append(_read_by(column, rules, language))
        return missing

    def _hinted(self, target: _Target, column: str, left: list[str], language: str) -> str:
        """``column``, with a "did you mean" when a header left over is close to it."""
        best, score = None, _SUGGEST_CUTOFF
        for header in left:
            key = header_key(header)
            for wanted in target.keys:
                ratio = difflib.SequenceMatcher(None, key, wanted).ratio()
                if ratio >= score:
                    best, score = header, ratio
        if best is None:
            return column
        return say("intake.missing_column_hint", language, column=column, header=visible(best))


def _shown_headers(headers: list[str], language: str) -> str:
    """The header as an error quotes it: control characters visible, a long one cut."""
    if not headers:
        return say("intake.header_empty", language)
    shown = ", ".join(visible(header) for header in headers[:_SHOWN_HEADERS])
    if len(headers) <= _SHOWN_HEADERS:
        return shown
    return say("intake.listing_more", language, shown=shown, count=len(headers))


_SHOWN_HEADERS: Final = 60


def _criteria_only(needs: FieldNeeds) -> FieldNeeds:
    kept = FieldNeeds()
    for year, rules in needs.by_year.items():
        for rule in rules:
            if rule.kind == "criterion":
                kept.add(year, rule)
    return kept


def _read_by(column: str, rules: list[Rule], language: str) -> str:
    named = ", ".join(say(f"intake.rule_{rule.kind}", language, id=rule.id,
                          title=rule.title.get(language)) for rule in rules)
    return say("intake.missing_column_rules", language, column=column, rules=named)


def _titles(title: Text | None) -> tuple[Text, ...]:
    return () if title is None else (title,)


def _field_target(spec: FieldSpec) -> _Target:
    return _Target(spec.name, spec.columns[0], spec.columns, _titles(spec.title),
                   required=spec.required, yearly=spec.yearly,
                   may_be_absent=spec.may_be_absent)
