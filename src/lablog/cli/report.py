"""`lablog report …`: velocity, burndown and the flow of knowledge between labs."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, console, emit_json, parse_date, session

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Reports across sprints and labs.")


# Knowledge flow ------------------------------------------------------------------


@app.command("knowledge-flow")
def knowledge_flow(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option("--since", help="Count shares from this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Count shares up to this day.")] = None,
    json: JsonOpt = False,
) -> None:
    """Which lab shared with which, and what the receivers did with it; what no lab adopted.

    Example: lablog report knowledge-flow --since 2026-01-01 --json
    """
    from lablog.render import knowledge as render
    from lablog.services import knowledge

    start = parse_date(ctx, since, "--since")
    end = parse_date(ctx, until, "--until")
    with session(ctx, write=False) as s:
        flow = knowledge.flow(s, since=start, until=end)
    if json:
        return emit_json(flow)
    render.flow(console(), flow)
