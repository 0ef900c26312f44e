"""The reference part of ``docs/rule-language.md``, written from the registry.

The page's hand-written part explains names, types, empty values and messages; everything
between its two markers is generated here, one section per registry entry, so the page lists
exactly the language's entries. Regenerate with
``python -m eligibility.language.registry.docs docs/rule-language.md``; a test checks that
the committed page is what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from eligibility.language.registry import REGISTRY

START = "<!-- reference: generated from the registry, do not edit by hand -->"
END = "<!-- end of reference -->"


def reference() -> str:
    """Markdown for every entry, grouped as the registry lists them."""
    lines: list[str] = []
    group = None
    for entry in REGISTRY.values():
        if entry.group != group:
            group = entry.group
            lines += [f"### {group}", ""]
        lines += [f"#### `{entry.name}`", "", f"`{entry.signature}` — {entry.summary}", "",
                  f"Empty values: {entry.nulls}.", "", "```", entry.example, "```", ""]
        if entry.notes:
            lines += [entry.notes, ""]
    return "\n".join(lines)


def page(current: str) -> str:
    """``current`` with its generated part replaced."""
    before, rest = current.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n\n{reference()}\n{END}{after}"


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else "docs/rule-language.md")
    path.write_text(page(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv))
