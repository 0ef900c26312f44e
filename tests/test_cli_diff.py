"""The ``eligibility diff`` command: sides from the options, the files it writes, its exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from eligibility.cli import app
from eligibility.whatif.table import DIFF_COLUMNS

ROOT = Path(__file__).parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"
ROUND_2025 = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.output


def _csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_the_rulebook_against_itself_writes_an_empty_diff(tmp_path: Path) -> None:
    """GIVEN the bundled rulebook given twice WHEN diffed THEN exit 0, diff.csv has its
    header and no row, the page says nothing changes, and the manifest records both sides
    and every file's SHA-256."""
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--rules", HANOI,
                           "--out", tmp_path)
    assert code == 0, output
    table = _csv(tmp_path / "diff.csv")
    assert table.columns == list(DIFF_COLUMNS) and table.is_empty()
    assert "Không có đề cử nào thay đổi." in (tmp_path / "diff.html").read_text()
    assert "không ai thay đổi" in output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"] == "diff"
    assert manifest["before"]["files"] == manifest["after"]["files"]
    assert set(manifest["outputs"]) == {"diff.csv", "diff-quotas.csv", "diff.html"}
    assert manifest["counts"]["nominations_changed"] == 0


def test_diff_equals_the_difference_of_two_rank_runs(tmp_path: Path) -> None:
    """GIVEN `rank` run with the bundled rulebook and again with --set quota.pg-abroad.max_age=38
    WHEN `diff` runs with the same --set THEN its rows are exactly the (person, quota) rows
    whose decision differs between the two decisions.csv files, with the same values; the
    --set applies to the after side only."""
    change = "quota.pg-abroad.max_age=38"
    for name, extra in (("before", ()), ("after", ("--set", change))):
        code, output = _invoke("rank", NOMINEES, "--rules", HANOI, "--out", tmp_path / name,
                               *extra)
        assert code == 0, output
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--set", change, "--out",
                           tmp_path / "diff", "--lang", "en")
    assert code == 0, output
    columns = ["status", "eligible", "score", "rank", "failed"]
    before, after = (_csv(tmp_path / name / "decisions.csv") for name in ("before", "after"))
    points = [name for name in before.columns if name.startswith("points.")]
    joined = before.join(after, on=["candidate_id", "quota_id"], how="full", coalesce=True,
                         suffix="_after")
    differs = pl.any_horizontal(pl.col(name).ne_missing(pl.col(f"{name}_after"))
                                for name in [*columns, *points])
    expected = joined.filter(differs).select(
        "candidate_id", "quota_id", *(pl.col(name).alias(f"{name}_before") for name in columns),
        *(pl.col(f"{name}_after") for name in columns)).sort("candidate_id", "quota_id")
    diff = _csv(tmp_path / "diff" / "diff.csv").select(expected.columns).sort(
        "candidate_id", "quota_id")
    assert diff.height > 0
    assert diff.equals(expected)
    manifest = json.loads((tmp_path / "diff" / "manifest.json").read_text())
    assert manifest["before"]["changes"] == [] and manifest["after"]["changes"] == [change]
    assert "nominations of" in output


def test_two_dates_compare_one_rulebook_before_and_after_decree_171(tmp_path: Path) -> None:
    """GIVEN the 2025 round and --as-of 2025-06-30 --as-of 2025-07-01
    WHEN diffed THEN only postgraduate nominations change, each eligibility change is the
    national age cap, and the manifest records each side's date."""
    code, output = _invoke("diff", NOMINEES, "--rules", ROUND_2025, "--as-of", "2025-06-30",
                           "--as-of", "2025-07-01", "--out", tmp_path)
    assert code == 0, output
    table = _csv(tmp_path / "diff.csv")
    assert set(table["quota_id"]) <= {"pg-abroad", "pg-domestic"}
    criteria = table.filter(pl.col("cause") == "criteria")
    assert criteria.height > 0 and set(criteria["criteria_changed"]) == {"national-age-cap"}
    assert criteria["explanation"].str.contains("quá tuổi tối đa 40").all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["before"]["as_of"], manifest["after"]["as_of"]) == ("2025-06-30",
                                                                          "2025-07-01")


def test_an_override_file_names_the_page_and_changes_the_after_side(tmp_path: Path) -> None:
    """GIVEN an override file giving the IT quota 30 seats, with a title
    WHEN diffed in English THEN the page's heading is the title and ten people enter tt-tt."""
    override = tmp_path / "it-seats.yaml"
    override.write_text("title: {vi: Thêm suất CNTT, en: Thirty IT seats}\n"
                        "set: {quota.tt-tt.seats: 30}\n", encoding="utf-8")
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--override", override,
                           "--out", tmp_path / "out", "--lang", "en")
    assert code == 0, output
    assert "<h1>Thirty IT seats</h1>" in (tmp_path / "out" / "diff.html").read_text()
    quotas = _csv(tmp_path / "out" / "diff-quotas.csv").filter(pl.col("quota_id") == "tt-tt")
    assert quotas.row(0, named=True)["entered"] == "10"


