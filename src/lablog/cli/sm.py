"""`lablog sm …`: scrum-master assignments and the scrum-master network."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, console, date_or_today, emit_json, notice, reading, session
from lablog.enums import SmRole
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Scrum masters: who facilitates which lab, and when."
)


def _role(value: str) -> str:
    """lead or co; "ansvarlig" or "medansvarlig" in Danish."""
    from lablog.queries.labs import label
    from lablog.queries.sm import SM_ROLES

    return label(SM_ROLES, value)


PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="A handle or an email.")]
LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")]


@app.command("assign")
def assign(
    ctx: typer.Context,
    person: PersonArg,
    lab: LabArg,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default today).")] = None,
    role: Annotated[SmRole, typer.Option("--role", help="lead (one per lab) or co.")] = SmRole.lead,
    json: JsonOpt = False,
) -> None:
    """Make someone a scrum master of a lab; a new lead takes over from the current one.

    Example: lablog sm assign anders-kjaer HJEM --from 2026-W49
    """
    from lablog.services import sm

    day = date_or_today(ctx, from_, "--from")
    with session(ctx) as s:
        result = sm.assign(s, person=person, lab=lab, starts=day, role=role.value)
    if json:
        return emit_json(result)
    a = result.assignment
    notice(
        _("{handle} is {role} scrum master of {lab} from {day}").format(
            handle=a.handle, role=_role(a.role), lab=a.lab, day=a.starts
        )
    )
    if result.previous_lead:
        p = result.previous_lead
        notice(
            _("Handover: {handle} led {lab} from {starts} to {ends}").format(
                handle=p.handle, lab=p.lab, starts=p.starts, ends=p.ends
            )
        )
    if result.previous_role:
        p = result.previous_role
        notice(
            _("{handle} was {role} of {lab} until {day}").format(
                handle=p.handle, role=_role(p.role), lab=p.lab, day=p.ends
            )
        )


@app.command("end")
def end(
    ctx: typer.Context,
    person: PersonArg,
    lab: LabArg,
    on: Annotated[str | None, typer.Option("--on", help="Last day (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """End someone's scrum-master assignment to a lab (the history stays).

    Example: lablog sm end anders-kjaer HJEM --on 2026-12-18
    """
    from lablog.services import sm

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        a = sm.end(s, person=person, lab=lab, on=day)
    if json:
        return emit_json(a)
    notice(
        _("{handle} was {role} of {lab} from {starts} to {ends}").format(
            handle=a.handle, role=_role(a.role), lab=a.lab, starts=a.starts, ends=a.ends
        )
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Who served on this day (default today).")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Every assignment ever, with handovers.")
    ] = False,
    role: Annotated[
        SmRole | None, typer.Option("--role", help="Only leads or only co-scrum masters.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List scrum masters on a day, or the whole history of assignments.

    Example: lablog sm list --lab HJEM --at 2026-W40
    """
    from lablog.queries import sm
    from lablog.render import tables

    if history and at:
        raise typer.BadParameter(_("give either --history or --at, not both"), param_hint="--at")
    day = date_or_today(ctx, at, "--at")
    with reading(ctx) as r:
        role_value = role.value if role else None
        if history:
            rows = sm.history(r, lab=lab, role=role_value)
        else:
            rows = sm.list_at(r, at=day, lab=lab, role=role_value)
    if json:
        return emit_json(rows)
    title = _("All assignments") if history else _("Scrum masters on {day}").format(day=day)
    tables.assignments(console(), rows, title=title)


@app.command("network")
def network(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option("--at", help="The network on this day (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Every scrum master, the labs each serves, and the labs with no lead.

    Example: lablog sm network
    """
    from lablog.queries import sm
    from lablog.render import tables

    day = date_or_today(ctx, at, "--at")
    with reading(ctx) as r:
        net = sm.network(r, at=day)
    if json:
        return emit_json(net)
    tables.network(console(), net)
