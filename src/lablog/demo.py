"""`lablog demo`: the example programme, built through lablog's own services."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from lablog.dates import parse_date
from lablog.errors import LablogError
from lablog.i18n import _

DATA = "programme.toml"


def data_file() -> Path:
    """The example data: shipped inside the package, or in the source tree's examples/."""
    here = Path(__file__).parent
    for candidate in (here / "examples" / DATA, here.parents[1] / "examples" / DATA):
        if candidate.exists():
            return candidate
    raise LablogError(
        _("The example programme ({file}) is missing from this installation; reinstall lablog").format(
            file=DATA
        )
    )


def reset(target: Path, *, replace: bool) -> None:
    """Remove an earlier demo store; refuse to touch any other file unless asked."""
    if target.exists() and not replace:
        raise LablogError(
            _("{path} exists already; pass --replace to overwrite it with the demo").format(path=target)
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def load(session, *, today: date) -> None:
    """Load the example programme into an empty store, in the caller's transaction."""
    from lablog.services import decision, impediment, knowledge, labs, orgs, people, sm

    with data_file().open("rb") as f:
        data = tomllib.load(f)

    def day(value: str) -> date:
        return parse_date(value, today=today)

    for o in data["org"]:
        orgs.add(session, code=o["code"], name=o["name"], sector=o["sector"])
    for p in data["person"]:
        people.add(session, name=p["name"], org=p["org"], email=p.get("email"))
    for lab in data["lab"]:
        starts = day(lab["start"])
        labs.add(
            session,
            code=lab["code"],
            name=lab["name"],
            focus=lab.get("focus"),
            target_groups=lab.get("target_groups", []),
            start=starts,
            today=today,
        )
        for m in lab.get("members", []):
            labs.member_add(
                session, lab=lab["code"], person=m["person"], role=m.get("role", "member"), on=starts
            )
    for a in data["sm"]:
        sm.assign(
            session, person=a["person"], lab=a["lab"], starts=day(a["from"]), role=a.get("role", "lead")
        )
    for entry in data.get("backlog", []):
        run_sprints(session, entry, today=today)
    for k in data.get("knowledge", []):
        entry = knowledge.add(
            session,
            lab=k["lab"],
            title=k["title"],
            body=k.get("body", ""),
            kind=k.get("kind", "learning"),
            tags=k.get("tags", []),
            author=k.get("author"),
            on=day(k["on"]),
            actor=k.get("author"),
        )
        if share := k.get("share"):
            knowledge.share(
                session,
                ref=entry.key,
                to=[] if share == "all" else share,
                all_labs=share == "all",
                on=day(k["shared_on"]),
                actor=k.get("author"),
            )
        for a in k.get("answers", []):
            knowledge.answer(
                session,
                ref=entry.key,
                lab=a["lab"],
                status=a["status"],
                note=a.get("note"),
                on=day(a["on"]),
                actor=None,
            )
    for i in data.get("impediment", []):
        row = impediment.add(
            session,
            lab=i["lab"],
            text=i["text"],
            item=i.get("item"),
            owner=i.get("owner"),
            on=day(i["on"]),
            today=today,
        )
        for step in i.get("escalate", []):
            impediment.escalate(
                session,
                ref=row.key,
                to=step["to"],
                note=step.get("note"),
                on=day(step["on"]),
                today=today,
                actor="demo",
            )
    for d in data.get("decision", []):
        decision.add(
            session,
            text=d["text"],
            by=d["by"],
            resolves=d.get("resolves"),
            on=day(d["on"]),
            today=today,
            actor="demo",
        )
    for m in data.get("measure", []):
        load_measure(session, m, day=day, today=today)
    for c in data.get("pdsa", []):
        load_cycle(session, c, day=day, today=today)
    load_meetings(session, data, day=day, today=today)


def load_meetings(session, data: dict, *, day, today: date) -> None:
    """A year of meetings: the steering group, the theme days, and each lab's sprint events."""
    from lablog.services import meeting, sprints

    def attend(key: str, present: list[str], absent: list[dict], chair: str | None = None) -> None:
        if chair:
            meeting.attend(session, ref=key, people=[chair], role="chair")
        if others := [p for p in present if p != chair]:
            meeting.attend(session, ref=key, people=others)
        for a in absent:
            meeting.absent(session, ref=key, people=[a["person"]], note=a.get("note"))

    if sg := data.get("steering_group"):
        first = day(sg["first"])
        for n in range(1, sg["count"] + 1):
            on = first + timedelta(weeks=sg["every_weeks"] * (n - 1))
            row = meeting.add(
                session,
                kind="steering-group",
                title=sg["title"],
                on=on,
                start=sg["from"],
                end=sg["to"],
                place=sg.get("place"),
            )
            if n in sg.get("cancelled", []):
                meeting.cancel(session, ref=row.key, on=on - timedelta(days=3))
                continue
            away = [a for a in sg.get("absent", []) if a["meeting"] == n]
            gone = {a["person"] for a in away}
            attend(row.key, [p for p in sg["members"] if p not in gone], away, chair=sg.get("chair"))
    for t in data.get("theme_day", []):
        row = meeting.add(
            session, kind="theme", title=t["title"], on=day(t["on"]), start=t["from"], end=t["to"],
            place=t.get("place"),
        )  # fmt: skip
        attend(row.key, t["present"], t.get("absent", []))
    lm = data.get("lab_meetings")
    if not lm:
        return
    members = {lab["code"]: [m["person"] for m in lab.get("members", [])] for lab in data["lab"]}
    seen: dict[str, int] = {}
    titles = {"planning": "Sprintplanlægning", "review": "Sprint review", "retro": "Retrospektiv"}
    for entry in data.get("backlog", []):
        lab = entry["lab"]
        for sprint in sprints.list_sprints(session, lab=lab, today=today):
            events = [("planning", sprint.starts)]
            if sprint.status == "closed":
                # On the sprint's last working day.
                last = sprint.ends - timedelta(days=max(0, sprint.ends.weekday() - 4))
                events += [("review", last), ("retro", last)]
            for event, on in events:
                row = meeting.add(
                    session, kind="lab", title=f"{titles[event]} {lab} {sprint.number}", on=on, lab=lab,
                    hours=lm[f"{event}_hours"], sprint=sprint.number, event=event,
                )  # fmt: skip
                away = []
                for a in lm.get("absent", []):
                    if a["person"] in members[lab]:
                        seen[a["person"]] = seen.get(a["person"], 0) + 1
                        if seen[a["person"]] % a["every"] == 0:
                            away.append(a)
                gone = {a["person"] for a in away}
                attend(row.key, [p for p in members[lab] if p not in gone], away)


def load_measure(session, m: dict, *, day, today: date) -> None:
    """One measure of the example with its series, one point per period up to the current one."""
    from lablog import periods
    from lablog.services import measure

    period = periods.of_date(day(m["first"]), m["period"])
    series = []
    for _point in m["points"]:
        series.append(period)
        period = periods.following(period)
    baseline = m.get("baseline")
    row = measure.add(
        session,
        lab=m["lab"],
        name=m["name"],
        type=m["type"],
        unit=m["unit"],
        better=m["better"],
        period=m["period"],
        target=m.get("target"),
        description=m.get("description"),
        baseline_until=series[baseline - 1].key if baseline else None,
    )
    for at, value in zip(series, m["points"], strict=True):
        parts = (
            {"numerator": value[0], "denominator": value[1]} if isinstance(value, list) else {"value": value}
        )
        measure.record(session, ref=row.key, period=at.key, today=today, actor="demo", **parts)
    for n in m.get("notes", []):
        measure.note(session, ref=row.key, period=series[n["at"]].key, text=n["text"], actor="demo")


def load_cycle(session, c: dict, *, day, today: date) -> None:
    """One PDSA cycle of the example, taken as far as its steps go."""
    from lablog.services import pdsa

    row = pdsa.add(
        session,
        lab=c["lab"],
        title=c["title"],
        plan=c["plan"],
        prediction=c["prediction"],
        measure=c.get("measure"),
        item=c.get("item"),
        after=c.get("after"),
        on=day(c["on"]),
        today=today,
    )
    if step := c.get("do"):
        pdsa.do(session, ref=row.key, note=step.get("note"), on=day(step["on"]), today=today)
    if step := c.get("study"):
        pdsa.study(session, ref=row.key, note=step["note"], on=day(step["on"]), today=today)
    if step := c.get("act"):
        pdsa.act(
            session,
            ref=row.key,
            decision=step["decision"],
            note=step.get("note"),
            share=step.get("share", False),
            on=day(step["on"]),
            today=today,
            actor="demo",
        )


SPRINT_DAYS = 14
CAPACITY = 13  # points a demo lab takes into a sprint


def run_sprints(session, entry: dict, *, today: date) -> None:
    """Give a lab a backlog, closed sprints with a history, and an active sprint holding today."""
    from lablog.services import backlog, sprints

    lab, actor = entry["lab"], "demo"
    first = today - timedelta(days=today.weekday() + 7 + SPRINT_DAYS * (len(entry["goals"]) - 1))
    for item in entry["items"]:
        backlog.add(
            session,
            lab=lab,
            title=item["title"],
            points=item.get("points"),
            type=item.get("type", "story"),
            tags=item.get("tags"),
            on=first - timedelta(days=7),
            actor=actor,
        )
    for n, goal in enumerate(entry["goals"], start=1):
        starts = first + timedelta(days=SPRINT_DAYS * (n - 1))
        ends = starts + timedelta(days=SPRINT_DAYS - 1)
        if len(sprints.list_sprints(session, lab=lab, today=today)) < n:
            sprints.plan(session, lab=lab, starts=starts, ends=ends, goal=goal["goal"], today=today)
        else:
            sprints.edit(session, lab=lab, number=n, goal=goal["goal"], today=today)
        planned = _fill(session, lab, n, on=starts - timedelta(days=1), actor=actor)
        sprints.start(session, lab=lab, number=n, on=starts)
        active = "goal_met" not in goal
        # All but the last item get done, spread over the sprint's working days.
        for i, item in enumerate(planned[:-1]):
            done_on = starts + timedelta(days=1 + (i * 10) // max(len(planned) - 1, 1))
            if done_on.weekday() >= 5:
                done_on += timedelta(days=7 - done_on.weekday())
            if active and done_on > today:
                break
            backlog.transition(session, key=item.key, to="doing", on=done_on - timedelta(days=1), actor=actor)
            backlog.transition(session, key=item.key, to="done", on=done_on, actor=actor)
        if active:
            if planned:
                backlog.transition(
                    session, key=planned[-1].key, to="doing", on=starts + timedelta(days=2), actor=actor
                )
            continue
        if n == 2:
            # Scope added mid-sprint, and finished.
            extra = [i for i in backlog.list_items(session, lab=lab, status="todo") if i.sprint is None][:1]
            if extra:
                day = starts + timedelta(days=4)
                sprints.add_items(session, lab=lab, keys=[extra[0].key], on=day, actor=actor)
                backlog.transition(
                    session, key=extra[0].key, to="done", on=day + timedelta(days=3), actor=actor
                )
        _close(session, lab, n, goal, on=ends, actor=actor)


def _fill(session, lab: str, number: int, *, on: date, actor: str) -> list:
    """Items for sprint N: what was carried into it, then the backlog's top up to CAPACITY."""
    from lablog.services import backlog, sprints

    todo = backlog.list_items(session, lab=lab, status="todo")
    planned = [i for i in todo if i.sprint == number]
    points = sum(i.points or 0 for i in planned)
    for item in todo:
        if item.sprint is None and points + (item.points or 0) <= CAPACITY:
            planned.append(item)
            points += item.points or 0
    fresh = [i.key for i in planned if i.sprint is None]
    if fresh:
        sprints.add_items(session, lab=lab, keys=fresh, number=number, on=on, actor=actor)
    return planned


def _close(session, lab: str, number: int, goal: dict, *, on: date, actor: str) -> None:
    from lablog.services import sprints

    # assessed_days_after: the lab assessed the sprint later (after the steering
    # group met, say), so the record shows it as an amendment with who and when.
    later = goal.get("assessed_days_after")
    sprints.close(
        session,
        lab=lab,
        on=on,
        actor=actor,
        carry_over="next",
        goal_met=None if later else goal["goal_met"],
        outcome=None if later else goal.get("outcome"),
    )
    if later:
        day = on + timedelta(days=later)
        sprints.assess(
            session,
            lab=lab,
            number=number,
            actor=actor,
            today=day,
            goal_met=goal["goal_met"],
            outcome=goal.get("outcome"),
            at=datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC),
        )
    if goal.get("review"):
        sprints.review(session, lab=lab, number=number, notes=[goal["review"]], actor=actor, today=on)
    lines = {k: [goal[k]] for k in ("went_well", "improve", "action") if goal.get(k)}
    if lines:
        sprints.retro(
            session,
            lab=lab,
            number=number,
            on=on,
            actor=actor,
            went_well=lines.get("went_well", []),
            improve=lines.get("improve", []),
            actions=lines.get("action", []),
        )


# The lab whose last closed sprint the demo summarises.
SUMMARY_LAB = "HJBH"


def build(state) -> dict:
    """Fill the state's (fresh) store with the example programme; return an overview.

    The overview's "summary" is the SprintSummary of SUMMARY_LAB's last closed sprint.
    """
    from sqlmodel import Session

    from lablog.services import labs, sm, summaries

    today = state.today()
    from lablog.services import changelog, search

    with Session(state.engine(init=True), expire_on_commit=False) as session, session.begin():
        changelog.track(session, actor=state.actor())
        search.watch(session)
        load(session, today=today)
        return {
            "store": state.store.display(),
            "labs": labs.list_all(session, today=today),
            "network": sm.network(session, at=today),
            "summary": summaries.sprint_summary(
                session,
                lab=SUMMARY_LAB,
                number=summaries.last_closed(session, lab=SUMMARY_LAB),
                today=today,
            ),
        }


def write_summary(summary, directory: Path) -> tuple[Path, str]:
    """Write the sprint summary as Markdown next to the demo store; return the file and its text."""
    from lablog import config
    from lablog.render import markdown

    text = markdown.sprint_summary(summary, config_dir=config.config_dir())
    from lablog import files

    path = directory / f"demo-{summary.lab.code}-{summary.sprint.number}.md"
    files.write_text(path, text, force=True)
    return path, text


def show(overview: dict, summary_text: str | None = None) -> None:
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.text import Text

    from lablog.render import tables
    from lablog.render.markdown import strip_front_matter

    console = Console(highlight=False)
    console.rule(Text(_("The example programme"), style="bold"))
    tables.labs(console, overview["labs"])
    tables.network(console, overview["network"])
    if summary_text:
        console.rule(Text(_("A sprint summary, as `lablog export sprint` writes it"), style="bold"))
        console.print(Markdown(strip_front_matter(summary_text)))
