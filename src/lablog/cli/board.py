"""`lablog board [LAB]`: the live stand-up board of a lab's active sprint.

The full-screen app (lablog.tui.board, on Textual) is imported only when it
runs, so no other command pays for it. Off a terminal the board is printed
once as plain text instead.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from lablog.cli._common import AppState, JsonOpt, emit_json, reading, session, state
from lablog.errors import LablogError
from lablog.i18n import N_, _

LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code (default: your default lab).")]


def board(ctx: typer.Context, lab: LabArg, json: JsonOpt = False) -> None:
    # The help is BOARD_HELP, below: registered as a plain function, this docstring
    # would not reach the catalog.
    from lablog.render import board as render

    store = BoardStore(state(ctx), lab)
    first = store.load(None)
    if json:
        return emit_json(render.to_json(first))
    if not _at_terminal():
        sys.stdout.write(render.plain(first))
        return
    from lablog.tui.board import BoardApp

    app = BoardApp(store, first)
    app.run()
    if app.return_code:
        raise typer.Exit(app.return_code)


BOARD_HELP = N_(
    """Show a lab's active sprint as a live board for the daily stand-up.

Columns for to do, doing, blocked and done under the sprint goal, days left
and a burndown. Arrows or h/j/k/l select an item; s starts it, d marks it
done, r reopens it, o shows one owner's items, enter shows its details, ? the
keys, q quits. Each move is recorded as `lablog item start|done|reopen` would
record it. Changes others make show within a few seconds.

When standard output is not a terminal (a pipe, a file, CI) the board is
printed once as plain text, or as JSON with --json.

Example: lablog board HJBH"""
)
board.__doc__ = BOARD_HELP


def _at_terminal() -> bool:
    # Textual reads the keys from stdin and draws on stderr; the board's text goes to stdout.
    return all(stream.isatty() for stream in (sys.stdin, sys.stdout, sys.stderr))


class BoardStore:
    """What the board reads and writes, each in a transaction of its own, as the commands do it.

    A move is exactly `lablog item start|done|reopen KEY`: the same service, the
    same actor, today's date, one transaction. Failures come out as LablogError,
    for the board to show in one line.
    """

    def __init__(self, app_state: AppState, lab: str):
        self.state = app_state
        self.lab = lab

    def load(self, number: int | None) -> Any:
        from lablog.queries import board

        def read():
            with reading(self.state) as r:
                found = board.load(r, lab=self.lab, number=number, today=self.state.today())
            # The code as stored (the user may have typed it in any case): the change log's `lab`.
            self.lab = found.detail.sprint.lab
            return found

        return _user_errors(read)

    def stamp(self) -> tuple:
        from lablog.queries import board

        def read():
            with reading(self.state) as r:
                return board.stamp(r, lab=self.lab)

        return _user_errors(read)

    def move(self, key: str, to: str) -> Any:
        from lablog.services import backlog

        def write():
            today = self.state.today()
            with session(self.state) as s:
                return backlog.transition(s, key=key, to=to, on=today, actor=self.state.actor(), today=today)

        return _user_errors(write)

    def item(self, key: str) -> Any:
        from lablog.services import backlog

        def read():
            with session(self.state, write=False) as s:
                return backlog.show(s, key=key)

        return _user_errors(read)


def _user_errors(work: Callable[[], Any]) -> Any:
    """work(), with any database failure as a LablogError for the board to show in one line.

    A board stays open for the whole stand-up: a server that restarts or a file
    that is busy is said, and the next poll tries again, rather than ending it.
    """
    try:
        return work()
    except LablogError:
        raise
    except Exception as e:
        from lablog.cli._common import _one_line, _store_error

        translated = _store_error(e)
        if translated is not None:
            raise translated from e
        if type(e).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
            text = _one_line(str(e)).split(" [SQL:", 1)[0]
            raise LablogError(_("the store failed: {error}").format(error=text)) from e
        raise
