"""What a person reads is in the run's language: rank, explain, check, test and diff, end to
end.

Each command runs as a user runs it (a separate process, a wide terminal so that no word is
cut) and everything it prints, on stdout and stderr, is split into words. With ``--lang vi``
no word may be English: the English words are those of the English catalogue, of the
rulebook's English titles, labels and messages, and a list of common English words, less
every word that is also Vietnamese here (the Vietnamese catalogue, the rulebook's Vietnamese
texts) or that comes from the data (names and agencies of the nominee file, citations of
legal texts, departments). With ``--lang en`` it is the reverse. Codes (``noi-vu-urban``,
``position-match``), numbers and paths are not words and are not checked.

Rulebooks that cannot be used are reported the same way: under ``check``, ``rank``,
``explain``, ``diff`` and ``test`` every problem reads in the run's language. What the author
wrote is shown back as written — the offending line under the message, and the keys and
names it quotes ('seat') — so those are set aside before the words are read.
"""

from __future__ import annotations

import csv
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import eligibility
from eligibility.i18n import LANGUAGES, catalogue
from eligibility.rulebook.models import Rulebook
from eligibility.testing.cases import CaseFileModel

RULES = Path("rules/hanoi-2022-2025.yaml")
SHARED = Path("rules/vn-regulations.yaml")
EXAMPLE = Path("examples/hanoi/nominees.csv")
_COMMON_ENGLISH_WORDS = """
a about above after again all also an and any are as at be because been before being below
between both but by can cannot could did do does done each either else error errors
expected few file files for found from got had has have here how if in into is it its
least less more most must no none nor not now of off on once one only or other our out
over own per please read same see should so some such than that the their them then there
these they this those through to too under until up valid was were what when where which
while who why will with without yes you your
quota quotas seat seats selected select eligible ineligible reserve placed another rank
ranked ranking score scores scored point points cut criterion criteria outcome outcomes
legal basis met unmet rule rules rulebook rulebooks version versions force includes
include included shared priority priorities field fields candidate candidates people
person row rows rejected decided nominated nomination nominations results result warning
warnings passed failed case cases test tests total filled choice preference name id
loading reading deciding writing engine folder internal report command summary title
"""
COMMON_ENGLISH = frozenset(_COMMON_ENGLISH_WORDS.split())
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_EDGE = re.compile(r"^\W+|\W+$")


def words(text: str) -> Iterator[str]:
    """The words of ``text``, lower-cased: runs of letters between spaces and punctuation.

    A piece holding anything but letters once its edges are stripped (a code such as
    ``noi-vu-hr``, a number, a path) is not a word.

    >>> list(words("Nguyện vọng 1: (noi-vu-urban) — Được cử đi học; rows/ok"))
    ['nguyện', 'vọng', 'được', 'cử', 'đi', 'học']
    """
    for piece in text.split():
        core = _EDGE.sub("", piece)
        if core and core.isalpha():
            yield core.lower()


DATA_KEYS = ("citation", "article", "lead", "destinations")  # rulebook texts in no language


def _texts(value: Any, language: str | None, key: str = "") -> Iterator[str]:
    """The texts in ``language`` inside a rulebook model dump, or with None the texts in no
    language that a person is shown (citations of legal texts, departments)."""
    if isinstance(value, dict):
        if set(value) == set(LANGUAGES):
            if language is not None:
                yield str(value[language])
            return
        for name, item in value.items():
            yield from _texts(item, language, name)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, language, key)
    elif isinstance(value, str) and language is None and key in DATA_KEYS:
        yield value


def _vocabulary(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in words(_PLACEHOLDER.sub(" ", text))}


