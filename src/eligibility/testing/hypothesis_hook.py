"""The function Hypothesis runs when it is first imported (its ``hypothesis`` entry point).

Registered as ``eligibility.strategies:_hypothesis_setup_hook``, which re-exports it from
here. It lives apart because Hypothesis runs its plugins *while it is being imported*: when
:mod:`eligibility.strategies` is imported before Hypothesis, its own ``import hypothesis``
loads this hook from the partly executed module, so the hook must already exist by then and
must not need anything defined after that import.
"""

from __future__ import annotations

import datetime as dt

_FIRST_DAY = dt.date(1900, 1, 1)
_DAYS = (dt.date(2200, 12, 31) - _FIRST_DAY).days


def _hypothesis_setup_hook() -> None:
    """Register eligibility's types with Hypothesis.

    ``st.from_type(Interval)`` then gives valid intervals — never ending before they start —
    between 1900 and 2200, the dates a nominee file may hold; they shrink toward one day,
    1 January 1900.
    """
    from hypothesis import strategies as st

    from eligibility.language.values import Interval

    def interval(start: int, length: int) -> Interval:
        first = _FIRST_DAY + dt.timedelta(days=start)
        return Interval(first, first + dt.timedelta(days=min(length, _DAYS - start)))

    st.register_type_strategy(
        Interval, st.builds(interval, st.integers(0, _DAYS), st.integers(0, 3 * 366)))
