"""`eligibility explain`: one person, in the run's language, as text or JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")


def _explain(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "eligibility", "explain", str(EXAMPLE),
                           "--rules", str(RULES), *arguments],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("language", "words"), [
    ("vi", "không có người nào mang mã 'hn-001053' trong examples/hanoi/nominees.csv "
           "(kể cả trong các dòng không đọc được) Có phải ý bạn là 'HN-001053'?"),
    ("en", "no person with id 'hn-001053' in examples/hanoi/nominees.csv (nor among its "
           "rejected rows) Did you mean 'HN-001053'?"),
])
def test_an_id_in_the_wrong_case_gets_a_suggestion(language: str, words: str) -> None:
    """GIVEN an id typed in lower case WHEN explained THEN it exits 2 and suggests the id
    the file has, in the run's language."""
    result = _explain("--id", "hn-001053", "--lang", language)
    assert result.returncode == 2
    assert words in " ".join(result.stderr.split())
    assert result.stdout == ""


def test_an_id_far_from_every_id_gets_no_suggestion() -> None:
    """GIVEN an id like none of the file's WHEN explained THEN it exits 2 without a guess."""
    result = _explain("--id", "NOBODY", "--lang", "en")
    assert result.returncode == 2
    assert "NOBODY" in result.stderr and "Did you mean" not in result.stderr


def test_the_text_names_quotas_priorities_and_status_by_their_titles() -> None:
    """GIVEN a selected person WHEN explained in Vietnamese THEN the quota is named by its
    title, the status by its label, the headers and the points line are Vietnamese and the
    points are listed by priority title."""
    result = _explain("--id", "HN-001053")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Nguyện vọng 1: Quản lý phát triển đô thị (noi-vu-urban) — Được cử đi học" in text
    assert "xếp thứ 1 trong 52 người đủ điều kiện; 40 điểm; đã chọn 52/60 suất" in text
    for header in ("Điều kiện", "Kết quả", "Căn cứ pháp lý"):
        assert header in text
    assert "Điểm ưu tiên: Cán bộ trẻ (dưới 40 tuổi) 10, Nữ 10, Hoàn thành xuất sắc nhiệm vụ " \
           "(mỗi năm trong 3 năm liền trước) 15, Trong quy hoạch 5; tổng cộng 40 điểm" in text


def test_json_output_is_the_explanation_in_the_language() -> None:
    """GIVEN a person WHEN explained with --json --lang en THEN stdout is JSON whose texts
    are English and whose codes are the rulebook's."""
    result = _explain("--id", "HN-000016", "--json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    explanation = json.loads(result.stdout)
    assert explanation["language"] == "en"
    first, second = explanation["nominations"]
    assert (first["quota_id"], first["status"], first["status_text"]) == (
        "pg-abroad", "selected", "selected")
    assert (second["status"], second["status_text"]) == (
        "placed_elsewhere", "placed in another quota")
    assert first["quota_title"] == "Postgraduate training abroad"
