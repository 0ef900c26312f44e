"""Rulebook overrides: --set options, override files, changes given by the library."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import eligibility
from eligibility.errors import RulebookError, UnknownNameError
from eligibility.rulebook.overrides import parse_set, parse_sets, read_overrides

ROOT = Path(__file__).parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"


def _load(*sets: str, files: tuple[Path, ...] = ()) -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(HANOI, changes=read_overrides(sets, files))


def _problem(*sets: str) -> RulebookError:
    with pytest.raises(RulebookError) as caught:
        _load(*sets)
    return caught.value


def test_a_set_value_is_read_as_yaml_and_an_expression_as_written() -> None:
    """GIVEN --set options for a number, a list, a date and an expression
    WHEN parsed THEN the number, list and date are YAML values and the expression is the
    text after the first '='."""
    assert parse_set("quota.tt-tt.seats=30").value == 30
    assert parse_set("quota.tt-tt.destinations=[Nhật Bản, Úc]").value == ["Nhật Bản", "Úc"]
    assert parse_set("quota.tt-tt.start=2025-07-01").value == "2025-07-01"
    points = parse_set("priority.young.points=10 if age_on(birth_date, quota.start) < 45 else 0")
    assert points.value == "10 if age_on(birth_date, quota.start) < 45 else 0"
    message = parse_set("criterion.age-limit.message.en=Too old: {quota.max_age}")
    assert message.value == "Too old: {quota.max_age}"


def test_seats_quota_value_and_points_expression_change_the_compiled_rulebook() -> None:
    """GIVEN the Hanoi rulebook and --set changes to seats, a quota value and a points
    expression WHEN loaded THEN the compiled quota has the new seats and value, the priority
    its new expression, and the rulebook records the changes as written."""
    rulebook = _load("quota.tt-tt.seats=30", "quota.pg-abroad.max_age=38",
                     "priority.excellent.points=10 * count(rating[y] == 'excellent' "
                     "for y in range(quota.start.year - 3, quota.start.year))")
    assert rulebook.quota("tt-tt").capacity == 30
    assert rulebook.quota("pg-abroad").quota.values["max_age"] == 38
    excellent = next(p for p in rulebook.quota("tai-chinh").priorities if p.id == "excellent")
    assert excellent.source.startswith("10 * count(")
    assert rulebook.changes[0] == "quota.tt-tt.seats=30"
    assert eligibility.load_rulebook(HANOI).quota("tt-tt").capacity == 20


def test_a_parameter_set_to_one_value_replaces_its_dated_versions() -> None:
    """GIVEN a parameter with two dated versions (40, then 45 from 1 July 2025)
    WHEN set to 50 THEN the file's versions are gone and 50 holds on every date."""
    rulebook = _load("parameter.postgraduate_age_cap_cong_chuc=50")
    parameter = rulebook.model.parameters["postgraduate_age_cap_cong_chuc"]
    assert parameter.versions is None and parameter.value == 50


def test_a_wrong_value_is_reported_on_the_set_option_with_a_caret() -> None:
    """GIVEN --set quota.tt-tt.seats=abc WHEN loaded THEN the error is located on the
    option (--set:1:19), shows the option text and puts the caret under the value."""
    error = _problem("quota.tt-tt.seats=abc")
    rendered = error.render()
    assert rendered.startswith("--set:1:19: error:")
    lines = rendered.splitlines()
    assert lines[1].strip() == "quota.tt-tt.seats=abc"
    assert lines[2].index("^") == lines[1].index("abc")
    assert "whole number" in rendered


def test_an_unknown_quota_or_attribute_is_named_with_a_suggestion() -> None:
    """GIVEN --set paths naming a misspelt quota and a misspelt attribute
    WHEN loaded THEN both are reported (second option on line 2), each with the caret under
    the wrong part and a did-you-mean."""
    error = _problem("quota.tt-t.seats=30", "quota.tt-tt.seat=30")
    assert isinstance(error, UnknownNameError)
    first, second = error.problems
    assert (first.location.line, first.location.column) == (1, 7)
    assert first.suggestion == "tt-tt"
    assert (second.location.line, second.location.column) == (2, 13)
    assert second.suggestion == "seats"


