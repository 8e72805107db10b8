"""Backlog items as tables for people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.text import Text

from lablog import words
from lablog.render.grid import Grid
from lablog.render.points import fmt_points
from lablog.render.tables import _table, empty
from lablog.shapes import ItemDetail, ItemRead

STATUS_STYLE = {"todo": "", "doing": "cyan", "done": "green", "dropped": "dim"}


def items(console: Console, rows: Iterable[ItemRead]) -> None:
    """The items as a table, with a line of totals; `rows` is read once, as it streams in."""
    table = _table("Key", "Title", "Pts", "Status", "Owner", "Sprint", "Tags", drop={"Tags": 1})
    count, total, unestimated = 0, 0.0, 0
    # One Text per status for the whole table: a table never changes its cells.
    statuses: dict[str, Text] = {}

    def cells() -> Iterator[tuple]:
        # Counted as the table reads them: a long history is never held whole.
        nonlocal count, total, unestimated
        for r in rows:
            title: str | Text = r.title
            if r.type != "story":
                title = Text.assemble(r.title, (f" ({r.type})", "dim"))
            status = statuses.get(r.status)
            if status is None:
                status = statuses[r.status] = Text(r.status, style=STATUS_STYLE.get(r.status, ""))
            count += 1
            total += r.points or 0
            unestimated += r.points is None
            yield (
                r.key,
                title,
                fmt_points(r.points),
                status,
                r.owner or "",
                str(r.sprint) if r.sprint else "",
                " ".join(f"#{t}" for t in r.tags),
            )

    table.add_rows(cells())
    if not count:
        return empty(console, "No items match; add one with `lablog backlog add LAB TITLE`")
    table.print(console)
    tail = f", {unestimated} not estimated" if unestimated else ""
    console.print(Text(f"{words.count(count, 'item')}, {fmt_points(total)} points{tail}", style="dim"))


def item_detail(console: Console, detail: ItemDetail) -> None:
    i = detail.item
    console.print(Text.assemble((f"{i.key}  {i.title}", "bold")))
    facts = [
        f"Type: {i.type}",
        f"Status: {i.status}" + (f" ({i.done_on})" if i.done_on else ""),
        f"Points: {fmt_points(i.points) or 'not estimated'}",
    ]
    if i.owner:
        facts.append(f"Owner: {i.owner}")
    if i.sprint:
        facts.append(f"Sprint: {i.lab} {i.sprint}")
    if i.origin_sprint:
        facts.append(f"From the retrospective of sprint {i.origin_sprint}")
    if i.tags:
        facts.append("Tags: " + " ".join(f"#{t}" for t in i.tags))
    console.print(" · ".join(facts))
    if detail.blocked_by:
        console.print(Text(f"Blocked by {', '.join(detail.blocked_by)}", style="bold red"))
    if i.description:
        console.print(Text(i.description))
    table: Grid = _table("On", "Change", "From", "To", "Sprint", "By", title="History")
    for e in detail.history:
        table.add_row(e.on.isoformat(), e.kind, e.old or "", e.new or "", str(e.sprint or ""), e.actor or "")
    table.print(console)
