"""The preloading worker behind `lablog`: import everything once, fork per command.

`lablog.client` starts it as `python -P -m lablog.worker --lock-fd N DIR
INSTALL KEY` when no worker answers. It imports the CLI, the models, the
services and the renderers, warms them up on a throwaway store that it then
closes and deletes (so it keeps no database or file open that a fork could
share), then serves its unix socket, one fork per command: the fork takes over the
client's stdin, stdout and stderr, its cwd, environment and umask, and runs
`lablog.cli.app` as the client would have in-process. Every fork opens its
own database connection (AppState creates the engine per command).

Only this user may connect (SO_PEERCRED); a client with another code key
(an upgrade, an edited file) makes it exit; so does LABLOG_WORKER_IDLE
seconds (default 300) without a command, `lablog worker stop`, SIGTERM, or
its socket being removed.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import struct
import sys
import time

from lablog import client

# Modules the commands import when they run; importing them here is the point.
PRELOAD = (
    "sqlite3",
    "sqlalchemy",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",  # only when installed, for shared PostgreSQL stores
    "sqlmodel",
    "pydantic",
    "rich.console",
    "rich.table",
    "rich.text",
    "rich.box",
    "alembic.command",
    "alembic.config",
    "alembic.runtime.migration",
    "alembic.operations",
    "platformdirs",
    "tomli_w",
    "getpass",
    "difflib",
    "unicodedata",
    # Danish stems for lablog search and for every write of a text (about 80 ms to import).
    "snowballstemmer",
)
# Not preloaded: the entry points, this module, migrations (Alembic loads those itself)
# and the full-screen views, which never run in the worker (client.FULL_SCREEN).
SKIP = ("lablog.__main__", "lablog.client", "lablog.worker", "lablog.migrations", "lablog.tui")


def log(message: str) -> None:
    # stderr is /dev/null, or the worker's .log file under LABLOG_DEBUG.
    print(f"{time.strftime('%H:%M:%S')} lablog worker {os.getpid()}: {message}", file=sys.stderr, flush=True)


def preload() -> None:
    import importlib
    import pkgutil

    import lablog

    modules = ["lablog.cli", *PRELOAD]
    for module in pkgutil.walk_packages(lablog.__path__, "lablog."):
        if not module.name.startswith(SKIP):
            modules.append(module.name)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:  # an optional driver; costs only speed
            log(f"could not preload {name}: {e}")
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    _build_commands_once()
    # The Danish catalog, parsed once: gettext keeps it by path, so every fork has it.
    from lablog import i18n

    i18n.activate("da")
    i18n.activate("en")
    warm_up()


def warm_up() -> None:
    """Run a few commands against a throwaway store, so that forks start warm.

    The first command in a process pays for what SQLAlchemy, Pydantic, Typer
    and Rich set up lazily and then keep (dialect set-up, mapper and loader
    state, validators, lazy imports): 30-50 ms that every fork would pay again.
    Each command opens and disposes its own engine, so nothing stays open: the
    store is deleted afterwards, and forks never inherit a connection.
    """
    import shutil
    import tempfile

    saved = dict(os.environ)
    directory = tempfile.mkdtemp(prefix="lablog-warm-up-")
    try:
        store = os.path.join(directory, "warm-up.db")
        os.environ.update(
            LABLOG_DB=store,
            LABLOG_DATA_DIR=directory,
            LABLOG_CONFIG_DIR=directory,
            LABLOG_USER="lablog-worker",
        )
        os.environ.pop("LABLOG_DEBUG", None)
        commands = [["--version"], ["--help"], ["lab", "list", "--help"], ["demo", "--path", store, "--json"]]
        for noun, detail in (("org", "FAV"), ("person", "mette"), ("lab", "HJBH")):
            commands += [[noun, "list"], [noun, "list", "--json"], [noun, "show", detail]]
            commands.append([noun, "show", "NOPE"])  # the error path
        commands += [["sm", "list"], ["sm", "network"], ["sm", "network", "--json"], ["db", "status"]]
        commands += [
            ["backlog", "list", "HJBH"],
            ["sprint", "show", "HJBH"],
            ["report", "velocity", "HJBH"],
            ["knowledge", "search", "hjemme*"],
            ["export", "sprint", "HJBH"],
            ["export", "programme"],
        ]
        for args in commands:
            code = run_app(args, "lablog")
            if code not in (0, 1):
                log(f"warm-up `lablog {' '.join(args)}` exited with {code}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(directory, ignore_errors=True)


def _build_commands_once() -> None:
    """Let every fork reuse one Click command tree instead of rebuilding it.

    Typer turns the app into Click commands on every call, by inspecting every
    command's signature: about 30 ms, and more with every command added. The
    tree is a pure function of the code, which the worker never reloads, and
    each fork gets its own copy, so whatever a command does to it stays there.
    """
    import typer.main

    from lablog.cli import app

    build = getattr(typer.main, "get_command", None)
    if build is None:
        return
    built = build(app)
    typer.main.get_command = lambda instance: built if instance is app else build(instance)


class Worker:
    def __init__(self, directory: str, install: str, key: str, lock_fd: int, idle: float):
        self.install, self.key = install, key
        self.paths = client.paths(directory, install)
        self.lock_fd = lock_fd
        self.idle = idle
        self.listener: socket.socket | None = None
        self.inode = None
        self.children: dict[int, socket.socket] = {}
        self.stopping = False
        self.started = time.time()
        self.served = 0

    # Life cycle ---------------------------------------------------------------

    def bind(self) -> None:
        """Bind the socket under a temporary name: fails early, before the costly preload."""
        path = self.paths["socket"]
        if os.path.lexists(path) and os.lstat(path).st_uid != os.geteuid():
            raise SystemExit(f"{path} belongs to another user")
        # We hold the lock, so anything at these paths was left by a worker that died.
        self.temporary = path[: -len(".sock")] + ".new"
        for stale in (path, self.temporary):
            if os.path.lexists(stale):
                os.unlink(stale)
        os.umask(0o077)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.temporary)
        os.chmod(self.temporary, 0o600)

    def listen(self) -> None:
        """Open for commands: listen, then rename, so clients never find a socket not yet listening."""
        path = self.paths["socket"]
        self.listener.listen(64)
        os.rename(self.temporary, path)
        self.inode = os.stat(path).st_ino
        with open(self.paths["pid"], "w") as f:
            f.write(f"{os.getpid()}\n")

    def stop(self, why: str) -> None:
        """Stop taking commands: remove the socket, release the lock, let running ones finish."""
        if self.stopping:
            return
        log(f"stopping: {why}")
        self.stopping = True
        if self._socket_is_ours():
            os.unlink(self.paths["socket"])
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        os.close(self.lock_fd)

    def _socket_is_ours(self) -> bool:
        try:
            return os.stat(self.paths["socket"]).st_ino == self.inode
        except OSError:
            return False

    def serve(self) -> None:
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        self.wake = (wake_r, wake_w)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        # Only note the signal: stopping closes the listener, which select may be waiting on.
        signalled = []
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, lambda signum, _: signalled.append(signum))
        last = time.monotonic()
        log(f"serving {self.paths['socket']}")
        while not (self.stopping and not self.children):
            # Wake at least once a minute to notice a removed socket.
            timeout = None if self.children or self.stopping else last + self.idle - time.monotonic()
            timeout = None if timeout is None else min(max(0.0, timeout), 60.0)
            readable = [wake_r] + ([self.listener] if self.listener else [])
            ready, _, _ = select.select(readable, [], [], timeout)
            if wake_r in ready:
                while True:
                    try:
                        if not os.read(wake_r, 512):
                            break
                    except BlockingIOError:
                        break
            self.reap()
            if signalled:
                self.stop(f"signal {signalled[0]}")
            if self.listener is not None and self.listener in ready:
                self.accept()
            if self.children:
                last = time.monotonic()
            elif not self.stopping and time.monotonic() - last >= self.idle:
                self.stop(f"idle for {self.idle:g} s")
            if not self.stopping and not self._socket_is_ours():
                self.stop("the socket was removed")
        self._remove_pid_file()
        log("exiting")

    def _remove_pid_file(self) -> None:
        # A successor may have started (the lock is free once we stop); keep its file.
        try:
            with open(self.paths["pid"]) as f:
                if f.read().strip() == str(os.getpid()):
                    os.unlink(self.paths["pid"])
        except OSError:
            pass

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            if os.WIFSIGNALED(status):
                reply = f"killed {os.WTERMSIG(status)}"
                log(f"command {pid} died of signal {os.WTERMSIG(status)}")
            else:
                reply = f"exit {os.waitstatus_to_exitcode(status)}"
            # The fork reports its own exit code first; this covers a fork that crashed.
            try:
                conn.sendall(reply.encode() + b"\n")
            except OSError:
                pass
            conn.close()

    # One connection -------------------------------------------------------------

    def accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        fds: list[int] = []
        try:
            conn.settimeout(2)
            pid, uid, gid = _peer(conn)
            if uid != os.geteuid():
                log(f"dropped a connection from uid {uid} (process {pid})")
                conn.close()
                return
            fields, fds = _receive(conn)
            self.handle(conn, fields, fds, gid)
        except (OSError, ValueError) as e:
            log(f"dropped a request: {e}")
            for fd in fds:
                os.close(fd)
            conn.close()

    def handle(self, conn: socket.socket, fields: list[bytes], fds: list[int], gid: int) -> None:
        protocol, op, install, key, *rest = fields
        if protocol != client.PROTOCOL or install.decode() != self.install or key.decode() != self.key:
            # Another lablog version or edited code: give way to a worker that runs it.
            self.stop("a client with other code connected")
            reply, run = b"stale", False
        elif op == b"status":
            reply, run = self.status().encode(), False
        elif op == b"stop":
            self.stop("asked to")
            reply, run = b"stopping", False
        elif op == b"run" and len(fds) == 3 and gid == os.getegid():
            reply, run = b"", True
        else:
            reply, run = b"refused", False
        if not run:
            for fd in fds:
                os.close(fd)
            conn.sendall(reply + b"\n")
            conn.close()
            return
        self.served += 1
        pid = os.fork()
        if pid == 0:
            self._child(conn, rest, fds)  # never returns
        # Here as well as in the fork, so the group exists before the client signals it.
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        try:
            conn.sendall(f"pid {pid}\n".encode())
        except OSError:
            pass

    def status(self) -> str:
        return (
            f"pid={os.getpid()} started={int(self.started)} commands={self.served} "
            f"idle={self.idle:g} key={self.key}"
        )

    def _child(self, conn: socket.socket, fields: list[bytes], fds: list[int]) -> None:
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.close(self.wake[0])
            os.close(self.wake[1])
            if self.listener is not None:
                self.listener.close()
            if not self.stopping:
                os.close(self.lock_fd)
            for other in self.children.values():
                other.close()
            # Its own process group, so the client's forwarded Ctrl-C reaches what it starts too.
            os.setpgid(0, 0)
            conn.settimeout(None)
            if _read_line(conn) != b"go":
                os._exit(0)
            code = run_command(fields, fds)
        except BaseException as e:  # noqa: BLE001 - report, never unwind into the worker
            try:
                from lablog.i18n import _

                message = _("lablog's worker could not run the command: {error}").format(error=e)
                print(_("Error: {message}").format(message=message), file=sys.stderr, flush=True)
            except Exception:  # noqa: BLE001
                pass
        try:
            conn.sendall(f"exit {code}\n".encode())
        except OSError:
            pass
        os._exit(code)


def run_command(fields: list[bytes], fds: list[int]) -> int:
    """In the fork: become the client's process (stdio, cwd, environment) and run the command."""
    import atexit
    import locale

    cwd, prog_name, umask = (os.fsdecode(f) for f in fields[:3])
    encodings = [f.decode() for f in fields[3:9]]
    argc = int(fields[9])
    argv = [os.fsdecode(f) for f in fields[10 : 10 + argc]]
    environ = fields[10 + argc :]

    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    for item in environ:
        name, _, value = item.partition(b"=")
        os.environb[name] = value
    os.chdir(cwd)
    os.umask(int(umask, 8))
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        pass
    sys.stdin = sys.__stdin__ = _stdio(0, False, *encodings[0:2])
    sys.stdout = sys.__stdout__ = _stdio(1, True, *encodings[2:4])
    sys.stderr = sys.__stderr__ = _stdio(2, True, *encodings[4:6])
    sys.argv = [prog_name, *argv]
    # Exit handlers registered by the worker are the worker's; run only the command's.
    atexit._clear()
    gc.enable()

    code = run_app(argv, prog_name)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except OSError:
        code = 120  # as Python exits when stdout cannot be flushed (a closed pipe)
    try:
        sys.stderr.flush()
    except OSError:
        pass
    return code


