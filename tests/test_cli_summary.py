"""What `eligibility rank` prints when done: quotas by title, counts, in the run's language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


@pytest.mark.parametrize(("language", "lines"), [
    ("vi", ["Kết quả theo chỉ tiêu",
            "Chỉ tiêu Số suất Được đề cử Đủ điều kiện Được chọn Điểm chuẩn",
            "pg-domestic 240 1.500 662 240 20",
            "Đào tạo sau đại học trong nước",
            "Đã đọc 3.000 dòng: xét 2.975 người (3.951 lượt đề cử), 25 dòng không đọc được.",
            "Được cử đi học: 741 · Dự bị: 1.175 · Đã được chọn ở chỉ tiêu khác: 84 · "
            "Không đủ điều kiện: 1.951"]),
    ("en", ["Quotas",
            "Quota Seats Nominated Eligible Selected Cut-off score",
            "pg-domestic 240 1,500 662 240 20",
            "Postgraduate training in Vietnam",
            "3,000 rows in: 2,975 people decided (3,951 nominations), 25 rows rejected.",
            "selected: 741 · reserve: 1,175 · placed in another quota: 84 · ineligible: 1,951"]),
])
def test_the_summary_names_quotas_by_title_with_numbers_in_the_language(
        tmp_path: Path, language: str, lines: list[str]) -> None:
    """GIVEN the bundled example WHEN ranked in a language THEN the summary table has that
    language's headers, each quota's code and title, numbers grouped the language's way,
    and the counts by status; the rejected rows are pointed to on stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(EXAMPLE), "--rules", str(RULES),
         "--out", str(tmp_path), "--lang", language],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    printed = [" ".join(line.replace("│", " ").replace("┃", " ").split())
               for line in result.stdout.splitlines()]
    for line in lines:
        assert line in printed, (line, printed)
    assert str(tmp_path / "rejected.csv") in result.stderr


def test_the_summary_says_how_each_cutoff_was_decided(tmp_path: Path) -> None:
    """GIVEN the bundled example ranked in English WHEN the summary is read THEN each quota
    has a line by its title telling how its cut-off was decided: the tie and the key that
    split it where there was one, and the eligible nominee of the health quota seated in
    a quota listed earlier."""
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "rank", str(EXAMPLE), "--rules", str(RULES),
         "--out", str(tmp_path), "--lang", "en"],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "400"})
    assert result.returncode == 0, result.stderr
    lines = {line.split(": ", 1)[0]: line for line in result.stdout.splitlines()
             if ": " in line}
    hr = lines["Human-resource management and development"]
    assert "84 nominees were tied on score 20 for the last 26 seats" in hr
    assert "date of birth decided" in hr
    health = lines["Health policy, digital transformation in health"]
    assert ("Eligible nominees seated in a quota they listed earlier: 1 "
            "(Postgraduate training in Vietnam: 1)") in health


_EMBEDDED = """
import sys
from typer.testing import CliRunner
from eligibility.cli import app
for columns, out in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
    result = CliRunner().invoke(app, ["rank", {example!r}, "--rules", {rules!r}, "--out", out,
                                      "--lang", "en"], env={{"COLUMNS": columns}})
    assert result.exit_code == 0, result.output
    table = [line for line in result.stdout.splitlines() if "\u2502" in line]
    print(columns, max(len(line) for line in table))
"""


def test_a_command_run_in_process_prints_at_the_width_of_that_run(tmp_path: Path) -> None:
    """GIVEN a program that imports the CLI while its terminal is 60 columns wide, then runs
    it in process at 200, 60 and 120 columns WHEN the example is ranked each time THEN each
    summary table is as wide as that run allows: the consoles are made for each run, not
    once when the CLI was imported."""
    runs = ["200", str(tmp_path / "a"), "60", str(tmp_path / "b"), "120", str(tmp_path / "c")]
    result = subprocess.run(
        [sys.executable, "-c", _EMBEDDED.format(example=str(EXAMPLE), rules=str(RULES)),
         *runs], capture_output=True, text=True, check=False,
        env={**os.environ, "COLUMNS": "60"})
    assert result.returncode == 0, result.stderr
    widest = {int(columns): int(width) for columns, width
              in (line.split() for line in result.stdout.splitlines())}
    assert all(width <= columns for columns, width in widest.items()), widest
    assert widest[200] > widest[120] > 100 > widest[60], widest
