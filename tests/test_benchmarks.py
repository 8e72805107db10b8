"""The benchmark script runs: a tiny seeded store, one run of each command, a table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "run.py"


def test_benchmark_smoke_run_writes_a_table(tmp_path):
    output = tmp_path / "RESULTS.md"
    env = {k: v for k, v in os.environ.items() if k not in ("LABLOG_DB", "LABLOG_TEST_CLI")}
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--cache", str(tmp_path / "cache"), "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = output.read_text()
    assert text in run.stdout
    assert "| `python -c pass` (the floor) |" in text
    for command in (
        "--help",
        "lab list",
        "backlog list HJEM1",
        "item done KEY",
        "sm network",
        "measure show M-1",
    ):
        assert f"| `lablog {command}` |" in text
    assert "smoke: " in text and "rows (800 items" in text
    # Commands whose output grows with the store: each ran once, with its memory.
    for command in ("backlog list HJEM1 --all", "export all --format json"):
        assert f"| `lablog {command}` |" in text
    # The whole store out and in, next to what the machine itself needs for the same rows.
    assert "| export: every row read and written |" in text
    assert "| import: the store copied by SQLite |" in text
