"""`lablog person …`: leaders, clinicians and scrum masters."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, console, emit_json, notice, session, state
from lablog.i18n import _, ngettext

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="People from the partner organisations.")

PersonArg = Annotated[str, typer.Argument(metavar="PERSON", help="A handle or an email.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='Their full name, e.g. "Mette Ørum Holm".')],
    org: Annotated[str, typer.Option("--org", "-o", help="Their organisation's code.")],
    email: Annotated[str | None, typer.Option("--email", help="Their email address.")] = None,
    handle: Annotated[
        str | None, typer.Option("--handle", help="A handle (default: made from the name).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Add a person to an organisation.

    Example: lablog person add "Mette Ørum Holm" --org FAV --email meoh@favrskov.dk
    """
    from lablog.services import people

    with session(ctx) as s:
        person = people.add(s, name=name, org=org, email=email, handle=handle)
        same = people.namesakes(s, name=person.name, handle=person.handle)
    if same:
        notice(
            _(
                "Note: {others} has the same name; if {handle} is the same person, "
                "remove it with `lablog person remove {handle}`"
            ).format(others=", ".join(same), handle=person.handle)
        )
    if json:
        return emit_json(person)
    notice(
        _("Added {name} as {handle} ({org})").format(name=person.name, handle=person.handle, org=person.org)
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    org: Annotated[str | None, typer.Option("--org", "-o", help="Only this organisation.")] = None,
    json: JsonOpt = False,
) -> None:
    """List people, optionally of one organisation.

    Example: lablog person list --org RRG
    """
    from lablog.render import tables
    from lablog.services import people

    with session(ctx, write=False) as s:
        rows = people.list_all(s, org=org)
    if json:
        return emit_json(rows)
    tables.people(console(), rows)


@app.command("show")
def show(ctx: typer.Context, person: PersonArg, json: JsonOpt = False) -> None:
    """Show a person, their labs and their scrum-master history.

    Example: lablog person show mette-orum-holm
    """
    from lablog.render import tables
    from lablog.services import people

    with session(ctx, write=False) as s:
        detail = people.show(s, ref=person)
    if json:
        return emit_json(detail)
    tables.person_detail(console(), detail)


@app.command("edit")
def edit(
    ctx: typer.Context,
    person: PersonArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="A new email ('' clears it).")] = None,
    org: Annotated[str | None, typer.Option("--org", "-o", help="Move to this organisation.")] = None,
    handle: Annotated[str | None, typer.Option("--handle", help="A new handle.")] = None,
    json: JsonOpt = False,
) -> None:
    """Change a person's name, email, organisation or handle.

    Example: lablog person edit mette-orum-holm --org RRG
    """
    from lablog.services import people

    with session(ctx) as s:
        row = people.edit(s, ref=person, name=name, email=email, org=org, handle=handle)
    if json:
        return emit_json(row)
    notice(_("Updated {name} ({handle}, {org})").format(name=row.name, handle=row.handle, org=row.org))


@app.command("remove")
def remove(ctx: typer.Context, person: PersonArg, json: JsonOpt = False) -> None:
    """Remove a person added by mistake: only one nothing in the store refers to yet.

    Anyone with a history (lab memberships, scrum-master stretches, items,
    impediments…) stays; `lablog person forget` erases such a person's name.

    Example: lablog person remove anders-kjaer-2
    """
    from lablog.services import people

    with session(ctx) as s:
        row = people.remove(s, ref=person)
    if json:
        return emit_json(row)
    notice(_("Removed {name} ({handle}, {org})").format(name=row.name, handle=row.handle, org=row.org))


@app.command("forget")
def forget(
    ctx: typer.Context,
    person: PersonArg,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also", metavar="NAME", help="Another name they made changes as (e.g. a login); repeatable."
        ),
    ] = None,
    yes: YesOpt = False,
    json: JsonOpt = False,
) -> None:
    """Erase a person everywhere: name, e-mail and handle become former-member-ID.

    Their row, every log entry and every note, event and answer they made or
    that names them. The history keeps its shape (counts, dates, who did
    what, as the pseudonym); the log records that a forget happened, not who.
    The store's file is then compacted so the old bytes leave it.

    Example: lablog person forget mette-orum-holm --yes
    """
    from lablog.services import privacy

    confirm(
        _("Erase {person} everywhere in the store and its history? This cannot be undone.").format(
            person=person
        ),
        yes,
    )
    with session(ctx) as s:
        alias, done = privacy.forget(s, ref=person, also=tuple(also or ()))
    privacy.purge(state(ctx).engine())
    if json:
        return emit_json({"person": alias, "places": done.places, "rows": done.rows})
    places = ngettext("{n} place", "{n} places", done.places).format(n=done.places)
    rows = ngettext("{n} row", "{n} rows", done.rows).format(n=done.rows)
    notice(
        _("Forgot {person}: now {alias} ({places} in {rows})").format(
            person=person, alias=alias, places=places, rows=rows
        )
    )
