"""One nominee's ``reasons.<language>`` cells rendered in Python, as ``reasons_expr`` renders
them in polars (the same messages, from the same recorded values; polars would plan the
whole rulebook's expression to render two rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eligibility.frames import QUOTA, criterion_column, language_value, reasons_column, shown_column
from eligibility.i18n import LANGUAGES
from eligibility.messages import unmet_reasons
from eligibility.rulebook.compiled import CompiledRulebook


def reasons_of(rulebook: CompiledRulebook,
               records: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Per evaluated nomination (a record of its outcome columns), ``reasons.<language>``
    for every language."""
    return [{reasons_column(language): _reasons(rulebook, record, language)
             for language in LANGUAGES} for record in records]


def _reasons(rulebook: CompiledRulebook, row: Mapping[str, Any], language: str) -> str:
    criteria = rulebook.quotas[row[QUOTA]].criteria
    met = [row[criterion_column(criterion.id)] for criterion in criteria]
    shown = [None if ok is not False else [
        language_value(row[shown_column(criterion.id, slot)], kind)
        for slot, kind in enumerate(rulebook.shown_types.get(criterion.id, ()))]
        for criterion, ok in zip(criteria, met, strict=True)]
    return unmet_reasons(rulebook, row[QUOTA], met, shown, language)
