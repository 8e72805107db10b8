"""The preloading worker: started on demand, shared, private, replaced after an upgrade.

These run the real `lablog` executable in subprocesses, each test with its own
runtime directory; every worker a test starts is stopped when it ends.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import lablog_executable, stop_worker, wait_gone

pytestmark = pytest.mark.skipif(not hasattr(socket, "send_fds"), reason="no fd passing on this platform")
NOBODY = 65534


@pytest.fixture
def runtime(tmp_path):
    """A private runtime directory for this test's worker, and the environment that uses it."""
    path = Path(tempfile.mkdtemp(prefix="lw", dir="/tmp"))
    env = {**os.environ, "LABLOG_RUNTIME_DIR": str(path), "LABLOG_WORKER_IDLE": "30"}
    env.pop("LABLOG_NO_WORKER", None)
    yield path, env
    stop_worker(path)
    shutil.rmtree(path, ignore_errors=True)


def lablog(*args: str, env: dict, command: list[str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("input", "")
    return subprocess.run(
        [*(command or lablog_executable()), *args], env=env, capture_output=True, text=True, **kwargs
    )


def status(env: dict, **kwargs) -> dict:
    out = lablog("worker", "status", "--json", env={**env, "LABLOG_NO_WORKER": "1"}, **kwargs)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def wait_for_worker(env: dict, *, other_than: int | None = None, **kwargs) -> int:
    """The pid of the running worker, once it answers (and is not other_than)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        info = status(env, **kwargs)
        if info["running"] and info["pid"] != other_than:
            return info["pid"]
        time.sleep(0.1)
    raise AssertionError(f"no worker started: {info}")


def ran_in_worker(out: subprocess.CompletedProcess) -> bool:
    return "lablog: worker runs the command as process" in out.stderr


def test_starts_on_demand_and_later_commands_use_it(programme, runtime):
    path, env = runtime
    assert list(path.iterdir()) == []
    first = lablog("--version", env=env)
    assert (first.returncode, first.stdout, first.stderr) == (0, "lablog 0.1.0\n", "")
    pid = wait_for_worker(env)
    assert [p.suffix for p in sorted(path.iterdir())] == [".lock", ".pid", ".sock"]
    assert (path.stat().st_mode & 0o777, next(path.glob("*.sock")).stat().st_mode & 0o777) == (0o700, 0o600)

    debug = {**env, "LABLOG_DEBUG": "1"}
    for args in (["org", "list", "--json"], ["lab", "list"], ["sm", "network"], ["--help"]):
        via_worker = lablog(*args, env=debug)
        in_process = lablog(*args, env={**env, "LABLOG_NO_WORKER": "1"})
        assert ran_in_worker(via_worker), via_worker.stderr
        assert via_worker.returncode == in_process.returncode == 0
        assert via_worker.stdout == in_process.stdout
    assert status(env)["pid"] == pid
    assert status(env)["commands"] >= 4


def test_writes_and_errors_are_the_same_through_the_worker(programme, runtime, db_path):
    _, env = runtime
    lablog("--version", env=env)
    wait_for_worker(env)
    debug = {**env, "LABLOG_DEBUG": "1"}
    added = lablog("org", "add", "NEW", "New Org", "--sector", "other", "--json", env=debug)
    assert ran_in_worker(added) and added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["code"] == "NEW"

    missing = lablog("lab", "show", "NOPE", env=env)
    assert missing.returncode == 1
    assert missing.stderr == "Error: No lab 'NOPE'; known labs: GRAV, HJBH, HJBS, INDL, UDSK\n"
    assert missing.stdout == ""
    usage = lablog("lab", "list", "--bogus", env=env)
    assert usage.returncode == 2 and usage.stderr.startswith("Error: No such option: --bogus")

    # The fork works in the client's directory: a relative --db is the client's.
    relative = lablog("--db", db_path.name, "org", "show", "NEW", "--json", env=debug, cwd=db_path.parent)
    assert ran_in_worker(relative) and relative.returncode == 0, relative.stderr


def test_shells_in_two_languages_share_one_worker(programme, runtime):
    _, env = runtime
    env = {k: v for k, v in env.items() if k not in ("LABLOG_LANG", "LC_ALL", "LC_MESSAGES")}
    # One interpreter mode for both shells: where a locale is not installed, Python
    # falls back to UTF-8 mode, which is a different installation (and worker).
    env["PYTHONUTF8"] = "1"
    lablog("--version", env=env)
    pid = wait_for_worker(env)
    shells = {"da": {**env, "LANG": "da_DK.UTF-8"}, "en": {**env, "LANG": "C.UTF-8"}}
    expected = {
        "da": "Fejl: Ukendt tilvalg: --bogus (se `lablog lab list --help`)\n",
        "en": "Error: No such option: --bogus (see `lablog lab list --help`)\n",
    }
    # Both languages at once, interleaved: each command gets its own shell's language.
    running = [
        (
            lang,
            subprocess.Popen(
                [*lablog_executable(), "lab", "list", "--bogus"],
                env={**shells[lang], "LABLOG_DEBUG": "1"},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for lang in ["da", "en"] * 4
    ]
    for lang, process in running:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 2
        assert "lablog: worker runs the command as process" in err, err
        assert err.endswith(expected[lang]), (lang, err)
    assert "Vis denne hjælp og afslut." in lablog("--help", env=shells["da"]).stdout
    assert "Show this message and exit." in lablog("--help", env=shells["en"]).stdout
    assert status(env)["pid"] == pid


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_the_worker_keeps_no_store_open(programme, runtime, db_path):
    _, env = runtime
    # A descriptor the first client inherits (someone waiting for a pipe to close) is not kept.
    read, write = os.pipe()
    lablog("--version", env=env, pass_fds=(write,))
    os.close(write)
    pid = wait_for_worker(env)
    os.set_blocking(read, False)
    assert os.read(read, 1) == b""
    os.close(read)
    assert lablog("lab", "list", env=env).returncode == 0
    assert lablog("org", "add", "NEW", "New Org", "--sector", "other", env=env).returncode == 0
    files = [target for target in _open_files(pid) if target.startswith("/") and target != os.devnull]
    assert all(target.endswith(".lock") for target in files), files


def _open_files(pid: int) -> list[str]:
    """What the process has open; a descriptor closed while we look (a finished client's socket) is skipped."""
    opened = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            opened.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            continue
    return opened


def _at_terminal(args: list[str], env: dict):
    """lablog with a terminal for stdin and stdout, stderr in a pipe; (process, terminal)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*lablog_executable(), *args], env=env, stdin=terminal, stdout=terminal, stderr=subprocess.PIPE
    )
    os.close(terminal)
    return process, controller


def _read_until(fd: int, text: bytes, timeout: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            seen += os.read(fd, 1024)
    assert text in seen, seen
    return seen


def _wait_reading(process, timeout: float = 20) -> str:
    """Wait until the command blocks reading its answer; what it wrote to stderr so far.

    A Ctrl-C that lands after CPython last checked for signals and before the
    read blocks is only acted on once the read returns (in lablog as in any
    Python program), so the test presses it once the command is waiting.
    """
    fd, seen = process.stderr.fileno(), b""
    deadline = time.monotonic() + timeout
    line = re.compile(rb"lablog: worker runs the command as process (\d+)\n")

    def ready() -> bool:
        # The client's line naming the command's process, and the prompt's space, which
        # the command writes just before the read; the two may come in either order.
        return bool(line.search(seen)) and b" " in line.sub(b"", seen)

    while not ready() and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            seen += os.read(fd, 1024)
    assert ready(), seen
    child = int(line.search(seen)[1])
    while time.monotonic() < deadline:
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "S":
            return seen.decode()
        time.sleep(0.01)
    raise AssertionError(f"process {child} never waited for input")


def test_prompts_ctrl_c_and_a_crashed_command(programme, runtime):
    _, env = runtime
    lablog("--version", env=env)
    pid = wait_for_worker(env)
    debug = {**env, "LABLOG_DEBUG": "1"}

    # The fork sees the client's terminal, so it asks; Ctrl-C reaches it and aborts.
    process, terminal = _at_terminal(["lab", "close", "GRAV"], debug)
    _read_until(terminal, b"Close lab GRAV on 2026-11-23? [y/N]:")
    seen = _wait_reading(process)
    process.send_signal(signal.SIGINT)
    assert process.wait(20) == 1
    stderr = seen + process.stderr.read().decode()
    assert ran_in_worker(type("Out", (), {"stderr": stderr})), stderr
    assert stderr.endswith("Aborted.\n")
    os.close(terminal)

    # A command that dies of a signal is a one-line error, and the worker lives on.
    process, terminal = _at_terminal(["lab", "close", "GRAV"], debug)
    _read_until(terminal, b"[y/N]:")
    line = process.stderr.readline().decode()
    child = int(line.rsplit(" ", 1)[1])
    os.kill(child, signal.SIGKILL)
    assert process.wait(20) == 1
    # (The space is the prompt's: without readline, input() writes it to stderr.)
    assert process.stderr.read().decode().lstrip(" ") == (
        "Error: the command crashed (signal 9); run it again with LABLOG_NO_WORKER=1, "
        "and report it if it crashes again\n"
    )
    os.close(terminal)
    assert status(env)["pid"] == pid
    again = lablog("lab", "show", "GRAV", "--json", env=debug)
    assert ran_in_worker(again) and json.loads(again.stdout)["lab"]["status"] == "open"


def test_an_upgrade_replaces_the_worker(runtime, tmp_path):
    """A copy of lablog on PYTHONPATH, upgraded in place: the old worker exits, a new one serves."""
    _, env = runtime
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parents[1] / "src" / "lablog", site / "lablog")
    env = {**env, "PYTHONPATH": str(site)}
    command = [sys.executable, "-m", "lablog"]
    assert lablog("--version", env=env, command=command, cwd=tmp_path).stdout == "lablog 0.1.0\n"
    old = wait_for_worker(env, command=command, cwd=tmp_path)

    init = site / "lablog" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', '"0.1.1"'))
    upgraded = lablog("--version", env={**env, "LABLOG_DEBUG": "1"}, command=command, cwd=tmp_path)
    assert upgraded.stdout == "lablog 0.1.1\n"
    assert "the worker was out of date" in upgraded.stderr
    assert wait_gone(old)
    new = wait_for_worker(env, other_than=old, command=command, cwd=tmp_path)
    via_new = lablog("--version", env={**env, "LABLOG_DEBUG": "1"}, command=command, cwd=tmp_path)
    assert ran_in_worker(via_new) and via_new.stdout == "lablog 0.1.1\n"
    assert status(env, command=command, cwd=tmp_path)["pid"] == new


def test_a_worker_that_cannot_start_changes_nothing(runtime, tmp_path):
    _, env = runtime
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parents[1] / "src" / "lablog", site / "lablog")
    (site / "lablog" / "worker.py").unlink()
    env = {**env, "PYTHONPATH": str(site), "LABLOG_DEBUG": "1"}
    command = [sys.executable, "-m", "lablog"]
    assert lablog("init", env={**env, "LABLOG_NO_WORKER": "1"}, cwd=tmp_path).returncode == 0
    for _ in range(3):
        out = lablog("org", "list", "--json", env=env, command=command, cwd=tmp_path)
        assert (out.returncode, out.stdout) == (0, "[]\n")
        assert not ran_in_worker(out)
        time.sleep(0.5)


def test_no_runtime_dir_means_in_process(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {**os.environ, "LABLOG_RUNTIME_DIR": str(blocker / "run"), "LABLOG_DEBUG": "1"}
    env.pop("LABLOG_NO_WORKER", None)
    assert lablog("init", env={**env, "LABLOG_NO_WORKER": "1"}).returncode == 0
    out = lablog("org", "list", "--json", env=env)
    assert (out.returncode, out.stdout) == (0, "[]\n")
    assert "cannot create the runtime directory" in out.stderr


def test_lablog_no_worker_starts_nothing(runtime):
    path, env = runtime
    out = lablog("--version", env={**env, "LABLOG_NO_WORKER": "1"})
    assert (out.returncode, out.stdout, out.stderr) == (0, "lablog 0.1.0\n", "")
    time.sleep(0.5)
    assert list(path.iterdir()) == []


def test_refuses_a_runtime_dir_open_to_others(runtime):
    path, env = runtime
    path.chmod(0o755)
    out = lablog("--version", env={**env, "LABLOG_DEBUG": "1"})
    assert (out.returncode, out.stdout) == (0, "lablog 0.1.0\n")
    assert "closed to others; not using it" in out.stderr
    time.sleep(0.5)
    assert list(path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown to another user")
def test_refuses_a_runtime_dir_or_socket_of_another_user(runtime):
    path, env = runtime
    debug = {**env, "LABLOG_DEBUG": "1"}
    os.chown(path, NOBODY, -1)
    out = lablog("--version", env=debug)
    assert (out.returncode, out.stdout) == (0, "lablog 0.1.0\n")
    assert "not using it" in out.stderr
    assert list(path.iterdir()) == []

    os.chown(path, os.geteuid(), -1)
    lablog("--version", env=env)
    pid = wait_for_worker(env)
    sock = next(path.glob("*.sock"))
    os.chown(sock, NOBODY, -1)
    out = lablog("--version", env=debug)
    assert (out.returncode, out.stdout) == (0, "lablog 0.1.0\n")
    assert "is not a socket of this user's" in out.stderr
    os.chown(sock, os.geteuid(), -1)
    assert status(env)["pid"] == pid


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to connect as another user")
def test_drops_connections_from_other_users(runtime):
    path, env = runtime
    lablog("--version", env=env)
    pid = wait_for_worker(env)
    sock = next(path.glob("*.sock"))
    path.chmod(0o711)
    sock.chmod(0o666)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the fork
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(str(sock))
                try:
                    s.sendall(b"\0\0\0\x10lablog-1\0status\0")
                    answer = s.recv(100)
                except (BrokenPipeError, ConnectionResetError):
                    answer = b""  # the worker hung up at once
            os.write(write, b"answer:" + answer)
        except BaseException as e:
            os.write(write, repr(e).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 1000) == b"answer:"
    os.close(read)
    path.chmod(0o700)
    sock.chmod(0o600)
    assert status(env)["pid"] == pid


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="counts processes in /proc")
def test_racing_first_commands_start_one_worker(runtime):
    path, env = runtime
    runs = [
        subprocess.Popen([*lablog_executable(), "--version"], env=env, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    assert [r.communicate()[0] for r in runs] == [b"lablog 0.1.0\n"] * 4
    pid = wait_for_worker(env)
    time.sleep(1)
    workers = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"lablog.worker" in cmdline and os.fsencode(path) in cmdline:
            workers.append(int(proc.name))
    assert workers == [pid]
    assert len(list(path.glob("*.sock"))) == 1


def test_idle_exit_and_stop(runtime):
    path, env = runtime
    idle = {**env, "LABLOG_WORKER_IDLE": "1"}
    lablog("--version", env=idle)
    pid = wait_for_worker(idle)
    assert wait_gone(pid)
    assert list(path.glob("*.sock")) == []

    lablog("--version", env=env)
    pid = wait_for_worker(env)
    out = lablog("worker", "stop", env=env)
    assert (out.returncode, out.stderr) == (0, "Stopped the worker\n")
    assert wait_gone(pid)
    assert status(env)["running"] is False


@pytest.mark.parametrize(("module", "name"), [("os", "fork"), ("_socket", "SCM_RIGHTS")])
def test_without_fork_or_fd_passing_commands_run_in_process(runtime, monkeypatch, module, name):
    """As on Windows: no worker is tried, and the command runs here."""
    from lablog import client

    path, env = runtime
    monkeypatch.setenv("LABLOG_RUNTIME_DIR", str(path))
    monkeypatch.delenv("LABLOG_NO_WORKER", raising=False)
    monkeypatch.delattr(sys.modules.get(module) or __import__(module), name)
    ran = []
    monkeypatch.setattr("lablog.cli.main", lambda: ran.append(True))
    monkeypatch.setattr(sys, "argv", ["lablog", "--version"])
    client.main()
    assert ran == [True]
    assert list(path.iterdir()) == []
