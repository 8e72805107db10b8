"""The `lablog` entry point: hand the command to the preloaded worker, else run it here.

Importing SQLModel, SQLAlchemy and Typer takes most of a second, and people
run lablog dozens of times a day. So each user gets one background worker
per lablog installation (lablog.worker) that has imported all of that once.
For every command this client connects to the worker's unix socket and sends
its argv, working directory, environment and umask together with its own
stdin, stdout and stderr (SCM_RIGHTS). The worker forks; the fork adopts
those descriptors and runs the command exactly as this process would, then
the client exits with its exit code. Ctrl-C and friends are forwarded.

Whenever the worker cannot be used (LABLOG_NO_WORKER=1, no fork or fd passing
on this platform, a runtime directory that is not private, a worker that is
not up yet or out of date) the command runs right here, as it always did.
The first command after a login or an upgrade starts the worker in the
background and runs in-process, so it is never slower than before.

This module must stay cheap to import: it uses only the interpreter's C
modules (`_socket`, `_signal`), because the public `socket` and `signal`
modules pull in `enum` and `selectors`, about 14 ms of a 100 ms budget.
LABLOG_DEBUG=1 says on stderr why the worker was not used.
"""

import os
import stat
import sys

PROTOCOL = b"lablog-1"
# The worker exits after this many seconds without a command (LABLOG_WORKER_IDLE).
IDLE_SECONDS = 300
# How long to wait for a running worker to accept a command before running in-process.
CONNECT_TIMEOUT = 5.0
# sockaddr_un.sun_path is 104 bytes on macOS, 108 on Linux.
MAX_SOCKET_PATH = 100


class Unavailable(Exception):
    """The worker cannot be used for this command; run it in-process."""


def main() -> None:
    """Run `lablog` with the arguments in sys.argv."""
    code = None
    if _wanted():
        try:
            code = run_in_worker(sys.argv[1:], prog_name=_prog_name())
        except Unavailable as e:
            debug(f"{e}; running in-process")
        except OSError as e:
            # Only ever raised before the command started (see run_in_worker).
            debug(f"cannot use the worker ({e}); running in-process")
    if code is None:
        from lablog.cli import main as run_here

        run_here()
        return
    sys.exit(code)


def _wanted() -> bool:
    if os.environ.get("LABLOG_NO_WORKER", "") not in ("", "0"):
        return False
    if _command(sys.argv[1:]) in FULL_SCREEN:
        return False
    return supported()


# Full-screen commands run in-process: the terminal's signals (a resized window)
# go to this process, not to a worker's fork, and their start-up time hardly counts.
FULL_SCREEN = ("board",)


def _command(argv: list[str]) -> str | None:
    """The command's name: the first word after the root options (--db and --as take a value)."""
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("--db", "--as") else 1
    return argv[i] if i < len(argv) else None


def supported() -> bool:
    """Whether this platform can run commands in a forked worker (not Windows)."""
    try:
        import _socket
    except ImportError:
        return False
    return (
        hasattr(os, "fork")
        and hasattr(_socket, "AF_UNIX")
        and hasattr(_socket, "SCM_RIGHTS")
        and hasattr(_socket.socket, "sendmsg")
    )


def debug(message: str) -> None:
    if os.environ.get("LABLOG_DEBUG"):
        print(f"lablog: {message}", file=sys.stderr)


def _prog_name() -> str:
    """What Click would call this program: `lablog`, or `python -m lablog`."""
    main_module = sys.modules.get("__main__")
    package = getattr(main_module, "__package__", None)
    if not package:
        return os.path.basename(sys.argv[0])
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    return f"python -m {package if name == '__main__' else f'{package}.{name}'}"


# Where the worker lives ----------------------------------------------------------


# A unix socket's path has at most 107 bytes; the socket's own name takes 24.
SOCKET_DIR_MAX = 80


def runtime_dir() -> str:
    """The private directory that holds the worker's socket, created 0700 when missing.

    LABLOG_RUNTIME_DIR, else $XDG_RUNTIME_DIR/lablog, else lablog/run in the
    user's cache directory ($XDG_CACHE_HOME or ~/.cache): never a name in /tmp
    that another user could take first. It must be a real directory owned by
    this user and closed to everyone else.
    """
    uid = os.geteuid()
    path = os.environ.get("LABLOG_RUNTIME_DIR")
    if not path:
        xdg = os.environ.get("XDG_RUNTIME_DIR")
        if xdg and _is_private_dir(xdg, uid, strict=False):
            path = os.path.join(xdg, "lablog")
        else:
            cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            path = os.path.join(cache, "lablog", "run")
    try:
        if not os.environ.get("LABLOG_RUNTIME_DIR") and not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path), 0o700, exist_ok=True)
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError as e:
        raise Unavailable(f"cannot create the runtime directory {path}: {e.strerror}") from None
    if len(path) > SOCKET_DIR_MAX:
        raise Unavailable(f"the runtime directory {path} is too long a path for a socket")
    if not _is_private_dir(path, uid, strict=True):
        raise Unavailable(f"{path} is not a directory of this user's closed to others; not using it")
    return path


