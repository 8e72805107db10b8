"""The sprint summary: everything `lablog export sprint` writes, read in a fixed number of queries."""

from __future__ import annotations

from datetime import date

from lablog.dates import iso_weeks
from lablog.enums import Answer, ItemStatus, MeasureStatus, Sector, SmRole, SprintStatus
from lablog.queries import impediment, measure, refs, reports, sprints
from lablog.queries.knowledge import key
from lablog.reader import as_date, as_float
from lablog.shapes import (
    MeasurePointRead,
    MeasureReportRow,
    SprintSummary,
    SummaryKnowledge,
    SummaryLab,
    SummaryMeasure,
    SummaryMeeting,
    SummaryOrg,
    SummaryPdsa,
    SummaryPerson,
    SummaryScrumMaster,
)

SPRINT_FORMAT = "lablog-sprint-summary/1"
# Participants are listed leg by leg, in the order the programme names them.
SECTOR_ORDER = {s.value: i for i, s in enumerate(Sector)}
VELOCITY_SPRINTS = 6


def sprint_summary(reader, *, lab: str, number: int | None, today: date) -> SprintSummary:
    """Everything a sprint summary shows; raises NotFound."""
    the_lab = refs.lab(reader, lab)
    sprint = sprints.find(reader, the_lab, number, finished=True)
    detail = sprints.detail(reader, lab=the_lab.code, number=sprint.number, today=today)
    started = sprint.status != SprintStatus.planned.value
    closed = sprint.status == SprintStatus.closed.value
    starts, ends = as_date(sprint.starts), as_date(sprint.ends)

    in_scope = [i for i in detail.items if i.removed_on is None]
    committed = detail.committed_points
    completed = as_float(sprint.completed_points) if closed else detail.done_points
    name, focus = reader.rows("SELECT name, focus FROM lab WHERE id = :lab", lab=the_lab.id)[0]
    groups = [
        g
        for (g,) in reader.rows(
            "SELECT name FROM lab_target_group WHERE lab_id = :lab ORDER BY position", lab=the_lab.id
        )
    ]
    participants = _participants(reader, the_lab.id, starts, ends)
    return SprintSummary(
        format=SPRINT_FORMAT,
        lab=SummaryLab(code=the_lab.code, name=name, focus=focus, target_groups=groups),
        organisations=sorted(o.code for o in participants),
        sprint=detail.sprint,
        weeks=iso_weeks(starts, ends),
        scrum_masters=_facilitators(reader, the_lab.id, starts, ends),
        participants=participants,
        committed=committed,
        completed=completed or 0.0,
        completion_rate=sprints.rate(completed or 0.0, committed),
        final_scope=detail.final_scope_points,
        completion_of_final_scope=sprints.rate(completed or 0.0, detail.final_scope_points),
        unestimated=detail.unestimated,
        unestimated_open=detail.unestimated_open,
        went_to=detail.went_to,
        completed_items=[i for i in in_scope if i.status == ItemStatus.done.value],
        unfinished=[i for i in in_scope if i.status != ItemStatus.done.value],
        added=[i for i in detail.items if started and not i.committed],
        removed=[i for i in detail.items if i.removed_on is not None],
        added_points=detail.added_points,
        removed_points=detail.removed_points,
        next_sprint=detail.next_sprint,
        burndown=reports.burndown(reader, lab=the_lab.code, number=sprint.number, today=today)
        if started
        else None,
        velocity=reports.velocity(reader, lab=the_lab.code, last=VELOCITY_SPRINTS, up_to=sprint.number),
        review=detail.review,
        retro=detail.retro,
        knowledge_created=_created(reader, the_lab, sprint.id, starts, ends),
        knowledge_adopted=_adopted(reader, the_lab.id, starts, ends),
        impediments=impediment.met_during(
            reader,
            lab_id=the_lab.id,
            starts=starts,
            ends=as_date(sprint.closed_on) if closed else ends,
            today=today,
        )
        if started
        else [],
        measures=[
            SummaryMeasure(
                key=m.key,
                name=m.name,
                type=m.type,
                unit=m.unit,
                better=m.better,
                period=m.period,
                target=m.target,
                baseline_until=m.baseline_until,
                status=m.status,
                retired_on=m.retired_on,
                points=m.points,
                analysis=m.analysis,
            )
            for m in measure_series(reader, lab_id=the_lab.id, active_from=starts, until=ends)
        ],
        pdsa=_pdsa(reader, the_lab.id, starts, ends),
        meetings=_meetings(reader, sprint.id),
    )


