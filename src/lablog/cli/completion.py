"""`lablog completion SHELL`, and the store's values offered while a user presses Tab.

The shell asks `lablog` itself what fits (Typer's protocol: `_LABLOG_COMPLETE`
with COMP_WORDS/COMP_CWORD for bash, `_TYPER_COMPLETE_ARGS` for zsh and fish).
Arguments are matched to the store's values by their name, so every command
that takes a LAB, an item KEY, a person or an id completes alike without each
declaring it. Values are read with plain SQL; a store that cannot be read
completes nothing and says nothing: a completion never prints an error.
"""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated, Any

import typer

app = typer.Typer(rich_markup_mode=None)

VAR = "_LABLOG_COMPLETE"
LIMIT = 200  # values offered at most: a shell lists them all

# What each kind of value is, as SQL giving (value, help) pairs.
QUERIES = {
    "lab": "SELECT code, name FROM lab WHERE closed_on IS NULL ORDER BY code",
    "org": "SELECT code, name FROM organisation ORDER BY code",
    "person": "SELECT handle, name FROM person ORDER BY handle",
    "item": (
        "SELECT l.code || '-' || i.number, i.title FROM backlog_item i JOIN lab l ON l.id = i.lab_id "
        "WHERE i.status != 'dropped' {lab} ORDER BY l.code, i.number"
    ),
    "knowledge": "SELECT 'K-' || id, title FROM knowledge_entry ORDER BY id",
    "measure": "SELECT 'M-' || id, name FROM measure WHERE status = 'active' ORDER BY id",
    "impediment": "SELECT 'I-' || id, text FROM impediment WHERE status = 'open' ORDER BY id",
    "decision": "SELECT 'D-' || id, text FROM decision ORDER BY id",
    "pdsa": "SELECT 'P-' || id, title FROM pdsa ORDER BY id",
    "meeting": "SELECT 'MT-' || id, title FROM meeting ORDER BY id",
}
# Arguments and options named so, in any command, take that kind of value.
BY_NAME = {
    "lab": "lab",
    "person": "person",
    "owner": "person",
    "actor": "person",
    "keys": "item",
    "people": "person",
    "item": "item",
    "measure": "measure",
}
# Names whose kind depends on the command group they are in.
BY_GROUP = {
    "code": {"org": "org", "lab": "lab"},
    "org": {"meeting": "org", "report": "org"},
    "key": {"knowledge": "knowledge", "item": "item", "backlog": "item", "sprint": "item", "privacy": "item"},
    "ref": {
        "measure": "measure",
        "impediment": "impediment",
        "decision": "decision",
        "pdsa": "pdsa",
        "meeting": "meeting",
    },
    "id": {"impediment": "impediment", "decision": "decision", "pdsa": "pdsa"},
    "after": {"pdsa": "pdsa", "backlog": "item"},
    "to": {"knowledge": "lab"},
}


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command("completion")
def completion(shell: Annotated[Shell, typer.Argument(metavar="bash|zsh|fish")]) -> None:
    """Print the shell code that completes lablog's commands, options and the store's values.

    Put it where your shell reads it once, e.g.
    bash: lablog completion bash > ~/.local/share/bash-completion/completions/lablog
    zsh:  lablog completion zsh > "${fpath[1]}/_lablog"
    fish: lablog completion fish > ~/.config/fish/completions/lablog.fish

    Example: lablog completion bash > ~/.local/share/bash-completion/completions/lablog
    """
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    print(get_completion_script(prog_name="lablog", complete_var=VAR, shell=shell.value).strip())


def prepare(root: Any) -> None:
    """Ready the command tree to answer a shell: register the shells, attach the store's values."""
    from typer._completion_classes import completion_init

    completion_init()
    _attach(root, "")


def _attach(group: Any, group_name: str) -> None:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            _attach(command, name)
            continue
        for param in command.params:
            kind = BY_NAME.get(param.name) or BY_GROUP.get(param.name, {}).get(group_name)
            if param.name == "to" and param.metavar not in (None, "LAB"):
                kind = None
            if kind is not None:
                param._custom_shell_complete = _completer(kind)


def _completer(kind: str):
    def complete(ctx: Any, param: Any, incomplete: str) -> list:
        from typer._click.shell_completion import CompletionItem

        lab = ctx.params.get("lab") if kind == "item" else None
        if kind == "item" and lab is None and "-" in incomplete:
            lab = incomplete.split("-", 1)[0]
        return [CompletionItem(value, help=help) for value, help in values(ctx, kind, incomplete, lab)]

    return complete


def values(ctx: Any, kind: str, incomplete: str, lab: str | None = None) -> list[tuple[str, str]]:
    """The store's values of this kind that start with what was typed (any case)."""
    sql, params = QUERIES[kind], {}
    if kind == "item":
        sql = sql.format(lab="AND l.code = :lab" if isinstance(lab, str) else "")
        if isinstance(lab, str):
            params["lab"] = lab.upper()
    try:
        rows = _rows(ctx, sql, **params)
    except Exception:  # noqa: BLE001 - a shell waiting for completions must get no error
        return []
    typed = incomplete.casefold()
    found = [(str(v), str(h or "")) for v, h in rows if str(v).casefold().startswith(typed)]
    return found[:LIMIT]


def _rows(ctx: Any, sql: str, **params: Any) -> list[tuple]:
    from lablog import reader
    from lablog.cli._common import AppState

    root = ctx.find_root()
    state = AppState(db=root.params.get("db_url"))
    path = state.store.sqlite_path
    if path is not None:
        fast = reader.open_sqlite(path, timeout=0.2)
        if fast is None:
            return []
        try:
            return fast.rows(sql, **params)
        finally:
            fast.close()
    from sqlmodel import Session

    with Session(state.engine(auto_upgrade=False)) as session:
        try:
            return reader.SessionReader(session).rows(sql, **params)
        finally:
            state.close()


def completing() -> bool:
    return bool(os.environ.get(VAR))
