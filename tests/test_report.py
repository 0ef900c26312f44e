"""The selection report: its numbers are the run's, it is self-contained, checked, in the
run's language, and the same whether written with the run or afterwards."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from tests.report_html import ReportShown, parse_report

import eligibility
from eligibility.i18n import catalogue, t
from eligibility.output.report.figures import fix_hint

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


def _eligibility(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", *map(str, args)],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def vi_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vi") / "run"
    result = _eligibility("rank", EXAMPLE, "--rules", RULES, "--out", out, "--report")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def shown(vi_run: Path) -> ReportShown:
    return parse_report((vi_run / "report.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def decisions(vi_run: Path) -> pl.DataFrame:
    return pl.read_csv(vi_run / "decisions.csv", infer_schema=False).with_columns(
        pl.col("rank", "row", "preference").cast(pl.Int64), pl.col("score").cast(pl.Float64))


@pytest.fixture(scope="module")
def rulebook() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(RULES)


def test_every_quota_figure_equals_a_recount_of_decisions_csv(
        shown: ReportShown, decisions: pl.DataFrame,
        rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the example's run with --report WHEN each quota's figures are read back from
    report.html THEN nominated, eligible, ineligible, selected, reserve, placed elsewhere and
    the cut-off score equal a recount of decisions.csv."""
    assert set(shown.quotas) == set(rulebook.quotas)
    for quota_id, quota in shown.quotas.items():
        rows = decisions.filter(pl.col("quota_id") == quota_id)
        status = rows["status"]
        expected = {
            "nominated": rows.height,
            "eligible": int((rows["eligible"] == "true").sum()),
            "ineligible": int((status == "ineligible").sum()),
            "selected": int((status == "selected").sum()),
            "reserve": int((status == "reserve").sum()),
            "placed_elsewhere": int((status == "placed_elsewhere").sum()),
            "seats": rulebook.quota(quota_id).quota.seats,
        }
        assert {name: int(quota.figures[name]) for name in expected} == expected, quota_id
        lowest = rows.filter(pl.col("status") == "selected")["score"].min()
        assert float(quota.figures["cutoff_score"]) == lowest, quota_id
        plan = rulebook.quota(quota_id).quota
        assert int(quota.figures["budget"]) == plan.budget
        assert int(quota.figures["budget_used"]) == round(
            expected["selected"] * plan.budget / plan.seats), quota_id


def test_the_lists_are_the_selected_and_reserve_of_decisions_csv_in_rank_order(
        shown: ReportShown, decisions: pl.DataFrame) -> None:
    """GIVEN the example's report WHEN its selected and reserve lists are read THEN the
    selected list is every selected nomination of the quota by rank, and the reserve list
    the first reserves by rank, with decisions.csv's ranks and scores."""
    for quota_id, quota in shown.quotas.items():
        for kind in ("selected", "reserve", "placed_elsewhere"):
            expected = (decisions.filter((pl.col("quota_id") == quota_id)
                                         & (pl.col("status") == kind)).sort("rank"))
            listed = quota.lists.get(kind, [])
            if kind == "selected":
                assert len(listed) == expected.height, quota_id
            assert [row["data-id"] for row in listed] == \
                expected["candidate_id"].head(len(listed)).to_list(), (quota_id, kind)
            assert [int(row["data-rank"]) for row in listed] == \
                expected["rank"].head(len(listed)).to_list()
            assert [float(row["data-score"]) for row in listed] == \
                expected["score"].head(len(listed)).to_list()
        if quota.figures["reserve"] != "0":
            assert quota.lists["reserve"], quota_id


def test_ineligibility_counts_per_criterion_equal_decisions_csv(
        shown: ReportShown, decisions: pl.DataFrame) -> None:
    """GIVEN the example's report WHEN each quota's counts per criterion are read THEN each
    equals the number of that quota's rows whose `failed` names the criterion."""
    for quota_id, quota in shown.quotas.items():
        rows = decisions.filter(pl.col("quota_id") == quota_id)
        assert quota.criteria, quota_id
        for criterion, count in quota.criteria.items():
            failed = rows["failed"].fill_null("").str.split(";").list.contains(criterion)
            assert count == int(failed.sum()), (quota_id, criterion)


