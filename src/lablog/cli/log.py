"""`lablog log`: who changed what, and when."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, console, emit_json, parse_date, session
from lablog.i18n import N_

# log's help (its docstring, as Typer shows it), marked for the catalog, which finds the
# docstrings of decorated commands only.
N_(
    "Show the history of changes to the store, newest first: who, when, what.\n\n"
    "Example: lablog log --lab HJBH --since -2w"
)


def log(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", metavar="LAB", help="Only changes to this lab.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only changes saved on or after this day.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--actor", metavar="HANDLE", help="Only changes made by this user.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show at most N changes; 0 for all.")] = 50,
    json: JsonOpt = False,
) -> None:
    """Show the history of changes to the store, newest first: who, when, what.

    Example: lablog log --lab HJBH --since -2w
    """
    from lablog.render import tables
    from lablog.services import changelog

    day = parse_date(ctx, since, "--since")
    with session(ctx, write=False) as s:
        rows = changelog.history(s, lab=lab, since=day, actor=actor, limit=limit or None)
    from lablog import i18n
    from lablog.render.changes import describe

    if json:
        # JSON is for programs: its summary stays English whatever the language.
        with i18n.speaking("en"):
            return emit_json([r.replace(summary=describe(r)) for r in rows])
    tables.changes(console(), [r.replace(summary=describe(r)) for r in rows])