@pytest.fixture(scope="module")
def lexicon() -> dict[str, set[str]]:
    """The words of each language here, and the words of the data (in no language)."""
    dumped = [eligibility.load_rulebook(RULES).model.model_dump(mode="json", by_alias=True)]
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    data = _vocabulary([*(row[name] for row in rows for name in ("full_name", "agency")),
                        *_texts(dumped, None)])
    by_language = {language: _vocabulary([
        *(texts[language] for texts in catalogue().values()), *_texts(dumped, language)])
        for language in LANGUAGES}
    by_language["en"] |= COMMON_ENGLISH
    return {**by_language, "data": data}


def foreign_words(text: str, language: str, lexicon: dict[str, set[str]]) -> list[str]:
    """Words of ``text`` that belong to the other language and not to ``language`` or the
    data."""
    (other,) = (name for name in LANGUAGES if name != language)
    foreign = lexicon[other] - lexicon[language] - lexicon["data"]
    return [word for word in words(text) if word in foreign]


def foreign_messages(text: str, language: str) -> list[str]:
    """Messages of the other language's catalogue whose fixed wording appears in ``text``.

    Each message is cut at its placeholders; a cut of two words or more (that the message in
    ``language`` does not share) must not appear.
    """
    (other,) = (name for name in LANGUAGES if name != language)
    found = []
    for key, texts in catalogue().items():
        for literal, *_ in string.Formatter().parse(texts[other]):
            fragment = " ".join(literal.split())
            if len(list(words(fragment))) >= 2 and fragment not in " ".join(
                    texts[language].split()) and fragment in " ".join(text.split()):
                found.append(f"{key}: {fragment!r}")
    return found


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "eligibility", *arguments],
                          capture_output=True, text=True, check=False, env=environment)


def _people_covering_every_status(decisions: Path) -> list[str]:
    """A few people whose nominations, together, have every status (fewer runs to make)."""
    statuses: dict[str, set[str]] = {}
    with decisions.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            statuses.setdefault(row["candidate_id"], set()).add(row["status"])
    wanted, chosen = {"selected", "reserve", "placed_elsewhere", "ineligible"}, []
    while wanted:
        person = max(statuses, key=lambda candidate: len(statuses[candidate] & wanted))
        assert statuses[person] & wanted, wanted
        chosen.append(person)
        wanted -= statuses.pop(person)
    return chosen


