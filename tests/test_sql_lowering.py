"""The query computing every outcome record: its stages, and its size."""

from __future__ import annotations

from pathlib import Path

import eligibility
from eligibility.engines.sql.lowering import _levels, computed_subtrees, outcome_query
from eligibility.language import nodes as n
from eligibility.language.sql_builder import SqlBuilder, table
from eligibility.rulebook.compiled import CompiledRulebook

ROOT = Path(__file__).resolve().parent.parent
EVERY_ENTRY = ROOT / "tests" / "data" / "engines" / "every-entry.yaml"
HANOI = ROOT / "rules" / "hanoi-2022-2025.yaml"


def _query_text(rulebook: CompiledRulebook, dialect: str) -> str:
    from eligibility.language.sql_builder import parenthesized

    columns = ["candidate_id", "row", "quota_id", "preference", *rulebook.fields]
    query = outcome_query(rulebook, SqlBuilder(dialect), table("nominations"), columns, ["row"])
    return parenthesized(query).sql(dialect=dialect)


def test_every_subtree_is_computed_after_the_ones_it_reads() -> None:
    """GIVEN a quota's rules WHEN their subtrees are put in stages THEN each stage reads only
    subtrees of earlier stages, and none is computed twice."""
    rulebook = eligibility.load_rulebook(HANOI)
    for rules in rulebook.quotas.values():
        nodes = computed_subtrees(rules)
        assert len({repr(node) for node in nodes}) == len(nodes)
        seen: set[str] = set()
        keys = {repr(node) for node in nodes}
        for level in _levels(nodes):
            for node in level:
                inner = {repr(child) for child in node.walk() if child is not node}
                assert inner & keys <= seen
            seen |= {repr(node) for node in level}
        assert not any(isinstance(node, (n.Const, n.FieldRef)) for node in nodes)


def test_the_query_grows_with_the_rules_not_exponentially() -> None:
    """GIVEN the rulebook using every entry of the language and the Hanoi rulebook WHEN
    written in each dialect THEN the query stays within tens of kilobytes (values read
    several times are named once, never repeated)."""
    for path, limit in ((EVERY_ENTRY, 120_000), (HANOI, 400_000)):
        rulebook = eligibility.load_rulebook(path)
        for dialect in ("duckdb", "postgres", "spark"):
            text = _query_text(rulebook, dialect)
            assert len(text) < limit, (path.name, dialect, len(text))
            assert text.count("UNION ALL") == len(rulebook.quotas) - 1
