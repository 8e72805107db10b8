"""Every test gets its own store, a fixed clock and plain, wide output.

CLI tests (tests/cli/, and any test marked `both_backends`) run twice: on a
SQLite file and on a fresh database of a real PostgreSQL server that the
session starts itself (tests/pg.py). Deselect one with `-k "not postgresql"`.

LABLOG_TEST_CLI chooses how the `cli` fixture runs lablog: `runner` (the
default, Typer's CliRunner in this process), `process` (the real `lablog`
executable, in-process: LABLOG_NO_WORKER=1) or `worker` (the real executable
through one preloaded worker shared by the whole session).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import pg

TODAY = "2026-11-23"
BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*.md from the current output (review the diff before committing).",
    )


GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden(request):
    """golden("sprint-HJBH-1.md", text): compare with the golden file, or rewrite it with --update-golden."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            return
        assert path.exists(), f"{path} is missing; run pytest with --update-golden to create it"
        assert text == path.read_bytes().decode("utf-8")

    return check


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: run the test on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: a test of something only SQLite stores have")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    in_cli = metafunc.definition.path.parent.name == "cli"
    if in_cli or metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server; if it cannot start, every PostgreSQL test fails."""
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_empty(pg_server) -> str:
    """A database migrated to head, the template of each test's fresh database."""
    from lablog import db, schema

    name = pg_server.create_database("lablog_empty")
    engine = db.create_engine(db.StoreURL(pg_server.url(name), "test"))
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    return name


@dataclass
class Store:
    """The test's store: what LABLOG_DB says, and how to look inside it."""

    backend: str
    url: str
    path: Path | None = None
    server: pg.Server | None = None
    database: str | None = None

    def dump(self) -> list[str]:
        return dump(self.path if self.path else self.url)

    def load(self, template: str | Path) -> None:
        """Replace the store with a copy of a template (a SQLite file or a PostgreSQL database)."""
        if self.path:
            shutil.copy(template, self.path)
        else:
            self.server.create_database(self.database, template=str(template))

    def engine(self):
        """An engine on the store, migrated to head (a new SQLite file is created)."""
        from lablog import db, schema

        engine = db.create_engine(db.StoreURL(db.to_url(self.url), "test"))
        if self.path:
            schema.upgrade(engine)
        return engine


@pytest.fixture
def store(backend, tmp_path, request) -> Store:
    if backend == "sqlite":
        path = tmp_path / "lablog.db"
        return Store("sqlite", str(path), path=path)
    server = request.getfixturevalue("pg_server")
    # A programme test starts from the programme's database straight away: one copy, not two.
    template = "pg_programme_template" if "programme" in request.fixturenames else "pg_empty"
    name = server.create_database(template=request.getfixturevalue(template))
    return Store("postgresql", server.url(name), server=server, database=name)


CLI_MODE = os.environ.get("LABLOG_TEST_CLI", "runner")
# English unless a test asks for Danish, whatever the machine's locale: the
# golden files and the expected messages are English.
os.environ["LABLOG_LANG"] = "en"


def lablog_executable() -> list[str]:
    """`lablog` as users run it: the console script next to this Python, else `python -m lablog`."""
    script = shutil.which("lablog", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "lablog"]


