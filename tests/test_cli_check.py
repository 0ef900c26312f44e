"""`eligibility check`: rulebooks, shared files and test-case files, each checked as what
it is."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

RULES = Path("rules")


def _check(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "check", str(path), *options],
                          capture_output=True, text=True, check=False)


def _copy_rules(folder: Path) -> Path:
    for name in ("hanoi-2022-2025.yaml", "vn-regulations.yaml", "hanoi-2022-2025.cases.yaml"):
        shutil.copy(RULES / name, folder / name)
    return folder


def test_the_shared_file_of_the_example_is_valid() -> None:
    """GIVEN rules/vn-regulations.yaml, a file rulebooks include WHEN checked THEN it is
    recognised as a shared file, valid, with its contents counted and the rulebook that
    includes it named."""
    result = _check(RULES / "vn-regulations.yaml", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "rules/vn-regulations.yaml: valid — shared file vn-regulations version 2025.1" \
        in result.stdout
    assert "8 legal texts, 3 vocabularies, 6 parameters" in result.stdout
    assert "included by, and checked with: hanoi-2022-2025.yaml" in result.stdout
    vietnamese = _check(RULES / "vn-regulations.yaml")
    assert "hợp lệ — tệp dùng chung vn-regulations" in vietnamese.stdout


def test_a_bad_value_in_a_shared_file_is_reported_in_that_file(tmp_path: Path) -> None:
    """GIVEN a shared file whose retirement-age schedule holds an age that is not one WHEN
    the shared file is checked THEN it exits 2 with the error at that line of the shared
    file, found by checking it inside the rulebook that includes it."""
    folder = _copy_rules(tmp_path)
    shared = folder / "vn-regulations.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("2022: 60y6m", "2022: 60x6m"),
                      encoding="utf-8")
    line = next(number for number, text in enumerate(
        shared.read_text(encoding="utf-8").splitlines(), start=1) if "60x6m" in text)
    result = _check(shared, "--lang", "en")
    assert result.returncode == 2, result.stdout
    assert f"{shared}:{line}:" in result.stderr
    assert "60x6m" in result.stderr
    assert result.stdout == ""


def test_a_schema_error_in_a_shared_file_is_reported_alone(tmp_path: Path) -> None:
    """GIVEN a shared file with a misspelt section and no rulebook beside it WHEN checked
    THEN it exits 2 naming the key."""
    shared = tmp_path / "vn-regulations.yaml"
    shared.write_text((RULES / "vn-regulations.yaml").read_text(encoding="utf-8").replace(
        "\nparameters:", "\nparametres:"), encoding="utf-8")
    result = _check(shared, "--lang", "en")
    assert result.returncode == 2
    assert "unknown key 'parametres'" in result.stderr


def test_a_shared_file_no_rulebook_includes_says_so(tmp_path: Path) -> None:
    """GIVEN a valid shared file alone in its folder WHEN checked THEN it is valid and the
    output says no rulebook beside it includes it."""
    shutil.copy(RULES / "vn-regulations.yaml", tmp_path / "vn-regulations.yaml")
    result = _check(tmp_path / "vn-regulations.yaml", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "no rulebook in its folder includes it" in result.stdout


def test_a_rulebook_broken_elsewhere_does_not_fail_its_shared_file(tmp_path: Path) -> None:
    """GIVEN a valid shared file included by a rulebook with an error of its own WHEN the
    shared file is checked THEN it is valid and the rulebook is named as having problems
    of its own."""
    folder = _copy_rules(tmp_path)
    rulebook = folder / "hanoi-2022-2025.yaml"
    rulebook.write_text(rulebook.read_text(encoding="utf-8").replace(
        "condition: not under_discipline", "condition: not under_disciplin"), encoding="utf-8")
    result = _check(folder / "vn-regulations.yaml", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert f"{rulebook} has problems of its own" in " ".join(result.stdout.split())
    assert _check(rulebook).returncode == 2


def test_a_case_file_is_checked_as_one() -> None:
    """GIVEN the example's test-case file WHEN checked THEN it is valid, with its number of
    cases and its rulebook."""
    result = _check(RULES / "hanoi-2022-2025.cases.yaml", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "valid — 50 test cases for rulebook hanoi-2022-2025" in " ".join(
        result.stdout.split())


def test_the_rulebook_summary_is_in_the_language() -> None:
    """GIVEN the example's rulebook WHEN checked in each language THEN the summary and the
    dates are written in that language."""
    vietnamese = _check(RULES / "hanoi-2022-2025.yaml")
    assert "hợp lệ — bộ quy tắc hanoi-2022-2025, phiên bản 2023.1, hiệu lực từ 19/05/2022 " \
           "đến 31/12/2025" in vietnamese.stdout
    assert "9 chỉ tiêu, 8 điều kiện, 4 tiêu chí ưu tiên" in vietnamese.stdout
    english = _check(RULES / "hanoi-2022-2025.yaml", "--lang", "en")
    assert "in force 2022-05-19 to 2025-12-31" in english.stdout
