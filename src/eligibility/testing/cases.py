"""Golden test cases written in YAML next to a rulebook: load them strictly, run them.

A rulebook ``rules/plan.yaml`` keeps its cases in ``rules/plan.cases.yaml``::

    rulebook: plan.yaml              # the rulebook, relative to this file
    candidates:                      # optional: named people, reused by cases
      civil-servant:
        full_name: Nguyễn Văn An
        birth_date: 1980-05-17       # as a nominee file writes it (text cells)
        gender: Nam
        rating_2022: HTTNV
    cases:
      - name: aged 36 on the course start is over the limit
        quota: pg-abroad             # decide this person for this quota
        based_on: civil-servant      # optional: start from a named candidate ...
        candidate:                   # ... and change these cells (null empties one)
          birth_date: 1987-09-01
        expected:                    # every key optional; only what is given is checked
          eligible: false
          failed: [age-limit]        # exactly these criteria fail
          score: null                # null: no score (ineligible)
          points: {young: 0}         # only the priorities listed

A candidate is read as the library reads a record (:mod:`eligibility.records`): the
columns and spellings of a nominee file, the same errors. ``id`` defaults to the case's
position and ``nominated_for`` to the case's quota. The file is read with the rulebook
loader's strict YAML reader: unknown or duplicate keys, unknown quotas, rule ids and
candidates are reported with their ``file:line:column`` (:class:`CaseFileError`) before any
case runs.

Run them with ``eligibility test rules/`` or with pytest, which collects every
``*.cases.yaml`` file (:mod:`eligibility.testing.pytest_plugin`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, StrictBool, ValidationError

from eligibility.api import record_cells
from eligibility.errors import Problem, RecordError, RulebookError, SourceLocation, suggest
from eligibility.evaluation import Evaluation, evaluate_candidate
from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from eligibility.records import read_nominee
from eligibility.rulebook import CompiledRulebook, load_rulebook
from eligibility.rulebook.models import Document
from eligibility.rulebook.source_files import SourceFileError, find_source
from eligibility.rulebook.yaml_source import SourceMap, read_yaml

CASES_SUFFIX = ".cases.yaml"
Scalar = str | int | float | bool | None
Cell = Scalar | list[Scalar] | dict[str, Scalar]


class CaseFileError(RulebookError):
    """A test-case file cannot be used; ``problems`` lists every problem with its position.

    A :class:`~eligibility.RulebookError` (and so an :class:`~eligibility.EligibilityError`
    and a :class:`ValueError`): a case file is part of a rulebook's sources.
    """


# --- the format ----------------------------------------------------------------------------


class ExpectedModel(Document):
    """What the decision on the case must be; only the keys given are checked."""

    eligible: StrictBool | None = Field(default=None, description="Meets every criterion.")
    failed: list[str] | None = Field(
        default=None, description="Exactly the criteria that fail (ids), any order.")
    score: int | float | None = Field(default=None, description="Sum of points; null if none.")
    points: dict[str, int | float] | None = Field(
        default=None, description="Points of the priorities listed (ids).")


class CaseModel(Document):
    """One person decided for one quota, and the decision expected."""

    name: str = Field(min_length=1, description="Says what the case shows.")
    quota: str = Field(description="The quota the person is decided for.")
    based_on: str | None = Field(default=None, description="A named candidate to start from.")
    candidate: dict[str, Cell] = Field(
        default_factory=dict, description="Cells as a nominee file row gives them.")
    expected: ExpectedModel


class CaseFileModel(Document):
    """A file of test cases for one rulebook."""

    rulebook: str = Field(description="Path of the rulebook, relative to this file.")
    candidates: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    cases: list[CaseModel] = Field(min_length=1)


# --- loaded cases ------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """The expected decision; ``given`` names the keys the case states."""

    eligible: bool | None
    failed: tuple[str, ...] | None
    score: int | float | None
    points: Mapping[str, int | float]
    given: frozenset[str]


@dataclass(frozen=True)
class Case:
    """A case ready to run: the cells of its candidate and what is expected."""

    name: str
    quota: str
    cells: Mapping[str, Cell]
    expected: Expected
    location: SourceLocation

    @property
    def shown_id(self) -> str:
        return str(self.cells.get("id", "")) or self.name


@dataclass(frozen=True)
class CaseFile:
    """A loaded case file with its compiled rulebook."""

    path: Path
    rulebook: CompiledRulebook
    cases: tuple[Case, ...]


class CriterionState(StrEnum):
    """How a criterion came out for a case, as a mismatch reports it."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Mismatch:
    """One way the decision differs from what the case expects.

    ``expected`` and ``actual`` are values (booleans, numbers, None) or a
    :class:`CriterionState`; ``details`` holds an explanation per language.
    """

    what: str  # "eligible", a criterion id, "score" or "points.<priority>"
    expected: Any
    actual: Any
    details: Mapping[str, str] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        detail = self.details.get(language, "")
        return t("cases.mismatch", language, what=self.what,
                 expected=_show(self.expected, language),
                 actual=_show(self.actual, language)) + (f" — {detail}" if detail else "")


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: passed, failed (with its mismatches) or unreadable."""

    case: Case
    evaluation: Evaluation | None
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None  # the candidate could not be read

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mismatches

    def render(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The outcome in a few lines: where, which case, expected against actual."""
        where = f"{self.case.location.file}:{self.case.location.line}"
        key = "cases.case_passed" if self.passed else "cases.case_failed"
        lines = [t(key, language, where=where, name=self.case.name, quota=self.case.quota)]
        if self.error is not None:
            lines.append("  " + t("cases.unreadable", language, error=self.error))
        lines.extend(f"  {mismatch.render(language)}" for mismatch in self.mismatches)
        return "\n".join(lines)


