"""The run manifest: what an auditor needs to re-run a selection and get the same bytes."""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
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
                   warnings: list[str],
                   earlier_rounds: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The manifest of a run; holds no time stamp, so a re-run gives the same bytes.

    ``source`` says what was read: a file's name and SHA-256, or a database (its URL without
    a password) and the table or query. ``outputs`` maps each file written to its SHA-256;
    ``earlier_rounds`` describes the runs of earlier rounds whose seats and courses this run
    took into account.
    """
    return {
        **environment(engine, language),
        "rulebook": rulebook_record(rulebook),
        "courses": course_dates(rulebook),
        "earlier_rounds": [dict(item) for item in earlier_rounds],
        "input": dict(source),
        "counts": dict(counts),
        "quotas": summary.to_dicts(),
        "outputs": dict(sorted(outputs.items())),
        "warnings": warnings,
    }


def environment(engine: str, language: str) -> dict[str, str]:
    """The tool, engine, language and versions a run used."""
    return {"tool": "eligibility", "version": _version("eligibility"), "engine": engine,
            "language": language, "python": platform.python_version(),
            "polars": pl.__version__}


def rulebook_record(rulebook: CompiledRulebook) -> dict[str, Any]:
    """The rulebook a run used: id, version, each file's SHA-256, as-of date, changes."""
    return {
        "id": rulebook.id,
        "version": rulebook.version,
        "files": {Path(name).name: digest for name, digest in rulebook.files.items()},
        "as_of": rulebook.as_of.isoformat() if rulebook.as_of else None,
        "changes": list(rulebook.changes),
    }


def course_dates(rulebook: CompiledRulebook) -> dict[str, dict[str, str]]:
    """Each quota's course, so that a later round can count it as an enrolment."""
    return {quota_id: {"start": rules.quota.start.isoformat(),
                       "end": rules.quota.end.isoformat()}
            for quota_id, rules in rulebook.quotas.items()}


def write_manifest(manifest: Mapping[str, Any], path: Path) -> None:
    path.write_bytes(manifest_bytes(manifest))


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as written to ``manifest.json``: UTF-8 JSON, keys in their order."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False)
            + "\n").encode("utf-8")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
