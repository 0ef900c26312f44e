"""Compile a loaded rulebook: resolve types, check every expression, bind rules to quotas.

Every problem is collected with its ``file:line:column`` before anything is raised, so an
author sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from eligibility.calendar import AgeSchedule
from eligibility.errors import Problem, SourceLocation, rulebook_error, suggest
from eligibility.language import nodes as n
from eligibility.language.bounds import DateRangeError, check_dates
from eligibility.language.domain import MAX_RANGE_ITEMS
from eligibility.language.fold import AlwaysNullError, fold, map_children, oversized_range
from eligibility.language.parser import ExpressionProblem, Scope, literal_type, parse_expression
from eligibility.language.types import (
    AGE_SCHEDULE,
    BOOL,
    DATE,
    INT,
    INTERVAL,
    NUMBER,
    SIMPLE_TYPES,
    TEXT,
    ByCodeType,
    EnumType,
    ListType,
    Type,
    YearlyType,
)
from eligibility.language.values import Interval
from eligibility.rulebook.compiled import (
    BoundCriterion,
    BoundPriority,
    CompiledRulebook,
    FieldSpec,
    MessagePart,
    QuotaRules,
)
from eligibility.rulebook.loader import LoadedRulebook
from eligibility.rulebook.models import (
    AppliesTo,
    Criterion,
    LegalText,
    Parameter,
    Priority,
    Quota,
    RuleVersion,
    parse_age,
)

POSITION_VOCABULARY = "position"
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass(frozen=True)
class _Wording:
    """One version of a criterion or priority, checked but not yet bound to a quota."""

    version: RuleVersion | None  # None: the rule has a single, undated wording
    node: n.Node | None  # None when its expression did not compile (a problem is recorded)
    message: dict[str, tuple[MessagePart, ...]] | None  # criteria only
    basis: list[str]
    text: str


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, message: str, location: SourceLocation | None, *, rule_id: str | None = None,
            kind: str = "schema", expected: str | None = None,
            suggestion: str | None = None) -> None:
        self.items.append(Problem(message, location, rule_id, expected, suggestion, kind))


def compile_rulebook(loaded: LoadedRulebook, *, as_of: dt.date | None = None,
                     changes: tuple[str, ...] = ()) -> CompiledRulebook:
    """Check and compile ``loaded``; raise :class:`RulebookError` listing every problem.

    The criteria, priorities and parameters in force on each quota's course start apply, or,
    with ``as_of``, those in force on that date for every quota. ``changes`` describe the
    overrides made to ``loaded`` (kept for the run's records).
    """
    return _Compiler(loaded, as_of, changes).run()


class _Compiler:
    def __init__(self, loaded: LoadedRulebook, as_of: dt.date | None = None,
                 changes: tuple[str, ...] = ()) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.problems = _Problems()
        self.legal = {text.id: text for text in self.model.basis}
        self.as_of = as_of
        self.changes = changes

    def run(self) -> CompiledRulebook:
        enums = self._enum_types()
        fields = self._fields(enums)
        parameters = self._parameters(enums)
        quota_types = self._quota_types(enums)
        values_typed = not self.problems.items  # else binding would fold ill-typed values
        self._check_quotas()
        scope = Scope(
            fields={name: YearlyType("yearly", spec.type) if spec.yearly else spec.type
                    for name, spec in fields.items()},
            quota=quota_types,
            parameters={name: kind for name, (kind, _) in parameters.items()})
        self._check_ids()
        criteria = [self._criterion(item, scope) for item in self.model.criteria]
        priorities = [self._priority(item, scope) for item in self.model.priorities]
        shown_types = {item.id: self._assign_slots(wordings) for item, wordings in criteria}
        quotas = {quota.id: self._bind_quota(quota, criteria, priorities, parameters)
                  for quota in self.model.quotas} if values_typed else {}
        self._check_ranking(fields)
        self._check_as_of()
        if self.problems.items:
            raise rulebook_error(self.problems.items)
        candidate = self.model.candidate
        return CompiledRulebook(
            model=self.model, path=self.loaded.path, files=self.loaded.files, fields=fields,
            vocabularies=dict(self.model.vocabularies), enum_types=enums, quotas=quotas,
            criterion_ids=tuple(item.id for item in self.model.criteria),
            priority_ids=tuple(item.id for item in self.model.priorities),
            ranking=tuple(self.model.ranking),
            id_columns=(candidate.id.column, *candidate.id.aliases),
            nominations_columns=(candidate.nominations.column, *candidate.nominations.aliases),
            nominations_separator=candidate.nominations.separator,
            legal_texts=self.legal, shown_types=shown_types, as_of=self.as_of,
            changes=self.changes, lineage=self.loaded.lineage)

    def _check_as_of(self) -> None:
        effective = self.model.effective
        if self.as_of is None or effective.covers(self.as_of):
            return
        until = f" until {effective.until}" if effective.until else ""
        self.problems.add(f"the rulebook is in force from {effective.from_}{until}; it "
                          f"cannot be applied as of {self.as_of}",
                          self.loaded.source.location(("effective",)),
                          expected="an --as-of date within the rulebook's effective period")

    # vocabularies and fields ---------------------------------------------------------------
    def _enum_types(self) -> dict[str, EnumType]:
        from eligibility.text import match_key

        enums: dict[str, EnumType] = {}
        for name, vocabulary in self.model.vocabularies.items():
            seen: dict[str, str] = {}
            for code in vocabulary.values:
                for word in (code, *vocabulary.synonyms_of(code)):
                    key = match_key(word)
                    if seen.get(key, code) != code:
                        self.problems.add(
                            f"'{word}' would match both '{seen[key]}' and '{code}' "
                            f"(case, spaces and diacritics are ignored)",
                            self.loaded.locate("vocabularies", name, "values", code),
                            kind="schema", expected="each spelling under one code")
                    seen[key] = code
            enums[name] = EnumType(name, tuple(vocabulary.values), vocabulary.ordered)
        return enums

    def _type(self, text: str, enums: dict[str, EnumType], location: SourceLocation) -> Type:
        if text == "age_schedule":
            self.problems.add("a candidate field cannot be an age schedule (that is a "
                              "parameter's type)", location, kind="type",
                              expected="text, int, number, date, bool, interval, "
                                       "list[interval], list[text] or a vocabulary name")
            return TEXT
        if text in SIMPLE_TYPES:
            return SIMPLE_TYPES[text]
        if text in enums:
            return enums[text]
        self.problems.add(f"unknown type '{text}'", location, kind="name",
                          expected="text, int, number, date, bool, interval, list[interval], "
                                   "list[text] or a vocabulary name",
                          suggestion=suggest(text, [*SIMPLE_TYPES, *enums]))
        return TEXT

    def _fields(self, enums: dict[str, EnumType]) -> dict[str, FieldSpec]:
        specs: dict[str, FieldSpec] = {}
        source = self.loaded.source
        for name, item in self.model.candidate.fields.items():
            path = ("candidate", "fields", name)
            kind = self._type(item.type, enums, source.location((*path, "type")))
            column = item.column or (f"{name}_{{year}}" if item.yearly else name)
            columns = (column, *item.aliases)
            if item.yearly and any("{year}" not in col for col in columns):
                self.problems.add("a yearly field's column must contain {year}",
                                  source.location((*path, "column")),
                                  expected="for instance 'rating_{year}'")
            default = self._field_default(item.default, kind, source.location((*path, "default")))
            specs[name] = FieldSpec(name, kind, item.required, columns, default, item.yearly,
                                    item.separator, item.title, item.may_be_absent)
        return specs

    def _field_default(self, value: Any, kind: Type, location: SourceLocation) -> Any:
        if value is None:
            return [] if isinstance(kind, ListType) else None
        try:
            return _convert_value(value, kind)
        except ValueError as error:
            self.problems.add(f"default: {error}", location)
            return None

    # parameters -------------------------------------------------------------------------------
    def _parameters(self, enums: dict[str, EnumType]) -> dict[str, tuple[Type, Any]]:
        """name -> (type, [(from date or None, value)])."""
        result: dict[str, tuple[Type, Any]] = {}
        for name, parameter in self.model.parameters.items():
            loc = self.loaded.locate("parameters", name)
            self._check_basis(parameter.basis, ("parameters", name), None)
            item_type = self._parameter_type(parameter, enums, loc)
            versions = ([(None, parameter.value)] if parameter.versions is None else
                        [(version.from_, version.value) for version in parameter.versions])
            converted: list[tuple[dt.date | None, Any]] = []
            for index, (start, raw) in enumerate(versions):
                path = ("value",) if parameter.versions is None else ("versions", index, "value")
                value = self._parameter_value(name, parameter, raw, item_type, enums, path)
                converted.append((start, value))
            kind: Type = item_type
            if parameter.by is not None and parameter.by in enums:
                kind = ByCodeType("by", enums[parameter.by], item_type)
            result[name] = (kind, converted)
        return result

    def _parameter_type(self, parameter: Parameter, enums: dict[str, EnumType],
                        location: SourceLocation) -> Type:
        if parameter.by is not None and parameter.by not in enums:
            self.problems.add(f"unknown vocabulary '{parameter.by}'", location, kind="name",
                              suggestion=suggest(parameter.by, enums))
        if parameter.type is not None:
            return SIMPLE_TYPES[parameter.type]
        sample = parameter.value if parameter.versions is None else parameter.versions[0].value
        if parameter.by is not None and isinstance(sample, dict) and sample:
            sample = next(iter(sample.values()))
        try:
            return _infer_type(sample)
        except ValueError:
            self.problems.add("cannot infer the parameter's type; add 'type:'", location,
                              expected="type: int, number, text, date, bool or age_schedule")
            return TEXT

    def _parameter_value(self, name: str, parameter: Parameter, raw: Any, item_type: Type,
                         enums: dict[str, EnumType], path: tuple[Any, ...]) -> Any:
        location = self.loaded.locate("parameters", name, *path)
        try:
            if parameter.by is None:
                return _convert_value(raw, item_type)
            vocabulary = enums.get(parameter.by)
            if not isinstance(raw, dict):
                raise ValueError(f"a parameter given 'by: {parameter.by}' maps each code to "
                                 f"a value")
            if vocabulary is not None:
                missing = [code for code in vocabulary.codes if code not in raw]
                unknown = [code for code in raw if code not in vocabulary.codes]
                if missing or unknown:
                    raise ValueError(f"codes must be exactly those of '{parameter.by}' "
                                     f"({', '.join(vocabulary.codes)}); "
                                     f"missing: {missing or 'none'}, unknown: {unknown or 'none'}")
            return {code: _convert_value(value, item_type) for code, value in raw.items()}
        except (ValueError, TypeError) as error:
            self.problems.add(f"parameter '{name}': {error}", location)
            return None

    # quotas ---------------------------------------------------------------------------------
    def _quota_types(self, enums: dict[str, EnumType]) -> dict[str, Type]:
        position = enums.get(POSITION_VOCABULARY)
        types: dict[str, Type] = {
            "id": TEXT, "kind": TEXT, "lead": TEXT, "seats": INT, "budget": INT,
            "cost_per_seat": INT, "start": DATE, "end": DATE, "course": INTERVAL,
            "positions": ListType("list", position or TEXT),
            "destinations": ListType("list", TEXT),
        }
        value_types: dict[str, tuple[Type, str]] = {}
        for index, quota in enumerate(self.model.quotas):
            for name, value in quota.values.items():
                location = self.loaded.source.location(("quotas", index, "values", name))
                if name in types:
                    self.problems.add(f"'{name}' is already a quota attribute", location,
                                      rule_id=quota.id)
                    continue
                try:
                    kind = _infer_type(value)
                except ValueError as error:
                    self.problems.add(str(error), location, rule_id=quota.id)
                    continue
                previous = value_types.get(name)
                if previous and previous[0] != kind and {previous[0], kind} != {INT, NUMBER}:
                    self.problems.add(f"quota value '{name}' is {kind} here but {previous[0]} "
                                      f"in quota '{previous[1]}'", location, rule_id=quota.id)
                value_types[name] = (NUMBER if previous and previous[0] != kind else kind,
                                     quota.id)
        return {**types, **{name: kind for name, (kind, _) in value_types.items()}}

    def _check_quotas(self) -> None:
        positions = self.model.vocabularies.get(POSITION_VOCABULARY)
        seen: set[str] = set()
        for index, quota in enumerate(self.model.quotas):
            if quota.id in seen:
                self.problems.add(f"quota id '{quota.id}' is used twice",
                                  self.loaded.source.location(("quotas", index, "id")))
            seen.add(quota.id)
            if positions is None:
                continue
            for position_index, code in enumerate(quota.positions):
                if code not in positions.values:
                    self.problems.add(
                        f"'{code}' is not a code of the position vocabulary",
                        self.loaded.source.location(("quotas", index, "positions",
                                                     position_index)),
                        rule_id=quota.id, kind="name",
                        suggestion=suggest(code, positions.values))

    def _check_ids(self) -> None:
        for section, items in (("criteria", self.model.criteria),
                               ("priorities", self.model.priorities)):
            seen: set[str] = set()
            for index, item in enumerate(items):
                if item.id in seen:
                    self.problems.add(f"id '{item.id}' is used twice in {section}",
                                      self.loaded.source.location((section, index, "id")),
                                      rule_id=item.id)
                seen.add(item.id)

    # rules -----------------------------------------------------------------------------------
    def _versions(self, rule: Criterion | Priority, section: str,
                  index: int) -> list[tuple[RuleVersion | None, tuple[Any, ...]]]:
        if rule.versions is None:
            return [(None, (section, index))]
        return [(version, (section, index, "versions", number))
                for number, version in enumerate(rule.versions)]

    def _criterion(self, item: Criterion,
                   scope: Scope) -> tuple[Criterion, list[_Wording]]:
        index = self.model.criteria.index(item)
        self._check_applies(item.applies_to, ("criteria", index), item.id)
        self._check_basis(item.basis, ("criteria", index), item.id)
        compiled = []
        for version, path in self._versions(item, "criteria", index):
            text = item.condition if version is None else version.condition
            message = item.message if version is None else (version.message or item.message)
            if text is None:
                self.problems.add("this version has no 'condition'",
                                  self.loaded.source.location(path), rule_id=item.id)
                continue
            if message is None:
                self.problems.add("this version has no 'message'",
                                  self.loaded.source.location(path), rule_id=item.id)
                continue
            rule_scope = self._lets(item, version, ("criteria", index), path, scope)
            node = self._expression(text, (*path, "condition"), rule_scope, BOOL, item.id)
            message_scope = rule_scope.with_quota("title", TEXT)
            parts = {language: self._message(message.get(language),
                                             (*self._message_path(version, path), language),
                                             message_scope, item.id)
                     for language in ("vi", "en")}
            basis = version.basis if version and version.basis else item.basis
            compiled.append(_Wording(version, node, parts, basis, text))
        return item, compiled

    def _lets(self, item: Criterion | Priority, version: RuleVersion | None,
              rule_path: tuple[Any, ...], version_path: tuple[Any, ...], scope: Scope) -> Scope:
        """``scope`` with the rule's (then the version's) ``let:`` names, each checked."""
        declared = [(name, text, (*rule_path, "let", name)) for name, text in item.let.items()]
        if version is not None:
            declared += [(name, text, (*version_path, "let", name))
                         for name, text in version.let.items()]
        for name, text, path in declared:
            taken = name in scope.fields or name in scope.parameters
            if taken:
                self.problems.add(f"'{name}' is already a candidate field or parameter; "
                                  f"give the named value another name",
                                  self.loaded.source.location(path), rule_id=item.id,
                                  kind="name")
                continue
            node = self._expression(text, path, scope, None, item.id)
            if node is not None:
                scope = scope.with_let(name, node)
        return scope

    def _assign_slots(self, wordings: list[_Wording]) -> tuple[Type, ...]:
        """Number a criterion's distinct placeholder expressions (its ``shown`` columns)."""
        slots: dict[str, int] = {}
        types: list[Type] = []
        for wording in wordings:
            if wording.message is None:
                continue
            for language, parts in wording.message.items():
                numbered = []
                for part in parts:
                    if part.expression is not None:
                        key = repr(part.expression)
                        if _reads_title(part.expression):  # its value is in one language
                            key = f"{language}:{key}"
                        if key not in slots:
                            slots[key] = len(types)
                            types.append(part.expression.type)
                        part = replace(part, slot=slots[key])
                    numbered.append(part)
                wording.message[language] = tuple(numbered)
        return tuple(types)

    def _message_path(self, version: RuleVersion | None, path: tuple[Any, ...]) -> tuple[Any, ...]:
        if version is not None and version.message is not None:
            return (*path, "message")
        return (*path[:2], "message")

    def _priority(self, item: Priority, scope: Scope) -> tuple[Priority, list[_Wording]]:
        index = self.model.priorities.index(item)
        self._check_applies(item.applies_to, ("priorities", index), item.id)
        self._check_basis(item.basis, ("priorities", index), item.id)
        compiled = []
        for version, path in self._versions(item, "priorities", index):
            text = item.points if version is None else version.points
            if text is None:
                self.problems.add("this version has no 'points'",
                                  self.loaded.source.location(path), rule_id=item.id)
                continue
            rule_scope = self._lets(item, version, ("priorities", index), path, scope)
            node = self._expression(text, (*path, "points"), rule_scope, NUMBER, item.id)
            basis = version.basis if version and version.basis else item.basis
            compiled.append(_Wording(version, node, None, basis, text))
        return item, compiled

    def _expression(self, text: str, path: tuple[Any, ...], scope: Scope, expect: Type | None,
                    rule_id: str) -> n.Node | None:
        try:
            return parse_expression(text, scope, expect=expect)
        except ExpressionProblem as problem:
            location = self.loaded.source.location_in_scalar(path, problem.line, problem.column)
            self.problems.add(problem.message, location, rule_id=rule_id, kind=problem.kind,
                              expected=problem.expected, suggestion=problem.suggestion)
            return None

    def _message(self, template: str, path: tuple[Any, ...], scope: Scope,
                 rule_id: str) -> tuple[MessagePart, ...]:
        parts: list[MessagePart] = []
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(MessagePart(template[position:match.start()]))
            position = match.end()
            if match.group(0) in ("{{", "}}"):
                parts.append(MessagePart(match.group(0)[0]))
                continue
            inner = match.group(1)
            try:
                node = parse_expression(inner, scope)
            except ExpressionProblem as problem:
                offset = match.start(1) + (problem.column if problem.line == 1 else 0)
                location = self.loaded.source.location_in_scalar(path, 1, offset)
                self.problems.add(f"in a message placeholder: {problem.message}", location,
                                  rule_id=rule_id, kind=problem.kind, expected=problem.expected,
                                  suggestion=problem.suggestion)
                continue
            parts.append(MessagePart(expression=node))
        parts.append(MessagePart(template[position:]))
        return tuple(part for part in parts if part.expression is not None or part.text)

    def _check_applies(self, applies: AppliesTo, path: tuple[Any, ...], rule_id: str) -> None:
        kinds = {quota.kind for quota in self.model.quotas}
        ids = [quota.id for quota in self.model.quotas]
        for index, kind in enumerate(applies.kinds or []):
            if kind not in kinds:
                self.problems.add(f"no quota has kind '{kind}'", self.loaded.source.location(
                    (*path, "applies_to", "kinds", index)), rule_id=rule_id, kind="name",
                    suggestion=suggest(kind, kinds))
        for index, quota_id in enumerate(applies.quotas or []):
            if quota_id not in ids:
                self.problems.add(f"unknown quota '{quota_id}'", self.loaded.source.location(
                    (*path, "applies_to", "quotas", index)), rule_id=rule_id, kind="name",
                    suggestion=suggest(quota_id, ids))

    def _check_basis(self, basis: list[str], path: tuple[Any, ...], rule_id: str | None) -> None:
        for index, legal_id in enumerate(basis):
            if legal_id not in self.legal:
                origin = self.loaded.origin(*path[:2]) if path[0] == "parameters" else None
                source = origin.source if origin else self.loaded.source
                base = origin.path if origin else path
                self.problems.add(f"unknown legal text '{legal_id}'",
                                  source.location((*base, "basis", index)), rule_id=rule_id,
                                  kind="name", expected="an id listed under 'basis:'",
                                  suggestion=suggest(legal_id, self.legal))

    def _check_ranking(self, fields: dict[str, FieldSpec]) -> None:
        allowed = ["score", "id", *(name for name, spec in fields.items() if not spec.yearly)]
        for index, tie_break in enumerate(self.model.ranking):
            if tie_break.key not in allowed:
                self.problems.add(f"cannot rank by '{tie_break.key}'",
                                  self.loaded.source.location(("ranking", index, "key")),
                                  kind="name", expected="score, id or a candidate field",
                                  suggestion=suggest(tie_break.key, allowed))

    # binding to quotas ------------------------------------------------------------------------
    def _bind_quota(self, quota: Quota, criteria: list[tuple[Criterion, list[_Wording]]],
                    priorities: list[tuple[Priority, list[_Wording]]],
                    parameters: dict[str, tuple[Type, Any]]) -> QuotaRules:
        bound_criteria: list[BoundCriterion] = []
        for criterion, wordings in criteria:
            chosen = self._in_force(criterion, wordings, quota)
            if chosen is None or chosen.node is None or chosen.message is None:
                continue
            condition = self._bind(chosen.node, quota, parameters, criterion.id)
            message = {language: tuple(
                replace(part, expression=self._bind(part.expression, quota, parameters,
                                                    criterion.id, language=language))
                if part.expression is not None else part for part in language_parts)
                for language, language_parts in chosen.message.items()}
            bound_criteria.append(BoundCriterion(criterion.id, criterion.title, condition,
                                                 message, self._legal(chosen.basis),
                                                 chosen.text))
        bound_priorities: list[BoundPriority] = []
        for priority, wordings in priorities:
            chosen = self._in_force(priority, wordings, quota)
            if chosen is None or chosen.node is None:
                continue
            points = self._bind(chosen.node, quota, parameters, priority.id)
            bound_priorities.append(BoundPriority(priority.id, priority.title, points,
                                                  self._legal(chosen.basis), chosen.text))
        return QuotaRules(quota, tuple(bound_criteria), tuple(bound_priorities))

    def _in_force(self, item: Criterion | Priority, wordings: list[_Wording],
                  quota: Quota) -> _Wording | None:
        """The wording in force on the quota's course start (or the as-of date), if the rule
        applies to the quota."""
        if not _applies(item.applies_to, quota):
            return None
        day = self.as_of or quota.start
        return next((wording for wording in wordings if wording.version is None
                     or wording.version.effective.covers(day)), None)

    def _legal(self, basis: list[str]) -> tuple[LegalText, ...]:
        return tuple(self.legal[legal_id] for legal_id in basis if legal_id in self.legal)

    def _bind(self, node: n.Node, quota: Quota, parameters: dict[str, tuple[Type, Any]],
              rule_id: str, *, language: str | None = None) -> n.Node:
        binder = _Binder(quota, parameters, language, self.as_of)
        location = self.loaded.source.location(
            ("quotas", [item.id for item in self.model.quotas].index(quota.id)))
        try:
            bound = binder.bind(node)
            check_dates(bound)
        except (AlwaysNullError, DateRangeError) as error:
            self.problems.add(f"for quota '{quota.id}': {error}", location, rule_id=rule_id,
                              kind="type", expected="values the result can hold; check the "
                                                    "constants used in this rule")
            return node
        for message in binder.missing:
            self.problems.add(message, location, rule_id=rule_id, kind="name")
        for item in bound.walk():
            if oversized_range(item):
                assert isinstance(item, n.Range)
                self.problems.add(
                    f"for quota '{quota.id}': range({item.start.value}, {item.stop.value}) "  # type: ignore[attr-defined]
                    f"holds more than {MAX_RANGE_ITEMS} numbers", location, rule_id=rule_id,
                    kind="type", expected="a range of years, e.g. "
                                          "range(quota.start.year - 3, quota.start.year)")
        return bound


