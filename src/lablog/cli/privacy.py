"""`lablog privacy …`: find personal data in the store and its history, and erase it."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, console, emit_json, notice, session, state
from lablog.i18n import _, ngettext, npgettext

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Find CPR-like numbers and e-mail addresses in the store and its history, and redact them.",
)


@app.command("scan")
def scan(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List every CPR-like number, e-mail address and control character, and where it is.

    Reads the current text and all history: item events, knowledge revisions,
    notes and every log entry. CPR-like numbers are shown with their last four
    digits hidden. People's own e-mail addresses are listed apart, as expected
    data. Nothing is changed.

    Example: lablog privacy scan
    """
    from lablog.render import privacy as render
    from lablog.services import privacy

    with session(ctx, write=False) as s:
        rows = privacy.scan(s)
    if json:
        return emit_json(rows)
    render.findings(console(), rows)


@app.command("redact")
def redact(
    ctx: typer.Context,
    where: Annotated[
        str | None,
        typer.Argument(
            metavar="[WHERE]",
            help="A place as `privacy scan` shows it (HJBH-12, K-3, 'change log #812'), "
            "a number as scan shows it (010190-****) or a value to remove.",
        ),
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option("--pattern", metavar="REGEX", help="Redact every match of this regular expression."),
    ] = None,
    yes: YesOpt = False,
    json: JsonOpt = False,
) -> None:
    """Replace personal data with [redacted] in the record and in every history row and log entry.

    With a place, every CPR-like number and e-mail address found there is
    redacted wherever else it also occurs. All in one transaction; the log
    records that a redaction happened, not what it removed.

    Example: lablog privacy redact HJBH-12 --yes
    """
    from lablog.services import privacy

    if (where is None) == (pattern is None):
        raise typer.BadParameter(_("give WHERE or --pattern REGEX, one of them"), param_hint="WHERE")
    if pattern is not None:
        question = _(
            "Replace every match of {pattern} with {redacted} in the store and all its history? "
            "This cannot be undone."
        ).format(pattern=repr(pattern), redacted=privacy.REDACTED)
    else:
        question = _(
            "Replace {what} with {redacted} in the store and all its history? This cannot be undone."
        ).format(what=where, redacted=privacy.REDACTED)
    confirm(question, yes)
    with session(ctx) as s:
        done = privacy.redact(s, where=where, pattern=pattern)
    privacy.purge(state(ctx).engine())
    if json:
        return emit_json(done)
    places = npgettext("redacted", "{n} place", "{n} places", done.places).format(n=done.places)
    rows = ngettext("{n} row", "{n} rows", done.rows).format(n=done.rows)
    notice(_("Redacted {places} in {rows}").format(places=places, rows=rows))