def _meetings(reader, sprint_id: int) -> list[SummaryMeeting]:
    """The sprint's planning, review and retro meetings, with those present counted per organisation."""
    from lablog.queries import meeting

    held = meeting.list_(reader, sprint_id=sprint_id)
    by_org: dict[str, dict[str, int]] = {m.key: {} for m in held}
    for a in meeting.attendance(reader, [m.number for m in held]):
        if a.present:
            by_org[a.meeting][a.org] = by_org[a.meeting].get(a.org, 0) + 1
    return [
        SummaryMeeting(
            key=m.key,
            event=m.event,
            on=m.on,
            hours=m.hours,
            cancelled_on=m.cancelled_on,
            present=m.present,
            absent=m.absent,
            by_org=dict(sorted(by_org[m.key].items())),
        )
        for m in held
    ]


class Series:
    """A measure with its points up to a day, and their runs analysis."""

    def __init__(self, row: tuple, points: list[MeasurePointRead]) -> None:
        (id_, self.lab, self.name, self.type, self.unit, self.better, self.period, target) = row[:8]
        self.baseline_until, self.status, retired_on = row[8:]
        self.retired_on = as_date(retired_on)
        self.key = measure.key(id_)
        self.target = as_float(target)
        self.points = points
        base = measure.baseline_count(points, self.baseline_until, self.period)
        values = [p.value for p in points]
        self.analysis = measure.analyse(values, better=self.better, baseline=base, key=self.key)

    def report_row(self) -> MeasureReportRow:
        """Where the measure stood on the last day read: latest value, median, target, verdict."""
        latest = self.points[-1] if self.points else None
        return MeasureReportRow(
            key=self.key,
            lab=self.lab,
            name=self.name,
            type=self.type,
            unit=self.unit,
            better=self.better,
            period=self.period,
            points=len(self.points),
            latest_period=latest.period if latest else None,
            latest_value=latest.value if latest else None,
            median=self.analysis.median,
            target=self.target,
            signal=self.analysis.signal,
            direction=self.analysis.direction,
            verdict=self.analysis.verdict,
        )


def measure_series(reader, *, lab_id: int | None, active_from: date, until: date) -> list[Series]:
    """Measures not retired before `active_from` (of one lab, or all), by lab and number,
    each with its points starting on or before `until`: two queries in all."""
    where = "(m.status = :active OR m.retired_on >= :active_from)"
    if lab_id is not None:
        where += " AND m.lab_id = :lab"
    params = {"active": MeasureStatus.active.value, "active_from": active_from, "lab": lab_id}
    rows = reader.rows(
        "SELECT m.id, lab.code, m.name, m.type, m.unit, m.better, m.period, m.target, m.baseline_until,"
        f" m.status, m.retired_on FROM measure AS m JOIN lab ON lab.id = m.lab_id WHERE {where}"
        " ORDER BY lab.code, m.id",
        **params,
    )
    if not rows:
        return []
    points: dict[int, list[MeasurePointRead]] = {}
    for measure_id, period, starts_on, value, numerator, denominator, note in reader.rows(
        "SELECT measure_id, period, starts_on, value, numerator, denominator, note FROM measure_point"
        " WHERE measure_id IN :ids AND starts_on <= :until ORDER BY measure_id, starts_on",
        ids=[row[0] for row in rows],
        until=until,
    ):
        points.setdefault(measure_id, []).append(
            MeasurePointRead(
                period=period,
                starts_on=as_date(starts_on),
                value=as_float(value),
                numerator=as_float(numerator),
                denominator=as_float(denominator),
                note=note,
            )
        )
    return [Series(row, points.get(row[0], [])) for row in rows]


