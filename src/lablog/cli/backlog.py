"""`lablog backlog …`: a lab's backlog, in rank order."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    actor,
    console,
    date_or_today,
    emit_json,
    emit_json_list,
    notice,
    reading,
    session,
    today,
    typed_text,
)
from lablog.enums import ItemStatus, ItemType
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="A lab's backlog: add, list and rank items."
)

LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")]
KeyArg = Annotated[str, typer.Argument(metavar="KEY", help="An item key, e.g. HJBH-12.")]
PointsOpt = Annotated[
    float | None, typer.Option("--points", "-p", help="Estimate: 0, 0.5, 1, 2, 3, 5, 8, 13, 20, 40, 100.")
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag; repeat for several.")]


def read_text(ctx: typer.Context, value: str | None) -> str | None:
    """`-` means: read the text from stdin (for long descriptions)."""
    if value == "-":
        return typed_text(ctx, sys.stdin.read(), _("the description on standard input"))
    return value


@app.command("add")
def add(
    ctx: typer.Context,
    lab: LabArg,
    title: Annotated[str, typer.Argument(help="What to do, in a line.")],
    points: PointsOpt = None,
    type_: Annotated[ItemType, typer.Option("--type", help="What kind of item.")] = ItemType.story,
    tag: TagOpt = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="Who owns it (a handle).")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="A longer description; - reads stdin.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day it came on the board (default today).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Add an item to the bottom of a lab's backlog.

    Example: lablog backlog add HJBH "Test fælles medicinliste med hjemmesygeplejen" --points 5 -t medicin
    """
    from lablog.services import backlog

    _points, warning = backlog.check_points(points)
    text = read_text(ctx, description)
    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        item = backlog.add(
            s,
            lab=lab,
            title=title,
            points=points,
            type=type_.value,
            tags=tag,
            owner=owner,
            description=text,
            on=day,
            actor=actor(ctx),
            today=today(ctx),
        )
    if warning:
        notice(warning)
    if json:
        return emit_json(item)
    notice(_("Added {key}: {title}").format(key=item.key, title=item.title))


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: LabArg,
    status: Annotated[
        ItemStatus | None, typer.Option("--status", "-s", help="Only items with this status.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only items with this tag.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="Only this person's items.")] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Only items whose title or description has this.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include done and dropped items.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many.")] = None,
    json: JsonOpt = False,
) -> None:
    """List a lab's backlog in rank order (by default what is still to do).

    Example: lablog backlog list HJBH --tag medicin
    """
    from lablog.queries import backlog
    from lablog.render import backlog as render

    with reading(ctx) as r:
        rows = backlog.items(
            r,
            lab=lab,
            status=status.value if status else None,
            tag=tag,
            owner=owner,
            text=text,
            include_all=all_,
            limit=limit,
        )
        # Streamed while the read transaction is open: a lab's whole history
        # never has to be in memory at once.
        if json:
            return emit_json_list(rows)
        render.items(console(), rows)


@app.command("rank")
def rank(
    ctx: typer.Context,
    key: KeyArg,
    top: Annotated[bool, typer.Option("--top", help="Move to the top.")] = False,
    bottom: Annotated[bool, typer.Option("--bottom", help="Move to the bottom.")] = False,
    before: Annotated[
        str | None, typer.Option("--before", metavar="KEY", help="Move just above this item.")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", metavar="KEY", help="Move just below this item.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Move an item up or down its lab's backlog.

    Example: lablog backlog rank HJBH-12 --before HJBH-3
    """
    from lablog.services import backlog

    if sum([top, bottom, before is not None, after is not None]) != 1:
        raise typer.BadParameter(
            _("give one of --top, --bottom, --before KEY or --after KEY"), param_hint="KEY"
        )
    with session(ctx) as s:
        item = backlog.rank(s, key=key, top=top, bottom=bottom, before=before, after=after)
    if json:
        return emit_json(item)
    if top:
        said = _("Moved {key} to the top")
    elif bottom:
        said = _("Moved {key} to the bottom")
    elif before:
        said = _("Moved {key} before {other}")
    else:
        said = _("Moved {key} after {other}")
    notice(said.format(key=item.key, other=(before or after or "").upper()))
