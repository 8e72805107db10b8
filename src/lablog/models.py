"""The tables: one SQLModel class per table. What commands show is in lablog.shapes."""

import unicodedata
from datetime import UTC, date, datetime

from sqlalchemy import Index, MetaData, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Named constraints let batch migrations drop them by name on SQLite and PostgreSQL.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _versioned():
    """Mapper arguments that make `version` the row's optimistic-concurrency counter."""
    return declared_attr(lambda cls: {"version_id_col": cls.__table__.c.version})


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    name: str
    sector: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    handle: str = Field(unique=True, max_length=64)
    name: str
    # Optional: some GPs are reached through the practice coordinator only.
    email: str | None = Field(default=None, unique=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Lab(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=10)
    name: str
    focus: str | None = None
    start_date: date | None = None
    # A closed lab keeps its history but takes no new work.
    closed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # The number the lab's next backlog item gets: keys are never reused.
    next_item_number: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class LabTargetGroup(SQLModel, table=True):
    __tablename__ = "lab_target_group"
    __table_args__ = (UniqueConstraint("lab_id", "name", name="uq_lab_target_group_lab_name"),)

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id", index=True)
    name: str
    position: int = 0


class LabMember(SQLModel, table=True):
    """One stretch of membership; leaving sets left_on, so the history stays."""

    __tablename__ = "lab_member"

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(max_length=20)
    joined_on: date
    left_on: date | None = None


class SmAssignment(SQLModel, table=True):
    """Who facilitates a lab, from when to when. Rows are ended, never deleted."""

    __tablename__ = "sm_assignment"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    lab_id: int = Field(foreign_key="lab.id", index=True)
    role: str = Field(max_length=10)
    starts: date
    ends: date | None = None
    # ended / handover / role-change / lab-closed: how the stretch ended.
    end_reason: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Sprint(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("lab_id", "number", name="uq_sprint_lab_number"),)
    # Optimistic concurrency: every UPDATE checks and bumps `version`, so a write
    # based on a stale read fails (StaleDataError -> Conflict, exit 3) instead of
    # silently overwriting someone else's change.
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id", index=True)
    number: int
    goal: str | None = None
    starts: date
    ends: date
    # planned -> active -> closed
    status: str = Field(default="planned", max_length=10)
    started_on: date | None = None
    closed_on: date | None = None
    # The steering group asks whether the goal was met and what it changed.
    goal_met: str | None = Field(default=None, max_length=10)
    outcome: str | None = None
    carry_over: str | None = Field(default=None, max_length=10)
    # Set when goal met / outcome were given or changed after the close (`sprint
    # assess`): the steering group sees the assessment came later, and from whom.
    assessed_at: datetime | None = None
    assessed_by: str | None = Field(default=None, max_length=64)
    # Frozen when the sprint starts and closes; later item edits don't touch them.
    committed_points: float | None = None
    completed_points: float | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class BacklogItem(SQLModel, table=True):
    __tablename__ = "backlog_item"
    __table_args__ = (
        UniqueConstraint("lab_id", "number", name="uq_backlog_item_lab_number"),
        # backlog list: a lab's items in rank order, filtered by status.
        Index("ix_backlog_item_lab_status_rank", "lab_id", "status", "rank"),
        Index("ix_backlog_item_lab_rank", "lab_id", "rank"),
    )
    # Checked and bumped on every UPDATE, as for Sprint.
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id")
    number: int
    title: str
    description: str | None = None
    type: str = Field(default="story", max_length=12)
    points: float | None = None
    status: str = Field(default="todo", max_length=10)
    # A fractional index (base 36): moving an item rewrites only its own rank.
    rank: str = Field(max_length=255)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    # For retro actions: the sprint whose retrospective asked for it.
    origin_sprint_id: int | None = Field(default=None, foreign_key="sprint.id")
    done_on: date | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ItemTag(SQLModel, table=True):
    __tablename__ = "item_tag"
    __table_args__ = (UniqueConstraint("item_id", "tag", name="uq_item_tag_item_tag"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="backlog_item.id")
    tag: str = Field(index=True, max_length=64)


class ItemEvent(SQLModel, table=True):
    """A dated change to an item; burndown and velocity are computed from these."""

    __tablename__ = "item_event"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="backlog_item.id", index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    # created / status / points / sprint-added / sprint-removed / edited
    kind: str = Field(max_length=20)
    # The day the change happened on the board (--on), which may be before it was typed.
    on: date
    old_value: str | None = None
    new_value: str | None = None
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class SprintItem(SQLModel, table=True):
    """An item's stay in a sprint: when it came in, left, and how it ended (frozen at close)."""

    __tablename__ = "sprint_item"

    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", index=True)
    item_id: int = Field(foreign_key="backlog_item.id", index=True)
    # In the sprint when it started: part of the commitment.
    committed: bool = False
    committed_points: float | None = None
    added_on: date
    removed_on: date | None = None
    # Frozen at close: done / carried-over / returned / dropped.
    disposition: str | None = Field(default=None, max_length=16)
    final_title: str | None = None
    final_points: float | None = None
    final_status: str | None = Field(default=None, max_length=10)
    # The item's place on the board when the sprint closed: re-ranking the
    # backlog later must not reorder a closed sprint's record.
    position: int | None = None


class SprintNote(SQLModel, table=True):
    """Review notes and retrospective lines (went-well / improve / action)."""

    __tablename__ = "sprint_note"

    id: int | None = Field(default=None, primary_key=True)
    sprint_id: int = Field(foreign_key="sprint.id", index=True)
    kind: str = Field(max_length=12)
    text: str
    # For an action: the backlog item it became.
    item_id: int | None = Field(default=None, foreign_key="backlog_item.id")
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class KnowledgeEntry(SQLModel, table=True):
    """A learning, model, method, result or risk one lab records for the others.

    The id is the entry's number (K-17); AUTOINCREMENT on SQLite so a deleted
    entry's number is never handed out again.
    """

    __tablename__ = "knowledge_entry"
    # A lab's entries by day: `knowledge list --lab` newest first, a sprint's dates.
    __table_args__ = (
        Index("ix_knowledge_entry_lab_created_on", "lab_id", "created_on"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id")
    title: str
    # Markdown; may be long.
    body: str = Field(default="", sa_column_kwargs={"server_default": ""})
    kind: str = Field(default="learning", max_length=12)
    # The tags joined by spaces, kept with the entry so that the store's
    # full-text index (FTS5 triggers, a PostgreSQL expression index) sees them.
    tags_text: str = Field(default="", sa_column_kwargs={"server_default": ""})
    author_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="backlog_item.id", index=True)
    created_on: date = Field(index=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class KnowledgeTag(SQLModel, table=True):
    __tablename__ = "knowledge_tag"
    __table_args__ = (
        UniqueConstraint("entry_id", "tag", name="uq_knowledge_tag_entry_tag"),
        # knowledge list --tag: a tag's entries newest first, without reading them all.
        Index("ix_knowledge_tag_tag_created_on", "tag", "created_on", "entry_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="knowledge_entry.id")
    tag: str = Field(max_length=64)
    # The entry's created_on (which never changes), so the index above holds the list's order.
    created_on: date


class KnowledgeRevision(SQLModel, table=True):
    """What an entry said before an edit: nothing a lab wrote is silently lost."""

    __tablename__ = "knowledge_revision"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="knowledge_entry.id", index=True)
    # The version these old values were.
    version: int
    title: str
    body: str
    kind: str = Field(max_length=12)
    tags_text: str
    actor: str | None = Field(default=None, max_length=64)
    changed_at: datetime = Field(default_factory=utcnow)


class KnowledgeShare(SQLModel, table=True):
    """An entry offered to a receiving lab; sharing again changes nothing."""

    __tablename__ = "knowledge_share"
    __table_args__ = (
        UniqueConstraint("entry_id", "lab_id", name="uq_knowledge_share_entry_lab"),
        # inbox: what was shared with a lab, newest first.
        Index("ix_knowledge_share_lab_shared_on", "lab_id", "shared_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="knowledge_entry.id")
    lab_id: int = Field(foreign_key="lab.id")
    shared_on: date
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class KnowledgeAnswer(SQLModel, table=True):
    """A receiving lab's answer (trying / adopted / declined); every answer is a row, the latest counts."""

    __tablename__ = "knowledge_answer"
    __table_args__ = (
        # A share's answers in order: its latest is one seek (knowledge-flow, inbox).
        Index("ix_knowledge_answer_entry_lab_on", "entry_id", "lab_id", "on"),
        # A lab's answers by day: what it adopted during a sprint.
        Index("ix_knowledge_answer_lab_on", "lab_id", "on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="knowledge_entry.id")
    lab_id: int = Field(foreign_key="lab.id")
    status: str = Field(max_length=10)
    note: str | None = None
    on: date
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Impediment(SQLModel, table=True):
    """What blocks a lab, and at which level someone must act (lab, network, steering group).

    The id is its number (I-4); AUTOINCREMENT on SQLite so a number is never reused.
    """

    __table_args__ = (
        # impediment list --lab --open, oldest first.
        Index("ix_impediment_lab_status_opened_on", "lab_id", "status", "opened_on"),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id")
    text: str
    # The backlog item it blocks, shown as blocked on the board.
    item_id: int | None = Field(default=None, foreign_key="backlog_item.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # lab -> network -> steering-group: who must act now.
    level: str = Field(default="lab", max_length=16)
    # open / resolved
    status: str = Field(default="open", max_length=10)
    opened_on: date
    resolved_on: date | None = None
    resolution: str | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class ImpedimentStep(SQLModel, table=True):
    """One escalation or the resolution: the history of who was asked to act, and when."""

    __tablename__ = "impediment_step"

    id: int | None = Field(default=None, primary_key=True)
    impediment_id: int = Field(foreign_key="impediment.id", index=True)
    # escalated / resolved
    kind: str = Field(max_length=10)
    from_level: str = Field(max_length=16)
    to_level: str | None = Field(default=None, max_length=16)
    on: date
    note: str | None = None
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Decision(SQLModel, table=True):
    """What the steering group, the scrum-master network or a lab decided, and when."""

    __table_args__ = (Index("ix_decision_on", "on"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    text: str
    # steering-group / network / lab (then lab_id says which).
    by: str = Field(max_length=16)
    lab_id: int | None = Field(default=None, foreign_key="lab.id", index=True)
    on: date
    # The impediment this decision resolves (and closed).
    impediment_id: int | None = Field(default=None, foreign_key="impediment.id", index=True)
    # The meeting it was taken at: the meeting's minutes list it.
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    actor: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Measure(SQLModel, table=True):
    """What a lab measures to know whether the pathway improved: a series over weeks or months.

    The id is its number (M-3); AUTOINCREMENT on SQLite so a number is never reused.
    """

    __table_args__ = (
        Index("ix_measure_lab_status", "lab_id", "status"),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id")
    name: str
    # outcome / process / balancing (the Model for Improvement's families of measures).
    type: str = Field(max_length=10)
    unit: str = Field(max_length=40)
    # up / down: which way is better, so a shift can be called an improvement.
    better: str = Field(max_length=4)
    # week / month: what a data point's period is (2026-W45, 2026-11).
    period: str = Field(max_length=5)
    target: float | None = None
    description: str | None = None
    # The last period of the baseline: its median is frozen and later points are judged against it.
    baseline_until: str | None = Field(default=None, max_length=8)
    # active / retired
    status: str = Field(default="active", max_length=8)
    retired_on: date | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class MeasurePoint(SQLModel, table=True):
    """One period's value of a measure; recording the period again replaces it (the log keeps the old)."""

    __tablename__ = "measure_point"
    __table_args__ = (
        UniqueConstraint("measure_id", "period", name="uq_measure_point_measure_id_period"),
        # A lab's points between two dates: the sprint summary's measures.
        Index("ix_measure_point_measure_starts_on", "measure_id", "starts_on"),
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id")
    # 2026-W45 or 2026-11, as the measure's period says; starts_on is its first day.
    period: str = Field(max_length=8)
    starts_on: date
    value: float
    # A proportion's parts (the value is numerator / denominator): the p-chart's limits need them.
    numerator: float | None = None
    denominator: float | None = None
    # An annotation shown on the chart ("new discharge call started").
    note: str | None = None
    actor: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class Pdsa(SQLModel, table=True):
    """A Plan-Do-Study-Act cycle: one change tested against a prediction.

    The id is its number (P-2); `after_id` chains an adapted cycle to the next.
    """

    __table_args__ = (
        Index("ix_pdsa_lab_stage", "lab_id", "stage"),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="lab.id")
    title: str
    plan: str
    prediction: str
    measure_id: int | None = Field(default=None, foreign_key="measure.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="backlog_item.id", index=True)
    after_id: int | None = Field(default=None, foreign_key="pdsa.id", index=True)
    # plan -> do -> study -> act (the stage reached; act is the last).
    stage: str = Field(default="plan", max_length=6)
    planned_on: date
    do_on: date | None = None
    do_note: str | None = None
    study_on: date | None = None
    study_note: str | None = None
    act_on: date | None = None
    # adopt / adapt / abandon
    decision: str | None = Field(default=None, max_length=8)
    act_note: str | None = None
    # The knowledge entry an adopted change was shared as (`pdsa act … adopt --share`).
    knowledge_id: int | None = Field(default=None, foreign_key="knowledge_entry.id", index=True)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class Meeting(SQLModel, table=True):
    """A steering-group, lab, theme, network or other meeting: when, how long, where.

    The id is its number (MT-3); AUTOINCREMENT on SQLite so a number is never reused.
    """

    __table_args__ = (
        Index("ix_meeting_held_on", "held_on"),
        Index("ix_meeting_lab_held_on", "lab_id", "held_on"),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    # steering-group / lab / theme / network / other
    kind: str = Field(max_length=16)
    title: str
    held_on: date
    lab_id: int | None = Field(default=None, foreign_key="lab.id")
    # The meeting's length in whole minutes: exact sums for the honorarium claim,
    # and the default of each attendee's time.
    minutes: int
    # HH:MM when given with --from/--to; the minutes are kept either way.
    starts_at: str | None = Field(default=None, max_length=5)
    ends_at: str | None = Field(default=None, max_length=5)
    place: str | None = None
    # The sprint event a lab meeting was held for: planning / review / retro.
    sprint_id: int | None = Field(default=None, foreign_key="sprint.id", index=True)
    event: str | None = Field(default=None, max_length=10)
    # Agenda and minutes, Markdown.
    notes: str | None = None
    cancelled_on: date | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


class Attendance(SQLModel, table=True):
    """One person at one meeting: present (with role and minutes) or absent (with a note)."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_attendance_meeting_person"),
        Index("ix_attendance_person", "person_id"),
    )
    __mapper_args__ = _versioned()

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    person_id: int = Field(foreign_key="person.id")
    # The person's organisation on the day of the meeting: someone who changes
    # organisation mid-year is counted (and claimed for) by the right one in each period.
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    present: bool = True
    # chair / participant / guest
    role: str = Field(default="participant", max_length=12)
    # Time claimed; 0 when absent.
    minutes: int = 0
    note: str | None = None
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)


def actor_key(actor: str) -> str:
    """The actor as `log --actor` matches it: in any case, æøå included.

    Folded here rather than with the database's lower(), which on SQLite folds
    ASCII only. NFC first, so "Å" typed as A plus a combining ring matches too.
    Cut to the column's length, as casefold can lengthen ("ß" -> "ss").
    """
    return unicodedata.normalize("NFC", actor.strip()).casefold()[:64]


class ChangeLog(SQLModel, table=True):
    """Who changed what and when: one row per inserted, updated or deleted row.

    Written by lablog.changelog from the session's flush, so every service is
    covered without logging code of its own.
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_lab_at", "lab", "at"),
        Index("ix_change_log_actor_key_at", "actor_key", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # When it was saved (UTC), not the --on day the change happened on the board.
    at: datetime = Field(default_factory=utcnow, index=True)
    # --as, LABLOG_USER, the config file's user or the OS user: a shared store has many.
    actor: str = Field(max_length=64)
    # actor_key(actor): `log --actor` finds an actor in any case.
    actor_key: str = Field(max_length=64)
    # The table, e.g. backlog_item, and the row as users name it, e.g. HJBH-12.
    entity: str = Field(max_length=32)
    key: str = Field(max_length=160)
    # insert / update / delete
    action: str = Field(max_length=8)
    # The lab the row belongs to, when it belongs to one: `lablog log --lab`.
    lab: str | None = Field(default=None, max_length=10)
    # JSON: the new row's values, an update's {column: [old, new]}, a deleted row's
    # key fields (never its text: deleting something must not keep it in the log).
    changes: str | None = None
    # The database role that made the change (PostgreSQL's session_user): the actor
    # above is only what --as or LABLOG_USER claimed. NULL on SQLite, which has no roles.
    db_user: str | None = Field(default=None, max_length=64)
