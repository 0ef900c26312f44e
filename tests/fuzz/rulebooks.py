"""Mutated rulebooks: the bundled ones, changed in their YAML structure, their expressions,
their numbers and dates, their includes, and their bytes.

:func:`mutated_rulebook` draws one case from a seeded :class:`random.Random` (or one that
Hypothesis drives), so a case is reproduced from its seed alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from tests.fuzz import values

from eligibility.rulebook.yaml_source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SHARED = "vn-regulations.yaml"
SEEDS = {
    "hanoi.yaml": ROOT / "rules" / "hanoi-2022-2025.yaml",
    "minimal.yaml": ROOT / "tests" / "data" / "rulebooks" / "minimal.yaml",
}
EXPRESSION_KEYS = ("condition", "points")
HOSTILE_EXPRESSIONS = [
    "count(y > 0 for y in range(0, 10**13)) > 0",
    "all(rating[y] >= 'good' for y in range(0, 100000))",
    "add_days(date('9999-12-31'), 1) > quota.start",
    "add_years(birth_date, 100000) > quota.start",
    "add_years(birth_date, -100000) < quota.start",
    "age_on(birth_date, date('0001-01-01')) < 5",
    "1 / 0 == 1", "10**18 * 10**18 > 0", "9223372036854775807 + 1 > 0",
    "quota.budget * quota.budget * quota.budget > 0", "quota.seats * 10**15 > 0",
    "__import__('os').system('true') == 0", "().__class__.__bases__ == 1",
    "'a' * 10**9 == 'b'", "[1] * 10**9 == [1]", "{}.keys() == 1",
    "sum(1 for e in enrollments) < 3", "not " * 400 + "True",
    " + ".join(["1"] * 1000) + " > 0", "(" * 300 + "1" + ")" * 300 + " > 0",
    "position in quota.positions and position in quota.positions" * 50,
]
NUMBER_TOKEN = re.compile(r"\b\d+\b")
OPERATORS = ["<=", "<", ">=", ">", "==", "!=", "+", "-", "*", "/", " and ", " or ",
             " in ", " not in ", " if ", " else "]
NAMES = ["birth_date", "gender", "position", "quota.start", "quota.end", "quota.seats",
         "quota.budget", "quota.max_age", "rating", "enrollments", "service_start", "id",
         "quota.course", "succession_plan", "under_discipline", "nominated_for", "x"]
SNIPPETS = [
    "x-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "x-loop: &loop [*loop]\n", "x-deep: " + "[" * 1000 + "]" * 1000 + "\n",
    "x-deep-map: " + "{a: " * 200 + "1" + "}" * 200 + "\n", "x-nul: \"\x00\"\n",
    "x-tag: !!python/object/apply:os.system ['true']\n", "---\nsecond: document\n",
    "x-big: " + "9" * 5000 + "\n", "x-float: " + "9" * 400 + ".5\n", "\tx-tab: 1\n",
    "x-merge:\n  <<: {a: 1}\n", "x-alias: *undefined\n", "x-anchor: &dup 1\nx-again: &dup 2\n",
    "? [complex, key]\n: value\n", "x-esc: \"\x1b[2J\"\n", "x-bom: \ufeff\n",
]
INCLUDES = [
    ["../../../../../../etc/passwd"], ["/etc/passwd"], ["/etc/shadow"], ["."], [".."],
    ["missing.yaml"], ["pipe.yaml"], ["folder.yaml"], ["link-outside.yaml"],
    ["link-inside.yaml"], ["rulebook.yaml"], [SHARED, SHARED], [SHARED] * 40, [""],
    ["vn-regulations.yaml\x00.txt"], ["~/x.yaml"], [7], [{"a": 1}], "vn-regulations.yaml",
]


@dataclass
class RulebookCase:
    """A folder's worth of files: the rulebook, what it includes, and special entries."""

    files: dict[str, bytes]
    special: set[str] = field(default_factory=set)  # entries made as a FIFO, folder or link
    mutations: list[str] = field(default_factory=list)
    rulebook: str = "rulebook.yaml"

    def write(self, folder: Path) -> Path:
        """Create the case in ``folder``; return the rulebook's path."""
        import os

        for name, data in self.files.items():
            (folder / name).write_bytes(data)
        if "pipe.yaml" in self.special:
            os.mkfifo(folder / "pipe.yaml")
        if "folder.yaml" in self.special:
            (folder / "folder.yaml").mkdir()
        if "link-outside.yaml" in self.special:
            (folder / "link-outside.yaml").symlink_to("/etc/passwd")
        if "link-inside.yaml" in self.special:
            (folder / "link-inside.yaml").symlink_to(SHARED)
        return folder / self.rulebook


