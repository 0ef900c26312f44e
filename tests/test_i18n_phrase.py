"""Phrases: a catalogue message with its values, rendered later in either language."""

from __future__ import annotations

import datetime as dt

import pytest

from eligibility.i18n.phrase import Phrase, PhraseError, Untranslated, in_language


def test_a_phrase_renders_in_each_language() -> None:
    """GIVEN a phrase with values WHEN rendered in vi and en THEN each language's template is
    filled with the same values, and str() is the default language."""
    phrase = Phrase("yaml.duplicate_key", key="seats", line=26)
    assert phrase.render("vi") == "khóa 'seats' bị lặp lại (đã có ở dòng 26)"
    assert phrase.render("en") == "duplicate key 'seats' (first given on line 26)"
    assert str(phrase) == phrase.render("vi")


def test_numbers_and_dates_are_written_as_the_language_writes_them() -> None:
    """GIVEN a limit placed with {name:,} and dates WHEN rendered THEN Vietnamese groups
    with dots and writes dates day first; English groups with commas and keeps ISO dates;
    a 64-bit limit is written exactly."""
    limit = Phrase("yaml.too_many_values", max_values=200_000)
    assert "200.000" in limit.render("vi") and "200,000" in limit.render("en")
    largest = Phrase("yaml.whole_number_range", low=-(2**63), high=2**63 - 1)
    assert largest.render("en") == ("a whole number between -9,223,372,036,854,775,808 and "
                                    "9,223,372,036,854,775,807")
    period = Phrase("rulebook.not_in_force", start=dt.date(2025, 1, 1), as_of=dt.date(2026, 1, 1))
    assert "từ 01/01/2025" in period.render("vi") and "01/01/2026" in period.render("vi")
    assert "from 2025-01-01" in period.render("en")


def test_a_phrase_inside_a_phrase_follows_the_language() -> None:
    """GIVEN a phrase whose value is a phrase WHEN rendered THEN the inner one is rendered
    in the same language."""
    phrase = Phrase("rulebook.for_quota", quota="tt-tt",
                    problem=Phrase("rulebook.range_too_long", start=1, stop=9999, most=200))
    assert phrase.render("vi") == "với chỉ tiêu 'tt-tt': range(1, 9999) chứa hơn 200 số"
    assert phrase.render("en") == "for quota 'tt-tt': range(1, 9999) holds more than 200 numbers"


def test_an_untranslated_message_keeps_its_words_for_its_language_only() -> None:
    """GIVEN a third party's English message WHEN rendered THEN an English reader reads it
    as it is and a Vietnamese reader reads the general catalogue message instead."""
    detail = Untranslated("found unknown widget", Phrase("yaml.syntax_other"))
    phrase = Phrase("yaml.syntax", detail=detail)
    assert phrase.render("en") == "YAML syntax: found unknown widget"
    assert phrase.render("vi") == "sai cú pháp YAML: cú pháp tại đây không đúng quy tắc viết YAML"


def test_phrases_are_values() -> None:
    """GIVEN two phrases with the same key and values (lists among them) WHEN compared and
    hashed THEN they are equal and one in a set; a phrase cannot be changed."""
    first = Phrase("language.list_of_one_type", types=["int", "text"])
    second = Phrase("language.list_of_one_type", types=["int", "text"])
    assert first == second and len({first, second}) == 1
    assert first != Phrase("language.list_of_one_type", types=["int"])
    with pytest.raises(AttributeError):
        first.key = "other"  # type: ignore[misc]
    assert repr(Phrase("language.none")) == "Phrase('language.none')"


def test_an_unknown_key_is_named() -> None:
    """GIVEN a key the catalogue lacks WHEN rendered THEN the error names it."""
    with pytest.raises(KeyError, match=r"no-such\.key"):
        Phrase("no-such.key").render("en")


def test_a_phrase_error_carries_its_phrase() -> None:
    """GIVEN a value refused with a phrase WHEN caught THEN the phrase is there to report,
    and the error reads as the default language."""
    error = PhraseError(Phrase("rulebook.not_a_number", value="x"))
    assert isinstance(error, ValueError)
    assert error.phrase.render("en") == "'x' is not a number"
    assert str(error) == "'x' không phải là một số"


def test_in_language_shows_plain_text_as_written() -> None:
    """GIVEN a phrase, an untranslated message, plain text and nothing WHEN put in a
    language THEN the phrase is rendered and the text kept."""
    assert in_language(Phrase("language.none"), "vi") == "không có"
    assert in_language("as written", "vi") == "as written"
    assert in_language(None, "en") == ""
