"""`lablog sprint note …`: list, edit and delete review notes and retrospective lines."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, console, emit_json, notice, reading, session
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="A sprint's review notes and retrospective lines."
)

IdArg = Annotated[int, typer.Argument(metavar="ID", min=1, help="The note's id, from `sprint note list`.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")],
    number: Annotated[
        int | None,
        typer.Argument(
            metavar="[N]", help="The sprint number (default: the active one, else the last closed)."
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List a sprint's review notes and retrospective lines, with their ids.

    Example: lablog sprint note list HJBH 3
    """
    from lablog.queries import sprint_notes
    from lablog.render import privacy as render

    with reading(ctx) as r:
        rows = sprint_notes.list_notes(r, lab=lab, number=number)
    if json:
        return emit_json(rows)
    render.notes(console(), rows)


@app.command("edit")
def edit(
    ctx: typer.Context,
    id: IdArg,
    text: Annotated[str, typer.Option("--text", "-t", help="The note's new text.")],
    redact_history: Annotated[
        bool,
        typer.Option("--redact-history", help="Also replace the old text with [redacted] in the change log."),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Change a note's text. The log keeps the old text unless --redact-history is given.

    An action's backlog item keeps its own title; edit it with `lablog item edit`.

    Example: lablog sprint note edit 12 --text "Hjemmesygeplejen udvider til weekender"
    """
    from lablog.services import sprint_notes

    with session(ctx) as s:
        row = sprint_notes.edit(s, id=id, text=text, redact_history=redact_history)
    if json:
        return emit_json(row)
    notice(_("Updated note {id} of {lab} sprint {number}").format(id=row.id, lab=row.lab, number=row.sprint))


@app.command("delete")
def delete(ctx: typer.Context, id: IdArg, yes: YesOpt = False, json: JsonOpt = False) -> None:
    """Delete a note; its text leaves the log too. An action's backlog item stays.

    Example: lablog sprint note delete 12 --yes
    """
    from lablog.services import sprint_notes

    confirm(_("Delete sprint note {id}?").format(id=id), yes)
    with session(ctx) as s:
        row = sprint_notes.delete(s, id=id)
    if json:
        return emit_json(row)
    notice(_("Deleted note {id} of {lab} sprint {number}").format(id=row.id, lab=row.lab, number=row.sprint))