@pytest.fixture(scope="module", params=LANGUAGES)
def printed(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """Everything rank, explain, check, test and diff print in one language, by command."""
    language = request.param
    out = tmp_path_factory.mktemp(f"run-{language}")
    lang = ("--lang", language)
    runs = {"rank": _run("rank", str(EXAMPLE), "--rules", str(RULES), "--out", str(out),
                         "--xlsx", *lang)}
    for person in _people_covering_every_status(out / "decisions.csv"):
        runs[f"explain {person}"] = _run("explain", str(EXAMPLE), "--rules", str(RULES),
                                         "--id", person, *lang)
    runs["explain (no such id)"] = _run("explain", str(EXAMPLE), "--rules", str(RULES),
                                        "--id", "hn-001053", *lang)
    runs["check rulebook"] = _run("check", str(RULES), *lang)
    runs["check shared file"] = _run("check", str(SHARED), *lang)
    runs["test"] = _run("test", "rules", *lang)
    runs["diff"] = _run("diff", str(EXAMPLE), "--rules", str(RULES), "--set",
                        "quota.tt-tt.seats=5", "--out", str(out / "diff"), *lang)
    runs["diff (same sides)"] = _run("diff", str(EXAMPLE), "--rules", str(RULES), "--out",
                                     str(out / "same"), *lang)
    expected_exit = {"explain (no such id)": 2}
    for name, result in runs.items():
        assert result.returncode == expected_exit.get(name, 0), (name, result.stderr)
    return language, {name: result.stdout + result.stderr for name, result in runs.items()}


def test_no_word_of_the_other_language_reaches_the_person(
        printed: tuple[str, dict[str, str]], lexicon: dict[str, set[str]]) -> None:
    """GIVEN rank, explain (people with every status between them, an unknown id), check (a
    rulebook, a shared file) and test, run with --lang vi and with --lang en WHEN their
    output is read word by word THEN no word, header or status of the other language
    appears, and no fixed wording of the other language's messages."""
    language, outputs = printed
    for name, text in outputs.items():
        assert text.strip(), name
        assert not foreign_words(text, language, lexicon), (name, text)
        assert not foreign_messages(text, language), (name, text)


def test_the_statuses_and_titles_appear_in_the_run_language(
        printed: tuple[str, dict[str, str]]) -> None:
    """GIVEN the outputs WHEN the explanations are read THEN each status is shown by its
    label in the language and quotas by their titles."""
    language, outputs = printed
    explained = "\n".join(text for name, text in outputs.items() if name.startswith("explain"))
    labels = {"vi": ["Được cử đi học", "Dự bị", "Đã được chọn ở chỉ tiêu khác",
                     "Không đủ điều kiện", "Đào tạo sau đại học trong nước"],
              "en": ["selected", "reserve", "placed in another quota", "ineligible",
                     "Postgraduate training in Vietnam"]}
    for label in labels[language]:
        assert label in explained, label


@pytest.mark.parametrize(("language", "stray"), [
    ("vi", "Đã đọc 3.000 dòng, 25 rows rejected"),
    ("vi", "Điểm ưu tiên: young 10, female 10; tổng cộng 20 điểm"),
    ("vi", "Kết quả theo chỉ tiêu — Seats"),
    ("en", "3,000 rows in: Được chọn"),
    ("en", "Choice 1: Urban development management (noi-vu-urban) — Dự bị"),
])
def test_the_check_finds_a_stray_word(language: str, stray: str,
                                      lexicon: dict[str, set[str]]) -> None:
    """GIVEN a line with one word or status of the other language WHEN checked THEN that
    word is found."""
    assert foreign_words(stray, language, lexicon)


def test_the_check_finds_a_stray_message() -> None:
    """GIVEN the English wording of a message inside Vietnamese output WHEN checked THEN the
    message is named."""
    assert foreign_messages("Kết quả: 25 row(s) could not be read; see x.csv", "vi")


# --- rulebooks that cannot be used -------------------------------------------------------------

BROKEN = Path("tests/data/rulebooks/broken")
# A misspelt name, a misspelt key, a duplicate key, a tab, an impossible date, an include
# outside its folder: the rule language, the format, YAML and the include rules.
BROKEN_RULEBOOKS = ("misspelt_field", "unknown_key", "duplicate_top_key", "tab_indentation",
                    "impossible_date", "include_outside")
BAD_CASE_FILES = {
    "keys.cases.yaml": "rulebook: hanoi-2022-2025.yaml\ncases:\n  - name: a\n"
                       "    quota: pg-abroad\n    expectd: {}\n",
    "names.cases.yaml": "rulebook: hanoi-2022-2025.yaml\ncases:\n  - name: a\n"
                        "    quota: pg-abroda\n"
                        "    expected: {failed: [age-limt], eligible: true}\n",
}
BAD_SET = "quota.tt_tt.seats=30"


def _format_keys() -> frozenset[str]:
    """Every key of the rulebook and test-case formats (technical words, in no language)."""
    keys: set[str] = {"title", "set"}  # an override file's

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            keys.update(value.get("properties", {}))
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for model in (Rulebook, CaseFileModel):
        collect(model.model_json_schema(by_alias=True))
    return frozenset(keys)


FORMAT_KEYS = _format_keys()


def without_sources(text: str, sources: Iterable[str]) -> str:
    """``text`` without what the author wrote: the lines of ``sources`` shown back, and the
    quoted keys and names that the sources (or the formats) hold."""
    written = [source for source in sources]
    lines = {line.strip() for source in written for line in source.splitlines()
             if line.strip()}
    kept = "\n".join(line for line in text.splitlines() if line.strip() not in lines)
    return re.sub(r"'([^'\s]+)'", lambda match: "" if match.group(1) in FORMAT_KEYS or any(
        match.group(1) in source for source in written) else match.group(0), kept)


@pytest.fixture(scope="module", params=LANGUAGES)
def problems_printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[str, dict[str, tuple[str, list[str]]]]:
    """What check, rank, explain, diff and test print about rulebooks, case files and
    changes that cannot be used, in one language: the text and what the author wrote."""
    language = request.param
    out = tmp_path_factory.mktemp(f"problems-{language}")
    lang = ("--lang", language)
    commands: dict[str, tuple[tuple[str, ...], list[str]]] = {}
    for name in BROKEN_RULEBOOKS:
        path = BROKEN / f"{name}.yaml"
        commands[f"check {name}"] = (("check", str(path), "-I", "rules", *lang),
                                     [path.read_text(encoding="utf-8")])
    misspelt = BROKEN / "misspelt_field.yaml"
    commands["rank"] = (("rank", str(EXAMPLE), "--rules", str(misspelt), "-I", "rules",
                         "--out", str(out / "rank"), *lang),
                        [misspelt.read_text(encoding="utf-8")])
    unknown_key = BROKEN / "unknown_key.yaml"
    commands["explain"] = (("explain", str(EXAMPLE), "--rules", str(unknown_key), "-I",
                            "rules", "--id", "HN-000001", *lang),
                           [unknown_key.read_text(encoding="utf-8")])
    commands["diff"] = (("diff", str(EXAMPLE), "--rules", str(RULES), "--set", BAD_SET,
                         "--out", str(out / "diff"), *lang), [BAD_SET])
    cases = out / "cases"
    cases.mkdir()
    for name, text in BAD_CASE_FILES.items():
        (cases / name).write_text(text, encoding="utf-8")
    commands["test"] = (("test", str(cases), "-I", "rules", *lang),
                        list(BAD_CASE_FILES.values()))
    # Independent processes: run side by side, one per core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(zip(commands, pool.map(lambda command: _run(*command[0]),
                                               commands.values()), strict=True))
    runs = {name: (results[name], sources) for name, (_, sources) in commands.items()}
    for name, (result, _) in runs.items():
        assert result.returncode == 2, (name, result.stdout, result.stderr)
    return language, {name: (result.stdout + result.stderr, sources)
                      for name, (result, sources) in runs.items()}


