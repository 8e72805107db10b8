"""`lablog report …`: velocity, burndown, measures, knowledge flow, participation and honorarium."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    console,
    emit_json,
    emit_json_streaming,
    notice,
    parse_date,
    reading,
    session,
    to_jsonable,
    today,
)
from lablog.i18n import _

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Reports across sprints and labs.")


LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")]


@app.command("velocity")
def velocity(
    ctx: typer.Context,
    lab: LabArg,
    last: Annotated[int, typer.Option("--last", "-n", min=1, help="How many closed sprints.")] = 6,
    json: JsonOpt = False,
) -> None:
    """Completed against committed points of the last closed sprints, with mean and range.

    Example: lablog report velocity HJBH --last 4
    """
    from lablog.queries import reports
    from lablog.render import sprints as render

    with reading(ctx) as r:
        data = reports.velocity(r, lab=lab, last=last)
    if json:
        return emit_json(data)
    render.velocity(console(), data)


@app.command("burndown")
def burndown(
    ctx: typer.Context,
    lab: LabArg,
    number: Annotated[
        int | None, typer.Argument(metavar="[N]", help="Sprint number (default: active, else latest).")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Remaining points per sprint day against the ideal line, drawn in the terminal.

    Example: lablog report burndown HJBH 3
    """
    from lablog.queries import reports
    from lablog.render import sprints as render

    with reading(ctx) as r:
        data = reports.burndown(r, lab=lab, number=number, today=today(ctx))
    if json:
        return emit_json(data)
    render.burndown(console(), data)


@app.command("measures")
def measures(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab's measures.")] = None,
    json: JsonOpt = False,
) -> None:
    """Every active measure: its latest value, median, target, and whether the runs rules see a signal.

    Example: lablog report measures --lab UDSK
    """
    from lablog.queries import measure
    from lablog.render import measure as render

    with reading(ctx) as r:
        rows = measure.report(r, lab=lab)
    if json:
        return emit_json(rows)
    render.report(console(), rows)


# Knowledge flow ------------------------------------------------------------------


@app.command("knowledge-flow")
def knowledge_flow(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Count shares from this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Count shares up to this day.")] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            "-n",
            min=0,
            help="List at most this many entries no lab adopted, newest first; 0 for all.",
        ),
    ] = 20,
    json: JsonOpt = False,
) -> None:
    """Which lab shared with which, and what the receivers did with it; what no lab adopted.

    The entries no lab adopted are counted in full (not_adopted_count in the JSON)
    and the newest 20 of them are listed (not_adopted), newest first; --limit
    changes how many, and --limit 0 lists them all.

    Example: lablog report knowledge-flow --since 2026-01-01 --json
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    start = parse_date(ctx, since, "--since")
    end = parse_date(ctx, until, "--until")
    with session(ctx, write=False) as s:
        if limit:
            flow = knowledge.flow(s, since=start, until=end, limit=limit)
            if json:
                return emit_json(flow)
            return render.flow(console(), flow)
        # Every entry: streamed while the read transaction is open.
        flow, entries = knowledge.flow_streamed(s, since=start, until=end)
        if json:
            return emit_json_streaming(flow, "not_adopted", entries)
        render.flow(console(), flow, entries)


@app.command("participation")
def participation(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Meetings from this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Meetings up to this day.")] = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's people.")] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="Only this sector's people.")] = None,
    json: JsonOpt = False,
) -> None:
    """Meetings attended and hours per person, organisation and sector, split by kind of meeting.

    Flags labs whose meeting series, and steering-group and theme meetings, where
    one of the three legs (municipality, hospital, general practice) took no part.
    Someone who changed organisation counts for the one they had on each meeting's day.

    Example: lablog report participation --since 2026-01-01 --sector general-practice
    """
    from lablog.queries import participation as queries
    from lablog.render import meeting as render

    start, end = parse_date(ctx, since, "--since"), parse_date(ctx, until, "--until")
    with reading(ctx) as r:
        data = queries.participation(r, since=start, until=end, org=org, sector=sector)
    if json:
        return emit_json(data)
    render.participation(console(), data)


@app.command("honorarium")
def honorarium(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The organisation claiming, e.g. PL.")],
    since: Annotated[str, typer.Option("--since", help="The period's first day.")],
    until: Annotated[str, typer.Option("--until", help="The period's last day.")],
    rate: Annotated[
        str | None,
        typer.Option("--rate", help="Kroner per hour (default: honorarium_rate in the config file)."),
    ] = None,
    format_: Annotated[str, typer.Option("--format", help="md, json or csv (; and decimal commas).")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """One organisation's honorarium claim: each person's meetings with date, kind, hours and amount.

    Amounts are hours × rate rounded to the øre; every total is the sum of its lines.

    Example: lablog report honorarium --org PL --since 2026-01-01 --until 2026-06-30 --rate 1234,50
    """
    import json as json_

    from lablog import config
    from lablog.queries import participation as queries
    from lablog.render import meeting as render

    chosen = format_.strip().lower()
    if chosen not in ("md", "json", "csv"):
        raise typer.BadParameter(
            _("{value!r} is not a format; use md, json or csv").format(value=format_), param_hint="--format"
        )
    start, end = parse_date(ctx, since, "--since"), parse_date(ctx, until, "--until")
    hourly = queries.rate_of(rate if rate is not None else config.load().get("honorarium_rate"))
    with reading(ctx) as r:
        claim = queries.honorarium(r, org=org, since=start, until=end, rate=hourly)
    if chosen == "json":
        text = json_.dumps(to_jsonable(claim), ensure_ascii=False, indent=2) + "\n"
    elif chosen == "csv":
        text = render.honorarium_csv(claim)
    else:
        text = render.honorarium_md(claim)
    if output is None:
        sys.stdout.write(text)
        return
    from lablog import files

    files.write_text(output, text, force=force)
    notice(_("Wrote {path}").format(path=output))
