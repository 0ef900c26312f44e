"""Read a rulebook file and its includes into validated models, with positions kept.

Included files are looked for in the including file's folder, then in the folders of the
include path, and are confined to the rulebook's folder and those folders
(:func:`~eligibility.rulebook.source_files.find_source`); every file is read within the
:class:`~eligibility.rulebook.limits.RulebookLimits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from eligibility.errors import Problem, RulebookError, SourceLocation, rulebook_error
from eligibility.i18n.phrase import Phrase
from eligibility.rulebook.limits import DEFAULT_LIMITS, RulebookLimits
from eligibility.rulebook.models import Include, LegalText, Rulebook, SharedFile
from eligibility.rulebook.overrides import Change, apply_changes, changes_from_mapping
from eligibility.rulebook.schema_errors import describe, expected
from eligibility.rulebook.source_files import SourceFileError, find_source
from eligibility.rulebook.source_layers import LayeredSource
from eligibility.rulebook.yaml_source import SourceMap, YamlPath, read_yaml

MERGED_SECTIONS = ("vocabularies", "parameters")
LIST_SECTIONS = ("quotas", "criteria", "priorities")  # taken items first, then this file's
# Sections only a rulebook has: a file with none of them is a shared file (to include).
RULEBOOK_ONLY_SECTIONS = ("effective", "include", "candidate", "quotas", "criteria",
                          "priorities", "ranking")
_DEFINED_TWICE = {"vocabularies": "rulebook.vocabulary_defined_twice",
                  "parameters": "rulebook.parameter_defined_twice"}


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
    lineage: tuple[str, ...] = ()  # ids of the rulebooks whose sections it takes

    def origin(self, section: str, name: str) -> Origin:
        return self.origins.get((section, name), Origin(self.source, (section, name)))

    def locate(self, section: str, name: str, *rest: str | int):
        origin = self.origin(section, name)
        return origin.source.location((*origin.path, *rest))


@dataclass
class _Merged:
    """A rulebook document with its includes merged, not yet validated."""

    document: dict[str, Any]
    source: LayeredSource
    files: dict[str, str]
    origins: dict[tuple[str, str], Origin]
    lineage: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Reading:
    """Where includes are looked for and confined, and the limits files are read within."""

    folder: Path  # the rulebook's own folder: includes at any depth may lie below it
    include_path: tuple[Path, ...]
    limits: RulebookLimits


def load_document(path: Path, changes: Sequence[Change] = (), *,
                  include_path: Sequence[Path] = (),
                  limits: RulebookLimits = DEFAULT_LIMITS) -> LoadedRulebook:
    """Read ``path`` and its includes, make ``changes``; raise :class:`RulebookError`
    listing every problem.

    Includes are looked for in the including file's folder, then in each folder of
    ``include_path``, and must lie inside the rulebook's folder or one of those.
    """
    _check_include_path(include_path)
    reading = _Reading(path.parent, tuple(include_path), limits)
    merged = _read_merged(path, (), reading)
    if changes:
        apply_changes(merged.document, merged.source, merged.origins, changes)
    model = _validate(Rulebook, merged.document, merged.source, merged.origins)
    return LoadedRulebook(model, path, merged.source, merged.files, merged.origins,
                          merged.lineage)


def _read_merged(path: Path, including: tuple[Path, ...], reading: _Reading) -> _Merged:
    document, raw_source = read_yaml(path, reading.limits)
    if not isinstance(document, dict):
        raise rulebook_error([Problem(Phrase("rulebook.not_a_mapping"),
                                      raw_source.location(()), kind="schema")])
    merged = _Merged(document, LayeredSource.over(raw_source), {str(path): raw_source.sha256},
                     {})
    merged.origins.update(_origins(document, raw_source))
    own_items = {section: len(document[section]) for section in LIST_SECTIONS
                 if isinstance(document.get(section), list)}
    problems: list[Problem] = []
    includes = document.get("include") or []
    if isinstance(includes, list) and len(includes) > reading.limits.max_includes:
        raise rulebook_error([Problem(
            Phrase("rulebook.too_many_includes", count=len(includes),
                   max_includes=reading.limits.max_includes),
            raw_source.location(("include", "<key>")), kind="yaml",
            expected=Phrase("rulebook.too_many_includes_expected"))])
    for index, include in enumerate(includes if isinstance(includes, list) else []):
        try:
            _merge_include(path, include, index, merged, raw_source, including, own_items,
                           problems, reading)
        except RulebookError as error:
            problems.extend(error.problems)
    if problems:
        raise rulebook_error(problems)
    return merged


def is_shared_document(document: Any) -> bool:
    """Whether a parsed YAML document is a shared file rather than a rulebook."""
    return isinstance(document, dict) and not any(
        section in document for section in RULEBOOK_ONLY_SECTIONS)


def load_shared(path: Path, limits: RulebookLimits = DEFAULT_LIMITS) -> tuple[SharedFile,
                                                                              SourceMap]:
    """Read and validate a shared file on its own, as an include would read it."""
    document, source = read_yaml(path, limits)
    return _validate(SharedFile, document, source, {}), source


def _check_include_path(include_path: Sequence[Path]) -> None:
    wrong = [Problem(Phrase("rulebook.include_path_not_folder", folder=str(folder)),
                     SourceLocation(str(folder), 1, 1), kind="yaml",
                     expected=Phrase("rulebook.include_path_expected"))
             for folder in include_path if not Path(folder).is_dir()]
    if wrong:
        raise rulebook_error(wrong)


def _merge_include(path: Path, include: Any, index: int, merged: _Merged, source: SourceMap,
                   including: tuple[Path, ...], own_items: dict[str, int],
                   problems: list[Problem], reading: _Reading) -> None:
    location = source.location(("include", index))
    entry = _include_entry(include, index, source)
    try:
        # Looked for beside the including file, then in the include path; the rulebook's
        # own folder stays allowed for the includes of a file in a folder below it.
        target = find_source(entry.file, path.parent, (*reading.include_path, reading.folder))
    except SourceFileError as error:
        problems.append(Problem(Phrase("rulebook.include_unusable", file=entry.file,
                                       reason=error.reason), location, kind="yaml"))
        return
    if target in including or target == path.resolve():
        problems.append(Problem(Phrase("rulebook.include_cycle", file=entry.file), location,
                                kind="yaml", expected=Phrase("rulebook.include_cycle_expected")))
        return
    changes = changes_from_mapping(entry.set_ or {}, source, ("include", index, "set"))
    if entry.take is None:
        shared, shared_source = read_yaml(target, reading.limits)
        if not isinstance(shared, dict):
            problems.append(Problem(Phrase("rulebook.include_not_a_mapping"),
                                    shared_source.location(()), kind="schema"))
            return
        layered = LayeredSource.over(shared_source)
        origins = _origins(shared, shared_source)
        if changes:
            apply_changes(shared, layered, origins, changes)
        model = _validate(SharedFile, shared, layered, origins)
        merged.files[str(target)] = shared_source.sha256
        _merge_definitions(merged, shared, origins, model.basis, entry.file, problems)
        return
    other = _read_merged(target, (*including, path.resolve()), reading)
    if changes:
        apply_changes(other.document, other.source, other.origins, changes)
    taken = _validate(Rulebook, other.document, other.source, other.origins)
    merged.files.update(other.files)
    merged.lineage = (*merged.lineage, taken.id, *other.lineage)
    _merge_definitions(merged, other.document, other.origins, taken.basis, entry.file,
                       problems)
    for section in entry.take:
        _take_section(merged, other, section, entry.file, own_items, source, problems)


def _origins(document: dict[str, Any], source: SourceMap) -> dict[tuple[str, str], Origin]:
    """Where each named item of the merged sections comes from: ``document``. A section
    that is not a mapping names nothing here (the schema check reports it)."""
    return {(section, name): Origin(source, (section, name))
            for section in MERGED_SECTIONS if isinstance(document.get(section), dict)
            for name in document[section]}


def _include_entry(include: Any, index: int, source: SourceMap) -> Include:
    if isinstance(include, str):
        return Include(file=include)
    if not isinstance(include, dict):
        raise rulebook_error([Problem(Phrase("rulebook.include_entry"),
                                      source.location(("include", index)), kind="schema")])
    try:
        return Include.model_validate(include)
    except ValidationError as error:
        raise rulebook_error([_problem_from({**item, "loc": ("include", index, *item["loc"])},
                                            {}, source, {})
                              for item in error.errors()]) from None


def _merge_definitions(merged: _Merged, shared: Any, origins: dict[tuple[str, str], Origin],
                       basis: list[LegalText], name: str, problems: list[Problem]) -> None:
    """Add an included file's vocabularies, parameters, legal texts and conventions."""
    document = merged.document
    shared = shared if isinstance(shared, dict) else {}
    for section in MERGED_SECTIONS:
        own = document.get(section)
        if own is not None and not isinstance(own, dict):
            continue  # the rulebook's own section is malformed; validation reports it
        combined = dict(own or {})
        for key, value in (shared.get(section) or {}).items():
            origin = origins.get((section, key))
            if key in combined:
                first = merged.origins.get((section, key))
                if first is not None and origin is not None \
                        and first.source.file == origin.source.file:
                    continue  # the same file reached twice: one definition
                where = (first.source.location((*first.path, "<key>")) if first is not None
                         else merged.source.location((section, key, "<key>")))
                problems.append(Problem(
                    Phrase(_DEFINED_TWICE[section], name=key, file=name),
                    where, kind="schema", expected=Phrase("rulebook.defined_twice_expected")))
                continue
            combined[key] = value
            if origin is not None:
                merged.origins[(section, key)] = origin
        document[section] = combined
    if isinstance(document.get("basis") or [], list):
        known = {item.get("id") for item in document.get("basis") or []
                 if isinstance(item, dict)}
        extra = [text.model_dump(by_alias=True, exclude_none=True, mode="json")
                 for text in basis if text.id not in known]
        document["basis"] = [*(document.get("basis") or []), *extra]
    if isinstance(document.get("conventions") or [], list):
        conventions = list(document.get("conventions") or [])
        for convention in shared.get("conventions") or []:
            if convention not in conventions:
                conventions.append(convention)
        document["conventions"] = conventions


