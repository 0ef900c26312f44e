"""Every engine writes the same files: a rulebook using every entry of the language, random
nominees, byte-for-byte identical ``decisions.csv`` with each ``--engine`` (the SQL engine in
DuckDB and in a real PostgreSQL server)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest

import eligibility
from eligibility.engines.durable import durable_available
from eligibility.language.registry import REGISTRY, entry_of

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "tests" / "data" / "engines" / "every-entry.yaml"
NOMINEES = 3000
ENGINES = ["vectorized", "scalar", "sql", "sql-postgres",
           pytest.param("durable", marks=pytest.mark.skipif(
               not durable_available(), reason="durable-rules is not installed"))]


def test_the_rulebook_uses_every_entry_of_the_language() -> None:
    """GIVEN the every-entry rulebook WHEN its bound conditions, points and messages are
    walked THEN every registry entry is used (date literals are folded into constants)."""
    rulebook = eligibility.load_rulebook(RULEBOOK)
    used = set()
    for rules in rulebook.quotas.values():
        trees = [criterion.condition for criterion in rules.criteria]
        trees += [priority.points for priority in rules.priorities]
        trees += [part.expression for criterion in rules.criteria
                  for parts in criterion.message.values() for part in parts
                  if part.expression is not None]
        used |= {entry.name for tree in trees for node in tree.walk()
                 if (entry := entry_of(node)) is not None}
    source = RULEBOOK.read_text(encoding="utf-8")
    assert "date('" in source
    # A date literal is a constant from the start.
    assert set(REGISTRY) - used == {"date"}


def _nominees(path: Path, count: int) -> None:
    """``count`` random nominees (fixed seed), empty cells and odd spellings included."""
    generator = random.Random(20231130)

    def day(first: int, last: int) -> dt.date:
        start = dt.date(first, 1, 1).toordinal()
        return dt.date.fromordinal(generator.randint(start, dt.date(last, 12, 31).toordinal()))

    def maybe(value: str, empty: float = 0.15) -> str:
        return "" if generator.random() < empty else value

    def interval() -> str:
        start = day(2019, 2025)
        end = start + dt.timedelta(days=generator.choice([0, 1, 10, 30, 200, 800]))
        return f"{start}/{end}"

    ratings = ["excellent", "good", "completed", "not_completed", "HTXSNV", "HTTNV"]
    header = ["id", "full_name", "birth_date", "gender", "position", "service_start",
              "rating_2020", "rating_2021", "rating_2022", "rating_2023", "enrollments",
              "languages", "leave", "hours", "projects", "mentor", "note", "nominated_for"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number in range(count):
            birth = day(1955, 2002)
            writer.writerow([
                f"N-{number:05d}", f"Người {number}",
                birth.strftime("%d/%m/%Y") if number % 3 else birth.isoformat(),
                generator.choice(["F", "M", "nữ", "nam", "female", "male"]),
                maybe(generator.choice(["finance", "health", "teaching"])),
                maybe(day(1980, 2023).isoformat()),
                *(maybe(generator.choice(ratings), 0.2) for _ in range(4)),
                ";".join(interval() for _ in range(generator.choice([0, 0, 1, 2, 3]))),
                "|".join(generator.sample(["en", "fr", "ja", "ko"], generator.randint(0, 3))),
                maybe(interval(), 0.6),
                maybe(str(generator.choice([0, 12.5, 35, 40, 44.25, 60, 75.5])), 0.3),
                maybe(str(generator.randint(-3, 40)), 0.3),
                maybe(generator.choice(["yes", "no", "có", "không"]), 0.3),
                maybe(generator.choice(["=1+1", "ghi chú", "-", "Lan"]), 0.5),
                generator.choice(["short", "long", "short;long", "long;short"]),
            ])


@pytest.fixture(scope="module")
def nominees(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engines") / "nominees.csv"
    _nominees(path, NOMINEES)
    return path


def engine_options(engine: str, request: pytest.FixtureRequest) -> list[str]:
    """The command line choosing ``engine`` ("sql-postgres": the SQL engine in the test
    session's PostgreSQL server)."""
    if engine == "sql-postgres":
        return ["--engine", "sql", "--database", request.getfixturevalue("postgres_url")]
    return ["--engine", engine]


@pytest.fixture(scope="module")
def runs(nominees: Path, tmp_path_factory: pytest.TempPathFactory,
         request: pytest.FixtureRequest) -> dict[str, Path]:
    folders: dict[str, Path] = {}
    for engine in ("vectorized", "scalar", "durable", "sql", "sql-postgres"):
        if engine == "durable" and not durable_available():
            continue
        try:
            options = engine_options(engine, request)
        except pytest.skip.Exception:
            continue
        for language in ("vi", "en"):
            out = tmp_path_factory.mktemp(f"{engine}-{language}")
            result = subprocess.run(
                [sys.executable, "-m", "eligibility", "rank", str(nominees), "--rules",
                 str(RULEBOOK), "--out", str(out), *options, "--lang", language],
                capture_output=True, text=True, check=False)
            assert result.returncode == 0, result.stderr
            folders[f"{engine}-{language}"] = out
    return folders


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_writes_byte_identical_decisions(runs: dict[str, Path], engine: str,
                                                      language: str) -> None:
    """GIVEN 3,000 random nominees and the every-entry rulebook WHEN ranked with each engine
    THEN decisions.csv and rejected.csv are byte-identical to the vectorized engine's, in
    both languages, and some nominees are eligible, some not, for each quota."""
    reference = runs[f"vectorized-{language}"]
    if f"{engine}-{language}" not in runs:
        pytest.skip(f"{engine} cannot run here")
    for name in ("decisions.csv", "rejected.csv"):
        assert (runs[f"{engine}-{language}"] / name).read_bytes() == \
            (reference / name).read_bytes(), name
    rows = list(csv.DictReader((reference / "decisions.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    for quota in ("short", "long"):
        statuses = {row["status"] for row in rows if row["quota_id"] == quota}
        assert {"selected", "ineligible"} <= statuses, quota
    assert any(row["reasons"] for row in rows)
