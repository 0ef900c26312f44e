"""Rulebook compilation: includes, effective dates, quota binding, the library API."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import eligibility
from eligibility.errors import RecordError, RulebookError

ROOT = Path(__file__).parent.parent
MINIMAL = ROOT / "tests" / "data" / "rulebooks" / "minimal.yaml"

EFFECTIVE = """
quotas:
  - id: before
    title: {vi: Trước, en: Before}
    lead: Sở Nội vụ
    kind: postgraduate
    seats: 5
    budget: 500
    start: 2025-06-30
    end: 2026-06-30
    positions: [clerk]
  - id: after
    title: {vi: Sau, en: After}
    lead: Sở Nội vụ
    kind: postgraduate
    seats: 5
    budget: 500
    start: 2025-07-01
    end: 2026-07-01
    positions: [clerk]
criteria:
  - id: age-cap
    title: {vi: Tuổi, en: Age}
    basis: [nd-101-2017-art-6]
    condition: age_on(birth_date, quota.start) <= postgraduate_age_cap_cong_chuc
    message:
      vi: "Quá {postgraduate_age_cap_cong_chuc} tuổi"
      en: "Over {postgraduate_age_cap_cong_chuc}"
  - id: commitment
    title: {vi: Cam kết, en: Commitment}
    versions:
      - effective: {from: 2017-10-21, until: 2025-06-30}
        condition: position == 'clerk'
        message: {vi: Theo NĐ 101, en: Under Decree 101}
        basis: [nd-101-2017-art-6]
      - effective: {from: 2025-07-01}
        condition: position == 'manager'
        message: {vi: Theo NĐ 171, en: Under Decree 171}
        basis: [nd-171-2025]
priorities: []
ranking:
  - {key: id, order: ascending}
"""


@pytest.fixture
def effective_rulebook(tmp_path: Path) -> eligibility.CompiledRulebook:
    head = MINIMAL.read_text().split("quotas:", 1)[0]
    path = tmp_path / "effective.yaml"
    path.write_text(head + EFFECTIVE)
    return eligibility.load_rulebook(path, include_path=[ROOT / "rules"])


def _record(birth: str, position: str = "clerk") -> dict[str, object]:
    return {"id": "X1", "full_name": "Trần Văn A", "birth_date": birth, "gender": "Nam",
            "position": position, "nominated_for": "before;after"}


def test_parameter_version_in_force_on_the_course_start_applies(
        effective_rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN the postgraduate age cap (40 under NĐ 101/2017, 45 under NĐ 171/2025 from
    1 July 2025) and courses starting on 30 June and on 1 July 2025
    WHEN a person aged 43 is evaluated
    THEN the old cap fails them for the first course and the new cap admits them to the
    second; the message shows the cap in force."""
    results = {e.quota_id: e for e in eligibility.evaluate(effective_rulebook,
                                                          _record("1982-01-01"))}
    assert "age-cap" in results["before"].failed
    assert results["before"].reasons("en").startswith("Over 40")
    assert "age-cap" not in results["after"].failed


def test_criterion_version_in_force_on_the_course_start_applies(
        effective_rulebook: eligibility.CompiledRulebook) -> None:
    """GIVEN a criterion whose wording changes on 1 July 2025
    WHEN a clerk is evaluated for a course before and one after
    THEN the old wording admits them and the new one fails them, citing the new decree."""
    results = {e.quota_id: e for e in eligibility.evaluate(effective_rulebook,
                                                          _record("1990-01-01"))}
    assert results["before"].eligible
    assert results["after"].failed == ("commitment",)
    outcome = next(o for o in results["after"].outcomes if o.id == "commitment")
    assert outcome.messages["en"] == "Under Decree 171"
    assert [text.id for text in outcome.basis] == ["nd-171-2025"]


