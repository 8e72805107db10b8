"""`lablog org …`: the partner organisations."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, console, emit_json, notice, session
from lablog.enums import Sector
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="Partner organisations and their sectors."
)


def _sector(value: str) -> str:
    from lablog.queries.labs import SECTORS, label

    return label(SECTORS, value)


CodeArg = Annotated[str, typer.Argument(metavar="CODE", help="The organisation's code, e.g. FAV.")]


@app.command("add")
def add(
    ctx: typer.Context,
    code: CodeArg,
    name: Annotated[str, typer.Argument(help="Its full name.")],
    sector: Annotated[Sector, typer.Option("--sector", "-s", help="Which sector it belongs to.")],
    json: JsonOpt = False,
) -> None:
    """Add a partner organisation.

    Example: lablog org add FAV "Favrskov Kommune" --sector municipality
    """
    from lablog.services import orgs

    with session(ctx) as s:
        org = orgs.add(s, code=code, name=name, sector=sector.value)
    if json:
        return emit_json(org)
    notice(
        _("Added organisation {code} ({name}, {sector})").format(
            code=org.code, name=org.name, sector=_sector(org.sector)
        )
    )


@app.command("list")
def list_(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List the organisations with their sector and number of people.

    Example: lablog org list --json
    """
    from lablog.render import tables
    from lablog.services import orgs

    with session(ctx, write=False) as s:
        rows = orgs.list_all(s)
    if json:
        return emit_json(rows)
    tables.orgs(console(), rows)


@app.command("show")
def show(ctx: typer.Context, code: CodeArg, json: JsonOpt = False) -> None:
    """Show an organisation and its people.

    Example: lablog org show RRG
    """
    from lablog.render import tables
    from lablog.services import orgs

    with session(ctx, write=False) as s:
        detail = orgs.show(s, ref=code)
    if json:
        return emit_json(detail)
    tables.org_detail(console(), detail)


@app.command("edit")
def edit(
    ctx: typer.Context,
    code: CodeArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    sector: Annotated[Sector | None, typer.Option("--sector", "-s", help="A new sector.")] = None,
    json: JsonOpt = False,
) -> None:
    """Change an organisation's name or sector.

    Example: lablog org edit PL --name "Praktiserende læger, Randers"
    """
    from lablog.services import orgs

    with session(ctx) as s:
        org = orgs.edit(s, ref=code, name=name, sector=sector.value if sector else None)
    if json:
        return emit_json(org)
    notice(
        _("Updated organisation {code} ({name}, {sector})").format(
            code=org.code, name=org.name, sector=_sector(org.sector)
        )
    )


@app.command("remove")
def remove(ctx: typer.Context, code: CodeArg, yes: YesOpt = False) -> None:
    """Remove an organisation that nobody belongs to.

    Example: lablog org remove TEST --yes
    """
    from lablog.services import orgs

    with session(ctx) as s:
        org = orgs.show(s, ref=code).org
        if not org.people:
            confirm(_("Remove organisation {code} ({name})?").format(code=org.code, name=org.name), yes)
        orgs.remove(s, ref=code)
    notice(_("Removed organisation {code}").format(code=org.code))
