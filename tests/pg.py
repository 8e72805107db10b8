"""A throwaway PostgreSQL server for the test session.

The binaries are the machine's own PostgreSQL when it has one (Debian's
/usr/lib/postgresql/*/bin, or initdb on PATH), else those of the `pgserver`
wheel, which the test extra installs from PyPI: `pip install '.[test]'` is
all a fresh machine needs. LABLOG_TEST_PG_BINDIR names a directory of
binaries to use instead. The server lives in a temporary directory, listens on 127.0.0.1 at a free
port, trusts local connections and skips fsync: it holds nothing worth
keeping. PostgreSQL refuses to run as root, so as root (CI) it runs as the
unprivileged `postgres` system user. LABLOG_TEST_PG_URL points the tests at
an existing server instead (a URL of a database on it whose user may create
databases).
"""

from __future__ import annotations

import glob
import importlib.util
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
    """initdb or pg_ctl: LABLOG_TEST_PG_BINDIR, the machine's own, else the pgserver wheel's."""
    if bindir := os.environ.get("LABLOG_TEST_PG_BINDIR"):
        return Path(bindir) / name
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1])
    if found := shutil.which(name):
        return Path(found)
    if wheel := wheel_bindir():
        return wheel / name
    raise ServerError(
        f"PostgreSQL's {name} is not installed and neither is the pgserver wheel; run "
        "`pip install '.[test]'` (pgserver has wheels for Python 3.9-3.12), install PostgreSQL, "
        "or set LABLOG_TEST_PG_URL to a server's URL"
    )


def wheel_bindir() -> Path | None:
    """The bin directory of the pgserver wheel, found without importing it (its import has side effects)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if (bindir / "initdb").exists() else None


def _runnable_copy(initdb: Path, base: Path) -> Path:
    """The bin directory, copied where the server user can run it when, as root, it cannot.

    A virtual environment under root's home is not readable by `postgres`. The
    wheel's binaries find their libraries at $ORIGIN/../../../pgserver.libs, so
    the copy keeps that layout.
    """
    bindir = initdb.parent
    if os.geteuid() != 0:
        return bindir
    check = subprocess.run(_as_server_user([str(initdb), "--version"]), capture_output=True)
    if check.returncode == 0:
        return bindir
    install = bindir.parent  # .../pgserver/pginstall
    libs = install.parent.parent / "pgserver.libs"
    target = base / "pg" / "pgserver" / "pginstall"
    shutil.copytree(install, target, symlinks=True)
    if libs.is_dir():
        shutil.copytree(libs, base / "pg" / "pgserver.libs", symlinks=True)
    for root, dirs, _files in os.walk(base / "pg"):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    return target / "bin"


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
    initdb = find_bin("initdb")
    base = Path(tempfile.mkdtemp(prefix="lablog-pg-", dir=_scratch()))
    data, log = base / "data", base / "server.log"
    if os.geteuid() == 0:
        entry = _system_user()
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o755)
    bindir = _runnable_copy(initdb, base)
    initdb, pg_ctl = bindir / "initdb", bindir / "pg_ctl"
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