def _take_section(merged: _Merged, other: _Merged, section: str, name: str,
                  own_items: dict[str, int], source: SourceMap,
                  problems: list[Problem]) -> None:
    """Take ``section`` of an included rulebook: whole, or its items before this file's."""
    document = merged.document
    theirs = other.document.get(section)
    if section not in LIST_SECTIONS:
        if section in document:
            problems.append(Problem(
                Phrase("rulebook.taken_and_written", section=section, file=name),
                source.location((section, "<key>")), kind="schema",
                expected=Phrase("rulebook.taken_and_written_expected", section=section)))
            return
        document[section] = theirs
        merged.source.redirect((section,), other.source, (section,))
        return
    mine = document.get(section) if isinstance(document.get(section), list) else []
    taken_before = len(mine) - own_items.get(section, 0)  # items taken from earlier includes
    items = list(theirs or [])
    combined = [*mine[:taken_before], *items, *mine[taken_before:]]
    for offset in range(own_items.get(section, 0)):
        merged.source.redirect((section, taken_before + len(items) + offset), source,
                               (section, offset))
    for offset in range(len(items)):
        merged.source.redirect((section, taken_before + offset), other.source,
                               (section, offset))
    document[section] = combined


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
    if item["type"] == "extra_forbidden":
        message = Phrase("rulebook.unknown_key", key=loc[-1])
        location = located.location((*path, "<key>"))
    elif item["type"] == "missing":
        message = Phrase("rulebook.missing_key", key=loc[-1])
        location = located.location(path[:-1])
    else:
        location = located.location(path)
        message = describe(item)
        if loc:
            message = Phrase("rulebook.at_path", path=".".join(map(str, loc)), detail=message)
    rule_id = _rule_id(loc, document)
    return Problem(message, location, rule_id=rule_id, kind="schema", expected=expected(item))


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
