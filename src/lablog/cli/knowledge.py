"""`lablog knowledge …`: what labs learn, shared between them, and what each lab did with it."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    YesOpt,
    actor,
    confirm,
    console,
    date_or_today,
    emit_json,
    emit_json_list,
    emit_json_streaming,
    notice,
    parse_date,
    reading,
    session,
    typed_text,
)
from lablog.dates import report_since
from lablog.enums import Answer, KnowledgeKind
from lablog.errors import InvalidValue
from lablog.i18n import _, long_date

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Knowledge entries: record what a lab learned, share it, and answer what others shared.",
)

KeyArg = Annotated[str, typer.Argument(metavar="K", help="The entry's number, e.g. K-17 or 17.")]
LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code, e.g. HJBH.")]
BodyOpt = Annotated[str | None, typer.Option("--body", help="The body as Markdown text (- for stdin).")]
FileOpt = Annotated[
    str | None,
    typer.Option("--file", "-f", metavar="FILE", help="Read the Markdown body from a file (- for stdin)."),
]
StdinArg = Annotated[
    str | None, typer.Argument(metavar="[-]", help="- reads the Markdown body from standard input.")
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="A tag; repeat for several.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, or what the lab made of it.")]
OnOpt = Annotated[str | None, typer.Option("--on", help="The day it happened (default today).")]


class DigestFormat(StrEnum):
    md = "md"
    json = "json"


def _body(body: str | None, file: str | None, stdin: str | None) -> str | None:
    """The body from --body, --file or standard input; None when none is given."""
    if stdin is not None and stdin != "-":
        raise typer.BadParameter(
            _("expected - (the body on standard input), got {value}").format(value=repr(stdin)),
            param_hint="[-]",
        )
    given = [x for x in (body is not None, file is not None, stdin is not None) if x]
    if len(given) > 1:
        raise typer.BadParameter(_("give the body one way: --body, --file or -"), param_hint="--body")
    if body is not None and body != "-":
        return body
    if "-" in (stdin, file, body):
        text = sys.stdin.read()
        if not text.strip():
            raise InvalidValue(_("Nothing came on standard input; pipe the body in, or use --body"))
        return text
    if file is None:
        return None
    path = Path(file).expanduser()
    if not path.is_file():
        raise InvalidValue(_("No file {file}; check the path given to --file").format(file=file))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidValue(
            _("{file} is not UTF-8 text; save it as UTF-8 and try again").format(file=file)
        ) from None
    if not text.strip():
        raise InvalidValue(
            _("{file} is empty; write the entry's body in it, or leave out --file").format(file=file)
        )
    return text


def _where(file: str | None) -> str:
    """The body as a refusal names it (a CPR-like number in it, a control character)."""
    return _("the body ({source})").format(source=file or _("standard input"))


@app.command("add")
def add(
    ctx: typer.Context,
    lab: LabArg,
    title: Annotated[str, typer.Argument(help="A short title.")],
    stdin: StdinArg = None,
    body: BodyOpt = None,
    file: FileOpt = None,
    kind: Annotated[KnowledgeKind, typer.Option("--kind", "-k", help="What it is.")] = KnowledgeKind.learning,
    tag: TagOpt = None,
    sprint: Annotated[
        int | None, typer.Option("--sprint", help="The lab's sprint number it came from.")
    ] = None,
    item: Annotated[
        str | None, typer.Option("--item", help="The backlog item it came from, e.g. HJBH-12.")
    ] = None,
    author: Annotated[str | None, typer.Option("--author", help="Who wrote it (default: you).")] = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a learning, model, method, result or risk of a lab.

    Example: lablog knowledge add HJBH "Fælles medicinliste" --kind method --tag medicin --file note.md
    """
    from lablog.services import knowledge

    day = date_or_today(ctx, on, "--on")
    text = typed_text(ctx, _body(body, file, stdin), _where(file))
    with session(ctx) as s:
        row = knowledge.add(
            s,
            lab=lab,
            title=title,
            body=text or "",
            kind=kind.value,
            tags=tag or [],
            sprint=sprint,
            item=item,
            author=author,
            on=day,
            actor=actor(ctx),
        )
    if json:
        return emit_json(row)
    notice(
        _("Added {key} to {lab}: {title}; share it with `lablog knowledge share {key} --all`").format(
            key=row.key, lab=row.lab, title=row.title
        )
    )


