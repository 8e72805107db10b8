"""`lablog impediment …`: what blocks a lab, escalated to the network or the steering group."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    actor,
    console,
    date_or_today,
    emit_json,
    notice,
    reading,
    session,
    today,
)
from lablog.enums import ImpedimentLevel
from lablog.i18n import _, ngettext

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Impediments: what blocks a lab, who must act on it, and how it was escalated and resolved.",
)


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


IdArg = Annotated[str, typer.Argument(metavar="ID", help="The impediment's number, e.g. I-4 or 4.")]
OnOpt = Annotated[str | None, typer.Option("--on", help="The day it happened (default today).")]


@app.command("add")
def add(
    ctx: typer.Context,
    lab: Annotated[str, typer.Argument(metavar="LAB", help="The lab it blocks, e.g. HJBH.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What blocks the lab.")],
    item: Annotated[
        str | None, typer.Option("--item", help="The backlog item it blocks, e.g. HJBH-3 (shown as blocked).")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="Who follows it up.")] = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record what blocks a lab; it starts at the lab's own level.

    Example: lablog impediment add HJBH "Egen læge kan ikke se hjemmeplejens notater" --item HJBH-3
    """
    from lablog.services import impediment

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = impediment.add(s, lab=lab, text=text, item=item, owner=owner, on=day, today=today(ctx))
    if json:
        return emit_json(row)
    if row.item:
        message = _(
            "Recorded {key} for {lab}, blocking {item}; escalate it with "
            "`lablog impediment escalate {key} --to network` if the lab cannot remove it"
        )
    else:
        message = _(
            "Recorded {key} for {lab}; escalate it with "
            "`lablog impediment escalate {key} --to network` if the lab cannot remove it"
        )
    notice(message.format(key=row.key, lab=row.lab, item=row.item))


@app.command("escalate")
def escalate(
    ctx: typer.Context,
    ref: IdArg,
    to: Annotated[
        ImpedimentLevel,
        typer.Option("--to", help="network or steering-group: who must act now (only upward)."),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why, or what is asked of them.")] = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Hand an impediment up: lab → scrum-master network → steering group (a level may be skipped).

    Example: lablog impediment escalate I-4 --to steering-group --note "Kræver aftale med regionen"
    """
    from lablog.queries.impediment import LEVEL_NAMES
    from lablog.services import impediment

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = impediment.escalate(
            s, ref=ref, to=to.value, note=note, on=day, today=today(ctx), actor=actor(ctx)
        )
    if json:
        return emit_json(row)
    notice(
        _("Escalated {key} to {level}; open for {days}").format(
            key=row.key, level=_(LEVEL_NAMES[row.level]), days=days(row.age_days)
        )
    )


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    ref: IdArg,
    note: Annotated[str, typer.Option("--note", help="How it was resolved.")],
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that an impediment is gone, and how.

    Example: lablog impediment resolve I-4 --note "Fælles journaladgang aftalt"
    """
    from lablog.services import impediment

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = impediment.resolve(s, ref=ref, note=note, on=day, today=today(ctx), actor=actor(ctx))
    if json:
        return emit_json(row)
    notice(
        _("Resolved {key} on {day}, after {days}").format(
            key=row.key, day=row.resolved_on, days=days(row.age_days)
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab.")] = None,
    level: Annotated[
        ImpedimentLevel | None, typer.Option("--level", help="Only those with this level now.")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only those not resolved.")] = False,
    json: JsonOpt = False,
) -> None:
    """List impediments, oldest first, with how long each has been (or was) open.

    Example: lablog impediment list --level steering-group --open
    """
    from lablog.queries import impediment
    from lablog.render import impediment as render

    with reading(ctx) as r:
        rows = impediment.list_(
            r, today=today(ctx), lab=lab, level=level.value if level else None, open_only=open_only
        )
    if json:
        return emit_json(rows)
    render.impediments(console(), rows)


@app.command("show")
def show(ctx: typer.Context, ref: IdArg, json: JsonOpt = False) -> None:
    """Show an impediment with its escalation history and the decisions about it.

    Example: lablog impediment show I-4
    """
    from lablog.queries import impediment
    from lablog.render import impediment as render

    with reading(ctx) as r:
        d = impediment.detail(r, ref=ref, today=today(ctx))
    if json:
        return emit_json(d)
    render.detail(console(), d)
