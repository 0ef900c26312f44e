"""Every deliberately broken rulebook fails with the error its expectation file describes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import eligibility
from eligibility.errors import RulebookError

BROKEN = Path(__file__).parent / "data" / "rulebooks" / "broken"
SHARED = Path(__file__).parent.parent / "rules"  # the include path: vn-regulations.yaml
CASES = sorted(path for path in BROKEN.glob("*.yaml") if not path.name.endswith(".expect.yaml"))


def _expectation(path: Path) -> dict:
    return yaml.safe_load(path.with_name(path.stem + ".expect.yaml").read_text())


def test_the_corpus_is_not_empty() -> None:
    """GIVEN the broken-rulebook folder THEN it holds at least twenty paired examples."""
    assert len(CASES) >= 20
    assert all(path.with_name(path.stem + ".expect.yaml").exists() for path in CASES)


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_broken_rulebook_reports_file_line_and_words(path: Path) -> None:
    """GIVEN a deliberately broken rulebook and its expectation
    WHEN it is loaded
    THEN the expected error class is raised, one problem sits on the expected line of that
    file, and the rendered message contains every expected phrase."""
    expected = _expectation(path)
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path, include_path=[SHARED])
    error = caught.value
    assert type(error).__name__ == expected["error"]
    lines = {(Path(p.location.file).name, p.location.line) for p in error.problems if p.location}
    assert (path.name, expected["line"]) in lines, error.render()
    rendered = error.render()
    for phrase in expected["contains"]:
        assert phrase in rendered, f"{phrase!r} not in:\n{rendered}"
    assert f"{path}:{expected['line']}:" in rendered


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
    messages = [problem.message for problem in caught.value.problems]
    assert messages == ["unknown name 'birth_dat'", "unknown name 'positon'"]


HOSTILE = ["alias_bomb", "recursive_alias", "deep_nesting", "nul_byte", "huge_integer",
           "seats_overflow", "seats_too_many", "budget_too_large", "include_outside",
           "include_absolute", "include_folder"]


def _check_with_peak_memory(path: Path, tmp_path: Path) -> tuple[int, str, int]:
    """Run `eligibility check PATH`; return its exit status, stderr and peak memory (KB)."""
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "eligibility", "check", str(path),
                                    "--include-path", str(SHARED)],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, errors.read_text(), usage.ru_maxrss


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