def mutated_rulebook(rng: random.Random, *, max_mutations: int = 3) -> RulebookCase:
    """One rulebook case: a bundled rulebook and its shared file, with 1 to
    ``max_mutations`` mutations."""
    seed_name = rng.choice(sorted(SEEDS))
    main = _read(SEEDS[seed_name])
    shared = _read(ROOT / "rules" / SHARED)
    main["include"] = [SHARED]
    case = RulebookCase(files={}, mutations=[f"seed {seed_name}"])
    texts: dict[str, Any] = {"rulebook.yaml": main, SHARED: shared}
    text_mutations: list[tuple[str, Callable[[random.Random, bytes], bytes], str]] = []
    for _ in range(rng.randint(1, max_mutations)):
        target = "rulebook.yaml" if rng.random() < 0.85 else SHARED
        if rng.random() < 0.7:
            name, operator = rng.choice(TREE_MUTATIONS)
            case.mutations.append(f"{target}: {name}: {operator(rng, texts[target], case)}")
        else:
            name, operator = rng.choice(TEXT_MUTATIONS)
            text_mutations.append((target, operator, name))
    for name, document in texts.items():
        case.files[name] = _dump(document)
    for target, operator, name in text_mutations:
        case.files[target] = operator(rng, case.files[target])
        case.mutations.append(f"{target}: {name}")
    return case


def _read(path: Path) -> Any:
    document, _ = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    return document


def _dump(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=4096).encode()


# --- tree mutations ------------------------------------------------------------------------