def test_shares_of_women_are_recounted_from_the_input(
        shown: ReportShown, decisions: pl.DataFrame) -> None:
    """GIVEN the example's report WHEN the count of women among each quota's nominated and
    selected is read THEN it equals a count joining decisions.csv to the input's gender."""
    def woman(word: str) -> bool:
        letters = unicodedata.normalize("NFD", word.strip().lower())
        return "".join(c for c in letters if not unicodedata.combining(c)) in {"f", "female",
                                                                               "nu"}

    people = pl.read_csv(EXAMPLE, infer_schema=False).select(
        pl.col("id").alias("candidate_id"),
        pl.col("gender").map_elements(woman, return_dtype=pl.Boolean).alias("woman"))
    joined = decisions.join(people.unique("candidate_id", keep="none"), on="candidate_id")
    for quota_id, quota in shown.quotas.items():
        rows = joined.filter(pl.col("quota_id") == quota_id)
        selected = rows.filter(pl.col("status") == "selected")
        assert quota.measures[("women", "nominated")] == (int(rows["woman"].sum()), rows.height)
        assert quota.measures[("women", "selected")] == (int(selected["woman"].sum()),
                                                         selected.height)


def test_the_cutoff_section_names_the_tie_and_both_sides_of_the_line(
        shown: ReportShown, decisions: pl.DataFrame) -> None:
    """GIVEN a quota whose last selected and first reserve share a score
    WHEN its cut-off section is read THEN it names both people and how many were tied."""
    checked = 0
    for quota_id, quota in shown.quotas.items():
        rows = decisions.filter(pl.col("quota_id") == quota_id)
        selected = rows.filter(pl.col("status") == "selected").sort("rank")
        reserve = rows.filter(pl.col("status") == "reserve").sort("rank")
        if reserve.is_empty() or selected["score"][-1] != reserve["score"][0]:
            continue
        cutoff = selected["score"][-1]
        level = rows.filter(pl.col("status").is_in(["selected", "reserve"])
                            & (pl.col("score") == cutoff))
        text = " ".join(quota.cutoff_text.split())
        assert selected["candidate_id"][-1] in text and reserve["candidate_id"][0] in text
        assert f"Có {level.height} người bằng nhau" in text, quota_id
        checked += 1
    assert checked >= 3


