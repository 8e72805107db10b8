"""The board's words that need no store: the one-line burndown and the owner filter's cycle."""

from __future__ import annotations

from lablog.render import board as render
from lablog.shapes import BurndownDay, BurndownRead


def test_burndown_bars_run_from_nothing_left_to_the_commitment():
    days = [
        BurndownDay(day=f"2026-11-{16 + i}", week="2026-W47", remaining=r, ideal=0)
        for i, r in enumerate([8, 8, 4, 1, 0, None])
    ]
    assert render.bars(BurndownRead(lab="X", sprint=1, goal=None, committed=8, days=days)) == "██▅▂▁·"
    assert render.bars(BurndownRead(lab="X", sprint=1, goal=None, committed=0, days=days[-1:])) == ""
    assert render.next_owner("b", ["a", "b", None]) is None
    assert render.next_owner(None, ["a", "b", None]) == render.EVERYONE


def test_the_board_never_runs_in_the_worker():
    """The terminal's signals (a resized window) must reach the board, so it runs in-process."""
    from lablog import client

    assert client._command(["--db", "x.db", "--as", "mette", "board", "HJBH"]) in client.FULL_SCREEN
    assert client._command(["--debug", "sprint", "show"]) == "sprint"
    assert client._command(["--debug"]) is None
