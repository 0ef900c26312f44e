"""Strict YAML reading: no silent coercions, duplicate keys refused, positions kept."""

from __future__ import annotations

import pytest

from eligibility.errors import RulebookSyntaxError
from eligibility.rulebook.yaml_source import parse_yaml


def test_codes_dates_and_words_stay_text() -> None:
    """GIVEN values PyYAML would turn into false, 83 and a date
    WHEN read strictly
    THEN they stay exactly the text written."""
    value, _ = parse_yaml("a: no\nb: 0123\nc: 2024-01-05\nd: on\ne: 1e3\n", "x.yaml")
    assert value == {"a": "no", "b": "0123", "c": "2024-01-05", "d": "on", "e": "1e3"}


def test_plain_numbers_booleans_and_null_are_resolved() -> None:
    """GIVEN decimal integers (with underscores), decimals, true/false and null
    WHEN read THEN they get their plain Python values; quoted ones stay text."""
    text = 'a: 11_000_000_000\nb: 2.5\nc: true\nd: null\ne: "42"\nf:\n'
    value, _ = parse_yaml(text, "x.yaml")
    assert value == {"a": 11_000_000_000, "b": 2.5, "c": True, "d": None, "e": "42", "f": None}


def test_duplicate_key_is_refused_with_both_lines() -> None:
    """GIVEN a mapping with a key given twice WHEN read THEN the error names both lines."""
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "x.yaml")
    problem = caught.value.first
    assert problem.location is not None
    assert (problem.location.line, problem.location.column) == (4, 3)
    assert "duplicate key 'c' (first given on line 3)" in problem.message


def test_merge_keys_and_tags_are_refused() -> None:
    """GIVEN a merge key and a python tag WHEN read THEN both are refused with positions."""
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\nz: !!python/name:os.system ''\n",
                   "x.yaml")
    messages = [problem.message for problem in caught.value.problems]
    assert any("merge keys" in message for message in messages)
    assert any("python/name:os.system" in message for message in messages)


def test_positions_inside_scalars_follow_the_source() -> None:
    """GIVEN a plain, a quoted and a block scalar
    WHEN a character offset inside each is located
    THEN the line and column are those of that character in the file."""
    text = 'a: hello world\nb: "quoted text"\nc: |\n  first line\n  second line\n'
    _, source = parse_yaml(text, "x.yaml")
    assert (source.location_in_scalar(("a",), 1, 6).line,
            source.location_in_scalar(("a",), 1, 6).column) == (1, 10)
    assert source.location_in_scalar(("b",), 1, 7).column == 12
    located = source.location_in_scalar(("c",), 2, 7)
    assert (located.line, located.column) == (5, 10)
    assert located.source_line == "  second line"


def test_syntax_error_has_a_position() -> None:
    """GIVEN YAML that does not parse WHEN read THEN the error has its line and column."""
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml("a: [1, 2\nb: 3\n", "x.yaml")
    assert caught.value.first.location is not None
    assert caught.value.first.location.line == 2
