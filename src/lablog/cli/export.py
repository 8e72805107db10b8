"""`lablog export …` and `lablog import`: summaries for people, and the whole store as a file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from lablog import i18n
from lablog.cli._common import notice, parse_date, reading, session, today
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Sprint summaries, the programme report, the whole store.",
)


# Sprint summaries and the programme report ---------------------------------------


class Language(StrEnum):
    da = "da"
    en = "en"


LangOpt = Annotated[
    Language | None,
    typer.Option(
        "--lang",
        help="The language of the report: da or en (default: the language lablog speaks to you).",
    ),
]


class SummaryFormat(StrEnum):
    md = "md"
    json = "json"
    html = "html"


SummaryFormatOpt = Annotated[
    SummaryFormat,
    typer.Option(
        "--format",
        "-f",
        help="Markdown for people, HTML to open, print or mail (one file), JSON for the data.",
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")]
JsonFormatOpt = Annotated[bool, typer.Option("--json", help="The same as --format json.")]
TemplateOpt = Annotated[
    Path | None,
    typer.Option("--template", metavar="FILE", help="A Jinja2 template to use instead of the shipped one."),
]


def _deliver(text: str, output: Path | None, force: bool) -> None:
    """Print, or write FILE as UTF-8 (never over an existing file without --force)."""
    if output is None:
        sys.stdout.write(text)
        return
    from lablog import files

    files.write_text(output, text, force=force)
    notice(_("Wrote {path}").format(path=output))


@contextmanager
def _streaming(output: Path | None, force: bool) -> Iterator[TextIO]:
    """Where to write text piece by piece: stdout, or FILE (0600) once all of it is written.

    See lablog.files.atomic: a failure half way leaves no half file and FILE as
    it was; without --force it never replaces a FILE that appeared meanwhile.
    """
    if output is None:
        yield sys.stdout
        return
    from lablog import files

    with files.atomic(output, force=force) as out:
        yield out


def _json(data) -> str:
    import json

    from lablog.shapes import to_jsonable

    return json.dumps(to_jsonable(data), ensure_ascii=False, indent=2) + "\n"


@app.command("sprint")
def sprint(
    ctx: typer.Context,
    lab: Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")],
    number: Annotated[
        int | None,
        typer.Argument(metavar="[N]", help="Sprint number (default: active, else the last closed)."),
    ] = None,
    fmt: SummaryFormatOpt = SummaryFormat.md,
    output: OutputOpt = None,
    force: ForceOpt = False,
    template: TemplateOpt = None,
    json: JsonFormatOpt = False,
    lang: LangOpt = None,
) -> None:
    """A sprint summary in Markdown (with YAML front matter) for the lab and the steering group.

    --format html writes one self-contained page with its charts, ready to print;
    --lang da writes it in Danish whatever language the terminal speaks.

    Example: lablog export sprint HJBH 3 -o HJBH-3.md
    """
    from lablog import config
    from lablog.queries import summaries
    from lablog.render import markdown

    # Read in the report's language too: some of its sentences (a measure's verdict) are made there.
    with i18n.speaking(lang):
        with reading(ctx) as r:
            data = summaries.sprint_summary(r, lab=lab, number=number, today=today(ctx))
        if json:
            fmt = SummaryFormat.json
        if fmt == SummaryFormat.json:
            text = _json(data)
        elif fmt == SummaryFormat.html:
            from lablog.render import html

            text = html.sprint_summary(data, template=template, config_dir=config.config_dir())
        else:
            text = markdown.sprint_summary(data, template=template, config_dir=config.config_dir())
    _deliver(text, output, force)


@app.command("programme")
def programme(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First day (default: the four weeks ending --until)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the period (default: today).")
    ] = None,
    fmt: SummaryFormatOpt = SummaryFormat.md,
    output: OutputOpt = None,
    force: ForceOpt = False,
    template: TemplateOpt = None,
    json: JsonFormatOpt = False,
    lang: LangOpt = None,
) -> None:
    """The steering group's status report: every lab's results, decisions needed and decisions.

    Per lab: its sprint, the sprints closed in the period with goal met, outcome,
    review and retrospective, the impediments waiting for the steering group,
    the decisions taken, completed activities, coverage and knowledge.

    --format html writes one self-contained page with charts that prints to A4;
    --lang da writes it in Danish whatever language the terminal speaks.

    Example: lablog export programme --since 2026-W44 --lang da -o status.md
    """
    from lablog import config
    from lablog.dates import report_since
    from lablog.render import markdown
    from lablog.services import summaries

    if json:
        fmt = SummaryFormat.json
    end = parse_date(ctx, until, "--until") or today(ctx)
    start = parse_date(ctx, since, "--since") or report_since(end)
    # Written while the read transaction is open: each lab's completed items are
    # read as they are written, so a long period never has to be in memory.
    with i18n.speaking(lang), session(ctx, write=False) as s:
        data = summaries.programme(s, since=start, until=end, today=today(ctx))
        if fmt == SummaryFormat.json:
            with _streaming(output, force) as out:
                _programme_json(data, out)
        else:
            renderer = markdown
            if fmt == SummaryFormat.html:
                from lablog.render import html as renderer
            chunks = renderer.programme_report_chunks(data, template=template, config_dir=config.config_dir())
            with _streaming(output, force) as out:
                out.writelines(chunks)
    if output is not None:
        notice(_("Wrote {path}").format(path=output))


# A lab's lists that are read from the store as they are written.
STREAMED = ("done", "sprints_closed")


def _programme_json(report, out: TextIO) -> None:
    """The report as _json writes it, each lab's streamed lists written as they are read."""
    import json

    from lablog.cli._common import write_json_array
    from lablog.shapes import ProgrammeLab, to_jsonable

    # In the order the lab's fields are written, which is the order they are split out below.
    streamed = [name for name, _, _ in ProgrammeLab._fields if name in STREAMED]
    empty = dict.fromkeys(streamed, [])
    doc = to_jsonable(report.replace(labs=[lab.replace(**empty) for lab in report.labs]))
    for n, lab in enumerate(doc["labs"]):
        for field in streamed:
            lab[field] = f"\u0000{field} {n}\u0000"
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    for n, lab in enumerate(report.labs):
        for field in streamed:
            head, text = text.split(json.dumps(f"\u0000{field} {n}\u0000"), 1)
            out.write(head)
            write_json_array(out, getattr(lab, field), " " * 6)  # a lab's keys sit 6 deep: report, labs, lab
    out.write(text + "\n")


@app.command("all")
def export_all(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="toml|json",
            help="toml (default) or json; with -o, the file name's extension decides when not given.",
        ),
    ] = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    json: JsonFormatOpt = False,
) -> None:
    """Write every record of the store to one file that `lablog import` reads back exactly.

    The format is versioned and documented in docs/export-format.md.

    Example: lablog export all -o programme-2026-W48.toml
    """
    from lablog.cli.transfer import ProgressBar, file_format
    from lablog.services import transfer, transfer_format

    if json:
        if fmt not in (None, "json"):
            raise typer.BadParameter(
                _("--json and --format {format} disagree; give one").format(format=fmt), param_hint="--json"
            )
        fmt = "json"
    kind = file_format(fmt, output, param="--output", default="toml")
    # Read and written together, chunk by chunk: the store never has to fit in memory.
    with session(ctx, write=False) as s, ProgressBar(_("Exporting")) as progress:
        doc = transfer.export_document(
            s, progress=None if progress.off else progress, json_ready=kind == "json"
        )
        with _streaming(output, force) as out:
            transfer_format.write(doc, kind, out)
    if output is not None:
        notice(_("Wrote {path}").format(path=output))
