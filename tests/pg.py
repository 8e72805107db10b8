"""A throwaway PostgreSQL server for the test session, from the machine's own binaries.

The server lives in a temporary directory, listens on 127.0.0.1 at a free
port, trusts local connections and skips fsync: it holds nothing worth
keeping. PostgreSQL refuses to run as root, so as root (CI) it runs as the
unprivileged `postgres` system user. LABLOG_TEST_PG_URL points the tests at
an existing server instead (a URL of a database on it whose user may create
databases).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "lablog"
SYSTEM_USER = "postgres"


class ServerError(RuntimeError):
    pass


def find_bin(name: str) -> Path:
    """initdb or pg_ctl: on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1])
    if found := shutil.which(name):
        return Path(found)
    raise ServerError(
        f"PostgreSQL's {name} is not installed; install Debian's postgresql package "
        "(.ci/run does) or set LABLOG_TEST_PG_URL to a server's URL"
    )


def _scratch() -> str | None:
    """Memory-backed /dev/shm when there is room: a database copy per test is then cheap."""
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and shutil.disk_usage(shm).free > 2 * 1024**3 and os.access(shm, os.W_OK):
            return str(shm)
    except OSError:
        pass
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server: `url(db)` for lablog, `admin()` for creating databases."""

    def __init__(self, base_url: str, stop=None):
        from sqlalchemy.engine import make_url

        self.base = make_url(base_url).set(drivername="postgresql+psycopg")
        self._stop = stop
        self._n = 0

    def url(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def admin(self):
        import psycopg

        u = self.base
        return psycopg.connect(
            host=u.host,
            port=u.port,
            user=u.username,
            password=u.password,
            dbname=u.database,
            autocommit=True,
        )

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        if name is None:
            self._n += 1
            name = f"t_{os.getpid()}_{self._n}"
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            tpl = f' TEMPLATE "{template}"' if template else " TEMPLATE template0"
            conn.execute(f'CREATE DATABASE "{name}"{tpl}')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self._stop:
            self._stop()


def _system_user():
    """The unprivileged user the server runs as under root, created when missing."""
    import pwd

    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", SYSTEM_USER, "--", *argv]


def _run(argv: list[str], what: str) -> None:
    out = subprocess.run(_as_server_user(argv), capture_output=True, text=True)
    if out.returncode != 0:
        raise ServerError(f"{what} failed ({out.returncode}): {out.stderr.strip() or out.stdout.strip()}")


def start() -> Server:
    """A new server in a temporary directory; raises ServerError when it cannot start."""
    if url := os.environ.get("LABLOG_TEST_PG_URL"):
        return Server(url)
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="lablog-pg-", dir=_scratch()))
    data, log = base / "data", base / "server.log"
    if os.geteuid() == 0:
        entry = _system_user()
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o755)
    _run(
        [str(initdb), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale", "C", "--no-sync"],
        "initdb",
    )
    options = " ".join(
        [
            f"-k {base}",
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=60",
        ]
    )

    def stop() -> None:
        subprocess.run(
            _as_server_user([str(pg_ctl), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)

    for _attempt in range(3):
        port = _free_port()
        argv = [
            str(pg_ctl),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} {options}",
            "start",
        ]
        out = subprocess.run(_as_server_user(argv), capture_output=True, text=True)
        if out.returncode == 0:
            server = Server(f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres", stop)
            _wait(server)
            return server
        time.sleep(0.2)
    details = log.read_text(errors="replace")[-2000:] if log.exists() else out.stderr
    stop()
    raise ServerError(f"PostgreSQL did not start: {details}")


def _wait(server: Server) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            server.admin().close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
