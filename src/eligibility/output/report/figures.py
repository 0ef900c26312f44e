"""Every figure the report shows, computed from the run's records and the people's facts.

Counts come from ``decisions.csv`` and ``rejected.csv``; budgets from the manifest's quota
summary; titles, legal bases and dates from the rulebook; the cut-off from
:mod:`eligibility.selection.cutoff`; shares of women, young and excellent staff from
:mod:`.profile`. Nothing here evaluates a rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from eligibility.errors import InputError
from eligibility.frames import points_column
from eligibility.i18n import has, t
from eligibility.language.types import BOOL, DATE, INT, INTERVAL, NUMBER, EnumType, ListType
from eligibility.output.cutoff_text import describe_cutoff, key_heading
from eligibility.output.report.facts import AGENCY, PeopleFacts
from eligibility.output.report.profile import STAGES, measures, with_measures
from eligibility.output.report.run import DECISIONS_FILE, REPORT_FILE, RunRecord
from eligibility.rulebook.compiled import CompiledRulebook, QuotaRules
from eligibility.rulebook.compiler import legal_basis_text
from eligibility.rulebook.models import LegalText
from eligibility.selection.cutoff import QuotaCutoff, analyse_cutoffs, rank_keys

__all__ = ["LIST_LIMIT", "ReportFigures", "build_figures"]

LIST_LIMIT = 1000  # rows of one list in the report; the workbook and decisions.csv hold all
MIN_RESERVE_SHOWN = 10
REJECTED_SHOWN = 200  # rows listed per agency and problem; rejected.csv holds them all
QUOTA_AGENCIES = 12  # agencies shown by name in a quota's chart; the rest are grouped
OVERALL_AGENCIES = 15


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass(frozen=True)
class ProfileRow:
    """One measure (women, under 40, rated excellent) along the stages of selection."""

    id: str
    title: str
    shares: dict[str, Share]


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    counts: dict[str, int]  # stage -> nominations (or people, overall)


@dataclass(frozen=True)
class Agencies:
    """Every agency at each stage, most nominations first; charts name the first ``shown``."""

    rows: tuple[AgencyRow, ...]
    shown: int

    @property
    def named(self) -> tuple[AgencyRow, ...]:
        return self.rows[:self.shown]

    @property
    def other_count(self) -> int:
        return max(len(self.rows) - self.shown, 0)

    @property
    def totals(self) -> dict[str, int]:
        return {stage: sum(row.counts[stage] for row in self.rows) for stage in STAGES}

    @property
    def other_shares(self) -> dict[str, float | None]:
        totals = self.totals
        return {stage: (sum(row.counts[stage] for row in self.rows[self.shown:]) / totals[stage]
                        if totals[stage] else None) for stage in STAGES}


@dataclass(frozen=True)
class CriterionCount:
    id: str
    title: str
    basis: str
    count: int
    share: Share


@dataclass(frozen=True)
class Listed:
    """A nomination in the selected, reserve or placed-elsewhere list of a quota."""

    rank: int
    candidate_id: str
    full_name: str | None
    agency: str | None
    score: float | None
    points: tuple[float | None, ...]
    keys: tuple[Any, ...]  # the ranking keys shown (not score, not id)
    elsewhere: str | None = None  # title of the quota where the person holds a seat


@dataclass(frozen=True)
class QuotaFigures:
    id: str
    title: str
    lead: str
    kind: str
    subject: str | None
    destinations: tuple[str, ...]
    positions: tuple[str, ...]
    start: dt.date
    end: dt.date
    seats: int
    capacity: int
    budget: int
    cost_per_seat: float
    budget_used: int
    cutoff: QuotaCutoff
    sentences: tuple[str, ...]
    criteria: tuple[CriterionCount, ...]
    profile: tuple[ProfileRow, ...]
    agencies: Agencies
    priorities: tuple[str, ...]  # titles of the points columns of the lists
    selected: tuple[Listed, ...]
    reserve: tuple[Listed, ...]
    placed: tuple[Listed, ...]

    @property
    def budget_share(self) -> float | None:
        return self.budget_used / self.budget if self.budget else None


@dataclass(frozen=True)
class RejectedRow:
    row: int  # the data row (1 = the first under the header)
    line: int | None  # the spreadsheet's own row number, where rejected.csv gives it
    id: str | None
    full_name: str | None
    value: str | None
    error: str


@dataclass(frozen=True)
class RejectedProblem:
    column: str
    title: str
    fix: str
    rows: tuple[RejectedRow, ...]  # the first REJECTED_SHOWN
    total: int


@dataclass(frozen=True)
class RejectedAgency:
    agency: str
    count: int
    problems: tuple[RejectedProblem, ...]


@dataclass(frozen=True)
class LegalBasis:
    citation: str
    title: str | None
    effective: dt.date | None


@dataclass(frozen=True)
class RoundFigures:
    title: str
    rulebook_id: str
    version: str
    effective_from: dt.date
    effective_until: dt.date | None
    bases: tuple[LegalBasis, ...]
    conventions: tuple[str, ...]
    manifest: Mapping[str, Any]
    outputs: tuple[tuple[str, str], ...]  # (file, SHA-256) of the run, the report excluded


@dataclass(frozen=True)
class ReportFigures:
    language: str
    round: RoundFigures
    quotas: tuple[QuotaFigures, ...]
    profile: tuple[ProfileRow, ...]  # overall, one row per measure
    agencies: Agencies  # overall, every agency
    key_titles: tuple[str, ...]  # ranking keys shown in the lists (e.g. date of birth)
    rejected: tuple[RejectedAgency, ...]
    rejected_rows: int
    measure_notes: tuple[str, ...] = field(default=())

    @property
    def totals(self) -> dict[str, int]:
        return {name: sum(getattr(q.cutoff, name) for q in self.quotas)
                for name in ("seats", "capacity", "nominated", "eligible", "selected",
                             "reserve", "placed_elsewhere", "ineligible")}

    @property
    def budget(self) -> tuple[int, int]:
        return (sum(q.budget for q in self.quotas), sum(q.budget_used for q in self.quotas))


def build_figures(run: RunRecord, facts: PeopleFacts, rulebook: CompiledRulebook,
                  language: str) -> ReportFigures:
    """Every figure of the report of ``run``, in ``language``."""
    nominations = _with_facts(run, facts, language)
    nominations = with_measures(rulebook, nominations)
    cutoffs = analyse_cutoffs(rulebook, nominations)
    summary = {row["quota_id"]: row for row in run.manifest.get("quotas") or []}
    shown_keys = [key for key in rank_keys(rulebook.ranking) if key.key not in ("score", "id")]
    seated = nominations.filter(pl.col("status") == "selected").select(
        "candidate_id", pl.col("quota_id").alias("seated_in"))
    nominations = nominations.join(seated, on="candidate_id", how="left",
                                   maintain_order="left")
    quotas = tuple(
        _quota(rulebook, rules, nominations.filter(pl.col("quota_id") == quota_id),
               cutoffs[quota_id], summary.get(quota_id, {}), shown_keys, language)
        for quota_id, rules in rulebook.quotas.items())
    return ReportFigures(
        language=language,
        round=_round(run, rulebook, language),
        quotas=quotas,
        profile=_profile(rulebook, _people_at_their_quota(nominations), language, people=True),
        agencies=_agencies(nominations, language, shown=OVERALL_AGENCIES, people=True),
        key_titles=tuple(key_heading(rulebook, key.key, language)
                         for key in shown_keys),
        rejected=_rejected(run, facts, rulebook, language),
        rejected_rows=run.rejected.height,
        measure_notes=tuple(t(f"report.measure_{measure.id}_note", language)
                            for measure in measures(rulebook)))


def _with_facts(run: RunRecord, facts: PeopleFacts, language: str) -> pl.DataFrame:
    """The decisions with each person's typed fields (the decisions' own columns win)."""
    people = facts.people.select(
        "candidate_id", *(name for name in facts.people.columns
                          if name not in run.decisions.columns))
    joined = run.decisions.join(people, on="candidate_id", how="left", maintain_order="left")
    known = set(people["candidate_id"].to_list())
    unknown = [person for person in run.decisions["candidate_id"].unique().to_list()
               if person not in known]
    if unknown:
        raise InputError(t("report.error_unknown_people", language, count=len(unknown),
                           example=sorted(unknown)[0]), file=str(run.folder / DECISIONS_FILE))
    return joined


def _quota(rulebook: CompiledRulebook, rules: QuotaRules, rows: pl.DataFrame,
           cutoff: QuotaCutoff, summary: Mapping[str, Any], shown_keys: Sequence[Any],
           language: str) -> QuotaFigures:
    quota = rules.quota
    cost = quota.cost_per_seat or quota.budget / quota.seats
    labels = rulebook.labels[language].get("position", {})
    points = [points_column(priority.id) for priority in rules.priorities]
    key_columns = [key.column for key in shown_keys]
    return QuotaFigures(
        id=quota.id, title=quota.title.get(language), lead=quota.lead,
        kind=t(f"report.kind_{quota.kind}", language) if has(f"report.kind_{quota.kind}")
        else quota.kind,
        subject=quota.subject.get(language) if quota.subject else None,
        destinations=tuple(quota.destinations),
        positions=tuple(labels.get(code, code) for code in quota.positions),
        start=quota.start, end=quota.end, seats=quota.seats, capacity=rules.capacity,
        budget=quota.budget, cost_per_seat=cost,
        budget_used=int(summary.get("budget_used", round(cutoff.selected * cost))),
        cutoff=cutoff,
        sentences=tuple(describe_cutoff(cutoff, rulebook, language)),
        criteria=_criteria(rules, rows, language),
        profile=_profile(rulebook, rows, language, people=False),
        agencies=_agencies(rows, language, shown=QUOTA_AGENCIES, people=False),
        priorities=tuple(priority.title.get(language) for priority in rules.priorities),
        selected=_listed(rulebook, rows, "selected", points, key_columns, language,
                         limit=LIST_LIMIT),
        reserve=_listed(rulebook, rows, "reserve", points, key_columns, language,
                        limit=min(LIST_LIMIT, max(rules.capacity, MIN_RESERVE_SHOWN))),
        placed=_listed(rulebook, rows, "placed_elsewhere", points, key_columns, language,
                       limit=LIST_LIMIT))


def _criteria(rules: QuotaRules, rows: pl.DataFrame,
              language: str) -> tuple[CriterionCount, ...]:
    failed = (rows.select(pl.col("failed").str.split(";")).explode("failed")
              .drop_nulls().group_by("failed").len())
    counts = dict(failed.iter_rows())
    return tuple(CriterionCount(
        id=criterion.id, title=criterion.title.get(language),
        basis=legal_basis_text(criterion.basis), count=int(counts.get(criterion.id, 0)),
        share=Share(int(counts.get(criterion.id, 0)), rows.height))
        for criterion in rules.criteria)


def _stage_filters() -> dict[str, pl.Expr]:
    return {"nominated": pl.lit(True), "eligible": pl.col("status") != "ineligible",
            "selected": pl.col("status") == "selected"}


def _profile(rulebook: CompiledRulebook, rows: pl.DataFrame, language: str, *,
             people: bool) -> tuple[ProfileRow, ...]:
    """Shares per stage; ``people`` rows carry ``__eligible``/``__selected`` person flags."""
    stages = _person_stages() if people else _stage_filters()
    found = []
    for measure in measures(rulebook):
        shares = {}
        for stage in STAGES:
            members = rows.filter(stages[stage])
            shares[stage] = Share(int(members[measure.column].sum()), members.height)
        found.append(ProfileRow(measure.id, t(f"report.measure_{measure.id}", language), shares))
    return tuple(found)


def _person_stages() -> dict[str, pl.Expr]:
    return {"nominated": pl.lit(True), "eligible": pl.col("__eligible"),
            "selected": pl.col("__selected")}


def _people_at_their_quota(nominations: pl.DataFrame) -> pl.DataFrame:
    """One row per person: the nomination that seats them, else their first eligible one,
    else their first choice; with whether they are eligible anywhere and selected."""
    order = (pl.when(pl.col("status") == "selected").then(0)
             .when(pl.col("status") != "ineligible").then(1).otherwise(2))
    return (nominations
            .with_columns((pl.col("status") != "ineligible").any().over("candidate_id")
                          .alias("__eligible"),
                          (pl.col("status") == "selected").any().over("candidate_id")
                          .alias("__selected"),
                          order.alias("__order"))
            .sort("candidate_id", "__order", "preference")
            .unique("candidate_id", keep="first", maintain_order=True))


def _agencies(rows: pl.DataFrame, language: str, *, shown: int, people: bool) -> Agencies:
    frame = _people_at_their_quota(rows) if people else rows
    stages = _person_stages() if people else _stage_filters()
    none = t("report.no_agency", language)
    counted = (frame.with_columns(pl.col(AGENCY).fill_null(none))
               .group_by(AGENCY)
               .agg(*(stages[stage].sum().alias(stage) for stage in STAGES))
               .sort(["nominated", "selected", AGENCY], descending=[True, True, False]))
    found = tuple(AgencyRow(row[AGENCY], {stage: int(row[stage]) for stage in STAGES})
                  for row in counted.iter_rows(named=True))
    return Agencies(found, min(shown, len(found)))


def _listed(rulebook: CompiledRulebook, rows: pl.DataFrame, status: str, points: list[str],
            key_columns: list[str], language: str, *, limit: int) -> tuple[Listed, ...]:
    chosen = rows.filter(pl.col("status") == status).sort("rank").head(limit)
    return tuple(Listed(
        rank=row["rank"], candidate_id=row["candidate_id"], full_name=row["full_name"],
        agency=row[AGENCY], score=row["score"],
        points=tuple(row[name] for name in points),
        keys=tuple(row.get(name) for name in key_columns),
        elsewhere=(rulebook.quota(row["seated_in"]).quota.title.get(language)
                   if row.get("seated_in") and row["seated_in"] != row["quota_id"] else None))
        for row in chosen.iter_rows(named=True))


def _round(run: RunRecord, rulebook: CompiledRulebook, language: str) -> RoundFigures:
    model = rulebook.model
    cited: dict[str, LegalText] = {text.id: text for text in model.basis}
    for rules in rulebook.quotas.values():
        for rule in (*rules.criteria, *rules.priorities):
            cited.update({text.id: text for text in rule.basis})
    bases = tuple(LegalBasis(
        citation=" ".join(filter(None, (text.citation, text.article))),
        title=text.title.get(language) if text.title else None,
        effective=text.effective.from_ if text.effective else None)
        for text in cited.values())
    outputs = tuple((name, digest) for name, digest in run.manifest["outputs"].items()
                    if name != REPORT_FILE)
    return RoundFigures(
        title=model.title.get(language), rulebook_id=model.id, version=model.version,
        effective_from=model.effective.from_, effective_until=model.effective.until,
        bases=bases, conventions=tuple(text.get(language) for text in model.conventions),
        manifest=run.manifest, outputs=outputs)


def _rejected(run: RunRecord, facts: PeopleFacts, rulebook: CompiledRulebook,
              language: str) -> tuple[RejectedAgency, ...]:
    if run.rejected.is_empty():
        return ()
    none = t("report.no_agency", language)
    rows = (run.rejected.join(facts.rejected_agencies, on="row", how="left")
            .with_columns(pl.col(AGENCY).fill_null(none))
            .sort(AGENCY, "column", "row"))
    result = []
    for (agency,), group in rows.group_by(AGENCY, maintain_order=True):
        problems = tuple(
            RejectedProblem(
                column=column, title=_column_title(rulebook, column, language),
                fix=fix_hint(rulebook, column, language),
                rows=tuple(RejectedRow(row["row"], row.get("line"), row.get("id"),
                                       row.get("full_name"), row["value"], row["error"])
                           for row in problem.head(REJECTED_SHOWN).iter_rows(named=True)),
                total=problem.height)
            for (column,), problem in group.group_by("column", maintain_order=True))
        result.append(RejectedAgency(str(agency), group.height, problems))
    return tuple(sorted(result, key=lambda item: (-item.count, item.agency)))


def _field_of(rulebook: CompiledRulebook, column: str) -> str | None:
    """The candidate field read from input column ``column`` (``'id'``/``'nominations'``
    for those two columns)."""
    if column in rulebook.id_columns:
        return "id"
    if column in rulebook.nominations_columns:
        return "nominations"
    for name, spec in rulebook.fields.items():
        for pattern in spec.columns:
            if spec.yearly:
                regex = re.escape(pattern).replace(re.escape("{year}"), r"\d{4}")
                if re.fullmatch(regex, column):
                    return name
            elif pattern == column:
                return name
    return None


def _column_title(rulebook: CompiledRulebook, column: str, language: str) -> str:
    name = _field_of(rulebook, column)
    if name in ("id", "nominations"):
        return t(f"report.column_{name}", language)
    spec = rulebook.fields.get(name or "")
    return spec.title.get(language) if spec is not None and spec.title else column


def fix_hint(rulebook: CompiledRulebook, column: str, language: str) -> str:
    """What the agency should write in ``column`` for its row to be read."""
    name = _field_of(rulebook, column)
    if name == "id":
        return t("report.fix_id", language)
    if name == "nominations":
        return t("report.fix_nominations", language, quotas=", ".join(rulebook.quotas))
    spec = rulebook.fields.get(name or "")
    if spec is None:
        return t("report.fix_other", language)
    kind = spec.type
    if isinstance(kind, EnumType):
        labels = rulebook.labels[language].get(kind.name, {})
        return t("report.fix_vocabulary", language,
                 values=", ".join(labels.get(code, code) for code in kind.codes))
    if kind == DATE:
        return t("report.fix_date", language)
    if kind == BOOL:
        return t("report.fix_bool", language)
    if kind == INTERVAL or (isinstance(kind, ListType) and kind.item == INTERVAL):
        return t("report.fix_intervals", language)
    if kind in (INT, NUMBER):
        return t("report.fix_number", language)
    return t("report.fix_text", language)
