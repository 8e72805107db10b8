"""`lablog search`: everything people write, Danish-aware."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, console, emit_json, reading

app = typer.Typer(rich_markup_mode=None)


class TextKind(StrEnum):
    item = "item"
    knowledge = "knowledge"
    review = "review"
    retro = "retro"
    impediment = "impediment"
    decision = "decision"
    pdsa = "pdsa"


@app.command("search")
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words (all must match), word* prefixes, "phrases", OR.')],
    kind: Annotated[
        TextKind | None, typer.Option("--type", help="Only texts of this kind.", case_sensitive=False)
    ] = None,
    lab: Annotated[
        str | None, typer.Option("--lab", "-l", metavar="LAB", help="Only texts from this lab.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many hits.")] = 20,
    json: JsonOpt = False,
) -> None:
    """Search items, knowledge, reviews, retrospectives, impediments, decisions and PDSA cycles.

    Danish-aware: "borger" finds "borgerne", "aeldre" finds "ældre", and
    "sygeplejerske" finds "hjemmesygeplejersken". Best match first.

    Example: lablog search 'sygeplejerske "fælles medicinliste"' --type item --lab HJBH
    """
    from lablog.queries import refs
    from lablog.queries import search as queries
    from lablog.render import search as render

    with reading(ctx) as r:
        rows = queries.hits(
            r,
            query=query,
            limit=limit,
            kind=kind.value if kind else None,
            lab_id=refs.lab_id(r, lab) if lab else None,
        )
    if json:
        return emit_json(rows)
    render.hits(console(), rows)
