"""`lablog config …`: the user's settings file, read with tomllib and written with tomli-w."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog import config
from lablog.cli._common import JsonOpt, emit_json, notice
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Your settings: the store, who you are, your lab, language, week start.",
)

# A plain string, so that the catalog can hold its translation (keep it in step with config.KEYS).
KeyArg = Annotated[
    str, typer.Argument(metavar="KEY", help="One of: db, user, lab, lang, week_start, honorarium_rate.")
]


@app.command("list")
def list_(json: JsonOpt = False) -> None:
    """Every key with its value (unset keys shown empty) and what it means.

    Example: lablog config list
    """
    values = config.load()
    rows = [{"key": k, "value": values.get(k), "meaning": meaning} for k, meaning in config.KEYS.items()]
    if json:
        emit_json(rows)
        return
    width = max(map(len, config.KEYS))
    for row in rows:
        # What the key means, as a comment above it (the JSON keeps the English).
        meaning = row["meaning"]
        print(f"# {_(meaning)}")
        value = "" if row["value"] is None else str(row["value"])
        print(f"{row['key']:<{width}}  {value}".rstrip())


@app.command("get")
def get(key: KeyArg, json: JsonOpt = False) -> None:
    """One key's value; exits 1 when it is not set.

    Example: lablog config get lab
    """
    config.check_key(key)
    value = config.load().get(key)
    if json:
        emit_json({"key": key, "value": value})
    elif value is not None:
        print(value)
    if value is None:
        raise typer.Exit(1)


@app.command("set")
def set_(key: KeyArg, value: Annotated[str, typer.Argument(metavar="VALUE")]) -> None:
    """Set KEY to VALUE in the config file (created, private to you, when there is none).

    Example: lablog config set lab HJBH
    """
    checked = config.check(key, value)
    values = config.load()
    values[key] = checked
    path = config.save(values)
    notice(_("Set {key} = {value} in {path}").format(key=key, value=checked, path=path))


@app.command("unset")
def unset(key: KeyArg) -> None:
    """Remove KEY from the config file.

    Example: lablog config unset lab
    """
    config.check_key(key)
    values = config.load()
    if key not in values:
        notice(_("{key} was not set").format(key=key))
        return
    del values[key]
    path = config.save(values)
    notice(_("Unset {key} in {path}").format(key=key, path=path))


@app.command("path")
def path() -> None:
    """Where the config file is (whether or not it exists yet).

    Example: lablog config path
    """
    print(config.config_path())