def test_rulebook_problems_reach_the_person_in_their_language(
        problems_printed: tuple[str, dict[str, tuple[str, list[str]]]],
        lexicon: dict[str, set[str]]) -> None:
    """GIVEN broken rulebooks under check, rank and explain, a misspelt --set under diff
    and broken case files under test, run with --lang vi and with --lang en WHEN what they
    print is read, the author's own lines and quoted names set aside THEN every problem is
    framed in the language (file:line:column, a caret, what was expected, the suggestion)
    and no word or fixed wording of the other language appears."""
    language, outputs = problems_printed
    frame = {"vi": ("lỗi:", "cần:", "có phải là"), "en": ("error:", "expected:", "did you mean")}
    every = "\n".join(text for text, _ in outputs.values())
    assert all(word in every for word in frame[language])
    for name, (text, sources) in outputs.items():
        assert frame[language][0] in text and "^" in text, (name, text)
        shown = without_sources(text, sources)
        assert not foreign_words(shown, language, lexicon), (name, text)
        assert not foreign_messages(shown, language), (name, text)


def test_setting_aside_the_authors_text_keeps_the_tools_words() -> None:
    """GIVEN an English message about a key the author wrote WHEN the author's text is set
    aside THEN the key goes and the message's own words stay (they are still checked)."""
    shown = without_sources("x.yaml:26:5: lỗi: unknown key 'seat'\n    seat: 2\n    ^",
                            ["    seat: 2\n"])
    assert "seat" not in shown
    assert "unknown key" in shown