def test_an_expression_error_points_inside_the_set_option() -> None:
    """GIVEN a points expression with a misspelt vocabulary code
    WHEN loaded THEN the caret is under the code, inside the option text."""
    text = ("priority.excellent.points=5 * count(rating[y] == 'excelent' "
            "for y in range(quota.start.year - 3, quota.start.year))")
    error = _problem(text)
    assert error.first.location.column - 1 == text.index("'excelent'")
    assert error.first.suggestion == "excellent"


def test_a_rule_with_dated_versions_is_changed_version_by_version() -> None:
    """GIVEN a rulebook whose criterion has dated versions
    WHEN its condition is set directly THEN the error says to change one version, and
    changing versions.N.condition works."""
    path = ROOT / "rules" / "hanoi-2022-2025-round-2025.yaml"
    with pytest.raises(RulebookError, match=r"versions\.N\.condition"):
        eligibility.load_rulebook(path, changes={"criterion.national-age-cap.condition": "true"})
    rulebook = eligibility.load_rulebook(
        path, changes={"criterion.national-age-cap.versions.0.condition": "true"})
    rule = next(c for c in rulebook.quota("pg-domestic").criteria if c.id == "national-age-cap")
    assert rule.source == "true"


def test_a_set_option_without_equals_or_with_bad_yaml_is_refused() -> None:
    """GIVEN --set options with no '=' and with an unclosed list
    WHEN parsed THEN both are reported together, each naming what is expected."""
    with pytest.raises(RulebookError) as caught:
        parse_sets(["quota.tt-tt.seats", "quota.tt-tt.seats=[1"])
    messages = [problem.message for problem in caught.value.problems]
    assert any("PATH=VALUE" in message for message in messages)
    assert any("not valid YAML" in message for message in messages)


def test_an_override_file_gives_a_title_and_changes_reported_at_its_lines(
        tmp_path: Path) -> None:
    """GIVEN an override file with a title and two changes, the second one wrong
    WHEN loaded THEN the title is read, and the error names the file and the line."""
    path = tmp_path / "more-it-seats.yaml"
    path.write_text("title: {vi: Thêm suất CNTT, en: More IT seats}\n"
                    "set:\n"
                    "  quota.tt-tt.seats: 30\n"
                    "  quota.tt-tt.budget: lots\n", encoding="utf-8")
    overrides = read_overrides((), (path,))
    assert overrides.title is not None and overrides.title.en == "More IT seats"
    with pytest.raises(RulebookError) as caught:
        eligibility.load_rulebook(HANOI, changes=overrides)
    assert f"{path}:4:" in caught.value.render()


def test_an_override_file_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    """GIVEN an override file with a misspelt top-level key WHEN read THEN the error
    names the key and suggests 'set'."""
    path = tmp_path / "bad.yaml"
    path.write_text("sett:\n  quota.tt-tt.seats: 30\n", encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        read_overrides((), (path,))
    assert caught.value.first.suggestion == "set"


def test_the_library_takes_changes_and_an_as_of_date() -> None:
    """GIVEN changes as a mapping and an as-of date as text WHEN loaded THEN both apply
    and are recorded."""
    rulebook = eligibility.load_rulebook(HANOI, as_of="2023-10-01",
                                         changes={"quota.kh-cn.seats": 3})
    assert rulebook.as_of == dt.date(2023, 10, 1)
    assert rulebook.quota("kh-cn").capacity == 3
    assert rulebook.changes == ("quota.kh-cn.seats=3",)


def test_top_level_values_can_be_set_but_not_includes() -> None:
    """GIVEN --set version=2023.2 and --set include.0=other.yaml
    WHEN loaded THEN the version changes; the include is refused, saying includes are read
    before changes."""
    assert _load("version='2023.2'").version == "2023.2"
    with pytest.raises(RulebookError, match="includes are read before changes"):
        _load("include.0=other.yaml")
