"""`lablog meeting …`: steering-group, lab, theme and network meetings, and who took part."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    console,
    date_or_today,
    emit_json,
    notice,
    parse_date,
    reading,
    session,
    typed_text,
)
from lablog.enums import AttendRole, MeetingKind, SprintEvent
from lablog.i18n import _, ngettext, number

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Meetings: the steering group, lab meetings at sprint events, theme days; who took part.",
)

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The meeting's number, e.g. MT-3 or 3.")]
PeopleArg = Annotated[
    list[str], typer.Argument(metavar="PERSON...", help="Handles, handle prefixes or e-mails.")
]
LabOpt = Annotated[str | None, typer.Option("--lab", "-l", help="The lab that met, e.g. UDSK.")]
HoursOpt = Annotated[float | None, typer.Option("--hours", help="How long, in hours (e.g. 1.5).")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Start time, HH:MM (with --to).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="End time, HH:MM (with --from).")]
PlaceOpt = Annotated[str | None, typer.Option("--place", help="Where it was held.")]
SprintOpt = Annotated[int | None, typer.Option("--sprint", help="The lab's sprint number (with --event).")]
EventOpt = Annotated[SprintEvent | None, typer.Option("--event", help="The sprint event it was held for.")]


def _value(choice) -> str | None:
    return choice.value if choice is not None else None


def _present(m) -> str:
    return _("{key}: {present} present, {absent} absent").format(
        key=m.key, present=m.present, absent=m.absent
    )


@app.command("add")
def add(
    ctx: typer.Context,
    kind: Annotated[
        MeetingKind, typer.Argument(metavar="KIND", help="steering-group, lab, theme, network or other.")
    ],
    title: Annotated[str, typer.Argument(metavar="TITLE", help="What the meeting was, in a few words.")],
    on: Annotated[str, typer.Option("--on", help="The day it is held.")],
    lab: LabOpt = None,
    hours: HoursOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    place: PlaceOpt = None,
    sprint: SprintOpt = None,
    event: EventOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a meeting: its kind, day and length (--hours, or --from and --to).

    Example: lablog meeting add lab "Sprintplanlægning" --on 2026-03-02 --lab UDSK --from 09:00 --to 11:00
    """
    from lablog.services import meeting

    day = parse_date(ctx, on, "--on")
    with session(ctx) as s:
        row = meeting.add(
            s,
            kind=kind.value,
            title=title,
            on=day,
            lab=lab,
            hours=hours,
            start=start,
            end=end,
            place=place,
            sprint=sprint,
            event=_value(event),
        )
    if json:
        return emit_json(row)
    hours_text = ngettext("{n} hour", "{n} hours", row.hours).format(n=number(row.hours))
    notice(
        _("Recorded {key} on {day} ({hours}); who came: `lablog meeting attend {key} PERSON…`").format(
            key=row.key, day=row.on, hours=hours_text
        )
    )


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: IdArg,
    kind: Annotated[MeetingKind | None, typer.Option("--kind", help="The kind of meeting.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
    on: Annotated[str | None, typer.Option("--on", help="The day it was held.")] = None,
    lab: LabOpt = None,
    hours: HoursOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    place: PlaceOpt = None,
    sprint: SprintOpt = None,
    event: EventOpt = None,
    json: JsonOpt = False,
) -> None:
    """Change a meeting; a new length also changes the hours of those who had the whole meeting.

    Example: lablog meeting edit MT-3 --from 09:00 --to 12:00
    """
    from lablog.services import meeting

    with session(ctx) as s:
        row = meeting.edit(
            s,
            ref=ref,
            kind=_value(kind),
            title=title,
            on=parse_date(ctx, on, "--on"),
            lab=lab,
            hours=hours,
            start=start,
            end=end,
            place=place,
            sprint=sprint,
            event=_value(event),
        )
    if json:
        return emit_json(row)
    notice(_("Updated {key}").format(key=row.key))


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    ref: IdArg,
    on: Annotated[str | None, typer.Option("--on", help="The day it was called off (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Mark a meeting cancelled: it stays listed but counts for nobody's hours.

    Example: lablog meeting cancel MT-4
    """
    from lablog.services import meeting

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = meeting.cancel(s, ref=ref, on=day)
    if json:
        return emit_json(row)
    notice(_("{key} cancelled").format(key=row.key))


@app.command("attend")
def attend(
    ctx: typer.Context,
    ref: IdArg,
    people: PeopleArg,
    role: Annotated[
        AttendRole, typer.Option("--role", help="Their role at the meeting.")
    ] = AttendRole.participant,
    hours: Annotated[
        float | None, typer.Option("--hours", help="Their time, if not the whole meeting.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org", help="The organisation they came for, if they have moved since (default: theirs)."
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Record who took part (by default for the whole meeting).

    Example: lablog meeting attend MT-3 henrik-moller mette --role participant
    """
    from lablog.services import meeting

    with session(ctx) as s:
        d = meeting.attend(s, ref=ref, people=people, role=role.value, hours=hours, org=org)
    if json:
        return emit_json(d)
    notice(_present(d.meeting))


@app.command("absent")
def absent(
    ctx: typer.Context,
    ref: IdArg,
    people: PeopleArg,
    note: Annotated[str | None, typer.Option("--note", help="Why, if it matters (sent apologies …).")] = None,
    json: JsonOpt = False,
) -> None:
    """Record who was expected but did not come.

    Example: lablog meeting absent MT-3 henrik-moller --note "Afbud: vagt"
    """
    from lablog.services import meeting

    with session(ctx) as s:
        d = meeting.absent(s, ref=ref, people=people, note=note)
    if json:
        return emit_json(d)
    notice(_present(d.meeting))


@app.command("notes")
def notes(
    ctx: typer.Context,
    ref: IdArg,
    file: Annotated[
        str, typer.Option("--file", "-f", help="A Markdown file with the agenda or minutes; - reads stdin.")
    ],
    json: JsonOpt = False,
) -> None:
    """Set a meeting's agenda and minutes from a Markdown file (or - for standard input).

    Example: lablog meeting notes MT-3 --file referat.md
    """
    from lablog.errors import InvalidValue
    from lablog.services import meeting

    if file == "-":
        body, where = sys.stdin.read(), _("the notes on standard input")
    else:
        path = Path(file).expanduser()
        if not path.is_file():
            raise InvalidValue(_("No file {file}; check the path given to --file").format(file=file))
        try:
            body, where = path.read_text(encoding="utf-8"), file
        except UnicodeDecodeError:
            raise InvalidValue(
                _("{file} is not UTF-8 text; save it as UTF-8 and try again").format(file=file)
            ) from None
    body = typed_text(ctx, body, where)
    with session(ctx) as s:
        row = meeting.notes(s, ref=ref, text=body)
    if json:
        return emit_json(row)
    notice(_("Notes saved on {key}").format(key=row.key))


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[MeetingKind | None, typer.Option("--kind", help="Only this kind.")] = None,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab's meetings.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this day.")] = None,
    json: JsonOpt = False,
) -> None:
    """List meetings by day, with how many came and the hours they spent.

    Example: lablog meeting list --kind steering-group --since 2026-01-01
    """
    from lablog.queries import meeting
    from lablog.render import meeting as render

    first, last = parse_date(ctx, since, "--since"), parse_date(ctx, until, "--until")
    with reading(ctx) as r:
        rows = meeting.list_(r, kind=_value(kind), lab=lab, since=first, until=last)
    if json:
        return emit_json(rows)
    render.meetings(console(), rows)


@app.command("show")
def show(ctx: typer.Context, ref: IdArg, json: JsonOpt = False) -> None:
    """Show a meeting: when, where, who came and who sent apologies, and its notes.

    Example: lablog meeting show MT-3
    """
    from lablog.queries import meeting
    from lablog.render import meeting as render

    with reading(ctx) as r:
        d = meeting.detail(r, ref=ref)
    if json:
        return emit_json(d)
    render.detail(console(), d)
