"""Strict YAML reading that keeps the position of every value.

PyYAML's safe loader silently keeps the last of two duplicate keys, reads ``no`` as false,
``0123`` as 83 and ``2024-01-05`` as a date. Here only the YAML composer is used and plain
scalars are resolved by this module alone: decimal integers (``11_000_000_000`` allowed),
decimals, ``true``/``false``, ``null``/``~``/empty; everything else, dates and codes
included, stays text for the rulebook models to read. Duplicate keys are refused with
their position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eligibility.errors import Problem, SourceLocation, rulebook_error

YamlPath = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9_]*)\.[0-9]+")
_NULL = {"", "~", "null"}
_BOOL = {"true": True, "false": False}
_ALLOWED_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                 ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


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


def read_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Read ``path`` strictly: plain values and the map of where each one is."""
    display = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise rulebook_error([Problem(f"cannot read the file: {error.strerror}",
                                      SourceLocation(display, 1, 1), kind="yaml")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise rulebook_error([Problem("the file is not valid UTF-8; save it as UTF-8",
                                      SourceLocation(display, line, 1), kind="yaml")]) from None
    return parse_yaml(text, display)


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML ``text`` (named ``file`` in errors) into plain values and a source map."""
    source_map = SourceMap(file=file, lines=text.splitlines())
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        message = f"YAML syntax: {error.problem or error.context}"
        raise rulebook_error([Problem(message, SourceLocation(
            file, line + 1, column + 1, source_map._line(line)), kind="yaml")]) from None
    if node is None:
        return {}, source_map
    problems: list[Problem] = []
    value = _convert(node, (), source_map, problems)
    if problems:
        raise rulebook_error(problems)
    return value, source_map


def _convert(node: yaml.Node, path: YamlPath, source_map: SourceMap,
             problems: list[Problem]) -> Any:
    source_map.positions[path] = _source_of(node)
    if node.tag not in _ALLOWED_TAGS:
        problems.append(Problem(f"YAML tag '{node.tag}' is not allowed in a rulebook",
                                source_map.location(path), kind="yaml",
                                expected="plain values, mappings and lists"))
        return None
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, source_map, problems)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, index), source_map, problems)
                for index, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _resolve_scalar(node)


def _convert_mapping(node: yaml.MappingNode, path: YamlPath, source_map: SourceMap,
                     problems: list[Problem]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem("a mapping key must be plain text", SourceLocation(
                source_map.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                source_map._line(key_node.start_mark.line)), kind="yaml"))
            continue
        key = str(key_node.value)
        if key == "<<":
            problems.append(Problem("YAML merge keys ('<<') are not allowed in a rulebook",
                                    _mark_location(key_node, source_map), kind="yaml"))
            continue
        if key in first_seen:
            problems.append(Problem(
                f"duplicate key '{key}' (first given on line {first_seen[key]})",
                _mark_location(key_node, source_map),
                expected="each key once per mapping", kind="yaml"))
            continue
        first_seen[key] = key_node.start_mark.line + 1
        source_map.positions[(*path, key, "<key>")] = _source_of(key_node)
        result[key] = _convert(value_node, (*path, key), source_map, problems)
    return result


def _mark_location(node: yaml.Node, source_map: SourceMap) -> SourceLocation:
    mark = node.start_mark
    return SourceLocation(source_map.file, mark.line + 1, mark.column + 1,
                          source_map._line(mark.line))


def _source_of(node: yaml.Node) -> ScalarSource:
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    end = node.end_mark.line
    if isinstance(node, yaml.ScalarNode) and style in ("|", ">") and node.end_mark.column == 0:
        end -= 1
    return ScalarSource(node.start_mark.line, node.start_mark.column, style or None, end)


def _resolve_scalar(node: yaml.ScalarNode) -> Any:
    text: str = node.value
    if node.style is not None or node.tag == "tag:yaml.org,2002:str":
        return text
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _FLOAT.fullmatch(text):
        return float(text.replace("_", ""))
    return text
