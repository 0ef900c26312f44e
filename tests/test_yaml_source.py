"""Strict YAML reading: no silent coercions, duplicate keys refused, positions kept."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from eligibility.errors import RulebookSyntaxError
from eligibility.rulebook.limits import RulebookLimits
from eligibility.rulebook.yaml_source import parse_yaml, read_yaml


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


# --- limits: a small file never exhausts the machine --------------------------------------

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True))


def test_an_alias_bomb_is_refused_without_being_expanded() -> None:
    """GIVEN a 400-byte file whose aliases stand for 387 million values
    WHEN read THEN it is refused at the alias that passes the limit, naming max_values."""
    assert len(BOMB) < 500
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml(BOMB, "bomb.yaml")
    problem = caught.value.first
    assert "more than 200,000 values once its aliases are written out" in problem.message
    assert "(max_values)" in problem.message
    assert problem.location is not None and problem.location.line == 6


def test_aliases_within_the_limits_are_written_out_with_their_positions() -> None:
    """GIVEN a mapping anchored once and aliased twice WHEN read THEN each alias is an
    equal, separate copy, and a value inside an alias is located at the anchored text."""
    value, source = parse_yaml("base: &b {seats: 2, kind: x}\none: *b\ntwo: *b\n", "a.yaml")
    assert value["one"] == value["two"] == {"seats": 2, "kind": "x"}
    value["one"]["seats"] = 3
    assert value["two"]["seats"] == 2
    assert (source.location(("two", "seats")).line,
            source.location(("two", "seats")).column) == (1, 18)


def test_an_alias_inside_the_value_it_names_is_refused() -> None:
    """GIVEN an alias inside its own anchored list WHEN read THEN the error says a value
    cannot contain itself (no RecursionError)."""
    with pytest.raises(RulebookSyntaxError, match=r"alias '\*loop' is inside the value it "
                                                  r"names"):
        parse_yaml("x: &loop [1, *loop]\n", "loop.yaml")


@pytest.mark.parametrize("text", ["a: " + "[" * 1000 + "]" * 1000 + "\n",
                                  "".join("  " * depth + "k:\n" for depth in range(60)),
                                  "a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 30 + "*a"
                                  + "]" * 30 + "\n"])
def test_nesting_deeper_than_the_limit_is_refused(text: str) -> None:
    """GIVEN lists nested 1,000 deep, mappings nested 60 deep, or an alias that nests 60
    deep once written out WHEN read THEN the error names max_depth."""
    with pytest.raises(RulebookSyntaxError, match=r"nested more than 40 deep.*\(max_depth\)"):
        parse_yaml(text, "deep.yaml")


def test_limits_can_be_set_lower_or_higher() -> None:
    """GIVEN limits of 2 aliases and 3 levels WHEN files pass each THEN each is refused
    naming its limit, and the same files read with the default limits."""
    limits = RulebookLimits(max_aliases=2, max_depth=3)
    aliases = "a: &a 1\nb: [*a, *a, *a]\n"
    deep = "a: [[[[1]]]]\n"
    with pytest.raises(RulebookSyntaxError, match=r"more than 2 aliases.*\(max_aliases\)"):
        parse_yaml(aliases, "x.yaml", limits)
    with pytest.raises(RulebookSyntaxError, match=r"more than 3 deep"):
        parse_yaml(deep, "x.yaml", limits)
    assert parse_yaml(aliases, "x.yaml")[0] == {"a": 1, "b": [1, 1, 1]}
    assert parse_yaml(deep, "x.yaml")[0] == {"a": [[[[1]]]]}


@pytest.mark.parametrize(("character", "name"), [("\x00", "a NUL byte (U+0000)"),
                                                 ("\x1b", "an escape character (U+001B)"),
                                                 ("\x07", "a control character (U+0007)")])
def test_control_characters_are_refused_with_their_position(character: str,
                                                            name: str) -> None:
    """GIVEN a NUL byte, an escape or a bell inside a value WHEN read THEN the error names
    the character, its line and column, and shows the line with the character visible."""
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml(f"a: 1\nversion: \"2{character}3\"\n", "x.yaml")
    problem = caught.value.first
    assert name in problem.message
    assert problem.location is not None
    assert (problem.location.line, problem.location.column) == (2, 12)
    assert character not in problem.render()


@pytest.mark.parametrize(("text", "value"), [("9223372036854775807", 2**63 - 1),
                                             ("-9223372036854775808", -(2**63)),
                                             ("1_000_000", 1_000_000)])
def test_whole_numbers_in_64_bits_are_read(text: str, value: int) -> None:
    """GIVEN the largest and smallest 64-bit numbers WHEN read THEN they are read exactly."""
    assert parse_yaml(f"n: {text}\n", "x.yaml")[0] == {"n": value}


@pytest.mark.parametrize("text", ["9223372036854775808", "-9223372036854775809",
                                  "9" * 5000, "9" * 400 + ".5"])
def test_numbers_beyond_64_bits_or_infinite_are_refused(text: str) -> None:
    """GIVEN 2**63, a 5,000-digit number or a decimal too large for a float
    WHEN read THEN each is refused as too large, with its position and the range allowed,
    and the message does not repeat all its digits."""
    with pytest.raises(RulebookSyntaxError) as caught:
        parse_yaml(f"seats: {text}\n", "x.yaml")
    problem = caught.value.first
    assert "is too large for a rulebook" in problem.message
    assert len(problem.message) < 120
    assert problem.location is not None and problem.location.column == 8


def test_a_second_document_and_a_complex_key_are_refused() -> None:
    """GIVEN a file with two documents, and one with a list as a mapping key
    WHEN read THEN each is refused with its position."""
    with pytest.raises(RulebookSyntaxError, match="holds one YAML document"):
        parse_yaml("a: 1\n---\nb: 2\n", "x.yaml")
    with pytest.raises(RulebookSyntaxError, match="a mapping key must be plain text"):
        parse_yaml("? [a, b]\n: 1\nc: 2\n", "x.yaml")


def test_a_file_is_read_within_the_size_limit(tmp_path: Path) -> None:
    """GIVEN a file larger than the size limit WHEN read THEN it is refused naming
    max_file_bytes and how to split it; a FIFO is refused as a FIFO, without waiting."""
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(RulebookSyntaxError) as caught:
        read_yaml(path, RulebookLimits(max_file_bytes=1000))
    assert "more than 1,000 bytes" in caught.value.first.message
    assert "max_file_bytes" in caught.value.render()
    assert "include" in caught.value.render()
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RulebookSyntaxError, match=r"named pipe \(FIFO\), not a file"):
        read_yaml(fifo)


def test_the_checksum_is_that_of_the_bytes_read(tmp_path: Path) -> None:
    """GIVEN a file WHEN read THEN its source map records the SHA-256 of its bytes."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n")
    assert read_yaml(path)[1].sha256 == hashlib.sha256(b"a: 1\n").hexdigest()
