"""RETE execution with durable_rules: every criterion and priority decided by its rulesets.

The package: :mod:`.encoding` (values as durable_rules compares them),
:mod:`.conditions` (its conditions and three-valued logic), :mod:`.planner` (trees to rules),
:mod:`.rulesets` (durable_rules itself), :mod:`.engine` (facts in, outcomes out).

Design
======
One durable_rules ruleset per quota — more exactly per *group* of a quota's rules, and a
quota has one group unless its rules are very many or very wide — compiled from the
quota's bound trees (its attributes and parameters are already constants). A nomination is
posted as one fact per group: ``{"id", "sid", "k": nomination key, "g": group, "v0": ...}``.
Each :class:`DurableEngine` (a batch run, or a live session) has its own rulesets.

* **What Python computes.** The maximal subtrees durable_rules cannot compute — field
  reads, date arithmetic, function calls (``retirement_date``, ``age_on``, ``overlaps``…),
  list reducers, arithmetic, yearly and per-code look-ups: the registry entries whose
  durable mode is ``leaf`` — are *leaves*: evaluated by the reference evaluator
  (:mod:`eligibility.language.reference`) and posted as
  typed fact properties by :func:`encode`: numbers as JSON numbers (floats in plain decimal
  notation), dates as ordinal day numbers, ordered vocabularies as their rank, other codes
  as text, text as fixed-width hexadecimal code points, intervals as ``start/end``. A null
  leaf is left out of the fact.
* **What durable_rules decides.** Comparisons, ``and``/``or``/``not``, ``in``, ``is None``
  and ``x if c else y`` (conditions and conditional points) are compiled to durable_rules
  conditions (``m.v0 <= 35``, ``&``, ``|``, ``m.v1.matches(...)``, ``m.v2.anyItem(...)``,
  ``+m.v3``/``-m.v3``). ``any``/``all`` over a fixed ``range`` are unrolled into ``or``/``and``
  first, as the vectorized engine does.
* **Three-valued logic.** durable_rules has no negation and no null, so every condition
  ``C`` is compiled into four two-valued durable conditions (:class:`Forms`): *C is true*,
  *C is false*, *C is not true* and *C is not false* (a missing property makes a test fail,
  which is how null enters). A criterion has two rules, ``met`` (C is true) and ``unmet``
  (C is not true): exactly one fires for every fact, so every outcome is a positive
  decision of durable_rules, and a fact that got neither or both is an internal error. A
  priority has one rule per branch of its conditional points (``T(c₁)``, ``NT(c₁) ∧ T(c₂)``,
  …, the last ``else``); exactly one fires, and its action reads the branch's value from the
  fact (null counts 0). Points are kept only for eligible nominations.
* **Collection.** Each action appends ``(k, rule, value)`` to a list; after a post the
  engine runs the actions itself, in the calling thread, until durable_rules has none
  left. Results are keyed by ``k``, never by the order or time actions ran.

durable_rules' traps, and how they are handled
==============================================
* *A fact no rule matches raises* ``MessageNotHandledException``: every ruleset has a silent
  catch-all (``+m.k`` joined with a pattern no fact matches), and the ``met``/``unmet``
  and branch rules of a group match every fact of that group anyway. Neither tests ``id``
  or ``sid``: a catch-all on those also matches the engine's own state object, whose
  update by each action re-matches it — an endless loop. Every rule also tests ``m.g``,
  which the state never has, so no rule can match the state.
* *Strings compare as numbers when the other side is one* (``"30" <= 35`` holds), *and
  escaped characters compare by their JSON escape* (``'a"'`` sorts after ``'a#'``): numbers
  are posted as numbers, dates as day numbers, text as hexadecimal code points (whose
  order is the code-point order Python uses).
* *A missing right-hand property is read as whatever the look-up finds* (in some rulesets
  ``m.a < m.b``, ``==``, ``!=`` and ``>`` all fire when ``b`` is absent): every
  property-to-property test also requires the right side to exist (``+m.b``).
* *An* ``or`` *is expanded into separate matches*: a fact matching two alternatives fires the
  rule twice, and a long ``and`` of ``or``s grows exponentially until durable_rules refuses
  the ruleset. Outcomes are idempotent (a rule firing twice decides the same thing);
  membership in a list of codes is one regular expression instead of one alternative per
  code; a condition whose expansion exceeds :data:`MAX_ALTERNATIVES`, that needs more
  than :data:`MAX_PROPERTIES` values, or that durable_rules refuses (an ``or`` of more
  than about 14 ``and``s raises ``ERR_EXPRESSION_LIMIT_EXCEEDED``; each rule is tried on a
  scratch ruleset) has its largest sub-condition computed in Python as a boolean leaf
  until it fits. Such a leaf is the only place where Python decides logic, and only in
  rules too intricate for durable_rules.
* *A fact holds at most about 252 properties, and a ruleset's network nodes have few
  branches* (``ERR_RULE_EXISTS_LIMIT_EXCEEDED``…): the rules of a quota are packed into
  groups of at most :data:`MAX_PROPERTIES` values and :data:`MAX_RULES` rules, one fact and
  one ruleset per group; a group durable_rules still refuses is split in two.
* ``json.dumps`` *writes floats such as* ``1e-05``, *which durable_rules' parser rejects*: facts
  and ruleset definitions are serialized with floats in plain decimal notation.
* *Actions of a batch may run later, on a Host's background thread* (a batch spanning
  several sessions runs only one session's actions before returning): the engine never
  creates a ``Host``. It drives its rulesets itself and dispatches until no action is left.
* *Every Host starts timer threads that never stop, and a Host refuses a ruleset name twice*:
  there is no Host, so no thread; ruleset names are unique per engine
  (``eligibility.<quota>.<n>``), and :meth:`DurableEngine.close` deletes the rulesets.
* *A two-argument action is run as asynchronous*, and an action's exception is swallowed
  into the state: actions take one argument, only append to a list, and a nomination that
  ends with no outcome, or two, for a rule raises instead of being guessed.
* *Each fact costs a few kilobytes inside durable_rules*: a batch posts its facts in chunks,
  each under its own session id, deleted as soon as the chunk is decided.

durable-rules is imported only when an engine is built; where it cannot be (Python 3.13,
no compiler), building one raises :class:`~eligibility.errors.EngineUnavailableError`.
"""

from __future__ import annotations

from eligibility.engines.durable.encoding import encode, to_json
from eligibility.engines.durable.engine import DurableEngine, Nomination, evaluate_frame
from eligibility.engines.durable.rulesets import INSTALL_HINT, durable_available

__all__ = [
    "INSTALL_HINT",
    "DurableEngine",
    "Nomination",
    "durable_available",
    "encode",
    "evaluate_frame",
    "to_json",
]
