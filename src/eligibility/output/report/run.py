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
from eligibility.frames import points_column
from eligibility.i18n import t
from eligibility.output.manifest import rulebook_record, sha256_of
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.selection import STATUSES

__all__ = ["MANIFEST_FILE", "MAX_MANIFEST_BYTES", "REPORT_FILE", "RunRecord", "read_manifest",
           "read_run"]

MANIFEST_FILE = "manifest.json"
DECISIONS_FILE = "decisions.csv"
REJECTED_FILE = "rejected.csv"
REPORT_FILE = "report.html"
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


def read_manifest(folder: Path, *, language: str = "vi") -> dict[str, Any]:
    """The manifest of the run in ``folder``; an :class:`InputError` (in ``language``) if
    it is not one."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise InputError(t("report.error_no_manifest", language, folder=folder),
                         file=str(folder))
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise InputError(t("report.error_manifest_size", language, limit=MAX_MANIFEST_BYTES),
                         file=str(path))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(t("report.error_not_manifest", language, detail=error),
                         file=str(path)) from None
    if not isinstance(manifest, dict) or manifest.get("tool") != "eligibility" \
            or not isinstance(manifest.get("outputs"), dict):
        raise InputError(t("report.error_not_ours", language), file=str(path))
    return manifest


def read_run(folder: Path, rulebook: CompiledRulebook, *,
             manifest: Mapping[str, Any] | None = None, language: str = "vi") -> RunRecord:
    """Read and check the run in ``folder`` (``manifest`` when it is not written yet); the
    problems found are told in ``language``."""
    manifest = read_manifest(folder, language=language) if manifest is None else manifest
    _check_rulebook(manifest, rulebook, folder, language)
    for name in (DECISIONS_FILE, REJECTED_FILE):
        _check_checksum(folder / name, manifest, language)
    decisions = _read_decisions(folder / DECISIONS_FILE, rulebook, language)
    rejected = _read_rejected(folder / REJECTED_FILE, language)
    _check_counts(manifest, decisions, rejected, folder, language)
    return RunRecord(folder, manifest, decisions, rejected)


def _check_rulebook(manifest: Mapping[str, Any], rulebook: CompiledRulebook,
                    folder: Path, language: str) -> None:
    recorded = manifest.get("rulebook") or {}
    given = rulebook_record(rulebook)
    if recorded != given:
        raise InputError(t("report.error_rulebook", language,
                           given=_described(given, language),
                           used=_described(recorded, language)),
                         file=str(folder / MANIFEST_FILE))


def _described(record: Mapping[str, Any], language: str) -> str:
    """A rulebook record in one line: id, version, files' checksums, date and changes."""
    files = ", ".join(f"{name} {str(digest)[:12]}…"
                      for name, digest in sorted((record.get("files") or {}).items()))
    extra = [t("report.as_of", language, date=record["as_of"])] if record.get("as_of") else []
    extra += [str(change) for change in record.get("changes") or ()]
    return "; ".join([f"{record.get('id')} {record.get('version')}, {files}", *extra])


def _check_checksum(path: Path, manifest: Mapping[str, Any], language: str) -> None:
    expected = manifest["outputs"].get(path.name)
    if expected is None:
        raise InputError(t("report.error_not_listed", language, name=path.name),
                         file=str(path.parent))
    if not path.is_file():
        raise InputError(t("report.error_missing", language), file=str(path))
    actual = sha256_of(path)
    if actual != expected:
        raise InputError(t("report.error_checksum", language, actual=actual,
                           expected=expected), file=str(path))


def _read_decisions(path: Path, rulebook: CompiledRulebook, language: str) -> pl.DataFrame:
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as error:
        raise InputError(t("report.error_unreadable", language, detail=error),
                         file=str(path)) from None
    points = [points_column(rule) for rule in rulebook.priority_ids]
    missing = [name for name in (*DECISION_COLUMNS, *points) if name not in raw.columns]
    if missing:
        raise InputError(t("report.error_missing_columns", language,
                           columns=", ".join(missing)), file=str(path))
    try:
        typed = raw.with_columns(
            pl.col("preference", "rank", "row").cast(pl.Int64),
            pl.col("score", *points).cast(pl.Float64),
            pl.col("eligible").replace_strict({"true": True, "false": False},
                                              return_dtype=pl.Boolean))
    except pl.exceptions.PolarsError as error:
        raise InputError(t("report.error_types", language, detail=error),
                         file=str(path)) from None
    unknown_quotas = set(typed["quota_id"].unique().to_list()) - set(rulebook.quotas)
    unknown_statuses = set(typed["status"].unique().to_list()) - set(STATUSES)
    if unknown_quotas or unknown_statuses:
        raise InputError(t("report.error_unknown_codes", language,
                           quotas=sorted(map(str, unknown_quotas)),
                           statuses=sorted(map(str, unknown_statuses))), file=str(path))
    return typed


def _read_rejected(path: Path, language: str) -> pl.DataFrame:
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.NoDataError:
        raw = pl.DataFrame(schema=dict.fromkeys(REJECTED_COLUMNS, pl.String))
    except pl.exceptions.PolarsError as error:
        raise InputError(t("report.error_unreadable", language, detail=error),
                         file=str(path)) from None
    if list(raw.columns[:4]) != list(REJECTED_COLUMNS):
        raise InputError(t("report.error_rejected_columns", language,
                           columns=", ".join(REJECTED_COLUMNS)), file=str(path))
    try:
        return raw.with_columns(pl.col("row", *(["line"] if "line" in raw.columns else []))
                                .cast(pl.Int64))
    except pl.exceptions.PolarsError as error:
        raise InputError(t("report.error_types", language, detail=error),
                         file=str(path)) from None


def _check_counts(manifest: Mapping[str, Any], decisions: pl.DataFrame,
                  rejected: pl.DataFrame, folder: Path, language: str) -> None:
    """The manifest's counts must be those of the files: one run, not two mixed."""
    counts = manifest.get("counts") or {}
    statuses = dict(decisions.group_by("status").len().iter_rows())
    found = {"nominations": decisions.height, "rows_rejected": rejected.height,
             "people_decided": decisions["candidate_id"].n_unique(),
             **{status: statuses.get(status, 0) for status in STATUSES}}
    differing = [t("report.error_disagree_item", language, name=name,
                   manifest=counts.get(name), files=value)
                 for name, value in found.items() if counts.get(name) != value]
    if differing:
        raise InputError(t("report.error_disagree", language, details="; ".join(differing)),
                         file=str(folder / MANIFEST_FILE))
