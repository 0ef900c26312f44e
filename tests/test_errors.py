"""Rulebook problems: rendered in either language, with their place, caret and suggestion."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from eligibility.errors import (
    Problem,
    RulebookError,
    SourceLocation,
    UnknownNameError,
    rulebook_error,
)
from eligibility.i18n.phrase import Phrase

SRC = Path(__file__).parent.parent / "src" / "eligibility"
WHERE = SourceLocation("plan.yaml", 36, 23, "    condition: age_on(brith_date, quota.start) <= 35")
MISSPELT = Problem(Phrase("language.unknown_name", name="brith_date"), WHERE, rule_id="age-limit",
                   expected=Phrase("language.name_expected"), suggestion="birth_date",
                   kind="name")


def test_a_problem_is_rendered_in_each_language_with_its_place_and_caret() -> None:
    """GIVEN a misspelt name in a criterion WHEN rendered in Vietnamese and in English
    THEN each reads in its language, with file:line:column, the line, a caret under the
    column, what was expected and the suggestion (the name and the line as written)."""
    vietnamese = MISSPELT.render("vi").splitlines()
    english = MISSPELT.render("en").splitlines()
    assert vietnamese[0] == "plan.yaml:36:23: lỗi: trong 'age-limit': không có tên 'brith_date'"
    assert english[0] == "plan.yaml:36:23: error: in 'age-limit': unknown name 'brith_date'"
    for lines in (vietnamese, english):
        assert lines[1] == "        condition: age_on(brith_date, quota.start) <= 35"
        assert lines[2].index("^") == lines[1].index("brith_date")
    assert vietnamese[3].startswith("  cần: một trường thông tin")
    assert english[3].startswith("  expected: a candidate field")
    assert vietnamese[4] == "  có phải là 'birth_date'?"
    assert english[4] == "  did you mean 'birth_date'?"


def test_an_error_renders_every_problem_and_reads_as_the_default_language() -> None:
    """GIVEN an error with two problems WHEN rendered THEN both appear in file order in the
    language asked for, and str() is the Vietnamese rendering."""
    later = Problem(Phrase("rulebook.unknown_quota", id="tt_tt"),
                    SourceLocation("plan.yaml", 50, 3), kind="name")
    error = rulebook_error([later, MISSPELT])
    assert isinstance(error, UnknownNameError)
    assert error.first == MISSPELT
    assert error.render("en").count("error:") == 2
    assert error.render("en").index("brith_date") < error.render("en").index("tt_tt")
    assert "không có chỉ tiêu 'tt_tt'" in error.render("vi")
    assert str(error) == error.render("vi") == error.render()


def test_a_programs_own_text_is_shown_as_written() -> None:
    """GIVEN a problem a program built with its own text (not a catalogue message)
    WHEN rendered THEN the text is shown as written, framed in the language asked for."""
    problem = Problem("quota 'x' is closed this year", expected="another quota")
    assert problem.render("en") == "error: quota 'x' is closed this year\n  expected: another quota"
    assert problem.render("vi") == "lỗi: quota 'x' is closed this year\n  cần: another quota"


def test_equal_problems_are_one() -> None:
    """GIVEN the same problem found twice (two rulebooks including one file) WHEN put in a
    set THEN it is kept once."""
    again = Problem(Phrase("language.unknown_name", name="brith_date"), WHERE,
                    rule_id="age-limit", expected=Phrase("language.name_expected"),
                    suggestion="birth_date", kind="name")
    assert len({MISSPELT, again}) == 1


# Constructors and helpers whose first text argument is what a person reads.
_PROBLEM_TEXT = {"Problem": 0, "ExpressionProblem": 0, "_PathProblem": 0, "PhraseError": 0,
                 "SourceFileError": 0, "SourceFileTooLarge": 0, "problem": 1, "add": 0,
                 "_stop": 0}


def _literal_texts(path: Path, root: Path = SRC) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else \
            node.func.attr if isinstance(node.func, ast.Attribute) else None
        position = _PROBLEM_TEXT.get(name or "")
        if position is None or len(node.args) <= position:
            continue
        if name == "add" and not (isinstance(node.func, ast.Attribute)
                                  and isinstance(node.func.value, ast.Attribute)
                                  and node.func.value.attr == "problems"):
            continue  # a set's add, not the compiler's list of problems
        argument = node.args[position]
        if isinstance(argument, ast.JoinedStr | ast.BinOp) or (
                isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


@pytest.mark.parametrize("folder", ["rulebook", "language", "testing"])
def test_no_rulebook_problem_is_written_in_one_language(folder: str) -> None:
    """GIVEN the modules that find rulebook, include, override and test-case problems
    WHEN every problem they build is read THEN none is built from literal text: each is a
    catalogue message, so it can be read in either language."""
    literal = [where for path in sorted((SRC / folder).rglob("*.py"))
               for where in _literal_texts(path)]
    assert not literal, literal


def test_the_guard_sees_literal_text(tmp_path: Path) -> None:
    """GIVEN a module building a problem from an f-string WHEN checked THEN it is found."""
    module = tmp_path / "x.py"
    module.write_text("def f(self, name):\n    seen.add('x')\n"
                      "    self.problems.add('unknown', None)\n"
                      "    return Problem(f'unknown {name}', None)\n")
    assert _literal_texts(module, tmp_path) == ["x.py:3", "x.py:4"]


def test_rulebook_error_is_a_value_error() -> None:
    """GIVEN a rulebook error WHEN caught as ValueError THEN it is (the documented tree)."""
    with pytest.raises(ValueError, match="lỗi"):
        raise RulebookError([MISSPELT])
