"""A typed Hanoi nominee for tests of records and live sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any


def person(person_id: str, **changes: Any) -> dict[str, Any]:
    """A typed record eligible for tai-chinh (score 25: young, female, one excellent),
    with ``changes`` applied."""
    record: dict[str, Any] = {
        "id": person_id, "full_name": "Nguyễn Thị Lan", "birth_date": dt.date(1990, 5, 17),
        "gender": "female", "agency": "Sở Tài chính", "category": "cong_chuc",
        "position": "public-finance", "service_start": dt.date(2015, 3, 1),
        "rating": {2020: "good", 2021: "good", 2022: "excellent"},
        "succession_plan": False, "under_discipline": False, "enrollments": [],
        "nominated_for": ["tai-chinh"]}
    record.update(changes)
    return record
