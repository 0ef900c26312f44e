"""A file handle that computes the SHA-256 of what is written through it, as it is written.

The digest is updated on a thread of its own (hashlib releases the interpreter's lock for
large blocks), so hashing a file costs almost no time beyond writing it.
"""

from __future__ import annotations

import hashlib
import io
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

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        block = bytes(data)  # the caller may reuse its buffer once this returns
        assert self._pool is not None, "written after close"
        self._pool.submit(self._digest.update, block)
        return self._handle.write(block)

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
