"""A finished run as its folder holds it: manifest, decisions and rejected rows, checked.

The report reads what the run decided and nothing else: ``decisions.csv`` and
``rejected.csv`` exactly as written (their SHA-256 must equal the manifest's), the manifest's
counts and quota summary (which must agree with the decisions), and the rulebook the run
used (its files' SHA-256 must equal the manifest's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.errors import InputError
from eligibility.output.manifest import sha256_of
from eligibility.rulebook.compiled import CompiledRulebook, points_column
from eligibility.selection import STATUSES

__all__ = ["MANIFEST_FILE", "MAX_MANIFEST_BYTES", "RunRecord", "read_manifest", "read_run"]

MANIFEST_FILE = "manifest.json"
DECISIONS_FILE = "decisions.csv"
REJECTED_FILE = "rejected.csv"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
DECISION_COLUMNS = ("candidate_id", "full_name", "agency", "quota_id", "preference", "status",
                    "eligible", "score", "rank", "failed", "row")
REJECTED_COLUMNS = ("row", "column", "value", "error")


@dataclass(frozen=True)
class RunRecord:
    """What one run wrote: its manifest, every decision and every rejected row."""

    folder: Path
    manifest: Mapping[str, Any]
    decisions: pl.DataFrame  # decisions.csv, typed; text exactly as written
    rejected: pl.DataFrame  # rejected.csv; ``row`` as an integer

    @property
    def language(self) -> str:
        return str(self.manifest.get("language", "vi"))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the run in ``folder``; an :class:`InputError` if it is not one."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise InputError(f"no {MANIFEST_FILE} here: not the folder of a finished run "
                         f"(run 'eligibility rank ... --out {folder}' first)", file=str(folder))
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise InputError(f"larger than {MAX_MANIFEST_BYTES:,} bytes: not a run manifest",
                         file=str(path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not a run manifest ({error})", file=str(path)) from None
    if not isinstance(manifest, dict) or manifest.get("tool") != "eligibility" \
            or not isinstance(manifest.get("outputs"), dict):
        raise InputError("not a manifest written by eligibility", file=str(path))
    return manifest


def read_run(folder: Path, rulebook: CompiledRulebook, *,
             manifest: Mapping[str, Any] | None = None) -> RunRecord:
    """Read and check the run in ``folder`` (``manifest`` when it is not written yet)."""
    manifest = read_manifest(folder) if manifest is None else manifest
    _check_rulebook(manifest, rulebook, folder)
    for name in (DECISIONS_FILE, REJECTED_FILE):
        _check_checksum(folder / name, manifest)
    decisions = _read_decisions(folder / DECISIONS_FILE, rulebook)
    rejected = _read_rejected(folder / REJECTED_FILE)
    _check_counts(manifest, decisions, rejected, folder)
    return RunRecord(folder, manifest, decisions, rejected)


def _check_rulebook(manifest: Mapping[str, Any], rulebook: CompiledRulebook,
                    folder: Path) -> None:
    recorded = manifest.get("rulebook") or {}
    files = {Path(name).name: digest for name, digest in rulebook.files.items()}
    if recorded.get("id") != rulebook.id or recorded.get("version") != rulebook.version \
            or recorded.get("files") != files:
        raise InputError(
            f"the rulebook given ({rulebook.id} {rulebook.version}, {_digests(files)}) is not "
            f"the one this run used ({recorded.get('id')} {recorded.get('version')}, "
            f"{_digests(recorded.get('files') or {})}); give the run's rulebook",
            file=str(folder / MANIFEST_FILE))


def _digests(files: Mapping[str, str]) -> str:
    return ", ".join(f"{name} {str(digest)[:12]}…" for name, digest in sorted(files.items()))


def _check_checksum(path: Path, manifest: Mapping[str, Any]) -> None:
    expected = manifest["outputs"].get(path.name)
    if expected is None:
        raise InputError(f"the manifest does not list {path.name}", file=str(path.parent))
    if not path.is_file():
        raise InputError("missing from the run's folder", file=str(path))
    actual = sha256_of(path)
    if actual != expected:
        raise InputError(f"SHA-256 {actual} differs from the manifest's {expected}: the file "
                         f"was changed after the run; re-run the selection", file=str(path))


def _read_decisions(path: Path, rulebook: CompiledRulebook) -> pl.DataFrame:
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise InputError(f"cannot be read as the run's decisions ({error})",
                         file=str(path)) from None
    points = [points_column(rule) for rule in rulebook.priority_ids]
    missing = [name for name in (*DECISION_COLUMNS, *points) if name not in raw.columns]
    if missing:
        raise InputError(f"columns {', '.join(missing)} are missing", file=str(path))
    try:
        typed = raw.with_columns(
            pl.col("preference", "rank", "row").cast(pl.Int64),
            pl.col("score", *points).cast(pl.Float64),
            pl.col("eligible").replace_strict({"true": True, "false": False},
                                              return_dtype=pl.Boolean))
    except pl.exceptions.PolarsError as error:
        raise InputError(f"a value does not have its column's type ({error})",
                         file=str(path)) from None
    unknown_quotas = set(typed["quota_id"].unique().to_list()) - set(rulebook.quotas)
    unknown_statuses = set(typed["status"].unique().to_list()) - set(STATUSES)
    if unknown_quotas or unknown_statuses:
        raise InputError(f"unknown quota ids {sorted(map(str, unknown_quotas))} or statuses "
                         f"{sorted(map(str, unknown_statuses))}", file=str(path))
    return typed


def _read_rejected(path: Path) -> pl.DataFrame:
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.NoDataError:
        raw = pl.DataFrame(schema=dict.fromkeys(REJECTED_COLUMNS, pl.String))
    except pl.exceptions.PolarsError as error:
        raise InputError(f"cannot be read as the run's rejected rows ({error})",
                         file=str(path)) from None
    if list(raw.columns[:4]) != list(REJECTED_COLUMNS):
        raise InputError(f"the first columns must be {', '.join(REJECTED_COLUMNS)}",
                         file=str(path))
    try:
        return raw.with_columns(pl.col("row").cast(pl.Int64))
    except pl.exceptions.PolarsError as error:
        raise InputError(f"a row number is not a number ({error})", file=str(path)) from None


def _check_counts(manifest: Mapping[str, Any], decisions: pl.DataFrame,
                  rejected: pl.DataFrame, folder: Path) -> None:
    """The manifest's counts must be those of the files: one run, not two mixed."""
    counts = manifest.get("counts") or {}
    statuses = dict(decisions.group_by("status").len().iter_rows())
    found = {"nominations": decisions.height, "rows_rejected": rejected.height,
             "people_decided": decisions["candidate_id"].n_unique(),
             **{status: statuses.get(status, 0) for status in STATUSES}}
    differing = [f"{name} {counts.get(name)} in the manifest, {value} in the files"
                 for name, value in found.items() if counts.get(name) != value]
    if differing:
        raise InputError(f"the manifest and the files disagree: {'; '.join(differing)}",
                         file=str(folder / MANIFEST_FILE))
