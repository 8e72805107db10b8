"""The `lablog` command: a root Typer app with one sub-app per noun.

Only typer and lablog's light modules are imported here, so `lablog --help`
stays quick; commands import the database layer when they run.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lablog import __version__
from lablog.cli import (
    backlog,
    board,
    completion,
    config,
    db,
    export,
    item,
    knowledge,
    lab,
    log,
    org,
    person,
    privacy,
    report,
    search,
    sm,
    sprint,
    sprint_note,
    worker,
)
from lablog.cli import decision as decision_cli
from lablog.cli import impediment as impediment_cli
from lablog.cli import imports as imports_cli
from lablog.cli import measure as measure_cli
from lablog.cli import meeting as meeting_cli
from lablog.cli import pdsa as pdsa_cli
from lablog.cli._common import AppState, LablogGroup

app = typer.Typer(
    cls=LablogGroup,
    name="lablog",
    help="Track sprints, backlogs, scrum masters and knowledge across a programme of labs.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help: Rich's help panels would import rich.table on every --help.
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"lablog {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db_url: Annotated[
        str | None,
        typer.Option("--db", metavar="URL|PATH", help="The store: a SQLite path or a database URL."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    as_user: Annotated[
        str | None,
        typer.Option("--as", metavar="HANDLE", help="Record changes as this person (default: LABLOG_USER)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    allow_number: Annotated[
        bool,
        typer.Option(
            "--allow-number",
            help="Accept a number that looks like a CPR number but is not one (recorded in the log); "
            "may be given anywhere on the command line.",
        ),
    ] = False,
) -> None:
    """lablog: a tracker for Scrum-run laboratories.

    Example: lablog demo
    """
    ctx.obj = AppState(db=db_url, debug=debug, as_user=as_user, allow_number=allow_number)
    ctx.call_on_close(ctx.obj.close)


db.register(app)
app.add_typer(db.app, name="db")
app.add_typer(org.app, name="org")
app.add_typer(person.app, name="person")
app.add_typer(lab.app, name="lab")
app.add_typer(sm.app, name="sm")
app.add_typer(backlog.app, name="backlog")
app.add_typer(item.app, name="item")
app.add_typer(sprint.app, name="sprint")
app.add_typer(knowledge.app, name="knowledge")
app.add_typer(impediment_cli.app, name="impediment")
app.add_typer(decision_cli.app, name="decision")
app.add_typer(measure_cli.app, name="measure")
app.add_typer(pdsa_cli.app, name="pdsa")
app.add_typer(meeting_cli.app, name="meeting")
app.add_typer(report.app, name="report")
app.add_typer(export.app, name="export")
app.command("log")(log.log)
app.command("search")(search.search)
app.command("board")(board.board)
app.add_typer(worker.app, name="worker")
app.add_typer(privacy.app, name="privacy")
app.add_typer(config.app, name="config")
app.command("completion")(completion.completion)
sprint.app.add_typer(sprint_note.app, name="note")
app.add_typer(imports_cli.app, name="import")


def main() -> None:
    app()
