"""Sprint summaries and the programme report: plain objects for the Markdown templates.

Everything here is read in a fixed number of queries (the programme report adds
one per lab for its completed items and two for its closed sprints and their
notes, as they are written) and sorted explicitly,
so the same store always gives the same summary (and the same bytes once rendered).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, select

from lablog.dates import report_since
from lablog.enums import (
    LEG_OF_SECTOR,
    Answer,
    AssignmentEnd,
    GoalMet,
    ItemStatus,
    Leg,
    Sector,
    SmRole,
    SprintStatus,
)
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import _
from lablog.models import (
    BacklogItem,
    KnowledgeAnswer,
    KnowledgeEntry,
    KnowledgeShare,
    Lab,
    LabMember,
    Organisation,
    Person,
    Sprint,
)
from lablog.queries import programme as outcomes
from lablog.queries import summaries as queries
from lablog.reader import SessionReader
from lablog.services import knowledge, labs, refs, sm, sprints
from lablog.shapes import (
    ParticipationReport,
    ProgrammeItem,
    ProgrammeLab,
    ProgrammeReport,
    ProgrammeTotals,
    SprintSummary,
)

PROGRAMME_FORMAT = "lablog-programme-report/1"
TREND_SPRINTS = 3
BATCH = 500  # rows read at a time where a period's items are streamed


def sprint_summary(session: Session, *, lab: str, number: int | None, today: date) -> SprintSummary:
    """Everything a sprint summary shows, inside a session; see lablog.queries.summaries."""
    return queries.sprint_summary(SessionReader(session), lab=lab, number=number, today=today)


def last_closed(session: Session, *, lab: str) -> int:
    """The number of the lab's last closed sprint; raises NotFound."""
    the_lab = refs.lab(session, lab)
    number = session.exec(
        select(Sprint.number)
        .where(Sprint.lab_id == the_lab.id, Sprint.status == SprintStatus.closed.value)
        .order_by(Sprint.number.desc())
        .limit(1)
    ).first()
    if number is None:
        raise NotFound(_("{lab} has no closed sprint yet").format(lab=the_lab.code))
    return number


# The programme report ------------------------------------------------------------


def default_period(today: date) -> tuple[date, date]:
    """The report period every report uses by default: four weeks ending today."""
    return report_since(today), today


# A change in completion rate smaller than this per sprint is no trend.
FLAT = 0.02


def _trend(sprints: list[Sprint], *, since: date, until: date) -> str | None:
    """up / down / flat: the least-squares slope of the completion rate over every sprint closed
    in the period (not the last against the first, which one odd sprint would decide)."""
    rates = [
        (s.completed_points or 0.0) / s.committed_points
        for s in sprints
        if s.closed_on is not None and since <= s.closed_on <= until and s.committed_points
    ]
    slope = least_squares_slope(rates)
    if slope is None:
        return None
    return "up" if slope > FLAT else "down" if slope < -FLAT else "flat"


def least_squares_slope(values: list[float]) -> float | None:
    """The slope of the best straight line through values at 0, 1, 2, …; None below two values."""
    n = len(values)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread


class _DoneInPeriod:
    """The items done in a period: counted and summed up front, each lab's read when they are written."""

    def __init__(self, session: Session, *, since: date, until: date, codes: dict[int, str]) -> None:
        self.session = session
        self.codes = codes
        self.where = (
            BacklogItem.status == ItemStatus.done.value,
            BacklogItem.done_on >= since,
            BacklogItem.done_on <= until,
        )
        # lab id -> (items, points), the points added in the order the report lists
        # the items, so the sum is the very float the items themselves add up to.
        self.totals: dict[int, tuple[int, float]] = {}
        for lab_id, points in session.exec(
            select(BacklogItem.lab_id, BacklogItem.points)
            .where(*self.where)
            .order_by(BacklogItem.lab_id, BacklogItem.done_on, BacklogItem.number)
            .execution_options(yield_per=BATCH)
        ):
            count, total = self.totals.get(lab_id, (0, 0))
            self.totals[lab_id] = (count + 1, total + (points or 0))

    def items(self, lab_id: int) -> Iterator[ProgrammeItem]:
        # Only the columns the report shows (a done item's description can be
        # long), streamed: a long period's items are never all in memory.
        code = self.codes[lab_id]
        for number, title, points, done_on in self.session.exec(
            select(BacklogItem.number, BacklogItem.title, BacklogItem.points, BacklogItem.done_on)
            .where(BacklogItem.lab_id == lab_id, *self.where)
            .order_by(BacklogItem.done_on, BacklogItem.number)
            .execution_options(yield_per=BATCH)
        ):
            yield ProgrammeItem(key=f"{code}-{number}", title=title, points=points, done_on=done_on)


