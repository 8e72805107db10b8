"""`lablog measure …`: what a lab measures over time, its data points and its run chart."""

from __future__ import annotations

from pathlib import Path
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
    say_error,
    session,
    state,
    today,
)
from lablog.enums import Better, MeasureChart, MeasurePeriod, MeasureType
from lablog.errors import LablogError
from lablog.i18n import _, ngettext

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Measures: a lab's series over weeks or months, with run charts and the runs rules.",
)

MeasureArg = Annotated[str, typer.Argument(metavar="M", help="The measure's number, e.g. M-3 or 3.")]
PeriodArg = Annotated[
    str,
    typer.Argument(
        metavar="PERIOD", help="An ISO week (2026-W45) or a month (2026-11), as the measure counts."
    ),
]
TargetOpt = Annotated[float | None, typer.Option("--target", help="The value the lab aims for.")]
DescriptionOpt = Annotated[str | None, typer.Option("--description", help="What is counted, and how.")]
BaselineOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline-until", metavar="PERIOD", help="The last period of the baseline: its median is frozen."
    ),
]


def _value(text: str | None, option: str) -> float | None:
    """A number as typed: decimal point or comma (12.5, 12,5)."""
    if text is None:
        return None
    from lablog.services.measure_csv import number

    try:
        return number(text)
    except ValueError as e:
        raise typer.BadParameter(str(e) if text.strip() else _("it is empty"), param_hint=option) from None


@app.command("add")
def add(
    ctx: typer.Context,
    lab: Annotated[str, typer.Argument(metavar="LAB", help="The lab that measures, e.g. UDSK.")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="What is measured.")],
    type_: Annotated[MeasureType, typer.Option("--type", help="outcome, process or balancing.")],
    unit: Annotated[str, typer.Option("--unit", help="What a value counts: days, %, admissions…")],
    better: Annotated[Better, typer.Option("--better", help="up or down: which way is an improvement.")],
    period: Annotated[
        MeasurePeriod, typer.Option("--period", help="week or month: what one data point covers.")
    ] = MeasurePeriod.month,
    target: TargetOpt = None,
    description: DescriptionOpt = None,
    baseline_until: BaselineOpt = None,
    json: JsonOpt = False,
) -> None:
    """Start measuring something for a lab; it gets a number, M-1, M-2…

    Example: lablog measure add UDSK "Genindlæggelser inden 30 dage" --type outcome --unit % --better down
    """
    from lablog.services import measure

    with session(ctx) as s:
        row = measure.add(
            s,
            lab=lab,
            name=name,
            type=type_.value,
            unit=unit,
            better=better.value,
            period=period.value,
            target=target,
            description=description,
            baseline_until=baseline_until,
        )
    if json:
        return emit_json(row)
    if row.period == "week":
        said = _(
            "Added {key} to {lab} (weekly); record a point with `lablog measure record {key} PERIOD VALUE`"
        )
    else:
        said = _(
            "Added {key} to {lab} (monthly); record a point with `lablog measure record {key} PERIOD VALUE`"
        )
    notice(said.format(key=row.key, lab=row.lab))


