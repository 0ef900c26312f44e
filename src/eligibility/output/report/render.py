"""The report's HTML: Jinja2 templates (package data) filled with the figures and charts.

Every value is escaped by the template engine; the charts are SVG made by vl-convert, which
escapes the text it draws. The page carries a Content-Security-Policy that forbids any
script and any request, so even a hostile name in a nominee file cannot make it fetch or run
anything.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from eligibility.i18n import t
from eligibility.output.cutoff_text import key_heading
from eligibility.output.formatting import (
    format_date,
    format_integer,
    format_money,
    format_number,
    format_percent,
    format_value,
)
from eligibility.output.report.charts import Charts
from eligibility.output.report.figures import ReportFigures
from eligibility.output.report.profile import STAGES
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection.cutoff import rank_keys

__all__ = ["render_html", "write_atomically"]


@functools.cache
def _environment(language: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("eligibility.output.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False,
        keep_trailing_newline=True)
    environment.filters.update({
        "integer": lambda value: format_integer(value, language),
        "number": lambda value: format_number(value, language),
        "money": lambda value: format_money(value, language),
        "percent": lambda value: format_percent(value, language),
        "date": lambda value: format_date(value, language),
        "value": lambda value: format_value(value, language),
    })
    environment.globals["tr"] = lambda key, **values: _message(key, language, values)
    environment.globals["keep"] = _keep
    return environment


def _message(key: str, language: str, values: dict[str, Any]) -> Markup:
    """A catalogue message as markup: its text escaped, each value escaped unless it is
    markup already (see :func:`_keep`)."""
    return Markup(escape(t(key, language))).format(**values)


def _keep(value: Any) -> Markup:
    """Data shown inside a sentence (a department, a place): marked as not to translate."""
    return Markup('<span translate="no">{}</span>').format(value)


def render_html(figures: ReportFigures, charts: Charts, rulebook: CompiledRulebook) -> str:
    """The whole report as one self-contained HTML document."""
    language = figures.language
    titles = {key.key: key_heading(rulebook, key.key, language)
              for key in rank_keys(rulebook.ranking)}
    template = _environment(language).get_template("report.html.j2")
    return template.render(figures=figures, charts=charts, language=language, stages=STAGES,
                           key_titles=titles)


def write_atomically(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` atomically, never through a symlink planted there.

    The text goes to a new file beside ``path`` (created exclusively, not following links)
    and is renamed over ``path``: a reader sees the old report or the new one, never half.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags, 0o644)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