@app.command("show")
def show(ctx: typer.Context, key: KeyArg, json: JsonOpt = False) -> None:
    """Show an entry: its body as Markdown, where it came from, and where it was shared and adopted.

    Example: lablog knowledge show K-3
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    with session(ctx, write=False) as s:
        d = knowledge.show(s, ref=key)
    if json:
        return emit_json(d)
    render.detail(console(), d)


@app.command("edit")
def edit(
    ctx: typer.Context,
    key: KeyArg,
    stdin: StdinArg = None,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
    body: BodyOpt = None,
    file: FileOpt = None,
    kind: Annotated[KnowledgeKind | None, typer.Option("--kind", "-k", help="A new kind.")] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Replace the tags; repeat for several.")
    ] = None,
    no_tags: Annotated[bool, typer.Option("--no-tags", help="Remove every tag.")] = False,
    json: JsonOpt = False,
) -> None:
    """Change an entry's title, body, kind or tags; the earlier version is kept.

    Example: lablog knowledge edit K-3 --title "Fælles medicinliste i hjemmet" --tag medicin
    """
    from lablog.services import knowledge

    if tag and no_tags:
        raise typer.BadParameter(_("give either --tag or --no-tags"), param_hint="--no-tags")
    text = typed_text(ctx, _body(body, file, stdin), _where(file))
    tags = [] if no_tags else tag
    if title is None and text is None and kind is None and tags is None:
        raise typer.BadParameter(_("nothing to change; give --title, --body, --file, --kind or --tag"))
    with session(ctx) as s:
        row = knowledge.edit(
            s,
            ref=key,
            title=title,
            body=text,
            kind=kind.value if kind else None,
            tags=tags,
            actor=actor(ctx),
        )
    if json:
        return emit_json(row)
    notice(_("Updated {key} (version {version})").format(key=row.key, version=row.version))


@app.command("delete")
def delete(ctx: typer.Context, key: KeyArg, yes: YesOpt = False, json: JsonOpt = False) -> None:
    """Delete an entry with its history, shares and answers; its number is not reused.

    Example: lablog knowledge delete K-3 --yes
    """
    from lablog.services import knowledge

    with session(ctx, write=False) as s:
        shown = knowledge.show(s, ref=key).entry
    confirm(
        _("Delete {key} ({title}) with its shares and answers?").format(key=shown.key, title=shown.title), yes
    )
    with session(ctx) as s:
        row = knowledge.delete(s, ref=key)
    if json:
        return emit_json(row)
    notice(_("Deleted {key}: {title}").format(key=row.key, title=row.title))


@app.command("share")
def share(
    ctx: typer.Context,
    key: KeyArg,
    to: Annotated[
        list[str] | None, typer.Option("--to", metavar="LAB", help="A lab to share with; repeat.")
    ] = None,
    all_labs: Annotated[bool, typer.Option("--all", help="Every other open lab.")] = False,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Share an entry with other labs; sharing again with the same lab changes nothing.

    Example: lablog knowledge share K-3 --to INDL --to HJBS
    """
    from lablog.services import knowledge

    if bool(to) == all_labs:
        raise typer.BadParameter(_("give the labs with --to LAB, or --all"), param_hint="--to")
    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        result = knowledge.share(s, ref=key, to=to or [], all_labs=all_labs, on=day, actor=actor(ctx))
    if json:
        return emit_json(result)
    if result.shared_with:
        notice(_("Shared {key} with {labs}").format(key=result.key, labs=", ".join(result.shared_with)))
    if result.already_shared:
        notice(
            _("{key} was already shared with {labs}").format(
                key=result.key, labs=", ".join(result.already_shared)
            )
        )


@app.command("inbox")
def inbox(
    ctx: typer.Context,
    lab: LabArg,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many, newest first; 0 for all.")
    ] = 50,
    json: JsonOpt = False,
) -> None:
    """What other labs shared with a lab that it has not answered yet, newest first.

    The newest 50 unless --limit says otherwise.

    Example: lablog knowledge inbox INDL
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    with session(ctx, write=False) as s:
        # One more than shown, to know whether to say there are more.
        rows = knowledge.inbox(s, lab=lab, limit=limit + 1 if limit else None)
    if limit and len(rows) > limit:
        rows = rows[:limit]
        notice(_("Showing the newest {limit} entries waiting; --limit 0 shows them all").format(limit=limit))
    if json:
        return emit_json(rows)
    render.inbox(console(), lab.upper(), rows)


def _answer(ctx: typer.Context, key: str, lab: str, status: Answer, note, on, json: bool) -> None:
    from lablog.services import knowledge

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        result = knowledge.answer(s, ref=key, lab=lab, status=status, note=note, on=day, actor=actor(ctx))
    if json:
        return emit_json(result)
    # Only trying can be followed by another answer: adopted and declined are final.
    sentence = {
        (Answer.trying, None): _("{lab} is trying {key} on {on}"),
        (Answer.adopted, None): _("{lab} adopted {key} on {on}"),
        (Answer.declined, None): _("{lab} declined {key} on {on}"),
        (Answer.adopted, Answer.trying): _("{lab} adopted {key} on {on} (was trying)"),
        (Answer.declined, Answer.trying): _("{lab} declined {key} on {on} (was trying)"),
    }[(result.status, result.previous)]
    notice(sentence.format(lab=result.lab, key=result.key, on=long_date(result.on)))


AnswerLabOpt = Annotated[str, typer.Option("--lab", "-l", metavar="LAB", help="The receiving lab.")]


@app.command("try")
def try_(
    ctx: typer.Context,
    key: KeyArg,
    lab: AnswerLabOpt,
    note: NoteOpt = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that a receiving lab is trying an entry out.

    Example: lablog knowledge try K-3 --lab INDL --note "Prøves i uge 49"
    """
    _answer(ctx, key, lab, Answer.trying, note, on, json)


