"""Strict YAML reading that keeps the position of every value, within declared limits.

PyYAML's safe loader silently keeps the last of two duplicate keys, reads ``no`` as false,
``0123`` as 83 and ``2024-01-05`` as a date. Here only the YAML parser's events are used and
plain scalars are resolved by this module alone: decimal integers (``11_000_000_000``
allowed, within 64 bits), finite decimals, ``true``/``false``, ``null``/``~``/empty;
everything else, dates and codes included, stays text for the rulebook models to read.
Duplicate keys are refused with their position.

Values are built from the events without recursion, checking the limits of
:class:`~eligibility.rulebook.limits.RulebookLimits` as they go: nesting depth, aliases and
the values they stand for (an "alias bomb" is refused, not expanded), a value that contains
itself. Characters YAML does not allow (a NUL byte, other control characters) are refused
with their line and column before parsing.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml

from eligibility.errors import Problem, SourceLocation, rulebook_error
from eligibility.rulebook.limits import DEFAULT_LIMITS, RulebookLimits
from eligibility.rulebook.source_files import (
    SourceFileError,
    SourceFileTooLarge,
    read_source_bytes,
)

YamlPath = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9_]*)\.[0-9]+")
_NULL = {"", "~", "null"}
_BOOL = {"true": True, "false": False}
_ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                 ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_MAX_DIGITS = 19  # 2**63 has 19 digits: longer numbers are refused before conversion
# What the YAML specification does not allow in a file (its "non-printable" characters).
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHARACTER_NAMES = {"\x00": "a NUL byte", "\x1b": "an escape character", "\x7f": "a DEL character"}
# libyaml's parser when PyYAML was built with it (it is in PyYAML's wheels): the same events
# as the pure-Python parser, ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ScalarSource:
    """Where a scalar's text starts and how it is written, to place carets inside it."""

    line: int  # 0-based
    column: int  # 0-based
    style: str | None  # None (plain), "'", '"', "|" or ">"
    end_line: int


@dataclass
class SourceMap:
    """The text of one YAML file and the position of every value in it, by path."""

    file: str
    lines: list[str]
    positions: dict[YamlPath, ScalarSource] = field(default_factory=dict)
    sha256: str = ""  # of the bytes read, when read from a file

    def location(self, path: YamlPath) -> SourceLocation:
        """The location of the value at ``path``, or of its nearest located parent."""
        probe = path
        while probe not in self.positions and probe:
            probe = probe[:-1]
        source = self.positions.get(probe)
        if source is None:
            return SourceLocation(self.file, 1, 1, self._line(0))
        return SourceLocation(self.file, source.line + 1, source.column + 1,
                              self._line(source.line))

    def location_in_scalar(self, path: YamlPath, line: int, offset: int) -> SourceLocation:
        """The location of character ``offset`` of line ``line`` (1-based) of a scalar's text."""
        source = self.positions.get(path)
        if source is None:
            return self.location(path)
        if source.style in ("|", ">"):
            return self._in_block(source, line, offset)
        if source.end_line > source.line:
            return self._in_folded_flow(source, offset)
        column = source.column + offset + (1 if source.style in ("'", '"') else 0)
        return SourceLocation(self.file, source.line + 1, column + 1, self._line(source.line))

    def _in_block(self, source: ScalarSource, line: int, offset: int) -> SourceLocation:
        # Block scalars start on the line after the indicator; their text is indented.
        content = [i for i in range(source.line + 1, source.end_line + 1) if self._line(i).strip()]
        if not content:
            return SourceLocation(self.file, source.line + 1, source.column + 1,
                                  self._line(source.line))
        row = content[min(line - 1, len(content) - 1)] if source.style == "|" else content[0]
        text = self._line(row)
        indent = len(text) - len(text.lstrip(" "))
        if source.style == ">":
            return self._walk_lines(content, indent, offset)
        return SourceLocation(self.file, row + 1, indent + offset + 1, text)

    def _in_folded_flow(self, source: ScalarSource, offset: int) -> SourceLocation:
        first = self._line(source.line)
        start = source.column + (1 if source.style in ("'", '"') else 0)
        first_part = first[start:].rstrip()
        if offset <= len(first_part):
            return SourceLocation(self.file, source.line + 1, start + offset + 1, first)
        remaining = offset - len(first_part) - 1
        rows = list(range(source.line + 1, source.end_line + 1))
        text = self._line(rows[0]) if rows else first
        indent = len(text) - len(text.lstrip(" "))
        return self._walk_lines(rows, indent, remaining)

    def _walk_lines(self, rows: list[int], indent: int, offset: int) -> SourceLocation:
        for row in rows:
            text = self._line(row)
            content = text.strip()
            if offset <= len(content):
                column = len(text) - len(text.lstrip(" ")) + offset
                return SourceLocation(self.file, row + 1, column + 1, text)
            offset -= len(content) + 1
        last = rows[-1]
        return SourceLocation(self.file, last + 1, indent + 1, self._line(last))

    def _line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""