def run_app(argv: list[str], prog_name: str) -> int:
    """Run lablog's root app as `lablog.cli.main()` would; the exit code the process would have."""
    from lablog.cli import app

    try:
        app(args=argv, prog_name=prog_name)
        return 0
    except SystemExit as e:
        return _exit_status(e.code)
    except KeyboardInterrupt:
        return 130
    except BaseException:  # noqa: BLE001 - what the interpreter would do with it
        sys.excepthook(*sys.exc_info())
        return 1


def _exit_status(value) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)
    return 1


def _stdio(fd: int, write: bool, encoding: str, errors: str):
    """A std stream over fd, made as the interpreter makes sys.stdout at start-up."""
    import io

    buffer = open(fd, "wb" if write else "rb", closefd=False)
    line_buffering = write and (fd == 2 or os.isatty(fd))
    stream = io.TextIOWrapper(buffer, encoding, errors, newline="\n", line_buffering=line_buffering)
    stream.mode = "w" if write else "r"
    return stream


def _peer(conn: socket.socket) -> tuple[int, int, int]:
    """The connecting process's pid, uid and gid, from the kernel."""
    if hasattr(socket, "SO_PEERCRED"):
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)
    # macOS and the BSDs: LOCAL_PEERCRED gives a struct xucred (version, uid, ngroups, groups).
    creds = conn.getsockopt(0, 0x001, struct.calcsize("IIh16I"))
    _version, uid, ngroups, *groups = struct.unpack("IIh16I", creds)
    return 0, uid, groups[0] if ngroups else -1