def stop_worker(runtime_dir: str | Path) -> None:
    """Stop every worker that serves runtime_dir (they leave a pid file there) and wait for it."""
    for pid_file in Path(runtime_dir).glob("w-*.pid"):
        try:
            pid = int(pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            continue
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.parent.parent.exists():  # Linux: make sure the pid was not reused
            try:
                args = cmdline.read_bytes().split(b"\0")
            except OSError:
                continue
            if b"lablog.worker" not in args or os.fsencode(str(runtime_dir)) not in args:
                continue
        os.kill(pid, signal.SIGTERM)
        if not wait_gone(pid):
            os.kill(pid, signal.SIGKILL)


def wait_gone(pid: int, timeout: float = 10) -> bool:
    """True once process pid has exited (a zombie counts), within timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def session_runtime_dir():
    """The worker's runtime directory for the session; any worker in it is stopped at the end."""
    # Short, because a unix socket's path has at most ~100 bytes.
    path = tempfile.mkdtemp(prefix="lw", dir="/tmp")
    yield path
    stop_worker(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(autouse=True)
def english_after():
    """A Danish command run in-process leaves Danish active; the next test starts in English."""
    yield
    from lablog import i18n

    i18n.activate("en")


@pytest.fixture(autouse=True)
def lablog_env(tmp_path, monkeypatch, store, session_runtime_dir):
    monkeypatch.setenv("LABLOG_DB", store.url)
    monkeypatch.setenv("LABLOG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LABLOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LABLOG_TODAY", TODAY)
    monkeypatch.setenv("LABLOG_USER", "tester")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("LABLOG_DEBUG", raising=False)
    monkeypatch.delenv("LABLOG_LAB", raising=False)
    monkeypatch.delenv("LABLOG_LOCK_TIMEOUT", raising=False)
    # Subprocesses never start a worker in the user's runtime directory.
    monkeypatch.setenv("LABLOG_RUNTIME_DIR", session_runtime_dir)
    monkeypatch.setenv("LABLOG_WORKER_IDLE", "60")
    if CLI_MODE == "worker":
        monkeypatch.delenv("LABLOG_NO_WORKER", raising=False)
    else:
        monkeypatch.setenv("LABLOG_NO_WORKER", "1")
    return tmp_path


@pytest.fixture
def db_path(lablog_env) -> Path:
    """The SQLite file of a SQLite test (tests that need a file are SQLite-only)."""
    return lablog_env / "lablog.db"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def _build_commands_once() -> None:
    """Let CliRunner turn each Typer app into Click commands once, as the worker does.

    Typer rebuilds the whole command tree from every signature on each call:
    most of an in-process command's time, and nothing a user ever waits for.
    """
    import typer.testing

    build = typer.testing._get_command
    built: dict[int, tuple] = {}

    def get(app):
        if id(app) not in built:
            built[id(app)] = (app, build(app))
        return built[id(app)][1]

    typer.testing._get_command = get


_build_commands_once()


@pytest.fixture
def cli():
    """cli("org", "list") or cli("org list --json"): runs lablog as a user types it."""
    from lablog.cli import app

    runner = CliRunner()

    def invoke(argv: list[str], input: str | None) -> Run:
        if CLI_MODE == "runner":
            result = runner.invoke(app, argv, input=input, catch_exceptions=False)
            return Run(result.exit_code, result.stdout, result.stderr)
        out = subprocess.run(
            [*lablog_executable(), *argv], input=input or "", capture_output=True, encoding="utf-8"
        )
        return Run(out.returncode, out.stdout, out.stderr)

    def run(*args: str, input: str | None = None, ok: bool = True) -> Run:
        argv = shlex.split(args[0]) if len(args) == 1 else list(args)
        run = invoke(argv, input)
        assert "This is a bug in lablog" not in run.stderr, run.stderr
        if ok:
            assert run.exit_code == 0, f"lablog {' '.join(argv)} failed: {run.stderr}"
        return run

    return run


def assert_refused(cli, store: Store, command: str, code: int, message: str) -> None:
    """Bad input: one line on stderr, the exit code, no output, no traceback, the store as it was."""
    before = store.dump()
    run = cli(command, ok=False)
    assert (run.exit_code, run.stderr.count("\n")) == (code, 1), (command, run.stderr)
    assert run.stderr.startswith(message), (command, run.stderr)
    assert "Traceback" not in run.stderr and run.stdout == "", (command, run.stdout)
    assert store.dump() == before, command


def dump(target: Path | str) -> list[str]:
    """Every row of a store, for before/after comparisons: a SQLite file, or a database URL."""
    if isinstance(target, Path):
        conn = sqlite3.connect(target)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool
    from sqlmodel import SQLModel

    import lablog.models  # noqa: F401
    from lablog import db

    engine = sa.create_engine(db.to_url(target), poolclass=NullPool)
    try:
        lines = []
        with engine.connect() as conn:
            lines += [f"alembic_version: {v}" for v in conn.execute(sa.text("SELECT * FROM alembic_version"))]
            for table in SQLModel.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                lines += [
                    f"{table.name}: {tuple(row)}" for row in conn.execute(sa.select(table).order_by(*order))
                ]
        return lines
    finally:
        engine.dispose()


def _run_script(url: str, script: str) -> None:
    from lablog.cli import app

    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABLOG_TODAY", TODAY)
        mp.setenv("LABLOG_USER", "tester")
        mp.setenv("LABLOG_DB", url)
        for line in script.strip().splitlines():
            result = runner.invoke(app, shlex.split(line), catch_exceptions=False)
            assert result.exit_code == 0, f"{line}: {result.stderr}"


@pytest.fixture(scope="session")
def programme_template(tmp_path_factory) -> Path:
    """The PROGRAMME script run once; each test gets a copy of the resulting store."""
    path = tmp_path_factory.mktemp("template") / "programme.db"
    _run_script(str(path), PROGRAMME)
    return path


@pytest.fixture(scope="session")
def pg_programme_template(pg_server, pg_empty) -> str:
    name = pg_server.create_database("lablog_programme", template=pg_empty)
    _run_script(pg_server.url(name), PROGRAMME)
    return name


@pytest.fixture(scope="session")
def scripted(request, tmp_path_factory):
    """scripted(backend, name, script): the programme plus a script, built once per backend.

    Returns a template for `store.load` (a SQLite file or a PostgreSQL database name).
    """
    built: dict[tuple[str, str], object] = {}

    def get(backend: str, name: str, script: str):
        key = (backend, name)
        if key not in built:
            if backend == "sqlite":
                path = tmp_path_factory.mktemp(name) / f"{name}.db"
                shutil.copy(request.getfixturevalue("programme_template"), path)
                _run_script(str(path), script)
                built[key] = path
            else:
                server = request.getfixturevalue("pg_server")
                base = request.getfixturevalue("pg_programme_template")
                db_name = server.create_database(f"lablog_{name}", template=base)
                _run_script(server.url(db_name), script)
                built[key] = db_name
        return built[key]

    return get


@pytest.fixture
def programme(cli, store, request):
    """A small programme: six organisations, twelve people, five labs, leads and a handover."""
    if store.backend == "sqlite":
        store.load(request.getfixturevalue("programme_template"))
    return cli


PROGRAMME = """
org add FAV "Favrskov Kommune" --sector municipality
org add RAN "Randers Kommune" --sector municipality
org add NDJ "Norddjurs Kommune" --sector municipality
org add SDJ "Syddjurs Kommune" --sector municipality
org add RRG "Regionshospitalet Randers og Grenaa" --sector hospital
org add PL "Praktiserende læger" --sector general-practice
person add "Mette Ørum Holm" --org FAV --email meoh@fav.example
person add "Anders Kjær" --org RAN
person add "Søren Bæk" --org NDJ
person add "Åse Grønbech" --org SDJ
person add "Lene Præstegaard" --org RRG
person add "Jens Østergaard" --org RRG
person add "Birgitte Dahl" --org RRG
person add "Henrik Møller" --org PL
person add "Camilla Frøsig" --org PL
person add "Kasper Nørgaard" --org FAV
person add "Signe Aagaard" --org RAN
person add "Rikke Sønderby" --org SDJ
lab add GRAV "Gravide og fødende" -t working-age --start 2026-01-05
lab add INDL "Uhensigtsmæssige indlæggelser" -t elderly -t "kronisk syge" --start 2026-01-05
lab add HJBH Hjemmebehandling --focus "IV treatment at home" --start 2026-01-05
lab add HJBS Hjemmebesøg -t ældre --start 2026-01-05
lab add UDSK "Udskrivning og rehabilitering" --start 2026-01-05
lab member add GRAV lene-praestegaard --role product-owner --on 2026-01-05
lab member add GRAV camilla-frosig --on 2026-01-05
lab member add GRAV signe-aagaard --on 2026-01-05
lab member add INDL anders-kjaer --on 2026-01-05
lab member add INDL jens-ostergaard --on 2026-01-05
lab member add INDL henrik-moller --on 2026-01-05
lab member add HJBH birgitte-dahl --on 2026-01-05
lab member add HJBH mette-orum-holm --on 2026-01-05
lab member add HJBH henrik-moller --on 2026-01-05
lab member add HJBS kasper-norgaard --on 2026-01-05
lab member add HJBS jens-ostergaard --on 2026-01-05
lab member add UDSK rikke-sonderby --on 2026-01-05
lab member add UDSK birgitte-dahl --on 2026-01-05
lab member add UDSK camilla-frosig --on 2026-01-05
sm assign mette-orum-holm GRAV --from 2026-01-05
sm assign lene-praestegaard INDL --from 2026-01-05
sm assign anders-kjaer HJBH --from 2026-01-05
sm assign henrik-moller HJBH --from 2026-01-05 --role co
sm assign aase-gronbech HJBS --from 2026-01-05
sm assign soren-baek UDSK --from 2026-01-05
sm assign mette-orum-holm HJBH --from 2026-W30
"""


@pytest.fixture(scope="session")
def demo_template(request, tmp_path_factory):
    """demo_template(backend): the store `lablog demo` builds, built once per backend
    (copied into PostgreSQL with `db copy`); a template for `store.load`."""
    built: dict[str, object] = {}

    def get(backend: str):
        if "sqlite" not in built:
            path = tmp_path_factory.mktemp("demo") / "demo.db"
            _run_script(str(path), f"demo --path {path}")
            built["sqlite"] = path
        if backend not in built:
            server = request.getfixturevalue("pg_server")
            name = server.create_database("lablog_demo", template=request.getfixturevalue("pg_empty"))
            _run_script(str(built["sqlite"]), f"db copy --to {server.url(name)} --yes")
            built[backend] = name
        return built[backend]

    return get


@pytest.fixture
def demo(cli, store, demo_template):
    """The demo programme (examples/programme.toml, as `lablog demo` builds it) in the test's store."""
    store.load(demo_template(store.backend))
    return cli
