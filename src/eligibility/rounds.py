"""Earlier rounds of a plan: the seats they filled and the courses they gave people.

A plan such as Hanoi's 2022-2025 programme fills its quotas over several yearly rounds.
Each round is a ``rank`` run; the next round is given the folders of the earlier ones
(``--previous OUT_DIR``, once per earlier round) and then

* each quota has the seats (and, with a ``cost_per_seat``, the budget) that the earlier
  rounds left: ``seats`` and ``budget`` in a rulebook are the plan's, for all its rounds;
* each person selected in an earlier round has that round's course added to their
  enrolments (the one candidate field of type ``list[interval]``), so a rule such as
  Hanoi's ``no-overlap`` keeps them out of a course at the same time.

The earlier runs are read from what they wrote: ``manifest.json`` (the rulebook's id, each
quota's course dates, the budget used) and ``decisions.csv`` (who was selected where), whose
SHA-256 must still be the one the manifest recorded. The earlier run's rulebook must be this
rulebook or one whose quotas this rulebook takes (``include:`` with ``take: [quotas]``), and
a run that was itself based on earlier rounds must be given with them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from eligibility.errors import InputError
from eligibility.intake.nominees import Intake
from eligibility.language.types import INTERVAL, ListType
from eligibility.output.decisions import FORMULA_PREFIXES
from eligibility.output.manifest import sha256_of
from eligibility.rulebook.compiled import CompiledRulebook

MANIFEST = "manifest.json"
DECISIONS = "decisions.csv"
INTERVALS = ListType("list", INTERVAL)
MAX_MANIFEST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class EarlierRound:
    """One earlier run of the plan, as its folder records it."""

    folder: Path
    manifest_sha256: str
    rulebook_id: str
    rulebook_version: str
    input_sha256: str
    selected: pl.DataFrame  # candidate_id, quota_id
    courses: dict[str, tuple[dt.date, dt.date]]  # quota_id -> (start, end)
    budget_used: dict[str, int]  # quota_id -> VND
    based_on: tuple[str, ...]  # manifest SHA-256s of the runs it was itself based on

    def record(self) -> dict[str, Any]:
        """What a later run's manifest says about this round."""
        return {"folder": self.folder.name, "manifest_sha256": self.manifest_sha256,
                "rulebook": self.rulebook_id, "version": self.rulebook_version,
                "input_sha256": self.input_sha256, "selected": self.selected.height}


@dataclass(frozen=True)
class EarlierRounds:
    """The earlier rounds given to a run, in the order given."""

    rounds: tuple[EarlierRound, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rounds)

    def seats_used(self) -> dict[str, int]:
        used: dict[str, int] = {}
        for item in self.rounds:
            for quota_id, count in item.selected["quota_id"].value_counts().iter_rows():
                used[quota_id] = used.get(quota_id, 0) + int(count)
        return used

    def budget_used(self) -> dict[str, int]:
        used: dict[str, int] = {}
        for item in self.rounds:
            for quota_id, amount in item.budget_used.items():
                used[quota_id] = used.get(quota_id, 0) + amount
        return used

    def courses(self) -> pl.DataFrame:
        """One row per earlier selection: candidate_id and the course's start and end."""
        frames = [item.selected.with_columns(
            pl.col("quota_id").replace_strict(
                {quota: dates[0] for quota, dates in item.courses.items()},
                return_dtype=pl.Date).alias("start"),
            pl.col("quota_id").replace_strict(
                {quota: dates[1] for quota, dates in item.courses.items()},
                return_dtype=pl.Date).alias("end")) for item in self.rounds]
        empty = pl.DataFrame(schema={"candidate_id": pl.String, "quota_id": pl.String,
                                     "start": pl.Date, "end": pl.Date})
        return pl.concat([empty, *frames]) if frames else empty

    def records(self) -> list[dict[str, Any]]:
        return [item.record() for item in self.rounds]


def read_earlier_rounds(folders: Sequence[str | Path]) -> EarlierRounds:
    """Read the run folders of earlier rounds; raise :class:`InputError` if one cannot be
    used (missing or changed files, a run given twice, a run it was based on missing)."""
    rounds = [read_earlier_round(Path(folder)) for folder in folders]
    given: dict[str, Path] = {}
    for item in rounds:
        if item.manifest_sha256 in given:
            raise InputError(f"the same run is given twice (also as {given[item.manifest_sha256]})",
                             file=str(item.folder))
        given[item.manifest_sha256] = item.folder
    for item in rounds:
        missing = [sha for sha in item.based_on if sha not in given]
        if missing:
            raise InputError(
                f"this run was itself based on an earlier round (manifest SHA-256 "
                f"{missing[0][:12]}…) that is not given; give every earlier round with its "
                f"own --previous", file=str(item.folder))
    return EarlierRounds(tuple(rounds))


def earlier_round_files(folders: Sequence[str | Path]) -> list[Path]:
    """The files an earlier round's folder is read from: a run must not write over them
    (``--out`` naming a folder given to ``--previous``)."""
    return [Path(folder) / name for folder in folders for name in (MANIFEST, DECISIONS)]


