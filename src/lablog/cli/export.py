"""`lablog export …` and `lablog import`: summaries for people, and the whole store as a file."""

from __future__ import annotations

import typer

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Sprint summaries, the programme report, the whole store.",
)
