"""`lablog export …` and `lablog import`: summaries for people, and the whole store as a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Sprint summaries, the programme report, the whole store.",
)


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
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Write every record of the store to one file that `lablog import` reads back exactly.

    The format is versioned and documented in docs/export-format.md.

    Example: lablog export all -o programme-2026-W48.toml
    """
    from lablog.cli._common import notice, session
    from lablog.cli.transfer import ProgressBar, file_format
    from lablog.services import transfer, transfer_format

    kind = file_format(fmt, output, param="--output", default="toml")
    with session(ctx, write=False) as s, ProgressBar("Exporting") as progress:
        doc = transfer.export_store(s, progress=progress)
    text = transfer_format.dumps(doc, kind)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    notice(f"Wrote the store to {output} ({kind.upper()}, format version {doc['version']})")
