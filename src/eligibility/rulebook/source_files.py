"""Reading the files a rulebook is made of: regular files only, never more than a limit.

A path may name a folder, a named pipe (which would block a reader forever), a device or a
socket; each is refused for what it is, and a file's size is checked on the open file before
a byte is read, so a file that grows while being read is cut at the limit and refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class SourceFileError(Exception):
    """A source file that cannot be read; the message says why, without the file's content."""


class SourceFileTooLarge(SourceFileError):
    """A source file larger than the limit it is read within."""


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: 'a folder', 'a named pipe (FIFO)'...

    >>> kind_of(stat.S_IFDIR | 0o755)
    'a folder'
    """
    for test, words in _KINDS:
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def read_source_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``; :class:`SourceFileError` if it is anything
    else, cannot be read, or holds more than ``max_bytes``."""
    try:
        # Non-blocking, so that opening a named pipe returns at once instead of waiting for
        # a writer; the file's kind is then checked on what was opened.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise SourceFileError(_reason(error)) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise SourceFileError(f"it is {kind_of(mode)}, not a file")
    os.set_blocking(descriptor, True)
    with os.fdopen(descriptor, "rb", closefd=True) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise SourceFileError(_reason(error)) from None
    if len(data) > max_bytes:
        raise SourceFileTooLarge(f"it holds more than {max_bytes:,} bytes, the limit for one "
                                 f"rulebook file (max_file_bytes)")
    return data


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "it does not exist"
    if isinstance(error, PermissionError):
        return "permission to read it is denied"
    return f"it cannot be read: {error.strerror or error}"


def find_source(reference: str, folder: Path, search_path: Sequence[Path]) -> Path:
    """The file that ``reference`` (a relative path written in a rulebook) names.

    It is looked for in ``folder`` (the folder of the file that names it), then in each
    folder of ``search_path``, and must lie, once every symbolic link is followed, inside
    one of those folders: a rulebook cannot reach ``/etc/shadow`` through ``../`` or a link.
    Raises :class:`SourceFileError` saying why a file is refused; nothing outside those
    folders is ever opened.
    """
    if not reference.strip() or "\0" in reference:
        raise SourceFileError("it is not a file path")
    if os.path.isabs(reference) or reference.startswith("~"):
        raise SourceFileError("it is an absolute path; write a path relative to the "
                              "rulebook's folder, or name the file's folder with "
                              "--include-path and write its name alone")
    roots = [folder, *search_path]
    real_roots = [os.path.realpath(root) for root in roots]
    for root in roots:
        candidate = root / reference
        if not os.path.lexists(candidate):
            continue
        real = os.path.realpath(candidate)
        if not any(_inside(real, allowed) for allowed in real_roots):
            raise SourceFileError(
                f"it is outside the rulebook's folder ({folder}) and the include path, to "
                f"which included files are confined (it leads to {real}); move it there or "
                f"add its folder with --include-path")
        try:
            mode = os.stat(real).st_mode
        except OSError as error:
            raise SourceFileError(_reason(error)) from None
        if not stat.S_ISREG(mode):
            raise SourceFileError(f"it is {kind_of(mode)}, not a file")
        return Path(real)
    looked = ", ".join(str(root) for root in roots)
    raise SourceFileError(f"it does not exist (looked in {looked})")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
