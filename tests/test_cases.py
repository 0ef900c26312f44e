"""YAML test cases: strict loading, running, the `eligibility test` command, the pytest
plugin, and the broken-rulebook demonstration."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import eligibility
from eligibility.cli import app
from eligibility.errors import RulebookError
from eligibility.testing.cases import (
    CaseFileError,
    discover,
    load_cases,
    run_cases,
)
from eligibility.testing.properties import PropertyFailure, check_rule_agrees

ROOT = Path(__file__).parent.parent
RULES = ROOT / "rules"
HANOI_CASES = RULES / "hanoi-2022-2025.cases.yaml"
HEADER = "rulebook: {rulebook}\n"
POSTGRADUATE = """\
candidates:
  her:
    full_name: Trần Thị Bình
    birth_date: 1992-06-15
    gender: Nữ
    category: viên chức
    position: hr-management
    service_start: 2016-08-01
    rating_2021: HTTNV
    rating_2022: HTTNV
"""


def write_cases(folder: Path, body: str, *, name: str = "plan.cases.yaml") -> Path:
    """A case file in ``folder`` for a copy of the bundled Hanoi rulebook beside it (a case
    file's rulebook is confined to its folder, as includes are)."""
    for shipped in ("hanoi-2022-2025.yaml", "vn-regulations.yaml"):
        shutil.copy(RULES / shipped, folder)
    path = folder / name
    path.write_text(HEADER.format(rulebook="hanoi-2022-2025.yaml") + body, encoding="utf-8")
    return path


def broken_hanoi(folder: Path) -> Path:
    """A copy of the Hanoi rulebook with `<=` turned into `<` in the age limit and the
    weight of the female priority changed from 10 to 15, next to a copy of its cases."""
    shutil.copy(RULES / "vn-regulations.yaml", folder)
    source = (RULES / "hanoi-2022-2025.yaml").read_text(encoding="utf-8")
    broken = source.replace("condition: age <= quota.max_age",
                            "condition: age < quota.max_age")
    broken = broken.replace("points: \"10 if gender == 'female' else 0\"",
                            "points: \"15 if gender == 'female' else 0\"")
    assert broken.count("'female' else 0") == 1 and "< quota.max_age" in broken
    (folder / "hanoi-2022-2025.yaml").write_text(broken, encoding="utf-8")
    shutil.copy(HANOI_CASES, folder)
    return folder / "hanoi-2022-2025.yaml"


# --- the shipped cases ---------------------------------------------------------------------


def test_shipped_hanoi_cases_pass() -> None:
    """GIVEN the cases next to the Hanoi rulebook WHEN run THEN every one passes."""
    results = run_cases(load_cases(HANOI_CASES))
    assert len(results) >= 50
    assert [result.render() for result in results if not result.passed] == []


def test_shipped_cases_take_every_rule_to_both_sides() -> None:
    """GIVEN the Hanoi cases WHEN their expectations are listed THEN every criterion is
    expected to fail in some case and to hold in an eligible case of a quota it applies
    to, and every priority is expected both to give points and to give none."""
    case_file = load_cases(HANOI_CASES)
    rulebook = case_file.rulebook
    failed = {rule for case in case_file.cases for rule in case.expected.failed or ()}
    held = {criterion.id for case in case_file.cases if case.expected.eligible
            for criterion in rulebook.quota(case.quota).criteria}
    assert failed == held == set(rulebook.criterion_ids)
    given = {(rule, points > 0) for case in case_file.cases
             for rule, points in case.expected.points.items()}
    assert given == {(rule, side) for rule in rulebook.priority_ids for side in (True, False)}
    kinds = {rulebook.quota(case.quota).quota.kind for case in case_file.cases}
    assert kinds == {"fostering", "postgraduate"}


# --- the broken rulebook is caught -----------------------------------------------------------


def test_broken_rulebook_is_caught_by_the_cases(tmp_path: Path) -> None:
    """GIVEN the Hanoi rulebook with `<=` turned into `<` in the age limit and a changed
    points weight WHEN its shipped cases run THEN cases fail, naming age-limit with
    expected against actual, and the female points."""
    broken_hanoi(tmp_path)
    results = run_cases(load_cases(tmp_path / "hanoi-2022-2025.cases.yaml"))
    output = "\n".join(result.render("en") for result in results if not result.passed)
    assert "case 'pg-abroad born 1988-09-01 turns 35 on the course start, within the " \
           "limit' (quota pg-abroad) failed\n  age-limit: expected met, got not met — " \
           "Aged 35 on the course start, over the limit of 35" in output
    assert "points.female: expected 10, got 15" in output
    assert "Traceback" not in output


def test_broken_rulebook_is_caught_by_a_property(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the broken Hanoi copy WHEN the docs' age-limit property and the female points
    property run on it THEN each fails naming its rule and showing the minimal
    counterexample: a person aged exactly 35 on the course start, a woman."""
    broken = broken_hanoi(tmp_path)
    monkeypatch.chdir(ROOT)
    with pytest.raises(PropertyFailure) as age:
        property_test_from_docs(broken)()
    message = str(age.value)
    assert message.startswith(
        "property 'rule-agrees' does not hold: rule 'age-limit' disagrees with its oracle on "
        "quota 'pg-abroad':\n  rulebook: not met — Aged 35 on the course start, over the "
        "limit of 35\n  oracle:   met\nminimal counterexample:\n  id: N-0001\n")
    assert "\n  birth_date: 1988-09-01\n" in message  # 35th birthday on 2023-09-01
    rulebook = eligibility.load_rulebook(broken)
    with pytest.raises(PropertyFailure) as female:
        check_rule_agrees(rulebook, "female",
                          lambda person, quota: 10 if person["gender"] == "female" else 0)
    assert "rule 'female' disagrees with its oracle" in str(female.value)
    assert "rulebook: 15 points\n  oracle:   10 points" in str(female.value)
    assert "\n  gender: female\n" in str(female.value)


def property_test_from_docs(rulebook: Path) -> Any:
    """The property test of docs/property-testing.md, made to load ``rulebook``."""
    page = (ROOT / "docs" / "property-testing.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.DOTALL)
    assert code is not None
    source = code.group(1).replace('"rules/hanoi-2022-2025.yaml"', repr(str(rulebook)))
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(source, "docs/property-testing.md", "exec"), namespace)
    return namespace["test_age_limit_is_at_most_max_age_on_the_course_start"]


# --- strict loading ------------------------------------------------------------------------

BAD_FILES = [
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expect: {eligible: true}\n",
     r"plan.cases.yaml:5:5: error: unknown key 'expect'", "did you mean 'expected'"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    quota: tai-chinh\n    expected: {}\n",
     r"plan.cases.yaml:5:5: error: duplicate key 'quota'", "first given on line 4"),
    ("cases:\n  - name: a\n    quota: pg-abroda\n    expected: {}\n",
     r"plan.cases.yaml:4:12: error: unknown quota 'pg-abroda'", "did you mean 'pg-abroad'"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expected: {failed: [age-limt]}\n",
     r"plan.cases.yaml:5:25: error: 'age-limt' is not a criterion", "did you mean"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expected: {points: {yuong: 10}}\n",
     r"plan.cases.yaml:5:25: error: 'yuong' is not a priority", "did you mean 'young'"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    based_on: him\n    expected: {}\n",
     r"plan.cases.yaml:5:15: error: no candidate named 'him'", "none defined"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expected: {eligible: true, "
     "failed: [age-limit]}\n", r"plan.cases.yaml:5:\d+: error: expected eligible, yet",
     "failed: []"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expected: {}\n"
     "  - name: a\n    quota: tai-chinh\n    expected: {}\n",
     r"plan.cases.yaml:6:11: error: case name 'a' is also used by case 1", "different name"),
    ("cases:\n  - name: a\n    quota: pg-abroad\n", r"plan.cases.yaml:3:5: error: missing "
     r"key 'expected'", "one of: name, quota"),
    ("cases: [\n", r"plan.cases.yaml:\d+:\d+: error: YAML syntax", ""),
    ("cases:\n  - name: a\n    quota: pg-abroad\n    expected: {eligible: yes}\n",
     r"plan.cases.yaml:5:\d+: error: Input should be a valid boolean", ""),
]


@pytest.mark.parametrize(("body", "where", "hint"), BAD_FILES,
                         ids=[hint or where for _, where, hint in BAD_FILES])
def test_unusable_case_files_are_refused_with_positions(tmp_path: Path, body: str,
                                                        where: str, hint: str) -> None:
    """GIVEN a case file with a mistake WHEN loaded THEN the error gives file:line:column,
    what is wrong and, where it can, what was meant."""
    path = write_cases(tmp_path, body)
    with pytest.raises(RulebookError) as raised:
        load_cases(path)
    rendered = raised.value.render()
    assert re.search(where, rendered), rendered
    assert hint in rendered


def test_a_missing_rulebook_is_reported_at_its_line(tmp_path: Path) -> None:
    """GIVEN a case file naming a rulebook that does not exist WHEN loaded THEN the error
    points at the `rulebook:` line."""
    path = tmp_path / "x.cases.yaml"
    path.write_text("rulebook: nowhere.yaml\ncases: []\n", encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"x.cases.yaml:2:8: error: List should have "):
        load_cases(path)
    path.write_text("rulebook: nowhere.yaml\ncases:\n  - {name: a, quota: b, expected: {}}\n",
                    encoding="utf-8")
    with pytest.raises(CaseFileError, match=r"x.cases.yaml:1:11: error: rulebook "
                                            r"'nowhere.yaml' cannot be used: it does not "
                                            r"exist"):
        load_cases(path)


def test_discovery_finds_cases_next_to_rulebooks(tmp_path: Path) -> None:
    """GIVEN a rulebook, a folder or a case file WHEN discovered THEN the case files are
    found, and a rulebook or folder without any is an error."""
    assert discover(RULES) == sorted([HANOI_CASES,
                                      RULES / "hanoi-2022-2025-round-2025.cases.yaml"])
    assert discover(RULES / "hanoi-2022-2025.yaml") == [HANOI_CASES]
    assert discover(HANOI_CASES) == [HANOI_CASES]
    with pytest.raises(CaseFileError, match=r"expected vn-regulations\.cases\.yaml"):
        discover(RULES / "vn-regulations.yaml")
    with pytest.raises(CaseFileError, match="no test-case files"):
        discover(tmp_path)


# --- running -------------------------------------------------------------------------------


def test_a_candidate_that_cannot_be_read_fails_its_case_only(tmp_path: Path) -> None:
    """GIVEN two cases, one with an impossible date WHEN run THEN that case fails with the
    intake's reason and the other passes."""
    path = write_cases(tmp_path, POSTGRADUATE + """\
cases:
  - name: impossible date
    quota: pg-abroad
    based_on: her
    candidate: {birth_date: 31/02/1990}
    expected: {eligible: true}
  - name: fine
    quota: pg-abroad
    based_on: her
    expected: {eligible: true, score: 20}
""")
    bad, good = run_cases(load_cases(path), "en")
    assert good.passed
    assert not bad.passed
    assert bad.render("en").endswith("failed\n  the candidate cannot be read: birth_date: "
                                 "'31/02/1990' is not a real date (February 1990 has 28 days)")


def test_only_stated_expectations_are_checked(tmp_path: Path) -> None:
    """GIVEN a case stating only the points of one priority WHEN run THEN only those are
    compared, and a wrong one is reported as expected against actual."""
    path = write_cases(tmp_path, POSTGRADUATE + """\
cases:
  - name: young only
    quota: pg-abroad
    based_on: her
    expected: {points: {young: 5}}
""")
    (result,) = run_cases(load_cases(path))
    assert [mismatch.render("en") for mismatch in result.mismatches] == [
        "points.young: expected 5, got 10"]
    assert [mismatch.render("vi") for mismatch in result.mismatches] == [
        "points.young: mong đợi 5, thực tế 10"]


# --- the command ---------------------------------------------------------------------------


def test_command_exit_status(tmp_path: Path) -> None:
    """GIVEN passing, failing and unusable case files WHEN `eligibility test` runs THEN it
    exits 0, 1 and 2, printing the failing cases and a count."""
    runner = CliRunner()
    passing = runner.invoke(app, ["test", str(RULES), "--lang", "en"])
    assert passing.exit_code == 0, passing.output
    assert re.search(r"^\d+ passed, 0 failed \(2 files\)$", passing.stdout, re.MULTILINE)

    folder = tmp_path / "broken"
    folder.mkdir()
    failing = runner.invoke(app, ["test", str(broken_hanoi(folder)), "--lang", "en"])
    assert failing.exit_code == 1
    assert "age-limit: expected met, got not met" in failing.stdout
    assert re.search(r"^\d+ passed, 14 failed \(1 file\)$", failing.stdout, re.MULTILINE)
    in_vietnamese = runner.invoke(app, ["test", str(folder)])
    assert in_vietnamese.exit_code == 1
    assert "age-limit: mong đợi đạt, thực tế không đạt" in in_vietnamese.stdout
    assert re.search(r"^\d+ đạt, 14 không đạt \(1 tệp\)$", in_vietnamese.stdout, re.MULTILINE)

    unusable = write_cases(tmp_path, "cases:\n  - name: a\n    quota: x\n    expected: {}\n")
    refused = runner.invoke(app, ["test", str(unusable)])
    assert refused.exit_code == 2
    assert "plan.cases.yaml:4:12: error: unknown quota 'x'" in refused.stderr


# --- the pytest plugin -----------------------------------------------------------------------


PASSING_AND_FAILING = """\
cases:
  - name: 36 on the course start is too old
    quota: pg-abroad
    based_on: her
    candidate: {birth_date: 1987-09-01}
    expected: {eligible: false, failed: [age-limit]}
  - name: wrongly expected over the limit
    quota: pg-abroad
    based_on: her
    candidate: {birth_date: 1988-09-01}
    expected: {failed: [age-limit]}
"""


def run_pytest(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider", "-q",
         "--rootdir", str(folder), *options],
        capture_output=True, text=True, check=False, cwd=folder)


def test_pytest_collects_each_case_and_reports_failures_compactly(tmp_path: Path) -> None:
    """GIVEN a case file with a passing and a failing case WHEN pytest runs the folder THEN
    it collects both, and the failure names the case and the rule with expected against
    actual, without a Python traceback."""
    write_cases(tmp_path, POSTGRADUATE + PASSING_AND_FAILING)
    result = run_pytest(tmp_path, "-o", "eligibility_lang=en")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout
    assert "plan.cases.yaml:18: case 'wrongly expected over the limit' (quota pg-abroad) " \
           "failed\n  age-limit: expected not met, got met\n" in result.stdout
    assert "Traceback" not in result.stdout and "raise " not in result.stdout
    in_vietnamese = run_pytest(tmp_path)
    assert "plan.cases.yaml:18: trường hợp 'wrongly expected over the limit' (chỉ tiêu " \
           "pg-abroad) không đạt\n  age-limit: mong đợi không đạt, thực tế đạt\n" \
        in in_vietnamese.stdout


def test_pytest_refuses_an_unknown_report_language(tmp_path: Path) -> None:
    """GIVEN a case file WHEN pytest runs it with eligibility_lang=fr THEN it stops with a
    usage error naming the option."""
    write_cases(tmp_path, POSTGRADUATE + PASSING_AND_FAILING)
    result = run_pytest(tmp_path, "-o", "eligibility_lang=fr")
    assert result.returncode == 4, result.stdout + result.stderr
    assert "eligibility_lang must be one of vi, en; got 'fr'" in result.stderr


def test_pytest_reports_an_unusable_case_file_with_positions(tmp_path: Path) -> None:
    """GIVEN a case file with an unknown key WHEN pytest collects it THEN the collection
    error shows file:line:column and the suggestion, not a traceback."""
    write_cases(tmp_path, "cases:\n  - name: a\n    quota: pg-abroad\n    expectd: {}\n")
    result = run_pytest(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "plan.cases.yaml:5:5: error: unknown key 'expectd'" in result.stdout
    assert "did you mean 'expected'?" in result.stdout
    assert "Traceback" not in result.stdout


def test_the_docs_case_file_passes(tmp_path: Path) -> None:
    """GIVEN the YAML example of docs/property-testing.md WHEN run against the Hanoi
    rulebook THEN its cases pass."""
    page = (ROOT / "docs" / "property-testing.md").read_text(encoding="utf-8")
    block = page.split("## YAML cases", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "plan.cases.yaml"
    path.write_text(block.replace("rulebook: plan.yaml", "rulebook: hanoi-2022-2025.yaml"),
                    "utf-8")
    results = run_cases(load_cases(path, include_path=[RULES]))
    assert len(results) == 2
    assert all(result.passed for result in results), [r.render() for r in results]


@pytest.mark.parametrize("damage", ["nul", "fifo", "folder", "bomb"])
def test_an_unusable_case_file_exits_2_not_1(tmp_path: Path, damage: str) -> None:
    """GIVEN a case file with a NUL byte, a FIFO or a folder named like a case file, and a
    case file that is an alias bomb
    WHEN `eligibility test` runs on it THEN it exits 2 (the file cannot be used), never 1
    (which says a case failed), and names the file."""
    path = tmp_path / "plan.cases.yaml"
    if damage == "nul":
        write_cases(tmp_path, "cases:\n  - name: a\0\n    quota: pg-abroad\n    expected: {}\n")
    elif damage == "fifo":
        os.mkfifo(path)
    elif damage == "folder":
        path.mkdir()
    else:
        path.write_text("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{name}: &{name} [" + ", ".join([f"*{prior}"] * 9) + "]\n"
            for prior, name in zip("abcdefg", "bcdefgh", strict=True)))
    result = subprocess.run([sys.executable, "-m", "eligibility", "test", str(path)],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "plan.cases.yaml" in result.stderr
