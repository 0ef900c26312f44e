"""The engines: each decides a frame of nominations and adds the same outcome columns.

* ``vectorized`` (:mod:`.vectorized`): polars, every row at once — the default for batches;
* ``scalar`` (:mod:`.scalar`): one nomination at a time in Python — the library's
  ``evaluate`` and the reference for the others;
* ``durable`` (:mod:`.durable`): durable_rules' RETE network — also the live sessions;
* ``sql`` (:mod:`.sql`): the rulebook compiled to SQL, run in DuckDB (embedded), PostgreSQL
  or Spark SQL.

All are lowerings of the one registry (:mod:`eligibility.language.registry`), held to the
conformance suite in ``tests/conformance/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

import polars as pl

from eligibility.errors import EngineUnavailableError
from eligibility.rulebook.compiled import CompiledRulebook

EngineName = Literal["vectorized", "scalar", "durable", "sql"]
ENGINES: tuple[EngineName, ...] = get_args(EngineName)
FrameEngine = Callable[[CompiledRulebook, pl.DataFrame], pl.DataFrame]

__all__ = ["ENGINES", "EngineName", "FrameEngine", "frame_engine"]


def frame_engine(name: str) -> FrameEngine:
    """The function deciding a nominations frame with engine ``name``.

    Raises :class:`~eligibility.errors.EngineUnavailableError` when the engine's package
    cannot be imported here, ``ValueError`` for an unknown name.
    """
    if name == "vectorized":
        from eligibility.engines.vectorized import evaluate_frame

        return evaluate_frame
    if name == "scalar":
        from eligibility.engines.scalar import evaluate_frame as scalar_frame

        return scalar_frame
    if name == "durable":
        try:
            from eligibility.engines.durable import evaluate_frame as durable_frame
        except ImportError as error:  # pragma: no cover - depends on the machine
            raise EngineUnavailableError(str(error)) from error
        return durable_frame
    if name == "sql":
        try:
            from eligibility.engines.sql import evaluate_frame as sql_frame
        except ImportError as error:  # pragma: no cover - depends on the machine
            raise EngineUnavailableError(str(error)) from error
        return sql_frame
    raise ValueError(f"unknown engine '{name}'; expected one of {', '.join(ENGINES)}")
