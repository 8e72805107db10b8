"""`lablog pdsa …`: Plan-Do-Study-Act cycles, each testing one change against a prediction."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog.cli._common import (
    JsonOpt,
    actor,
    console,
    date_or_today,
    emit_json,
    notice,
    reading,
    session,
    today,
)
from lablog.enums import PdsaDecision
from lablog.i18n import _

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="PDSA cycles: plan a change with a prediction, do it, study what happened, act on it.",
)

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The cycle's number, e.g. P-2 or 2.")]
OnOpt = Annotated[str | None, typer.Option("--on", help="The day of the step (default today).")]


@app.command("add")
def add(
    ctx: typer.Context,
    lab: Annotated[str, typer.Argument(metavar="LAB", help="The lab testing the change, e.g. UDSK.")],
    title: Annotated[str, typer.Argument(metavar="TITLE", help="The change tested, in a few words.")],
    plan: Annotated[str, typer.Option("--plan", help="What will be done, by whom, when and where.")],
    prediction: Annotated[str, typer.Option("--prediction", help="What you expect to happen.")],
    measure: Annotated[
        str | None, typer.Option("--measure", "-m", help="The measure that will show it, e.g. M-1.")
    ] = None,
    item: Annotated[
        str | None, typer.Option("--item", help="The backlog item it belongs to, e.g. UDSK-4.")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", help="The adapted cycle this one continues, e.g. P-1.")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="The day it was planned (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Plan a cycle: the change, what will be done and what you predict.

    Example: lablog pdsa add UDSK "Opkald" --plan "Ring til 10 borgere" --prediction "Færre genindlæggelser"
    """
    from lablog.services import pdsa

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = pdsa.add(
            s,
            lab=lab,
            title=title,
            plan=plan,
            prediction=prediction,
            measure=measure,
            item=item,
            after=after,
            on=day,
            today=today(ctx),
        )
    if json:
        return emit_json(row)
    if row.after:
        said = _(
            "Planned {key} for {lab}, continuing {after}; when it is carried out: `lablog pdsa do {key}`"
        )
    else:
        said = _("Planned {key} for {lab}; when it is carried out: `lablog pdsa do {key}`")
    notice(said.format(key=row.key, lab=row.lab, after=row.after))


@app.command("do")
def do(
    ctx: typer.Context,
    ref: IdArg,
    note: Annotated[str | None, typer.Option("--note", help="How it went when carried out.")] = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record that the planned change was carried out.

    Example: lablog pdsa do P-2 --note "Ringede til 8 af 10 borgere"
    """
    from lablog.services import pdsa

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = pdsa.do(s, ref=ref, note=note, on=day, today=today(ctx))
    if json:
        return emit_json(row)
    notice(
        _("{key} carried out on {day}; study it with `lablog pdsa study {key} --note …`").format(
            key=row.key, day=row.do_on
        )
    )


@app.command("study")
def study(
    ctx: typer.Context,
    ref: IdArg,
    note: Annotated[str, typer.Option("--note", help="What happened, against the prediction.")],
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record what happened, compared with what was predicted.

    Example: lablog pdsa study P-2 --note "To genindlæggelser mod forventet fem"
    """
    from lablog.services import pdsa

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = pdsa.study(s, ref=ref, note=note, on=day, today=today(ctx))
    if json:
        return emit_json(row)
    notice(
        _("{key} studied on {day}; act on it with `lablog pdsa act {key} adopt|adapt|abandon`").format(
            key=row.key, day=row.study_on
        )
    )


@app.command("act")
def act(
    ctx: typer.Context,
    ref: IdArg,
    decision: Annotated[
        PdsaDecision,
        typer.Argument(
            metavar="adopt|adapt|abandon",
            case_sensitive=False,
            help="Keep the change, change it and test again, or drop it.",
        ),
    ],
    note: Annotated[str | None, typer.Option("--note", help="Why, or what changes next.")] = None,
    on: OnOpt = None,
    share: Annotated[
        bool, typer.Option("--share", help="With adopt: record the change as a knowledge entry to share.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Decide about the change: adopt it, adapt it (then plan the next cycle with --after), or abandon it.

    Example: lablog pdsa act P-2 adopt --share --note "Opkaldet er nu fast praksis"
    """
    from lablog.services import pdsa

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = pdsa.act(
            s,
            ref=ref,
            decision=decision.value,
            note=note,
            share=share,
            on=day,
            today=today(ctx),
            actor=actor(ctx),
        )
    if json:
        return emit_json(row)
    if row.knowledge:
        said = _(
            "{key} acted on with adopt on {day}; shared as {entry}: "
            "`lablog knowledge share {entry} --all` passes it on"
        )
    elif row.decision == PdsaDecision.adapt.value:
        said = _(
            "{key} acted on with adapt on {day}; plan the next cycle with "
            "`lablog pdsa add {lab} TITLE --after {key} …`"
        )
    elif row.decision == PdsaDecision.adopt.value:
        said = _("{key} acted on with adopt on {day}")
    else:
        said = _("{key} acted on with abandon on {day}")
    notice(said.format(key=row.key, day=row.act_on, entry=row.knowledge, lab=row.lab))


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only cycles not acted on yet.")] = False,
    measure: Annotated[
        str | None, typer.Option("--measure", "-m", help="Only cycles on this measure.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List PDSA cycles in the order they were planned, with the step each has reached.

    Example: lablog pdsa list --lab UDSK --open
    """
    from lablog.queries import pdsa
    from lablog.render import pdsa as render

    with reading(ctx) as r:
        rows = pdsa.list_(r, lab=lab, open_only=open_only, measure=measure)
    if json:
        return emit_json(rows)
    render.cycles(console(), rows)


@app.command("show")
def show(ctx: typer.Context, ref: IdArg, json: JsonOpt = False) -> None:
    """Show a cycle: its plan and prediction, each step's day and note, and the chain it is part of.

    Example: lablog pdsa show P-2
    """
    from lablog.queries import pdsa
    from lablog.render import pdsa as render

    with reading(ctx) as r:
        d = pdsa.detail(r, ref=ref)
    if json:
        return emit_json(d)
    render.detail(console(), d)