# A negative value (-3) is a value, not an unknown option.
@app.command("record", context_settings={"ignore_unknown_options": True})
def record(
    ctx: typer.Context,
    ref: MeasureArg,
    period: PeriodArg,
    value: Annotated[str | None, typer.Argument(metavar="[VALUE]", help="The period's value.")] = None,
    numerator: Annotated[
        str | None, typer.Option("--numerator", "-n", help="A proportion's count (value = N / D).")
    ] = None,
    denominator: Annotated[
        str | None, typer.Option("--denominator", "-d", help="A proportion's total, above 0.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Record a period's value, or a proportion; recording a period again replaces its value.

    The change log keeps the old value (`lablog log`).

    Example: lablog measure record M-1 2026-11 --numerator 7 --denominator 52
    """
    from lablog.render.measure import number
    from lablog.services import measure

    if value is not None and (numerator is not None or denominator is not None):
        raise typer.BadParameter(
            _("give VALUE or --numerator and --denominator, not both"), param_hint="VALUE"
        )
    if value is None and (numerator is None or denominator is None):
        raise typer.BadParameter(_("give VALUE, or both --numerator and --denominator"), param_hint="VALUE")
    with session(ctx) as s:
        key, point, old = measure.record(
            s,
            ref=ref,
            period=period,
            today=today(ctx),
            value=_value(value, "VALUE"),
            numerator=_value(numerator, "--numerator"),
            denominator=_value(denominator, "--denominator"),
            actor=actor(ctx),
        )
    if json:
        return emit_json(point)
    if old is None:
        notice(
            _("Recorded {period} of {key}: {value}").format(
                period=point.period, key=key, value=number(point.value)
            )
        )
    else:
        notice(
            _("Replaced {period} of {key}: {old} → {value} (`lablog log` keeps the old)").format(
                period=point.period, key=key, old=number(old), value=number(point.value)
            )
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    ref: MeasureArg,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A CSV file with a header: period and value.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")] = False,
) -> None:
    """Load a series from a spreadsheet's CSV, all or nothing; every bad row is named by its line.

    Columns: period and value, or period, numerator and denominator, and an optional
    note (Danish headers work too: periode, værdi, tæller, nævner). Comma or
    semicolon separated, decimal comma or point, UTF-8 or Windows-1252.

    Example: lablog measure import M-1 genindlaeggelser.csv --dry-run
    """
    from lablog.services import measure, measure_csv

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise LablogError(_("No file {file}; give the path of a CSV file").format(file=file)) from None
    except IsADirectoryError:
        raise LablogError(_("{file} is a directory; give the path of a CSV file").format(file=file)) from None
    except PermissionError:
        raise LablogError(_("Cannot read {file}: permission denied").format(file=file)) from None
    rows, problems = measure_csv.parse(data, allow_number=state(ctx).allow_number)
    added = replaced = 0
    if rows:
        # Checked against the measure even when some rows are bad: every problem in one go.
        check_only = dry_run or bool(problems)
        with session(ctx, write=not check_only) as s:
            added, replaced, found = measure.import_points(
                s, ref=ref, rows=rows, today=today(ctx), actor=actor(ctx), dry_run=check_only
            )
        problems = sorted([*problems, *found], key=measure_csv.line_of)
    if problems:
        from lablog.text import visible

        for problem in problems:
            say_error(f"{file}: {visible(problem)}")
        raise typer.Exit(1)
    if dry_run:
        said = ngettext(
            "{file} is valid: {n} new point, {replaced} replaced; nothing was written (--dry-run)",
            "{file} is valid: {n} new points, {replaced} replaced; nothing was written (--dry-run)",
            added,
        )
        print(said.format(file=file, n=added, replaced=replaced))
    else:
        said = ngettext(
            "Imported {file}: {n} new point, {replaced} replaced",
            "Imported {file}: {n} new points, {replaced} replaced",
            added,
        )
        notice(said.format(file=file, n=added, replaced=replaced))


@app.command("note")
def note(
    ctx: typer.Context,
    ref: MeasureArg,
    period: PeriodArg,
    text: Annotated[str | None, typer.Argument(metavar="[TEXT]", help="What happened then.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the period's note.")] = False,
    json: JsonOpt = False,
) -> None:
    """Annotate a period's point; the note is marked on the chart.

    Example: lablog measure note M-1 2026-09 "Ny udskrivningssamtale startet"
    """
    from lablog.services import measure

    if clear == (text is not None):
        raise typer.BadParameter(_("give the note's TEXT, or --clear to remove it"), param_hint="TEXT")
    with session(ctx) as s:
        point = measure.note(s, ref=ref, period=period, text=text, actor=actor(ctx))
    if json:
        return emit_json(point)
    said = _("Noted {period}") if point.note else _("Cleared the note of {period}")
    notice(said.format(period=point.period))


@app.command("list")
def list_(
    ctx: typer.Context,
    lab: Annotated[str | None, typer.Option("--lab", "-l", help="Only this lab.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Retired measures too.")] = False,
    json: JsonOpt = False,
) -> None:
    """List measures by lab, with their latest point; retired ones with --all.

    Example: lablog measure list --lab UDSK
    """
    from lablog.queries import measure
    from lablog.render import measure as render

    with reading(ctx) as r:
        rows = measure.list_(r, lab=lab, all_=all_)
    if json:
        return emit_json(rows)
    render.measures(console(), rows)


@app.command("show")
def show(
    ctx: typer.Context,
    ref: MeasureArg,
    chart: Annotated[
        MeasureChart, typer.Option("--chart", help="run (median), i (individuals) or p (proportions).")
    ] = MeasureChart.run,
    baseline_until: BaselineOpt = None,
    since: Annotated[
        str | None, typer.Option("--from", metavar="PERIOD", help="The first period shown.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", metavar="PERIOD", help="The last period shown.")
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Draw a measure's run chart with its notes and PDSA cycles, and judge it by the runs rules.

    Example: lablog measure show M-1 --baseline-until 2026-06
    """
    from lablog.queries import measure
    from lablog.render import measure as render

    with reading(ctx) as r:
        d = measure.detail(
            r, ref=ref, chart=chart.value, baseline_until=baseline_until, since=since, until=until
        )
    if json:
        return emit_json(d)
    out = console()
    render.detail(out, d, width=min(out.width, 120))


@app.command("edit")
def edit(
    ctx: typer.Context,
    ref: MeasureArg,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="A new unit.")] = None,
    type_: Annotated[MeasureType | None, typer.Option("--type", help="Only while it has no points.")] = None,
    period: Annotated[
        MeasurePeriod | None, typer.Option("--period", help="Only while it has no points.")
    ] = None,
    better: Annotated[Better | None, typer.Option("--better", help="up or down.")] = None,
    target: TargetOpt = None,
    no_target: Annotated[bool, typer.Option("--no-target", help="Remove the target.")] = False,
    description: DescriptionOpt = None,
    baseline_until: BaselineOpt = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Unfreeze the median.")] = False,
    json: JsonOpt = False,
) -> None:
    """Change a measure's name, unit, direction, target, description or baseline.

    Example: lablog measure edit M-1 --target 8 --baseline-until 2026-06
    """
    from lablog.services import measure

    if target is not None and no_target:
        raise typer.BadParameter(_("give --target or --no-target, not both"), param_hint="--target")
    if baseline_until is not None and no_baseline:
        raise typer.BadParameter(
            _("give --baseline-until or --no-baseline, not both"), param_hint="--baseline-until"
        )
    changes = {}
    if target is not None or no_target:
        changes["target"] = target
    if baseline_until is not None or no_baseline:
        changes["baseline_until"] = baseline_until
    with session(ctx) as s:
        row = measure.edit(
            s,
            ref=ref,
            name=name,
            unit=unit,
            type=type_.value if type_ else None,
            period=period.value if period else None,
            better=better.value if better else None,
            description=description,
            **changes,
        )
    if json:
        return emit_json(row)
    notice(_("Updated {key}").format(key=row.key))


@app.command("retire")
def retire(
    ctx: typer.Context,
    ref: MeasureArg,
    on: Annotated[str | None, typer.Option("--on", help="The day it stopped (default today).")] = None,
    json: JsonOpt = False,
) -> None:
    """Stop a measure: it keeps its points and chart, takes no new ones, and leaves the reports.

    Example: lablog measure retire M-2 --on 2026-11-01
    """
    from lablog.services import measure

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        row = measure.retire(s, ref=ref, on=day, today=today(ctx))
    if json:
        return emit_json(row)
    notice(
        _("Retired {key} on {day}; `lablog measure list --all` still shows it").format(
            key=row.key, day=row.retired_on
        )
    )
