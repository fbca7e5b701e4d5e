"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, listen on 127.0.0.1 on a
free port, trust authentication (local test use only), stopped and deleted at the end.

The server binaries come from `pg_config --bindir` or Debian's /usr/lib/postgresql/<version>/bin (`make
postgres` installs them where they are missing). `initdb` and `postgres` refuse to run as root, so as root
the cluster runs as the system user `make postgres` creates (DX_PG_OS_USER, default dxpg).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

OS_USER = os.environ.get("DX_PG_OS_USER", "dxpg")
SUPERUSER = "postgres"
SETUP_HINT = "run `make postgres` (installs the server binaries, creates the system user for them)"


class ServerUnavailable(RuntimeError):
    pass


def bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: the newest Debian version, or pg_config's."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if debian:
        return Path(debian[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = Path(subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout.strip())
        if (found / "initdb").exists():
            return found
    raise ServerUnavailable(f"no PostgreSQL server binaries (initdb) on this machine: {SETUP_HINT}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    superuser: str
    data_dir: Path

    def url(self, user: str | None = None, dbname: str = "postgres") -> str:
        return f"postgresql://{user or self.superuser}@{self.host}:{self.port}/{dbname}"

    def connect(self, user: str | None = None, dbname: str = "postgres"):
        import psycopg2  # comes with dbt-postgres

        return psycopg2.connect(host=self.host, port=self.port, user=user or self.superuser, dbname=dbname)

    def psql(self, sql: str, user: str | None = None, dbname: str = "postgres") -> str:
        """One statement through the server's own client, as an operator would type it."""
        command = [str(bin_dir() / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        command += ["-h", self.host, "-p", str(self.port), "-U", user or self.superuser, "-d", dbname, "-c", sql]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout.strip()

    def run_script(self, dbname: str, script: Path, **variables: str) -> subprocess.CompletedProcess:
        """A psql script (deploy/postgres/*.sql) as an operator runs it: as the superuser, `-v name=value` each."""
        command = [str(bin_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", str(self.port)]
        command += ["-U", self.superuser, "-d", dbname, "-f", str(script)]
        for name, value in variables.items():
            command += ["-v", f"{name}={value}"]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def _server_user() -> pwd.struct_passwd | None:
    """None when not root (the server runs as this user), else the system user made for it."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise ServerUnavailable(f"running as root and there is no system user {OS_USER!r}: {SETUP_HINT}") from None


def _run(command: list[str], user: pwd.struct_passwd | None) -> None:
    if user is not None:
        command = ["runuser", "-u", user.pw_name, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise ServerUnavailable(f"{command} failed ({done.returncode}): {done.stderr or done.stdout}")


@contextlib.contextmanager
def throwaway_server() -> Iterator[Server]:
    """Start a fresh cluster, yield it, stop it (fast shutdown) and delete its folder."""
    binaries, user = bin_dir(), _server_user()
    # mkdtemp is private to its owner; as root the server user must own it (/tmp lets it in)
    base = Path(tempfile.mkdtemp(prefix="dx-pg-"))
    data, socket_dir = base / "data", base / "socket"
    socket_dir.mkdir()
    if user is not None:
        for path in (base, socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = _free_port()
    started = False
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], user)  # fmt: skip
        # a test cluster: nothing in it needs to survive a crash of the machine
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {socket_dir} -c fsync=off -c full_page_writes=off"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w",
              "-t", "60", "start"], user)  # fmt: skip
        started = True
        yield Server(host="127.0.0.1", port=port, superuser=SUPERUSER, data_dir=data)
    finally:
        if started:
            with contextlib.suppress(ServerUnavailable):
                _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user)
        shutil.rmtree(base, ignore_errors=True)
