"""`lablog board`: the stand-up board, driven with Textual's headless pilot, and off a terminal."""

from __future__ import annotations

import asyncio

import pytest

from lablog.cli._common import AppState
from lablog.cli.board import BoardStore
from lablog.render import board as render
from lablog.tui.board import BoardApp, Column, TextScreen
from tests.conftest import assert_refused

# HJBH runs sprint 1 with three items; an open impediment blocks HJBH-2.
SCRIPT = """
backlog add HJBH "Fælles medicinliste" --points 5 --owner mette-orum-holm --on 2026-11-02
backlog add HJBH "Pilot med tre borgere, der får IV-behandling hjemme i weekenden" --points 8 --owner birgitte-dahl --description "Start i uge 48" --on 2026-11-02
backlog add HJBH "Døgntelefon til afdelingen" --points 3 --on 2026-11-02
sprint plan HJBH --goal "Første borger behandlet hjemme" --start 2026-11-16 --weeks 2
sprint add HJBH HJBH-1 HJBH-2 HJBH-3 --on 2026-11-13
sprint start HJBH --on 2026-11-16
impediment add HJBH "Egen læge kan ikke se hjemmeplejens notater" --item HJBH-2 --on 2026-11-18
"""


@pytest.fixture
def board(programme, store, scripted):
    store.load(scripted(store.backend, "board", SCRIPT))
    return programme


class Recording(BoardApp):
    """The board, keeping what it told the user."""

    def __init__(self, *args):
        super().__init__(*args)
        self.said: list[str] = []

    def notify(self, message: str, **options) -> None:
        self.said.append(message)
        super().notify(message, **options)


def drive(script, lab: str = "HJBH") -> None:
    """Run the board at 80×24 in a headless terminal, and `script(app, pilot)` against it."""
    store = BoardStore(AppState(), lab)
    app = Recording(store, store.load(None))

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await script(app, pilot)

    try:
        asyncio.run(run())
    finally:
        store.state.close()


def keys(app: BoardApp) -> dict[str, list[str]]:
    return {name: [i.key for i in items] for name, items in app.visible().items()}


def shown(app: BoardApp, column: str) -> list[str]:
    """A column's cards as drawn on the screen, line by line."""
    body = app.query_one(f"#{column}", Column).body
    return [body.render_line(y).text.rstrip() for y in range(body.size.height)]


def test_keys_move_an_item_through_todo_doing_done_as_item_start_would(board):
    cli = board

    async def script(app, pilot):
        assert keys(app) == {"todo": ["HJBH-1", "HJBH-3"], "doing": [], "blocked": ["HJBH-2"], "done": []}
        # It opens on the first column with work in it, on its first item.
        assert app.selected().key == "HJBH-1"
        await pilot.press("s")
        assert keys(app)["doing"] == ["HJBH-1"] and app.selected().key == "HJBH-1"
        assert cli("sprint show HJBH --json").json()["items"][0]["status"] == "doing"
        await pilot.press("d")
        assert keys(app)["done"] == ["HJBH-1"]
        assert app.said[-2:] == [
            "HJBH-1 started: Fælles medicinliste",
            "HJBH-1 done: Fælles medicinliste",
        ]
        # A move the workflow refuses: one line, the store as it was.
        await pilot.press("s")
        assert (
            app.said[-1]
            == "Cannot start HJBH-1: it is done; reopen it first with `lablog item reopen HJBH-1`"
        )
        assert keys(app)["done"] == ["HJBH-1"]
        # Titles that do not fit their column end in an ellipsis; the header says where the sprint is.
        await pilot.press("left", "down")
        assert app.selected().key == "HJBH-2"
        assert shown(app, "blocked")[:2] == ["HJBH-2 8p @birgit…", "Pilot med tre bor…"]
        header = str(app.query_one("#header").visual).splitlines()
        assert header[0] == "HJBH sprint 1 · W47–W48 · 6 days left · 5 of 16 points done"
        assert header[1] == "Goal: Første borger behandlet hjemme"
        assert header[2] == "Burndown ███████▆······  11 of 16 left"

    drive(script)
    detail = cli("sprint show HJBH --json").json()
    assert [(i["key"], i["status"]) for i in detail["items"]] == [
        ("HJBH-1", "done"),
        ("HJBH-2", "todo"),
        ("HJBH-3", "todo"),
    ]
    log = cli("log --lab HJBH --limit 20 --json").json()
    moves = [(c["actor"], c["key"], c["summary"]) for c in log if c["entity"] == "backlog_item"][:2]
    assert moves == [
        ("tester", "HJBH-1", "done on: – → 2026-11-23; status: doing → done"),
        ("tester", "HJBH-1", "status: todo → doing"),
    ]
    events = cli("item show HJBH-1 --json").json()["history"][-2:]
    assert [(e["kind"], e["new"], e["on"], e["actor"]) for e in events] == [
        ("status", "doing", "2026-11-23", "tester"),
        ("status", "done", "2026-11-23", "tester"),
    ]


