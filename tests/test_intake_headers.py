"""Headers matched to fields by name, alias and title; missing columns refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.hanoi_variants import hanoi_variant

import eligibility
from eligibility.errors import InputError
from eligibility.intake.headers import HeaderIndex, header_key

RULES = Path("rules/hanoi-2022-2025.yaml")
HEADER = [
    "id", "full_name", "birth_date", "gender", "agency", "category", "position",
    "service_start", "rating_2019", "rating_2020", "rating_2021", "rating_2022", "rating_2023",
    "rating_2024", "succession_plan", "under_discipline", "enrollments", "nominated_for",
]


@pytest.fixture(scope="module")
def index() -> HeaderIndex:
    return HeaderIndex(eligibility.load_rulebook(RULES))


def replaced(**renames: str | None) -> list[str]:
    return [renames.get(name, name) for name in HEADER if renames.get(name, name) is not None]


@pytest.mark.parametrize(("header", "key"), [
    ("Họ và tên", "ho va ten"), ("  HỌ  VÀ TÊN ", "ho va ten"), ("ho_va_ten", "ho va ten"),
    ("Cơ quan, đơn vị cử", "co quan don vi cu"), ("rating_2022", "rating 2022"),
    ("id\u200b", "id"), ("Đối tượng", "doi tuong"),
])
def test_header_key_ignores_case_spaces_punctuation_diacritics(header: str, key: str) -> None:
    """GIVEN a header as an official may write it WHEN keyed THEN only its words remain."""
    assert header_key(header) == key


@pytest.mark.parametrize(("header", "field"), [
    ("Họ và tên", "full_name"), ("HO VA TEN", "full_name"), ("Full name", "full_name"),
    ("Ngày sinh", "birth_date"), ("date of birth", "birth_date"), ("Birth Date", "birth_date"),
    ("Giới tính", "gender"), ("Vị trí việc làm", "position"),
])
def test_a_title_or_spelling_of_a_field_is_its_column(index: HeaderIndex, header: str,
                                                      field: str) -> None:
    """GIVEN the header set with one column written as a title or another spelling
    WHEN matched THEN that column feeds the field."""
    columns = index.match(replaced(**{field: header}), source="f.csv", language="en")
    assert columns.fields[field] == header


def test_id_and_nominations_by_their_titles(index: HeaderIndex) -> None:
    """GIVEN 'Mã cán bộ' and 'Chỉ tiêu đề cử' WHEN matched THEN they are the id and the
    nominations."""
    columns = index.match(replaced(id="Mã cán bộ", nominated_for="Chỉ tiêu đề cử"),
                          source="f.csv", language="en")
    assert (columns.id, columns.nominations) == ("Mã cán bộ", "Chỉ tiêu đề cử")


def test_yearly_columns_by_pattern_and_by_title(index: HeaderIndex) -> None:
    """GIVEN rating columns written 'Rating 2020', 'Xếp loại chất lượng năm 2021' and
    'annual rating 2022' WHEN matched THEN each feeds its year."""
    columns = index.match(replaced(rating_2020="Rating 2020",
                                   rating_2021="Xếp loại chất lượng năm 2021",
                                   rating_2022="annual rating 2022"),
                          source="f.csv", language="en")
    assert columns.yearly["rating"][2020] == "Rating 2020"
    assert columns.yearly["rating"][2021] == "Xếp loại chất lượng năm 2021"
    assert columns.yearly["rating"][2022] == "annual rating 2022"


def test_two_columns_for_one_year_are_refused(index: HeaderIndex) -> None:
    """GIVEN rating_2022 and 'Xếp loại chất lượng năm 2022' WHEN matched THEN refused,
    naming both columns."""
    with pytest.raises(InputError, match="column L 'rating_2022' and column S"):
        index.match([*HEADER, "Xếp loại chất lượng năm 2022"], source="f.csv", language="en")


def test_a_missing_required_column_gets_a_did_you_mean(index: HeaderIndex) -> None:
    """GIVEN 'ngay sinhh' instead of birth_date WHEN matched THEN the error names
    birth_date and suggests the header, in Vietnamese by default."""
    with pytest.raises(InputError) as caught:
        index.match(replaced(birth_date="ngay sinhh"), source="f.csv", language="vi")
    assert "thiếu cột bắt buộc: birth_date — có phải là 'ngay sinhh'?" in str(caught.value)


def test_the_layout_is_named_in_a_missing_column_error(index: HeaderIndex) -> None:
    """GIVEN one header cell holding the whole semicolon header WHEN matched with the
    layout it was read with THEN the error says how the file was split."""
    with pytest.raises(InputError, match="read with the separator comma"):
        index.match([";".join(HEADER)], source="f.csv", language="en",
                    layout=" (the file was read with the separator comma ',')")


@pytest.mark.parametrize(("dropped", "words"), [
    ("under_discipline", ["under_discipline", "no-discipline"]),
    ("enrollments", ["enrollments", "no-overlap"]),
    ("service_start", ["service_start", "service-years"]),
    ("rating_2021", ["rating_2021", "ratings-two-years"]),
    ("rating_2022", ["rating_2022", "rating-last-year"]),
])
def test_a_column_a_criterion_reads_cannot_be_absent(index: HeaderIndex, dropped: str,
                                                     words: list[str]) -> None:
    """GIVEN the Hanoi header without a column that a criterion reads
    WHEN matched THEN the file is refused naming the column and the criterion."""
    with pytest.raises(InputError) as caught:
        index.match(replaced(**{dropped: None}), source="f.csv", language="en")
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("dropped", ["rating_2019", "rating_2023", "rating_2024", "agency"])
def test_a_column_no_rule_reads_may_be_absent(index: HeaderIndex, dropped: str) -> None:
    """GIVEN the Hanoi header without a column no rule reads WHEN matched THEN it is
    accepted."""
    index.match(replaced(**{dropped: None}), source="f.csv", language="en")


@pytest.mark.parametrize("dropped", ["succession_plan", "rating_2020"])
def test_a_column_only_priorities_read_may_be_absent(index: HeaderIndex, dropped: str) -> None:
    """GIVEN the Hanoi header without a column only a priority reads (succession points, the
    third year of the excellence points) WHEN matched THEN it is accepted: the cell reads as
    empty (no points), and an absent field is listed for the run's warning — eligibility
    never depends on it."""
    columns = index.match(replaced(**{dropped: None}), source="f.csv", language="en")
    if dropped == "succession_plan":
        assert "succession_plan" in columns.missing_optional


def test_records_may_leave_out_columns_rules_read(index: HeaderIndex) -> None:
    """GIVEN a header without under_discipline WHEN matched as records are (refuse_unread
    off) THEN it is accepted and the field is listed as absent."""
    columns = index.match(replaced(under_discipline=None), source="record", language="en",
                          refuse_unread=False)
    assert "under_discipline" in columns.missing_optional


def test_may_be_absent_lets_a_read_column_be_left_out(tmp_path: Path) -> None:
    """GIVEN the Hanoi rulebook with 'may_be_absent: true' on under_discipline
    WHEN a header without that column is matched THEN it is accepted."""
    relaxed = HeaderIndex(hanoi_variant(
        tmp_path, "    under_discipline:\n      type: bool\n",
        "    under_discipline:\n      type: bool\n      may_be_absent: true\n"))
    columns = relaxed.match(replaced(under_discipline=None), source="f.csv", language="en")
    assert "under_discipline" in columns.missing_optional


def test_score_counts_recognized_headers(index: HeaderIndex) -> None:
    """GIVEN headers some of which are fields WHEN scored THEN the count is theirs."""
    assert index.score(["Họ và tên", "x", "rating_2022", "nominated_for"]) == 3


def test_a_header_listing_is_cut_and_shows_control_characters(index: HeaderIndex) -> None:
    """GIVEN 500 unknown headers, one holding an escape sequence WHEN matched
    THEN the error lists the first ones, says how many there are, and shows the escape as a
    visible symbol instead of sending it to the terminal."""
    headers = ["x\x1b[31m", *(f"c{number}" for number in range(499))]
    with pytest.raises(InputError) as caught:
        index.match(headers, source="f.csv", language="en")
    message = str(caught.value)
    assert "x␛[31m" in message and "\x1b" not in message
    assert "(500 in all)" in message and "c498" not in message
