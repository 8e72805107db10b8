"""kill -9 in the middle of a write: the store holds all of it or none of it, and stays sound.

Each command is timed once, then killed at points spread over that time.
Wherever the kill lands, the store must equal either the store before or
the store after a complete run (timestamps aside) and pass SQLite's
integrity check; so the test holds whatever the machine's speed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.conftest import dump, lablog_executable

pytestmark = pytest.mark.sqlite_only

KILLS = int(os.environ.get("LABLOG_TEST_KILLS", "6"))
_STAMP = re.compile(r"'\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?'")


_LOG_ID = re.compile(r'^INSERT INTO "change_log" VALUES\(\d+,')


def _state(path) -> list[str]:
    """The store's rows, timestamps aside; the change log's rows as a set (a flush logs in set order)."""
    if not path.exists():
        return []
    lines = [
        _LOG_ID.sub('INSERT INTO "change_log" VALUES(#,', _STAMP.sub("'T'", line)) for line in dump(path)
    ]
    # Where a table's ids come from is bookkeeping, not data.
    return sorted(line for line in lines if "sqlite_sequence" not in line)


def _sound(path) -> None:
    if not path.exists():
        return
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def _run(argv: list[str], *, kill_after: float | None = None) -> float:
    started = time.monotonic()
    proc = subprocess.Popen(
        [*lablog_executable(), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if kill_after is None:
        assert proc.wait(timeout=120) == 0, argv
        return time.monotonic() - started
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return time.monotonic() - started


def _crash(before_path, argv_for, tmp_path) -> None:
    """Kill argv_for(store) at spread-out points; each time the store is before, after, and sound."""
    reference = tmp_path / "reference.db"
    shutil.copy(before_path, reference)
    took = _run(argv_for(reference))
    before, after = _state(before_path), _state(reference)
    assert before != after
    outcomes = set()
    for k in range(1, KILLS + 1):
        target = tmp_path / f"kill-{k}.db"
        if before_path.exists():
            shutil.copy(before_path, target)
        _run(argv_for(target), kill_after=took * k / (KILLS + 1))
        _sound(target)
        state = _state(target)
        if state not in (before, after):
            import difflib

            diff = "\n".join(difflib.unified_diff(before, state, lineterm="", n=0))
            raise AssertionError(f"kill {k} of {KILLS} left a partial write:\n{diff[:3000]}")
        outcomes.add("after" if state == after else "before")
    assert outcomes  # at least one kill happened


def test_import_is_all_or_nothing(programme, store, tmp_path):
    exported = tmp_path / "programme.toml"
    programme("export", "all", "-o", str(exported))
    empty = tmp_path / "empty.db"
    programme("--db", str(empty), "init")
    _crash(empty, lambda target: ["--db", str(target), "import", str(exported)], tmp_path)


def test_sprint_close_is_all_or_nothing(programme, store, tmp_path):
    for title in ("Fælles medicinliste", "Pilot med tre borgere", "Opfølgning hos egen læge"):
        programme("backlog", "add", "HJBH", title, "--points", "3", "--on", "2026-11-02")
    programme("sprint plan HJBH --start 2026-W46 --weeks 2")
    programme("sprint add HJBH HJBH-1 HJBH-2 HJBH-3 --on 2026-11-06")
    programme("sprint start HJBH --on 2026-11-09")
    programme("item done HJBH-1 --on 2026-11-12")
    argv = [
        "sprint",
        "close",
        "HJBH",
        "--carry-over",
        "next",
        "--goal-met",
        "partly",
        "--outcome",
        "Én borger",
    ]
    _crash(store.path, lambda target: ["--db", str(target), *argv], tmp_path)


def test_db_copy_is_all_or_nothing(programme, store, tmp_path):
    empty = tmp_path / "empty.db"
    programme("--db", str(empty), "init")
    source = store.path
    _crash(empty, lambda target: ["--db", str(source), "db", "copy", "--to", str(target), "--yes"], tmp_path)