def _places(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in ``document``, containers included."""
    found = [(path, document)]
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_places(value, (*path, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(_places(value, (*path, index)))
    return found


def _parent(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


def _delete(rng: random.Random, document: Any, case: RulebookCase) -> str:
    places = [(path, value) for path, value in _places(document) if path]
    path, _ = rng.choice(places)
    del _parent(document, path)[path[-1]]
    return _show(path)


def _set_scalar(rng: random.Random, document: Any, case: RulebookCase) -> str:
    places = [path for path, value in _places(document)
              if path and not isinstance(value, dict | list)]
    path = rng.choice(places)
    value = values.scalar(rng)
    _parent(document, path)[path[-1]] = value
    return f"{_show(path)} = {value!r:.40}"


def _duplicate(rng: random.Random, document: Any, case: RulebookCase) -> str:
    lists = [(path, value) for path, value in _places(document)
             if isinstance(value, list) and value]
    if not lists:
        return "nothing to duplicate"
    path, items = rng.choice(lists)
    items.insert(rng.randrange(len(items) + 1), rng.choice(items))
    return _show(path)


def _swap(rng: random.Random, document: Any, case: RulebookCase) -> str:
    containers = [(path, value) for path, value in _places(document)
                  if isinstance(value, dict | list) and len(value) >= 2]
    path, container = rng.choice(containers)
    keys = list(container) if isinstance(container, dict) else list(range(len(container)))
    first, second = rng.sample(keys, 2)
    container[first], container[second] = container[second], container[first]
    return f"{_show(path)}: {first} <-> {second}"


def _expression(rng: random.Random, document: Any, case: RulebookCase) -> str:
    places = [path for path, value in _places(document)
              if path and path[-1] in EXPRESSION_KEYS and isinstance(value, str)]
    if not places:
        return "no expression"
    path = rng.choice(places)
    parent = _parent(document, path)
    parent[path[-1]] = mutated_expression(rng, parent[path[-1]])
    return f"{_show(path)} = {parent[path[-1]]!r:.60}"


def mutated_expression(rng: random.Random, expression: str) -> str:
    """``expression`` with one change: a number, operator or name swapped, a wrapper, a
    cut, or a known hostile expression instead."""
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(HOSTILE_EXPRESSIONS)
    if kind == 1 and NUMBER_TOKEN.search(expression):
        number = rng.choice(["0", "-1", "10**18", "9" * 400, "1e308", "100000", "2**63"])
        matches = list(NUMBER_TOKEN.finditer(expression))
        match = rng.choice(matches)
        return expression[:match.start()] + number + expression[match.end():]
    if kind == 2:
        present = [operator for operator in OPERATORS if operator in expression]
        if present:
            return expression.replace(rng.choice(present), rng.choice(OPERATORS), 1)
    if kind == 3:
        return rng.choice(["not ({})", "({}) and ({})", "({}) + 1", "({}) * 10**18",
                           "(" * 200 + "{}" + ")" * 200]).replace("{}", expression)
    if kind == 4:
        return expression[:rng.randrange(len(expression) + 1)]
    if kind == 5:
        words = re.findall(r"[a-z_][a-z_.]*", expression)
        if words:
            return expression.replace(rng.choice(words), rng.choice(NAMES), 1)
    return expression + rng.choice([" + 1", " == 1", " or True", " if True else 0", ")", "("])


def _quota_number(rng: random.Random, document: Any, case: RulebookCase) -> str:
    quotas = document.get("quotas") if isinstance(document, dict) else None
    if not isinstance(quotas, list) or not quotas or not isinstance(quotas[0], dict):
        return "no quota"
    quota = rng.choice([item for item in quotas if isinstance(item, dict)] or [{}])
    key = rng.choice(["seats", "budget", "cost_per_seat"])
    quota[key] = values.number(rng)
    return f"{quota.get('id')}.{key} = {quota[key]!r}"


def _date(rng: random.Random, document: Any, case: RulebookCase) -> str:
    places = [path for path, value in _places(document)
              if path and path[-1] in ("from", "until", "start", "end")]
    if not places:
        return "no date"
    path = rng.choice(places)
    value = rng.choice(["0001-01-01", "9999-12-31", "2024-02-30", "10000-01-01", "2023-1-1",
                        "31/12/2023", "", None, 20230101, "2023-06-15T00:00:00"])
    _parent(document, path)[path[-1]] = value
    return f"{_show(path)} = {value!r}"


def _include(rng: random.Random, document: Any, case: RulebookCase) -> str:
    if not isinstance(document, dict):
        return "not a mapping"
    value = rng.choice(INCLUDES)
    document["include"] = value
    for name in ("pipe.yaml", "folder.yaml", "link-outside.yaml", "link-inside.yaml"):
        if name in value:
            case.special.add(name)
    return f"include = {value!r:.60}"


TREE_MUTATIONS: list[tuple[str, Callable[[random.Random, Any, RulebookCase], str]]] = [
    ("delete", _delete), ("set scalar", _set_scalar), ("duplicate", _duplicate),
    ("swap", _swap), ("expression", _expression), ("expression", _expression),
    ("expression", _expression), ("quota number", _quota_number), ("date", _date),
    ("include", _include),
]


# --- text mutations ------------------------------------------------------------------------


def _snippet(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    tops = [index for index, line in enumerate(lines) if line[:1].isalpha()] or [0]
    at = rng.choice(tops)
    return b"\n".join([*lines[:at], rng.choice(SNIPPETS).encode("utf-8"), *lines[at:]])


def _lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    index = rng.randrange(len(lines))
    operation = rng.randrange(4)
    if operation == 0:
        lines.insert(index, lines[index])
    elif operation == 1:
        del lines[index]
    elif operation == 2:
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], lines[index]
    else:
        lines[index] = b" " * rng.randint(1, 5) + lines[index]
    return b"\n".join(lines)


def _encoding(rng: random.Random, data: bytes) -> bytes:
    choice = rng.randrange(4)
    if choice == 0:
        return b"\xef\xbb\xbf" + data
    if choice == 1:
        return data.replace(b"\n", b"\r\n")
    if choice == 2:
        return data.decode("utf-8", "replace").encode("utf-16")
    return data.decode("utf-8", "replace").encode("cp1258", "replace")


TEXT_MUTATIONS: list[tuple[str, Callable[[random.Random, bytes], bytes]]] = [
    ("flip bytes", values.flipped), ("truncate", values.cut), ("snippet", _snippet),
    ("snippet", _snippet), ("lines", _lines), ("encoding", _encoding),
]


def _show(path: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in path) or "(root)"
