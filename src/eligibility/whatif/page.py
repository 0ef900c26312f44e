"""``diff.html``: the what-if comparison as one self-contained page, in the run's language.

A Jinja2 template (package data) filled from the comparison; every value is escaped by the
template engine, and the page's Content-Security-Policy forbids scripts and any request, so
nothing in a nominee file can make it run or fetch anything. It prints on A4.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import polars as pl

from eligibility.i18n import t
from eligibility.i18n.formats import date as format_date
from eligibility.language.rendering import format_number
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.rulebook.models import Text
from eligibility.whatif.causes import Key
from eligibility.whatif.compare import Comparison
from eligibility.whatif.wording import Wording

THOUSANDS = {"vi": ".", "en": ","}
ROWS_PER_QUOTA = 500  # a page an official can read and print; diff.csv has every row


@dataclass(frozen=True)
class PageFacts:
    """What the page says about the run beyond the comparison itself."""

    input_name: str
    input_sha256: str
    title: Text | None = None  # the what-if's own name (an override file's title)
    earlier_rounds: Sequence[Mapping[str, Any]] = ()
    outputs: Mapping[str, str] | None = None  # other files of the run and their SHA-256


def render_diff_html(comparison: Comparison, language: str, facts: PageFacts) -> str:
    """The comparison as a self-contained HTML page in ``language``."""
    wording = Wording(comparison, language)
    template = _environment(language).get_template("diff.html.j2")
    return template.render(
        language=language, title=facts.title.get(language) if facts.title else None,
        facts=facts, sides=[_side(comparison.before.rulebook, "before", language),
                            _side(comparison.after.rulebook, "after", language)],
        counts=comparison.counts(), quotas=_quotas(comparison, wording),
        causes=_causes(comparison, wording), sections=_sections(comparison, wording))


def _side(rulebook: CompiledRulebook, name: str, language: str) -> dict[str, Any]:
    return {"name": name, "id": rulebook.id, "version": rulebook.version,
            "as_of": _date(rulebook.as_of, language) if rulebook.as_of else None,
            "changes": list(rulebook.changes)}


def _quotas(comparison: Comparison, wording: Wording) -> list[dict[str, Any]]:
    rows = []
    for row in comparison.quotas.iter_rows(named=True):
        rows.append({
            "id": row["quota_id"], "title": wording.quota(row["quota_id"]),
            **{name: (row[f"{name}_before"], row[f"{name}_after"])
               for name in ("capacity", "nominated", "eligible", "selected", "cutoff_score")},
            "entered": row["entered"], "left": row["left"]})
    return rows


def _causes(comparison: Comparison, wording: Wording) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for cause in comparison.causes.values():
        counts[cause.code] = counts.get(cause.code, 0) + 1
    return [{"code": code, "name": wording.cause_name(code), "count": count}
            for code, count in sorted(counts.items(), key=lambda item: -item[1])]


def _sections(comparison: Comparison, wording: Wording) -> list[dict[str, Any]]:
    """Per quota that changed: its changed nominations, those whose status changed first,
    then eligibility, points, rank; at most ROWS_PER_QUOTA (diff.csv holds them all)."""
    changes = comparison.changes.with_columns(
        pl.when(pl.col("before.status").ne_missing(pl.col("after.status"))).then(0)
        .when(pl.col("before.eligible").ne_missing(pl.col("after.eligible"))).then(1)
        .when(pl.col("own_changed")).then(2).otherwise(3).alias("__weight"))
    shown = (changes.with_row_index("__order")
             .sort("__weight", "__order").group_by("quota_id", maintain_order=True)
             .head(ROWS_PER_QUOTA).sort("__order"))
    hidden = dict(changes.group_by("quota_id").len().iter_rows())
    sections: dict[str, list[dict[str, Any]]] = {}
    for row in shown.iter_rows(named=True):
        key: Key = (row["candidate_id"], row["quota_id"])
        steps = comparison.chain(*key)
        sections.setdefault(row["quota_id"], []).append({
            "id": row["candidate_id"], "name": row["full_name"], "agency": row["agency"],
            "preference": row["preference"],
            "status": (wording.status(row["before.status"]), wording.status(row["after.status"])),
            "status_codes": (row["before.status"] or "", row["after.status"] or ""),
            "score": (row["before.score"], row["after.score"]),
            "rank": (row["before.rank"], row["after.rank"]),
            "cause": steps[0][1].code, "cause_name": wording.cause_name(steps[0][1].code),
            "steps": [wording.step(step, cause) for step, cause in steps]})
    return [{"id": quota_id, "title": wording.quota(quota_id), "rows": rows,
             "count": hidden[quota_id], "hidden": hidden[quota_id] - len(rows)}
            for quota_id, rows in sections.items()]


@functools.cache
def _environment(language: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("eligibility.whatif", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    environment.filters.update({
        "integer": lambda value: _integer(value, language),
        "number": lambda value: "—" if value is None else format_number(value),
    })
    environment.globals["tr"] = lambda key, **values: t(f"whatif.{key}", language, **values)
    return environment


def _integer(value: Any, language: str) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", THOUSANDS[language])


def _date(value: Any, language: str) -> str:
    return format_date(value, language)
