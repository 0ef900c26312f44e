"""The message catalogue: every message in both languages, every key the code names exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from eligibility.i18n import LANGUAGES, catalogue, t

SRC = Path(__file__).parent.parent / "src" / "eligibility"
# t("domain.key", ...), message("domain.key", ...) or Phrase("domain.key", ...) with a literal
# key; dynamic keys are checked where they are built.
_LITERAL_KEY = re.compile(r"""\b(?:t|message|Phrase)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
_KEY_TEXT = re.compile(r"([a-z_]+)\.([a-z0-9_]+)")
_FILE_SUFFIXES = {"csv", "html", "json", "xlsx", "yaml", "parquet"}  # file names, not keys
# The messages of rulebook, include, override and test-case problems: each one is used.
PROBLEM_DOMAINS = ("problem", "yaml", "source", "schema", "rulebook", "language", "overrides",
                   "case_file")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    """GIVEN a catalogue entry WHEN its languages are compared THEN both exist, are not
    empty and name the same placeholders."""
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(isinstance(text, str) and text.strip() for text in texts.values()), key
    assert _placeholders(texts["vi"]) == _placeholders(texts["en"]), key


def test_every_key_named_in_the_code_exists() -> None:
    """GIVEN the sources WHEN every literal message key is collected THEN each is in the
    catalogue."""
    used = {match.group(1) for path in SRC.rglob("*.py")
            for match in _LITERAL_KEY.finditer(path.read_text(encoding="utf-8"))}
    missing = sorted(key for key in used if key not in catalogue())
    assert not missing, missing


def _key_texts() -> set[str]:
    """Every text in the sources written like a catalogue key (``domain.key`` of a domain
    the catalogue has), wherever it stands: a call, a table of keys, a condition."""
    domains = {key.split(".")[0] for key in catalogue()}
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = _KEY_TEXT.fullmatch(node.value)
                if match and match.group(1) in domains and not node.value.endswith("_") \
                        and match.group(2) not in _FILE_SUFFIXES:
                    found.add(node.value)
    return found


def test_every_key_held_in_the_code_exists() -> None:
    """GIVEN the sources WHEN every text written like a message key is collected (keys kept
    in tables too; a prefix ending in '_' is completed elsewhere) THEN each is in the
    catalogue."""
    missing = sorted(key for key in _key_texts() if key not in catalogue())
    assert not missing, missing


def test_every_problem_message_is_used() -> None:
    """GIVEN the catalogue domains of rulebook problems WHEN compared with the sources THEN
    each of their messages is named by the code (none is left behind by a change)."""
    named = _key_texts()
    unused = sorted(key for key in catalogue()
                    if key.split(".")[0] in PROBLEM_DOMAINS and key not in named)
    assert not unused, unused


def test_an_unknown_key_is_an_error_naming_it() -> None:
    """GIVEN a key that is not in the catalogue WHEN looked up THEN the error names it."""
    with pytest.raises(KeyError, match=r"no-such\.key"):
        t("no-such.key", "vi")


def test_placeholders_are_filled() -> None:
    """GIVEN a message with placeholders WHEN rendered THEN the values appear."""
    assert t("status.selected", "vi") == "Được cử đi học"
    assert t("status.reserve", "en") == "reserve"
