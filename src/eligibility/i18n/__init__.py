"""Every word a person reads, in the run's language: one catalogue of messages.

Messages live in ``catalogue/<domain>.yaml`` files, one per area of the tool (``cli``,
``status``…), each key prefixed by its file's name::

    cli.rows_in:
      vi: "{rows:,} dòng đầu vào"
      en: "{rows:,} rows in"

:func:`t` looks a key up and fills its ``{placeholders}`` (``str.format`` syntax). A test
checks that every key has both languages with the same placeholders and that every key the
code names exists. ``decisions.csv`` keeps stable machine codes; everything else a person
reads goes through here.

>>> t("status.selected", "en")
'selected'
>>> t("status.selected", "vi")
'Được cử đi học'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal, get_args

import yaml

# libyaml's safe loader where PyYAML was built with it: the catalogue is read on every run.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "vi"

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "catalogue", "has", "t"]


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every message: key → language → template, read once from the package's YAML files."""
    entries: dict[str, dict[str, str]] = {}
    folder = resources.files(__package__).joinpath("catalogue")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".yaml"):
            continue
        domain = item.name.removesuffix(".yaml")
        loaded = yaml.load(item.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
        for key, texts in loaded.items():
            full = f"{domain}.{key}"
            if full in entries:
                raise RuntimeError(f"message '{full}' is defined twice")
            entries[full] = dict(texts)
    return entries


def t(key: str, language: str, /, **values: Any) -> str:
    """The message ``key`` in ``language`` with its placeholders filled from ``values``."""
    try:
        template = catalogue()[key][language]
    except KeyError:
        raise KeyError(f"no message '{key}' in language '{language}'") from None
    return template.format(**values) if values else template


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in catalogue()
