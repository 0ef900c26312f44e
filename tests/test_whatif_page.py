"""``diff.html``: what it shows, in which language, self-contained; opened in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import eligibility
from eligibility.whatif import Comparison, compare
from eligibility.whatif.page import PageFacts, render_diff_html

ROOT = Path(__file__).parent.parent
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"
NOMINEES = ROOT / "examples" / "hanoi" / "nominees.csv"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync")


class _Page(HTMLParser):
    """The page's rows (by data-candidate and data-quota), text, links and resources."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.sections: list[str | None] = []
        self.fetches: list[str] = []
        self.text: list[str] = []
        self.scripts = 0
        self._quota: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and "data-quota" in values:
            self._quota = values["data-quota"]
            self.sections.append(self._quota)
        if tag == "tr" and "data-candidate" in values:
            self.rows.append({"candidate": values["data-candidate"], "quota": self._quota,
                              "cause": values.get("data-cause")})
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if values.get(name):
                self.fetches.append(str(values[name]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    before = eligibility.load_rulebook(HANOI)
    after = eligibility.load_rulebook(HANOI, changes={"quota.tt-tt.seats": 5})
    return compare(before, after, NOMINEES)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


FACTS = PageFacts("nominees.csv", "0" * 64)


def test_every_changed_nomination_has_its_row_under_its_quota(comparison: Comparison) -> None:
    """GIVEN the IT quota cut to 5 seats WHEN the page is rendered THEN it has one row per
    changed nomination, under that nomination's quota, with its cause code, and one
    section per quota that changed."""
    page = _parse(render_diff_html(comparison, "vi", FACTS))
    shown = {(row["candidate"], row["quota"], row["cause"]) for row in page.rows}
    expected = {(key[0], key[1], cause.code) for key, cause in comparison.causes.items()}
    assert shown == expected and len(page.rows) == comparison.changes.height
    assert page.sections == ["tt-tt", "pg-abroad", "pg-domestic"]


def test_the_page_speaks_the_run_language(comparison: Comparison) -> None:
    """GIVEN the same comparison WHEN rendered in Vietnamese and in English THEN each page
    carries its own language's headings and causes, and not the other's."""
    vi = " ".join(_parse(render_diff_html(comparison, "vi", FACTS)).text)
    en = " ".join(_parse(render_diff_html(comparison, "en", FACTS)).text)
    assert "Những đề cử thay đổi" in vi and "bị vượt lên" in vi and "Dự bị" in vi
    assert "The nominations that change" in en and "displaced" in en
    assert "The nominations that change" not in vi and "Những đề cử thay đổi" not in en
    assert "Displaced from" not in vi and "Bị " not in en


def test_the_page_is_self_contained_and_escapes_what_it_shows(comparison: Comparison) -> None:
    """GIVEN a what-if title holding markup WHEN rendered THEN the page has no script and
    fetches nothing, forbids both in its Content-Security-Policy, and shows the markup as
    text."""
    facts = PageFacts("<img src=x>.csv", "0" * 64,
                      eligibility.rulebook.models.Text(vi="<script>x</script>", en="a"))
    html = render_diff_html(comparison, "vi", facts)
    page = _parse(html)
    assert page.scripts == 0 and page.fetches == []
    assert "default-src 'none'" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is installed by .ci/run")
def test_chromium_shows_the_page_and_prints_a_page_per_quota(comparison: Comparison,
                                                             tmp_path: Path) -> None:
    """GIVEN the rendered page WHEN headless Chromium opens it THEN the document it builds
    holds every changed person's row; printed to PDF, it has a page for the cover and one
    for each quota that changed."""
    path = tmp_path / "diff.html"
    path.write_text(render_diff_html(comparison, "en", FACTS), encoding="utf-8")
    profile = tmp_path / "profile"
    dom = subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                          "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    rows = _parse(dom).rows
    assert {row["candidate"] for row in rows} == set(comparison.changes["candidate_id"])
    pdf = tmp_path / "diff.pdf"
    subprocess.run([str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 1 + 3
