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

from eligibility.i18n.phrase import Phrase, Untranslated

_KINDS = (
    (stat.S_ISDIR, "source.kind_folder"),
    (stat.S_ISFIFO, "source.kind_fifo"),
    (stat.S_ISSOCK, "source.kind_socket"),
    (stat.S_ISCHR, "source.kind_character_device"),
    (stat.S_ISBLK, "source.kind_block_device"),
)


class SourceFileError(Exception):
    """A source file that cannot be read; ``reason`` says why (in any language), without the
    file's content."""

    def __init__(self, reason: Phrase) -> None:
        self.reason = reason
        super().__init__(str(reason))


class SourceFileTooLarge(SourceFileError):
    """A source file larger than the limit it is read within."""


def kind_of(mode: int) -> Phrase:
    """What a file of this ``st_mode`` is, in words: 'a folder', 'a named pipe (FIFO)'...

    >>> kind_of(stat.S_IFDIR | 0o755).render("en")
    'a folder'
    """
    for test, key in _KINDS:
        if test(mode):
            return Phrase(key)
    return Phrase("source.kind_regular" if stat.S_ISREG(mode) else "source.kind_other")


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
        raise SourceFileError(Phrase("source.not_a_file", kind=kind_of(mode)))
    os.set_blocking(descriptor, True)
    with os.fdopen(descriptor, "rb", closefd=True) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise SourceFileError(_reason(error)) from None
    if len(data) > max_bytes:
        raise SourceFileTooLarge(Phrase("source.too_large", max_bytes=max_bytes))
    return data


def _reason(error: OSError) -> Phrase:
    if isinstance(error, FileNotFoundError):
        return Phrase("source.does_not_exist")
    if isinstance(error, PermissionError):
        return Phrase("source.permission_denied")
    # The system's own words (English) for a rarer failure, e.g. an input/output error.
    return Phrase("source.unreadable", detail=Untranslated(
        str(error.strerror or error), Phrase("source.unreadable_detail", code=error.errno)))


def find_source(reference: str, folder: Path, search_path: Sequence[Path]) -> Path:
    """The file that ``reference`` (a relative path written in a rulebook) names.

    It is looked for in ``folder`` (the folder of the file that names it), then in each
    folder of ``search_path``, and must lie, once every symbolic link is followed, inside
    one of those folders: a rulebook cannot reach ``/etc/shadow`` through ``../`` or a link.
    Raises :class:`SourceFileError` saying why a file is refused; nothing outside those
    folders is ever opened.
    """
    if not reference.strip() or "\0" in reference:
        raise SourceFileError(Phrase("source.not_a_path"))
    if os.path.isabs(reference) or reference.startswith("~"):
        raise SourceFileError(Phrase("source.absolute"))
    roots = [folder, *search_path]
    real_roots = [os.path.realpath(root) for root in roots]
    for root in roots:
        candidate = root / reference
        if not os.path.lexists(candidate):
            continue
        real = os.path.realpath(candidate)
        if not any(_inside(real, allowed) for allowed in real_roots):
            raise SourceFileError(Phrase("source.outside", folder=str(folder), real=real))
        try:
            mode = os.stat(real).st_mode
        except OSError as error:
            raise SourceFileError(_reason(error)) from None
        if not stat.S_ISREG(mode):
            raise SourceFileError(Phrase("source.not_a_file", kind=kind_of(mode)))
        return Path(real)
    looked = ", ".join(str(root) for root in roots)
    raise SourceFileError(Phrase("source.not_found", looked=looked))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
