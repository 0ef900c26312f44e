"""Where parts of a merged rulebook were written: redirected paths of a layered source."""

from __future__ import annotations

import pytest

from eligibility.rulebook.source_layers import LayeredSource
from eligibility.rulebook.yaml_source import parse_yaml


def test_the_longest_redirected_prefix_wins_and_the_rest_reads_as_the_base() -> None:
    """GIVEN a document whose second quota was written in another file, and whose seats
    were changed on a command line WHEN locations are asked THEN each path is located in
    the source that wrote it, the remainder of the path followed there."""
    _, base = parse_yaml("quotas:\n  - id: a\n    seats: 1\n", "main.yaml")
    _, other = parse_yaml("quotas:\n  - id: b\n    seats: 2\n", "other.yaml")
    _, option = parse_yaml("9", "--set")
    layered = LayeredSource.over(base)
    layered.redirect(("quotas", 1), other, ("quotas", 0))
    layered.redirect(("quotas", 1, "seats"), option, ())
    assert (layered.location(("quotas", 0, "seats")).file,
            layered.location(("quotas", 0, "seats")).line) == ("main.yaml", 3)
    assert (layered.location(("quotas", 1, "id")).file,
            layered.location(("quotas", 1, "id")).line) == ("other.yaml", 2)
    assert layered.location(("quotas", 1, "seats")).file == "--set"
    assert layered.location_in_scalar(("quotas", 1, "id"), 1, 1).column == 10


def test_layers_stack_and_the_whole_document_cannot_be_redirected() -> None:
    """GIVEN a layered source made over another WHEN read THEN the lower layer's
    redirections still hold; redirecting the empty path is refused."""
    _, base = parse_yaml("a: 1\nb: 2\n", "main.yaml")
    _, other = parse_yaml("x: 3\n", "other.yaml")
    lower = LayeredSource.over(base)
    lower.redirect(("b",), other, ("x",))
    upper = LayeredSource.over(lower)
    assert upper.location(("b",)).file == "other.yaml"
    with pytest.raises(ValueError, match="whole document"):
        upper.redirect((), other, ())
