"""Runtime values of the rule language that Python has no type for."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class Interval(NamedTuple):
    """An inclusive range of days, e.g. a course or an enrolment."""

    start: dt.date
    end: dt.date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"
