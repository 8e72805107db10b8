"""--help is the manual: every command has a docstring with an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from lablog.cli import app

ROOT = Path(__file__).parents[1]


def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = sorted(_commands(typer.main.get_command(app)), key=lambda c: c[0])


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(cli, path, command):
    run = cli(*path, "--help")
    assert "Example: lablog " in run.stdout
    assert (command.help or "").strip()


def test_readme_quick_start_is_two_lines_and_ci_runs_the_test_line():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n+```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert block, "README needs a '## Quick start' code block"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "lablog demo" in lines[0]
    assert "pytest" in lines[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[1] in ci.splitlines()