# --- loading -----------------------------------------------------------------------------


def discover(target: str | Path) -> list[Path]:
    """The case files for ``target``: a ``.cases.yaml`` file, a rulebook or a folder.

    A rulebook ``plan.yaml`` has its cases in ``plan.cases.yaml``; a folder's are every
    ``*.cases.yaml`` under it. Raises :class:`CaseFileError` when there are none.
    """
    path = Path(target)
    where = SourceLocation(str(path), 1, 1)
    if path.is_dir():
        found = sorted(path.rglob(f"*{CASES_SUFFIX}"))
        if not found:
            raise CaseFileError([Problem(f"no test-case files (*{CASES_SUFFIX}) in this folder",
                                         where, expected="e.g. plan.cases.yaml next to "
                                                         "plan.yaml")])
        return found
    if path.name.endswith(CASES_SUFFIX):
        return [path]
    if not path.exists():
        raise CaseFileError([Problem("no such file or folder", where)])
    sibling = path.with_name(path.name.removesuffix(path.suffix) + CASES_SUFFIX)
    if not sibling.exists():
        raise CaseFileError([Problem(f"no test cases next to this rulebook: expected "
                                     f"{sibling.name}", where)])
    return [sibling]


def load_all(paths: Iterable[Path], *,
             include_path: Sequence[str | Path] = ()) -> list[CaseFile]:
    """Load every file; raise one :class:`CaseFileError` with the problems of all of them."""
    loaded: list[CaseFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_cases(path, include_path=include_path))
        except RulebookError as error:
            problems.extend(error.problems)
    if problems:
        raise CaseFileError(problems)
    return loaded


def load_cases(path: str | Path, *, include_path: Sequence[str | Path] = ()) -> CaseFile:
    """Read a case file strictly and load its rulebook.

    The rulebook is looked for, and confined, as an include is: in the case file's folder,
    then in the folders of ``include_path``, which also serve the rulebook's own includes.
    Raises :class:`CaseFileError` (or the rulebook's own :class:`RulebookError`) listing
    every problem with its ``file:line:column``.
    """
    path = Path(path)
    document, source = read_yaml(path)
    if not isinstance(document, dict):
        raise CaseFileError([Problem("a case file is a mapping with 'rulebook' and 'cases'",
                                     source.location(()))])
    try:
        model = CaseFileModel.model_validate(document)
    except ValidationError as error:
        raise CaseFileError([_problem(item, source) for item in error.errors()]) from None
    folders = [Path(folder) for folder in include_path]
    try:
        rulebook_path = find_source(model.rulebook, path.parent, folders)
    except SourceFileError as error:
        raise CaseFileError([Problem(f"rulebook '{model.rulebook}' cannot be used: {error}",
                                     source.location(("rulebook",)))]) from None
    rulebook = load_rulebook(rulebook_path, include_path=folders)
    problems = list(_check(model, rulebook, source))
    if problems:
        raise CaseFileError(problems)
    cases = tuple(_case(index, item, model, rulebook, source)
                  for index, item in enumerate(model.cases))
    return CaseFile(path, rulebook, cases)


