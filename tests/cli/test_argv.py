"""One meaning per short option: the old meanings still work, with a note."""

from __future__ import annotations

import typer.main

from lablog.cli import app
from lablog.cli.argv import ALSO_MEANS, SHORT


def test_an_old_short_option_works_and_says_what_to_write(programme):
    run = programme("person add 'Ny Person' -o FAV --json")
    assert run.json()["org"] == "FAV"
    assert run.stderr == "Note: -o for --org is going away; write --org (-o means --output everywhere)\n"
    assert (
        programme("person add 'Anden Person' --org FAV").stderr
        == "Added Anden Person as anden-person (FAV)\n"
    )
    assert (
        programme("lab add NYT 'Nyt lab' -t ældre").stderr == "Added lab NYT (Nyt lab)\n"
    )  # a tag-like list


def test_every_short_option_has_one_meaning_or_is_going_away():
    meanings: dict[str, set[str]] = {}

    def walk(group):
        for command in group.commands.values():
            if hasattr(command, "commands"):
                walk(command)
                continue
            for param in command.params:
                for short in (o for o in param.opts if len(o) == 2):
                    name = max(param.opts, key=len)
                    if SHORT.get(short) != name and ALSO_MEANS.get(name) != short:
                        meanings.setdefault(short, set()).add(name)

    walk(typer.main.get_command(app))
    # A short option outside SHORT has one meaning; one in SHORT may have others only on their way out.
    assert {s: names for s, names in meanings.items() if s not in SHORT and len(names) > 1} == {}
