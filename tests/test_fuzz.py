"""Hostile command lines over the real command tree: never a crash, never a half write.

Hypothesis builds command lines from lablog's own commands and options, with
values people mistype and values attackers choose. Every run must end with
exit 0-3, one clear line on error, no "This is a bug", and a refused command
must leave the store exactly as it was. LABLOG_FUZZ_EXAMPLES raises the
number of examples (e.g. 5000) for a longer run than the suite's.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from lablog.cli import app

EXAMPLES = int(os.environ.get("LABLOG_FUZZ_EXAMPLES", "120"))
# Commands that leave this process or the store (a worker, a copy elsewhere) are not fuzzed here.
SKIP = {("worker",), ("demo",), ("db", "copy")}

HOSTILE = [
    "",
    " ",
    "HJBH",
    "hjbh",
    "NOPE",
    "HJBH-1",
    "HJBH-0",
    "HJBH-999",
    "K-1",
    "K-0",
    "1",
    "0",
    "-1",
    "2147483647",
    "2147483648",
    "99999999999999999999",
    "1e400",
    "nan",
    "-0.5",
    "3.5",
    "today",
    "+9999y",
    "-3d",
    "2026-W53",
    "2026-02-30",
    "9999-12-31",
    "1899-12-31",
    "mette-orum-holm",
    "mette",
    "nobody@x.example",
    "æøå ÆØÅ",
    "Borger 010190-1234",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "line\n# Injected",
    "evil\x1b]0;PWNED\x07",
    "\x00",
    "\x7f\x9b",
    "\udcff",
    "a" * 5000,
    "--json",
    "-",
    "'; DROP TABLE lab; --",
    "%s%n",
]


def _commands(group, path=()):
    for name, command in sorted(group.commands.items()):
        here = (*path, name)
        if any(here[: len(s)] == s for s in SKIP):
            continue
        if hasattr(command, "commands"):
            yield from _commands(command, here)
        else:
            yield here, command


COMMANDS = list(_commands(get_command(app)))


@st.composite
def command_lines(draw):
    path, command = draw(st.sampled_from(COMMANDS))
    argv = list(path)
    value = st.sampled_from(HOSTILE) | st.text(max_size=12)
    for param in command.params:
        if param.param_type_name == "argument":
            if param.required or draw(st.booleans()):
                count = draw(st.integers(1, 3)) if param.nargs == -1 else 1
                argv += [draw(value) for _ in range(count)]
            continue
        if param.name in ("help",) or not draw(st.integers(0, 3)) == 0 and not param.required:
            continue
        option = draw(st.sampled_from(param.opts))
        if param.is_flag:
            argv.append(option)
            continue
        choices = getattr(param.type, "choices", None)
        pick = st.sampled_from(list(choices)) | value if choices else value
        argv += [option, draw(pick)]
    return argv


@pytest.fixture
def fuzz_store(cli, store, tmp_path, monkeypatch):
    """The programme, scripted a little further, in a directory of its own (exports land there)."""
    monkeypatch.chdir(tmp_path)
    return store


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=not os.environ.get("LABLOG_FUZZ_EXAMPLES"),
)
@given(argv=command_lines())
def test_no_command_line_crashes_or_writes_half(programme, fuzz_store, argv):
    before = fuzz_store.dump()
    run = programme(*argv, input="", ok=False)
    assert run.exit_code in (0, 1, 2, 3), (argv, run.exit_code, run.stderr)
    assert "Traceback" not in run.stderr, (argv, run.stderr)
    if run.exit_code != 0:
        assert run.stderr.startswith(("Error: ", "Aborted.")), (argv, run.stderr)
        assert fuzz_store.dump() == before, argv
