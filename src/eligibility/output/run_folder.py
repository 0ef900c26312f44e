"""The results folder of a run (``--out``): complete sets of files only, one writer at a time.

Every command that writes a run's files writes them through :class:`RunFolder`, so that
whatever happens (a kill, a full disk, two runs at once) the folder never lies:

* **Complete files only.** Each file is written under ``.eligibility-staging/new/`` inside
  the folder, flushed to disk, and checksummed from what is on disk.
* **Manifest last.** When every file is written, the set is marked ready (one rename), the
  previous ``manifest.json`` is removed, the files are moved into place (each one rename),
  files of the previous run that this run does not write are removed, and the new
  ``manifest.json`` is moved in last. So whenever the folder holds a ``manifest.json``, every
  file it lists is there with the SHA-256 it records. A run killed between "ready" and the
  manifest leaves no manifest; the next run into the folder (or :meth:`RunFolder.recover`)
  finishes putting that set in place before anything else.
* **One writer.** The folder is locked (``flock``) while a run writes; a second run waits up
  to ``lock_timeout`` seconds, then is refused with a clear message.
* **No link followed, no input overwritten.** Files are created new (``O_EXCL``) inside the
  staging folder and renamed over their final names: a symbolic link planted at
  ``decisions.csv`` is replaced, its target never written. A file of the run that is also an
  input of the run (``rank s/decisions.csv --out s``) is refused before anything is written.
  The ``--out`` folder itself may be a link to a folder; nothing inside it is followed.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from eligibility.errors import OutputFolderError
from eligibility.i18n import DEFAULT_LANGUAGE, t

MANIFEST = "manifest.json"
STAGING = ".eligibility-staging"
_NEW, _READY = "new", "ready"  # inside STAGING: the set being written, the set to put in place
_STALE = ".stale.json"  # inside a ready set: files of the previous run to remove
_MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_REASONS = {
    errno.ENOSPC: "reason_no_space", errno.EACCES: "reason_permission",
    errno.EPERM: "reason_permission", errno.EROFS: "reason_read_only",
    errno.EDQUOT: "reason_quota", errno.EFBIG: "reason_too_large",
    errno.ENOTDIR: "reason_not_folder", errno.EEXIST: "reason_not_folder",
}

_OS_ERROR = re.compile(r"os error (\d+)")

__all__ = ["MANIFEST", "STAGING", "RunFolder", "RunWriter"]


class RunFolder:
    """The folder a run writes to, checked before the run's work and written at its end::

        folder = RunFolder(out_dir, inputs=[nominees, rules], language="vi")
        folder.check(["decisions.csv", "rejected.csv"])     # before the long work
        ...
        with folder.writing() as run:
            run.add("decisions.csv", lambda handle: frame.write_csv(handle))
            run.commit(manifest_bytes(build_manifest(..., outputs=run.digests)))

    Errors are :class:`~eligibility.errors.OutputFolderError`, worded in ``language``.
    """

    def __init__(self, path: str | os.PathLike[str], *,
                 inputs: Iterable[str | os.PathLike[str]] = (),
                 language: str = DEFAULT_LANGUAGE, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.inputs = [Path(item) for item in inputs]
        self.language = language
        self.lock_timeout = lock_timeout

    # --- before the work ---------------------------------------------------------------

    def check(self, names: Iterable[str]) -> None:
        """Refuse now what would be refused at the end: ``--out`` naming a file, a folder
        that cannot be created, a file name of the run taken by a folder or by an input.
        Nothing is created."""
        names = [_checked_name(name) for name in names]
        if not self.path.exists():
            self._check_creatable()
            return
        if not self.path.is_dir():
            raise self._error("out_is_file")
        descriptor = self._open_folder()
        try:
            self._check_entries(descriptor, [*names, MANIFEST])
        finally:
            os.close(descriptor)

    # --- writing -----------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> Iterator[RunWriter]:
        """Lock the folder, finish an interrupted set, and give a writer for the new set.

        ``inputs`` adds input files known only now (a rulebook's includes). Leaving the
        block without :meth:`RunWriter.commit` (an error) drops the new files and leaves
        the folder as it was.
        """
        self.inputs.extend(Path(item) for item in inputs)
        with self._locked() as folder:
            staging = self._open_staging(folder)
            try:
                self._finish_ready_set(folder, staging)
                new = self._start_new_set(staging)
                writer = RunWriter(self, folder, staging, new)
                try:
                    yield writer
                finally:
                    os.close(new)
                    if not writer.committed:
                        self._quietly(_remove_tree, staging, _NEW)
            finally:
                os.close(staging)
                with contextlib.suppress(OSError):
                    os.rmdir(STAGING, dir_fd=folder)

    def recover(self) -> None:
        """Finish putting in place a set of files a killed run had marked ready, and drop
        the files of a run killed while writing them."""
        if not self.path.is_dir():
            return
        with self._locked() as folder:
            staging = self._open_staging(folder)
            try:
                self._finish_ready_set(folder, staging)
                self._quietly(_remove_tree, staging, _NEW)
            finally:
                os.close(staging)
                with contextlib.suppress(OSError):
                    os.rmdir(STAGING, dir_fd=folder)

    # --- the steps ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        """The folder (created if need be) opened and locked; unlocked when closed."""
        if self.path.exists() and not self.path.is_dir():
            raise self._error("out_is_file")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise self._error("out_is_file") from None
        except OSError as error:
            raise self._error("cannot_create", reason=self._reason(error)) from None
        folder = self._open_folder()
        try:
            self._lock(folder)
            yield folder
        finally:
            os.close(folder)

    def _check_creatable(self) -> None:
        """The nearest existing parent of a folder to create is a folder we may write in."""
        parent = self.path.absolute().parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise self._error("cannot_create", reason=t("run_folder.reason_not_folder",
                                                        self.language))
        if not os.access(parent, os.W_OK | os.X_OK):
            raise self._error("cannot_create", reason=t("run_folder.reason_permission",
                                                        self.language))

    def _start_new_set(self, staging: int) -> int:
        def start() -> int:
            _remove_tree(staging, _NEW)
            os.mkdir(_NEW, dir_fd=staging)
            return _open_dir(_NEW, staging)
        return self._quietly(start)

    def _quietly(self, step: Callable[..., Any], *arguments: Any) -> Any:
        """Run one of this module's own steps; its system errors become OutputFolderError."""
        try:
            return step(*arguments)
        except OSError as error:
            raise self._error("write_failed", name=STAGING,
                              reason=self._reason(error)) from None

    def _open_folder(self) -> int:
        try:
            return os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except NotADirectoryError:
            raise self._error("out_is_file") from None
        except OSError as error:
            raise self._error("cannot_create", reason=self._reason(error)) from None

    def _lock(self, folder: int) -> None:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise self._error("busy", seconds=f"{self.lock_timeout:g}") from None
                time.sleep(0.05)

    def _open_staging(self, folder: int) -> int:
        try:
            os.mkdir(STAGING, dir_fd=folder)
        except FileExistsError:
            pass
        except OSError as error:
            raise self._error("write_failed", name=STAGING,
                              reason=self._reason(error)) from None
        try:
            return _open_dir(STAGING, folder)
        except OSError:
            raise self._error("staging_not_ours", name=STAGING) from None

    def _check_entries(self, folder: int, names: Iterable[str]) -> None:
        """No name of the run is a folder, and none is an input of the run."""
        inputs = {}
        for item in self.inputs:
            with contextlib.suppress(OSError):
                found = os.stat(item)
                inputs[(found.st_dev, found.st_ino)] = item
        for name in names:
            try:
                entry = os.lstat(name, dir_fd=folder)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(entry.st_mode):
                raise self._error("entry_is_folder", name=name)
            if (entry.st_dev, entry.st_ino) in inputs:
                raise self._error("input_is_output", name=name,
                                  input=inputs[(entry.st_dev, entry.st_ino)])

    def _finish_ready_set(self, folder: int, staging: int) -> None:
        """Put a ready set in place: the commit, also run again after a kill."""
        try:
            ready = _open_dir(_READY, staging)
        except FileNotFoundError:
            return
        try:
            names = sorted(os.listdir(ready))
            stale = _read_stale(ready)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(MANIFEST, dir_fd=folder)
            for name in names:
                if name not in (MANIFEST, _STALE):
                    os.rename(name, name, src_dir_fd=ready, dst_dir_fd=folder)
            for name in stale:
                _remove_file(folder, name)
            _sync(folder)
            if MANIFEST in names:
                os.rename(MANIFEST, MANIFEST, src_dir_fd=ready, dst_dir_fd=folder)
            _sync(folder)
        except OSError as error:
            raise self._error("commit_failed", reason=self._reason(error)) from None
        finally:
            os.close(ready)
        self._quietly(_remove_tree, staging, _READY)

    def _error(self, key: str, **values: Any) -> OutputFolderError:
        return OutputFolderError(t(f"run_folder.{key}", self.language, path=self.path,
                                   **values), path=self.path)

    def _reason(self, error: OSError) -> str:
        key = _REASONS.get(_error_number(error), "reason_other")
        return t(f"run_folder.{key}", self.language, detail=error.strerror or error)


class RunWriter:
    """Writes the files of one run into the staging folder; :meth:`commit` puts them in place."""

    def __init__(self, folder: RunFolder, folder_fd: int, staging_fd: int, new_fd: int) -> None:
        self._folder = folder
        self._folder_fd = folder_fd
        self._staging_fd = staging_fd
        self._new_fd = new_fd
        self.digests: dict[str, str] = {}  # each file written: its SHA-256
        self.committed = False

    def add(self, name: str, write: Callable[[BinaryIO], object]) -> str:
        """Write the file ``name`` with ``write(handle)``; return its SHA-256 (of the bytes
        on disk)."""
        name = _checked_name(name)
        if name == MANIFEST or name in self.digests:
            raise ValueError(f"'{name}' is written once, and manifest.json by commit()")
        try:
            descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                                 | os.O_CLOEXEC, 0o644, dir_fd=self._new_fd)
            with os.fdopen(descriptor, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            self.digests[name] = _sha256(name, self._new_fd)
        except OSError as error:
            raise self._folder._error("write_failed", name=name,
                                      reason=self._folder._reason(error)) from None
        return self.digests[name]

    def staged(self, name: str) -> Path:
        """Where the file ``name`` written by :meth:`add` is until :meth:`commit`, to read it
        back (the folder is locked meanwhile)."""
        if name not in self.digests:
            raise ValueError(f"'{name}' has not been written in this run")
        return self._folder.path / STAGING / _NEW / name

    def add_bytes(self, name: str, data: bytes) -> str:
        """Write the file ``name`` holding ``data``; return its SHA-256."""
        return self.add(name, lambda handle: handle.write(data))

    def commit(self, manifest: bytes) -> None:
        """Write ``manifest.json`` and put the whole set in place, manifest last."""
        folder = self._folder
        try:
            folder._check_entries(self._folder_fd, [*self.digests, MANIFEST])
            previous = _previous_outputs(self._folder_fd)
            inputs = {os.path.realpath(item) for item in folder.inputs}
            stale = sorted(name for name in previous - set(self.digests)
                           if os.path.realpath(folder.path / name) not in inputs)
            self._write_whole(_STALE, json.dumps(stale).encode())
            self._write_whole(MANIFEST, manifest)
            _sync(self._new_fd)
            os.rename(_NEW, _READY, src_dir_fd=self._staging_fd, dst_dir_fd=self._staging_fd)
            _sync(self._staging_fd)
        except OutputFolderError:
            raise
        except OSError as error:
            raise folder._error("write_failed", name=MANIFEST,
                                reason=folder._reason(error)) from None
        self.committed = True
        folder._finish_ready_set(self._folder_fd, self._staging_fd)

    def _write_whole(self, name: str, data: bytes) -> None:
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                             | os.O_CLOEXEC, 0o644, dir_fd=self._new_fd)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


