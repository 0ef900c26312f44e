"""The bundled Hanoi rulebook with one passage changed, written beside its include."""

from __future__ import annotations

from pathlib import Path

import eligibility

RULES = Path("rules/hanoi-2022-2025.yaml")
INCLUDED = Path("rules/vn-regulations.yaml")


def hanoi_variant(folder: Path, old: str, new: str) -> eligibility.CompiledRulebook:
    """Load the Hanoi rulebook with ``old`` replaced by ``new`` (which must be found)."""
    text = RULES.read_text(encoding="utf-8")
    assert old in text, old
    (folder / RULES.name).write_text(text.replace(old, new), encoding="utf-8")
    (folder / INCLUDED.name).write_text(INCLUDED.read_text(encoding="utf-8"), encoding="utf-8")
    return eligibility.load_rulebook(folder / RULES.name)
