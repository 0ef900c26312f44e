"""Where a run keeps its decided rows until they are ranked and written: in memory while they
fit the run's memory budget, then in temporary files on disk.

Rows are kept per quota and kind (eligible, ineligible) in the order they were added, and
read back together, one quota at a time. The temporary files (Arrow IPC, LZ4-compressed) live
in a folder of the system's temporary directory (``TMPDIR``) that is removed when the run
ends, whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import polars as pl

__all__ = ["DEFAULT_BUDGET", "PartStore"]

#: Bytes of decided rows kept in memory before the rest goes to disk.
DEFAULT_BUDGET = 512 * 1024 * 1024


class PartStore:
    """Frames by ``(quota, kind)``; a context manager that removes its files on exit."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self.budget = budget
        self.in_memory = 0  # bytes held in memory
        self.on_disk = 0  # frames written to disk
        self._frames: dict[tuple[str, str], list[pl.DataFrame | Path]] = {}
        self._folder: Path | None = None

    def add(self, quota_id: str, kind: str, frame: pl.DataFrame) -> None:
        """Keep ``frame`` after the frames of ``(quota_id, kind)`` added before."""
        if not frame.height:
            return
        kept: pl.DataFrame | Path = frame
        size = frame.estimated_size()
        if self.in_memory + size > self.budget:
            kept = self._spill(frame)
        else:
            self.in_memory += size
        self._frames.setdefault((quota_id, kind), []).append(kept)

    def load(self, quota_id: str, kind: str, schema: dict[str, pl.DataType],
             columns: Sequence[str] | None = None) -> pl.DataFrame:
        """The frames of ``(quota_id, kind)`` as one frame (``columns`` only, if given); an
        empty frame of ``schema`` when there are none."""
        names = list(schema) if columns is None else list(columns)
        parts = [item.select(names) if isinstance(item, pl.DataFrame)
                 else pl.read_ipc(item, columns=names)
                 for item in self._frames.get((quota_id, kind), [])]
        if not parts:
            return pl.DataFrame(schema={name: schema[name] for name in names})
        return pl.concat(parts, how="vertical", rechunk=True)

    def schema_of(self, quota_id: str, kind: str) -> dict[str, pl.DataType] | None:
        """The columns of the frames of ``(quota_id, kind)``; None if there are none."""
        items = self._frames.get((quota_id, kind))
        if not items:
            return None
        first = items[0]
        return dict(first.schema if isinstance(first, pl.DataFrame)
                    else pl.read_ipc_schema(first))

    def drop(self, quota_id: str, kind: str) -> None:
        """Forget the frames of ``(quota_id, kind)`` (and free their memory)."""
        for item in self._frames.pop((quota_id, kind), []):
            if isinstance(item, pl.DataFrame):
                self.in_memory -= item.estimated_size()
            else:
                item.unlink(missing_ok=True)

    def _spill(self, frame: pl.DataFrame) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="eligibility-run-"))
        path = self._folder / f"part-{self.on_disk}.arrow"
        frame.write_ipc(path, compression="lz4")
        self.on_disk += 1
        return path

    def close(self) -> None:
        """Remove every temporary file."""
        self._frames.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> PartStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
