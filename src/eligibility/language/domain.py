"""The values the language can hold, and the values input data can bring.

* **Dates** are days from 0001-01-01 to 9999-12-31 (:data:`DATE_MIN`, :data:`DATE_MAX`);
  a date computed outside that range is null, on every engine. Dates read from input files
  lie within :data:`DATA_DATE_MIN` .. :data:`DATA_DATE_MAX`, which lets the compiler refuse,
  at load time, date arithmetic that would leave the language's range for some input.
* **Whole numbers** are 64-bit: a literal outside :data:`INT_MIN` .. :data:`INT_MAX` is refused
  at load time, and arithmetic whose result leaves that range is null.
* **Numbers** are finite 64-bit floats: a computation giving an infinity or NaN is null.
* ``range(a, b)`` holds at most :data:`MAX_RANGE_ITEMS` whole numbers — enough for every year
  an input date can fall in.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

DATE_MIN: Final = dt.date.min
DATE_MAX: Final = dt.date.max
DATA_DATE_MIN: Final = dt.date(1900, 1, 1)
DATA_DATE_MAX: Final = dt.date(2200, 12, 31)
EXCEL_EPOCH: Final = dt.date(1899, 12, 30)  # day 0 of Excel's date serials (1900 system)

INT_MIN: Final = -(2**63)
INT_MAX: Final = 2**63 - 1

MAX_RANGE_ITEMS: Final = DATA_DATE_MAX.year - DATA_DATE_MIN.year + 1


def whole(value: int) -> int | None:
    """``value`` if it is a 64-bit whole number, else None.

    >>> whole(2**63 - 1), whole(2**63)
    (9223372036854775807, None)
    """
    return value if INT_MIN <= value <= INT_MAX else None


def finite(value: float) -> float | None:
    """``value`` if it is a finite number, else None."""
    return value if math.isfinite(value) else None


def numeric(value: Any) -> Any:
    """An int or float result kept within the language's range (None when outside)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return whole(value)
    if isinstance(value, float):
        return finite(value)
    return value


def date_from_ordinal(days: int) -> dt.date | None:
    """The date with proleptic Gregorian ordinal ``days``, or None outside the range."""
    if DATE_MIN.toordinal() <= days <= DATE_MAX.toordinal():
        return dt.date.fromordinal(days)
    return None
