"""Decide, explain and rank who may be sent to a training programme with limited seats.

Officials write the selection rules of a plan as a YAML rulebook; this library loads and
checks it, evaluates nominees against it (eligibility with reasons, points, score), ranks
them and allocates the seats:

>>> import eligibility
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> decisions = eligibility.decide(rulebook, "examples/hanoi/nominees.csv")
>>> decisions.rows_in == decisions.people + decisions.rejected.height
True
"""

from __future__ import annotations

from eligibility.api import (
    ENGINES,
    Decisions,
    candidate_from_record,
    decide,
    decide_intake,
    evaluate,
)
from eligibility.errors import (
    EligibilityError,
    EngineUnavailableError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    InputError,
    OutputFolderError,
    RecordError,
    RulebookError,
    RulebookSchemaError,
    RulebookSyntaxError,
    UnknownNameError,
)
from eligibility.evaluation import CriterionOutcome, Evaluation, evaluate_candidate
from eligibility.intake.nominees import Intake, read_nominees
from eligibility.rulebook import CompiledRulebook, RulebookLimits, load_rulebook
from eligibility.selection import select
from eligibility.session import NominationSession, open_session
from eligibility.whatif import Comparison, compare

__version__ = "0.1.0"

__all__ = [
    "ENGINES",
    "Comparison",
    "CompiledRulebook",
    "CriterionOutcome",
    "Decisions",
    "EligibilityError",
    "EngineUnavailableError",
    "Evaluation",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "InputError",
    "Intake",
    "NominationSession",
    "OutputFolderError",
    "RecordError",
    "RulebookError",
    "RulebookLimits",
    "RulebookSchemaError",
    "RulebookSyntaxError",
    "UnknownNameError",
    "candidate_from_record",
    "compare",
    "decide",
    "decide_intake",
    "evaluate",
    "evaluate_candidate",
    "load_rulebook",
    "open_session",
    "read_nominees",
    "select",
]