@pytest.mark.parametrize(("options", "words"), [
    (["--rules", HANOI, "--rules", HANOI, "--rules", HANOI], "--rules was given 3 times"),
    (["--rules", HANOI, "--as-of", "2023-01-01", "--as-of", "2023-02-01", "--as-of",
      "2023-03-01"], "--as-of was given 3 times"),
    (["--rules", HANOI, "--as-of", "1/7/2025"], "is not a date"),
])
def test_wrong_option_counts_or_dates_exit_2(tmp_path: Path, options: list[object],
                                            words: str) -> None:
    """GIVEN three rulebooks, three dates or a date not written YYYY-MM-DD
    WHEN diffed THEN exit 2 with a message saying what to give."""
    result = CliRunner().invoke(app, ["diff", str(NOMINEES), *map(str, options), "--out",
                                      str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2
    assert words in " ".join(result.output.split())


def test_a_wrong_set_exits_2_with_the_option_and_a_caret(tmp_path: Path) -> None:
    """GIVEN --set naming a quota that does not exist
    WHEN `eligibility diff` runs THEN it exits 2; stderr shows the option, a caret under
    the quota id and a suggestion; nothing is written."""
    result = subprocess.run(
        [sys.executable, "-m", "eligibility", "diff", str(NOMINEES), "--rules", str(HANOI),
         "--set", "quota.tt_tt.seats=30", "--out", str(tmp_path / "out"), "--lang", "en"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("--set:1:7: error: no quota has id 'tt_tt'")
    assert lines[2].index("^") == lines[1].index("tt_tt")
    assert "did you mean 'tt-tt'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_rank_refuses_an_as_of_date_outside_the_rulebook(tmp_path: Path) -> None:
    """GIVEN --as-of 2026-01-01 for the first round (in force until 2025-12-31)
    WHEN ranked THEN exit 2 naming the period."""
    code, output = _invoke("rank", NOMINEES, "--rules", HANOI, "--as-of", "2026-01-01",
                           "--out", tmp_path, "--lang", "en")
    assert code == 2
    assert "cannot be applied as of 2026-01-01" in output


def test_the_three_commands_of_the_what_if_page_run_as_written(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """GIVEN the first command block of docs/what-if.md ("the answer in three commands")
    WHEN each command is run as written, from the project's folder, into a scratch 'out/'
    THEN there are exactly three, each exits 0, and the diff's files are where the page
    says."""
    page = (ROOT / "docs" / "what-if.md").read_text(encoding="utf-8")
    block = page.split("```bash", 1)[1].split("```", 1)[0]
    commands = [" ".join(command.split()) for command in
                block.replace("\\\n", " ").splitlines() if command.strip()
                and not command.lstrip().startswith("#")]
    assert len(commands) == 3
    monkeypatch.chdir(ROOT)
    for command in commands:
        words = command.split()
        assert words[0] == "eligibility"
        words = [str(tmp_path / word) if word.startswith("out/") else word for word in words]
        code, output = _invoke(*words[1:])
        assert code == 0, (command, output)
    assert (tmp_path / "out" / "what-if-it-seats" / "diff.html").is_file()


def test_the_diff_never_overwrites_an_input_nor_writes_through_a_link(tmp_path: Path) -> None:
    """GIVEN a nominee file named diff.csv in the --out folder, --out naming a file, and a
    link planted as out/diff.csv WHEN diffed THEN the first two exit 2 saying why, leaving
    the input as it was; the third replaces the link and leaves its target untouched."""
    folder = tmp_path / "run"
    folder.mkdir()
    nominees = folder / "diff.csv"
    nominees.write_bytes(NOMINEES.read_bytes())
    code, output = _invoke("diff", nominees, "--rules", HANOI, "--out", folder, "--lang", "en")
    assert code == 2 and "is an input of this run" in " ".join(output.split())
    assert nominees.read_bytes() == NOMINEES.read_bytes()
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--out", nominees, "--lang", "en")
    assert code == 2 and "already exists and is not a folder" in " ".join(output.split())
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    (out / "diff.csv").symlink_to(target)
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--out", out)
    assert code == 0, output
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not (out / "diff.csv").is_symlink()
    assert sorted(path.name for path in out.iterdir()) == [
        "diff-quotas.csv", "diff.csv", "diff.html", "manifest.json"]


def test_explain_tells_one_persons_decision_under_the_change(tmp_path: Path) -> None:
    """GIVEN a reserve of the IT quota who enters it with 30 seats
    WHEN explained with and without --set quota.tt-tt.seats=30 THEN the status differs as
    the diff says."""
    code, output = _invoke("diff", NOMINEES, "--rules", HANOI, "--set", "quota.tt-tt.seats=30",
                           "--out", tmp_path)
    assert code == 0, output
    person = _csv(tmp_path / "diff.csv").row(0, named=True)["candidate_id"]
    statuses = []
    for extra in ((), ("--set", "quota.tt-tt.seats=30")):
        code, output = _invoke("explain", NOMINEES, "--rules", HANOI, "--id", person,
                               "--json", *extra)
        assert code == 0, output
        nominations = json.loads(output)["nominations"]
        statuses.append(next(item["status"] for item in nominations
                             if item["quota_id"] == "tt-tt"))
    assert statuses == ["reserve", "selected"]
