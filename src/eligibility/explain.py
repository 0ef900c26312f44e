"""Why one person got each decision: criteria with legal basis, points, rank, cut-offs.

:func:`explain_person` gathers it as plain data whose texts (quota titles, statuses,
criterion titles and messages, priority titles) are in the language asked for; the
command line prints it (:mod:`eligibility.cli.explain`) or writes it as JSON.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import polars as pl

from eligibility.api import Decisions
from eligibility.frames import criterion_column, language_value, points_column, shown_column
from eligibility.i18n import t
from eligibility.messages import render_message
from eligibility.output.cutoff_text import describe_cutoff, describe_position
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.compiler import legal_basis_text
from eligibility.selection.cutoff import analyse_cutoffs
from eligibility.text import match_key

MAX_ID_SUGGESTION_POOL = 200_000  # ids compared letter by letter for a "did you mean"


def explain_person(decisions: Decisions, candidate_id: str, *,
                   language: str = "vi") -> dict[str, Any] | None:
    """Everything decided about ``candidate_id``, or None if no row has that id."""
    rulebook = decisions.rulebook
    rows = decisions.decided.filter(pl.col("candidate_id") == candidate_id).sort("preference")
    if rows.is_empty():
        rejected = _rejected_rows(decisions, candidate_id)
        return {"candidate_id": candidate_id, "language": language, "rejected": rejected} \
            if rejected else None
    summary = {row["quota_id"]: row for row in decisions.summary().iter_rows(named=True)}
    labels = rulebook.labels[language]
    cutoffs = analyse_cutoffs(rulebook, decisions.decided)
    seats = rows.filter(pl.col("status") == "selected")["quota_id"].to_list()
    nominations = []
    for row in rows.iter_rows(named=True):
        quota_id = row["quota_id"]
        rules = rulebook.quota(quota_id)
        nominations.append({
            "quota_id": quota_id,
            "quota_title": rules.quota.title.get(language),
            "preference": row["preference"],
            "status": row["status"],
            "status_text": t(f"status.{row['status']}", language),
            "eligible": row["eligible"],
            "rank": row["rank"],
            "score": row["score"],
            "criteria": [{
                "id": criterion.id,
                "title": criterion.title.get(language),
                "met": row[criterion_column(criterion.id)],
                "message": "" if row[criterion_column(criterion.id)] else render_message(
                    criterion.message[language], _shown(row, criterion.id, rulebook), language,
                    labels),
                "condition": criterion.source,
                "basis": legal_basis_text(criterion.basis),
            } for criterion in rules.criteria],
            "points": [{
                "id": priority.id,
                "title": priority.title.get(language),
                "points": row[points_column(priority.id)],
                "expression": priority.source,
            } for priority in rules.priorities],
            "quota": {
                "seats": summary[quota_id]["seats"],
                "capacity": summary[quota_id]["capacity"],
                "eligible": summary[quota_id]["eligible"],
                "selected": summary[quota_id]["selected"],
                "cutoff_score": summary[quota_id]["cutoff_score"],
            },
            "cutoff": describe_cutoff(cutoffs[quota_id], rulebook, language),
            "position": describe_position(cutoffs[quota_id],
                                          {**row, "placed_in": seats[0] if seats else None},
                                          rulebook, language),
        })
    first = rows.row(0, named=True)
    return {"candidate_id": candidate_id, "language": language,
            "full_name": first.get("full_name"), "agency": first.get("agency"),
            "row": first.get("row"), "rulebook": f"{rulebook.id} {rulebook.version}",
            "nominations": nominations}


def _shown(row: dict[str, Any], rule: str, rulebook: CompiledRulebook) -> list[Any]:
    """The values the engine recorded for criterion ``rule``'s message placeholders."""
    kinds = rulebook.shown_types.get(rule, ())
    return [language_value(row[shown_column(rule, slot)], kind)
            for slot, kind in enumerate(kinds)]


def _rejected_rows(decisions: Decisions, candidate_id: str) -> list[dict[str, Any]]:
    rejected = decisions.rejected
    if not rejected.height or "candidate_id" not in rejected.columns:
        return []
    return rejected.filter(pl.col("candidate_id") == candidate_id).to_dicts()


def suggest_id(decisions: Decisions, candidate_id: str) -> str | None:
    """The id of the run closest to a mistyped ``candidate_id``, if one is close enough.

    The same id up to case, spaces, diacritics and Unicode form comes first
    (``hn-001053`` → ``HN-001053``); otherwise the closest spelling.
    """
    return closest_id(candidate_id, _known_ids(decisions))


def closest_id(wanted: str, ids: Iterable[str]) -> str | None:
    """The id among ``ids`` that ``wanted`` most likely means, or None.

    >>> closest_id("hn-001053", ["HN-001052", "HN-001053"])
    'HN-001053'
    >>> closest_id("HN-0O1053", ["HN-000153", "HN-001053", "XY-9"])
    'HN-001053'
    >>> closest_id("nobody", ["HN-1"]) is None
    True
    """
    wanted_key = match_key(wanted)
    by_key: dict[str, str] = {}
    for known in ids:
        key = match_key(known)
        if key == wanted_key:
            return known
        if abs(len(key) - len(wanted_key)) <= 2 and len(by_key) < MAX_ID_SUGGESTION_POOL:
            by_key.setdefault(key, known)
    matches = difflib.get_close_matches(wanted_key, list(by_key), n=1, cutoff=0.8)
    return by_key[matches[0]] if matches else None


def _known_ids(decisions: Decisions) -> list[str]:
    ids = decisions.decided["candidate_id"].unique(maintain_order=True).to_list()
    rejected = decisions.rejected
    if rejected.height and "candidate_id" in rejected.columns:
        ids.extend(rejected["candidate_id"].drop_nulls().unique(maintain_order=True).to_list())
    return [str(known) for known in ids if known is not None]