class DoneItems(list):
    """A lab's items done in the period, read from the store each time they are iterated.

    It stands in for the list ProgrammeLab.done is (templates take its length,
    its truth and its items; the JSON encoder takes it for a list) without
    holding the items; it is only good while the report's session is open.
    """

    def __init__(self, done: _DoneInPeriod, lab_id: int, count: int) -> None:
        super().__init__()
        self._done = done
        self._lab_id = lab_id
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ProgrammeItem]:
        return self._done.items(self._lab_id) if self._count else iter(())

    def __eq__(self, other: object) -> bool:
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{self._count} items done>"


def programme(session: Session, *, since: date, until: date, today: date) -> ProgrammeReport:
    """The steering group's status report for a period; raises InvalidValue.

    Each lab's `done` is read as it is iterated: use the report while the session is open.
    """
    if until < since:
        raise InvalidValue(_("--until {until} is before --since {since}").format(until=until, since=since))
    all_labs = list(session.exec(select(Lab).order_by(Lab.code)))
    reads = {r.code: r for r in labs.list_all(session, today=until)}

    by_lab_sprints: dict[int, list[Sprint]] = {}
    for s in session.exec(select(Sprint).order_by(Sprint.lab_id, Sprint.number)):
        by_lab_sprints.setdefault(s.lab_id, []).append(s)

    codes = {lab.id: lab.code for lab in all_labs}
    done = _DoneInPeriod(session, since=since, until=until, codes=codes)

    current = sm.list_at(session, at=until)
    history = sm.history(session)
    handovers = [
        a
        for a in history
        if a.end_reason == AssignmentEnd.handover.value and a.ends is not None and since <= a.ends <= until
    ]

    members = session.exec(
        select(LabMember.lab_id, Organisation.code, Organisation.sector)
        .join(Person, LabMember.person_id == Person.id)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .where(LabMember.joined_on <= until, or_(LabMember.left_on.is_(None), LabMember.left_on >= until))
    ).all()
    coverage: dict[int, dict[str, set[str]]] = {}
    for lab_id, org, sector in members:
        leg = LEG_OF_SECTOR.get(Sector(sector))
        if leg is not None:
            coverage.setdefault(lab_id, {}).setdefault(leg.value, set()).add(org)

    # Counted by the store: the period's shares and adoptions never come into memory.
    shared_by = dict(
        session.exec(
            select(KnowledgeEntry.lab_id, func.count(func.distinct(KnowledgeEntry.id)))
            .join(KnowledgeShare, KnowledgeShare.entry_id == KnowledgeEntry.id)
            .where(KnowledgeShare.shared_on >= since, KnowledgeShare.shared_on <= until)
            .group_by(KnowledgeEntry.lab_id)
        ).all()
    )
    received = dict(
        session.exec(
            select(KnowledgeShare.lab_id, func.count())
            .where(KnowledgeShare.shared_on >= since, KnowledgeShare.shared_on <= until)
            .group_by(KnowledgeShare.lab_id)
        ).all()
    )
    adopted = dict(
        session.exec(
            select(KnowledgeAnswer.lab_id, func.count(func.distinct(KnowledgeAnswer.entry_id)))
            .where(
                KnowledgeAnswer.status == Answer.adopted.value,
                KnowledgeAnswer.on >= since,
                KnowledgeAnswer.on <= until,
            )
            .group_by(KnowledgeAnswer.lab_id)
        ).all()
    )

    # What the steering group evaluates: the period's results, and what waits for it.
    reader = SessionReader(session)
    goals = outcomes.goal_counts(reader, since=since, until=until)
    waiting = outcomes.waiting_for_steering_group(reader, until=until)
    decided = outcomes.decisions(reader, since=since, until=until)
    measures: dict[str, list] = {}
    for series in queries.measure_series(reader, lab_id=None, active_from=since, until=until):
        measures.setdefault(series.lab, []).append(series.report_row())

    out = []
    for lab in all_labs:
        read = reads[lab.code]
        lab_sprints = by_lab_sprints.get(lab.id, [])
        active = [s for s in lab_sprints if s.status == SprintStatus.active.value]
        shown = active[0] if active else (lab_sprints[-1] if lab_sprints else None)
        closed = [s for s in lab_sprints if s.status == SprintStatus.closed.value]
        velocity = [s.completed_points or 0.0 for s in closed[-TREND_SPRINTS:]]
        legs = {leg.value: sorted(coverage.get(lab.id, {}).get(leg.value, set())) for leg in Leg}
        count, done_points = done.totals.get(lab.id, (0, 0))
        out.append(
            ProgrammeLab(
                code=lab.code,
                name=lab.name,
                status=read.status,
                sprint=sprints.to_read(shown, lab, today=today) if shown else None,
                velocity=velocity,
                trend=_trend(closed, since=since, until=until),
                done=DoneItems(done, lab.id, count),
                done_points=done_points,
                leads=sorted(a.handle for a in current if a.lab == lab.code and a.role == SmRole.lead.value),
                co=sorted(a.handle for a in current if a.lab == lab.code and a.role == SmRole.co.value),
                handovers=[a for a in handovers if a.lab == lab.code],
                coverage=legs,
                missing_legs=[leg for leg, orgs in legs.items() if not orgs] if read.status == "open" else [],
                knowledge_shared=shared_by.get(lab.id, 0),
                knowledge_adopted=adopted.get(lab.id, 0),
                knowledge_received=received.get(lab.id, 0),
                overdue=_overdue(shown, today),
                sprints_closed=_closed_sprints(reader, lab, goals, since, until),
                decisions_needed=waiting.get(lab.code, []),
                decisions=decided.get(lab.code, []),
                measures=measures.get(lab.code, []),
            )
        )
    open_labs = [lab for lab in out if lab.status == "open"]
    closed_in_period = sum(
        1
        for ss in by_lab_sprints.values()
        for s in ss
        if s.closed_on is not None and since <= s.closed_on <= until
    )
    return ProgrammeReport(
        format=PROGRAMME_FORMAT,
        since=since,
        until=until,
        totals=ProgrammeTotals(
            labs=len(out),
            open_labs=len(open_labs),
            active_sprints=sum(1 for lab in out if lab.sprint and lab.sprint.status == "active"),
            sprints_closed=closed_in_period,
            items_done=sum(len(lab.done) for lab in out),
            points_done=sum(lab.done_points for lab in out),
            handovers=len(handovers),
            labs_without_lead=[lab.code for lab in open_labs if not lab.leads],
            labs_missing_a_leg=[lab.code for lab in open_labs if lab.missing_legs],
            knowledge_shared=sum(lab.knowledge_shared for lab in out),
            knowledge_adopted=sum(lab.knowledge_adopted for lab in out),
            goals_met=_tally(goals, GoalMet.yes.value),
            goals_partly_met=_tally(goals, GoalMet.partly.value),
            goals_not_met=_tally(goals, GoalMet.no.value),
            goals_not_assessed=_tally(goals, None),
            overdue_sprints=[lab.code for lab in out if lab.overdue],
            decisions_needed=sum(len(found) for found in waiting.values()),
            decisions=sum(len(found) for found in decided.values()),
            measures=sum(len(found) for found in measures.values()),
            measures_signal=[m.key for found in measures.values() for m in found if m.signal],
        ),
        programme_decisions=decided.get(None, []),
        people=outcomes.names(reader, _people(out)),
        labs=out,
        knowledge_flow=knowledge.flow(session, since=since, until=until, limit=1).cells,
        participation=_participation(reader, since, until),
    )