def _problem(item: Any, source: SourceMap) -> Problem:
    loc = tuple(item["loc"])
    kind = item["type"]
    if kind == "extra_forbidden":
        return Problem(f"unknown key '{loc[-1]}'", source.location((*loc, "<key>")),
                       expected=_allowed_keys(loc[:-1]),
                       suggestion=suggest(str(loc[-1]), _keys_at(loc[:-1])))
    if kind == "missing":
        return Problem(f"missing key '{loc[-1]}'", source.location(loc[:-1]),
                       expected=_allowed_keys(loc[:-1]))
    return Problem(item["msg"], source.location(loc))


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model: type[Document] = CaseFileModel
    if loc[:1] == ("cases",):
        model = ExpectedModel if "expected" in loc else CaseModel
    return list(model.model_fields)


def _allowed_keys(loc: tuple[Any, ...]) -> str:
    return "one of: " + ", ".join(_keys_at(loc))


def _check(model: CaseFileModel, rulebook: CompiledRulebook,
           source: SourceMap) -> Iterable[Problem]:
    """Names that must exist: quotas, criteria, priorities, candidates; unique case names."""
    seen: dict[str, int] = {}
    for index, case in enumerate(model.cases):
        at = ("cases", index)
        if case.name in seen:
            yield Problem(f"case name '{case.name}' is also used by case {seen[case.name] + 1}",
                          source.location((*at, "name")), expected="a different name per case")
        seen.setdefault(case.name, index)
        if case.quota not in rulebook.quotas:
            yield Problem(f"unknown quota '{case.quota}'", source.location((*at, "quota")),
                          expected="one of: " + ", ".join(rulebook.quotas),
                          suggestion=suggest(case.quota, rulebook.quotas))
        if case.based_on is not None and case.based_on not in model.candidates:
            yield Problem(f"no candidate named '{case.based_on}'",
                          source.location((*at, "based_on")),
                          expected="one of: " + (", ".join(model.candidates) or "(none defined "
                                                 "under 'candidates')"),
                          suggestion=suggest(case.based_on, model.candidates))
        expected = case.expected
        for position, rule in enumerate(expected.failed or []):
            if rule not in rulebook.criterion_ids:
                yield Problem(f"'{rule}' is not a criterion",
                              source.location((*at, "expected", "failed", position)),
                              expected="one of: " + ", ".join(rulebook.criterion_ids),
                              suggestion=suggest(rule, rulebook.criterion_ids))
        for rule in expected.points or {}:
            if rule not in rulebook.priority_ids:
                yield Problem(f"'{rule}' is not a priority",
                              source.location((*at, "expected", "points", rule, "<key>")),
                              expected="one of: " + ", ".join(rulebook.priority_ids),
                              suggestion=suggest(rule, rulebook.priority_ids))
        if expected.eligible is True and expected.failed:
            yield Problem("expected eligible, yet 'failed' lists criteria",
                          source.location((*at, "expected", "failed")),
                          expected="failed: [] (or leave it out) for an eligible case")


def _case(index: int, item: CaseModel, model: CaseFileModel, rulebook: CompiledRulebook,
          source: SourceMap) -> Case:
    cells: dict[str, Cell] = dict(model.candidates.get(item.based_on or "", {}))
    cells.update(item.candidate)
    cells.setdefault(rulebook.id_columns[0], f"case-{index + 1}")
    cells.setdefault(rulebook.nominations_columns[0], item.quota)
    given = item.expected.model_fields_set
    expected = Expected(
        eligible=item.expected.eligible,
        failed=None if item.expected.failed is None else tuple(item.expected.failed),
        score=item.expected.score,
        points=dict(item.expected.points or {}),
        given=frozenset(given))
    return Case(item.name, item.quota, cells, expected, source.location(("cases", index)))


# --- running -----------------------------------------------------------------------------


def run_cases(case_file: CaseFile, language: str = DEFAULT_LANGUAGE) -> list[CaseResult]:
    """Decide every case of ``case_file``; one result per case, in file order. A candidate
    that cannot be read is reported in ``language``."""
    return [_run(case_file.rulebook, index, case, language)
            for index, case in enumerate(case_file.cases)]


