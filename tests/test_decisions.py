"""The decisions table written to decisions.csv, whatever types a rulebook gives its fields."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).parent.parent
MINIMAL = ROOT / "tests" / "data" / "rulebooks" / "minimal.yaml"
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"


def test_a_name_field_that_is_a_list_still_gives_a_csv(tmp_path: Path) -> None:
    """GIVEN a rulebook declaring full_name as a list of intervals (a name column that a
    CSV cell cannot hold as such)
    WHEN a nominee file is ranked THEN the run succeeds (exit 0, not an internal error) and
    decisions.csv has the column, empty."""
    text = MINIMAL.read_text().replace("    full_name: {type: text, required: true}",
                                       "    full_name: {type: \"list[interval]\"}")
    rulebook = tmp_path / "rules.yaml"
    rulebook.write_text(text)
    nominees = tmp_path / "nominees.csv"
    nominees.write_text("id,full_name,birth_date,gender,position,nominated_for\n"
                        "P1,2023-01-01/2023-02-01,1990-01-01,Nữ,thư ký,course-a\n")
    result = subprocess.run([sys.executable, "-m", "eligibility", "rank", str(nominees),
                             "--rules", str(rulebook), "--out", str(tmp_path / "out"),
                             "--include-path", str(ROOT / "rules")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    decisions = pl.read_csv(tmp_path / "out" / "decisions.csv")
    assert decisions["full_name"].null_count() == decisions.height == 1
