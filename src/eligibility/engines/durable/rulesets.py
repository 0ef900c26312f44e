"""durable_rules itself: importing it, writing rulesets, driving them without a Host.

durable-rules builds from source (it needs gcc) and imports on Python 3.11 and 3.12; this
module imports it only when an engine is built and raises
:class:`~eligibility.errors.EngineUnavailableError` when it cannot.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Mapping
from types import ModuleType, SimpleNamespace
from typing import Any

from eligibility.engines.durable.conditions import All, AnyOf, Cond, Probe, Ref
from eligibility.engines.durable.encoding import to_json
from eligibility.engines.durable.planner import PY_COMPARE, RuleGroup
from eligibility.errors import EngineUnavailableError

INSTALL_HINT = ("install it with: pip install 'durable-rules==2.0.28' (it builds from source: "
                "it needs gcc and Python 3.11 or 3.12)")
COUNTER = itertools.count(1)  # ruleset names are unique in a process



def durable_available() -> bool:
    """Whether durable_rules can be imported here (it is an optional dependency).

    >>> isinstance(durable_available(), bool)
    True
    """
    try:
        durable_modules()
    except EngineUnavailableError:
        return False
    return True


@functools.cache
def durable_modules() -> SimpleNamespace:
    """durable_rules' modules, imported on first use."""
    try:
        import durable_rules_engine as core
        from durable import engine, lang
    except Exception as error:  # ImportError, or a build that fails to load
        raise EngineUnavailableError(
            f"the durable engine needs the durable-rules package, which cannot be imported "
            f"here ({type(error).__name__}: {error}); {INSTALL_HINT}") from error
    return SimpleNamespace(core=core, engine=engine, lang=lang)



def _expression(cond: Cond, lang: ModuleType) -> Any:
    """``cond`` written with durable_rules' own rule language (``m.x <= 35``, ``&``, ``|``)."""
    if isinstance(cond, All):
        return functools.reduce(operator.and_, (_expression(part, lang) for part in cond.parts))
    if isinstance(cond, AnyOf):
        return functools.reduce(operator.or_, (_expression(part, lang) for part in cond.parts))
    assert isinstance(cond, Probe)
    prop = getattr(lang.m, cond.name)
    value = getattr(lang.m, cond.value.name) if isinstance(cond.value, Ref) else cond.value
    if cond.kind == "cmp":
        return PY_COMPARE[cond.op](prop, value)
    if cond.kind == "exists":
        return +prop
    if cond.kind == "missing":
        return -prop
    if cond.kind == "match":
        return prop.matches(value)
    items = prop.anyItem if cond.kind == "any_item" else prop.allItems
    return items(PY_COMPARE[cond.op](lang.item, value))


def accepted(cond: Cond) -> bool:
    """Whether durable_rules takes a rule with condition ``cond`` (tried on a scratch ruleset).

    Its parser refuses some conditions, e.g. an 'or' of more than about 14 'and's
    (``ERR_EXPRESSION_LIMIT_EXCEEDED``); asking it is the only exact test.
    """
    durable = durable_modules()
    where = durable.lang.m.g == 0
    if cond is not True:
        where = where & _expression(cond, durable.lang)
    definition = {"r": {"all": [{"m": where.define()}]}}
    try:
        handle = durable.core.create_ruleset(f"eligibility.check.{next(COUNTER)}",
                                             to_json(definition))
    except durable.core.error:
        return False
    durable.core.delete_ruleset(handle)
    return True


def definitions(group: RuleGroup, number: int, lang: ModuleType,
                 fired: list[tuple[Any, ...]]) -> dict[str, tuple[dict[str, Any], Any]]:
    """name -> (durable_rules rule definition, action) for every rule of group ``number``."""
    rules: dict[str, tuple[dict[str, Any], Any]] = {}
    for index, rule in enumerate(group.rules):
        where = lang.m.g == number
        if rule.cond is not True:
            where = where & _expression(rule.cond, lang)
        rules[f"r{index}"] = ({"all": [{"m": where.define()}]},
                              _recorder(fired, number, index, rule.value))
    # Matches every fact (so none is 'not handled') and never fires: no fact has g == -1.
    seen = {"all": [{"m_0": (+lang.m.k).define()}, {"m_1": (lang.m.g == -1).define()}]}
    rules["seen"] = (seen, _ignore)
    return rules


def _recorder(fired: list[tuple[Any, ...]], group: int, number: int,
              value: str | None) -> Callable[[Any], None]:
    if value is None:
        def record(c: Any) -> None:
            fired.append((c.m.k, group, number, None))
    else:
        def record(c: Any) -> None:
            fired.append((c.m.k, group, number, c.m[value]))
    return record


def _ignore(c: Any) -> None:  # pragma: no cover - the catch-all never fires
    """Nothing to do."""


@functools.cache
def _ruleset_class() -> type:
    durable = durable_modules()

    class Rules(durable.engine.Ruleset):  # type: ignore[misc, name-defined]
        """A durable_rules ruleset whose definition is written by :func:`to_json`.

        durable's own constructor serializes with ``json.dumps``, whose ``1e-05`` its parser
        refuses; everything else (actions, closures, dispatching) is durable's.
        """

        def __init__(self, name: str,
                     rules: Mapping[str, tuple[dict[str, Any], Callable[[Any], None]]]) -> None:
            self._name = name
            self._host = None
            self._definition = {rule: definition for rule, (definition, _) in rules.items()}
            self._actions = {rule: durable.engine.Promise(action)
                             for rule, (_, action) in rules.items()}
            self._handle = durable.core.create_ruleset(name, to_json(self._definition))

    return Rules


class Ruleset:
    """One quota's ruleset, driven in the calling thread (no Host, no background thread)."""

    def __init__(self, name: str, rules: Mapping[str, tuple[dict[str, Any], Any]],
                 fired: list[tuple[Any, ...]]) -> None:
        self._durable = durable_modules()
        self.name = name
        self._fired = fired
        self._rules = _ruleset_class()(name, rules)
        self._errors: list[BaseException] = []

    def assert_facts(self, facts: list[dict[str, Any]]) -> None:
        """Assert ``facts`` and run every action they trigger before returning."""
        payload = to_json(facts)
        result = self._durable.core.assert_facts(self._rules._handle, payload)
        self._check(result, facts)
        if result[0] == 0:
            self._rules.do_actions(result[1], self._completed)
        self._drain()

    def retract_facts(self, facts: list[dict[str, Any]]) -> None:
        result = self._durable.core.retract_facts(self._rules._handle, to_json(facts))
        self._check(result, facts)
        self._drain()

    def forget(self, sid: str) -> None:
        """Delete a session id's state: its facts and partial matches."""
        self._durable.core.delete_state(self._rules._handle, sid)

    def close(self) -> None:
        self._durable.core.delete_ruleset(self._rules._handle)

    def _check(self, result: tuple[int, int], facts: Any) -> None:
        engine = self._durable.engine
        if result[0] == 1:
            raise engine.MessageNotHandledException(facts)
        if result[0] == 2:
            raise engine.MessageObservedException(facts)

    def _completed(self, error: BaseException | None, _state: Any) -> None:
        if error:
            self._errors.append(error)

    def _drain(self) -> None:
        """Dispatch until durable_rules has no action left (actions of other sessions too)."""
        while True:
            before = len(self._fired)
            self._rules.dispatch()
            if len(self._fired) == before:
                break
        if self._errors:
            error = self._errors[0]
            self._errors.clear()
            raise RuntimeError(f"durable_rules failed in ruleset {self.name}: {error}")