def _pdsa(reader, lab_id: int, starts: date, ends: date) -> list[SummaryPdsa]:
    """Cycles planned by the sprint's end and not acted on before it began, as they stood at its end."""
    out = []
    for id_, title, measure_id, code, number, planned_on, do_on, study_on, act_on, decision in reader.rows(
        "SELECT pdsa.id, pdsa.title, pdsa.measure_id, lab.code, backlog_item.number, pdsa.planned_on,"
        " pdsa.do_on, pdsa.study_on, pdsa.act_on, pdsa.decision FROM pdsa"
        " LEFT JOIN backlog_item ON backlog_item.id = pdsa.item_id"
        " LEFT JOIN lab ON lab.id = backlog_item.lab_id"
        " WHERE pdsa.lab_id = :lab AND pdsa.planned_on <= :ends"
        " AND (pdsa.act_on IS NULL OR pdsa.act_on >= :starts) ORDER BY pdsa.id",
        lab=lab_id,
        starts=starts,
        ends=ends,
    ):
        # Only the steps taken by the sprint's end: a summary of an old sprint does not change.
        steps = {
            stage: on if on is not None and on <= ends else None
            for stage, on in (("do", as_date(do_on)), ("study", as_date(study_on)), ("act", as_date(act_on)))
        }
        stage = next((name for name in ("act", "study", "do") if steps[name]), "plan")
        out.append(
            SummaryPdsa(
                key=f"P-{id_}",
                title=title,
                measure=measure.key(measure_id) if measure_id is not None else None,
                item=f"{code}-{number}" if number is not None else None,
                stage=stage,
                decision=decision if steps["act"] else None,
                planned_on=as_date(planned_on),
                do_on=steps["do"],
                study_on=steps["study"],
                act_on=steps["act"],
            )
        )
    return out


def _facilitators(reader, lab_id: int, starts: date, ends: date) -> list[SummaryScrumMaster]:
    """Scrum masters whose assignment overlaps the sprint's dates, leads first."""
    out = [
        SummaryScrumMaster(handle=handle, name=name, org=org, role=role, starts=since, ends=until)
        for handle, name, org, role, since, until in reader.rows(
            "SELECT person.handle, person.name, organisation.code, sm_assignment.role,"
            " sm_assignment.starts, sm_assignment.ends FROM sm_assignment"
            " JOIN person ON person.id = sm_assignment.person_id"
            " JOIN organisation ON organisation.id = person.organisation_id"
            " WHERE sm_assignment.lab_id = :lab AND sm_assignment.starts <= :ends"
            " AND (sm_assignment.ends IS NULL OR sm_assignment.ends >= :starts)",
            lab=lab_id,
            starts=starts,
            ends=ends,
        )
    ]
    return sorted(out, key=lambda m: (m.role != SmRole.lead.value, m.starts, m.handle))