def _participation(reader, since: date, until: date) -> ParticipationReport | None:
    """Who took part in the period's meetings; None when no meeting was held in it."""
    from lablog.queries import participation

    found = participation.participation(reader, since=since, until=until)
    return found if found.meetings_held or found.cancelled else None


def _overdue(sprint: Sprint | None, today: date) -> bool:
    """Active past its planned end: nobody closed it."""
    return sprint is not None and sprint.status == SprintStatus.active.value and sprint.ends < today


def _closed_sprints(reader, lab: Lab, goals: dict, since: date, until: date) -> outcomes.Streamed:
    """The lab's sprints closed in the period, read when the report writes the lab."""
    return outcomes.Streamed(
        sum(goals.get(lab.id, {}).values()),
        lambda: outcomes.closed_sprints(reader, lab_id=lab.id, code=lab.code, since=since, until=until),
    )


def _tally(goals: dict[int, dict[str | None, int]], answer: str | None) -> int:
    return sum(by_answer.get(answer, 0) for by_answer in goals.values())


def _people(labs: list[ProgrammeLab]) -> set[str]:
    """Every person the report mentions, by handle."""
    found: set[str] = set()
    for lab in labs:
        found.update(lab.leads, lab.co)
        found.update(h for a in lab.handovers for h in (a.handle, a.handed_over_to) if h)
        found.update(i.owner for i in lab.decisions_needed if i.owner)
    return found
