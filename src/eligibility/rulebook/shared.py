"""Check a shared file (vocabularies, parameters, legal texts that rulebooks include).

On its own a shared file is checked against its schema. Its parameter values only take a
type in a rulebook that includes it, so the rulebooks beside it that include it are
compiled too, and every problem located in the shared file is reported as its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eligibility.errors import Problem, RulebookError, rulebook_error
from eligibility.rulebook.loader import is_shared_document, load_shared
from eligibility.rulebook.models import SharedFile
from eligibility.rulebook.yaml_source import read_yaml

CASES_SUFFIX = ".cases.yaml"

__all__ = ["SharedCheck", "check_shared", "is_shared_file"]


@dataclass
class SharedCheck:
    """A valid shared file and the rulebooks it was checked with."""

    model: SharedFile
    path: Path
    included_by: list[Path] = field(default_factory=list)
    # Rulebooks that include it but fail for problems outside it.
    failing_elsewhere: list[Path] = field(default_factory=list)


def is_shared_file(path: Path) -> bool:
    """Whether ``path`` holds a shared file (no rulebook section) rather than a rulebook.

    Raises :class:`~eligibility.errors.RulebookError` when it is not readable YAML.
    """
    document, _ = read_yaml(path)
    return is_shared_document(document)


def check_shared(path: Path, *, include_path: Sequence[Path] = ()) -> SharedCheck:
    """Check the shared file at ``path`` alone and within the rulebooks beside it that
    include it (their includes looked for in ``include_path`` too); raise
    :class:`RulebookError` with every problem located in it."""
    from eligibility.rulebook import load_rulebook

    model, _ = load_shared(path)
    result = SharedCheck(model, path)
    problems: list[Problem] = []
    for rulebook in _rulebooks_including(path):
        result.included_by.append(rulebook)
        try:
            load_rulebook(rulebook, include_path=include_path)
        except RulebookError as error:
            own = [problem for problem in error.problems
                   if problem.location is not None and _same_file(problem.location.file, path)]
            problems.extend(own)
            if len(own) < len(error.problems):
                result.failing_elsewhere.append(rulebook)
    if problems:
        raise rulebook_error(_unique(problems))
    return result


def _rulebooks_including(path: Path) -> list[Path]:
    """The rulebooks in ``path``'s folder whose ``include:`` names ``path``."""
    found = []
    for candidate in sorted(path.parent.glob("*.yaml")):
        if candidate.name.endswith(CASES_SUFFIX) or _same_file(str(candidate), path):
            continue
        try:
            document, _ = read_yaml(candidate)
        except (RulebookError, OSError):
            continue
        includes = document.get("include") if isinstance(document, dict) else None
        named = [item.get("file") if isinstance(item, dict) else item
                 for item in includes] if isinstance(includes, list) else []
        if any(isinstance(name, str) and _same_file(str(candidate.parent / name), path)
               for name in named):
            found.append(candidate)
    return found


def _same_file(name: str, path: Path) -> bool:
    try:
        return Path(name).resolve() == path.resolve()
    except OSError:
        return False


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once: two rulebooks including the same file report the same ones."""
    seen: set[Problem] = set()
    unique: list[Problem] = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return unique