def _reads_title(node: n.Node) -> bool:
    return any(isinstance(item, n.QuotaRef) and item.name == "title" for item in node.walk())


def _applies(applies: AppliesTo, quota: Quota) -> bool:
    if applies.kinds is not None and quota.kind not in applies.kinds:
        return False
    return applies.quotas is None or quota.id in applies.quotas


class _Binder:
    """Replace quota attributes and parameters by their values, then fold constants."""

    def __init__(self, quota: Quota, parameters: dict[str, tuple[Type, Any]],
                 language: str | None, as_of: dt.date | None = None) -> None:
        self.quota = quota
        self.parameters = parameters
        self.language = language  # a message's language (quota.title is in it)
        self.as_of = as_of
        self.missing: list[str] = []

    def bind(self, node: n.Node) -> n.Node:
        if isinstance(node, n.QuotaRef):
            return n.Const(node.type, self._quota_value(node.name))
        if isinstance(node, n.ParamRef):
            return n.Const(node.type, self._parameter_value(node.name))
        return fold(map_children(node, self.bind), strict=True)

    def _quota_value(self, name: str) -> Any:
        quota = self.quota
        if name == "course":
            return Interval(quota.start, quota.end)
        if name == "title":
            return quota.title.get(self.language or "vi")
        if name == "cost_per_seat":
            return quota.cost_per_seat if quota.cost_per_seat is not None \
                else quota.budget // quota.seats
        if name in quota.values:
            value = quota.values[name]
            return dt.date.fromisoformat(value) if _looks_like_date(value) else value
        if hasattr(quota, name) and name not in ("values", "title", "subject"):
            return getattr(quota, name)
        self.missing.append(f"quota '{quota.id}' has no value '{name}', which this rule uses; "
                            f"add it under the quota's 'values:'")
        return None

    def _parameter_value(self, name: str) -> Any:
        _, versions = self.parameters[name]
        day = self.as_of or self.quota.start
        chosen = None
        for start, value in versions:
            if start is None or start <= day:
                chosen = (start, value)
        if chosen is None:
            when = "the as-of date" if self.as_of else f"course start of '{self.quota.id}'"
            self.missing.append(f"parameter '{name}' has no version in force on {day} "
                                f"({when})")
            return None
        return chosen[1]


