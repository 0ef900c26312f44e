"""Python's explanations of a syntax error, as messages in either language."""

from __future__ import annotations

import ast

import pytest

from eligibility.i18n.phrase import Phrase, Untranslated
from eligibility.language.syntax_words import syntax_detail


def _explanation(text: str) -> str:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError as error:
        return str(error.msg)
    raise AssertionError(f"{text!r} parses")


@pytest.mark.parametrize(("text", "vietnamese"), [
    ("age_on(birth_date", "dấu '(' được mở nhưng chưa được đóng"),
    ("a )", "dấu ')' không có dấu mở tương ứng"),
    ("(a]", "dấu đóng ']' không khớp với dấu mở '('"),
    ("'Nữ", "một chuỗi văn bản thiếu dấu nháy đóng"),
    ("1abc", "số được viết không hợp lệ"),
    ("007", "số nguyên không được bắt đầu bằng chữ số 0 (viết 7, không viết 07)"),
    ("a … b", "không được dùng ký tự '…' (U+2026) trong biểu thức"),
    ("a\u00a0 b", "biểu thức chứa một ký tự không in được (U+00A0)"),
    ("a if b", "thiếu 'else' sau 'if' (viết: x if điều_kiện else y)"),
    ("import os", "không đọc được biểu thức tại vị trí này"),
    ("a \\ b", "có ký tự đứng sau dấu '\\' nối dòng"),
    ("a\n  b", "thụt lề không đúng; một biểu thức viết trên nhiều dòng hãy đặt trong dấu "
               "ngoặc ( )"),
])
def test_what_python_says_is_said_in_vietnamese(text: str, vietnamese: str) -> None:
    """GIVEN an expression Python cannot parse WHEN its explanation is read THEN it is a
    catalogue message, in Vietnamese with the characters Python named, and in English."""
    detail = syntax_detail(_explanation(text))
    assert isinstance(detail, Phrase)
    assert detail.render("vi") == vietnamese
    assert detail.render("en") != vietnamese


def test_assignment_is_explained_as_a_comparison() -> None:
    """GIVEN Python's hint that '=' was meant as '==' WHEN read THEN the message says so."""
    detail = syntax_detail("invalid syntax. Maybe you meant '==' or ':=' instead of '='?")
    assert detail.render("en") == "to test equality write '==', not '='"


def test_an_explanation_without_a_message_keeps_pythons_words_in_english() -> None:
    """GIVEN an explanation no message covers WHEN read THEN English readers read Python's
    words and Vietnamese readers the general message."""
    detail = syntax_detail(_explanation("f'{'"))
    assert isinstance(detail, Untranslated)
    assert detail.render("en").startswith("f-string")
    assert detail.render("vi") == "không đọc được biểu thức tại vị trí này"
