"""`lablog search` hits at a terminal: a table of 80 columns or more."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console

from lablog.i18n import _, pgettext
from lablog.render.knowledge import highlighted
from lablog.render.tables import _table, empty
from lablog.shapes import TextHit


def kind(value: str) -> str:
    """A kind as shown; JSON keeps the English value."""
    labels = {
        "item": pgettext("search kind", "item"),
        "knowledge": pgettext("search kind", "knowledge"),
        "review": pgettext("search kind", "review"),
        "retro": pgettext("search kind", "retro"),
        "impediment": pgettext("search kind", "impediment"),
        "decision": pgettext("search kind", "decision"),
        "pdsa": pgettext("search kind", "pdsa"),
    }
    return labels.get(value, value)


def hits(console: Console, rows: Sequence[TextHit]) -> None:
    if not rows:
        return empty(console, _("Nothing matches; try fewer words or a prefix like hjemme*"))
    table = _table(_("Kind"), _("Key"), _("Lab"), _("Title"), _("Match"))
    for r in rows:
        table.add_row(
            kind(r.kind),
            r.key,
            r.lab or "",
            r.title,
            highlighted(" ".join(r.snippet.split())),
        )
    table.print(console)
