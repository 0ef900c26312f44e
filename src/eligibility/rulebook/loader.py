"""Read a rulebook file and its includes into validated models, with positions kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from eligibility.errors import Problem, rulebook_error
from eligibility.rulebook.models import Rulebook, SharedFile
from eligibility.rulebook.yaml_source import SourceMap, YamlPath, read_yaml

MERGED_SECTIONS = ("vocabularies", "parameters")
# Sections only a rulebook has: a file with none of them is a shared file (to include).
RULEBOOK_ONLY_SECTIONS = ("effective", "include", "candidate", "quotas", "criteria",
                          "priorities", "ranking")
_SINGULAR = {"vocabularies": "vocabulary", "parameters": "parameter"}


@dataclass(frozen=True)
class Origin:
    """Where a part of the merged rulebook was written."""

    source: SourceMap
    path: YamlPath


@dataclass
class LoadedRulebook:
    """A validated rulebook with its includes merged in and the origin of every part."""

    model: Rulebook
    path: Path
    source: SourceMap
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of its bytes
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)

    def origin(self, section: str, name: str) -> Origin:
        return self.origins.get((section, name), Origin(self.source, (section, name)))

    def locate(self, section: str, name: str, *rest: str | int):
        origin = self.origin(section, name)
        return origin.source.location((*origin.path, *rest))


def load_document(path: Path) -> LoadedRulebook:
    """Read ``path`` and its includes; raise :class:`RulebookError` listing every problem."""
    document, source = read_yaml(path)
    if not isinstance(document, dict):
        raise rulebook_error([Problem("a rulebook is a mapping of sections (id, title, ...)",
                                      source.location(()), kind="schema")])
    files = {str(path): _sha256(path)}
    origins: dict[tuple[str, str], Origin] = {}
    problems: list[Problem] = []
    for section in MERGED_SECTIONS:
        for name in (document.get(section) or {}) if isinstance(document.get(section), dict) \
                else {}:
            origins[(section, name)] = Origin(source, (section, name))
    for index, include in enumerate(document.get("include") or []):
        _merge_include(path, include, index, document, source, files, origins, problems)
    if problems:
        raise rulebook_error(problems)
    model = _validate(Rulebook, document, source, origins)
    return LoadedRulebook(model, path, source, files, origins)


def is_shared_document(document: Any) -> bool:
    """Whether a parsed YAML document is a shared file rather than a rulebook."""
    return isinstance(document, dict) and not any(
        section in document for section in RULEBOOK_ONLY_SECTIONS)


def load_shared(path: Path) -> tuple[SharedFile, SourceMap]:
    """Read and validate a shared file on its own, as an include would read it."""
    document, source = read_yaml(path)
    return _validate(SharedFile, document, source, {}), source


def _merge_include(path: Path, include: Any, index: int, document: dict[str, Any],
                   source: SourceMap, files: dict[str, str],
                   origins: dict[tuple[str, str], Origin], problems: list[Problem]) -> None:
    location = source.location(("include", index))
    if not isinstance(include, str):
        problems.append(Problem("an include is a relative file path", location, kind="schema"))
        return
    target = (path.parent / include).resolve()
    if not target.is_file():
        problems.append(Problem(f"included file '{include}' does not exist (looked for {target})",
                                location, kind="yaml"))
        return
    shared, shared_source = read_yaml(target)
    model = _validate(SharedFile, shared, shared_source, {})
    files[str(target)] = _sha256(target)
    for section in MERGED_SECTIONS:
        merged = dict(document.get(section) or {})
        for name, value in (shared.get(section) or {}).items():
            if name in merged:
                other = origins[(section, name)].source.location((section, name, "<key>"))
                problems.append(Problem(
                    f"{_SINGULAR[section]} '{name}' is defined both here and in '{include}'",
                    other, kind="schema", expected="each name defined in one file"))
                continue
            merged[name] = value
            origins[(section, name)] = Origin(shared_source, (section, name))
        document[section] = merged
    known = {item.get("id") for item in document.get("basis") or [] if isinstance(item, dict)}
    extra = [text.model_dump(by_alias=True, exclude_none=True, mode="json")
             for text in model.basis if text.id not in known]
    document["basis"] = [*(document.get("basis") or []), *extra]
    document["conventions"] = [*(document.get("conventions") or []),
                               *(shared.get("conventions") or [])]


def _validate(model: type[Any], document: Any, source: SourceMap,
              origins: dict[tuple[str, str], Origin]) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        problems = [_problem_from(item, document, source, origins) for item in error.errors()]
        raise rulebook_error(problems) from None


def _problem_from(item: Any, document: Any, source: SourceMap,
                  origins: dict[tuple[str, str], Origin]) -> Problem:
    loc = tuple(part for part in item["loc"] if not _is_union_tag(part))
    path: YamlPath = loc
    located = source
    if len(loc) >= 2 and (loc[0], loc[1]) in origins:
        origin = origins[(str(loc[0]), str(loc[1]))]
        located, path = origin.source, (*origin.path, *loc[2:])
    message = item["msg"]
    if item["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
        location = located.location((*path, "<key>"))
    elif item["type"] == "missing":
        message = f"missing required key '{loc[-1]}'"
        location = located.location(path[:-1])
    else:
        location = located.location(path)
        message = f"{'.'.join(map(str, loc))}: {message}" if loc else message
    rule_id = _rule_id(loc, document)
    return Problem(message, location, rule_id=rule_id, kind="schema",
                   expected=_expected(item))


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in ("list", "VocabularyValue",
                                                                "function-after"))


def _rule_id(loc: tuple[Any, ...], document: Any) -> str | None:
    """The id of the criterion, priority or quota an error is inside, if any."""
    if len(loc) < 2 or loc[0] not in ("criteria", "priorities", "quotas") \
            or not isinstance(loc[1], int) or not isinstance(document, dict):
        return None
    items = document.get(loc[0])
    if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
        value = items[loc[1]].get("id")
        return value if isinstance(value, str) else None
    return None


def _expected(item: Any) -> str | None:
    kind = item["type"]
    if kind.startswith("date"):
        return "a date written YYYY-MM-DD, for instance 2023-09-11"
    if kind == "string_pattern_mismatch":
        return "a lower-case identifier such as 'working-time-left' or 'birth_date'"
    if kind.startswith("int"):
        return "a whole number, for instance 60"
    if kind == "bool_type":
        return "true or false"
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