@app.command("adopt")
def adopt(
    ctx: typer.Context,
    key: KeyArg,
    lab: AnswerLabOpt,
    note: NoteOpt = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that a receiving lab adopted an entry.

    Example: lablog knowledge adopt K-3 --lab INDL --note "Indført i alle tre kommuner"
    """
    _answer(ctx, key, lab, Answer.adopted, note, on, json)


@app.command("decline")
def decline(
    ctx: typer.Context,
    key: KeyArg,
    lab: AnswerLabOpt,
    note: NoteOpt = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that a receiving lab declined an entry, preferably with why.

    Example: lablog knowledge decline K-3 --lab GRAV --note "Passer ikke til vores målgruppe"
    """
    _answer(ctx, key, lab, Answer.declined, note, on, json)


LabFilter = Annotated[
    str | None, typer.Option("--lab", "-l", metavar="LAB", help="Only entries from this lab.")
]
TagFilter = Annotated[str | None, typer.Option("--tag", "-t", help="Only entries with this tag.")]
KindFilter = Annotated[KnowledgeKind | None, typer.Option("--kind", "-k", help="Only entries of this kind.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only entries recorded on or after this day.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: LabFilter = None,
    tag: TagFilter = None,
    kind: KindFilter = None,
    since: SinceOpt = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="At most this many, newest first; 0 for all.")
    ] = 50,
    json: JsonOpt = False,
) -> None:
    """List knowledge entries, newest first (the newest 50 unless --limit says otherwise).

    Example: lablog knowledge list --lab HJBH --kind method --since 2026-W40
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    start = parse_date(ctx, since, "--since")
    with session(ctx, write=False) as s:
        rows = knowledge.iter_entries(
            s,
            lab=lab,
            tag=tag,
            kind=kind.value if kind else None,
            since=start,
            limit=limit + 1 if limit else None,
        )
        if limit:
            rows = list(rows)
            if len(rows) > limit:
                rows = rows[:limit]
                notice(_("Showing the newest {limit} entries; --limit 0 shows them all").format(limit=limit))
        # With --limit 0, streamed while the read transaction is open: every
        # entry of a long programme never has to be in memory at once.
        if json:
            return emit_json_list(rows)
        render.entries(console(), rows)


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words (all must match), word* prefixes, "phrases", OR.')],
    lab: LabFilter = None,
    tag: TagFilter = None,
    kind: KindFilter = None,
    since: SinceOpt = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only entries recorded on or before this day.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many hits.")] = 20,
    json: JsonOpt = False,
) -> None:
    """Search titles, bodies and tags, best match first, with the matching passage.

    Example: lablog knowledge search 'hjemmesygeplejerske* OR "fælles medicinliste"' --since 2026-01-01
    """
    from lablog.queries import knowledge
    from lablog.render import knowledge as render

    start = parse_date(ctx, since, "--since")
    end = parse_date(ctx, until, "--until")
    with reading(ctx) as r:
        rows = knowledge.search(
            r,
            query=query,
            limit=limit,
            lab=lab,
            tag=tag,
            kind=kind.value if kind else None,
            since=start,
            until=end,
        )
    if json:
        return emit_json(rows)
    render.hits(console(), rows)


@app.command("digest")
def digest(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help="The first day (default: the four weeks ending --until).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="The last day (default today).")] = None,
    fmt: Annotated[
        DigestFormat, typer.Option("--format", help="md for meeting notes, or json.")
    ] = DigestFormat.md,
    json: JsonOpt = False,
) -> None:
    """What each lab shared and answered in a period, as Markdown for the network's meeting notes.

    Example: lablog knowledge digest --since 2026-W44 > referat.md
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    end = date_or_today(ctx, until, "--until")
    start = parse_date(ctx, since, "--since") or report_since(end)
    with session(ctx, write=False) as s:
        head, labs = knowledge.digest_streamed(s, since=start, until=end)
        if json or fmt == DigestFormat.json:
            return emit_json_streaming(head, "labs", labs)
        sys.stdout.writelines(render.digest_markdown_parts(head, labs))
