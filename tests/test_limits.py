"""The declared bounds of a rulebook file."""

from __future__ import annotations

import pytest

from eligibility.rulebook.limits import DEFAULT_LIMITS, RulebookLimits


def test_the_defaults_leave_room_for_real_rulebooks() -> None:
    """GIVEN the default limits THEN they are well above what the bundled rulebook needs
    (16 KB, about 2,000 values, 7 levels, no alias) and well below what exhausts memory."""
    assert 64 * 16_000 <= DEFAULT_LIMITS.max_file_bytes <= 16 * 2**20
    assert 20 * 2_000 <= DEFAULT_LIMITS.max_values <= 1_000_000
    assert 7 < DEFAULT_LIMITS.max_depth <= 100


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "10"])
def test_a_limit_is_a_positive_whole_number(value: object) -> None:
    """GIVEN a limit that is not a whole number of at least 1 WHEN set THEN TypeError
    names the limit."""
    with pytest.raises(TypeError, match=r"RulebookLimits\.max_depth"):
        RulebookLimits(max_depth=value)  # type: ignore[arg-type]
