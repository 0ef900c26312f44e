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

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Language", "catalogue", "has", "t", "template"]


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every message: key → language → template, read once from the package's YAML files."""
    entries: dict[str, Mapping[str, str]] = {}
    folder = resources.files(__package__).joinpath("catalogue")
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".yaml"):
            entries.update(_domain(item.name.removesuffix(".yaml")))
    return entries


@functools.cache
def _domain(name: str) -> Mapping[str, Mapping[str, str]]:
    """The messages of one file (``catalogue/<name>.yaml``), keys prefixed by its name; a
    run reads only the files of the messages it shows."""
    if not name.replace("_", "").isalnum():  # a domain is a plain file name
        return {}
    item = resources.files(__package__).joinpath("catalogue", f"{name}.yaml")
    try:
        text = item.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    loaded = yaml.load(text, Loader=_SAFE_LOADER) or {}
    return {f"{name}.{key}": dict(texts) for key, texts in loaded.items()}


def template(key: str, language: str) -> str:
    """The template of the message ``key`` in ``language`` (placeholders unfilled)."""
    try:
        return _domain(key.partition(".")[0])[key][language]
    except KeyError:
        raise KeyError(f"no message '{key}' in language '{language}'") from None


def t(key: str, language: str, /, **values: Any) -> str:
    """The message ``key`` in ``language`` with its placeholders filled from ``values``."""
    found = template(key, language)
    return found.format(**values) if values else found


def has(key: str) -> bool:
    """Whether the catalogue holds ``key``."""
    return key in _domain(key.partition(".")[0])