def test_the_cover_counts_are_the_manifests(shown: ReportShown, vi_run: Path) -> None:
    """GIVEN the example's report WHEN the round's counts are read THEN they are the
    manifest's, and rows in = people decided + rows rejected."""
    counts = json.loads((vi_run / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert {name: int(value) for name, value in shown.cover.items()} == \
        {name: counts[name] for name in shown.cover}
    assert counts["rows_in"] == counts["people_decided"] + counts["rows_rejected"]


def test_every_rejected_row_is_shown_once(shown: ReportShown, vi_run: Path) -> None:
    """GIVEN the example's 25 unreadable rows WHEN the report's rejected section is read
    THEN every row of rejected.csv appears exactly once."""
    rejected = pl.read_csv(vi_run / "rejected.csv", infer_schema=False)
    assert sorted(shown.rejected_rows) == sorted(int(row) for row in rejected["row"])


def test_the_report_is_self_contained_and_runs_nothing(vi_run: Path,
                                                       shown: ReportShown) -> None:
    """GIVEN the example's report WHEN its markup is inspected THEN it has no script, no
    external resource (no src, no link, no remote href or url()), and a Content Security
    Policy that forbids requests."""
    html = (vi_run / "report.html").read_text(encoding="utf-8")
    assert not {"script", "iframe", "img", "link", "object", "embed"} & shown.tags
    assert not [a for a in shown.attributes if a[1] == "src"]
    assert all(value.startswith("#") for _, name, value in shown.attributes
               if name in ("href", "xlink:href"))
    assert "url(" not in html.replace("url(#", "")
    assert "@import" not in html
    assert "default-src 'none'" in html
    assert html.count("<svg") >= 3 * len(shown.quotas)


def test_report_command_gives_the_same_bytes_and_manifest_as_rank(
        vi_run: Path, tmp_path: Path) -> None:
    """GIVEN a run written with --report WHEN `eligibility report` rewrites its report from
    the folder THEN report.html and manifest.json are byte-identical."""
    again = tmp_path / "again"
    shutil.copytree(vi_run, again)
    (again / "report.html").unlink()
    result = _eligibility("report", again, "--rules", RULES, "--nominees", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert (again / "report.html").read_bytes() == (vi_run / "report.html").read_bytes()
    assert (again / "manifest.json").read_bytes() == (vi_run / "manifest.json").read_bytes()


def test_report_of_a_run_without_one_is_added_to_its_manifest(tmp_path: Path) -> None:
    """GIVEN a run written without --report, in English WHEN `eligibility report` runs
    THEN report.html is written in English and listed in the manifest with its SHA-256."""
    out = tmp_path / "run"
    assert _eligibility("rank", EXAMPLE, "--rules", RULES, "--out", out,
                        "--lang", "en").returncode == 0
    before = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "report.html" not in before["outputs"]
    result = _eligibility("report", out, "--rules", RULES, "--nominees", EXAMPLE)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    digest = __import__("hashlib").sha256((out / "report.html").read_bytes()).hexdigest()
    assert manifest["outputs"]["report.html"] == digest
    assert {**manifest, "outputs": before["outputs"]} == before
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert t("report.cutoff_heading", "en") in html
    assert t("report.cutoff_heading", "vi") not in html


@pytest.mark.parametrize("tamper", ["nominees", "decisions", "rulebook", "manifest", "folder"])
def test_report_refuses_files_that_are_not_the_runs(vi_run: Path, tmp_path: Path,
                                                    tamper: str) -> None:
    """GIVEN a finished run and one of its inputs or outputs changed afterwards
    WHEN `eligibility report` runs THEN it exits 2 naming the file, with no traceback, and
    leaves no report behind."""
    run = tmp_path / "run"
    shutil.copytree(vi_run, run)
    (run / "report.html").unlink()
    nominees, rules = tmp_path / "nominees.csv", tmp_path / "rules"
    shutil.copy(EXAMPLE, nominees)
    shutil.copytree(RULES.parent, rules)
    rulebook = rules / RULES.name
    folder = run
    if tamper == "nominees":
        nominees.write_bytes(nominees.read_bytes() + b"\n")
    elif tamper == "decisions":
        path = run / "decisions.csv"
        path.write_bytes(path.read_bytes().replace(b",selected,", b",reserve,", 1))
    elif tamper == "rulebook":
        rulebook.write_text(rulebook.read_text(encoding="utf-8").replace(
            "seats: 60", "seats: 61"), encoding="utf-8")
    elif tamper == "manifest":
        (run / "manifest.json").write_text("{not json", encoding="utf-8")
    else:
        folder = tmp_path / "empty"
        folder.mkdir()
    result = _eligibility("report", folder, "--rules", rulebook, "--nominees", nominees)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    named = {"nominees": "nominees.csv", "decisions": "decisions.csv", "rulebook": RULES.name,
             "manifest": "manifest.json", "folder": "manifest.json"}[tamper]
    assert named in result.stderr
    key = {"nominees": "error_input_checksum", "decisions": "error_checksum",
           "rulebook": "error_rulebook", "manifest": "error_not_manifest",
           "folder": "error_no_manifest"}[tamper]
    template = catalogue()[f"report.{key}"]["vi"]  # the run's language: Vietnamese
    fixed = max(re.split(r"\{[^}]*\}", template), key=len).strip()
    assert fixed in " ".join(result.stderr.split()), (fixed, result.stderr)
    assert not (folder / "report.html").exists()


def test_hostile_names_are_shown_as_text(tmp_path: Path) -> None:
    """GIVEN nominees whose name and agency are HTML and a formula WHEN the report is written
    THEN they appear escaped, and the report holds no script or image element."""
    frame = pl.read_csv(EXAMPLE, infer_schema=False).head(60).with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("<script>alert(1)</script>"))
        .otherwise(pl.col("full_name")).alias("full_name"),
        pl.when(pl.int_range(pl.len()) < 5).then(pl.lit('<img src=x onerror="alert(2)">'))
        .otherwise(pl.col("agency")).alias("agency"))
    path = tmp_path / "hostile.csv"
    frame.write_csv(path)
    out = tmp_path / "out"
    result = _eligibility("rank", path, "--rules", RULES, "--out", out, "--report")
    assert result.returncode == 0, result.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    shown = parse_report(html)
    assert "script" not in shown.tags and "img" not in shown.tags
    assert "&lt;img src=x onerror=" in html


def test_every_report_message_exists_in_both_languages_and_is_used() -> None:
    """GIVEN the report's catalogue WHEN compared with the templates and modules THEN every
    key they name exists, and every key is named somewhere (no dead text)."""
    sources = "".join(path.read_text(encoding="utf-8") for path in
                      Path("src/eligibility/output/report").rglob("*") if path.is_file()
                      and path.suffix in (".py", ".j2"))
    sources += "".join(Path(f"src/eligibility/cli/{name}.py").read_text(encoding="utf-8")
                       for name in ("report", "rank"))
    keys = {key.removeprefix("report.") for key in catalogue() if key.startswith("report.")}
    named = set(re.findall(r"""\b(?:tr|t|message)\(\s*f?["']report\.([a-z_0-9]+)""",
                           sources))
    prefixes = {key for key in named if key.endswith("_")}
    missing = {key for key in named - prefixes if key not in keys}
    assert not missing, missing
    assert all(any(key.startswith(prefix) for key in keys) for prefix in prefixes)
    unused = {key for key in keys if key not in named
              and not any(key.startswith(prefix) for prefix in prefixes)}
    assert not unused, unused


def test_what_to_fix_follows_the_field(rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN rejected columns of several kinds WHEN the fix is asked for THEN a vocabulary
    lists its labels, a date shows the format, the id asks for one row per person, and a
    yearly rating column is recognised by its pattern."""
    assert "cong_chuc" not in fix_hint(rulebook, "category", "vi")
    assert "công chức" in fix_hint(rulebook, "category", "vi").lower()
    assert "DD/MM/YYYY" in fix_hint(rulebook, "birth_date", "vi")
    assert fix_hint(rulebook, "id", "en") == t("report.fix_id", "en")
    assert "excellent" in fix_hint(rulebook, "rating_2022", "en").lower()
    assert "noi-vu-hr" in fix_hint(rulebook, "nominated_for", "en")


def test_long_rejected_lists_are_cut_with_their_totals_kept(
        vi_run: Path, rulebook: eligibility.CompiledRulebook,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a limit of 2 rejected rows shown per agency and problem WHEN the figures are
    built THEN no problem lists more than 2 rows, yet the totals still add up to every
    rejected row, grouped by the agency written on each row of the input."""
    from eligibility.output.report import facts_from_input, figures, read_manifest, read_run

    monkeypatch.setattr(figures, "REJECTED_SHOWN", 2)
    facts = facts_from_input(EXAMPLE, rulebook, manifest=read_manifest(vi_run))
    built = figures.build_figures(read_run(vi_run, rulebook), facts, rulebook, "en")
    problems = [problem for group in built.rejected for problem in group.problems]
    assert all(len(problem.rows) <= 2 for problem in problems)
    assert sum(problem.total for problem in problems) == built.rejected_rows == 25
    raw = pl.read_csv(EXAMPLE, infer_schema=False).with_row_index("row", offset=1)
    rejected = pl.read_csv(vi_run / "rejected.csv", infer_schema=False).with_columns(
        pl.col("row").cast(pl.UInt32))
    expected = (rejected.join(raw.select("row", "agency"), on="row")
                .group_by(pl.col("agency").str.strip_chars().str.normalize("NFC")).len())
    assert {group.agency: group.count for group in built.rejected} == dict(expected.iter_rows())


def test_a_run_with_changed_rules_is_reported_with_the_same_changes(tmp_path: Path) -> None:
    """GIVEN a run made with --set quota.tt-tt.seats=30 WHEN `eligibility report` is given
    the plain rulebook THEN it refuses (exit 2, naming the change); given the same --set it
    writes a report that shows 30 seats for that quota."""
    out = tmp_path / "run"
    change = "quota.tt-tt.seats=30"
    assert _eligibility("rank", EXAMPLE, "--rules", RULES, "--out", out, "--set", change,
                        "--lang", "en").returncode == 0
    plain = _eligibility("report", out, "--rules", RULES, "--nominees", EXAMPLE)
    assert plain.returncode == 2 and change in plain.stderr
    assert not (out / "report.html").exists()
    same = _eligibility("report", out, "--rules", RULES, "--nominees", EXAMPLE, "--set", change)
    assert same.returncode == 0, same.stderr
    shown = parse_report((out / "report.html").read_text(encoding="utf-8"))
    assert shown.quotas["tt-tt"].figures["seats"] == "30"