def _is_private_dir(path: str, uid: int, *, strict: bool) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    private = not strict or not st.st_mode & 0o077
    return stat.S_ISDIR(st.st_mode) and st.st_uid == uid and private


def identity() -> tuple[str, str]:
    """(installation, code): which worker serves this lablog, and whether it is current.

    The installation is the interpreter, its settings and the import path, so
    two virtualenvs get two workers. The code key changes with lablog's version
    and every edit to its .py files, a Python upgrade, or a package installed
    next to it: a worker whose key differs from the client's exits, and the next
    command starts a fresh one.
    """
    import lablog

    package = os.path.dirname(os.path.abspath(lablog.__file__))
    # sys.path[0] is the script's directory or the cwd; the worker runs with -P.
    path = sys.path if sys.flags.safe_path else sys.path[1:]
    flags = [getattr(sys.flags, f) for f in ("optimize", "dev_mode", "utf8_mode", "isolated", "no_site")]
    python = os.path.realpath(sys.executable)
    install = "\0".join([python, package, *path, repr(flags), sys.getfilesystemencoding()])

    parts = [lablog.__version__, _stamp(python), _stamp(os.path.dirname(os.__file__))]
    parts += [_stamp(p) for p in path if p.endswith("-packages")]
    parts += _tree_stamps(package)
    code = "\0".join(parts)
    return _digest(install), _digest(code)


