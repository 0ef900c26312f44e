"""Shared files checked on their own and inside the rulebooks that include them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eligibility.errors import RulebookError
from eligibility.rulebook.shared import check_shared, is_shared_file

RULES = Path("rules")


def test_a_shared_file_and_a_rulebook_are_told_apart() -> None:
    """GIVEN the example's shared file and rulebook WHEN asked THEN only the first is a
    shared file."""
    assert is_shared_file(RULES / "vn-regulations.yaml")
    assert not is_shared_file(RULES / "hanoi-2022-2025.yaml")


def test_the_rulebooks_including_a_shared_file_are_checked_with_it() -> None:
    """GIVEN the example's shared file WHEN checked THEN its model is read and the rulebook
    beside it that includes it was compiled with it."""
    checked = check_shared(RULES / "vn-regulations.yaml")
    assert checked.model.id == "vn-regulations"
    assert [path.name for path in checked.included_by] == ["hanoi-2022-2025.yaml"]
    assert checked.failing_elsewhere == []


def test_a_problem_found_twice_is_reported_once(tmp_path: Path) -> None:
    """GIVEN a shared file with an age that is not one, included by two rulebooks WHEN
    checked THEN the problem, located in the shared file, is reported once."""
    shutil.copy(RULES / "hanoi-2022-2025.yaml", tmp_path / "a.yaml")
    shutil.copy(RULES / "hanoi-2022-2025.yaml", tmp_path / "b.yaml")
    shared = tmp_path / "vn-regulations.yaml"
    shared.write_text((RULES / "vn-regulations.yaml").read_text(encoding="utf-8").replace(
        "2022: 60y6m", "2022: 60x6m"), encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        check_shared(shared)
    problems = raised.value.problems
    assert len(problems) == 1
    assert problems[0].location is not None
    assert Path(problems[0].location.file).resolve() == shared.resolve()


@pytest.mark.parametrize("section", ["parameters", "vocabularies"])
def test_a_shared_section_given_as_a_list_is_a_located_error(tmp_path: Path,
                                                             section: str) -> None:
    """GIVEN an included file whose `parameters` or `vocabularies` is a list (found by the
    fuzzer: it was an internal error) WHEN the rulebook is loaded THEN a RulebookError
    locates the section in that file."""
    from eligibility.rulebook import load_rulebook

    shutil.copy(RULES / "hanoi-2022-2025.yaml", tmp_path / "rules.yaml")
    text = (RULES / "vn-regulations.yaml").read_text(encoding="utf-8")
    (tmp_path / "vn-regulations.yaml").write_text(
        text.replace(f"\n{section}:\n", f"\n{section}:\n  - id: x\n    title: y\nold_{section}:\n",
                     1), encoding="utf-8")
    with pytest.raises(RulebookError) as raised:
        load_rulebook(tmp_path / "rules.yaml")
    assert any(problem.location is not None
               and Path(problem.location.file).name == "vn-regulations.yaml"
               for problem in raised.value.problems)