def read_earlier_round(folder: Path) -> EarlierRound:
    """One earlier run's folder: its manifest and the selections in its decisions.csv."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"no {MANIFEST} here: give the folder an earlier `rank` wrote",
                         file=str(folder))
    if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
        raise InputError(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES:,} bytes; a run's "
                         f"manifest is a few kilobytes", file=str(folder))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
        raise InputError(f"{MANIFEST} cannot be read: {reason}", file=str(folder)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("courses"), dict):
        raise InputError(f"{MANIFEST} records no course dates; re-run that round with this "
                         f"version of eligibility", file=str(folder))
    decisions_path = folder / DECISIONS
    recorded = (manifest.get("outputs") or {}).get(DECISIONS)
    if not decisions_path.is_file() or recorded is None:
        raise InputError(f"no {DECISIONS} recorded in this run", file=str(folder))
    if sha256_of(decisions_path) != recorded:
        raise InputError(f"{DECISIONS} is not the file this run wrote (its SHA-256 differs "
                         f"from the manifest's)", file=str(folder))
    selected = _selected(decisions_path)
    courses = _courses(manifest["courses"], folder)
    unknown = sorted(set(selected["quota_id"].unique()) - set(courses))
    if unknown:
        raise InputError(f"{MANIFEST} has no course dates for quota '{unknown[0]}'",
                         file=str(folder))
    rulebook = manifest.get("rulebook") or {}
    return EarlierRound(
        folder=folder, manifest_sha256=sha256_of(manifest_path),
        rulebook_id=str(rulebook.get("id")), rulebook_version=str(rulebook.get("version")),
        input_sha256=str((manifest.get("input") or {}).get("sha256")), selected=selected,
        courses=courses,
        budget_used={str(row.get("quota_id")): int(row.get("budget_used") or 0)
                     for row in manifest.get("quotas") or [] if isinstance(row, dict)},
        based_on=tuple(str(item.get("manifest_sha256"))
                       for item in manifest.get("earlier_rounds") or []
                       if isinstance(item, dict)))


def carry_over(rulebook: CompiledRulebook, earlier: EarlierRounds) -> CompiledRulebook:
    """``rulebook`` with each quota's capacity reduced by what the earlier rounds used."""
    if not earlier:
        return rulebook
    related = {rulebook.id, *rulebook.lineage}
    for item in earlier.rounds:
        if item.rulebook_id not in related:
            raise InputError(
                f"that round ran rulebook '{item.rulebook_id}', which is neither "
                f"'{rulebook.id}' nor a rulebook whose quotas it takes; its seats cannot be "
                f"counted here", file=str(item.folder))
    seats, budget = earlier.seats_used(), earlier.budget_used()
    quotas = {quota_id: replace(rules, earlier_seats=rules.earlier_seats + seats.get(quota_id, 0),
                                earlier_budget=rules.earlier_budget + budget.get(quota_id, 0))
              for quota_id, rules in rulebook.quotas.items()}
    return replace(rulebook, quotas=quotas)


def enrolment_field(rulebook: CompiledRulebook) -> str:
    """The candidate field that earlier rounds' courses are added to."""
    fields = [name for name, spec in rulebook.fields.items()
              if spec.type == INTERVALS and not spec.yearly]
    if len(fields) != 1:
        found = ", ".join(fields) or "none"
        raise InputError(f"earlier rounds' courses are added to the one candidate field of type "
                         f"list[interval]; rulebook '{rulebook.id}' has {found}")
    return fields[0]


def with_earlier_courses(intake: Intake, rulebook: CompiledRulebook,
                         earlier: EarlierRounds) -> Intake:
    """``intake`` with each person's earlier-round courses added to their enrolments."""
    if not earlier:
        return intake
    return replace(intake, candidates=add_earlier_courses(intake.candidates, rulebook, earlier),
                   nominations=add_earlier_courses(intake.nominations, rulebook, earlier))


def add_earlier_courses(frame: pl.DataFrame, rulebook: CompiledRulebook,
                        earlier: EarlierRounds) -> pl.DataFrame:
    """``frame`` (candidates or nominations) with each person's earlier-round courses added
    to their enrolments."""
    if not earlier:
        return frame
    name = enrolment_field(rulebook)
    added = (earlier.courses()
             .select("candidate_id", pl.struct("start", "end").alias("__course"))
             .group_by("candidate_id", maintain_order=True)
             .agg(pl.col("__course").alias("__courses")))
    dtype = frame.schema[name]
    joined = frame.join(added, on="candidate_id", how="left", maintain_order="left")
    courses = pl.col("__courses").cast(dtype)
    return joined.with_columns(
        pl.when(pl.col("__courses").is_null()).then(pl.col(name))
        .otherwise(pl.concat_list(pl.col(name).fill_null(pl.lit([], dtype)), courses))
        .alias(name)).drop("__courses")


def _selected(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_csv(path, columns=["candidate_id", "quota_id", "status"],
                            schema_overrides={"candidate_id": pl.String, "quota_id": pl.String,
                                              "status": pl.String}, encoding="utf8")
    except (pl.exceptions.PolarsError, OSError) as error:
        raise InputError(f"{DECISIONS} cannot be read: {error}", file=str(path.parent)) from None
    unquoted = (pl.when(pl.col("candidate_id").str.starts_with("'")
                        & pl.col("candidate_id").str.slice(1, 1).is_in(FORMULA_PREFIXES))
                .then(pl.col("candidate_id").str.slice(1)).otherwise(pl.col("candidate_id")))
    return (frame.filter(pl.col("status") == "selected")
            .select(unquoted.alias("candidate_id"), "quota_id"))


def _courses(raw: Mapping[str, Any], folder: Path) -> dict[str, tuple[dt.date, dt.date]]:
    courses = {}
    for quota_id, dates in raw.items():
        try:
            courses[str(quota_id)] = (dt.date.fromisoformat(dates["start"]),
                                      dt.date.fromisoformat(dates["end"]))
        except (TypeError, KeyError, ValueError):
            raise InputError(f"{MANIFEST}: the course dates of quota '{quota_id}' cannot be "
                             f"read", file=str(folder)) from None
    return courses


__all__ = ["EarlierRound", "EarlierRounds", "add_earlier_courses", "carry_over", "enrolment_field",
           "read_earlier_round", "read_earlier_rounds", "with_earlier_courses"]
