"""lablog in Danish: with a Danish locale, what people read has no English left in it.

Names, commands, options and identifiers stay as they are; these tests look for the
small English words that give away an untranslated sentence.
"""

from __future__ import annotations

import re

import pytest

from tests.cli.test_errors import BAD
from tests.conftest import TODAY

# The words do not depend on the backend; the English tests run on both.
pytestmark = pytest.mark.sqlite_only

GIVEAWAYS = (
    " the ",
    " is ",
    " and ",
    " with ",
    " not ",
    " this ",
    " of ",
    " has ",
    " no ",
    " from ",
    " which ",
    "item(s)",
    "sprint summary",
    "Error:",
    "Usage:",
    "Options:",
    "Commands:",
    "Show this",
)
# What is not language: `commands`, --options, METAVARS, quoted values and URLs.
_NOT_LANGUAGE = re.compile(r"`[^`]*`|(?<!\w)--?[\w-]+|\b[A-Z][A-Z_|.]+\b|'[^']*'|\"[^\"]*\"|https?://\S+")


def english_in(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        plain = " " + _NOT_LANGUAGE.sub(" ", line).lower() + " "
        plain = re.sub(r"[.,:;()\[\]]", " ", plain)
        found += [f"{word.strip()!r} in {line.strip()!r}" for word in GIVEAWAYS if word.lower() in plain]
    return found


def test_the_giveaway_check_finds_english():
    assert english_in("Error: the sprint is closed")
    assert not english_in("Fejl: sprinten er afsluttet (se `lablog sprint show --help`)")


@pytest.fixture
def danish(monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")


def _commands(group, path=()):
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if getattr(command, "hidden", False):
            continue
        yield (*path, name)
        yield from _commands(command, (*path, name))


def all_commands():
    import typer.main

    from lablog.cli import app

    return [
        (),
    ] + list(_commands(typer.main.get_command(app)))


def test_every_help_text_is_danish(cli, danish):
    problems = []
    for path in all_commands():
        out = cli(*path, "--help").stdout
        problems += [f"lablog {' '.join(path)} --help: {p}" for p in english_in(out)]
    assert not problems, "\n".join(problems[:60]) + f"\n({len(problems)} in all)"


@pytest.mark.parametrize(("command", "code", "message"), BAD, ids=[b[0] for b in BAD])
def test_errors_are_danish(programme, danish, command, code, message):
    import shlex

    run = programme(*shlex.split(command), ok=False)
    assert run.exit_code == code
    assert run.stderr.startswith("Fejl: "), run.stderr
    assert not english_in(run.stderr), run.stderr


def test_summary_and_programme_report_are_danish(demo, danish):
    summary = demo("export", "sprint", "HJBH").stdout
    report = demo("export", "programme", "--until", TODAY).stdout
    problems = english_in(summary) + english_in(report)
    assert not problems, "\n".join(problems[:40])


def test_the_demo_is_danish(cli, danish, tmp_path):
    run = cli("demo", "--path", str(tmp_path / "demo.db"))
    problems = english_in(run.stdout) + english_in(run.stderr)
    assert not problems, "\n".join(problems[:40])
