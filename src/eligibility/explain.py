"""Why one person got each decision: criteria with legal basis, points, rank, cut-offs."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich.console import Console
from rich.table import Table

from eligibility.api import Decisions
from eligibility.frames import criterion_column, language_value, points_column, shown_column
from eligibility.messages import render_message
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.compiler import legal_basis_text

STATUS_WORDS = {
    "vi": {"selected": "được chọn", "reserve": "dự bị", "placed_elsewhere": "đã được chọn ở "
           "chỉ tiêu ưu tiên hơn", "ineligible": "không đủ điều kiện"},
    "en": {"selected": "selected", "reserve": "reserve", "placed_elsewhere": "placed in a "
           "quota listed earlier", "ineligible": "ineligible"},
}


def explain_person(decisions: Decisions, candidate_id: str, *,
                   language: str = "vi") -> dict[str, Any] | None:
    """Everything decided about ``candidate_id``, or None if no row has that id."""
    rulebook = decisions.rulebook
    rows = decisions.decided.filter(pl.col("candidate_id") == candidate_id).sort("preference")
    if rows.is_empty():
        rejected = _rejected_rows(decisions, candidate_id)
        return {"candidate_id": candidate_id, "rejected": rejected} if rejected else None
    summary = {row["quota_id"]: row for row in decisions.summary().iter_rows(named=True)}
    labels = rulebook.labels[language]
    nominations = []
    for row in rows.iter_rows(named=True):
        quota_id = row["quota_id"]
        rules = rulebook.quota(quota_id)
        nominations.append({
            "quota_id": quota_id,
            "quota_title": rules.quota.title.get(language),
            "preference": row["preference"],
            "status": row["status"],
            "status_text": STATUS_WORDS[language][row["status"]],
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
        })
    first = rows.row(0, named=True)
    return {"candidate_id": candidate_id, "full_name": first.get("full_name"),
            "agency": first.get("agency"), "row": first.get("row"),
            "rulebook": f"{rulebook.id} {rulebook.version}", "nominations": nominations}


def _shown(row: dict[str, Any], rule: str, rulebook: CompiledRulebook) -> list[Any]:
    """The values the engine recorded for criterion ``rule``'s message placeholders."""
    kinds = rulebook.shown_types.get(rule, ())
    return [language_value(row[shown_column(rule, slot)], kind)
            for slot, kind in enumerate(kinds)]


def _rejected_rows(decisions: Decisions, candidate_id: str) -> list[dict[str, Any]]:
    rejected = decisions.rejected
    return rejected.filter(pl.col("candidate_id") == candidate_id).to_dicts() \
        if rejected.height else []


def render_explanation(explanation: dict[str, Any], console: Console) -> None:
    """Print an explanation for a person reading it on a terminal."""
    if "rejected" in explanation:
        for row in explanation["rejected"]:
            console.print(f"{explanation['candidate_id']}: row {row['row']} was rejected — "
                          f"{row['column']}: {row['error']}", markup=False)
        return
    console.print(f"[bold]{explanation['candidate_id']}[/bold] {explanation['full_name'] or ''}"
                  f" — {explanation['agency'] or ''} (row {explanation['row']}); "
                  f"rulebook {explanation['rulebook']}")
    for item in explanation["nominations"]:
        quota = item["quota"]
        rank = f"rank {item['rank']} of {quota['eligible']} eligible" if item["rank"] else \
            "not ranked"
        cutoff = "—" if quota["cutoff_score"] is None else f"{quota['cutoff_score']:g}"
        console.print(f"\n[bold]{item['preference']}. {item['quota_id']}[/bold] "
                      f"{item['quota_title']}: [bold]{item['status_text']}[/bold]; {rank}; "
                      f"score {item['score'] if item['score'] is not None else '—'}; "
                      f"{quota['selected']}/{quota['capacity']} seats filled, cut-off {cutoff}")
        criteria = Table(show_header=True, header_style="bold")
        for name in ("", "criterion", "outcome", "legal basis"):
            criteria.add_column(name)
        for criterion in item["criteria"]:
            criteria.add_row("✓" if criterion["met"] else "✗", criterion["id"],
                             criterion["title"] if criterion["met"] else criterion["message"],
                             criterion["basis"])
        console.print(criteria)
        if item["eligible"]:
            points = ", ".join(f"{p['id']} {p['points']}" for p in item["points"])
            console.print(f"points: {points} = {item['score']}")
