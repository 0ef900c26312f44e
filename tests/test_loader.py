"""Loading a rulebook with its includes: shared files, and rulebooks whose sections are
taken (``include: [{file, take, set}]``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import eligibility
from eligibility.errors import RulebookError

ROOT = Path(__file__).parent.parent
ROUND_2025 = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"
HEAD = """id: second-round
title: {vi: Đợt hai, en: Second round}
version: "2"
effective: {from: 2023-01-01}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def first_round(tmp_path: Path) -> Path:
    """The test rulebook minimal.yaml, copied with the shared file it includes."""
    shutil.copy(ROOT / "rules" / "vn-regulations.yaml", tmp_path)
    text = (ROOT / "tests" / "data" / "rulebooks" / "minimal.yaml").read_text()
    return _write(tmp_path, "first.yaml", text)


def test_the_bundled_second_round_takes_the_first_rounds_sections() -> None:
    """GIVEN the bundled 2025 round, which takes the first round's sections with changes
    WHEN loaded THEN it has the first round's quotas with its own course dates, the first
    round's criteria followed by its own, the shared regulations, and lists every file."""
    first = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
    second = eligibility.load_rulebook(ROUND_2025)
    assert list(second.quotas) == list(first.quotas)
    assert str(second.quota("pg-domestic").quota.start) == "2025-06-16"
    assert second.quota("pg-domestic").quota.seats == first.quota("pg-domestic").quota.seats
    assert second.criterion_ids == (*first.criterion_ids, "national-age-cap")
    assert second.ranking == first.ranking
    assert {Path(name).name for name in second.files} == {
        "hanoi-2022-2025-round-2025.yaml", "hanoi-2022-2025.yaml", "vn-regulations.yaml"}
    assert second.lineage == ("hanoi-2022-2025",)


def test_own_quotas_follow_the_taken_ones(first_round: Path, tmp_path: Path) -> None:
    """GIVEN a rulebook that takes quotas and criteria and adds a quota of its own
    WHEN loaded THEN the taken quota comes first, then its own."""
    path = _write(tmp_path, "second.yaml", HEAD + f"""include:
  - file: {first_round.name}
    take: [candidate, quotas, criteria, priorities, ranking]
quotas:
  - id: course-b
    title: {{vi: Khóa B, en: Course B}}
    lead: Sở Nội vụ
    kind: fostering
    seats: 1
    budget: 100
    start: 2024-05-01
    end: 2024-05-20
    positions: [manager]
    values: {{max_age: 40}}
""")
    rulebook = eligibility.load_rulebook(path)
    assert list(rulebook.quotas) == ["course-a", "course-b"]


def test_an_error_in_a_taken_section_points_at_the_file_it_was_written_in(
        first_round: Path, tmp_path: Path) -> None:
    """GIVEN an included rulebook whose taken quota has a misspelt position, and an own
    quota after it with an error WHEN loaded THEN each error names its own file and line."""
    broken = first_round.read_text().replace("positions: [clerk]", "positions: [clerck]")
    _write(tmp_path, "first.yaml", broken)
    path = _write(tmp_path, "second.yaml", HEAD + """include:
  - file: first.yaml
    take: [candidate, quotas, criteria, priorities, ranking]
quotas:
  - id: course-b
    title: {vi: Khóa B, en: Course B}
    lead: Sở Nội vụ
    kind: fostering
    seats: many
    budget: 100
    start: 2024-05-01
    end: 2024-05-20
    positions: [manager]
""")
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path)
    rendered = caught.value.render()
    assert f"{path}:13:" in rendered  # seats: many, in the including file
    assert "seats" in rendered


