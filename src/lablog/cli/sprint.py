"""`lablog sprint …`: plan, fill, start, show, close, review and retrospect a sprint."""

from __future__ import annotations

from typing import Annotated

import typer

from lablog import config, i18n
from lablog.cli import _common
from lablog.cli._common import (
    JsonOpt,
    actor,
    console,
    date_or_today,
    emit_json,
    notice,
    now,
    parse_date,
    reading,
    session,
    today,
    typed_text,
)
from lablog.enums import CarryOver, GoalMet
from lablog.i18n import N_, _, ngettext
from lablog.render import states

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Sprints: plan, run, close, review.")

LabArg = Annotated[str, typer.Argument(metavar="LAB", help="The lab's code.")]
NumberArg = Annotated[
    int | None,
    typer.Argument(metavar="[N]", help="The sprint number (default: the active one, else the latest)."),
]
KeysArg = Annotated[list[str], typer.Argument(metavar="KEY...", help="Item keys, e.g. HJBH-12 HJBH-14.")]
SprintOpt = Annotated[
    int | None, typer.Option("--sprint", help="Sprint number (default: active, else next planned).")
]
OnOpt = Annotated[str | None, typer.Option("--on", help="When it happened (default today).")]


@app.command("plan")
def plan(
    ctx: typer.Context,
    lab: LabArg,
    goal: Annotated[str | None, typer.Option("--goal", "-g", help="The sprint goal.")] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First day (default: the day after the last sprint, else the next Monday, "
            "or the config's week_start).",
        ),
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day.")] = None,
    weeks: Annotated[int | None, typer.Option("--weeks", "-w", help="Length in weeks (default 2).")] = None,
    json: JsonOpt = False,
) -> None:
    """Plan a lab's next sprint.

    Example: lablog sprint plan HJBH --goal "Første borger behandlet hjemme" --start 2026-W49 --weeks 2
    """
    from lablog.services import sprints

    if end is not None and weeks is not None:
        raise typer.BadParameter(_("give --end or --weeks, not both"), param_hint="--end")
    starts, ends = parse_date(ctx, start, "--start"), parse_date(ctx, end, "--end")
    with session(ctx) as s:
        sprint = sprints.plan(
            s,
            lab=lab,
            goal=goal,
            starts=starts,
            ends=ends,
            weeks=weeks,
            today=today(ctx),
            week_start=config.week_start(),
        )
    if json:
        return emit_json(sprint)
    notice(
        _("Planned {lab} sprint {number}: {starts} – {ends} ({weeks})").format(
            lab=sprint.lab, number=sprint.number, starts=sprint.starts, ends=sprint.ends, weeks=_weeks(sprint)
        )
    )


def _weeks(sprint) -> str:
    """ "2026-W49 – 2026-W50" as it always said; "uge 49–50" in Danish."""
    if i18n.danish():
        return i18n.weeks(sprint.starts, sprint.ends)
    return f"{sprint.start_week} – {sprint.end_week}"


