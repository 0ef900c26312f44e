"""The benchmark's contenders, one module each, in the order the harness runs them.

The first, this library's vectorized engine, is the reference every other contender's
decisions are checked against; the hand-written polars query is the floor times are
compared with.
"""

from __future__ import annotations

from contenders.base import Contender, Mismatch, Unavailable, compare
from contenders.duckdb_sql import DuckDBSql
from contenders.library_durable import LibraryDurable
from contenders.library_scalar import LibraryScalar
from contenders.library_sql import LibrarySql, LibrarySqlPostgres, LibrarySqlSpark
from contenders.library_vectorized import LibraryVectorized, LibraryVectorizedBare
from contenders.peer_rule_engine import RuleEngine
from contenders.polars_query import PolarsQuery
from contenders.pure_python import PurePython
from contenders.zen_expression import ZenExpression
from contenders.zen_graph import ZenGraph

CONTENDERS: dict[str, type[Contender]] = {cls.name: cls for cls in (
    LibraryVectorized, PolarsQuery, LibraryVectorizedBare, LibraryScalar, LibraryDurable,
    LibrarySql, LibrarySqlPostgres, LibrarySqlSpark, PurePython, DuckDBSql, ZenGraph,
    ZenExpression, RuleEngine)}
REFERENCE = LibraryVectorized.name
FLOOR = PolarsQuery.name

__all__ = ["CONTENDERS", "FLOOR", "REFERENCE", "Contender", "Mismatch", "Unavailable",
           "compare"]
