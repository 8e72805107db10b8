"""`lablog item …`: one backlog item, its workflow and history."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, actor, console, date_or_today, emit_json, notice, session, today
from lablog.cli.backlog import KeyArg, PointsOpt, read_text
from lablog.enums import ItemType
from lablog.i18n import N_, _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="One backlog item: show, edit, move it along."
)

OnOpt = Annotated[
    str | None, typer.Option("--on", help="When it happened (default today); boards are often updated late.")
]


@app.command("show")
def show(ctx: typer.Context, key: KeyArg, json: JsonOpt = False) -> None:
    """Show an item with its dated history of changes.

    Example: lablog item show HJBH-12
    """
    from lablog.render import backlog as render
    from lablog.services import backlog

    with session(ctx, write=False) as s:
        detail = backlog.show(s, key=key)
    if json:
        return emit_json(detail)
    render.item_detail(console(), detail)


@app.command("edit")
def edit(
    ctx: typer.Context,
    key: KeyArg,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
    points: PointsOpt = None,
    no_points: Annotated[bool, typer.Option("--no-points", help="Clear the estimate.")] = False,
    type_: Annotated[ItemType | None, typer.Option("--type", help="A new type.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="A new owner ('' clears it).")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Add a tag; repeat for several.")
    ] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="A new description; - reads stdin.")
    ] = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Change an item's title, estimate, type, owner, tags or description.

    Example: lablog item edit HJBH-12 --points 8 --tag pilot
    """
    from lablog.services import backlog

    if points is not None and no_points:
        raise typer.BadParameter(_("give --points or --no-points, not both"), param_hint="--points")
    _points, warning = backlog.check_points(points)
    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        item = backlog.edit(
            s,
            key=key,
            title=title,
            points=points,
            clear_points=no_points,
            type=type_.value if type_ else None,
            owner=owner,
            add_tags=tag,
            remove_tags=untag,
            description=read_text(ctx, description),
            on=day,
            actor=actor(ctx),
            today=today(ctx),
        )
    if warning:
        notice(warning)
    if json:
        return emit_json(item)
    notice(_("Updated {key}: {title}").format(key=item.key, title=item.title))


# What each move says it did, one sentence each.
MOVED = {
    "doing": N_("{key} started on {day}: {title}"),
    "done": N_("{key} done on {day}: {title}"),
    "todo": N_("{key} reopened on {day}: {title}"),
    "dropped": N_("{key} dropped on {day}: {title}"),
}


def _move(ctx: typer.Context, key: str, to: str, on: str | None, json: bool) -> None:
    from lablog.services import backlog

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        item = backlog.transition(s, key=key, to=to, on=day, actor=actor(ctx), today=today(ctx))
    if json:
        return emit_json(item)
    notice(_(MOVED[to]).format(key=item.key, day=day, title=item.title))


@app.command("start")
def start(ctx: typer.Context, key: KeyArg, on: OnOpt = None, json: JsonOpt = False) -> None:
    """Start work on an item (todo → doing).

    Example: lablog item start HJBH-12 --on yesterday
    """
    _move(ctx, key, "doing", on, json)


@app.command("done")
def done(ctx: typer.Context, key: KeyArg, on: OnOpt = None, json: JsonOpt = False) -> None:
    """Mark an item done.

    Example: lablog item done HJBH-12
    """
    _move(ctx, key, "done", on, json)


@app.command("reopen")
def reopen(ctx: typer.Context, key: KeyArg, on: OnOpt = None, json: JsonOpt = False) -> None:
    """Reopen a done, dropped or started item (back to todo).

    Example: lablog item reopen HJBH-12
    """
    _move(ctx, key, "todo", on, json)


@app.command("drop")
def drop(ctx: typer.Context, key: KeyArg, on: OnOpt = None, json: JsonOpt = False) -> None:
    """Drop an item: it will not be done (it stays in the history).

    Example: lablog item drop HJBH-7
    """
    _move(ctx, key, "dropped", on, json)
