"""One record reader for every entry point: typed or text records, one set of rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.hanoi_people import person

import eligibility
from eligibility.errors import RecordError
from eligibility.language.values import Interval
from eligibility.records import read_nominee
from eligibility.session import open_session

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hanoi() -> eligibility.CompiledRulebook:
    return eligibility.load_rulebook(ROOT / "rules" / "hanoi-2022-2025.yaml")


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"birth_date": 1990}, "birth_date", "expected a date"),
    ({"birth_date": "31/02/1990"}, "birth_date", ""),
    ({"gender": "robot"}, "gender", ""),
    ({"position": 3}, "position", "not a code of position"),
    ({"succession_plan": "maybe"}, "succession_plan", ""),
    ({"rating": {2022: "superb"}}, "rating[2022]", "not a known annual rating"),
    ({"rating": ["good"]}, "rating", "{year: value}"),
    ({"enrollments": ["2023-01-01"]}, "enrollments", "2023-01-01"),
    ({"enrollments": [dt.date(2023, 1, 1)]}, "enrollments", "Interval"),
    ({"nominated_for": ["tai-chinhh"]}, "nominated_for", "did you mean 'tai-chinh'"),
    ({"nominated_for": []}, "nominated_for", "expected the quotas"),
    ({"birth_dat": dt.date(1990, 1, 1)}, "birth_dat", "did you mean 'birth_date'"),
    ({"full_name": None}, "full_name", "required"),
    ({"id": 7}, "id", "non-empty text"),
])
def test_a_record_that_cannot_be_read_names_the_field(
        hanoi: eligibility.CompiledRulebook, changes: dict[str, Any], field: str,
        words: str) -> None:
    """GIVEN a record with a value of the wrong type, an unknown code or key, or a
    missing required value WHEN read THEN RecordError names the field."""
    with pytest.raises(RecordError) as caught:
        read_nominee(hanoi, person("X", **changes), language="en")
    assert caught.value.field == field
    assert words in str(caught.value)




def test_typed_and_text_records_read_alike(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN the same nominee as Python values and as a file's text cells WHEN read
    THEN the candidates are equal."""
    typed = person("HN-1", nominated_for=["tai-chinh", "pg-abroad"],
                   enrollments=[Interval(dt.date(2023, 1, 1), dt.date(2023, 2, 1))])
    text = {"id": " HN-1 ", "full_name": "Nguyễn Thị Lan", "birth_date": "17/05/1990",
            "gender": "Nữ", "agency": "Sở Tài chính", "category": "công chức",
            "position": "public-finance", "service_start": "2015-03-01",
            "rating_2020": "HTTNV", "rating_2021": "good", "rating_2022": "HTXSNV",
            "succession_plan": "không", "under_discipline": "", "enrollments":
            "2023-01-01/2023-02-01", "nominated_for": "TAI-CHINH; pg-abroad"}
    assert read_nominee(hanoi, text) == read_nominee(hanoi, typed)



def _through_evaluate(rulebook: eligibility.CompiledRulebook, record: dict[str, Any]) -> Any:
    return eligibility.evaluate(rulebook, record, language="en")[0].eligible


def _through_session(rulebook: eligibility.CompiledRulebook, record: dict[str, Any]) -> Any:
    with open_session(rulebook, engine="scalar", language="en") as session:
        session.assert_candidate(record)
        return session.decision(record["id"])["eligible"].item()


def _through_cases(rulebook: eligibility.CompiledRulebook, record: dict[str, Any]) -> Any:
    from eligibility.testing.cases import Case, Expected, _run

    cells = {key: value for key, value in record.items() if key not in ("id", "nominated_for")}
    case = Case("a case", "tai-chinh", cells, Expected(None, None, None, {}, frozenset()),
                None)  # type: ignore[arg-type]
    result = _run(rulebook, 0, case, "en")
    if result.error is not None:
        raise RecordError(result.error.split(": ", 1)[1], field=result.error.split(":")[0])
    assert result.evaluation is not None
    return result.evaluation.eligible


PATHS = [_through_evaluate, _through_session, _through_cases]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"birthdate": dt.date(1990, 5, 17)}, "birthdate", "did you mean 'birth_date'"),
    ({"birth_date": dt.date(1850, 1, 1)}, "birth_date", "out of range"),
])
def test_every_entry_point_refuses_the_same_records(
        hanoi: eligibility.CompiledRulebook, path: Any, changes: dict[str, Any], field: str,
        words: str) -> None:
    """GIVEN a misspelt key or a date out of range WHEN given to evaluate, a live session or
    a YAML case THEN each refuses it naming the field — never a silent empty value."""
    record = person("HN-1", **changes)
    with pytest.raises(RecordError) as caught:
        path(hanoi, record)
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize("path", PATHS[:2])
@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"birth_date": 1990}, "birth_date", "expected a date"),
    ({"birth_date": dt.datetime(1990, 5, 17, 8, 30)}, "birth_date", "time of day"),
])
def test_typed_values_of_the_wrong_type_are_refused(
        hanoi: eligibility.CompiledRulebook, path: Any, changes: dict[str, Any], field: str,
        words: str) -> None:
    """GIVEN an int for a date or a datetime with a time of day WHEN given to evaluate or a
    live session THEN each refuses it naming the field. (A YAML case writes its cells as a
    file does: there, ``birth_date: 1990`` is the text 1990, a bare year.)"""
    with pytest.raises(RecordError) as caught:
        path(hanoi, person("HN-1", **changes))
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize("path", PATHS)
def test_every_entry_point_accepts_the_same_records(
        hanoi: eligibility.CompiledRulebook, path: Any) -> None:
    """GIVEN a datetime at midnight, text cells and an unrelated extra key WHEN given to
    each entry point THEN all read the person alike (the extra key is ignored)."""
    record = person("HN-1", birth_date=dt.datetime(1990, 5, 17), rating_2023="HTXSNV",
                    phone="0912 345 678", ghi_chu="ưu tiên")
    assert path(hanoi, record) is True


def test_extra_keys_are_kept_aside(hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a record with keys that are not fields WHEN read THEN they are kept as
    extras, as a file's extra columns are."""
    nominee = read_nominee(hanoi, person("HN-1", phone="0912", note=None))
    assert nominee.extras == {"phone": "0912", "note": None}
    assert "phone" not in nominee.record()


def test_record_errors_are_worded_in_vietnamese_by_default(
        hanoi: eligibility.CompiledRulebook) -> None:
    """GIVEN a record with a misspelt key and one with a date out of range WHEN read without
    a language THEN the errors are in Vietnamese, and in English when asked."""
    with pytest.raises(RecordError, match="có phải ý bạn là 'birth_date'"):
        read_nominee(hanoi, person("HN-1", birthdate=dt.date(1990, 5, 17)))
    with pytest.raises(RecordError, match="nằm ngoài phạm vi"):
        eligibility.evaluate(hanoi, person("HN-1", birth_date=dt.date(1850, 1, 1)))
    with pytest.raises(RecordError, match="out of range"):
        eligibility.evaluate(hanoi, person("HN-1", birth_date=dt.date(1850, 1, 1)),
                             language="en")
