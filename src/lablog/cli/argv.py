"""The command line before Click parses it: the default lab, short options going away,
and decimal commas.

Both need the command a command line names, found here by walking the Click
tree past root options, without parsing anything else.
"""

from __future__ import annotations

import re
from typing import Any

from lablog.i18n import _

ROOT_OPTIONS_WITH_VALUES = ("--db", "--as")

# One meaning per short option across commands. These long options once had
# a short form that means something else elsewhere; it still works, with a note.
SHORT = {
    "-o": "--output",
    "-n": "--limit",
    "-f": "--file",
    "-d": "--description",
    "-s": "--status",
    "-t": "--tag",
}
# The same meaning, so the same letter: how many; a lab's target groups are its tags.
ALSO_MEANS = {"--last": "-n", "--target-group": "-t"}


def leaf(root: Any, argv: list[str]) -> tuple[Any, int]:
    """The command argv names and where its own arguments start; (None, 0) if it names none."""
    command, i = root, 0
    while hasattr(command, "commands"):  # walk down the groups, past root options
        while i < len(argv) and argv[i].startswith("-"):
            i += 2 if argv[i] in ROOT_OPTIONS_WITH_VALUES and command is root else 1
        if i >= len(argv) or argv[i] not in command.commands:
            return None, 0
        command, i = command.commands[argv[i]], i + 1
    return command, i


def with_default_lab(command: Any, argv: list[str], at: int) -> list[str]:
    """argv with the default lab (LABLOG_LAB, the config's `lab`) put in where LAB was left out.

    Only for a command whose first argument is LAB, and only when the command
    was given fewer arguments than it needs, or a number where LAB goes (a
    lab code starts with a letter): `sprint show 3` is `sprint show HJBH 3`.
    """
    if command is None or "--help" in argv or "-h" in argv:
        return argv
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if not arguments or arguments[0].name != "lab":
        return argv
    tail = argv[at:]
    given = _positionals(command, arguments, tail)
    needed = sum(1 for p in arguments if p.required)
    if given is None or (len(given) >= needed and not (given and given[0].isdigit())):
        return argv
    from lablog import config

    lab = config.default_lab()
    if lab is None:
        return argv
    return [*argv[:at], lab, *tail]


def _positionals(command: Any, arguments: list[Any], args: list[str]) -> list[str] | None:
    """The values given for the command's arguments, in order; None when they do not parse."""
    ctx = command.make_context(command.name, [], resilient_parsing=True)
    try:
        values, _args, _order = command.make_parser(ctx).parse_args(args=list(args))
    except Exception:  # noqa: BLE001 - leave a bad command line for Click to explain
        return None
    given = []
    for argument in arguments:
        value = values.get(argument.name)
        if value is None or value == ():
            break
        given.extend([value] if isinstance(value, str) else value)
    return given


def deprecated_short_options(command: Any, args: list[str]) -> list[str]:
    """A note for each short option used here in a meaning it is losing."""
    if command is None:
        return []
    notes = []
    for arg in args:
        if arg == "--":
            break
        short = arg[:2] if arg.startswith("-") and not arg.startswith("--") else None
        if short not in SHORT:
            continue
        for param in command.params:
            if short in param.opts:
                name = max(param.opts, key=len)
                if name != SHORT[short] and ALSO_MEANS.get(name) != short:
                    notes.append(
                        _(
                            "Note: {short} for {name} is going away; "
                            "write {name} ({short} means {long} everywhere)"
                        ).format(short=short, name=name, long=SHORT[short])
                    )
    return notes


SHAPES = ("--jq", "--csv", "--excel")


def take_shape(command: Any, argv: list[str], at: int) -> tuple[list[str], tuple[str, str] | None]:
    """argv without `--jq EXPR`, `--csv` or `--excel` (anywhere in the command's own arguments),
    asking for the command's JSON instead, and which of them with its value; raises
    LablogError for a command that prints no JSON, or for more than one of them."""
    from lablog.errors import LablogError

    found: list[tuple[str, str]] = []
    rest, i = argv[:at], at
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg == "--jq" and i + 1 < len(argv):
            found.append(("--jq", argv[i + 1]))
            i += 2
        elif arg.startswith("--jq="):
            found.append(("--jq", arg[len("--jq=") :]))
            i += 1
        elif arg in ("--csv", "--excel"):
            found.append((arg, ""))
            i += 1
        else:
            rest.append(arg)
            i += 1
    if not found or command is None:
        return argv, None
    if len(found) > 1:
        raise LablogError(
            _("Give one of {shapes}, not {given}").format(
                shapes=", ".join(SHAPES), given=_(" and ").join(flag for flag, _value in found)
            )
        )
    names = {o for p in command.params for o in p.opts}
    if "--json" in names:
        if "--json" not in rest:
            rest.append("--json")
    elif "--format" in names:
        rest += ["--format", "json"]
    else:
        raise LablogError(
            _("{flag} reshapes JSON, and `{command}` prints none; leave it out").format(
                flag=found[0][0], command=command.name
            )
        )
    return rest, found[0]


# A number with a decimal comma, as Danes write it: "2,5".
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
FLOAT_TYPES = ("float", "float range")


def decimal_commas(command: Any, argv: list[str], at: int) -> list[str]:
    """argv with "2,5" read as "2.5" where it is the value of a float option (--points 2,5,
    --points=2,5, -p 2,5, -p2,5); every other argument is left as it was typed."""
    if command is None:
        return argv
    options = {o: p for p in command.params if p.param_type_name == "option" for o in p.opts}
    floats = {o for o, p in options.items() if getattr(p.type, "name", "") in FLOAT_TYPES}
    if not floats:
        return argv
    out, i = argv[:at], at
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out += argv[i:]
            break
        param = options.get(arg)
        if param is not None and not param.is_flag and i + 1 < len(argv):
            value = argv[i + 1]
            out += [arg, _point(value) if arg in floats else value]
            i += 2
            continue
        name, eq, value = arg.partition("=")
        if eq and name in floats and name.startswith("--"):
            arg = f"{name}={_point(value)}"
        elif not arg.startswith("--") and arg[:2] in floats and len(arg) > 2:
            arg = arg[:2] + _point(arg[2:])
        out.append(arg)
        i += 1
    return out


def _point(value: str) -> str:
    return value.replace(",", ".") if _DECIMAL_COMMA.match(value) else value