def test_another_process_s_change_shows_and_owner_filter_and_details(board):
    cli = board

    async def script(app, pilot):
        cli("item start HJBH-3")
        app.poll()
        await pilot.pause()
        assert keys(app)["doing"] == ["HJBH-3"]
        assert shown(app, "doing") == ["HJBH-3 3p", "Døgntelefon til a…"]
        # Polling an unchanged store reads its stamp and no more.
        reloads = app.reloads
        app.poll()
        assert app.reloads == reloads
        # o: each owner in turn, items nobody owns, then everyone again.
        for owner, todo, blocked in [
            ("birgitte-dahl", [], ["HJBH-2"]),
            ("mette-orum-holm", ["HJBH-1"], []),
            (None, [], []),
            (render.EVERYONE, ["HJBH-1"], ["HJBH-2"]),
        ]:
            await pilot.press("o")
            assert (app.owner, keys(app)["todo"], keys(app)["blocked"]) == (owner, todo, blocked)
        assert app.said[-4:-1] == [
            "Showing birgitte-dahl's items",
            "Showing mette-orum-holm's items",
            "Showing no owner's items",
        ]
        # enter: the item's details and history, over the board; escape goes back.
        await pilot.press("l", "l", "enter")
        assert isinstance(app.screen, TextScreen)
        page = str(app.screen.query_one("#page").visual)
        assert page.splitlines()[:6] == [
            "Pilot med tre borgere, der får IV-behandling hjemme i weekenden",
            "Status: todo",
            "Type: story",
            "Points: 8",
            "Owner: birgitte-dahl",
            "Blocked by: I-1",
        ]
        assert "Start i uge 48" in page and "2026-11-13  sprint-added 1  tester" in page
        await pilot.press("escape", "question_mark")
        assert "s                 start it (to do → doing)" in str(app.screen.query_one("#page").visual)
        await pilot.press("escape")
        assert not isinstance(app.screen, TextScreen)

    drive(script)


def test_off_a_terminal_the_board_is_printed_once(board, store, monkeypatch):
    cli = board
    run = cli("board hjbh")
    assert run.stdout == (
        "HJBH sprint 1 · W47–W48 · 6 days left · 0 of 16 points done\n"
        "Goal: Første borger behandlet hjemme\n"
        "Burndown ████████······  16 of 16 left\n"
        "\n"
        "To do (2)\n"
        "  HJBH-1 Fælles medicinliste  (5p @mette-orum-holm)\n"
        "  HJBH-3 Døgntelefon til afdelingen  (3p)\n"
        "\n"
        "Doing (0)\n"
        "  –\n"
        "\n"
        "Blocked (1)\n"
        "  HJBH-2 Pilot med tre borgere, der får IV-behandling hjemme i weekenden"
        "  (8p @birgitte-dahl todo, blocked by I-1)\n"
        "\n"
        "Done (0)\n"
        "  –\n"
    )
    assert_refused(cli, store, "board", 2, "Error: Missing argument 'LAB'. (give the lab's code, or set")
    monkeypatch.setenv("LABLOG_LAB", "HJBH")
    data = cli("board --json").json()
    assert {k: [i["key"] for i in v] for k, v in data["columns"].items()} == {
        "todo": ["HJBH-1", "HJBH-3"],
        "doing": [],
        "blocked": ["HJBH-2"],
        "done": [],
    }
    assert (data["sprint"]["number"], data["committed_points"], len(data["burndown"])) == (1, 16.0, 14)
    assert_refused(cli, store, "board GRAV", 1, "Error: GRAV has no active sprint; start one with")