def _looks_like_date(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def _infer_type(value: Any) -> Type:
    if _looks_like_date(value):
        return DATE
    if isinstance(value, dict):
        raise ValueError("a mapping needs an explicit 'type:' (e.g. age_schedule)")
    return literal_type(value)


def _convert_value(value: Any, kind: Type) -> Any:
    """A YAML value converted to the runtime value of ``kind``."""
    if kind == AGE_SCHEDULE:
        if not isinstance(value, dict) or not value:
            raise ValueError("an age schedule maps years to ages, e.g. {2021: 60y3m}")
        steps = {int(year): parse_age(str(age)) for year, age in value.items()}
        return AgeSchedule(steps)
    if kind == DATE:
        if isinstance(value, dt.date):
            return value
        if not _looks_like_date(value):
            raise ValueError(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2025-07-01")
        return dt.date.fromisoformat(value)
    if kind == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"'{value}' is not a whole number")
        return value
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"'{value}' is not a number")
        return value
    if kind == BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"'{value}' is not true or false")
        return value
    if isinstance(kind, EnumType):
        if value not in kind.codes:
            raise ValueError(f"'{value}' is not a code of {kind.name}")
        return value
    if isinstance(kind, ListType):
        return list(value) if isinstance(value, list) else [value]
    return str(value)


def legal_basis_text(texts: tuple[LegalText, ...]) -> str:
    """A one-line citation of legal texts: 'Nghị định 101/2017/NĐ-CP Điều 32; ...'."""
    return "; ".join(" ".join(filter(None, (text.citation, text.article))) for text in texts)
