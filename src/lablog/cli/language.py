"""The command line in the chosen language: help texts, Click's own words, usage errors.

Help texts stay English in the source (docstrings and `help=`); `tools/catalog.py`
extracts them and `translate_tree` swaps them in when a command starts. The English
originals are kept on each object, so a command tree built once (by the worker, or by
the tests) can serve one language after another.
"""

from __future__ import annotations

import re

from lablog import i18n
from lablog.i18n import N_, _

# Click's words, which the help and the usage errors show.
CLICK_WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Missing command."),
    N_("Aborted!"),
)

_ATTRS = ("help", "short_help", "epilog")
_installed = False


def install() -> None:
    """Route Typer's section titles and Click's usage prefix through the catalog."""
    global _installed
    if _installed:
        return
    import typer.core

    try:
        from typer._click import core as click_core
        from typer._click import formatting
    except ImportError:  # Typer before 0.28 uses Click itself
        from click import core as click_core
        from click import formatting

    typer.core._ = i18n._

    class Formatter(formatting.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    click_core.Context.formatter_class = Formatter
    made = click_core.Command.get_help_option

    def get_help_option(self, ctx):
        # Click makes the --help option when first asked, and keeps it.
        option = made(self, ctx)
        if option is not None and option.help:
            option.help = _(option.__dict__.setdefault("_lablog_en_help", option.help))
        return option

    click_core.Command.get_help_option = get_help_option
    _installed = True


def translate_tree(command) -> None:
    """Give every command and parameter under `command` its help in the current language."""
    install()
    english = not i18n.danish()
    stack = [command]
    while stack:
        cmd = stack.pop()
        if english and "_lablog_en" not in cmd.__dict__:
            # Never translated: already English, and so is everything under it.
            continue
        _swap(cmd, english)
        for param in cmd.params:
            _swap(param, english)
        stack.extend(getattr(cmd, "commands", {}).values())


def _swap(obj, english: bool) -> None:
    saved = obj.__dict__.get("_lablog_en")
    if saved is None:
        saved = obj.__dict__["_lablog_en"] = {a: getattr(obj, a, None) for a in _ATTRS}
    for attr, text in saved.items():
        if text is not None:
            setattr(obj, attr, text if english else _(text))


# Click's usage errors, as Typer's copy of Click words them (it does not use gettext).
_NAME = r"'(?P<name>[^']*)'"
# Click names a parameter three ways ('--on', --on, '--points' / '-p'); one shape first.
_SHAPES = (
    (re.compile(r"Invalid value for '([^']*)' / '[^']*':"), r"Invalid value for '\1':"),
    (re.compile(r"Invalid value for (?!')(\S+):"), r"Invalid value for '\1':"),
)
_USAGE = (
    (re.compile(r"No such option: (?P<option>\S+)"), N_("No such option: {option}")),
    (re.compile(r"No such command '(?P<name>[^']*)'\."), N_("No such command '{name}'.")),
    (re.compile(r"Missing argument '(?P<name>[^']*)'\."), N_("Missing argument '{name}'.")),
    (re.compile(r"Missing option '(?P<name>[^']*)'\."), N_("Missing option '{name}'.")),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)"),
        N_("Unexpected extra arguments ({args})"),
    ),
    (
        re.compile(r"Option '(?P<option>[^']*)' requires an argument\."),
        N_("Option '{option}' requires a value."),
    ),
    (
        re.compile(rf"Invalid value for {_NAME}: '(?P<value>.*)' is not a valid (integer|float)( range)?\."),
        N_("Invalid value for '{name}': '{value}' is not a number."),
    ),
    (
        re.compile(rf"Invalid value for {_NAME}: '(?P<value>.*)' is not one of (?P<choices>.*)\."),
        N_("Invalid value for '{name}': '{value}' is not one of {choices}."),
    ),
    (
        re.compile(rf"Invalid value for {_NAME}: (?P<rest>.*)"),
        N_("Invalid value for '{name}': {rest}"),
    ),
    (re.compile(r"\(Possible options: (?P<options>.*)\)"), N_("(possible options: {options})")),
)


def usage_message(message: str) -> str:
    """A usage error from Click, in the current language."""
    if not i18n.danish():
        return message
    for pattern, shape in _SHAPES:
        message = pattern.sub(shape, message)
    for pattern, template in _USAGE:
        message = pattern.sub(lambda m, t=template: _(t).format(**m.groupdict()), message)
    return message
