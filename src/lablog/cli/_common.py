"""What every command shares: the app state, sessions, output and error handling."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from lablog import i18n, text
from lablog.cli import argv as cli_argv
from lablog.cli import language
from lablog.errors import LablogError
from lablog.i18n import _
from lablog.text import visible

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


@dataclass
class AppState:
    """Per-invocation state; nothing global, so a command can run twice in one process."""

    db: str | None = None
    debug: bool = False
    as_user: str | None = None
    # --allow-number: the user confirmed that a CPR-like number is not one.
    allow_number: bool = False
    _engine: Any = field(default=None, repr=False)
    _store: Any = field(default=None, repr=False)
    # What opening the store had to say (it was created or upgraded), kept for the command
    # to say when it has succeeded, instead of at once: see `lablog import`.
    held_notices: list[str] | None = field(default=None, repr=False)
    _actor: str | None = field(default=None, repr=False)

    def today(self) -> date:
        # LABLOG_TODAY pins the clock for scripted sessions and tests.
        if value := os.environ.get("LABLOG_TODAY"):
            return date.fromisoformat(value)
        return date.today()

    def now(self) -> datetime:
        """The time in UTC; on the pinned day when LABLOG_TODAY pins the clock."""
        now = datetime.now(UTC).replace(microsecond=0)
        if os.environ.get("LABLOG_TODAY"):
            return datetime.combine(self.today(), now.timetz())
        return now

    def actor(self) -> str:
        """Who is making changes: as resolved by the write's session, else as configured."""
        return self._actor if self._actor is not None else self.actor_source()[0]

    def actor_source(self) -> tuple[str, str]:
        """(name, where it came from): --as, LABLOG_USER, the config file's `user`, the OS login."""
        if self.as_user:
            return self.as_user, "--as"
        if value := os.environ.get("LABLOG_USER"):
            return value, "LABLOG_USER"
        from lablog import config

        if value := config.load().get("user"):
            return str(value), "config"
        import getpass

        try:
            return getpass.getuser(), "login"
        except (KeyError, OSError):
            return "unknown", "login"

    def resolve_actor(self, session) -> str:
        """The name a write records: a person's handle when the configured name is one of
        theirs (handle, e-mail, name or unique prefix), else the name as given, with a note."""
        if self._actor is not None:
            return self._actor
        from lablog.queries import refs
        from lablog.reader import SessionReader

        name, source = self.actor_source()
        handle = refs.person_handle(SessionReader(session), name)
        if handle is None and source in ("--as", "config"):
            people = SessionReader(session).rows("SELECT count(*) FROM person")[0][0]
            if people:
                if source == "--as":
                    message = _(
                        "Note: --as {name!r} is no person in this store; changes are recorded as "
                        "{name!r} (see `lablog person list`)"
                    )
                else:
                    message = _(
                        "Note: the config's user {name!r} is no person in this store; changes are "
                        "recorded as {name!r} (see `lablog person list`)"
                    )
                note_on_success(message.format(name=name))
        if source == "login":
            _note_login_once(name)
        self._actor = handle or name
        return self._actor

    @property
    def store(self):
        if self._store is None:
            from lablog import db

            self._store = db.resolve(self.db)
        return self._store

    def engine(self, *, auto_upgrade: bool | None = None, create: bool = False, init: bool = False):
        """The store's engine. Only `create` (a write) or `init` makes a missing SQLite store,
        and only `init` (or the default location) makes the directories it goes in."""
        if self._engine is None:
            from lablog import db, schema

            store = self.store
            if store.sqlite_path:
                db.check_sqlite_file(
                    store.sqlite_path, create=create or init, dirs=init or store.source == "default"
                )
                db.prepare_sqlite_file(store.sqlite_path)
            engine = db.create_engine(store)
            allowed = store.is_sqlite if auto_upgrade is None else auto_upgrade
            message = schema.check(engine, store, auto_upgrade=allowed)
            if message and self.held_notices is not None:
                self.held_notices.append(message)
            elif message:
                notice(message)
            self._engine = engine
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _note_login_once(name: str) -> None:
    """The first write with no user configured says, once per user, whose name it records."""
    from lablog import config

    marker = config.data_dir() / "user-noted"
    if marker.exists():
        return

    def remember() -> None:
        try:
            from lablog import files

            files.private_dirs(marker.parent)
            marker.touch(mode=0o600)
        except OSError:
            pass

    note_on_success(
        _(
            "Note: changes are recorded as {name!r}, your login; to record them as you, "
            "run `lablog config set user HANDLE` (this note is shown once)"
        ).format(name=name),
        remember,
    )


def state(ctx: typer.Context | AppState) -> AppState:
    if isinstance(ctx, AppState):
        # The board works on after its command returned control to Textual: no Click context.
        return ctx
    root = ctx.find_root()
    if root.obj is None:
        root.obj = AppState()
    return root.obj


