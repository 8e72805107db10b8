"""The README's tour, every command of every block, in order, in a fresh store."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def tour_commands(section: str = "A short tour") -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", tour, re.S):
        for line in block.splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                assert argv[0] == "lablog", line
                commands.append(argv[1:])
    return commands


def test_the_tour_runs_top_to_bottom(cli, lablog_env, monkeypatch):
    # The tour's files are the ones shipped in examples/, beside what it writes.
    shutil.copytree(ROOT / "examples", lablog_env / "examples")
    monkeypatch.chdir(lablog_env)
    commands = tour_commands()
    assert len(commands) > 60
    for argv in commands:
        cli(*argv)  # each must succeed; the fixture names the one that did not
    # A few of the tour's promises, checked at its end.
    assert cli("sm list --lab HJEM --at 2026-08-01 --json").json()[0]["handle"] == "anders-kjaer"
    assert cli("measure show M-1 --json").json()["points"][0]["period"] == "2025-10"
    assert (lablog_env / "HJEM-1.md").read_text(encoding="utf-8").startswith("---\n")


@pytest.mark.sqlite_only  # the words do not depend on the backend; the tour above runs on both
def test_the_danish_start_runs_and_speaks_danish(cli, lablog_env, monkeypatch):
    monkeypatch.chdir(lablog_env)
    monkeypatch.delenv("LABLOG_LANG")  # the section's first command sets the language
    commands = tour_commands("Kom i gang")
    assert commands[0] == ["config", "set", "lang", "da"]
    outputs = [cli(*argv).stdout for argv in commands]
    assert "Tilvalg:" in outputs[-1]
    assert (lablog_env / "sprintopsamling.md").exists()
    assert '<html lang="da"' in (lablog_env / "statusrapport.html").read_text(encoding="utf-8")
