"""The sprint summary: everything `lablog export sprint` writes, read in a fixed number of queries."""

from __future__ import annotations

from datetime import date

from lablog.dates import iso_weeks
from lablog.enums import Answer, ItemStatus, Sector, SmRole, SprintStatus
from lablog.queries import impediment, refs, reports, sprints
from lablog.queries.knowledge import key
from lablog.reader import as_date, as_float
from lablog.shapes import (
    SprintSummary,
    SummaryKnowledge,
    SummaryLab,
    SummaryOrg,
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
    )


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
