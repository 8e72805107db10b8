"""`lablog worker …`: the background process that keeps lablog's imports warm."""

from __future__ import annotations

import os
import time

import typer

from lablog.cli._common import JsonOpt, emit_json, notice
from lablog.i18n import N_, _

# Why the worker is not used, as the JSON says it (English) and the text shows it (translated).
DISABLED = N_("LABLOG_NO_WORKER is set")
UNSUPPORTED = N_("this platform cannot pass file descriptors to a forked worker")

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="The background worker that lets lablog answer quickly (LABLOG_NO_WORKER=1 turns it off).",
)


@app.command("status")
def status(json: JsonOpt = False) -> None:
    """Show whether this lablog's worker is running, and where its socket is.

    Example: lablog worker status
    """
    from lablog import client

    disabled = os.environ.get("LABLOG_NO_WORKER", "") not in ("", "0")
    info: dict = {"enabled": client.supported() and not disabled, "running": False, "socket": None}
    info["problem"] = DISABLED if disabled else None
    if not client.supported():
        info["problem"] = UNSUPPORTED
    else:
        try:
            install, _key = client.identity()
            info["socket"] = client.paths(client.runtime_dir(), install)["socket"]
            answer = client.request("status")
        except client.Unavailable as e:
            info["problem"], answer = str(e), None
        if answer and answer.startswith("pid="):
            fields = dict(field.split("=", 1) for field in answer.split())
            info.update(
                running=True,
                pid=int(fields["pid"]),
                started=int(fields["started"]),
                commands=int(fields["commands"]),
                idle_exit_seconds=float(fields["idle"]),
            )
    if json:
        return emit_json(info)
    if info["running"]:
        up = int(time.time()) - info["started"]
        print(
            _("Worker:  running, process {pid}, up {minutes} min {seconds} s, {commands} commands").format(
                pid=info["pid"], minutes=up // 60, seconds=up % 60, commands=info["commands"]
            )
        )
        if disabled:
            print(_("         (not used: LABLOG_NO_WORKER is set)"))
    elif info["problem"]:
        problem = info["problem"]
        print(_("Worker:  not used: {problem}").format(problem=_(problem)))
    else:
        print(_("Worker:  not running; the next command starts it"))
    if info["socket"]:
        print(_("Socket:  {socket}").format(socket=info["socket"]))


@app.command("stop")
def stop() -> None:
    """Stop this lablog's worker; the next command starts a fresh one.

    Example: lablog worker stop
    """
    from lablog import client

    try:
        answer = client.request("stop")
    except client.Unavailable:
        answer = None
    notice(_("Stopped the worker") if answer == "stopping" else _("No worker was running"))
