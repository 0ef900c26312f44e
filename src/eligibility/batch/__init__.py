"""Batch ranking of a whole nominee file, with memory bounded by what the ranking needs.

:class:`BatchRanking` is what ``eligibility rank`` runs: the file is read, decided and kept
part by part, then ranked, allocated and written one quota at a time. Its files are those of
:func:`eligibility.decide` and :meth:`eligibility.Decisions.table`, byte for byte.
"""

from __future__ import annotations

from eligibility.batch.run import BatchRanking

__all__ = ["BatchRanking"]
