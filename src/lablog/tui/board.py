"""The live stand-up board: a Textual app over a BoardStore (lablog.cli.board).

The app never touches the database itself: it asks its store to load the
board, to read the change stamp, to move an item or to show one, and shows a
LablogError from any of them as a one-line notification.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from lablog.errors import LablogError
from lablog.i18n import N_, _
from lablog.render import board as render
from lablog.render import states
from lablog.render.points import fmt_points

# How often the board asks whether the store changed (one indexed count).
POLL_SECONDS = 2.0
# Lines per card: its key and facts, then its title.
CARD_LINES = 2

KEYS = N_("""\
←↓↑→ or h j k l   select an item
s                 start it (to do → doing)
d                 mark it done
r                 reopen it (back to to do)
o                 show one owner's items; again for the next owner, then everyone's
enter             the item's details and history
?                 these keys
q                 quit

Moves are recorded as `lablog item start|done|reopen` records them, as you.
The board reloads by itself when someone else changes the sprint.""")

# What the notification says a move did: "{key} started: {title}".
MOVED = {
    "doing": N_("{key} started: {title}"),
    "done": N_("{key} done: {title}"),
    "todo": N_("{key} reopened: {title}"),
}


def _translated(node) -> None:
    """The footer's key descriptions in the reader's language (BINDINGS keep the English ones)."""
    found = node._bindings.key_to_bindings
    for key, bindings in found.items():
        found[key] = [dataclasses.replace(b, description=_(b.description)) for b in bindings]


class Column(VerticalScroll, can_focus=False):
    """One column of cards; the app draws them and keeps the selected one in view."""

    DEFAULT_CSS = """
    Column { width: 1fr; border: round $secondary; padding: 0 0; }
    Column.-current { border: round $accent; }
    Column > Static { text-wrap: nowrap; text-overflow: ellipsis; width: 1fr; }
    """

    def __init__(self, name: str, title: str):
        super().__init__(id=name)
        self.heading = title
        self.body = Static(id=f"{name}-cards")
        self.items: list[Any] = []
        self.selected: int | None = None

    def compose(self) -> ComposeResult:
        yield self.body

    def show(self, items: list[Any], selected: int | None) -> None:
        self.items, self.selected = items, selected
        self.border_title = f"{_(self.heading)} ({len(items)})"
        self.paint()
        if selected is not None:
            self.keep_in_view(selected * CARD_LINES)

    def on_resize(self) -> None:
        self.paint()

    def paint(self) -> None:
        # The selected card is a bar across the column: its lines padded to the column's width.
        width = self.scrollable_content_region.width
        text = Text()
        for i, item in enumerate(self.items):
            facts = render.card_facts(item)
            head = Text()
            head.append(item.key, style="bold")
            head.append(f" {facts}" if facts else "", style="" if i == self.selected else "dim")
            title = Text(item.title)
            if i == self.selected:
                for line in (head, title):
                    line.pad_right(width - line.cell_len)
                    line.stylize("reverse")
            text.append_text(head)
            text.append("\n")
            text.append_text(title)
            text.append("\n")
        if not text:
            text.append("–", style="dim")
        text.rstrip()
        self.body.update(text)

    def keep_in_view(self, top: int) -> None:
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif height and top + CARD_LINES > self.scroll_y + height:
            self.scroll_to(y=top + CARD_LINES - height, animate=False)


class TextScreen(ModalScreen[None]):
    """A page of text over the board (an item's details, the keys); any of esc, enter, q closes it."""

    DEFAULT_CSS = """
    TextScreen { align: center middle; }
    TextScreen > VerticalScroll {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,enter,q,question_mark", "dismiss", N_("Close")),
        Binding("down,j", "scroll(1)", show=False),
        Binding("up,k", "scroll(-1)", show=False),
    ]

    def __init__(self, title: str, text: Text | str):
        super().__init__()
        _translated(self)
        self.page_title, self.text = title, text

    def compose(self) -> ComposeResult:
        page = VerticalScroll(Static(self.text, id="page"))
        page.border_title = self.page_title
        yield page

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)


def details_text(detail: Any) -> Text:
    """An item's details: title, status, points, owner, what blocks it, description, history."""
    item = detail.item
    text = Text()
    text.append(item.title + "\n", style="bold")
    facts = [
        (_("Status"), states.item_status(item.status)),
        (_("Type"), states.item_type(item.type)),
        (_("Points"), fmt_points(item.points) or _("not estimated")),
        (_("Owner"), item.owner or _("nobody")),
    ]
    if item.tags:
        facts.append((_("Tags"), ", ".join(item.tags)))
    if detail.blocked_by:
        facts.append((_("Blocked by"), ", ".join(detail.blocked_by)))
    for label, value in facts:
        text.append(_("{label}: ").format(label=label), style="dim")
        text.append(f"{value}\n")
    if item.description:
        text.append("\n" + item.description.strip() + "\n")
    text.append("\n" + _("History") + "\n", style="bold")
    for event in detail.history:
        old, new = event.old, event.new
        if event.kind in ("status", "created"):
            old, new = (states.item_status(v) if v is not None else None for v in (old, new))
        change = " → ".join(v for v in (old, new) if v is not None)
        text.append(f"{event.on}  {states.event_kind(event.kind)} {change}".rstrip())
        text.append(f"  {event.actor}\n" if event.actor else "\n", style="dim")
    text.rstrip()
    return text


class BoardApp(App[None]):
    """The board of one sprint: four columns, a header, keys to move the selected item."""

    TITLE = "lablog board"
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #header { height: 3; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    #columns { height: 1fr; }
    """
    BINDINGS = [
        Binding("left,h", "select(-1, 0)", "Left", show=False),
        Binding("right,l", "select(1, 0)", "Right", show=False),
        Binding("up,k", "select(0, -1)", "Up", show=False),
        Binding("down,j", "select(0, 1)", "Down", show=False),
        Binding("s", "move('doing')", N_("Start")),
        Binding("d", "move('done')", N_("Done")),
        Binding("r", "move('todo')", N_("Reopen")),
        Binding("o", "owner", N_("Owner")),
        Binding("enter", "details", N_("Details")),
        Binding("question_mark", "keys", N_("Keys")),
        Binding("q", "quit", N_("Quit")),
    ]

    def __init__(self, store: Any, board: Any):
        super().__init__()
        _translated(self)
        self.store = store
        self.board = board
        # The sprint shown: the one that was active when the board opened, even once closed.
        self.number = board.detail.sprint.number
        self.owner: str | None = render.EVERYONE
        self.column = 0
        self.rows = {name: 0 for name, _title in render.COLUMNS}
        self.stamp: tuple | None = None
        self.reloads = 0
        self.failure: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Horizontal(id="columns"):
            for name, title in render.COLUMNS:
                yield Column(name, title)
        yield Footer()

    def on_mount(self) -> None:
        self.stamp = self._read(self.store.stamp)
        # Start on the first column with work in it.
        visible = self.visible()
        self.column = next((i for i, (name, _title) in enumerate(render.COLUMNS) if visible[name]), 0)
        self.draw()
        self.set_interval(POLL_SECONDS, self.poll)

    # Data ------------------------------------------------------------------------

    def poll(self) -> None:
        """Reload when the lab's change stamp moved: someone (here or elsewhere) changed something."""
        stamp = self._read(self.store.stamp)
        if stamp is not None and stamp != self.stamp:
            self.reload(stamp)

    def reload(self, stamp: tuple | None = None, *, follow: str | None = None) -> None:
        """Read the board again and draw it, the selection on `follow` (a key) or where it was."""
        stamp = stamp or self._read(self.store.stamp)
        board = self._read(lambda: self.store.load(self.number))
        if board is None:
            return
        key = follow or self._selected_key()
        self.board, self.stamp, self.failure = board, stamp, None
        self.reloads += 1
        self._select_key(key)
        self.draw()

    def _read(self, work):
        try:
            value = work()
        except LablogError as e:
            # Said once until the board loads again, not every two seconds while the store is away.
            if str(e) != self.failure:
                self.failure = str(e)
                self.notify(str(e), severity="warning", markup=False)
            return None
        return value

    # Drawing ---------------------------------------------------------------------

    def visible(self) -> dict[str, list[Any]]:
        return render.columns(self.board.detail.items, owner=self.owner)

    def draw(self) -> None:
        detail = self.board.detail
        header = Text(render.status_line(detail), style="bold")
        if detail.sprint.status != "active":
            header.append(
                " · " + _("{status}: read-only").format(status=states.sprint_status(detail.sprint.status)),
                style="bold",
            )
        header.append("\n" + render.goal_line(detail) + "\n")
        header.append(render.burndown_line(self.board.burndown))
        if self.owner != render.EVERYONE:
            header.append(
                "   " + _("Owner: {owner}").format(owner=render.owner_label(self.owner)), style="bold"
            )
        self.query_one("#header", Static).update(header)
        visible = self.visible()
        for i, (name, _title) in enumerate(render.COLUMNS):
            column = self.query_one(f"#{name}", Column)
            items = visible[name]
            row = min(self.rows[name], max(len(items) - 1, 0))
            self.rows[name] = row
            column.set_class(i == self.column, "-current")
            column.show(items, row if i == self.column and items else None)

    # Selection -------------------------------------------------------------------

    def selected(self) -> Any | None:
        name = render.COLUMNS[self.column][0]
        items = self.visible()[name]
        return items[self.rows[name]] if items else None

    def _selected_key(self) -> str | None:
        item = self.selected()
        return item.key if item else None

    def _select_key(self, key: str | None) -> None:
        if key is None:
            return
        for i, (name, _title) in enumerate(render.COLUMNS):
            keys = [item.key for item in self.visible()[name]]
            if key in keys:
                self.column, self.rows[name] = i, keys.index(key)
                return

    def action_select(self, columns: int, rows: int) -> None:
        if columns:
            self.column = (self.column + columns) % len(render.COLUMNS)
        else:
            name = render.COLUMNS[self.column][0]
            count = len(self.visible()[name])
            self.rows[name] = max(0, min(count - 1, self.rows[name] + rows))
        self.draw()

    # Keys ------------------------------------------------------------------------

    def action_move(self, to: str) -> None:
        item = self.selected()
        if item is None:
            self.notify(_("No item selected"), severity="warning")
            return
        if self.board.detail.sprint.status == "closed":
            self.notify(
                _("Sprint {number} is closed; its board is read-only").format(number=self.number),
                severity="warning",
            )
            return
        try:
            moved = self.store.move(item.key, to)
        except LablogError as e:
            self.notify(str(e), severity="error", markup=False)
            return
        self.notify(_(MOVED[to]).format(key=moved.key, title=moved.title), markup=False)
        self.reload(follow=moved.key)

    def action_owner(self) -> None:
        self.owner = render.next_owner(self.owner, render.owners(self.board.detail.items))
        if self.owner == render.EVERYONE:
            shown = _("Showing everyone's items")
        elif self.owner is None:
            shown = _("Showing no owner's items")
        else:
            shown = _("Showing {owner}'s items").format(owner=self.owner)
        self.notify(shown, markup=False)
        self.draw()

    def action_details(self) -> None:
        item = self.selected()
        if item is None:
            self.notify(_("No item selected"), severity="warning")
            return
        try:
            detail = self.store.item(item.key)
        except LablogError as e:
            self.notify(str(e), severity="error", markup=False)
            return
        self.push_screen(TextScreen(detail.item.key, details_text(detail)))

    def action_keys(self) -> None:
        self.push_screen(TextScreen(_("Keys"), _(KEYS)))