def test_hanoi_rulebook_binds_each_quota_to_its_own_rules() -> None:
    """GIVEN the Hanoi rulebook WHEN compiled THEN fostering quotas get the five fostering
    criteria and postgraduate quotas the five postgraduate ones, all four priorities each."""
    rulebook = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
    fostering = ["position-match", "working-time-left", "rating-last-year", "no-discipline",
                 "no-overlap"]
    postgraduate = ["position-match", "no-overlap", "age-limit", "service-years",
                    "ratings-two-years"]
    for quota_id, rules in rulebook.quotas.items():
        expected = postgraduate if quota_id.startswith("pg-") else fostering
        assert [criterion.id for criterion in rules.criteria] == expected
        assert [priority.id for priority in rules.priorities] == [
            "young", "female", "excellent", "succession"]
    assert all(criterion.basis for rules in rulebook.quotas.values()
               for criterion in rules.criteria)


def test_a_name_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    """GIVEN a rulebook that defines a vocabulary its include also defines
    WHEN loaded THEN the error names the vocabulary and the included file."""
    text = MINIMAL.read_text().replace(
        "vocabularies:\n", "vocabularies:\n  gender:\n    values: {f: [], m: []}\n")
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    with pytest.raises(RulebookError, match="vocabulary 'gender' is defined both here"):
        eligibility.load_rulebook(path, include_path=[ROOT / "rules"])


def test_evaluate_reads_a_record_as_a_file_row_would() -> None:
    """GIVEN a record written with Python values and Vietnamese words
    WHEN evaluated THEN it is read like a file row, and a bad value raises RecordError
    naming the field."""
    rulebook = eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")
    record = {"id": "HN-9", "full_name": "Lê Thị Hoa", "birth_date": dt.date(1992, 2, 29),
              "gender": "nữ", "category": "Viên chức", "position": "public-health",
              "service_start": dt.date(2015, 1, 5),
              "rating": {2020: "HTXSNV", 2021: "excellent", 2022: "hoàn thành tốt nhiệm vụ"},
              "succession_plan": True, "nominated_for": ["y-te", "pg-abroad"]}
    results = {e.quota_id: e for e in eligibility.evaluate(rulebook, record)}
    assert results["y-te"].eligible
    assert results["y-te"].points == {"young": 10, "female": 10, "excellent": 10,
                                      "succession": 5}
    assert results["pg-abroad"].eligible and results["pg-abroad"].score == 35
    with pytest.raises(RecordError) as caught:
        eligibility.evaluate(rulebook, {**record, "birth_date": "31/02/1990"})
    assert caught.value.field == "birth_date"


# --- includes: confined, found through the include path --------------------------------------


def _plan_folder(tmp_path: Path, include: str) -> Path:
    """tmp/plan/plan.yaml (the minimal rulebook including ``include``) and tmp/national/."""
    (tmp_path / "plan").mkdir()
    (tmp_path / "national").mkdir()
    shutil.copy(ROOT / "rules" / "vn-regulations.yaml", tmp_path / "national")
    path = tmp_path / "plan" / "plan.yaml"
    path.write_text(MINIMAL.read_text().replace("include: [vn-regulations.yaml]",
                                                f"include: [{include}]"))
    return path


@pytest.mark.parametrize("include", ["vn-regulations.yaml", "../national/vn-regulations.yaml"])
def test_an_include_is_found_through_the_include_path(tmp_path: Path, include: str) -> None:
    """GIVEN a shared file in a folder beside the rulebook's
    WHEN loaded without, then with that folder as include path
    THEN it is refused (not found, or outside), then loaded, its checksum recorded."""
    path = _plan_folder(tmp_path, include)
    with pytest.raises(RulebookError, match=r"does not exist|outside the rulebook's folder"):
        eligibility.load_rulebook(path)
    rulebook = eligibility.load_rulebook(path, include_path=[tmp_path / "national"])
    shared = (tmp_path / "national" / "vn-regulations.yaml").resolve()
    assert rulebook.files[str(shared)] == hashlib.sha256(shared.read_bytes()).hexdigest()


