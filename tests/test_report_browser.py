"""The selection report in a real headless Chromium (Debian's ``chromium``).

The browser opens report.html from disk with a fresh profile; every request is intercepted.
Checks: nothing but the file itself is requested, the console stays free of errors, every
quota's section and charts are visible, the text is in the run's language only, and
printing on A4 gives each quota its own page(s). Screenshots go to a temporary folder
(or to ``$ELIGIBILITY_TEST_ARTEFACTS`` when set), never into the repository.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import eligibility
from eligibility.i18n import catalogue

RULES = Path("rules/hanoi-2022-2025.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MIN_WORD = 5  # shorter catalogue texts ('Id', 'Mã') are too common to prove a language


def _chromium_or_skip() -> None:
    if CHROMIUM.is_file():
        return
    message = (f"{CHROMIUM} is missing: install Debian's chromium package "
               f"(.ci/run does it)")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            chromium_sandbox=False, viewport={"width": 1280, "height": 900},
            offline=True)
        yield context
        context.close()


@pytest.fixture(scope="module", params=["vi", "en"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    language = request.param
    out = tmp_path_factory.mktemp(f"report-{language}") / "run"
    result = subprocess.run([sys.executable, "-m", "eligibility", "rank", str(EXAMPLE),
                             "--rules", str(RULES), "--out", str(out), "--lang", language,
                             "--report"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out / "report.html"


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("ELIGIBILITY_TEST_ARTEFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _language(path: Path) -> str:
    return path.parent.parent.name.split("-")[1].rstrip("0123456789")


def _open(context: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """The report opened in a new page; every request and console error recorded."""
    requests: list[str] = []
    errors: list[str] = []

    def intercept(route: Any) -> None:
        requests.append(route.request.url)
        if route.request.url == path.resolve().as_uri():
            route.continue_()
        else:
            route.abort()

    page = context.new_page()
    page.route("**/*", intercept)
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, requests, errors


def test_nothing_leaves_the_file_and_the_console_is_clean(browser_context: Any,
                                                          report: Path) -> None:
    """GIVEN the example's report WHEN Chromium opens it with every request intercepted
    THEN the only request is the file itself and no console error is logged."""
    page, requests, errors = _open(browser_context, report)
    page.wait_for_timeout(300)
    assert requests == [report.resolve().as_uri()]
    assert errors == []
    page.close()


def test_every_quota_section_and_chart_is_visible(browser_context: Any, report: Path,
                                                  artefacts: Path) -> None:
    """GIVEN the example's report WHEN each quota's section is scrolled into view THEN the
    section, its cut-off explanation and each of its charts are visible with a real size."""
    page, _, _ = _open(browser_context, report)
    quotas = list(eligibility.load_rulebook(RULES).quotas)
    assert page.locator("section.quota").count() == len(quotas)
    language = _language(report)
    for quota_id in quotas:
        section = page.locator(f"section[data-quota='{quota_id}']")
        section.scroll_into_view_if_needed()
        assert section.is_visible(), quota_id
        assert section.locator("[data-section='cutoff']").is_visible(), quota_id
        charts = section.locator("figure[data-chart] svg")
        assert charts.count() >= 2, quota_id
        for index in range(charts.count()):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert chart.is_visible() and box is not None, (quota_id, index)
            assert box["width"] > 200 and box["height"] > 50, (quota_id, index, box)
            assert chart.locator("text").count() > 3, (quota_id, index)
        section.screenshot(path=str(artefacts / f"{language}-{quota_id}.png"))
    page.close()


def _catalogue_texts(language: str) -> set[str]:
    """Every fixed piece of a catalogue text (placeholders cut out) long enough to tell."""
    pieces = set()
    for texts in catalogue().values():
        other = "vi" if language == "en" else "en"
        if texts[language] == texts[other]:
            continue
        for piece in re.split(r"\{[^}]*\}", texts[language]):
            piece = piece.strip(" .,:;()—–-")
            if len(piece) >= MIN_WORD and piece not in texts[other]:
                pieces.add(piece)
    return pieces


def test_the_text_is_in_the_runs_language_only(browser_context: Any, report: Path) -> None:
    """GIVEN a report written with --lang vi (or en) WHEN its visible text is read
    THEN the page declares that language, shows the catalogue's texts in it and none of the
    other language's."""
    page, _, _ = _open(browser_context, report)
    language = _language(report)
    other = "en" if language == "vi" else "vi"
    # Data (names, agencies, cited titles of laws, values from the file) is marked
    # translate="no": it is shown as written, in whatever language it was written.
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('[translate="no"]').forEach(node => node.remove());
        return body.innerText;
    }""")
    assert page.locator("html").get_attribute("lang") == language
    own = [piece for piece in _catalogue_texts(language) if piece in text]
    assert len(own) >= 40, own
    stray = sorted(piece for piece in _catalogue_texts(other) if piece in text)
    assert stray == []
    if language == "vi":
        assert "Điểm chuẩn được xác định như thế nào" in text
    else:
        assert "How the cut-off was decided" in text
    page.close()


def test_printing_gives_every_quota_its_own_pages(browser_context: Any, report: Path,
                                                  artefacts: Path) -> None:
    """GIVEN the example's report WHEN printed to PDF on A4 THEN every quota's heading opens
    a page of its own, in rulebook order, and there are at least as many pages as quotas."""
    pypdf = pytest.importorskip("pypdf")
    page, _, _ = _open(browser_context, report)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    page.close()
    (artefacts / f"{_language(report)}.pdf").write_bytes(pdf)
    # Each page's text, without the page number printed in its margin ('8 / 79').
    pages = [re.sub(r"^\s*\d+ / \d+\s*", "", item.extract_text() or "")
             for item in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    quotas = list(eligibility.load_rulebook(RULES).quotas)
    assert len(pages) >= len(quotas)
    first_pages = []
    for quota_id in quotas:
        found = [index for index, text in enumerate(pages) if quota_id in text]
        assert found, quota_id
        first_pages.append(found[0])
        assert pages[found[0]].startswith(quota_id), (quota_id, pages[found[0]][:80])
    assert first_pages == sorted(set(first_pages))
    width, height = (float(value) for value in
                     pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox[2:])
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points


def test_chromium_is_debians(browser_context: Any) -> None:
    """GIVEN the browser the tests drive WHEN its version is asked THEN it is the system's
    chromium (no downloaded browser build)."""
    assert browser_context.browser is None or browser_context.browser.version
    assert shutil.which("chromium") in (str(CHROMIUM), None) or CHROMIUM.is_file()
