"""Reading the figures a report shows back out of its HTML (for the report's tests).

The report marks every figure it shows with ``data-`` attributes; this parser collects
them per quota section, so a test can compare them with numbers it recomputes itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class QuotaShown:
    figures: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    criteria: dict[str, int] = field(default_factory=dict)
    measures: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    charts: list[str] = field(default_factory=list)
    cutoff_text: str = ""


@dataclass
class ReportShown:
    cover: dict[str, str] = field(default_factory=dict)
    quotas: dict[str, QuotaShown] = field(default_factory=dict)
    rejected_rows: list[int] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)  # tag, name, value


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shown = ReportShown()
        self.quota: QuotaShown | None = None
        self.section_depth = 0
        self.depth = 0
        self.list_kind: str | None = None
        self.measure: str | None = None
        self.in_cutoff = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.shown.tags.add(tag)
        self.shown.attributes += [(tag, name, value or "") for name, value in attrs]
        self.depth += 1
        if tag == "section" and "data-quota" in values:
            self.quota = self.shown.quotas.setdefault(values["data-quota"], QuotaShown())
            self.section_depth = self.depth
        target = self.quota.figures if self.quota is not None else self.shown.cover
        if "data-figure" in values:
            target[values["data-figure"]] = values.get("data-value", "")
        if self.quota is None:
            if tag == "tr" and "data-row" in values:
                self.shown.rejected_rows.append(int(values["data-row"]))
            return
        if tag == "table" and "data-list" in values:
            self.list_kind = values["data-list"]
            self.quota.lists[self.list_kind] = []
        elif tag == "tr" and self.list_kind and "data-id" in values:
            self.quota.lists[self.list_kind].append(values)
        elif tag == "tr" and "data-criterion" in values:
            self.quota.criteria[values["data-criterion"]] = int(values["data-count"])
        elif tag == "tr" and "data-measure" in values:
            self.measure = values["data-measure"]
        elif tag == "td" and self.measure and "data-stage" in values:
            self.quota.measures[(self.measure, values["data-stage"])] = (
                int(values["data-count"]), int(values["data-total"]))
        elif tag == "figure" and "data-chart" in values:
            self.quota.charts.append(values["data-chart"])
        elif tag == "div" and values.get("data-section") == "cutoff":
            self.in_cutoff = self.depth

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.list_kind = None
        if tag == "tr":
            self.measure = None
        if self.in_cutoff and self.depth == self.in_cutoff and tag == "div":
            self.in_cutoff = 0
        if self.quota is not None and tag == "section" and self.depth == self.section_depth:
            self.quota = None
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_cutoff and self.quota is not None:
            self.quota.cutoff_text += data


VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source"}


class _BalancedParser(_Parser):
    """HTML void elements have no end tag: keep the depth count right."""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        if tag in VOID:
            self.depth -= 1


def parse_report(html: str) -> ReportShown:
    parser = _BalancedParser()
    parser.feed(html)
    parser.close()
    return parser.shown
