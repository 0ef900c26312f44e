"""A scratch PostgreSQL server for tests and benchmarks: started, used, thrown away.

:class:`ScratchPostgres` runs Debian's ``postgresql`` binaries (``initdb``, ``pg_ctl``) on a
new data folder in a temporary directory, listening on a free port of 127.0.0.1 only, with
password-less access for the one user that owns it; stopping it deletes the folder. PostgreSQL
refuses to run as root, so under root the server runs as the ``postgres`` system user the
Debian package creates.

>>> server = ScratchPostgres.find()  # doctest: +SKIP
>>> with server:                     # doctest: +SKIP
...     print(server.url)
postgresql://postgres@127.0.0.1:54321/postgres
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

__all__ = ["PostgresUnavailable", "ScratchPostgres", "postgres_binaries"]

_SERVICE_USER = "postgres"
_START_TIMEOUT = 60.0


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here (or cannot be run)."""


def postgres_binaries(root: Path = Path("/usr/lib/postgresql"),
                      search_path: str | None = None) -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, newest version first.

    Debian installs them under ``/usr/lib/postgresql/<version>/bin`` (``root``), off the
    PATH; ``search_path`` (the PATH by default) is looked at too.
    """
    candidates = sorted(root.glob("*/bin/pg_ctl"),
                        key=lambda path: _version(path.parent.parent.name), reverse=True)
    on_path = shutil.which("pg_ctl", path=search_path)
    if on_path is not None:
        candidates.append(Path(on_path).resolve())
    for pg_ctl in candidates:
        folder = pg_ctl.parent
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    raise PostgresUnavailable("PostgreSQL's server programs (initdb, pg_ctl) are not "
                              "installed; on Debian: apt-get install postgresql")


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ScratchPostgres:
    """One throw-away PostgreSQL server; use it as a context manager."""

    binaries: Path
    port: int = field(default_factory=_free_port)
    folder: Path | None = None
    _run_as: str | None = None

    @classmethod
    def find(cls) -> ScratchPostgres:
        """A server using the installed binaries (raises :class:`PostgresUnavailable`)."""
        return cls(postgres_binaries())

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    @property
    def user(self) -> str:
        return self._run_as or pwd.getpwuid(os.geteuid()).pw_name

    def start(self) -> ScratchPostgres:
        if os.geteuid() == 0:
            try:
                service = pwd.getpwnam(_SERVICE_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, and there is no '{_SERVICE_USER}' user to run "
                    f"PostgreSQL as") from None
            self._run_as = _SERVICE_USER
        self.folder = Path(tempfile.mkdtemp(prefix="eligibility-pg-"))
        data = self.folder / "data"
        if self._run_as is not None:
            os.chown(self.folder, service.pw_uid, service.pw_gid)
        self._run([str(self.binaries / "initdb"), "-D", str(data), "-A", "trust", "-U",
                   self.user, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories='{self.folder}' -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off "
                   f"-c shared_buffers=256MB -c max_wal_size=2GB")
        self._run([str(self.binaries / "pg_ctl"), "-D", str(data), "-l",
                   str(self.folder / "server.log"), "-o", options, "-w", "-t",
                   str(int(_START_TIMEOUT)), "start"])
        self._wait()
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run([str(self.binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                           "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def log(self) -> str:
        """The server's log so far (for a failing test's report)."""
        if self.folder is None or not (self.folder / "server.log").exists():
            return ""
        return (self.folder / "server.log").read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> ScratchPostgres:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def _run(self, command: list[str]) -> None:
        if self._run_as is not None:
            command = ["runuser", "-u", self._run_as, "--", *command]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True,
                           cwd=self.folder, timeout=_START_TIMEOUT * 2)
        except subprocess.CalledProcessError as error:
            raise PostgresUnavailable(f"{Path(command[-1]).name if command else ''}: "
                                      f"{error.stderr.strip() or error.stdout.strip()}\n"
                                      f"{self.log()}") from None

    def _wait(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        raise PostgresUnavailable(f"PostgreSQL did not listen on port {self.port}\n{self.log()}")
