"""`lablog report …`: velocity, burndown and the flow of knowledge between labs."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Reports across sprints and labs.")
