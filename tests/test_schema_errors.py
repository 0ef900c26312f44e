"""pydantic's validation errors as catalogue messages in either language."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from eligibility.i18n.phrase import Phrase
from eligibility.rulebook.models import Effective, Rulebook
from eligibility.rulebook.schema_errors import describe, expected, one_of
from eligibility.testing.cases import CaseFileModel

MINIMAL = yaml.safe_load((Path(__file__).parent / "data" / "rulebooks" / "minimal.yaml")
                         .read_text(encoding="utf-8"))


def _quota(document: dict[str, Any]) -> dict[str, Any]:
    return document["quotas"][0]


def _field(document: dict[str, Any]) -> dict[str, Any]:
    return next(iter(document["candidate"]["fields"].values()))


# Mistakes an author makes, and the pydantic code each one gives.
MISTAKES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("string_type", lambda d: d.update(id=5)),
    ("string_pattern_mismatch", lambda d: d.update(id="Plan 2025")),
    ("model_type", lambda d: d.update(title="Kế hoạch")),
    ("list_type", lambda d: d.update(quotas={})),
    ("dict_type", lambda d: d["candidate"].update(fields=[])),
    ("int_parsing", lambda d: _quota(d).update(seats="ten")),
    ("int_from_float", lambda d: _quota(d).update(seats=2.5)),
    ("greater_than", lambda d: _quota(d).update(seats=0)),
    ("less_than_equal", lambda d: _quota(d).update(budget=10**16)),
    ("date_from_datetime_parsing", lambda d: _quota(d).update(start="2023-02-30")),
    ("date_from_datetime_inexact", lambda d: _quota(d).update(start=5)),
    ("literal_error", lambda d: d["ranking"][0].update(order="up")),
    ("bool_type", lambda d: _field(d).update(required="yes")),
]


@pytest.mark.parametrize(("code", "mistake"), MISTAKES, ids=[code for code, _ in MISTAKES])
def test_each_mistake_an_author_makes_has_a_message(
        code: str, mistake: Callable[[dict[str, Any]], None]) -> None:
    """GIVEN a rulebook document with one kind of mistake WHEN validated THEN pydantic's
    code for it has its own message, in Vietnamese and in English (no general fallback)."""
    document = copy.deepcopy(MINIMAL)
    mistake(document)
    with pytest.raises(ValidationError) as caught:
        Rulebook.model_validate(document)
    item = next(error for error in caught.value.errors() if error["type"] == code)
    message = describe(item)
    assert message.key.startswith("schema.") and message.key != "schema.invalid"
    assert message.render("vi") != message.render("en")


def test_a_case_files_empty_list_has_a_message() -> None:
    """GIVEN a case file with no case WHEN validated THEN 'too_short' has its message."""
    with pytest.raises(ValidationError) as caught:
        CaseFileModel.model_validate({"rulebook": "plan.yaml", "cases": []})
    message = describe(caught.value.errors()[0])
    assert message.render("vi") == "phải có ít nhất 1 mục"
    assert message.render("en") == "should have at least 1 item(s)"


def test_the_choices_of_a_fixed_list_are_named_in_the_language() -> None:
    """GIVEN an order that is neither ascending nor descending WHEN described THEN both
    choices are named, joined by the language's 'or'."""
    document = copy.deepcopy(MINIMAL)
    document["ranking"][0]["order"] = "up"
    with pytest.raises(ValidationError) as caught:
        Rulebook.model_validate(document)
    message = describe(caught.value.errors()[0])
    assert message.render("vi") == "phải là 'ascending' hoặc 'descending'"
    assert message.render("en") == "should be 'ascending' or 'descending'"
    assert one_of(["a"]) == "'a'"


def test_a_models_own_check_keeps_its_key_and_values() -> None:
    """GIVEN a period that ends before it starts WHEN validated THEN the model's check
    reports its catalogue key with the dates, written as each language writes dates; its
    pydantic text is the English message."""
    with pytest.raises(ValidationError) as caught:
        Effective.model_validate({"from": "2025-01-01", "until": "2024-12-31"})
    item = caught.value.errors()[0]
    assert item["type"] == "rulebook.until_before_from"
    assert item["msg"] == "'until' (2024-12-31) is before 'from' (2025-01-01)"
    assert describe(item).render("vi") == "'until' (31/12/2024) đứng trước 'from' (01/01/2025)"


def test_a_code_without_a_message_is_shown_in_pydantics_words_in_english() -> None:
    """GIVEN a code no message covers (a future pydantic's) WHEN described THEN English
    readers read pydantic's words and Vietnamese readers a general message with the code."""
    message = describe({"type": "uuid_parsing", "msg": "Input should be a valid UUID"})
    assert message.render("en") == "Input should be a valid UUID"
    assert message.render("vi") == "giá trị không hợp lệ (mã lỗi uuid_parsing)"


@pytest.mark.parametrize(("item", "english"), [
    ({"type": "date_parsing"}, "a date written YYYY-MM-DD, for instance 2023-09-11"),
    ({"type": "string_pattern_mismatch"}, "a lower-case identifier such as"),
    ({"type": "int_parsing"}, "a whole number, for instance 60"),
    ({"type": "bool_type"}, "true or false"),
    ({"type": "less_than_equal", "ctx": {"le": 10_000_000}}, "a whole number at most 10,000,000"),
])
def test_what_was_expected_is_said_with_an_example(item: dict[str, Any], english: str) -> None:
    """GIVEN a code for a date, an identifier, a number or a bound WHEN asked what was
    expected THEN an example is given in each language."""
    said = expected(item)
    assert isinstance(said, Phrase)
    assert english in said.render("en")
    assert said.render("vi") and said.render("vi") != said.render("en")


def test_nothing_is_expected_where_an_example_would_not_help() -> None:
    """GIVEN a code for a list WHEN asked what was expected THEN nothing is added."""
    assert expected({"type": "list_type"}) is None
