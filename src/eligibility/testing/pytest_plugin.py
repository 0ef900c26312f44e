"""pytest plugin: every ``*.cases.yaml`` file is a test file, each of its cases a test.

Registered under pytest's ``pytest11`` entry point, so installing ``eligibility`` is enough:
``pytest rules/`` runs the YAML cases next to the rulebooks (see
:mod:`eligibility.testing.cases`). A failing case is reported in a few lines — the case, and
for each rule that differs, what was expected against what the rulebook decided — with no
Python traceback; a file that cannot be used is reported as a collection error with every
problem at its ``file:line:column``. Reports are in Vietnamese unless the ini option
``eligibility_lang`` says ``en`` (``pytest -o eligibility_lang=en``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported lazily: the plugin loads in every pytest run
    from eligibility.testing.cases import Case, CaseFile, CaseResult

CASES_SUFFIX = ".cases.yaml"
LANGUAGE_OPTION = "eligibility_lang"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The language failing cases are reported in."""
    parser.addini(LANGUAGE_OPTION, "language of YAML test-case reports: vi (default) or en",
                  default="vi")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse an unknown report language before anything runs."""
    _language(config)


def _language(config: pytest.Config) -> str:
    from eligibility.i18n import DEFAULT_LANGUAGE, LANGUAGES

    language = str(config.getini(LANGUAGE_OPTION) or DEFAULT_LANGUAGE)
    if language not in LANGUAGES:
        raise pytest.UsageError(f"{LANGUAGE_OPTION} must be one of {', '.join(LANGUAGES)}; "
                                f"got {language!r}")
    return language


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*.cases.yaml`` files."""
    if file_path.name.endswith(CASES_SUFFIX):
        return CasesFile.from_parent(parent, path=file_path)
    return None


class CaseFailed(Exception):
    """A case decided otherwise than it expects (carries the result to report)."""

    def __init__(self, result: CaseResult, language: str) -> None:
        super().__init__(result.render(language))
        self.result = result
        self.language = language


class CasesFile(pytest.File):
    """A case file: loaded (with its rulebook) once, its cases decided together."""

    case_file: CaseFile | None = None
    _results: dict[str, CaseResult] | None = None

    def collect(self) -> Iterator[pytest.Item]:
        from eligibility.testing.cases import load_cases

        self.case_file = load_cases(self.path)
        for case in self.case_file.cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)

    def result(self, case: Case) -> CaseResult:
        """The result of ``case``; the first call decides every case of the file."""
        from eligibility.testing.cases import run_cases

        if self._results is None:
            assert self.case_file is not None
            results = run_cases(self.case_file, _language(self.config))
            self._results = {result.case.name: result for result in results}
        return self._results[case.name]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        from eligibility.errors import RulebookError

        if isinstance(excinfo.value, RulebookError):
            return excinfo.value.render(_language(self.config))
        return str(super().repr_failure(excinfo))


class CaseItem(pytest.Item):
    """One case of a case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        assert isinstance(self.parent, CasesFile)
        result = self.parent.result(self.case)
        if not result.passed:
            raise CaseFailed(result, _language(self.config))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            return excinfo.value.result.render(excinfo.value.language)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.location.line - 1, f"case: {self.case.name}"
