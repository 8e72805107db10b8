"""What lablog writes: private, whole or not at all, never through a symlink; damage is found."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import tempfile

import pytest

from tests.conftest import lablog_executable

pytestmark = pytest.mark.sqlite_only


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_exports_and_backups_are_private(programme, tmp_path):
    programme("export", "all", "-o", str(tmp_path / "all.toml"))
    programme("export", "programme", "-o", str(tmp_path / "programme.md"))
    programme("db", "backup", str(tmp_path / "copy.db"))
    assert {p.name: mode(p) for p in tmp_path.glob("*.*") if p.name != "lablog.db"} == {
        "all.toml": 0o600,
        "programme.md": 0o600,
        "copy.db": 0o600,
    }


def test_a_new_store_in_new_directories_is_private(cli, tmp_path):
    store = tmp_path / "new" / "sub" / "x.db"
    cli("--db", str(store), "init")
    assert (mode(tmp_path / "new"), mode(tmp_path / "new" / "sub"), mode(store)) == (0o700, 0o700, 0o600)


def test_a_symlink_at_the_target_is_never_followed(programme, tmp_path):
    target, link = tmp_path / "elsewhere.toml", tmp_path / "all.toml"
    link.symlink_to(target)  # dangling: writing through it would create elsewhere.toml
    run = programme("export", "all", "-o", str(link), ok=False)
    assert (run.exit_code, run.stderr) == (1, f"Error: {link} exists already; pass --force to overwrite it\n")
    programme("export", "all", "-o", str(link), "--force")
    assert not target.exists()
    assert not link.is_symlink() and mode(link) == 0o600


def test_backup_creates_no_directories(programme, tmp_path):
    run = programme("db", "backup", str(tmp_path / "nodir" / "x.db"), ok=False)
    assert (run.exit_code, run.stderr) == (
        1,
        f"Error: The directory {tmp_path / 'nodir'} does not exist; create it first\n",
    )
    assert not (tmp_path / "nodir").exists()


def _limited(args: list[str], cwd, limit: int) -> subprocess.CompletedProcess:
    """lablog with files capped at `limit` bytes: writing past it fails as a full disk does."""

    def cap():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # In-process: a worker would write the file under its own limits, not these.
    env = {**os.environ, "LABLOG_NO_WORKER": "1"}
    return subprocess.run(
        [*lablog_executable(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=cap,
        input="",
        env=env,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["export", "all", "-o", "out.toml"],
        ["db", "backup", "out.toml"],
    ],
)
def test_a_full_disk_leaves_no_partial_file(programme, store, tmp_path, args):
    # A store bigger than the cap: reading it needs no write, everything it exports is past the cap.
    import sqlalchemy as sa

    description = "Hjemmesygeplejersken ringer til egen læge ved opstart. " * 10
    for n in range(2):
        programme("backlog", "add", "HJBH", f"Punkt {n}", "--description", description)

    engine = store.engine()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO backlog_item (lab_id, number, title, description, type, status, rank, version, "
                "created_at, updated_at) SELECT lab_id, number + :n, title, description, type, status, "
                "rank || :r, 1, created_at, updated_at FROM backlog_item WHERE number <= 2"
            ),
            [{"n": 2 * k, "r": f"{k:04d}"} for k in range(1, 150)],
        )
    engine.dispose()
    work = tmp_path / "work"
    work.mkdir()
    out = _limited(args, work, 64 * 1024)
    assert out.returncode == 1, out.stderr
    # The reason is the system's (File too large here, No space left on device on a full disk).
    assert out.stderr.startswith("Error: Cannot write out.toml: ") and out.stderr.endswith(
        "; nothing was written\n"
    ), out.stderr
    assert out.stderr.count("\n") == 1 and "This is a bug" not in out.stderr
    assert list(work.iterdir()) == []


def test_db_check_finds_damage(programme, store, tmp_path):
    assert programme("db check").stdout == f"The store at {store.path} is sound\n"
    assert programme("db check --json").json() == {
        "store": str(store.path),
        "ok": True,
        "problems": [],
        "notes": [],
    }
    import sqlite3

    conn = sqlite3.connect(store.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(store.path, "r+b") as f:
        f.seek(4096 * (pages // 2) + 64)
        f.write(b"\xde\xad" * 4096)
    run = programme("db check", ok=False)
    assert run.exit_code == 1
    assert run.stdout
    assert (
        run.stderr
        == f"Error: The store at {store.path} has {len(run.stdout.splitlines())} problem"
        + ("s" if len(run.stdout.splitlines()) > 1 else "")
        + "; restore it from a backup\n"
    )


def test_db_check_reports_control_characters_stored_before_they_were_refused(programme, store):
    import sqlite3

    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE lab SET focus = 'Hjemme\x1b]0;PWNED\x07behandling' WHERE code = 'HJBH'")
    run = programme("db check")
    assert run.stdout == (
        "HJBH (lab.focus) holds the control character U+001B; see `lablog privacy scan`, "
        "and edit the text to remove it\n"
        f"The store at {store.path} is sound\n"
    )
    with sqlite3.connect(store.path) as conn:
        (focus,) = conn.execute("SELECT focus FROM lab WHERE code = 'HJBH'").fetchone()
    assert focus == "Hjemme\x1b]0;PWNED\x07behandling"


def _without_write_access() -> list[str]:
    """A command prefix under which the directory's mode applies: root overrides it otherwise."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv, which could drop the override of file modes")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


def test_a_store_in_a_read_only_directory_can_be_read(programme, store, tmp_path):
    """No -wal or -shm file can be made there: reads work, a write says why it cannot."""
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    programme("db", "backup", str(shelf / "archive.db"))
    shelf.chmod(0o555)
    env = {**os.environ, "LABLOG_NO_WORKER": "1"}

    def run(*args):
        return subprocess.run(
            [*_without_write_access(), *lablog_executable(), "--db", str(shelf / "archive.db"), *args],
            capture_output=True,
            text=True,
            env=env,
        )

    try:
        for args in (
            ["lab", "list"],
            ["export", "programme"],
            ["knowledge", "search", "borger"],
            ["db", "check"],
        ):
            done = run(*args)
            assert (done.returncode, done.stderr) == (0, ""), args
        refused = run("backlog", "add", "HJBH", "Ny opgave")
        assert (refused.returncode, refused.stderr) == (
            1,
            "Error: The store is read-only here (its file or directory cannot be written); "
            "reading works, changing it needs write access to both\n",
        )
        assert sorted(p.name for p in shelf.iterdir()) == ["archive.db"]
    finally:
        shelf.chmod(0o755)
    assert "Ny opgave" not in programme("--db", str(shelf / "archive.db"), "backlog", "list", "HJBH").stdout


def test_the_worker_never_uses_a_guessable_directory(tmp_path, monkeypatch):
    from lablog import client

    monkeypatch.delenv("LABLOG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    # Short: a socket's path has at most ~100 bytes.
    cache = tempfile.mkdtemp(prefix="lc", dir="/tmp")
    try:
        monkeypatch.setenv("XDG_CACHE_HOME", cache)
        path = client.runtime_dir()
        assert path == os.path.join(cache, "lablog", "run")
        assert mode(path) == 0o700
    finally:
        shutil.rmtree(cache, ignore_errors=True)