def test_a_foreign_file_is_never_read_nor_shown(tmp_path: Path) -> None:
    """GIVEN a rulebook including a file beside its folder (as /etc/shadow would be)
    WHEN loaded THEN the error says the include is outside, and no line of it is shown."""
    (tmp_path / "shadow").write_text("root:$6$secret-hash:19000:0:99999:7:::\n")
    path = _plan_folder(tmp_path, "../shadow")
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path, include_path=[tmp_path / "national"])
    assert "outside the rulebook's folder" in caught.value.render()
    assert "secret-hash" not in caught.value.render()


def test_too_many_includes_are_refused(tmp_path: Path) -> None:
    """GIVEN a rulebook naming 40 includes WHEN loaded THEN the error names max_includes."""
    path = _plan_folder(tmp_path, ", ".join(["vn-regulations.yaml"] * 40))
    with pytest.raises(RulebookError, match=r"40 files are included, more than 32.*"
                                            r"\(max_includes\)"):
        eligibility.load_rulebook(path, include_path=[tmp_path / "national"])


def test_the_include_path_must_name_folders(tmp_path: Path) -> None:
    """GIVEN an include path naming a file WHEN loaded THEN the error says so."""
    path = _plan_folder(tmp_path, "vn-regulations.yaml")
    with pytest.raises(RulebookError, match="is not a folder"):
        eligibility.load_rulebook(path, include_path=[path])


def test_check_finds_includes_through_include_path_option(tmp_path: Path) -> None:
    """GIVEN a rulebook whose shared file is in another folder
    WHEN `eligibility check` runs with and without --include-path THEN exit 0, and 2."""
    path = _plan_folder(tmp_path, "vn-regulations.yaml")
    command = [sys.executable, "-m", "eligibility", "check", str(path)]
    without = subprocess.run(command, capture_output=True, text=True, check=False)
    with_path = subprocess.run([*command, "--include-path", str(tmp_path / "national")],
                               capture_output=True, text=True, check=False)
    assert without.returncode == 2 and "vn-regulations.yaml" in without.stderr
    assert with_path.returncode == 0, with_path.stderr


def test_an_alias_bomb_in_an_included_file_is_refused(tmp_path: Path) -> None:
    """GIVEN a rulebook whose included file is a 500-byte alias bomb
    WHEN loaded THEN the error names the included file and the limit (max_values)."""
    path = _plan_folder(tmp_path, "vn-regulations.yaml")
    shared = tmp_path / "national" / "vn-regulations.yaml"
    bomb = "x: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [" + ", ".join([f"*{prior}"] * 9) + "]\n"
        for prior, name in zip("abcdefgh", "bcdefghi", strict=True))
    shared.write_text(bomb)
    assert len(bomb) <= 500
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(path, include_path=[tmp_path / "national"])
    problem = caught.value.first
    assert problem.location is not None and problem.location.file == str(shared.resolve())
    assert "(max_values)" in problem.message


@pytest.mark.parametrize(("section", "value"), [("vocabularies", "p"), ("parameters", "[1, 2]"),
                                                ("basis", "text"), ("conventions", "{a: 1}")])
def test_a_malformed_section_beside_an_include_is_a_schema_error(tmp_path: Path, section: str,
                                                                 value: str) -> None:
    """GIVEN a rulebook with an include and a section that is text or of the wrong shape
    (a file cut short, say) WHEN loaded THEN the section is reported, never an internal
    error while merging the include."""
    path = _plan_folder(tmp_path, "vn-regulations.yaml")
    text = path.read_text()
    if section == "vocabularies":  # the rulebook's own vocabularies become a word
        start, end = text.index("vocabularies:\n"), text.index("quotas:\n")
        text = text[:start] + f"vocabularies: {value}\n" + text[end:]
    else:
        text = text.replace("include:", f"{section}: {value}\ninclude:")
    path.write_text(text)
    with pytest.raises(RulebookError, match=section):
        eligibility.load_rulebook(path, include_path=[tmp_path / "national"])