def _receive(conn: socket.socket) -> tuple[list[bytes], list[int]]:
    """A request: its fields and the fds that came with it."""
    data, ancillary, flags, _ = conn.recvmsg(65536, socket.CMSG_SPACE(3 * struct.calcsize("i")))
    fds: list[int] = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(payload) - len(payload) % struct.calcsize("i")
            fds += list(struct.unpack(f"{usable // 4}i", payload[:usable]))
    try:
        if flags & socket.MSG_CTRUNC:
            raise ValueError("too many descriptors")
        if len(data) < 4:
            data += _recv_exactly(conn, 4 - len(data))
        size = int.from_bytes(data[:4], "big")
        body = data[4:]
        if len(body) < size:
            body += _recv_exactly(conn, size - len(body))
        return body.split(b"\0"), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = conn.recv(min(size, 1 << 20))
        if not chunk:
            raise ValueError("the client hung up mid-request")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return b""
        data += chunk
    return data[:-1]


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lablog.worker")
    parser.add_argument("--lock-fd", type=int, required=True)
    parser.add_argument("directory")
    parser.add_argument("install")
    parser.add_argument("key")
    args = parser.parse_args(argv)
    # Hold nothing the client happened to pass on (a pipe someone waits to close), only the lock.
    os.closerange(3, args.lock_fd)
    os.closerange(args.lock_fd + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
    os.chdir("/")
    # The client computed these in its own interpreter; a worker that would import other code exits.
    if client.identity() != (args.install, args.key):
        raise SystemExit(f"this interpreter does not match the client's ({client.identity()})")
    idle = float(os.environ.get("LABLOG_WORKER_IDLE") or client.IDLE_SECONDS)
    worker = Worker(args.directory, args.install, args.key, args.lock_fd, idle)
    worker.bind()
    gc.disable()
    preload()
    worker.listen()
    # Keep the preloaded objects out of the collector's way: forks then share their pages.
    gc.collect()
    gc.freeze()
    gc.enable()
    worker.serve()


if __name__ == "__main__":
    main()