@contextmanager
def session(ctx: typer.Context, *, write: bool = True) -> Iterator[Any]:
    """One session, one transaction: everything a command writes lands together or not at all."""
    from sqlmodel import Session

    engine = state(ctx).engine(create=write)
    if not write:
        # A read never commits; closing the session rolls its snapshot back.
        with Session(engine.execution_options(lablog_readonly=True)) as s:
            yield s
        return
    from lablog.services import changelog, search

    with Session(engine, expire_on_commit=False) as s, s.begin():
        changelog.track(s, actor=state(ctx).resolve_actor(s), allow_number=state(ctx).allow_number)
        search.watch(s)
        yield s


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Any]:
    """A lablog.reader.Reader for a command that only reads.

    On a SQLite store that is up to date this is stdlib sqlite3 alone; anything
    else (PostgreSQL, a store to create or upgrade) goes through session().
    """
    from lablog import reader

    st = state(ctx)
    path = st.store.sqlite_path
    if path is not None and st._engine is None:
        from lablog.backends import lock_timeout

        fast = reader.open_sqlite(path, timeout=lock_timeout())
        if fast is not None:
            try:
                yield fast
            finally:
                fast.close()
            return
    with session(ctx, write=False) as s:
        yield reader.SessionReader(s)


def today(ctx: typer.Context) -> date:
    return state(ctx).today()


def now(ctx: typer.Context) -> datetime:
    return state(ctx).now()


def actor(ctx: typer.Context) -> str:
    return state(ctx).actor()


def parse_date(ctx: typer.Context, value: str | None, option: str) -> date | None:
    """A date as users type it; a bad one is a usage error (exit 2)."""
    if value is None:
        return None
    from lablog.dates import parse_date as parse

    try:
        return parse(value, today=today(ctx))
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def typed_text(ctx: typer.Context, value: str | None, where: str) -> str | None:
    """Text read from a file or standard input, checked as typed arguments are (lablog.text)."""
    if value is None:
        return None
    from lablog import text
    from lablog.errors import InvalidValue

    try:
        return text.clean(value, where=where, allow_number=state(ctx).allow_number)
    except text.TextProblem as e:
        raise InvalidValue(str(e)) from None


def date_or_today(ctx: typer.Context, value: str | None, option: str) -> date:
    return parse_date(ctx, value, option) or today(ctx)


# Output ------------------------------------------------------------------------


def to_jsonable(data: Any) -> Any:
    from lablog.shapes import to_jsonable

    return to_jsonable(data)


def emit_json(data: Any) -> None:
    text = json.dumps(to_jsonable(data), ensure_ascii=False, indent=2)
    sys.stdout.write(text + "\n")


def write_json_array(out, items: Iterable[Any], indent: str) -> None:
    """A JSON array as json.dumps(..., indent=2) writes it at `indent`, item by item."""
    first = True
    for item in items:
        text = json.dumps(to_jsonable(item), ensure_ascii=False, indent=2)
        out.write(("[\n" if first else ",\n") + indent + "  " + text.replace("\n", "\n" + indent + "  "))
        first = False
    out.write("[]" if first else "\n" + indent + "]")


def emit_json_list(items: Iterable[Any]) -> None:
    """A JSON array written item by item: the same text as emit_json(list(items)), in flat memory."""
    write_json_array(sys.stdout, items, "")
    sys.stdout.write("\n")


def emit_json_streaming(data: Any, field_name: str, items: Iterable[Any]) -> None:
    """`data` as emit_json writes it, with its list `field_name` filled from `items` one by one.

    The same text as emit_json(data with that field set to list(items)), in flat memory.
    """
    doc = to_jsonable(data)
    marker = "\u0000streamed\u0000"
    doc[field_name] = marker
    head, tail = json.dumps(doc, ensure_ascii=False, indent=2).split(json.dumps(marker), 1)
    out = sys.stdout
    out.write(head)
    write_json_array(out, items, "  ")
    out.write(tail + "\n")


def console():
    """The stdout console: colour only on a terminal and without NO_COLOR; data's control characters shown."""
    from lablog.render.console import SafeConsole

    return SafeConsole(highlight=False, soft_wrap=False)


def err_console():
    from lablog.render.console import SafeConsole

    return SafeConsole(stderr=True, highlight=False)


def notice(message: str) -> None:
    """A message about what happened, on stderr so stdout stays data."""
    print(visible(message), file=sys.stderr)


# Notes shown only when the command succeeds, after it: a failed command says one
# line, its error. Reset by every run of the root command.
_LATER: list[tuple[str, Callable[[], None] | None]] = []


def note_on_success(message: str, then: Callable[[], None] | None = None) -> None:
    """Say `message` (and run `then`) once the command has succeeded."""
    _LATER.append((message, then))


