"""Load-time check that date arithmetic stays within the dates the language can hold.

Dates read from input lie within :data:`~eligibility.language.domain.DATA_DATE_MIN` ..
:data:`~eligibility.language.domain.DATA_DATE_MAX`; shifting such a date by a fixed amount
(``add_years(birth_date, 100000)``) can be proved, before any row is read, to leave
0001-01-01 .. 9999-12-31 for some input. The compiler refuses such a rule instead of letting
it give null at run time. Amounts that depend on the data are checked row by row (null).
"""

from __future__ import annotations

import datetime as dt

from eligibility.i18n.phrase import Phrase
from eligibility.language import nodes as n
from eligibility.language.domain import DATA_DATE_MAX, DATA_DATE_MIN, DATE_MAX, DATE_MIN
from eligibility.language.types import DATE, INTERVAL

Bounds = tuple[int, int]  # inclusive day ordinals

_DATA: Bounds = (DATA_DATE_MIN.toordinal(), DATA_DATE_MAX.toordinal())
_DOMAIN: Bounds = (DATE_MIN.toordinal(), DATE_MAX.toordinal())


class DateRangeError(ValueError):
    """A date computation leaves the language's range for some input."""

    def __init__(self, node: n.Node, bounds: Bounds) -> None:
        from eligibility.language.unparse import unparse

        self.node = node
        key = "language.date_after_range" if bounds[1] > _DOMAIN[1] \
            else "language.date_before_range"
        self.phrase = Phrase(key, expression=unparse(node), low=DATE_MIN, high=DATE_MAX,
                             data_low=DATA_DATE_MIN, data_high=DATA_DATE_MAX)
        super().__init__(str(self.phrase))


def check_dates(node: n.Node) -> None:
    """Raise :class:`DateRangeError` for the first date computation in ``node`` that can
    leave the language's range."""
    for item in node.walk():
        if item.type == DATE:
            date_bounds(item)


def date_bounds(node: n.Node) -> Bounds | None:
    """The days a date-valued ``node`` can take for inputs within the data bounds, or None
    when they depend on more than dates and fixed amounts."""
    if isinstance(node, n.Const):
        if isinstance(node.value, dt.date):
            day = node.value.toordinal()
            return day, day
        return None
    if isinstance(node, (n.FieldRef, n.LoopVar)):
        return _DATA
    if isinstance(node, n.Attribute) and node.operand.type == INTERVAL:
        return _interval_bounds(node.operand)
    if isinstance(node, n.Index) and isinstance(node.operand, n.FieldRef):
        return _DATA
    if isinstance(node, n.Conditional):
        return _union(date_bounds(node.then), date_bounds(node.otherwise))
    if isinstance(node, n.Call):
        return _call_bounds(node)
    return None


def _interval_bounds(node: n.Node) -> Bounds | None:
    if isinstance(node, n.Const) and node.value is not None:
        return node.value.start.toordinal(), node.value.end.toordinal()
    if isinstance(node, (n.FieldRef, n.LoopVar)):
        return _DATA
    return None


def _union(first: Bounds | None, second: Bounds | None) -> Bounds | None:
    if first is None or second is None:
        return None
    return min(first[0], second[0]), max(first[1], second[1])


def _call_bounds(node: n.Call) -> Bounds | None:
    function = node.function
    if function in ("least", "greatest"):
        result: Bounds | None = date_bounds(node.args[0])
        for arg in node.args[1:]:
            result = _union(result, date_bounds(arg))
        return result
    if function == "last_day_of_month":
        inner = date_bounds(node.args[0])
        return None if inner is None else _checked(node, (inner[0], inner[1] + 30))
    if function not in ("add_days", "add_months", "add_years"):
        return None
    day, amount = node.args
    inner = date_bounds(day)
    if inner is None or not isinstance(amount, n.Const) or amount.value is None:
        return None
    if function == "add_days":
        return _checked(node, (inner[0] + amount.value, inner[1] + amount.value))
    months = amount.value * (12 if function == "add_years" else 1)
    # 31 days a month over-approximates; months beyond the domain are caught either way.
    low = inner[0] + min(months * 31, months * 28)
    high = inner[1] + max(months * 31, months * 28)
    return _checked(node, (low, high))


def _checked(node: n.Node, bounds: Bounds) -> Bounds:
    if bounds[0] < _DOMAIN[0] or bounds[1] > _DOMAIN[1]:
        raise DateRangeError(node, bounds)
    return bounds