def _digest(text: str) -> str:
    import zlib

    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def _stamp(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:-"
    return f"{path}:{st.st_mtime_ns}:{st.st_size}"


def _tree_stamps(top: str) -> list[str]:
    stamps = []
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return stamps
    for entry in entries:
        if entry.name.endswith(".py"):
            st = entry.stat()
            stamps.append(f"{entry.name}:{st.st_mtime_ns}:{st.st_size}")
        elif entry.is_dir() and entry.name != "__pycache__" and not entry.name.startswith("."):
            stamps += [f"{entry.name}/{s}" for s in _tree_stamps(entry.path)]
    return stamps


def paths(directory: str, install: str) -> dict[str, str]:
    base = os.path.join(directory, f"w-{install}")
    return {"socket": base + ".sock", "lock": base + ".lock", "log": base + ".log", "pid": base + ".pid"}


# Talking to the worker -----------------------------------------------------------


def run_in_worker(argv: list[str], *, prog_name: str) -> int:
    """Run one command in the worker; its exit code, or Unavailable before it started."""
    directory = runtime_dir()
    install, key = identity()
    where = paths(directory, install)
    sock = _connect(where["socket"])
    if sock is None:
        started = start_worker(directory, install, key)
        raise Unavailable("no worker was running; started one" if started else "the worker is starting")

    try:
        cwd = os.getcwd()
    except OSError as e:
        sock.close()
        raise Unavailable(f"no working directory ({e.strerror})") from None
    fields = [cwd, prog_name, oct(_umask())]
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        fields += [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"]
    fields.append(str(len(argv)))
    payload = [os.fsencode(f) for f in [*fields, *argv]]
    payload += [k + b"=" + v for k, v in os.environb.items()]
    fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
    replies = _Replies(sock)
    try:
        _send(sock, b"run", install, key, payload, fds)
        reply = replies.next()
    except OSError as e:
        sock.close()
        raise Unavailable(f"the worker did not take the command ({e})") from None
    if reply == b"stale":
        sock.close()
        start_worker(directory, install, key)
        raise Unavailable("the worker was out of date; starting a new one")
    if not reply.startswith(b"pid "):
        sock.close()
        raise Unavailable(f"the worker answered {reply!r}")
    pid = int(reply.split()[1])
    # Forward signals before "go": a Ctrl-C at the command's first prompt must reach it.
    # Said before "go", so it comes before anything the command writes.
    debug(f"worker runs the command as process {pid}")
    with _forward_signals(pid):
        try:
            # Until "go" the fork waits; without it, it exits and runs nothing.
            sock.sendall(b"go\n")
        except OSError as e:
            sock.close()
            raise Unavailable(f"the worker went away ({e})") from None
        sock.settimeout(None)
        try:
            reply = replies.next()
        except OSError:
            reply = b""
    sock.close()
    return _exit_code(reply)


def _exit_code(reply: bytes) -> int:
    import _signal

    word, _, value = reply.partition(b" ")
    if word == b"exit":
        return int(value)
    if word == b"killed":
        signum = int(value)
        if signum in _FORWARDED:
            # Die of the same signal, so a shell loop stops on Ctrl-C as it should.
            _signal.signal(signum, _signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        _say_error(CRASHED, signum=signum)
        return 1
    _say_error(STOPPED)
    return 1


def N_(message: str) -> str:
    """Mark `message` for the catalog (as lablog.i18n.N_ does, without importing it here)."""
    return message


CRASHED = N_(
    "the command crashed (signal {signum}); run it again with LABLOG_NO_WORKER=1, "
    "and report it if it crashes again"
)
STOPPED = N_("lablog's worker stopped before the command finished; run it again")


def _say_error(message: str, **values) -> None:
    """An error of the worker's, in the user's language (imported only now: the client stays light)."""
    from lablog import i18n

    i18n.activate()
    print(i18n._("Error: {message}").format(message=i18n._(message).format(**values)), file=sys.stderr)


def request(op: str) -> str | None:
    """Send a control request (status, stop) to this lablog's worker; its answer, or None."""
    directory = runtime_dir()
    install, key = identity()
    sock = _connect(paths(directory, install)["socket"])
    if sock is None:
        return None
    try:
        _send(sock, op.encode(), install, key, [], b"")
        return _Replies(sock).next().decode()
    except OSError:
        return None
    finally:
        sock.close()


def _connect(path: str):
    import _socket

    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise Unavailable(f"the socket path {path} is too long for a unix socket")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != os.geteuid():
        raise Unavailable(f"{path} is not a socket of this user's; not using it")
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(CONNECT_TIMEOUT)
    try:
        sock.connect(path)
    except (ConnectionRefusedError, FileNotFoundError):
        # Left behind by a worker that died: a new one replaces it.
        sock.close()
        return None
    except OSError as e:
        sock.close()
        raise Unavailable(f"cannot connect to {path}: {e}") from None
    return sock


def _send(sock, op: bytes, install: str, key: str, payload: list[bytes], fds: bytes) -> None:
    """One request: its length, then NUL-separated fields; the fds travel with the first byte."""
    import _socket

    body = b"\0".join([PROTOCOL, op, install.encode(), key.encode(), *payload])
    data = len(body).to_bytes(4, "big") + body
    ancillary = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)] if fds else []
    sent = sock.sendmsg([data], ancillary)
    if sent < len(data):
        sock.sendall(data[sent:])


class _Replies:
    """The worker's answers: one ASCII line each; b"" at end of stream."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def next(self) -> bytes:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return b""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


# Signals: the command runs in another process, so pass on what the user sends.

_FORWARDED = (2, 15, 1, 3)  # SIGINT, SIGTERM, SIGHUP, SIGQUIT


class _forward_signals:
    def __init__(self, pid: int):
        self.pid = pid
        self.saved: dict[int, object] = {}

    def _forward(self, signum, _frame) -> None:
        try:
            os.killpg(self.pid, signum)  # the command runs in a process group of its own
        except OSError:
            pass

    def _suspend(self, signum, _frame) -> None:
        # Ctrl-Z: stop the command too, then stop as usual; SIGCONT resumes both.
        import _signal

        try:
            os.killpg(self.pid, _signal.SIGSTOP)
        except OSError:
            pass
        _signal.signal(signum, _signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        _signal.signal(signum, self._suspend)

    def __enter__(self):
        import _signal

        handlers = {s: self._forward for s in _FORWARDED}
        if hasattr(_signal, "SIGTSTP"):
            handlers[_signal.SIGTSTP] = self._suspend
            handlers[_signal.SIGCONT] = self._forward
        for signum, handler in handlers.items():
            try:
                self.saved[signum] = _signal.signal(signum, handler)
            except (OSError, ValueError):
                pass
        return self

    def __exit__(self, *exc) -> None:
        import _signal

        for signum, handler in self.saved.items():
            _signal.signal(signum, handler)


# Starting the worker --------------------------------------------------------------


def start_worker(directory: str, install: str, key: str) -> bool:
    """Start this installation's worker in the background unless one is starting already.

    The worker inherits the lock taken here and keeps it for its lifetime, so
    two clients racing to start one cannot both succeed.
    """
    import fcntl

    where = paths(directory, install)
    try:
        lock = os.open(where["lock"], os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        debug(f"cannot open {where['lock']}: {e.strerror}")
        return False
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a worker holds it: starting up, or stopping
        os.set_inheritable(lock, True)
        import subprocess

        python = sys.executable
        flags = subprocess._args_from_interpreter_flags()
        argv = [python, *flags, "-P", "-m", "lablog.worker", "--lock-fd", str(lock), directory, install, key]
        log = where["log"] if os.environ.get("LABLOG_DEBUG") else os.devnull
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        ]
        try:
            os.posix_spawn(python, argv, os.environ, file_actions=actions, setsid=True)
        except (OSError, NotImplementedError) as e:
            debug(f"cannot start the worker ({e})")
            return False
        return True
    finally:
        os.close(lock)
