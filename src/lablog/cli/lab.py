"""`lablog lab …`: the labs, their members and sector coverage."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli import _common
from lablog.cli._common import (
    JsonOpt,
    YesOpt,
    actor,
    confirm,
    console,
    date_or_today,
    emit_json,
    notice,
    parse_date,
    reading,
    session,
    today,
)
from lablog.enums import MemberRole
from lablog.errors import LablogError
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Labs, their members and their sector coverage."
)
member_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Who is in a lab.")
app.add_typer(member_app, name="member")

LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code, e.g. HJEM.")]
PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="A handle or an email.")]
TargetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--target-group",
        "-t",
        help="elderly, chronically-ill, working-age or free text; repeat for several.",
    ),
]


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[
        str, typer.Argument(metavar="CODE", help="A short code, e.g. HJEM; it prefixes item keys.")
    ],
    name: Annotated[str, typer.Argument(help="The lab's name.")],
    focus: Annotated[str | None, typer.Option("--focus", help="The patient pathway it develops.")] = None,
    target_group: TargetOpt = None,
    start: Annotated[str | None, typer.Option("--start", help="When it starts (a date).")] = None,
    json: JsonOpt = False,
) -> None:
    """Add a lab.

    Example: lablog lab add HJEM Hjemmebehandling --focus "home treatment" -t elderly -t chronically-ill
    """
    from lablog.services import labs

    starts = parse_date(ctx, start, "--start")
    with session(ctx) as s:
        lab = labs.add(
            s,
            code=code,
            name=name,
            focus=focus,
            target_groups=target_group,
            start=starts,
            today=today(ctx),
        )
    if json:
        return emit_json(lab)
    notice(_("Added lab {code} ({name})").format(code=lab.code, name=lab.name))


@app.command("list")
def list_(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only labs that are not closed.")] = False,
    json: JsonOpt = False,
) -> None:
    """List the labs with their lead and any missing sector leg.

    Example: lablog lab list --json
    """
    from lablog.queries import labs
    from lablog.render import tables

    with reading(ctx) as r:
        rows = labs.list_all(r, today=today(ctx), include_closed=not open_only)
    if json:
        return emit_json(rows)
    tables.labs(console(), rows)


@app.command("show")
def show(ctx: typer.Context, lab: LabArg, json: JsonOpt = False) -> None:
    """Show a lab: members, sector coverage and scrum masters.

    Example: lablog lab show HJEM
    """
    from lablog.render import tables
    from lablog.services import labs

    with session(ctx, write=False) as s:
        detail = labs.show(s, ref=lab, today=today(ctx))
    if json:
        return emit_json(detail)
    tables.lab_detail(console(), detail)


@app.command("edit")
def edit(
    ctx: typer.Context,
    lab: LabArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    focus: Annotated[str | None, typer.Option("--focus", help="A new focus ('' clears it).")] = None,
    target_group: Annotated[
        list[str] | None,
        typer.Option("--target-group", "-t", help="Replace the target groups; repeat for several."),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="A new start date.")] = None,
    json: JsonOpt = False,
) -> None:
    """Change a lab's name, focus, target groups or start date.

    Example: lablog lab edit HJEM -t elderly -t "borgere med KOL"
    """
    from lablog.services import labs

    starts = parse_date(ctx, start, "--start")
    with session(ctx) as s:
        row = labs.edit(
            s,
            ref=lab,
            name=name,
            focus=focus,
            target_groups=target_group,
            start=starts,
            today=today(ctx),
        )
    if json:
        return emit_json(row)
    notice(_("Updated lab {code} ({name})").format(code=row.code, name=row.name))


@app.command("close")
def close(
    ctx: typer.Context,
    lab: LabArg,
    on: Annotated[str | None, typer.Option("--on", help="The closing day (default today).")] = None,
    no_assessment: Annotated[
        bool,
        typer.Option(
            "--no-assessment", help="An active sprint closed with the lab is assessed later, not now."
        ),
    ] = False,
    yes: YesOpt = False,
    json: JsonOpt = False,
) -> None:
    """Close a lab: it keeps its history, takes no new work, and its scrum masters' assignments end.

    An active sprint is closed first, its unfinished items back to the backlog:
    at a terminal after asking (and asking for its assessment); elsewhere only
    with --yes, and then it is assessed later with `lablog sprint assess`.

    Example: lablog lab close GRAV --on 2015-12-18
    """
    from lablog.cli.sprint import NOT_ASSESSED, ask_assessment
    from lablog.queries import refs, sprints
    from lablog.services import labs

    day = date_or_today(ctx, on, "--on")
    with reading(ctx) as r:
        the_lab = refs.lab(r, lab)
        sprint = sprints.active(r, the_lab)
    active = sprint.number if sprint is not None else None
    met = said = None
    if active is None:
        confirm(_("Close lab {lab} on {day}?").format(lab=the_lab.code, day=day), yes)
    elif not yes:
        if not _common.at_terminal():
            raise LablogError(labs.active_sprint_message(the_lab.code, active))
        notice(
            _("{lab} sprint {number} is active ({starts} – {ends}).").format(
                lab=the_lab.code, number=active, starts=sprint.starts, ends=sprint.ends
            )
        )
        confirm(
            _(
                "Close sprint {number} (unfinished items back to the backlog) and then lab {lab} on {day}?"
            ).format(number=active, lab=the_lab.code, day=day),
            yes,
        )
        if not no_assessment:
            met, said = ask_assessment(ctx, the_lab.code, active, None, None)
    with session(ctx) as s:
        row, closed = labs.close(
            s,
            ref=the_lab.code,
            on=day,
            today=today(ctx),
            actor=actor(ctx),
            close_sprint=active is not None,
            goal_met=met,
            outcome=said,
        )
    if closed is not None:
        back = [i.key for i in closed.items if i.disposition == "returned"]
        if back:
            message = _("Closed {lab} sprint {number} on {day}; back to the backlog: {items}")
        else:
            message = _("Closed {lab} sprint {number} on {day}")
        notice(message.format(lab=row.code, number=closed.sprint.number, day=day, items=", ".join(back)))
        if met is None:
            notice(_(NOT_ASSESSED).format(lab=row.code, number=closed.sprint.number))
    if json:
        return emit_json(row)
    notice(_("Closed lab {lab} on {day}").format(lab=row.code, day=day))


@app.command("reopen")
def reopen(ctx: typer.Context, lab: LabArg, json: JsonOpt = False) -> None:
    """Open a closed lab again.

    Example: lablog lab reopen GRAV
    """
    from lablog.services import labs

    with session(ctx) as s:
        row = labs.reopen(s, ref=lab, today=today(ctx))
    if json:
        return emit_json(row)
    notice(_("Reopened lab {lab}").format(lab=row.code))


@member_app.command("add")
def member_add(
    ctx: typer.Context,
    lab: LabArg,
    person: PersonArg,
    role: Annotated[MemberRole, typer.Option("--role", help="Their role in the lab.")] = MemberRole.member,
    on: Annotated[str | None, typer.Option("--on", help="When they joined (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Add someone to a lab, or change their role there.

    Example: lablog lab member add HJEM mette-orum-holm --role product-owner
    """
    from lablog.services import labs

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        result = labs.member_add(s, lab=lab, person=person, role=role.value, on=day)
    if json:
        return emit_json(result)
    from lablog.queries.labs import MEMBER_ROLES, label

    m = result.member
    if result.previous_role:
        notice(
            _("{handle} is now {role} of {lab} (was {previous})").format(
                handle=m.handle,
                role=label(MEMBER_ROLES, m.role),
                lab=result.lab,
                previous=label(MEMBER_ROLES, result.previous_role),
            )
        )
    else:
        notice(
            _("Added {handle} ({org}) to {lab} as {role}").format(
                handle=m.handle, org=m.org, lab=result.lab, role=label(MEMBER_ROLES, m.role)
            )
        )


@member_app.command("remove")
def member_remove(
    ctx: typer.Context,
    lab: LabArg,
    person: PersonArg,
    on: Annotated[str | None, typer.Option("--on", help="When they left (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Record that someone left a lab (their membership stays in the history).

    Example: lablog lab member remove HJEM mette-orum-holm --on 2026-W50
    """
    from lablog.services import labs

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        result = labs.member_remove(s, lab=lab, person=person, on=day)
    if json:
        return emit_json(result)
    notice(_("{handle} left {lab} on {day}").format(handle=result.member.handle, lab=result.lab, day=day))
