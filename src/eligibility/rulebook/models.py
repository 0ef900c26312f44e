"""The rulebook document: pydantic models of what officials write in YAML.

These models check the *shape* of a rulebook. Names inside expressions, vocabularies and
quota references are checked afterwards, when the rulebook is compiled
(:mod:`eligibility.rulebook.compiler`). The JSON Schema in ``schema/`` is generated from
these models (:mod:`eligibility.rulebook.schema`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

_AGE = re.compile(r"^(?:(\d+)y)?(?:(\d+)m)?$")

#: More seats than a whole country's civil service could fill: a larger number is a typo.
MAX_SEATS = 10_000_000
#: A budget or cost in VND (a thousand trillion, several times a national budget). Below
#: 2**53, so budget shares computed as decimals stay exact and no sum overflows 64 bits.
MAX_VND = 10**15


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Document):
    """A text in both languages of the rulebook."""

    vi: str = Field(description="Vietnamese text.")
    en: str = Field(description="English text.")

    def get(self, language: str) -> str:
        return self.vi if language == "vi" else self.en


class Effective(Document):
    """A period in force: from a date (inclusive), until a date (inclusive) or open-ended."""

    from_: dt.date = Field(alias="from", description="First day in force, YYYY-MM-DD.")
    until: dt.date | None = Field(default=None, description="Last day in force, if any.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.until is not None and self.until < self.from_:
            raise ValueError(f"'until' ({self.until}) is before 'from' ({self.from_})")
        return self

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class LegalText(Document):
    """A legal text a rule rests on, cited by its id from criteria and parameters."""

    id: Identifier
    citation: str = Field(description="How the text is cited, e.g. 'Nghị định 101/2017/NĐ-CP'.")
    article: str | None = Field(default=None, description="Article or clause, e.g. 'Điều 32'.")
    title: Text | None = None
    effective: Effective | None = None
    url: str | None = Field(default=None, description="Where the official text is published.")
    note: str | None = None


class VocabularyValue(Document):
    """One value of a vocabulary: its synonyms as found in input files, and labels."""

    synonyms: list[str] = Field(default_factory=list)
    label: Text | None = Field(default=None, description="How the value is shown in messages.")


class Vocabulary(Document):
    """A closed list of codes, with the spellings input files use for each."""

    title: Text | None = None
    ordered: StrictBool = Field(
        default=False,
        description="If true, values are listed from lowest to highest and may be compared "
                    "with <, <=, >, >=.")
    values: dict[Identifier, list[str] | VocabularyValue | None] = Field(
        description="Each code with its synonyms (case, spaces and diacritics are ignored "
                    "when matching).")

    def synonyms_of(self, code: str) -> list[str]:
        value = self.values[code]
        if value is None:
            return []
        return list(value) if isinstance(value, list) else list(value.synonyms)

    def label_of(self, code: str, language: str) -> str:
        value = self.values[code]
        if isinstance(value, VocabularyValue) and value.label is not None:
            return value.label.get(language)
        return code


class ParameterVersion(Document):
    """A value in force from a date."""

    from_: dt.date = Field(alias="from")
    value: Any
    basis: list[Identifier] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


ScalarType = Literal["int", "number", "text", "date", "bool", "age_schedule"]


class Parameter(Document):
    """A named constant of the law or the plan; may change over time (``versions``)."""

    title: Text | None = None
    type: ScalarType | None = Field(
        default=None, description="Type of the value; inferred from the value when omitted.")
    by: Identifier | None = Field(
        default=None,
        description="Name of a vocabulary: the parameter then holds one value per code, "
                    "looked up in expressions as name[field].")
    value: Any = None
    versions: list[ParameterVersion] | None = None
    basis: list[Identifier] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _value_or_versions(self) -> Parameter:
        if (self.value is None) == (self.versions is None):
            raise ValueError("give exactly one of 'value' or 'versions'")
        if self.versions is not None:
            starts = [version.from_ for version in self.versions]
            if starts != sorted(starts) or len(set(starts)) != len(starts):
                raise ValueError("versions must be listed with strictly increasing 'from' dates")
        return self


FieldType = Annotated[str, StringConstraints(
    pattern=r"^(text|int|number|date|bool|interval|list\[interval\]|list\[text\]|[a-z][a-z0-9_-]*)$")]


class CandidateField(Document):
    """A fact about a candidate, read from one column (or one column per year)."""

    type: FieldType = Field(
        description="text, int, number, date, bool, interval, list[interval], list[text], "
                    "or the name of a vocabulary.")
    title: Text | None = None
    required: StrictBool = Field(default=False, description="A row without it is rejected.")
    column: str | None = Field(
        default=None,
        description="Column header; defaults to the field name. For a yearly field, a pattern "
                    "with {year}, e.g. 'rating_{year}'.")
    aliases: list[str] = Field(default_factory=list, description="Other accepted headers.")
    default: Any = Field(default=None, description="Value of an empty cell.")
    yearly: StrictBool = Field(
        default=False, description="One column per calendar year, e.g. rating_2022.")
    separator: str = Field(default=";", description="Separator of list values in one cell.")
    may_be_absent: StrictBool = Field(
        default=False,
        description="A nominee file may leave this column out even though a rule reads it; "
                    "every row then takes the default. Without it, a file lacking a column "
                    "that a criterion or priority reads is refused.")


class IdentityColumn(Document):
    column: str = "id"
    aliases: list[str] = Field(default_factory=list)
    title: Text | None = Field(default=None, description="Also accepted as the header.")


class NominationsColumn(Document):
    column: str = "nominated_for"
    aliases: list[str] = Field(default_factory=list)
    separator: str = ";"
    title: Text | None = Field(default=None, description="Also accepted as the header.")


class Candidate(Document):
    """How a candidate record is read: identity, nominations and the other fields."""

    id: IdentityColumn = Field(default_factory=IdentityColumn)
    nominations: NominationsColumn = Field(default_factory=NominationsColumn)
    fields: dict[FieldName, CandidateField]


class Quota(Document):
    """A number of seats in one course, with its budget, dates and admissible positions."""

    id: Identifier
    title: Text
    lead: str = Field(description="Department that leads the quota.")
    kind: Identifier = Field(description="e.g. fostering, postgraduate.")
    seats: int = Field(gt=0, le=MAX_SEATS)
    budget: int = Field(ge=0, le=MAX_VND, description="Budget in VND.")
    cost_per_seat: int | None = Field(
        default=None, gt=0, le=MAX_VND,
        description="Cost of one seat in VND; defaults to budget / seats.")
    start: dt.date = Field(description="First day of the course (inclusive).")
    end: dt.date = Field(description="Last day of the course (inclusive).")
    positions: list[str] = Field(description="Job-position codes the quota admits.")
    destinations: list[str] = Field(default_factory=list)
    subject: Text | None = None
    values: dict[FieldName, Any] = Field(
        default_factory=dict,
        description="Quota-specific constants, used in expressions as quota.<name>.")

    @model_validator(mode="after")
    def _dates_ordered(self) -> Quota:
        if self.end < self.start:
            raise ValueError(f"course end {self.end} is before its start {self.start}")
        return self


class AppliesTo(Document):
    """Which quotas a rule applies to; all quotas when omitted."""

    kinds: list[Identifier] | None = None
    quotas: list[Identifier] | None = None


Lets = dict[FieldName, str]
_LET_DESCRIPTION = (
    "Named intermediate values, in order: each name's expression may use the names before "
    "it, and the condition, points and messages may use them all, e.g. "
    "{retires: 'retirement_date(birth_date, retirement_age[gender])'}.")


class RuleVersion(Document):
    """The wording of a criterion or priority in force from a date."""

    effective: Effective
    let: Lets = Field(default_factory=dict, description=_LET_DESCRIPTION
                      + " A version's names are added to (or replace) the rule's.")
    condition: str | None = None
    points: str | None = None
    message: Text | None = None
    basis: list[Identifier] | None = None


class Criterion(Document):
    """A condition every selected nomination must meet, with its failure message."""

    id: Identifier
    title: Text
    basis: list[Identifier] = Field(default_factory=list, description="Ids of legal texts.")
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    let: Lets = Field(default_factory=dict, description=_LET_DESCRIPTION)
    condition: str | None = Field(default=None, description="A rule-language expression.")
    message: Text | None = Field(
        default=None, description="Shown when the condition fails; {expression} placeholders.")
    versions: list[RuleVersion] | None = Field(
        default=None, description="Effective-dated wordings instead of condition/message.")
    note: str | None = None

    @model_validator(mode="after")
    def _condition_or_versions(self) -> Criterion:
        _require_one(self.condition, self.versions, "condition")
        if self.versions is None and self.message is None:
            raise ValueError("a criterion needs a 'message' (vi and en)")
        return self


class Priority(Document):
    """Points given to eligible nominations."""

    id: Identifier
    title: Text
    basis: list[Identifier] = Field(default_factory=list)
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    let: Lets = Field(default_factory=dict, description=_LET_DESCRIPTION)
    points: str | None = Field(default=None, description="A rule-language expression (number).")
    versions: list[RuleVersion] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _points_or_versions(self) -> Priority:
        _require_one(self.points, self.versions, "points")
        return self


def _require_one(direct: str | None, versions: list[RuleVersion] | None, name: str) -> None:
    if (direct is None) == (versions is None):
        raise ValueError(f"give exactly one of '{name}' or 'versions'")


class TieBreak(Document):
    """One key of the ranking order."""

    key: str = Field(description="'score', 'id' or a candidate field.")
    order: Literal["ascending", "descending"]


TakenSection = Literal["candidate", "quotas", "criteria", "priorities", "ranking"]


class Include(Document):
    """An included file with options: a rulebook some of whose sections are taken, changes."""

    file: str = Field(description="The file, relative to this rulebook.")
    take: list[TakenSection] | None = Field(
        default=None,
        description="For an included rulebook: the sections taken from it. Its quotas, "
                    "criteria and priorities come first; this rulebook may add its own (with "
                    "other ids). Its vocabularies, parameters and legal texts always join.")
    set_: dict[str, Any] | None = Field(
        default=None, alias="set",
        description="Changes made to the included file before it is used: dotted paths and "
                    "new values, as with --set (e.g. quota.tt-tt.start: 2025-09-08).")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("take")
    @classmethod
    def _each_section_once(cls, take: list[str] | None) -> list[str] | None:
        if take is not None and len(set(take)) != len(take):
            raise ValueError("each section is taken once")
        return take


class Rulebook(Document):
    """A rulebook: metadata, candidate fields, parameters, quotas, criteria, priorities."""

    id: Identifier
    title: Text
    version: str
    effective: Effective
    basis: list[LegalText] = Field(default_factory=list)
    include: list[str | Include] = Field(
        default_factory=list,
        description="Shared files (relative paths) whose vocabularies, parameters and legal "
                    "texts this rulebook uses; or {file, take, set}: another rulebook whose "
                    "sections listed in 'take' this rulebook takes, with changes.")
    conventions: list[Text] = Field(
        default_factory=list, description="Conventions the rulebook follows (e.g. 29 February).")
    vocabularies: dict[Identifier, Vocabulary] = Field(default_factory=dict)
    parameters: dict[FieldName, Parameter] = Field(default_factory=dict)
    candidate: Candidate
    quotas: list[Quota]
    criteria: list[Criterion]
    priorities: list[Priority] = Field(default_factory=list)
    ranking: list[TieBreak]

    @property
    def included_files(self) -> list[str]:
        """The files named under ``include:``, as written."""
        return [item if isinstance(item, str) else item.file for item in self.include]

    @field_validator("quotas")
    @classmethod
    def _some_quota(cls, quotas: list[Quota]) -> list[Quota]:
        if not quotas:
            raise ValueError("a rulebook needs at least one quota")
        return quotas


class SharedFile(Document):
    """A file of shared definitions (vocabularies, parameters, legal texts) to include."""

    id: Identifier
    title: Text
    version: str
    basis: list[LegalText] = Field(default_factory=list)
    conventions: list[Text] = Field(default_factory=list)
    vocabularies: dict[Identifier, Vocabulary] = Field(default_factory=dict)
    parameters: dict[FieldName, Parameter] = Field(default_factory=dict)


def parse_age(text: str) -> int:
    """Months in an age written like ``60y3m``, ``62y`` or ``8m``.

    >>> parse_age("60y3m")
    723
    """
    match = _AGE.fullmatch(text.strip())
    if not match or not any(match.groups()):
        raise ValueError(f"'{text}' is not an age; write years and months like 60y3m or 62y")
    years, months = match.groups()
    return int(years or 0) * 12 + int(months or 0)
