"""The run manifest: what an auditor needs to re-run a selection and get the same bytes."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.rulebook.compiled import CompiledRulebook


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_manifest(*, rulebook: CompiledRulebook, source: Mapping[str, str],
                   engine: str, language: str, counts: Mapping[str, int],
                   summary: pl.DataFrame, outputs: Mapping[str, str],
                   warnings: list[str]) -> dict[str, Any]:
    """The manifest of a run; holds no time stamp, so a re-run gives the same bytes.

    ``source`` says what was read: a file's name and SHA-256, or a database (its URL without
    a password) and the table or query. ``outputs`` maps each file written to its SHA-256.
    """
    return {
        "tool": "eligibility",
        "version": _version("eligibility"),
        "engine": engine,
        "language": language,
        "python": platform.python_version(),
        "polars": pl.__version__,
        "rulebook": {
            "id": rulebook.id,
            "version": rulebook.version,
            "files": {Path(name).name: digest for name, digest in rulebook.files.items()},
        },
        "input": dict(source),
        "counts": dict(counts),
        "quotas": summary.to_dicts(),
        "outputs": dict(sorted(outputs.items())),
        "warnings": warnings,
    }


def write_manifest(manifest: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                    encoding="utf-8")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
