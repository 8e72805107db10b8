"""Backlog items as tables for people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.text import Text

from lablog.i18n import N_, _, ngettext
from lablog.render import states
from lablog.render.grid import Grid
from lablog.render.points import fmt_points
from lablog.render.tables import _table, empty
from lablog.shapes import ItemDetail, ItemRead

STATUS_STYLE = {"todo": "", "doing": "cyan", "done": "green", "dropped": "dim"}


def items(console: Console, rows: Iterable[ItemRead]) -> None:
    """The items as a table, with a line of totals; `rows` is read once, as it streams in."""
    table = _table(
        N_("Key"),
        N_("Title"),
        N_("Pts"),
        N_("Status"),
        N_("Owner"),
        N_("Sprint"),
        N_("Tags"),
        drop={"Tags": 1},
    )
    count, total, unestimated = 0, 0.0, 0
    # One Text per status for the whole table: a table never changes its cells.
    statuses: dict[str, Text] = {}

    def cells() -> Iterator[tuple]:
        # Counted as the table reads them: a long history is never held whole.
        nonlocal count, total, unestimated
        for r in rows:
            title: str | Text = r.title
            if r.type != "story":
                title = Text.assemble(r.title, (f" ({states.item_type(r.type)})", "dim"))
            status = statuses.get(r.status)
            if status is None:
                status = statuses[r.status] = Text(
                    states.item_status(r.status), style=STATUS_STYLE.get(r.status, "")
                )
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
        return empty(console, _("No items match; add one with `lablog backlog add LAB TITLE`"))
    table.print(console)
    line = ngettext("{n} item", "{n} items", count).format(n=count)
    line = _("{items}, {points} points").format(items=line, points=fmt_points(total))
    if unestimated:
        line = _("{items_and_points}, {n} not estimated").format(items_and_points=line, n=unestimated)
    console.print(Text(line, style="dim"))


def item_detail(console: Console, detail: ItemDetail) -> None:
    i = detail.item
    console.print(Text.assemble((f"{i.key}  {i.title}", "bold")))
    status = states.item_status(i.status)
    facts = [
        _("Type: {type}").format(type=states.item_type(i.type)),
        _("Status: {status} ({on})").format(status=status, on=i.done_on)
        if i.done_on
        else _("Status: {status}").format(status=status),
        _("Points: {points}").format(points=fmt_points(i.points) or _("not estimated")),
    ]
    if i.owner:
        facts.append(_("Owner: {owner}").format(owner=i.owner))
    if i.sprint:
        facts.append(_("Sprint: {lab} {number}").format(lab=i.lab, number=i.sprint))
    if i.origin_sprint:
        facts.append(_("From the retrospective of sprint {number}").format(number=i.origin_sprint))
    if i.tags:
        facts.append(_("Tags: {tags}").format(tags=" ".join(f"#{t}" for t in i.tags)))
    console.print(" · ".join(facts))
    if detail.blocked_by:
        console.print(
            Text(_("Blocked by {keys}").format(keys=", ".join(detail.blocked_by)), style="bold red")
        )
    if i.description:
        console.print(Text(i.description))
    table: Grid = _table(
        N_("On"), N_("Change"), N_("From"), N_("To"), N_("Sprint"), N_("By"), title=_("History")
    )
    for e in detail.history:
        old, new = e.old or "", e.new or ""
        if e.kind in ("status", "created"):
            old, new = states.item_status(old), states.item_status(new)
        elif e.kind == "type":
            old, new = states.item_type(old), states.item_type(new)
        table.add_row(
            e.on.isoformat(), states.event_kind(e.kind), old, new, str(e.sprint or ""), e.actor or ""
        )
    table.print(console)
