"""Every deliberately broken rulebook fails with the error its expectation file describes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import eligibility
from eligibility.errors import RulebookError
from eligibility.i18n import LANGUAGES

BROKEN = Path(__file__).parent / "data" / "rulebooks" / "broken"
SHARED = Path(__file__).parent.parent / "rules"  # the include path: vn-regulations.yaml
CASES = sorted(path for path in BROKEN.glob("*.yaml") if not path.name.endswith(".expect.yaml"))


def _expectation(path: Path) -> dict:
    return yaml.safe_load(path.with_name(path.stem + ".expect.yaml").read_text())


def test_the_corpus_is_not_empty() -> None:
    """GIVEN the broken-rulebook folder THEN it holds at least twenty paired examples, each
    expecting words in both languages."""
    assert len(CASES) >= 20
    assert all(path.with_name(path.stem + ".expect.yaml").exists() for path in CASES)
    assert all(_expectation(path)["contains"] and _expectation(path)["vi"] for path in CASES)


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_broken_rulebook_reports_file_line_and_words(path: Path) -> None:
    """GIVEN a deliberately broken rulebook and its expectation
    WHEN it is loaded and its error rendered in each language
    THEN the expected error class is raised, one problem sits on the expected line of that
    file, and each rendering contains every phrase expected in its language (``contains``
    in English, ``vi`` in Vietnamese), with the file, line and caret."""
    expected = _expectation(path)
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path, include_path=[SHARED])
    error = caught.value
    assert type(error).__name__ == expected["error"]
    lines = {(Path(p.location.file).name, p.location.line) for p in error.problems if p.location}
    assert (path.name, expected["line"]) in lines, error.render("en")
    phrases = {"en": expected["contains"], "vi": expected["vi"]}
    for language in LANGUAGES:
        rendered = error.render(language)
        for phrase in phrases[language]:
            assert phrase in rendered, f"{phrase!r} not in:\n{rendered}"
        assert f"{path}:{expected['line']}:" in rendered
        assert "^" in rendered
    assert str(error) == error.render("vi")


@pytest.mark.parametrize("name", ["duplicate_top_key", "expression_syntax", "misspelt_field"])
def test_check_command_exits_2_naming_file_and_line(name: str) -> None:
    """GIVEN a rulebook with a duplicated key, a syntax error or a misspelt field
    WHEN `eligibility check` runs on it
    THEN it exits 2 and stderr names the file and the right line, with a caret."""
    path = BROKEN / f"{name}.yaml"
    line = _expectation(path)["line"]
    result = subprocess.run([sys.executable, "-m", "eligibility", "check", str(path),
                             "--include-path", str(SHARED)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert f"{path}:{line}:" in result.stderr
    assert "^" in result.stderr
    assert result.stdout == ""


def test_check_command_accepts_the_bundled_rulebook() -> None:
    """GIVEN the bundled Hanoi rulebook WHEN `eligibility check` runs THEN it exits 0."""
    result = subprocess.run([sys.executable, "-m", "eligibility", "check",
                             "rules/hanoi-2022-2025.yaml", "--lang", "en"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
    assert "9 quotas, 8 criteria, 4 priorities" in result.stdout


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """GIVEN a rulebook with two independent mistakes in two criteria
    WHEN it is loaded
    THEN both are reported, in file order."""
    text = (BROKEN.parent / "minimal.yaml").read_text()
    text = text.replace("age_on(birth_date, quota.start) <= quota.max_age",
                        "age_on(birth_dat, quota.start) <= quota.max_age")
    text = text.replace("position in quota.positions", "positon in quota.positions")
    path = tmp_path / "two.yaml"
    path.write_text(text)
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path, include_path=[SHARED])
    problems = caught.value.problems
    assert [problem.message.render("en") for problem in problems] == [
        "unknown name 'birth_dat'", "unknown name 'positon'"]
    assert [problem.message.render("vi") for problem in problems] == [
        "không có tên 'birth_dat'", "không có tên 'positon'"]


HOSTILE = ["alias_bomb", "recursive_alias", "deep_nesting", "nul_byte", "huge_integer",
           "seats_overflow", "seats_too_many", "budget_too_large", "include_outside",
           "include_absolute", "include_folder"]


# A process started from a large one (this test session) counts the starter's memory in its
# own peak, so a small Python starts the command and reports the command's peak alone.
_LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _check_with_peak_memory(path: Path, tmp_path: Path) -> tuple[int, str, int]:
    """Run `eligibility check PATH`; return its exit status, stderr and peak memory (KB)."""
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        launched = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m",
                                   "eligibility", "check", str(path), "--include-path",
                                   str(SHARED)], stdout=subprocess.PIPE, stderr=stderr,
                                  text=True, check=True)
    code, peak_kb = map(int, launched.stdout.split())
    return code, errors.read_text(), peak_kb


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_rulebooks_exit_2_within_a_few_hundred_mb(name: str, tmp_path: Path) -> None:
    """GIVEN a rulebook that once exhausted memory or crashed the loader (an alias bomb, a
    self-containing alias, 1,000-deep lists, a NUL byte, a 5,000-digit number, seats past 64
    bits, an include outside its folder...)
    WHEN `eligibility check` runs on it THEN it exits 2 naming the file and line, and the
    process never uses more than 400 MB."""
    path = BROKEN / f"{name}.yaml"
    code, stderr, peak_kb = _check_with_peak_memory(path, tmp_path)
    assert code == 2, stderr
    assert f"{path}:{_expectation(path)['line']}:" in stderr
    assert "internal error" not in stderr
    assert peak_kb < 400 * 1024, f"{peak_kb / 1024:.0f} MB"