def test_a_taken_position_error_is_reported_in_the_included_file(
        first_round: Path, tmp_path: Path) -> None:
    """GIVEN a taken quota listing a position the vocabulary lacks
    WHEN loaded THEN the error is on that quota's line of the included file."""
    broken = first_round.read_text().replace("positions: [clerk]", "positions: [clerck]")
    included = _write(tmp_path, "first.yaml", broken)
    path = _write(tmp_path, "second.yaml", HEAD + """include:
  - file: first.yaml
    take: [candidate, quotas, criteria, priorities, ranking]
""")
    line = broken.splitlines().index("    positions: [clerck]") + 1
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path)
    assert f"{included.resolve()}:{line}:" in caught.value.render()
    assert caught.value.first.suggestion == "clerk"


def test_a_section_both_taken_and_written_is_refused(first_round: Path, tmp_path: Path) -> None:
    """GIVEN a rulebook that takes 'ranking' and also writes one
    WHEN loaded THEN the error is on its own 'ranking' key and says to keep one."""
    path = _write(tmp_path, "second.yaml", HEAD + f"""include:
  - file: {first_round.name}
    take: [candidate, quotas, criteria, ranking]
ranking:
  - {{key: id, order: ascending}}
""")
    with pytest.raises(RulebookError, match="'ranking' is taken from") as caught:
        eligibility.load_rulebook(path)
    assert caught.value.first.location.line == 8


def test_an_include_cycle_is_refused(tmp_path: Path) -> None:
    """GIVEN two rulebooks that take each other's sections WHEN loaded THEN the error
    names the include cycle instead of recursing."""
    for name, other in (("a.yaml", "b.yaml"), ("b.yaml", "a.yaml")):
        _write(tmp_path, name, HEAD + f"include:\n  - file: {other}\n    take: [quotas]\n")
    with pytest.raises(RulebookError, match="include cycle"):
        eligibility.load_rulebook(tmp_path / "a.yaml")


def test_an_include_entry_with_an_unknown_key_or_section_is_refused(
        first_round: Path, tmp_path: Path) -> None:
    """GIVEN include entries with a misspelt key and a section that cannot be taken
    WHEN loaded THEN each is reported on the rulebook's include entry."""
    path = _write(tmp_path, "second.yaml", HEAD + f"""include:
  - file: {first_round.name}
    takes: [quotas]
""")
    with pytest.raises(RulebookError, match="unknown key 'takes'"):
        eligibility.load_rulebook(path)
    path.write_text(HEAD + f"include:\n  - file: {first_round.name}\n    take: [basis]\n")
    with pytest.raises(RulebookError, match="take"):
        eligibility.load_rulebook(path)
    path.write_text(HEAD + f"include:\n  - file: {first_round.name}\n"
                           f"    take: [quotas, quotas]\n")
    with pytest.raises(RulebookError, match="each section is taken once"):
        eligibility.load_rulebook(path)


def test_a_file_reached_twice_gives_its_definitions_once(first_round: Path,
                                                         tmp_path: Path) -> None:
    """GIVEN a rulebook that includes the shared regulations itself and through the rulebook
    whose sections it takes WHEN loaded THEN their parameters are not 'defined twice'."""
    path = _write(tmp_path, "second.yaml", HEAD + f"""include:
  - vn-regulations.yaml
  - file: {first_round.name}
    take: [candidate, quotas, criteria, priorities, ranking]
""")
    rulebook = eligibility.load_rulebook(path)
    assert "retirement_age" in rulebook.model.parameters
    assert len(rulebook.model.conventions) == len(set(map(str, rulebook.model.conventions)))


def test_an_include_set_changes_the_included_file_and_is_located_in_the_includer(
        first_round: Path, tmp_path: Path) -> None:
    """GIVEN an include with set: changes, one valid, one not a date
    WHEN loaded THEN the valid one applies, and the error is on the includer's set line."""
    path = _write(tmp_path, "second.yaml", HEAD + f"""include:
  - file: {first_round.name}
    take: [candidate, quotas, criteria, priorities, ranking]
    set:
      quota.course-a.seats: 7
""")
    assert eligibility.load_rulebook(path).quota("course-a").capacity == 7
    path.write_text(path.read_text() + "      quota.course-a.start: someday\n")
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path)
    assert f"{path}:10:" in caught.value.render()
