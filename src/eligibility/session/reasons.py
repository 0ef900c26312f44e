"""One nominee's ``reasons.<language>`` cells rendered in Python, as ``reasons_expr`` renders
them in polars (the same messages, from the same recorded values; polars would plan the
whole rulebook's expression to render two rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eligibility.frames import QUOTA, criterion_column, language_value, reasons_column, shown_column
from eligibility.i18n import LANGUAGES
from eligibility.language.rendering import REASON_SEPARATOR
from eligibility.messages import render_message
from eligibility.rulebook.compiled import CompiledRulebook


def reasons_of(rulebook: CompiledRulebook,
               records: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Per evaluated nomination (a record of its outcome columns), ``reasons.<language>``
    for every language."""
    return [{reasons_column(language): _reasons(rulebook, record, language)
             for language in LANGUAGES} for record in records]


def _reasons(rulebook: CompiledRulebook, row: Mapping[str, Any], language: str) -> str:
    criteria = {criterion.id: criterion for criterion in rulebook.quotas[row[QUOTA]].criteria}
    messages = []
    for rule in rulebook.criterion_ids:
        criterion = criteria.get(rule)
        if criterion is None or row[criterion_column(rule)] is not False:
            continue
        shown = [language_value(row[shown_column(rule, slot)], kind)
                 for slot, kind in enumerate(rulebook.shown_types.get(rule, ()))]
        messages.append(render_message(criterion.message[language], shown, language,
                                       rulebook.labels[language]))
    return REASON_SEPARATOR.join(messages)