def read_yaml(path: Path, limits: RulebookLimits = DEFAULT_LIMITS) -> tuple[Any, SourceMap]:
    """Read ``path`` strictly, within ``limits``: plain values and where each one is."""
    display = str(path)
    try:
        raw = read_source_bytes(path, limits.max_file_bytes)
    except SourceFileTooLarge as error:
        raise rulebook_error([Problem(
            f"the file is too large: {error}", SourceLocation(display, 1, 1), kind="yaml",
            expected="move shared parts into files named under 'include:' (each file has its "
                     "own limit), or raise the limit in a program: load_rulebook(path, "
                     "limits=RulebookLimits(max_file_bytes=...))")]) from None
    except SourceFileError as error:
        raise rulebook_error([Problem(f"cannot read the file: {error}",
                                      SourceLocation(display, 1, 1), kind="yaml")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise rulebook_error([Problem("the file is not valid UTF-8; save it as UTF-8",
                                      SourceLocation(display, line, 1), kind="yaml")]) from None
    value, source_map = parse_yaml(text, display, limits)
    source_map.sha256 = hashlib.sha256(raw).hexdigest()
    return value, source_map


def parse_yaml(text: str, file: str,
               limits: RulebookLimits = DEFAULT_LIMITS) -> tuple[Any, SourceMap]:
    """Parse YAML ``text`` (named ``file`` in errors) into plain values and a source map.

    The text is read event by event, never recursively; a limit of ``limits`` is checked as
    soon as it is passed, so a refused file costs no more than the part read before it.
    """
    source_map = SourceMap(file=file, lines=text.splitlines())
    forbidden = _FORBIDDEN.search(text)
    if forbidden is not None:
        raise rulebook_error([_forbidden_character(text, forbidden.start(), source_map)])
    builder = _Builder(source_map, limits)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        message = f"YAML syntax: {error.problem or error.context}"
        if "maximum nesting depth" in str(error.problem):  # libyaml's own bound, over ours
            message = _too_deep(limits)
        raise rulebook_error([Problem(message, SourceLocation(
            file, line + 1, column + 1, source_map._line(line)), kind="yaml")]) from None
    except yaml.YAMLError as error:
        raise rulebook_error([Problem(f"YAML syntax: {error}", SourceLocation(file, 1, 1),
                                      kind="yaml")]) from None
    if builder.problems:
        raise rulebook_error(builder.problems)
    return ({} if builder.root is None else builder.root), source_map


def _too_deep(limits: RulebookLimits) -> str:
    return (f"mappings and lists are nested more than {limits.max_depth} deep, the limit for "
            f"a rulebook file (max_depth)")


def _forbidden_character(text: str, index: int, source_map: SourceMap) -> Problem:
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    shown = _FORBIDDEN.sub(lambda match: _visible(match.group()), source_map._line(line))
    name = _CHARACTER_NAMES.get(text[index], "a control character")
    return Problem(f"the file holds {name} (U+{ord(text[index]):04X}), which a YAML file may "
                   f"not contain", SourceLocation(source_map.file, line + 1, column + 1, shown),
                   kind="yaml", expected="plain text: save the file again from a text editor")


def _visible(character: str) -> str:
    code = ord(character)
    return chr(0x2400 + code) if code < 0x20 else "\N{REPLACEMENT CHARACTER}"


class LimitExceeded(Exception):
    """Raised inside the builder to stop reading at the first limit passed."""


@dataclass
class _Anchor:
    """What an anchor (``&name``) stands for, once its node is complete."""

    value: Any
    path: YamlPath
    values: int  # values it stands for, aliases inside it expanded
    height: int  # mappings and lists nested inside it, itself included
    log_start: int  # its positions, in the builder's log
    log_end: int


@dataclass
class _Open:
    """A mapping or list being read."""

    path: YamlPath
    value: dict[str, Any] | list[Any]
    start: yaml.Mark
    anchor: str | None
    values_at_start: int
    log_at_start: int
    height: int = 0  # of its deepest child
    key: str | None = None  # a mapping's key waiting for its value
    expecting_key: bool = True
    drop_value: bool = False  # the key was refused: its value is read, then dropped
    first_seen: dict[str, int] = field(default_factory=dict)


_OPEN_ANCHOR = object()  # an anchor whose node is still being read


class _Builder:
    """Builds plain values from YAML events, checking the limits as it goes."""

    def __init__(self, source_map: SourceMap, limits: RulebookLimits) -> None:
        self.source_map = source_map
        self.limits = limits
        self.problems: list[Problem] = []
        self.root: Any = None
        self.stack: list[_Open] = []
        self.anchors: dict[str, _Anchor | object] = {}
        self.log: list[tuple[YamlPath, ScalarSource]] = []
        self.values = 0
        self.aliases = 0
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        try:
            self._feed(event)
        except LimitExceeded:
            raise rulebook_error(self.problems[-1:]) from None

    def _feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self._stop("a rulebook file holds one YAML document; this is a second one "
                           "('---')", event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self._end(event)

    # --- nodes ---------------------------------------------------------------------------

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        self._count(1, event.start_mark)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.value, dict) and frame.expecting_key:
            self._key(frame, event)
            return
        path = self._child_path()
        source = _source_of(event.start_mark, event.end_mark, event.style)
        self._record(path, source)
        value = self._resolve(event, path)
        if event.anchor:
            self._check_new_anchor(event.anchor, event.start_mark)
            self.anchors[event.anchor] = _Anchor(value, path, 1, 0, len(self.log) - 1,
                                                 len(self.log))
        self._place(value, 0)

    def _start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        self._count(1, event.start_mark)
        if self._refused_key(event.start_mark):
            path: YamlPath = (*self.stack[-1].path, "<dropped>")
        else:
            path = self._child_path()
        if len(self.stack) + 1 > self.limits.max_depth:
            self._stop(_too_deep(self.limits), event.start_mark)
        self._check_tag(event.tag, path, event.start_mark,
                        "map" if isinstance(event, yaml.MappingStartEvent) else "seq")
        if event.anchor:
            self._check_new_anchor(event.anchor, event.start_mark)
            self.anchors[event.anchor] = _OPEN_ANCHOR
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) \
            else []
        self.stack.append(_Open(path, value, event.start_mark, event.anchor, self.values,
                                len(self.log)))

    def _end(self, event: yaml.MappingEndEvent | yaml.SequenceEndEvent) -> None:
        frame = self.stack.pop()
        height = frame.height + 1
        self._record(frame.path, ScalarSource(frame.start.line, frame.start.column, None,
                                              event.end_mark.line))
        if frame.anchor:
            self.anchors[frame.anchor] = _Anchor(
                frame.value, frame.path, self.values - frame.values_at_start + 1, height,
                frame.log_at_start, len(self.log))
        self._place(frame.value, height)

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            self._stop(f"more than {self.limits.max_aliases:,} aliases (*name), the limit for a "
                       f"rulebook file (max_aliases)", event.start_mark)
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            self._stop(f"alias '*{event.anchor}' names no anchor ('&{event.anchor}') above it",
                       event.start_mark)
        if not isinstance(anchor, _Anchor):
            self._stop(f"alias '*{event.anchor}' is inside the value it names: a value cannot "
                       f"contain itself", event.start_mark)
        if len(self.stack) + anchor.height > self.limits.max_depth:
            self._stop(f"with alias '*{event.anchor}' written out, mappings and lists are nested "
                       f"more than {self.limits.max_depth} deep, the limit for a rulebook file "
                       f"(max_depth)", event.start_mark)
        self._count(anchor.values, event.start_mark, alias=event.anchor)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.value, dict) and frame.expecting_key:
            self._refuse_key(frame, event.start_mark)
            return
        path = self._child_path()
        for inner, source in self.log[anchor.log_start:anchor.log_end]:
            self._record((*path, *inner[len(anchor.path):]), source)
        self._place(copy.deepcopy(anchor.value), anchor.height)

    # --- mappings ------------------------------------------------------------------------

    def _key(self, frame: _Open, event: yaml.ScalarEvent) -> None:
        key = str(event.value)
        frame.expecting_key = False
        frame.drop_value = True
        location = self._location(event.start_mark)
        if event.anchor:
            self._check_new_anchor(event.anchor, event.start_mark)
            self.anchors[event.anchor] = _Anchor(key, (), 1, 0, len(self.log), len(self.log))
        if key == "<<" and not event.style:
            self.problems.append(Problem("YAML merge keys ('<<') are not allowed in a rulebook",
                                         location, kind="yaml"))
        elif key in frame.first_seen:
            self.problems.append(Problem(
                f"duplicate key '{key}' (first given on line {frame.first_seen[key]})",
                location, expected="each key once per mapping", kind="yaml"))
        else:
            frame.first_seen[key] = event.start_mark.line + 1
            frame.key = key
            frame.drop_value = False
            self._record((*frame.path, key, "<key>"),
                         _source_of(event.start_mark, event.end_mark, event.style))

    def _refused_key(self, mark: yaml.Mark) -> bool:
        """Whether the node starting at ``mark`` is a mapping key (which must be text)."""
        frame = self.stack[-1] if self.stack else None
        if frame is None or not isinstance(frame.value, dict) or not frame.expecting_key:
            return False
        self._refuse_key(frame, mark)
        frame.expecting_key = True  # the refused key's own node is read first
        return True

    def _refuse_key(self, frame: _Open, mark: yaml.Mark) -> None:
        self.problems.append(Problem("a mapping key must be plain text", self._location(mark),
                                     kind="yaml"))
        frame.expecting_key = False
        frame.drop_value = True
        frame.key = None

    def _place(self, value: Any, height: int) -> None:
        """Put a complete node's value where it belongs: root, list item or mapping value."""
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        frame.height = max(frame.height, height)
        if isinstance(frame.value, list):
            frame.value.append(value)
        elif frame.expecting_key:
            # The end of a refused (non-text) key: its value comes next, and is dropped.
            frame.expecting_key = False
        else:
            if not frame.drop_value and frame.key is not None:
                frame.value[frame.key] = value
            frame.expecting_key, frame.key, frame.drop_value = True, None, False

    def _child_path(self) -> YamlPath:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            return (*frame.path, len(frame.value))
        if frame.drop_value or frame.key is None:
            return (*frame.path, "<dropped>")
        return (*frame.path, frame.key)

    # --- checks --------------------------------------------------------------------------

    def _count(self, values: int, mark: yaml.Mark, alias: str | None = None) -> None:
        self.values += values
        if self.values > self.limits.max_values:
            through = f" (alias '*{alias}' alone stands for {values:,})" if alias else ""
            self._stop(f"the file holds more than {self.limits.max_values:,} values once its "
                       f"aliases are written out{through}, the limit for a rulebook file "
                       f"(max_values)", mark)

    def _check_new_anchor(self, name: str, mark: yaml.Mark) -> None:
        if name in self.anchors:
            self._stop(f"anchor '&{name}' is defined twice", mark)

    def _check_tag(self, tag: str | None, path: YamlPath, mark: yaml.Mark, kind: str) -> None:
        if tag is None or tag == "!" or tag == f"tag:yaml.org,2002:{kind}":
            return
        self.problems.append(Problem(f"YAML tag '{tag}' is not allowed in a rulebook",
                                     self._location(mark), kind="yaml",
                                     expected="plain values, mappings and lists"))

    def _resolve(self, event: yaml.ScalarEvent, path: YamlPath) -> Any:
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            self._check_tag(tag, path, event.start_mark, "str")
            return None
        text: str = event.value
        if event.style or tag in ("!", "tag:yaml.org,2002:str"):
            return text
        if text in _NULL:
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _INT.fullmatch(text):
            return self._integer(text, event.start_mark)
        if _FLOAT.fullmatch(text):
            return self._decimal(text, event.start_mark)
        return text

    def _integer(self, text: str, mark: yaml.Mark) -> int | None:
        digits = text.replace("_", "").lstrip("+-")
        value = int(text.replace("_", "")) if len(digits) <= _MAX_DIGITS else None
        if value is None or not -(2**63) <= value < 2**63:
            self.problems.append(Problem(
                f"the number {_shorten(text)} is too large for a rulebook", self._location(mark),
                kind="yaml", expected=f"a whole number between {-(2**63):,} and {2**63 - 1:,}"))
            return None
        return value

    def _decimal(self, text: str, mark: yaml.Mark) -> float | None:
        value = float(text.replace("_", "")) if len(text) <= _MAX_DIGITS * 2 else math.inf
        if not math.isfinite(value):
            self.problems.append(Problem(
                f"the number {_shorten(text)} is too large for a rulebook", self._location(mark),
                kind="yaml", expected="a decimal of at most 38 digits, such as 2.5"))
            return None
        return value

    def _stop(self, message: str, mark: yaml.Mark) -> NoReturn:
        self.problems.append(Problem(message, self._location(mark), kind="yaml"))
        raise LimitExceeded

    def _record(self, path: YamlPath, source: ScalarSource) -> None:
        self.source_map.positions[path] = source
        self.log.append((path, source))

    def _location(self, mark: yaml.Mark) -> SourceLocation:
        return SourceLocation(self.source_map.file, mark.line + 1, mark.column + 1,
                              self.source_map._line(mark.line))


def _shorten(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:10]}…{text[-6:]} ({len(text):,} characters)"


def _source_of(start: yaml.Mark, end: yaml.Mark, style: str | None) -> ScalarSource:
    end_line = end.line
    if style in ("|", ">") and end.column == 0:
        end_line -= 1
    return ScalarSource(start.line, start.column, style or None, end_line)
