"""The sentences that tell how a quota's cut-off was decided, in the run's language.

The report, the workbook, ``explain`` and the summary of ``rank`` all print these, so they
say the same thing about seats filled, ties at the cut-off, the key that split them and
the nominees seated in a quota they listed earlier. The facts come from
:func:`eligibility.selection.cutoff.analyse_cutoffs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from eligibility.i18n import t
from eligibility.language.types import DATE, INT, NUMBER
from eligibility.output.formatting import format_number, format_value
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.cutoff import QuotaCutoff, Ranked, rank_keys

__all__ = ["describe_cutoff", "describe_position", "key_heading", "key_kind", "key_title",
           "order_text", "quota_title", "who"]


def quota_title(rulebook: CompiledRulebook, quota_id: str, language: str) -> str:
    return rulebook.quota(quota_id).quota.title.get(language)


def key_title(rulebook: CompiledRulebook, key: str, language: str) -> str:
    """A ranking key as a sentence names it: 'score', 'date of birth', 'staff id'."""
    if key in ("score", "id"):
        return t(f"cutoff.key_{key}", language)
    spec = rulebook.fields.get(key)
    title = spec.title.get(language) if spec is not None and spec.title is not None else key
    keeps_case = len(title) > 1 and title[1].isupper()  # an acronym such as 'CNTT'
    return title if keeps_case else title[:1].lower() + title[1:]


def key_heading(rulebook: CompiledRulebook, key: str, language: str) -> str:
    """A ranking key as a column heading names it: 'Score', 'Date of birth'."""
    title = key_title(rulebook, key, language)
    return title[:1].upper() + title[1:]


def order_text(rulebook: CompiledRulebook, key: str, language: str) -> str:
    """How a ranking key orders people: 'later date first', 'higher first'…"""
    descending = next(item.descending for item in rank_keys(rulebook.ranking) if item.key == key)
    kind = key_kind(rulebook, key)
    return t(f"cutoff.order_{kind}_{'descending' if descending else 'ascending'}", language)


def key_kind(rulebook: CompiledRulebook, key: str) -> str:
    """What a ranking key holds: 'date', 'number' or 'text'."""
    if key == "score":
        return "number"
    spec = rulebook.fields.get(key)
    if spec is not None and spec.type == DATE:
        return "date"
    if spec is not None and spec.type in (INT, NUMBER):
        return "number"
    return "text"


def who(person: Ranked, language: str) -> str:
    return t("cutoff.who", language, name=person.full_name or "—", id=person.candidate_id)


def describe_cutoff(cutoff: QuotaCutoff, rulebook: CompiledRulebook,
                    language: str) -> list[str]:
    """What a reader needs to know about one quota's line, sentence by sentence."""
    sentences = [t("cutoff.filled", language, selected=cutoff.selected,
                   capacity=cutoff.capacity)]
    if cutoff.capacity < cutoff.seats:
        sentences.append(t("cutoff.budget_cap", language, capacity=cutoff.capacity,
                           seats=cutoff.seats))
    sentences.append(_line(cutoff, rulebook, language))
    if cutoff.placements:
        where = "; ".join(t("cutoff.where", language, count=placement.count,
                            title=quota_title(rulebook, placement.quota_id, language))
                          for placement in cutoff.placements)
        sentences.append(t("cutoff.placed_elsewhere", language, count=cutoff.placed_elsewhere,
                           where=where))
    if cutoff.reserve_seated_later:
        sentences.append(t("cutoff.reserve_seated_later", language,
                           count=cutoff.reserve_seated_later))
    if not cutoff.full and cutoff.selected:
        sentences.append(t("cutoff.seats_left", language,
                           left=cutoff.capacity - cutoff.selected))
    return sentences


def _line(cutoff: QuotaCutoff, rulebook: CompiledRulebook, language: str) -> str:
    score = format_number(cutoff.cutoff_score, language)
    if cutoff.last_selected is None:
        if not cutoff.nominated:
            return t("cutoff.no_nominations", language)
        if cutoff.placed_elsewhere:
            return t("cutoff.none_left", language, placed=cutoff.placed_elsewhere)
        return t("cutoff.none_eligible", language)
    if not cutoff.contested or cutoff.deciding_key is None:
        return t("cutoff.uncontested", language, score=score)
    last, first = cutoff.last_selected, cutoff.first_reserve
    assert first is not None
    key = cutoff.deciding_key
    values = {"score": score, "key": key_title(rulebook, key, language),
              "order": order_text(rulebook, key, language),
              "last": who(last, language), "first": who(first, language),
              "last_value": format_value(last.value(key), language),
              "first_value": format_value(first.value(key), language)}
    if not cutoff.tied_on:
        return t("cutoff.decided_by", language, **values)
    return t("cutoff.tie", language, tied=cutoff.tied, tied_selected=cutoff.tied_selected,
             tied_reserve=cutoff.tied_reserve,
             tied_on=_tied_on(cutoff.tied_on, rulebook, language), **values)


def _tied_on(keys: tuple[tuple[str, Any], ...], rulebook: CompiledRulebook,
             language: str) -> str:
    return ", ".join(t("cutoff.key_value", language, key=key_title(rulebook, key, language),
                       value=format_value(value, language)) for key, value in keys)


def describe_position(cutoff: QuotaCutoff, nomination: Mapping[str, Any],
                      rulebook: CompiledRulebook, language: str,
                      ) -> str | None:
    """Where a reserve stands against its quota's line, or where a nominee placed elsewhere
    holds their seat (None for the others: their status and rank say it all).

    ``nomination`` holds ``status``, ``rank``, ``score``, the ranking-key columns and, for a
    nominee seated elsewhere, ``placed_in`` (that quota's id).
    """
    status, rank = nomination.get("status"), nomination.get("rank")
    score = format_number(cutoff.cutoff_score, language)
    if status == "placed_elsewhere" and nomination.get("placed_in"):
        return t("cutoff.you_placed_elsewhere", language,
                 title=quota_title(rulebook, nomination["placed_in"], language))
    if status != "reserve" or cutoff.last_selected is None:
        return None
    keys = rank_keys(rulebook.ranking)
    last = cutoff.last_selected
    own = tuple((key.key, nomination.get(key.column)) for key in keys)
    index = next((i for i, (key, value) in enumerate(own) if value != last.value(key)), None)
    if index is None:
        return None
    key = keys[index].key
    values = {"rank": rank, "eligible": cutoff.eligible,
              "key": key_title(rulebook, key, language),
              "order": order_text(rulebook, key, language),
              "own_value": format_value(_plain(own[index][1]), language),
              "last_value": format_value(last.value(key), language)}
    if index == 0:
        return t("cutoff.you_reserve_below", language, **values)
    return t("cutoff.you_reserve_tied", language, score=score,
             tied_on=_tied_on(own[:index], rulebook, language), **values)


def _plain(value: Any) -> Any:
    """A value as the analysis holds it (polars gives dates as dates already)."""
    return value.date() if isinstance(value, dt.datetime) else value
