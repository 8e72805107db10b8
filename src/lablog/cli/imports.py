"""`lablog import`: a whole-store file (FILE), or a lab's history from a spreadsheet, Taskwarrior or Jira.

`lablog import FILE` is the whole-store import it has always been (the hidden
`store` command); `lablog import csv|taskwarrior|jira …` bring items from other
tools into an existing store and lab.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from lablog.cli import transfer
from lablog.cli._common import JsonOpt, emit_json, notice, session, state, today
from lablog.errors import LablogError
from lablog.i18n import _, ngettext


class ImportGroup(TyperGroup):
    """`import FILE` when the first argument names no subcommand: the whole-store import."""

    # `import --dry-run FILE`: the group passes options it does not know on to `store`.
    ignore_unknown_options = True

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands:
            return "store", self.commands["store"], args
        return super().resolve_command(ctx, args)

    def collect_usage_pieces(self, ctx):
        return ["FILE [--dry-run] | csv|taskwarrior|jira FILE [OPTIONS]"]


app = typer.Typer(cls=ImportGroup, no_args_is_help=True)


@app.callback()
def import_group() -> None:
    """Bring data in: a whole-store file, or a lab's history from a spreadsheet, Taskwarrior or Jira.

    lablog import FILE [--format toml|json] [--dry-run] loads a file written by
    `lablog export all` into an empty store. The commands below bring items into
    an existing store and lab; each takes --dry-run, and importing the same file
    again updates the items it made instead of adding them twice.

    Example: lablog import csv backlog.csv --lab HJBH --dry-run
    """


app.command("store", hidden=True)(transfer.import_store)

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Say what would be created, changed and skipped; write nothing.")
]
StatusOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="NAME=STATUS",
        help='Map a status of the source to todo, doing, done or dropped, e.g. "In Review=doing".',
    ),
]
LabOpt = Annotated[
    str | None, typer.Option("--lab", "-l", metavar="LAB", help="The lab the items go to (default: yours).")
]


def read_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise LablogError(
            _("No file {file}; give the path of the file to import").format(file=file)
        ) from None
    except IsADirectoryError:
        raise LablogError(
            _("{file} is a directory; give the path of the file to import").format(file=file)
        ) from None
    except PermissionError:
        raise LablogError(_("Cannot read {file}: permission denied").format(file=file)) from None


def the_lab(lab: str | None) -> str:
    if lab:
        return lab
    from lablog import config

    found = config.default_lab()
    if found is None:
        raise typer.BadParameter(_("say which lab the items go to"), param_hint="--lab")
    return found


def option_pairs(values: list[str] | None, option: str) -> dict[str, str]:
    from lablog.services.import_rows import pairs

    try:
        return pairs(values, option)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint=option) from None


def statuses(values: list[str] | None) -> dict[str, str]:
    from lablog.services.import_rows import status_map

    try:
        return status_map(option_pairs(values, "--status"))
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--status") from None


def run(
    ctx: typer.Context,
    file: Path,
    rows: list,
    problems: list[str],
    *,
    skipped: list[tuple[str, str]],
    dry_run: bool,
    json: bool,
    notes: list[str] = (),
    sprints: dict | None = None,
    lab: str | None = None,
) -> None:
    """Plan the rows, report every problem (nothing is written while any remains), then apply.

    `sprints` (a Jira board's, by id) are replayed into `lab` around the items' own events.
    """
    from lablog.render import imports as render
    from lablog.services import import_sprints, imports

    def plans(s):
        items = imports.plan(s, rows, skipped=skipped)
        board = (
            import_sprints.plan(s, lab=lab, found=sprints, rows=rows, today=today(ctx)) if sprints else None
        )
        return items, board

    with session(ctx, write=False) as s:
        planned, board = plans(s)
    problems = sorted([*problems, *planned.problems, *(board.problems if board else [])], key=_where)
    if problems:
        transfer.refuse(file, problems, named=True)
    if dry_run:
        report = planned.report()
        if board:
            report["sprints"] = board.report()
        if json:
            return emit_json(report)
        print(render.plan_text(report, str(file)))
        for line in [*render.sprint_lines(report.get("sprints", []), dry_run=True), *notes]:
            notice(line)
        return
    with session(ctx) as s:
        planned, board = plans(s)
        new = {a.sprint.id for a in board.new()} if board else set()
        deferred = frozenset(row.where for row in rows if new.intersection(row.sprints))
        actor = state(ctx).actor()
        with transfer.ProgressBar(_("Importing")) as progress:
            imports.apply(s, planned, today=today(ctx), actor=actor, progress=progress, defer=deferred)
        if board:
            import_sprints.apply(s, board, planned, deferred=deferred, today=today(ctx), actor=actor)
    report = planned.report()
    if board:
        report["sprints"] = board.report()
    if json:
        emit_json(report)
    notice(_("Imported {file}: {counts}").format(file=file, counts=render.done(report)))
    sprint_lines = render.sprint_lines(report.get("sprints", []), dry_run=False)
    for line in [*render.skipped(report), *render.owners(report), *sprint_lines, *notes]:
        notice(line)


def _where(problem: str) -> int:
    """The line (CSV) or index (JSON) a problem names, to list problems in file order."""
    m = re.match(r"(?:(?:line|linje) (\d+)|\[(\d+)\])", problem)
    return int(m.group(1) or m.group(2)) if m else -1


@app.command("csv")
def from_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A backlog spreadsheet saved as CSV.")],
    lab: LabOpt = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=HEADER",
            help="Which column fills a field (title, points, status, owner, tags, type, description, id, "
            "created, done), e.g. --map title=Aktivitet.",
        ),
    ] = None,
    status: StatusOpt = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
) -> None:
    """Bring a lab's backlog in from a spreadsheet (CSV), all or nothing; every bad row is named by its line.

    Columns are found by their names, English or Danish: title/titel/opgave/summary,
    points/point/story points, status, owner/ejer/ansvarlig, tags/labels/emner, type,
    description/beskrivelse, id/nøgle/key. Comma or semicolon separated, decimal comma
    or point, UTF-8 (with or without BOM) or Windows-1252. The id column's value is kept
    as a tag src:csv:ID, so a second import updates those items; without an id column,
    items are found again by their title.

    Example: lablog import csv backlog.csv --lab HJBH --map title=Aktivitet --status "Venter=todo"
    """
    from lablog.services import import_csv

    fields = option_pairs(map_, "--map")
    if unknown := [f for f in fields if f not in import_csv.FIELDS]:
        raise typer.BadParameter(
            _("{field!r} is not a field; use one of {fields}").format(
                field=unknown[0], fields=", ".join(import_csv.FIELDS)
            ),
            param_hint="--map",
        )
    data = read_bytes(file)
    code = the_lab(lab)
    rows, unread, problems = import_csv.parse(
        data, lab=code, mapping=fields, statuses=statuses(status), allow_number=state(ctx).allow_number
    )
    notes = [_("Columns not imported: {columns}").format(columns=", ".join(unread))] if unread else []
    run(ctx, file, rows, problems, skipped=[], dry_run=dry_run, json=json, notes=notes)


@app.command("taskwarrior")
def from_taskwarrior(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The output of `task export` (JSON).")],
    project: Annotated[
        list[str] | None,
        typer.Option(
            "--project",
            metavar="NAME=LAB",
            help="The lab a Taskwarrior project's tasks go to (its sub-projects follow it).",
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
) -> None:
    """Bring tasks in from Taskwarrior (`task export`), all or nothing; problems name their path ([3].entry).

    Pending tasks are to do (doing once started), completed ones done on their end
    date; entry dates become the items' created events, annotations their description.
    Deleted tasks and recurring templates are skipped, and so are tasks of projects
    no --project maps (all counted). A task's uuid is kept as a tag src:taskwarrior:UUID,
    so a second import updates those items.

    Example: lablog import taskwarrior tasks.json --project hjem=HJBH --project udsk=UDSK --dry-run
    """
    from lablog.services import import_taskwarrior

    projects = option_pairs(project, "--project")
    if not projects:
        raise typer.BadParameter(
            _("say which lab each project goes to, e.g. --project hjem=HJBH"), param_hint="--project"
        )
    data = read_bytes(file)
    rows, skipped, problems = import_taskwarrior.parse(
        data, projects=projects, allow_number=state(ctx).allow_number
    )
    run(ctx, file, rows, problems, skipped=skipped, dry_run=dry_run, json=json)


@app.command("jira")
def from_jira(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Jira's CSV export of the issues (all fields), or its Agile REST API's JSON."
        ),
    ],
    lab: LabOpt = None,
    points_field: Annotated[
        str | None,
        typer.Option(
            "--points-field",
            metavar="NAME",
            help='The column holding story points (default: the first of "Story Points", '
            '"Story point estimate", "Custom field (Story Points)"); in JSON a field id or name.',
        ),
    ] = None,
    status: StatusOpt = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
) -> None:
    """Bring a Jira project's issues in from its CSV export or its Agile REST API, all or nothing.

    Items get the summary, description, story points, status (a Won't Do resolution
    drops them), labels as tags, created and resolved dates as events, and the
    assignee as owner when a person's email, handle or name matches (else kept in
    the description and listed). The issue key is kept as a tag src:jira:KEY, so a
    second import updates those items. Bad rows are named by their line (CSV) or
    path (JSON).

    From the REST API's JSON (a board's sprints, /rest/agile/1.0/board/ID/sprint, and
    its issues, /board/ID/issue, saved together in one file), the board's sprints
    become the lab's: closed ones closed on their completion day, the active one
    active, future ones planned, with every issue in the sprints it was in; an issue
    created before a sprint started counts as committed to it. The CSV holds no sprint
    dates, so from CSV sprints are listed, not created.

    Example: lablog import jira board.json --lab HJBH --points-field "Story point estimate" --dry-run
    """
    from lablog.services import import_jira, import_jira_rest

    data = read_bytes(file)
    code = the_lab(lab)
    if import_jira_rest.is_json(data):
        parsed = import_jira_rest.parse(
            data,
            lab=code,
            statuses=statuses(status),
            points_field=points_field,
            allow_number=state(ctx).allow_number,
        )
        return run(
            ctx,
            file,
            parsed.items,
            parsed.problems,
            skipped=[],
            dry_run=dry_run,
            json=json,
            notes=parsed.notes,
            sprints=parsed.sprints,
            lab=code,
        )
    rows, problems = import_jira.parse(
        data,
        lab=code,
        statuses=statuses(status),
        points_field=points_field,
        allow_number=state(ctx).allow_number,
    )
    found = import_jira.sprints(rows)
    said = ", ".join(
        ngettext("{name} ({n} issue)", "{name} ({n} issues)", n).format(name=name, n=n)
        for name, n in found.items()
    )
    notes = (
        [_("Sprints not created (Jira's CSV holds no sprint dates): {sprints}").format(sprints=said)]
        if found
        else []
    )
    run(ctx, file, rows, problems, skipped=[], dry_run=dry_run, json=json, notes=notes)