def _say_later() -> None:
    for message, then in _LATER:
        notice(message)
        if then is not None:
            then()
    _LATER.clear()


def at_terminal() -> bool:
    """Whether someone can answer a question: standard input is a terminal.

    The one place commands ask, so that tests can answer as a person would.
    """
    return sys.stdin.isatty()


def confirm(message: str, yes: bool) -> None:
    """Ask before a destructive change; off a terminal, --yes is required."""
    if yes:
        return
    if not at_terminal():
        raise LablogError(
            _("{question} Pass --yes to confirm when not at a terminal").format(question=message)
        )
    if not typer.confirm(message, default=False):
        raise typer.Abort()


# Errors ------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class LablogGroup(TyperGroup):
    """The root command: every error becomes one line on stderr and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        _LATER.clear()
        # Chosen per command, from this command's environment: a worker serves many shells.
        i18n.activate()
        language.translate_tree(self)
        debug = "--debug" in argv or bool(os.environ.get("LABLOG_DEBUG"))
        try:
            argv, allow_number = text.check_argv(argv)
        except text.TextProblem as e:
            say_error(_one_line(e))
            sys.exit(2)
        if allow_number:
            # A root option, wherever it was typed: the check above took it out.
            argv.insert(0, text.ALLOW_NUMBER)
        if os.environ.get("_LABLOG_COMPLETE"):
            from lablog.cli import completion

            completion.prepare(self)
        try:
            command, at = cli_argv.leaf(self, argv)
            argv = cli_argv.with_default_lab(command, argv, at)
            for message in cli_argv.deprecated_short_options(command, argv[at:]):
                note_on_success(message)
            argv, shape = cli_argv.take_shape(command, argv, at)
            argv = cli_argv.decimal_commas(command, argv, at)
            output = nullcontext()
            if shape is not None:
                from lablog.cli import reshape

                output = reshape.held(reshape.converter(*shape))
        except LablogError as e:
            _refuse(e, debug=False)
        with output:
            self._run(argv, prog_name, complete_var, extra, debug)

    def _run(self, argv, prog_name, complete_var, extra, debug) -> None:
        try:
            rv = super().main(
                args=argv,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except LablogError as e:
            _refuse(e, debug)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            if (translated := _store_error(e)) is not None:
                _refuse(translated, debug)
            if type(e).__name__ == "NoArgsIsHelpError" and getattr(e, "ctx", None) is not None:
                # `lablog` or `lablog sprint` alone: the help, as asked for, not an error.
                print(e.ctx.get_help())
                sys.exit(0)
            if type(e).__name__ == "Abort":
                print(_("Aborted."), file=sys.stderr)
                sys.exit(1)
            if hasattr(e, "format_message") and hasattr(e, "exit_code"):
                sys.exit(_usage_error(e))
            if debug:
                raise
            sys.exit(_unexpected(e))
        code = rv if isinstance(rv, int) else 0
        if code == 0:
            _say_later()
        sys.exit(code)


def _refuse(e: LablogError, debug: bool) -> None:
    """A LablogError as users see it: one line on stderr (and the traceback with --debug), its exit code."""
    if debug:
        import traceback

        traceback.print_exc()
    say_error(visible(_one_line(e)))
    sys.exit(e.exit_code)


def say_error(message: str) -> None:
    print(_("Error: {message}").format(message=message), file=sys.stderr)


def _usage_error(e: Any) -> int:
    """Click's usage errors, in one line with a pointer to --help."""
    # Typer validates choices with pydantic, whose messages start "Value error, ".
    message = _one_line(e.format_message()).replace("Value error, ", "")
    ctx = getattr(e, "ctx", None)
    hint = ""
    if ctx is not None and e.exit_code == 2:
        hint = " " + _("(see `{command} --help`)").format(command=ctx.command_path)
    if message == "Missing argument 'LAB'.":
        hint = " " + _("(give the lab's code, or set your own: `lablog config set lab CODE`)")
    say_error(language.usage_message(message) + hint)
    return e.exit_code


def _store_error(e: Exception) -> LablogError | None:
    """A database failure with a known cause (a conflict, a busy store), as a user-facing error."""
    if "sqlalchemy" not in sys.modules:
        return None
    from lablog import backends

    return backends.translate(e)


def _unexpected(e: Exception) -> int:
    module = type(e).__module__
    text = _one_line(str(e)).split(" [SQL:", 1)[0]
    if module.startswith("sqlalchemy") or module.startswith(("sqlite3", "psycopg")):
        say_error(_("the store failed: {error}. Run with --debug for details").format(error=text))
        return 1
    if isinstance(e, OSError) and e.filename:
        say_error(f"{e.strerror}: {e.filename}")
        return 1
    say_error(
        _(
            "unexpected {kind}: {error}. This is a bug in lablog; run again with "
            "--debug and report the traceback"
        ).format(kind=type(e).__name__, error=text)
    )
    return 1