def _participants(reader, lab_id: int, starts: date, ends: date) -> list[SummaryOrg]:
    """The lab's members during the sprint, by organisation (municipalities, hospital, GPs)."""
    orgs: dict[str, tuple[tuple[str, str, str], dict[str, SummaryPerson]]] = {}
    for handle, name, role, code, org_name, sector in reader.rows(
        "SELECT person.handle, person.name, lab_member.role, organisation.code, organisation.name,"
        " organisation.sector FROM lab_member JOIN person ON person.id = lab_member.person_id"
        " JOIN organisation ON organisation.id = person.organisation_id"
        " WHERE lab_member.lab_id = :lab AND lab_member.joined_on <= :ends"
        " AND (lab_member.left_on IS NULL OR lab_member.left_on >= :starts) ORDER BY lab_member.id",
        lab=lab_id,
        starts=starts,
        ends=ends,
    ):
        people = orgs.setdefault(code, ((code, org_name, sector), {}))[1]
        # Someone who changed role mid-sprint has two rows; the later role counts.
        people[handle] = SummaryPerson(handle=handle, name=name, role=role)
    ordered = sorted(orgs.values(), key=lambda op: (SECTOR_ORDER.get(op[0][2], 99), op[0][0]))
    return [
        SummaryOrg(
            code=code,
            name=org_name,
            sector=sector,
            people=sorted(people.values(), key=lambda p: (p.name, p.handle)),
        )
        for (code, org_name, sector), people in ordered
    ]


def _created(reader, lab: refs.LabRef, sprint_id: int, starts: date, ends: date) -> list[SummaryKnowledge]:
    """Entries the lab recorded for the sprint or during its dates."""
    # Two short index reads, the sprint's entries and the lab's entries of its dates;
    # written as one OR, SQLite read all the lab's knowledge and tested each entry.
    # An entry only ever names a sprint of its own lab; checking keeps this exact regardless.
    found = reader.rows(
        "SELECT knowledge_entry.id, knowledge_entry.title, knowledge_entry.kind, knowledge_entry.created_on,"
        " knowledge_entry.lab_id FROM knowledge_entry WHERE knowledge_entry.id IN"
        " (SELECT id FROM knowledge_entry WHERE sprint_id = :sprint"
        " UNION SELECT id FROM knowledge_entry WHERE lab_id = :lab"
        " AND created_on >= :starts AND created_on <= :ends)"
        " ORDER BY knowledge_entry.id",
        lab=lab.id,
        sprint=sprint_id,
        starts=starts,
        ends=ends,
    )
    rows = [row[:4] for row in found if row[4] == lab.id]
    if not rows:
        return []
    shared: dict[int, list[str]] = {}
    for entry_id, shared_with in reader.rows(
        "SELECT knowledge_share.entry_id, lab.code FROM knowledge_share"
        " JOIN lab ON lab.id = knowledge_share.lab_id WHERE knowledge_share.entry_id IN :ids",
        ids=[r[0] for r in rows],
    ):
        shared.setdefault(entry_id, []).append(shared_with)
    return [
        SummaryKnowledge(
            key=key(entry_id),
            title=title,
            kind=kind,
            lab=lab.code,
            on=created_on,
            shared_with=sorted(shared.get(entry_id, [])),
        )
        for entry_id, title, kind, created_on in rows
    ]


def _adopted(reader, lab_id: int, starts: date, ends: date) -> list[SummaryKnowledge]:
    """Entries from other labs that this lab marked adopted during the sprint."""
    seen: dict[int, SummaryKnowledge] = {}
    for entry_id, title, kind, source, on, note in reader.rows(
        "SELECT knowledge_entry.id, knowledge_entry.title, knowledge_entry.kind, lab.code,"
        ' knowledge_answer."on", knowledge_answer.note FROM knowledge_answer'
        " JOIN knowledge_entry ON knowledge_entry.id = knowledge_answer.entry_id"
        " JOIN lab ON lab.id = knowledge_entry.lab_id"
        " WHERE knowledge_answer.lab_id = :lab AND knowledge_answer.status = :adopted"
        ' AND knowledge_answer."on" >= :starts AND knowledge_answer."on" <= :ends'
        ' ORDER BY knowledge_answer."on", knowledge_answer.id',
        lab=lab_id,
        adopted=Answer.adopted.value,
        starts=starts,
        ends=ends,
    ):
        seen.setdefault(
            entry_id,
            SummaryKnowledge(key=key(entry_id), title=title, kind=kind, lab=source, on=on, note=note),
        )
    return list(seen.values())
