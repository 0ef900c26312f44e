"""A file handle that computes the SHA-256 of what is written through it, as it is written.

The digest is updated on a thread of its own (hashlib releases the interpreter's lock for
large blocks), so hashing a file costs almost no time beyond writing it. The kernel is asked
to start writing each block to disk as soon as it is written (``POSIX_FADV_DONTNEED``
starts the write-back and lets the cache drop the pages once on disk), so that the final
``fsync`` waits only for the last blocks.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import BinaryIO

__all__ = ["HashingWriter"]


class HashingWriter(io.RawIOBase):
    """Writes through to ``handle``; :meth:`hexdigest` once closed (or left as a context)."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self._digest = hashlib.sha256()
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(max_workers=1)
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        block = bytes(data)  # the caller may reuse its buffer once this returns
        assert self._pool is not None, "written after close"
        self._pool.submit(self._digest.update, block)
        count = self._handle.write(block)
        self._write_behind(len(block))
        return count

    def _write_behind(self, size: int) -> None:
        """Start writing the block just written to disk (where the system can)."""
        start, self._written = self._written, self._written + size
        # A handle without a file, or a system without the advice: nothing to start.
        with contextlib.suppress(AttributeError, OSError, io.UnsupportedOperation):
            os.posix_fadvise(self._handle.fileno(), start, size, os.POSIX_FADV_DONTNEED)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        super().close()

    def hexdigest(self) -> str:
        """The SHA-256 of every byte written (waits for the hashing to finish)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        return self._digest.hexdigest()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
