"""A changed nomination's cause in words, in the run's language (through the catalogue)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eligibility.i18n import t
from eligibility.language.rendering import format_number
from eligibility.whatif.causes import FAILED, MET, Cause, CriterionFlip, Key

if TYPE_CHECKING:
    from eligibility.whatif.compare import Comparison

SHOWN_PEOPLE = 5  # people named in a list before "and N others"


class Wording:
    """Words for one comparison in one language: names, titles, causes, chains."""

    def __init__(self, comparison: Comparison, language: str) -> None:
        self.comparison = comparison
        self.language = language
        changes = comparison.changes
        self.names = dict(zip(changes["candidate_id"], changes["full_name"], strict=True))
        self.rows = {(row["candidate_id"], row["quota_id"]): row for row in changes.select(
            "candidate_id", "quota_id", "before.score", "after.score", "before.rank",
            "after.rank").iter_rows(named=True)}
        rulebooks = (comparison.after.rulebook, comparison.before.rulebook)
        self.quota_titles: dict[str, str] = {}
        self.rule_titles: dict[str, str] = {}
        for rulebook in reversed(rulebooks):  # the second run's wording wins
            for quota_id, rules in rulebook.quotas.items():
                self.quota_titles[quota_id] = rules.quota.title.get(language)
            for item in (*rulebook.model.criteria, *rulebook.model.priorities):
                self.rule_titles[item.id] = item.title.get(language)

    def t(self, key: str, **values: Any) -> str:
        return t(f"whatif.{key}", self.language, **values)

    def person(self, candidate_id: str) -> str:
        name = self.names.get(candidate_id)
        return self.t("person", name=name, id=candidate_id) if name else candidate_id

    def people(self, ids: Sequence[str], count: int | None = None) -> str:
        """The first people of ``ids`` by name, and how many others (of ``count``)."""
        total = len(ids) if count is None else count
        shown = ", ".join(self.person(item) for item in ids[:SHOWN_PEOPLE])
        if total <= SHOWN_PEOPLE:
            return shown
        return self.t("and_others", people=shown, count=total - SHOWN_PEOPLE)

    def quota(self, quota_id: str) -> str:
        return self.quota_titles.get(quota_id, quota_id)

    def cause_name(self, code: str) -> str:
        return self.t(f"name_{code}")

    def status(self, code: str | None) -> str:
        return t(f"status.{code}", self.language) if code else self.t("nothing")

    def explanation(self, key: Key) -> str:
        """The cause of ``key``, then each cause down the chain: "... ← because: ..."."""
        steps = self.comparison.chain(*key)
        return self.t("because").join(self.step(step_key, cause) for step_key, cause in steps)

    def step(self, key: Key, cause: Cause) -> str:
        """One cause in a sentence."""
        row = self.rows.get(key, {})
        quota = self.quota(key[1])
        link = cause.link
        if cause.code == "criteria":
            return self.t("cause_criteria", criteria="; ".join(self.flip(flip)
                                                                for flip in cause.criteria))
        if cause.code == "points":
            items = "; ".join(self.t("points_item", title=self.rule_titles.get(item.id, item.id),
                                     before=_number(item.before), after=_number(item.after))
                              for item in cause.points)
            return self.t("cause_points", points=items,
                          score_before=_number(row.get("before.score")),
                          score_after=_number(row.get("after.score")))
        if cause.code in ("nomination_added", "nomination_removed"):
            rejected = ""
            if cause.rejected:
                where, _, reason = cause.rejected.partition(": ")
                rejected = self.t("rejected_row", row=where, reason=reason)
            return self.t(f"cause_{cause.code}", rejected=rejected)
        if cause.code == "capacity":
            before, after = cause.capacity or (None, None)
            return self.t("cause_capacity", quota=quota, before=before, after=after)
        if cause.code in ("displaced", "seat_freed"):
            if link is None:
                return self.t(f"cause_{cause.code}_unpaired", quota=quota)
            return self.t(f"cause_{cause.code}", quota=quota, person=self.person(link[0]))
        if cause.code in ("placed_preferred", "lost_preferred"):
            return self.t(f"cause_{cause.code}", quota=self.quota(link[1]) if link else "—")
        ranks = {"rank_before": _number(row.get("before.rank")),
                 "rank_after": _number(row.get("after.rank"))}
        if cause.code == "ranking_order":
            return self.t("cause_ranking_order", **ranks)
        entered = self.t("entered_above", count=cause.entered_count,
                         people=self.people(cause.entered_above, cause.entered_count)) \
            if cause.entered_count else ""
        left = self.t("left_above", count=cause.left_count,
                      people=self.people(cause.left_above, cause.left_count)) \
            if cause.left_count else ""
        return self.t("cause_rank_shift", entered=entered, left=left, **ranks)

    def flip(self, flip: CriterionFlip) -> str:
        return self.t("criterion_flip", title=self.rule_titles.get(flip.id, flip.id), id=flip.id,
                      before=self.state(flip.before, flip.message_before),
                      after=self.state(flip.after, flip.message_after))

    def state(self, state: str, messages: Any) -> str:
        if state == FAILED:
            return messages.get(self.language) or self.t("nothing")
        return self.t("state_met") if state == MET else self.t("state_not_applicable")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return format_number(value) if isinstance(value, (int, float)) else str(value)
