"""The report's charts: Vega-Lite specifications built with Altair, rendered to inline SVG.

vl-convert renders each chart on this machine (an embedded JavaScript runtime with Vega;
nothing is fetched: external data URLs are refused), so the report needs no script and no
network to show them. Numbers on the axes follow the run's language.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import altair as alt
import vl_convert

from eligibility.i18n import t
from eligibility.output.report.figures import (
    Agencies,
    ProfileRow,
    QuotaFigures,
    ReportFigures,
)
from eligibility.output.report.profile import STAGES

__all__ = ["FONT", "Charts", "render_charts"]

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 520
LABEL_LIMIT = 360
BAR = 9  # height of one bar in grouped bar charts, in pixels
_VEGA_LITE = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
STATUS_COLOURS = {"selected": "#2e7d32", "reserve": "#f9a825",
                  "placed_elsewhere": "#1e88e5", "ineligible": "#9e9e9e"}
STAGE_COLOURS = {"nominated": "#90a4ae", "eligible": "#42a5f5", "selected": "#2e7d32"}
_FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"],
           "percent": "%"},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", " VND"],
           "percent": "%"},
}

Charts = dict[str, str]  # chart name -> SVG


def render_charts(figures: ReportFigures) -> Charts:
    """Every chart of the report: the overview, the overall priorities and agencies, and
    per quota ('<id>.criteria', '<id>.profile', '<id>.agencies')."""
    language = figures.language
    charts: dict[str, alt.TopLevelMixin] = {"statuses": _statuses(figures),
                                            "budget": _budget(figures),
                                            "agencies": _agency_chart(figures.agencies, language)}
    if figures.profile:
        charts["profile"] = _profile_chart(figures.profile, language)
    for quota in figures.quotas:
        charts[f"{quota.id}.criteria"] = _criteria(quota, language)
        if quota.profile:
            charts[f"{quota.id}.profile"] = _profile_chart(quota.profile, language)
        charts[f"{quota.id}.agencies"] = _agency_chart(quota.agencies, language)
    # vl-convert renders outside the GIL: charts are drawn side by side on the cores.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        svgs = pool.map(lambda chart: _svg(chart, language), charts.values())
        return dict(zip(charts, svgs, strict=True))


def _svg(chart: alt.TopLevelMixin, language: str) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).configure_axis(
        labelFontSize=11, titleFontSize=11, labelLimit=LABEL_LIMIT,
    ).configure_legend(labelFontSize=11, titleFontSize=11, labelLimit=LABEL_LIMIT,
                       orient="bottom", columns=3).to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version=_VEGA_LITE, allowed_base_urls=[],
                                     format_locale=_FORMAT_LOCALES[language])
    return _without_prolog(svg)


def _without_prolog(svg: str) -> str:
    """The ``<svg>`` element alone, ready to be inlined in HTML."""
    start = svg.find("<svg")
    return svg[start:] if start > 0 else svg


def _status_word(status: str, language: str) -> str:
    return t(f"status.{status}", language)


def _statuses(figures: ReportFigures) -> alt.Chart:
    language = figures.language
    statuses = ("selected", "reserve", "placed_elsewhere", "ineligible")
    values = [{"quota": quota.title, "status": _status_word(status, language),
               "order": index, "count": getattr(quota.cutoff, status)}
              for quota in figures.quotas for index, status in enumerate(statuses)]
    words = [_status_word(status, language) for status in statuses]
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("count:Q", title=t("report.chart_nominations", language), stack="zero"),
        y=alt.Y("quota:N", title=None, sort=[quota.title for quota in figures.quotas]),
        color=alt.Color("status:N", title=None, sort=words,
                        scale=alt.Scale(domain=words, range=list(STATUS_COLOURS.values()))),
        order=alt.Order("order:Q"),
    ).properties(width=WIDTH, title=t("report.chart_statuses", language))


def _budget(figures: ReportFigures) -> alt.LayerChart:
    language = figures.language
    budget_word, used_word = (t("report.budget", language), t("report.budget_used", language))
    values = [{"quota": quota.title, "what": word, "amount": amount / 1e9}
              for quota in figures.quotas
              for word, amount in ((budget_word, quota.budget), (used_word, quota.budget_used))]
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("amount:Q", title=t("report.chart_billions", language)),
        y=alt.Y("quota:N", title=None, sort=[quota.title for quota in figures.quotas]),
        yOffset=alt.YOffset("what:N", sort=[budget_word, used_word]),
        color=alt.Color("what:N", title=None, sort=[budget_word, used_word],
                        scale=alt.Scale(range=["#cfd8dc", "#00695c"])),
    ).properties(width=WIDTH, height=len(figures.quotas) * 2 * BAR,
                 title=t("report.chart_budget", language))


def _criteria(quota: QuotaFigures, language: str) -> alt.Chart:
    values = [{"criterion": item.title, "count": item.count} for item in quota.criteria]
    return alt.Chart(alt.Data(values=values)).mark_bar(color="#c62828").encode(
        x=alt.X("count:Q", title=t("report.chart_ineligible_count", language),
                axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("criterion:N", title=None, sort=[item.title for item in quota.criteria]),
    ).properties(width=WIDTH - 120, title=t("report.chart_criteria", language,
                                             title=quota.title))


def _stage_words(language: str) -> list[str]:
    return [t(f"report.stage_{stage}", language) for stage in STAGES]


def _profile_chart(rows: Sequence[ProfileRow], language: str) -> alt.Chart:
    """Each priority group's share among the nominated, the eligible and the selected."""
    shares = [[row.shares[stage].share or 0.0 for stage in STAGES] for row in rows]
    return _stage_bars([row.title for row in rows], shares, language,
                       title=t("report.chart_profile", language), whole=True)


def _agency_chart(agencies: Agencies, language: str) -> alt.Chart:
    """The named agencies' shares of the nominated, the eligible and the selected."""
    totals = agencies.totals
    shares = [[row.counts[stage] / totals[stage] if totals[stage] else 0.0
               for stage in STAGES] for row in agencies.named]
    return _stage_bars([row.agency for row in agencies.named], shares, language,
                       title=t("report.chart_agencies", language), whole=False)


def _stage_bars(categories: Sequence[str], shares: Sequence[Sequence[float]], language: str,
                *, title: str, whole: bool) -> alt.Chart:
    """One row per category, one bar per stage of selection; ``whole``: the axis is 0–100%."""
    words = _stage_words(language)
    values = [{"category": category, "stage": word, "share": share}
              for category, row in zip(categories, shares, strict=True)
              for word, share in zip(words, row, strict=True)]
    scale = alt.Scale(domain=[0, 1]) if whole else alt.Undefined
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("share:Q", title=t("report.chart_share", language), scale=scale,
                axis=alt.Axis(format=".0%")),
        y=alt.Y("category:N", title=None, sort=list(categories)),
        yOffset=alt.YOffset("stage:N", sort=words),
        color=alt.Color("stage:N", title=None, sort=words,
                        scale=alt.Scale(domain=words, range=list(STAGE_COLOURS.values()))),
    ).properties(width=WIDTH - 120, height=len(categories) * len(STAGES) * BAR, title=title)
