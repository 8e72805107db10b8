"""`lablog decision …`: what the steering group, the network or a lab decided."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    actor,
    console,
    emit_json,
    notice,
    parse_date,
    reading,
    session,
    today,
)
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Decisions: what the steering group, the scrum-master network or a lab decided, and when.",
)

ByOpt = Annotated[
    str,
    typer.Option("--by", metavar="steering-group|network|LAB", help="Who decided: a body, or a lab's code."),
]


@app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What was decided.")],
    by: ByOpt,
    resolves: Annotated[
        str | None,
        typer.Option(
            "--resolves", metavar="ID", help="The impediment this decision resolves (closes), e.g. I-4."
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="The day it was decided (default: the meeting's day with --meeting, else today)."
        ),
    ] = None,
    meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting", metavar="ID", help="The meeting it was taken at, e.g. MT-3 (listed in its minutes)."
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Record a decision; with --resolves it closes that impediment too.

    With --meeting the decision is linked to the meeting it was taken at and
    dated its day; `lablog meeting show` lists a meeting's decisions.

    Example: lablog decision add "Læseadgang til hjemmeplejen" --by steering-group --meeting MT-3
    """
    from lablog.services import decision

    day = parse_date(ctx, on, "--on")
    with session(ctx) as s:
        row = decision.add(
            s,
            text=text,
            by=by,
            resolves=resolves,
            on=day,
            today=today(ctx),
            actor=actor(ctx),
            meeting=meeting,
        )
    if json:
        return emit_json(row)
    from lablog.queries.impediment import LEVEL_NAMES
    from lablog.queries.labs import label

    # steering-group in English (the value typed), "styregruppen" in Danish.
    by = row.lab or label(LEVEL_NAMES, row.by)
    if row.resolves and row.meeting:
        message = _("Recorded {key} by {who} on {day} at {meeting}; {impediment} is resolved")
    elif row.resolves:
        message = _("Recorded {key} by {who} on {day}; {impediment} is resolved")
    elif row.meeting:
        message = _("Recorded {key} by {who} on {day} at {meeting}")
    else:
        message = _("Recorded {key} by {who} on {day}")
    notice(message.format(key=row.key, who=by, day=row.on, impediment=row.resolves, meeting=row.meeting))


@app.command("list")
def list_(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Taken on or after this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Taken on or before this day.")] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="steering-group|network|LAB", help="Only those of this body or lab."),
    ] = None,
    meeting: Annotated[
        str | None,
        typer.Option("--meeting", metavar="ID", help="Only those taken at this meeting, e.g. MT-3."),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List decisions in the order they were taken.

    Example: lablog decision list --since 2026-W40 --by steering-group
    """
    from lablog.queries import decision
    from lablog.render import decision as render

    first, last = parse_date(ctx, since, "--since"), parse_date(ctx, until, "--until")
    with reading(ctx) as r:
        held = None
        if meeting is not None:
            from lablog.queries import meeting as meetings

            held = meetings.find(r, meeting)
        rows = decision.list_(r, since=first, until=last, by=by, meeting=held)
    if json:
        return emit_json(rows)
    render.decisions(console(), rows)


@app.command("show")
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="ID", help="The decision's number, e.g. D-2 or 2.")],
    json: JsonOpt = False,
) -> None:
    """Show a decision and the impediment it resolved.

    Example: lablog decision show D-2
    """
    from lablog.queries import decision
    from lablog.render import decision as render

    with reading(ctx) as r:
        d = decision.detail(r, ref=ref, today=today(ctx))
    if json:
        return emit_json(d)
    render.detail(console(), d)