@app.command("add")
def add(
    ctx: typer.Context,
    lab: LabArg,
    keys: KeysArg,
    sprint: SprintOpt = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Put items into the sprint (after the start they count as scope added).

    Example: lablog sprint add HJBH HJBH-12 HJBH-14
    """
    from lablog.services import sprints

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        read, added, already = sprints.add_items(
            s, lab=lab, keys=keys, number=sprint, on=day, actor=actor(ctx), today=today(ctx)
        )
    if json:
        return emit_json({"sprint": read, "added": added, "already": already})
    if added:
        if read.status == "active":
            said = _("Added to {lab} sprint {number} (scope added): {keys}")
        else:
            said = _("Added to {lab} sprint {number}: {keys}")
        notice(said.format(lab=read.lab, number=read.number, keys=", ".join(added)))
    if already:
        notice(
            _("Already in {lab} sprint {number}: {keys}").format(
                lab=read.lab, number=read.number, keys=", ".join(already)
            )
        )


@app.command("remove")
def remove(
    ctx: typer.Context,
    lab: LabArg,
    keys: KeysArg,
    sprint: SprintOpt = None,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Take items out of the sprint, back to the backlog.

    Example: lablog sprint remove HJBH HJBH-14
    """
    from lablog.services import sprints

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        read, removed = sprints.remove_items(
            s, lab=lab, keys=keys, number=sprint, on=day, actor=actor(ctx), today=today(ctx)
        )
    if json:
        return emit_json({"sprint": read, "removed": removed})
    if read.status == "active":
        said = _("Removed from {lab} sprint {number} (scope removed): {keys}")
    else:
        said = _("Removed from {lab} sprint {number}: {keys}")
    notice(said.format(lab=read.lab, number=read.number, keys=", ".join(removed)))


@app.command("start")
def start(
    ctx: typer.Context, lab: LabArg, number: NumberArg = None, on: OnOpt = None, json: JsonOpt = False
) -> None:
    """Start the next planned sprint and record its commitment.

    Example: lablog sprint start HJBH
    """
    from lablog.services import sprints

    day = date_or_today(ctx, on, "--on")
    with session(ctx) as s:
        read = sprints.start(s, lab=lab, number=number, on=day, today=today(ctx))
    if json:
        return emit_json(read)
    notice(
        ngettext(
            "Started {lab} sprint {number} on {day}: {points} point committed",
            "Started {lab} sprint {number} on {day}: {points} points committed",
            read.committed_points,
        ).format(lab=read.lab, number=read.number, day=day, points=i18n.number(read.committed_points))
    )


@app.command("show")
def show(ctx: typer.Context, lab: LabArg, number: NumberArg = None, json: JsonOpt = False) -> None:
    """Show a sprint: goal, dates and weeks, days left, the board and points done of committed.

    Example: lablog sprint show HJBH
    """
    from lablog.queries import impediment, sprints
    from lablog.render import sprints as render

    with reading(ctx) as r:
        detail = sprints.detail(r, lab=lab, number=number, today=today(ctx))
        detail = impediment.on_board(r, detail)
    if json:
        return emit_json(detail)
    render.board(console(), detail)


@app.command("list")
def list_(ctx: typer.Context, lab: LabArg, json: JsonOpt = False) -> None:
    """List a lab's sprints.

    Example: lablog sprint list HJBH
    """
    from lablog.render import sprints as render
    from lablog.services import sprints

    with session(ctx, write=False) as s:
        rows = sprints.list_sprints(s, lab=lab, today=today(ctx))
    if json:
        return emit_json(rows)
    render.sprint_list(console(), rows)


@app.command("edit")
def edit(
    ctx: typer.Context,
    lab: LabArg,
    number: NumberArg = None,
    goal: Annotated[str | None, typer.Option("--goal", "-g", help="A new goal.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="A new first day (planned sprints only).")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="A new last day.")] = None,
    json: JsonOpt = False,
) -> None:
    """Change a planned or active sprint's goal or dates.

    Example: lablog sprint edit HJBH --end +3d
    """
    from lablog.services import sprints

    starts, ends = parse_date(ctx, start, "--start"), parse_date(ctx, end, "--end")
    with session(ctx) as s:
        read = sprints.edit(s, lab=lab, number=number, goal=goal, starts=starts, ends=ends, today=today(ctx))
    if json:
        return emit_json(read)
    notice(
        _("Updated {lab} sprint {number}: {starts} – {ends}").format(
            lab=read.lab, number=read.number, starts=read.starts, ends=read.ends
        )
    )


GoalMetOpt = Annotated[GoalMet | None, typer.Option("--goal-met", help="Was the sprint goal met?")]
OutcomeOpt = Annotated[
    str | None,
    typer.Option("--outcome", help="What changed for the patient pathway, evidence, next step."),
]
NoAssessmentOpt = Annotated[
    bool,
    typer.Option(
        "--no-assessment",
        help="Close without goal met and outcome; add them later with `lablog sprint assess LAB N`.",
    ),
]

# The questions and answers of the assessment at close, in one place, translated where asked.
# The answers typed stay yes/partly/no/later (they are --goal-met's values).
ASK_GOAL_MET = N_("Was the goal of {lab} sprint {number} met? [yes/partly/no]")
ASK_GOAL_MET_LATER = N_("Was the goal of {lab} sprint {number} met? [yes/partly/no/later]")
ASK_OUTCOME = N_("Outcome: what changed for the patient pathway, evidence, next step")
ANSWER_GOAL_MET = N_("Answer yes, partly or no")
ANSWER_LATER = N_("Answer yes, partly, no, or later to assess it with `lablog sprint assess {lab} {number}`")
GIVE_ASSESSMENT = N_(
    "give --goal-met and --outcome, or --no-assessment to assess later with `lablog sprint assess {lab} N`"
)
NOT_ASSESSED = N_(
    "{lab} sprint {number} is not assessed yet; add goal met and outcome with "
    "`lablog sprint assess {lab} {number} --goal-met yes|partly|no --outcome TEXT`"
)


def assessment_at_close(
    ctx: typer.Context,
    lab: str,
    goal_met: GoalMet | None,
    outcome: str | None,
    no_assessment: bool,
) -> tuple[str | None, str | None]:
    """Goal met and outcome for closing the lab's active sprint: as given, else asked at a terminal.

    Off a terminal both are required unless --no-assessment says the assessment
    comes later. Returns (None, None) when it comes later.
    """
    outcome = outcome if outcome and outcome.strip() else None
    if no_assessment:
        if goal_met is not None or outcome is not None:
            raise typer.BadParameter(
                _("give the assessment (--goal-met, --outcome) or --no-assessment, not both"),
                param_hint="--no-assessment",
            )
        return None, None
    if goal_met is not None and outcome is not None:
        return goal_met.value, outcome
    if not _common.at_terminal():
        raise typer.BadParameter(_(GIVE_ASSESSMENT).format(lab=lab.upper()), param_hint="--goal-met")
    number = _active_number(ctx, lab)
    if number is None:
        # Nothing to assess: the close itself says why (no sprint, not active).
        return (goal_met.value if goal_met else None), outcome
    return ask_assessment(ctx, lab.upper(), number, goal_met, outcome)


def _active_number(ctx: typer.Context, lab: str) -> int | None:
    from lablog.queries import refs, sprints

    with reading(ctx) as r:
        found = sprints.active(r, refs.lab(r, lab))
    return found.number if found is not None else None


def ask_assessment(
    ctx: typer.Context, lab: str, number: int, goal_met: GoalMet | None, outcome: str | None
) -> tuple[str | None, str | None]:
    """Ask for what is missing; "later" (offered when no outcome was given) means no assessment now."""
    later = outcome is None
    if goal_met is None:
        choices = [g.value for g in GoalMet] + (["later"] if later else [])
        question = _(ASK_GOAL_MET_LATER if later else ASK_GOAL_MET).format(lab=lab, number=number)
        while True:
            answer = typer.prompt(question, err=True).strip().lower()
            if answer in choices:
                break
            typer.echo(
                _(ANSWER_LATER).format(lab=lab, number=number) if later else _(ANSWER_GOAL_MET), err=True
            )
        if answer == "later":
            return None, None
        goal_met = GoalMet(answer)
    if outcome is None:
        # click asks again on an empty answer: with a goal met, the outcome is due too.
        outcome = typed_text(ctx, typer.prompt(_(ASK_OUTCOME), err=True), _("the outcome"))
    return goal_met.value, outcome


@app.command("close")
def close(
    ctx: typer.Context,
    lab: LabArg,
    carry_over: Annotated[
        CarryOver,
        typer.Option(
            "--carry-over", help="Unfinished items go to the top of the backlog or into the next sprint."
        ),
    ] = CarryOver.backlog,
    goal_met: GoalMetOpt = None,
    outcome: OutcomeOpt = None,
    no_assessment: NoAssessmentOpt = False,
    on: OnOpt = None,
    json: JsonOpt = False,
) -> None:
    """Close the active sprint: record what was done, freeze its record, carry unfinished work over.

    Goal met and outcome are asked for at a terminal when not given; elsewhere
    give them, or --no-assessment to add them later with `lablog sprint assess`.

    Example: lablog sprint close HJBH --goal-met partly --outcome "3 borgere hjemme" --carry-over next
    """
    from lablog.render import sprints as render
    from lablog.services import sprints

    day = date_or_today(ctx, on, "--on")
    met, said = assessment_at_close(ctx, lab, goal_met, outcome, no_assessment)
    with session(ctx) as s:
        detail = sprints.close(
            s,
            today=today(ctx),
            lab=lab,
            carry_over=carry_over.value,
            goal_met=met,
            outcome=said,
            on=day,
            actor=actor(ctx),
        )
    if met is None:
        sp = detail.sprint
        notice(_(NOT_ASSESSED).format(lab=sp.lab, number=sp.number))
    if json:
        return emit_json(detail)
    render.close_summary(console(), detail)


def _assessed(sp, changed: dict) -> str:
    """What `sprint assess` did, in one line: "goal met partly (was yes); outcome added"."""
    if not changed:
        return _("{lab} sprint {number} was already assessed so; nothing changed").format(
            lab=sp.lab, number=sp.number
        )
    parts = []
    if "goal_met" in changed:
        old = changed["goal_met"][0]
        answer = states.goal_met(sp.goal_met)
        if old:
            parts.append(_("goal met {answer} (was {old})").format(answer=answer, old=states.goal_met(old)))
        else:
            parts.append(_("goal met {answer}").format(answer=answer))
    if "outcome" in changed:
        parts.append(_("outcome amended") if changed["outcome"][0] else _("outcome added"))
    return _("Assessed {lab} sprint {number}: {changes}").format(
        lab=sp.lab, number=sp.number, changes="; ".join(parts)
    )


@app.command("assess")
def assess(
    ctx: typer.Context,
    lab: LabArg,
    number: Annotated[int, typer.Argument(metavar="N", help="The closed sprint's number.")],
    goal_met: GoalMetOpt = None,
    outcome: OutcomeOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add or amend the assessment of a closed sprint: goal met, outcome, or both.

    The record stays frozen; the assessment is stamped as added later, with who
    and when, and the change log keeps what it said before.

    Example: lablog sprint assess HJBH 3 --goal-met partly --outcome "Weekenddækning aftalt med to kommuner"
    """
    from lablog.services import sprints

    if goal_met is None and outcome is None:
        raise typer.BadParameter(_("give --goal-met, --outcome or both"), param_hint="--goal-met")
    with session(ctx) as s:
        detail, changed = sprints.assess(
            s,
            lab=lab,
            number=number,
            goal_met=goal_met.value if goal_met else None,
            outcome=outcome,
            actor=actor(ctx),
            today=today(ctx),
            at=now(ctx),
        )
    notice(_assessed(detail.sprint, changed))
    if json:
        return emit_json(detail)


MeetingHoursOpt = Annotated[
    float | None,
    typer.Option(
        "--meeting-hours", help="Also record the meeting it came from, held today, this many hours."
    ),
]
# The meeting's stored title: the names the labs use, in either language.
_EVENT_TITLES = {"review": "Sprint review", "retro": "Retrospektiv"}


def _event_meeting(ctx: typer.Context, s, sprint, event: str, hours: float | None):
    """The lab meeting of a sprint event, recorded in the same transaction when --meeting-hours is given."""
    if hours is None:
        return None
    from lablog.services import meeting

    return meeting.add(
        s,
        kind="lab",
        title=f"{_EVENT_TITLES[event]} {sprint.lab} {sprint.number}",
        on=today(ctx),
        lab=sprint.lab,
        hours=hours,
        sprint=sprint.number,
        event=event,
    )


def _held(row) -> None:
    if row is not None:
        notice(
            _("Recorded the meeting {key}; who came: `lablog meeting attend {key} PERSON…`").format(
                key=row.key
            )
        )


@app.command("review")
def review(
    ctx: typer.Context,
    lab: LabArg,
    number: NumberArg = None,
    note: Annotated[
        list[str] | None, typer.Option("--note", "-n", help="A review note; repeat for several.")
    ] = None,
    meeting_hours: MeetingHoursOpt = None,
    json: JsonOpt = False,
) -> None:
    """Add sprint review notes (to the active sprint, else the last closed).

    Example: lablog sprint review HJBH --note "Hjemmesygeplejen vil udvide til weekender"
    """
    from lablog.services import sprints

    with session(ctx) as s:
        detail = sprints.review(
            s, lab=lab, number=number, notes=note or [], actor=actor(ctx), today=today(ctx)
        )
        held = _event_meeting(ctx, s, detail.sprint, "review", meeting_hours)
    if json:
        return emit_json(detail)
    sp = detail.sprint
    n = len(detail.review)
    notice(
        ngettext(
            "{lab} sprint {number} now has {n} review note",
            "{lab} sprint {number} now has {n} review notes",
            n,
        ).format(lab=sp.lab, number=sp.number, n=n)
    )
    _held(held)


@app.command("retro")
def retro(
    ctx: typer.Context,
    lab: LabArg,
    number: NumberArg = None,
    went_well: Annotated[
        list[str] | None, typer.Option("--went-well", help="What went well; repeatable.")
    ] = None,
    improve: Annotated[
        list[str] | None, typer.Option("--improve", help="What to improve; repeatable.")
    ] = None,
    action: Annotated[
        list[str] | None, typer.Option("--action", help="An action; becomes a backlog item tagged retro.")
    ] = None,
    meeting_hours: MeetingHoursOpt = None,
    json: JsonOpt = False,
) -> None:
    """Record a sprint retrospective; each action becomes a backlog item.

    Example: lablog sprint retro HJBH --went-well "Tæt dialog med egen læge" --action "Fast tid til tavlemøde"
    """
    from lablog.services import sprints

    with session(ctx) as s:
        detail = sprints.retro(
            s,
            lab=lab,
            number=number,
            went_well=went_well or [],
            improve=improve or [],
            actions=action or [],
            on=today(ctx),
            actor=actor(ctx),
        )
        held = _event_meeting(ctx, s, detail.sprint, "retro", meeting_hours)
    if json:
        return emit_json(detail)
    sp = detail.sprint
    notice(_("Recorded the retrospective of {lab} sprint {number}").format(lab=sp.lab, number=sp.number))
    _held(held)
    for a in detail.retro.actions:
        if a.text in (action or []):
            notice("  " + _("action {key}: {text}").format(key=a.key, text=a.text))
