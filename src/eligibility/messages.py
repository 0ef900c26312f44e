"""Failure messages rendered from outcome records, in any language, by Python or polars.

An engine records, for each unmet criterion, the values its message's placeholders show
(``shown.<criterion>.<slot>``); a message is then its literal text with those values
displayed by :func:`eligibility.language.rendering.display`. Nothing is evaluated again, so
a message reads the same whichever engine decided, and can be rendered later in the other
language (``explain``, reports and diffs do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from eligibility.frames import QUOTA, criterion_column, reasons_column, shown_column
from eligibility.i18n import LANGUAGES
from eligibility.language.nodes import Const
from eligibility.language.rendering import REASON_SEPARATOR, Labels, display, display_expr
from eligibility.rulebook.compiled import (
    BoundCriterion,
    CompiledRulebook,
    MessagePart,
    QuotaRules,
)

__all__ = ["LANGUAGES", "REASON_SEPARATOR", "quota_reasons_expr", "reasons_expr", "render_message",
           "render_reasons", "unmet_reasons"]


def render_message(parts: Sequence[MessagePart], shown: Sequence[Any] | None, language: str,
                   labels: Labels) -> str:
    """A message with each placeholder replaced by the value recorded for its slot."""
    pieces = []
    for part in parts:
        if part.slot is None or part.expression is None:
            pieces.append(part.text)
        else:
            value = None if shown is None else shown[part.slot]
            pieces.append(display(value, part.expression.type, language, labels))
    return "".join(pieces)


def unmet_reasons(rulebook: CompiledRulebook, quota_id: str, met: Sequence[bool | None],
                  shown: Sequence[Sequence[Any] | None], language: str) -> str:
    """The ``reasons`` of one nomination in ``language``, from its outcome record: the
    messages of the quota's unmet criteria (``met[i]`` False), each showing ``shown[i]``,
    in rulebook order."""
    criteria, labels = rulebook.quotas[quota_id].criteria, rulebook.labels[language]
    return REASON_SEPARATOR.join(
        render_message(criterion.message[language], values, language, labels)
        for criterion, ok, values in zip(criteria, met, shown, strict=True) if ok is False)


def message_expr(rulebook: CompiledRulebook, criterion: BoundCriterion, language: str
                 ) -> pl.Expr:
    """One quota's message of ``criterion`` in ``language``, over the outcome columns.

    A placeholder bound to one of the quota's constants (its title, course, a limit) is
    written once, as :func:`~eligibility.language.rendering.display` writes it, not per row.
    """
    labels = rulebook.labels[language]
    pieces: list[pl.Expr | str] = []
    for part in criterion.message[language]:
        if part.slot is None or part.expression is None:
            pieces.append(part.text)
        elif isinstance(part.expression, Const):  # a quota's constant: written once
            pieces.append(display(part.expression.value, part.expression.type, language,
                                  labels))
        else:
            column = pl.col(shown_column(criterion.id, part.slot))
            pieces.append(display_expr(column, part.expression.type, language, labels))
    if all(isinstance(piece, str) for piece in pieces):  # the same text on every row
        return pl.repeat("".join(pieces), pl.len(), dtype=pl.String)  # type: ignore[arg-type]
    return pl.concat_str([pl.lit(piece) if isinstance(piece, str) else piece
                          for piece in pieces])


def reasons_expr(rulebook: CompiledRulebook, language: str) -> pl.Expr:
    """The unmet criteria's messages, ``; ``-joined in rulebook order ("" when eligible)."""
    messages: list[pl.Expr] = []
    for rule in rulebook.criterion_ids:
        # Quotas whose bound message is the same share one branch.
        branches: dict[str, list[str]] = {}
        wording: dict[str, BoundCriterion] = {}
        for quota_id, rules in rulebook.quotas.items():
            criterion = next((item for item in rules.criteria if item.id == rule), None)
            if criterion is None:
                continue
            key = repr(criterion.message[language])
            branches.setdefault(key, []).append(quota_id)
            wording[key] = criterion
        message: pl.Expr = pl.lit(None, pl.String)
        for key, quota_ids in branches.items():
            chosen = pl.col(QUOTA).is_in(quota_ids) if len(branches) > 1 else pl.lit(True)
            message = pl.when(chosen).then(message_expr(rulebook, wording[key], language)) \
                .otherwise(message)
        messages.append(_when_unmet(rule, message))
    return _joined(messages)


def quota_reasons_expr(rulebook: CompiledRulebook, rules: QuotaRules, language: str
                       ) -> pl.Expr:
    """:func:`reasons_expr` for the nominations of one quota (``rules``), over their outcome
    columns: no branch on the quota, and only the quota's own criteria."""
    by_id = {criterion.id: criterion for criterion in rules.criteria}
    return _joined([_when_unmet(rule, message_expr(rulebook, by_id[rule], language))
                    for rule in rulebook.criterion_ids if rule in by_id])


def _when_unmet(rule: str, message: pl.Expr) -> pl.Expr:
    """``message`` where criterion ``rule`` is unmet (false), else null."""
    return pl.when(pl.col(criterion_column(rule)).not_().fill_null(False)).then(message)


def _joined(messages: list[pl.Expr]) -> pl.Expr:
    if not messages:
        return pl.lit("")
    return pl.concat_str(messages, separator=REASON_SEPARATOR, ignore_nulls=True)



def render_reasons(rulebook: CompiledRulebook, frame: pl.DataFrame,
                   languages: Sequence[str]) -> pl.DataFrame:
    """``frame`` (with outcome columns) plus ``reasons.<language>`` for each language."""
    return frame.with_columns(reasons_expr(rulebook, language).alias(reasons_column(language))
                              for language in languages)
