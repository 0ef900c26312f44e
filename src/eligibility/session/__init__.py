"""Live nomination sessions: assert, update or retract one nominee, read decisions at once.

>>> import datetime as dt
>>> import eligibility
>>> from eligibility.session import open_session
>>> rulebook = eligibility.load_rulebook("rules/hanoi-2022-2025.yaml")
>>> with open_session(rulebook, engine="scalar") as session:
...     session.assert_candidate({
...         "id": "HN-1", "full_name": "Nguyễn Thị Lan", "birth_date": dt.date(1990, 5, 17),
...         "gender": "female", "category": "cong_chuc", "position": "public-finance",
...         "service_start": dt.date(2015, 3, 1),
...         "rating": {2021: "good", 2022: "excellent"}, "nominated_for": ["tai-chinh"]})
...     session.decision("HN-1").select("quota_id", "eligible", "score", "rank", "status").row(0)
('tai-chinh', True, 25, 1, 'selected')

A session keeps one evaluation per nomination. Asserting or updating a nominee decides
only that nominee's nominations — with the durable engine (the default), by posting their
facts to the session's own durable_rules rulesets, whose RETE network re-matches only those
facts. Ranks and seats are kept live (:mod:`eligibility.session.seats`): a change moves
only that nominee's place in each quota's order, and deferred acceptance re-runs only for
the people whose seats it may move (allocation is global: that can be anyone).
``decision(id)`` builds only that nominee's rows. ``decisions()`` has the
columns and values of a batch run (:func:`eligibility.decide`) over the current nominees,
in the order they were first asserted, as if every rulebook field had a column.

Records are typed dicts — field → Python value (``datetime.date``, ``bool``, vocabulary
code, :class:`~eligibility.language.values.Interval`…), a yearly field as ``{year: value}``,
``nominated_for`` as a list of quota ids — or text cells as a nominee file holds them
(``"17/05/1990"``, ``"Nữ"``, ``"rating_2022": "HTXSNV"``, ``"tai-chinh;pg-abroad"``), read
by the same parsers as a file. A value that cannot be read raises
:class:`~eligibility.errors.RecordError` naming the field (the rules are those of
:mod:`eligibility.records`).

The durable engine needs the durable-rules package (Python 3.11-3.12, built with gcc);
where it cannot be imported, ``open_session`` uses the scalar engine instead and says so
once with an :class:`EngineFallbackWarning`. A session is safe to share between threads.
"""


from __future__ import annotations

import warnings

from eligibility.errors import EngineUnavailableError
from eligibility.rulebook.compiled import CompiledRulebook
from eligibility.session.nominations import SESSION_ENGINES, NominationSession

__all__ = ["SESSION_ENGINES", "EngineFallbackWarning", "NominationSession", "open_session"]


class EngineFallbackWarning(UserWarning):
    """The engine asked for cannot run here; another one decides instead."""


def open_session(rulebook: CompiledRulebook, *, engine: str = "durable",
                 language: str = "vi") -> NominationSession:
    """A new, empty session deciding nominees against ``rulebook``.

    ``engine``: ``durable`` (durable_rules' RETE network; the scalar engine, with a warning,
    where durable-rules cannot be imported) or ``scalar`` (plain Python). Sessions are
    isolated: each has its own rulesets and facts. Errors about records are worded in
    ``language`` ("vi", the default, or "en").
    """
    if engine == "durable":
        try:
            return NominationSession(rulebook, engine="durable", language=language)
        except EngineUnavailableError as error:
            warnings.warn(f"durable_rules is not available here, so this session uses the "
                          f"scalar engine (same decisions): {error}", EngineFallbackWarning,
                          stacklevel=2)
            return NominationSession(rulebook, engine="scalar", language=language)
    return NominationSession(rulebook, engine=engine, language=language)
