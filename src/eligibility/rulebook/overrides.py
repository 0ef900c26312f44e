"""Changes to a rulebook without editing its files: ``--set``, override files, include ``set:``.

A change names one value of the rulebook by a dotted path and gives its new value::

    quota.tt-tt.seats=30                           a quota's attribute
    quota.pg-abroad.max_age=38                     a quota's value (under ``values:``)
    parameter.postgraduate_age_cap_cong_chuc=45    a parameter (its dated versions replaced)
    parameter.retirement_age.value.male.2028=62y   a part of a parameter
    priority.excellent.points=10 * count(...)      an expression, taken as written
    criterion.age-limit.message.en=Too old         a message, taken as written
    effective.until=2026-12-31                     any other key of the rulebook

Quotas, criteria and priorities are named by id (``quota.tt-tt``), other lists by position
from 0 (``ranking.1.order``). Values are read as YAML (``30`` a number, ``[a, b]`` a list,
``2025-07-01`` a date where a date is expected); conditions, points and messages are taken
as written.

Changes are made to the rulebook's YAML document *before* it is checked, so a changed
rulebook is checked exactly as a written one is, and every problem is reported where the
change was written: the ``--set`` option with a caret, or the line of the override file.

An override file holds a title (shown in the what-if page) and its changes::

    title: {vi: Tăng chỉ tiêu CNTT lên 30 người, en: 30 seats for the IT quota}
    set:
      quota.tt-tt.seats: 30

>>> change = parse_set("quota.tt-tt.seats=30")
>>> change.path, change.value
('quota.tt-tt.seats', 30)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eligibility.errors import Problem, RulebookError, SourceLocation, rulebook_error, suggest
from eligibility.i18n.phrase import Phrase
from eligibility.rulebook.models import Quota, Rulebook, Text
from eligibility.rulebook.source_layers import LayeredSource
from eligibility.rulebook.yaml_source import (
    ScalarSource,
    SourceMap,
    YamlPath,
    parse_yaml,
    read_yaml,
)

SET_OPTION = "--set"
# The section each singular head names, and whether its items are found by id.
_SECTIONS = {"quota": "quotas", "criterion": "criteria", "priority": "priorities",
             "parameter": "parameters", "vocabulary": "vocabularies"}
_BY_ID = ("quotas", "criteria", "priorities", "basis")
_QUOTA_FIELDS = frozenset(Quota.model_fields)
_TOP_LEVEL = tuple(field.alias or name for name, field in Rulebook.model_fields.items())
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_VERBATIM_KEYS = frozenset({"condition", "points"})  # rule-language text, never YAML-read
_VERSIONED = {"criteria": ("condition", "message"), "priorities": ("points",)}
# The message for an id (a section found by id) or a name (found by name) no item has.
_NO_ID = {"quotas": "overrides.no_quota_id", "criteria": "overrides.no_criterion_id",
          "priorities": "overrides.no_priority_id", "basis": "overrides.no_legal_text_id"}
_NO_NAME = {"parameters": "overrides.no_parameter", "vocabularies": "overrides.no_vocabulary"}


@dataclass(frozen=True)
class Change:
    """One change: a dotted path into the rulebook, its new value, and where it was written.

    ``at`` is the path of the value inside ``source`` (for errors about the value) and
    ``key_at`` the path of the dotted path itself (for errors about the path).
    """

    path: str
    value: Any
    source: SourceMap
    at: YamlPath
    key_at: YamlPath

    @property
    def segments(self) -> list[str]:
        return self.path.split(".")

    def describe(self) -> str:
        """The change as one would type it: ``quota.tt-tt.seats=30``."""
        return f"{self.path}={_show(self.value)}"

    def path_location(self, segment: int = 0) -> SourceLocation:
        """The location of the ``segment``-th part of the path (0 = its start)."""
        where = self.source.location(self.key_at)
        written = self.source.positions.get(self.key_at)
        quote = 1 if written is not None and written.style in ("'", '"') else 0
        offset = sum(len(part) + 1 for part in self.segments[:segment]) + quote
        return SourceLocation(where.file, where.line, where.column + offset, where.source_line)


@dataclass(frozen=True)
class Overrides:
    """The changes asked for on the command line or in override files, in order."""

    changes: tuple[Change, ...] = ()
    title: Text | None = None  # the title of the (last) override file that gives one
    files: tuple[Path, ...] = ()  # the override files read

    def describe(self) -> list[str]:
        return [change.describe() for change in self.changes]

    def __bool__(self) -> bool:
        return bool(self.changes)


def parse_set(text: str, *, index: int = 0, texts: Sequence[str] | None = None) -> Change:
    """A ``--set PATH=VALUE`` option as a change.

    ``texts`` are all the ``--set`` options given (each shown as its own line in errors,
    ``index`` being this one's); raises :class:`RulebookError` when ``text`` has no ``=``
    or its value is not valid YAML.
    """
    lines = list(texts) if texts is not None else [text]
    source = SourceMap(file=SET_OPTION, lines=lines)
    path, equals, value_text = text.partition("=")
    source.positions[(index, "<key>")] = ScalarSource(index, 0, None, index)
    source.positions[(index,)] = ScalarSource(index, len(path) + 1, None, index)
    if not equals or not path.strip():
        raise rulebook_error([Problem(
            Phrase("overrides.path_equals_value"), source.location((index, "<key>")),
            expected=Phrase("overrides.path_equals_value_expected"))])
    path = path.strip()
    segments = path.split(".")
    value = value_text if _verbatim(segments) else _yaml_value(value_text, source, index)
    return Change(path, value, source, (index,), (index, "<key>"))


def parse_sets(texts: Sequence[str]) -> list[Change]:
    """Every ``--set`` option as a change; all problems are reported together."""
    changes, problems = [], []
    for index, text in enumerate(texts):
        try:
            changes.append(parse_set(text, index=index, texts=texts))
        except RulebookError as error:
            problems.extend(error.problems)
    if problems:
        raise rulebook_error(problems)
    return changes


def changes_from_mapping(mapping: Mapping[str, Any], source: SourceMap,
                         at: YamlPath) -> list[Change]:
    """The changes written as a YAML mapping (``set:``) found at ``at`` in ``source``."""
    return [Change(str(path), value, source, (*at, path), (*at, path, "<key>"))
            for path, value in mapping.items()]


def changes_from_values(values: Mapping[str, Any]) -> list[Change]:
    """Changes given as Python values by a library caller: ``{"quota.tt-tt.seats": 30}``."""
    lines = [f"{path}={_show(value)}" for path, value in values.items()]
    source = SourceMap(file="<changes>", lines=lines)
    changes = []
    for index, (path, value) in enumerate(values.items()):
        source.positions[(index, "<key>")] = ScalarSource(index, 0, None, index)
        source.positions[(index,)] = ScalarSource(index, len(str(path)) + 1, None, index)
        changes.append(Change(str(path), value, source, (index,), (index, "<key>")))
    return changes


def read_override_file(path: Path) -> tuple[Text | None, list[Change]]:
    """An override file: its title, if any, and its changes (``set:``)."""
    document, source = read_yaml(path)
    problems: list[Problem] = []
    if not isinstance(document, dict):
        raise rulebook_error([Problem(
            Phrase("overrides.file_not_mapping"), source.location(()),
            expected=Phrase("overrides.set_expected"))])
    for key in document:
        if key not in ("title", "set"):
            problems.append(Problem(Phrase("overrides.unknown_key", key=key),
                                    source.location((key, "<key>")),
                                    expected=Phrase("overrides.keys_expected"),
                                    suggestion=suggest(str(key), ["title", "set"])))
    changes = document.get("set")
    if not isinstance(changes, dict) or not changes:
        problems.append(Problem(Phrase("overrides.set_not_mapping"), source.location(("set",)),
                                expected=Phrase("overrides.set_expected")))
    title = document.get("title")
    if title is not None and not (isinstance(title, dict) and set(title) == {"vi", "en"}
                                  and all(isinstance(text, str) for text in title.values())):
        problems.append(Problem(Phrase("overrides.title"), source.location(("title",)),
                                expected=Phrase("overrides.title_expected")))
    if problems:
        raise rulebook_error(problems)
    assert isinstance(changes, dict)
    return (Text(**title) if title else None), changes_from_mapping(changes, source, ("set",))


def read_overrides(sets: Sequence[str] = (), files: Sequence[Path] = ()) -> Overrides:
    """The changes of ``--override FILE`` options (in order), then of ``--set`` options."""
    changes: list[Change] = []
    title = None
    for path in files:
        file_title, file_changes = read_override_file(path)
        title = file_title or title
        changes.extend(file_changes)
    changes.extend(parse_sets(sets))
    return Overrides(tuple(changes), title, tuple(files))


def apply_changes(document: dict[str, Any], source: LayeredSource,
                  origins: dict[tuple[str, str], Any], changes: Iterable[Change]) -> None:
    """Make ``changes`` to ``document`` in order, and point errors in them at their source.

    ``origins`` (section, name) → where a vocabulary or parameter was written (see
    :class:`~eligibility.rulebook.loader.Origin`) is updated for changed ones. Raises
    :class:`RulebookError` listing every path that names nothing in the rulebook.
    """
    problems: list[Problem] = []
    for change in changes:
        try:
            target = _apply(document, change)
        except _PathProblem as problem:
            problems.append(Problem(problem.message, change.path_location(problem.segment),
                                    expected=problem.expected, suggestion=problem.suggestion,
                                    kind="name"))
            continue
        _record_source(target, change, source, origins)
    if problems:
        raise rulebook_error(problems)


class _PathProblem(Exception):
    def __init__(self, message: Phrase, segment: int, *, expected: Phrase | None = None,
                 suggestion: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.segment = segment
        self.expected = expected
        self.suggestion = suggestion


def _apply(document: dict[str, Any], change: Change) -> YamlPath:
    """Set the value; return the path in the merged document that was set."""
    segments = change.segments
    for number, segment in enumerate(segments):
        if not _SEGMENT.fullmatch(segment):
            raise _PathProblem(Phrase("overrides.bad_segment", segment=segment), number,
                               expected=Phrase("overrides.path_expected"))
    head = segments[0]
    section = _SECTIONS.get(head, head)
    if section not in _TOP_LEVEL or section == "include":
        raise _PathProblem(Phrase("overrides.nothing_named", head=head), 0,
                           expected=Phrase("overrides.head_expected"),
                           suggestion=None if section == "include"
                           else suggest(head, [*_SECTIONS, *_TOP_LEVEL]))
    path: list[str | int] = [section]
    node: Any = document.get(section)
    rest = segments[1:]
    if not rest and head not in _SECTIONS:  # a top-level value: version, ranking, ...
        document[section] = change.value
        return (section,)
    if section == "parameters" and len(rest) == 1:
        return _replace_parameter(document, rest[0], change)
    for number, segment in enumerate(rest, start=1):
        last = number == len(segments) - 1
        if node is None and not last:
            raise _PathProblem(Phrase("overrides.nothing_inside",
                                      path=".".join(segments[:number])), number)
        key = _key(node, segment, number, path, change)
        if isinstance(node, dict) and path[0] == "quotas" and len(path) == 2:
            key = _quota_key(node, str(key), number)
            if isinstance(key, tuple):  # a quota value: values.<name>
                node = node.setdefault("values", {})
                path.append("values")
                key = key[1]
        _check_versioned(node, path, key, number, segments)
        if last:
            _set(node, key, change.value, number)
            path.append(key)
            return tuple(path)
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
        path.append(key)
    raise _PathProblem(Phrase("overrides.name_what", head=head), 0,
                       expected=Phrase("overrides.name_what_expected", head=head))


def _key(node: Any, segment: str, number: int, path: list[str | int],
         change: Change) -> str | int:
    if isinstance(node, list):
        if len(path) == 1 and path[0] in _BY_ID:
            ids = [item.get("id") for item in node if isinstance(item, dict)]
            if segment in ids:
                return ids.index(segment)
            raise _PathProblem(Phrase(_NO_ID[str(path[0])], id=segment), number,
                               suggestion=suggest(segment, [str(i) for i in ids]))
        if segment.isdigit() and int(segment) < len(node):
            return int(segment)
        raise _PathProblem(Phrase("overrides.not_a_position", segment=segment,
                                  last=len(node) - 1), number)
    if isinstance(node, dict):
        if len(path) == 1 and path[0] in ("parameters", "vocabularies") and segment not in node:
            raise _PathProblem(Phrase(_NO_NAME[str(path[0])], name=segment), number,
                               suggestion=suggest(segment, [str(name) for name in node]))
        return int(segment) if segment.isdigit() and int(segment) in node else segment
    raise _PathProblem(Phrase("overrides.single_value", path=".".join(change.segments[:number]),
                              segment=segment), number)


def _quota_key(quota: dict[str, Any], key: str, number: int) -> str | tuple[str, str]:
    """A quota attribute, or ('values', name) for a quota value named directly."""
    if key in _QUOTA_FIELDS:
        return key
    values = quota.get("values") or {}
    if key in values:
        return ("values", key)
    raise _PathProblem(Phrase("overrides.quota_has_no", quota=str(quota.get("id")), key=key),
                       number, expected=Phrase("overrides.quota_key_expected", key=key,
                                       attributes=", ".join(["seats", "budget", "start"])),
                       suggestion=suggest(key, [*_QUOTA_FIELDS, *values]))


def _check_versioned(node: Any, path: list[str | int], key: str | int, number: int,
                     segments: list[str]) -> None:
    """A rule with dated versions is changed version by version."""
    if len(path) != 2 or path[0] not in _VERSIONED or not isinstance(node, dict):
        return
    if node.get("versions") is not None and key in _VERSIONED[str(path[0])]:
        head = ".".join(segments[:number])
        raise _PathProblem(Phrase("overrides.has_versions", id=str(node.get("id"))), number,
                           expected=Phrase("overrides.versions_expected", head=head, key=key))


def _set(node: Any, key: str | int, value: Any, number: int) -> None:
    if isinstance(node, list):
        assert isinstance(key, int)
        node[key] = value
    elif isinstance(node, dict):
        node[key] = value
    else:
        raise _PathProblem(Phrase("overrides.no_parts"), number)


def _replace_parameter(document: dict[str, Any], name: str, change: Change) -> YamlPath:
    parameters = document.get("parameters") or {}
    if name not in parameters:
        raise _PathProblem(Phrase("overrides.no_parameter", name=name), 1,
                           suggestion=suggest(name, list(parameters)))
    current = parameters[name] if isinstance(parameters[name], dict) else {}
    kept = {key: value for key, value in current.items() if key not in ("value", "versions")}
    parameters[name] = {**kept, "value": change.value}
    document["parameters"] = parameters
    return ("parameters", name, "value")


def _record_source(target: YamlPath, change: Change, source: LayeredSource,
                   origins: dict[tuple[str, str], Any]) -> None:
    key = (str(target[0]), str(target[1])) if len(target) >= 2 else None
    if key is not None and key in origins and target[0] in ("parameters", "vocabularies"):
        origin = origins[key]
        layered = LayeredSource.over(origin.source)
        layered.redirect((*origin.path, *target[2:]), change.source, change.at)
        origins[key] = type(origin)(layered, origin.path)
        if target[0] == "parameters" and target[2:] == ("value",):
            # the versions are gone: errors about the parameter point at the change
            layered.redirect(tuple(origin.path), change.source, change.at)
        return
    source.redirect(target, change.source, change.at)


def _verbatim(segments: list[str]) -> bool:
    return segments[-1] in _VERBATIM_KEYS or (len(segments) >= 2 and segments[-2] == "message")


def _yaml_value(text: str, source: SourceMap, index: int) -> Any:
    try:
        value, _ = parse_yaml(text, SET_OPTION)
    except RulebookError as error:
        raise rulebook_error([Problem(Phrase("overrides.value_not_yaml",
                                             problem=error.first.message),
                                      source.location((index,)),
                                      expected=Phrase("overrides.value_expected"))]) from None
    return None if value == {} and not text.strip() else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_show(item)}" for key, item in value.items()) + "}"
    return str(value)


__all__ = ["SET_OPTION", "Change", "Overrides", "apply_changes", "changes_from_mapping",
           "changes_from_values", "parse_set", "parse_sets", "read_override_file",
           "read_overrides"]