# --- helpers -------------------------------------------------------------------------------


def _checked_name(name: str) -> str:
    """A run's file name: one plain name inside the folder, not hidden."""
    if not name or name.startswith(".") or "/" in name or "\0" in name or os.sep in name:
        raise ValueError(f"a run's file is named by a plain file name, not {name!r}")
    return name


def _error_number(error: OSError) -> int:
    """The error's errno; a writer in Rust (polars) gives it only as "(os error 28)"."""
    if error.errno:
        return error.errno
    found = _OS_ERROR.search(str(error))
    return int(found.group(1)) if found else 0


def _sync(descriptor: int) -> None:
    """Flush a folder's entries to disk (some file systems cannot, and say EINVAL)."""
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno != errno.EINVAL:
            raise


def _open_dir(name: str, parent: int) -> int:
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                   dir_fd=parent)


def _sha256(name: str, folder: int) -> str:
    digest = hashlib.sha256()
    descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
    with os.fdopen(descriptor, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _previous_outputs(folder: int) -> set[str]:
    """The files the folder's current manifest lists (none if it is missing or unreadable)."""
    try:
        descriptor = os.open(MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC,
                             dir_fd=folder)
    except OSError:
        return set()
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return set()
        data = handle.read(_MAX_MANIFEST_BYTES + 1)
    try:
        outputs = json.loads(data).get("outputs", {})
    except (ValueError, AttributeError):
        return set()
    if not isinstance(outputs, Mapping):
        return set()
    return {name for name in outputs if isinstance(name, str) and _plain(name)}


def _plain(name: str) -> bool:
    try:
        return _checked_name(name) != MANIFEST
    except ValueError:
        return False


def _read_stale(ready: int) -> list[str]:
    try:
        descriptor = os.open(_STALE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=ready)
    except FileNotFoundError:
        return []
    with os.fdopen(descriptor, "rb") as handle:
        names = json.loads(handle.read())
    return [name for name in names if isinstance(name, str) and _plain(name)]


def _remove_file(folder: int, name: str) -> None:
    """Remove a plain file or a link (never what it points to); leave anything else."""
    try:
        entry = os.lstat(name, dir_fd=folder)
    except FileNotFoundError:
        return
    if stat.S_ISREG(entry.st_mode) or stat.S_ISLNK(entry.st_mode):
        os.unlink(name, dir_fd=folder)


def _remove_tree(parent: int, name: str) -> None:
    """Remove the folder ``name`` of ``parent`` and its plain files (a staging folder)."""
    try:
        descriptor = _open_dir(name, parent)
    except FileNotFoundError:
        return
    except OSError:
        # Not a folder (a planted file or link): remove the entry itself.
        os.unlink(name, dir_fd=parent)
        return
    try:
        for entry in os.listdir(descriptor):
            try:
                os.unlink(entry, dir_fd=descriptor)
            except IsADirectoryError:
                shutil.rmtree(entry, dir_fd=descriptor)
    finally:
        os.close(descriptor)
    os.rmdir(name, dir_fd=parent)
