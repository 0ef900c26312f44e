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
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_manifest(*, rulebook: CompiledRulebook, input_path: Path, input_sha256: str,
                   engine: str, language: str, counts: Mapping[str, int],
                   summary: pl.DataFrame, outputs: Mapping[str, str],
                   warnings: list[str]) -> dict[str, Any]:
    """The manifest of a run; holds no time stamp, so a re-run gives the same bytes.

    ``outputs`` maps each file written to its SHA-256.
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
        "input": {"file": input_path.name, "sha256": input_sha256},
        "counts": dict(counts),
        "quotas": summary.to_dicts(),
        "outputs": dict(sorted(outputs.items())),
        "warnings": warnings,
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as written to ``manifest.json``: UTF-8 JSON, keys in their order."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False)
            + "\n").encode("utf-8")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
