"""pydantic's validation errors as catalogue messages, in the reader's language.

pydantic names each error by a ``type`` code (``int_parsing``, ``literal_error``…) and gives
its values in ``ctx``; its own words are English. Each code a rulebook or test-case file can
meet has a message here, filled from those values; the models' own checks raise
:func:`refuse` with a catalogue key as their code. A code without a message (a pydantic
release may add some) is shown in pydantic's words to an English reader and as a general
"not a valid value" to others.

>>> describe({"type": "greater_than", "ctx": {"gt": 0}, "msg": "..."}).render("vi")
'phải lớn hơn 0'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import PydanticCustomError

from eligibility.i18n import has
from eligibility.i18n.phrase import Phrase, Untranslated

__all__ = ["describe", "expected", "one_of", "refuse"]

# pydantic's code → the message saying what the value should be.
_MESSAGES = {
    "string_type": "schema.should_be_text",
    "string_pattern_mismatch": "schema.should_match",
    "string_too_short": "schema.too_few_characters",
    "model_type": "schema.should_be_mapping",
    "model_attributes_type": "schema.should_be_mapping",
    "dict_type": "schema.should_be_mapping",
    "list_type": "schema.should_be_list",
    "too_short": "schema.too_few_items",
    "int_type": "schema.should_be_whole_number",
    "int_parsing": "schema.should_be_whole_number",
    "int_from_float": "schema.should_be_whole_number_not_fraction",
    "float_type": "schema.should_be_number",
    "float_parsing": "schema.should_be_number",
    "bool_type": "schema.should_be_true_or_false",
    "bool_parsing": "schema.should_be_true_or_false",
    "date_type": "schema.should_be_date",
    "date_parsing": "schema.should_be_date",
    "date_from_datetime_parsing": "schema.should_be_date",
    "date_from_datetime_inexact": "schema.should_be_date",
    "greater_than": "schema.greater_than",
    "greater_than_equal": "schema.greater_than_equal",
    "less_than": "schema.less_than",
    "less_than_equal": "schema.less_than_equal",
}
_BOUND_EXPECTED = {"less_than_equal": "schema.expected_at_most",
                   "less_than": "schema.expected_below",
                   "greater_than_equal": "schema.expected_at_least",
                   "greater_than": "schema.expected_above"}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def refuse(key: str, /, **values: Any) -> PydanticCustomError:
    """The error a model's check raises: its code is the catalogue ``key``, its context
    the message's ``values`` (pydantic's own text is the English message)."""
    return PydanticCustomError(key, Phrase(key, **values).render("en"), values)


def describe(item: Mapping[str, Any]) -> Phrase:
    """What is wrong with the value, for one error of ``ValidationError.errors()`` whose
    code is neither ``extra_forbidden`` nor ``missing`` (those name a key, not a value)."""
    kind = str(item["type"])
    context = dict(item.get("ctx") or {})
    if has(kind):  # a model's own check, raised with refuse()
        return Phrase(kind, **context)
    if kind == "literal_error":
        return Phrase("schema.should_be_one_of",
                      choices=one_of(_QUOTED.findall(str(context.get("expected", "")))))
    key = _MESSAGES.get(kind)
    if key is not None:
        return Phrase(key, **{name: value for name, value in context.items()
                              if name in ("pattern", "min_length", "gt", "ge", "lt", "le")})
    if kind == "value_error" and context.get("error") is not None:
        return Phrase("schema.invalid", detail=Untranslated(
            str(context["error"]), Phrase("schema.invalid_value", code=kind)))
    return Phrase("schema.invalid", detail=Untranslated(
        str(item.get("msg", kind)), Phrase("schema.invalid_value", code=kind)))


def expected(item: Mapping[str, Any]) -> Phrase | None:
    """What a value of this kind is written like, with an example, if that helps."""
    kind = str(item["type"])
    if kind.startswith("date"):
        return Phrase("schema.expected_date")
    if kind == "string_pattern_mismatch":
        return Phrase("schema.expected_identifier")
    if kind.startswith("int"):
        return Phrase("schema.expected_whole_number")
    if kind.startswith("bool"):
        return Phrase("schema.expected_true_or_false")
    if kind in _BOUND_EXPECTED:
        limit = next(iter((item.get("ctx") or {}).values()), None)
        if isinstance(limit, int):
            return Phrase(_BOUND_EXPECTED[kind], limit=limit)
    return None


def one_of(choices: Sequence[str]) -> Phrase | str:
    """``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'`` in the reader's language."""
    quoted = [f"'{choice}'" for choice in choices]
    if len(quoted) <= 1:
        return "".join(quoted)
    return Phrase("schema.or_list", first=", ".join(quoted[:-1]), last=quoted[-1])