def run_case(case_file: CaseFile, case: Case, language: str = DEFAULT_LANGUAGE) -> CaseResult:
    """Decide one case of ``case_file``."""
    return _run(case_file.rulebook, case_file.cases.index(case), case, language)


def _run(rulebook: CompiledRulebook, index: int, case: Case,
         language: str = DEFAULT_LANGUAGE) -> CaseResult:
    # A case's cells are written as a nominee file writes them: ``birth_date: 1990`` is the
    # text 1990 (a bare year), as a spreadsheet cell would hold it.
    record = {rulebook.id_columns[0]: f"#{index}",
              rulebook.nominations_columns[0]: case.quota,
              **record_cells(case.cells, rulebook)}
    try:
        candidate = read_nominee(rulebook, record, language=language).record()
    except RecordError as error:
        return CaseResult(case, None, (), f"{error.field}: {_reason(error)}")
    evaluation = evaluate_candidate(rulebook, candidate, case.quota)
    return CaseResult(case, evaluation, tuple(compare(case.expected, evaluation)), None)


def _reason(error: RecordError) -> str:
    return str(error).removeprefix(f"{error.field}: ")


def compare(expected: Expected, evaluation: Evaluation) -> list[Mismatch]:
    """Every difference between what a case expects and the decision ``evaluation``."""
    found: list[Mismatch] = []
    failing = {outcome.id: outcome.messages for outcome in evaluation.outcomes
               if not outcome.met}
    if "failed" in expected.given and expected.failed is not None:
        applying = [outcome.id for outcome in evaluation.outcomes]
        for rule in applying:
            want_fail, did_fail = rule in expected.failed, rule in failing
            if want_fail != did_fail:
                found.append(Mismatch(rule, _state(not want_fail), _state(not did_fail),
                                      failing.get(rule, {})))
        for rule in expected.failed:
            if rule not in applying:
                found.append(Mismatch(rule, CriterionState.NOT_MET,
                                      CriterionState.NOT_APPLICABLE))
    if "eligible" in expected.given and expected.eligible != evaluation.eligible:
        details = {language: t("cases.failing", language, rules=", ".join(failing))
                   for language in LANGUAGES} if failing else {}
        found.append(Mismatch("eligible", expected.eligible, evaluation.eligible, details))
    if "score" in expected.given and not _same_number(expected.score, evaluation.score):
        found.append(Mismatch("score", expected.score, evaluation.score,
                              {language: _points(evaluation, language)
                               for language in LANGUAGES}))
    for rule, points in expected.points.items():
        actual = None if evaluation.points is None else evaluation.points.get(rule)
        if not _same_number(points, actual):
            found.append(Mismatch(f"points.{rule}", points, actual))
    return found


def _state(met: bool) -> CriterionState:
    return CriterionState.MET if met else CriterionState.NOT_MET


def _same_number(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=1e-9)


def _points(evaluation: Evaluation, language: str) -> str:
    if evaluation.points is None:
        return t("cases.no_points", language)
    return ", ".join(f"{rule} {value}" for rule, value in evaluation.points.items())


def _show(value: Any, language: str) -> str:
    if isinstance(value, CriterionState):
        return t(f"cases.{value.value}", language)
    if value is None:
        return t("cases.none", language)
    if isinstance(value, bool):
        return t("cases.yes" if value else "cases.no", language)
    return str(value)


@dataclass
class Summary:
    """Counts over the results of several files."""

    passed: int = 0
    failed: int = 0
    files: int = 0
    failures: list[CaseResult] = field(default_factory=list)

    def add(self, results: Iterable[CaseResult]) -> None:
        self.files += 1
        for result in results:
            if result.passed:
                self.passed += 1
            else:
                self.failed += 1
                self.failures.append(result)

    def line(self, language: str = DEFAULT_LANGUAGE) -> str:
        files = t("cases.one_file" if self.files == 1 else "cases.files", language,
                  count=self.files)
        return t("cases.summary", language, passed=self.passed, failed=self.failed,
                 files=files)


__all__ = [
    "CASES_SUFFIX",
    "Case",
    "CaseFile",
    "CaseFileError",
    "CaseResult",
    "CriterionState",
    "Expected",
    "Mismatch",
    "Summary",
    "compare",
    "discover",
    "load_all",
    "load_cases",
    "run_case",
    "run_cases",
]
