"""The shapes the rest of lablog sees: what renderers, templates and --json get.

Frozen records with no table behind them, so a command that only reads can
build them without importing SQLAlchemy, SQLModel or pydantic. Declaring one is
declaring a dataclass: typed fields in order, defaults last. They are not
dataclasses because a dataclass compiles its methods per class: 54 of them cost
more at startup (~30 ms) than the rest of `lablog lab list`'s own work.

A field keeps its declared type: a float field holds a float even when the
database summed integers, and a date field read as ISO text from SQLite holds
a date. --json writes the fields in the order they are declared (to_jsonable).
"""

from datetime import date, datetime
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin


def _kind(annotation: Any) -> str | None:
    """How a field's value is brought to its declared type, if it may arrive as another."""
    if get_origin(annotation) in (Union, UnionType):
        kinds = {_kind(a) for a in get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if annotation is float:
        return "float"
    if annotation is datetime:
        return "datetime"
    if annotation is date:
        return "date"
    if get_origin(annotation) is list and get_args(annotation) == (float,):
        return "floats"
    return None


def _coerced(kind: str | None, value: Any) -> Any:
    if value is None or kind is None:
        return value
    if kind == "float":
        return value if type(value) is float else float(value)
    if kind == "floats":
        return [v if type(v) is float else float(v) for v in value]
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if kind == "datetime" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


_MISSING = object()


class ReadModel:
    """The base of every shape: keyword-only, frozen, compared field by field."""

    _fields: tuple[tuple[str, str | None, Any], ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        found: dict[str, tuple[str, str | None, Any]] = {}
        for klass in reversed(cls.__mro__):
            for name, annotation in vars(klass).get("__annotations__", {}).items():
                if not name.startswith("_"):
                    found[name] = (name, _kind(annotation), vars(klass).get(name, _MISSING))
        cls._fields = tuple(found.values())

    def __init__(self, **values: Any) -> None:
        for name, kind, default in self._fields:
            value = values.pop(name, default)
            if value is _MISSING:
                raise TypeError(f"{type(self).__name__} needs {name}")
            if type(value) is list and value is default:
                value = []
            object.__setattr__(self, name, _coerced(kind, value))
        if values:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(values)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name, _, _ in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name, _, _ in self._fields)
        return f"{type(self).__name__}({inner})"

    def replace(self, **changes: Any):
        """A copy with some fields changed."""
        return type(self)(**{name: getattr(self, name) for name, _, _ in self._fields} | changes)


def to_jsonable(data: Any) -> Any:
    """Shapes, lists and dicts as JSON values: dates in ISO 8601, UTC times ending in Z."""
    if isinstance(data, list | tuple):
        return [to_jsonable(d) for d in data]
    if isinstance(data, dict):
        return {k: to_jsonable(v) for k, v in data.items()}
    if isinstance(data, ReadModel):
        return {name: to_jsonable(getattr(data, name)) for name, _, _ in data._fields}
    if isinstance(data, datetime):
        text = data.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(data, date):
        return data.isoformat()
    if isinstance(data, Decimal):
        return float(data)
    return data


class OrgRead(ReadModel):
    code: str
    name: str
    sector: str
    people: int


class PersonRead(ReadModel):
    handle: str
    name: str
    email: str | None
    org: str
    org_name: str
    sector: str


class MemberRead(ReadModel):
    handle: str
    name: str
    org: str
    sector: str
    role: str
    joined_on: date
    left_on: date | None


class AssignmentRead(ReadModel):
    lab: str
    lab_name: str
    handle: str
    name: str
    org: str
    role: str
    starts: date
    ends: date | None
    end_reason: str | None
    # The lead who took over when this stretch ended in a handover.
    handed_over_to: str | None = None


class CoverageRead(ReadModel):
    municipality: list[str]
    hospital: list[str]
    general_practice: list[str]
    missing: list[str]


class LabRead(ReadModel):
    code: str
    name: str
    focus: str | None
    target_groups: list[str]
    start_date: date | None
    closed_on: date | None
    status: str
    members: int
    leads: list[str]
    missing_legs: list[str]
    # The active sprint's number; whether it is past its end date, and by how many days.
    active_sprint: int | None
    sprint_overdue: bool
    sprint_overdue_days: int | None


class LabDetail(ReadModel):
    lab: LabRead
    members: list[MemberRead]
    coverage: CoverageRead
    scrum_masters: list[AssignmentRead]
    past_members: list[MemberRead]


class MembershipRead(ReadModel):
    lab: str
    lab_name: str
    role: str
    joined_on: date
    left_on: date | None


class PersonDetail(ReadModel):
    person: PersonRead
    memberships: list[MembershipRead]
    scrum_master_history: list[AssignmentRead]


class OrgDetail(ReadModel):
    org: OrgRead
    people: list[PersonRead]


class NetworkLab(ReadModel):
    lab: str
    role: str
    since: date


class NetworkMember(ReadModel):
    handle: str
    name: str
    org: str
    sector: str
    labs: list[NetworkLab]


class NetworkRead(ReadModel):
    at: date
    scrum_masters: list[NetworkMember]
    labs_without_lead: list[str]
    sectors: dict[str, int]


class AssignResult(ReadModel):
    assignment: AssignmentRead
    # The lead whose stretch this assignment ended, when it was a handover.
    previous_lead: AssignmentRead | None = None
    # The same person's earlier stretch, when their role changed.
    previous_role: AssignmentRead | None = None


class ChangeRead(ReadModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    key: str
    lab: str | None
    changes: dict
    # The database role that saved it, on PostgreSQL; None on SQLite.
    db_user: str | None = None
    # What happened, as a sentence ("status todo → doing"); filled in for `log`.
    summary: str = ""


class FindingRead(ReadModel):
    """Something personal in the store (`privacy scan`): where it is, and what (masked)."""

    # cpr-number / email / person-email (a person's own address, expected) / control-character
    kind: str
    # As shown: a CPR-like number with its last four digits hidden, a control character as U+001B.
    value: str
    # The row as users name it (HJBH-12, K-3, change log #812), its table and column.
    ref: str
    table: str
    column: str
    id: int | None = None


class RedactionRead(ReadModel):
    # How many values (a column of a row, or a value inside a log entry's changes) changed,
    # in how many rows.
    places: int
    rows: int


class NoteRead(ReadModel):
    """A review note or retrospective line, with the id `sprint note edit` takes."""

    id: int
    lab: str
    sprint: int
    kind: str
    text: str
    # For an action: the backlog item it became.
    item: str | None
    actor: str | None
    created_at: datetime


class MemberResult(ReadModel):
    lab: str
    member: MemberRead
    # For an add: the role they had before, when the add changed it.
    previous_role: str | None = None


class ItemRead(ReadModel):
    key: str
    lab: str
    number: int
    title: str
    description: str | None
    type: str
    points: float | None
    status: str
    rank: str
    owner: str | None
    tags: list[str]
    sprint: int | None
    origin_sprint: int | None
    done_on: date | None
    created_at: datetime


class EventRead(ReadModel):
    on: date
    kind: str
    old: str | None
    new: str | None
    sprint: int | None
    actor: str | None
    at: datetime


class ItemDetail(ReadModel):
    item: ItemRead
    history: list[EventRead]
    # The open impediments that block it (I-3).
    blocked_by: list[str] = []


class SprintRead(ReadModel):
    lab: str
    number: int
    goal: str | None
    starts: date
    ends: date
    start_week: str
    end_week: str
    status: str
    started_on: date | None
    closed_on: date | None
    goal_met: str | None
    outcome: str | None
    # Set when the assessment was added or changed after the close (`sprint assess`).
    assessed_at: datetime | None
    assessed_by: str | None
    carry_over: str | None
    committed_points: float | None
    completed_points: float | None
    days_left: int | None
    # Active and past its end date: by how many days (None when not overdue).
    overdue: bool
    overdue_days: int | None


class SprintItemRead(ReadModel):
    key: str
    title: str
    type: str
    points: float | None
    status: str
    owner: str | None
    # In the sprint when it started (part of the commitment) or added later.
    committed: bool
    committed_points: float | None
    added_on: date
    removed_on: date | None
    # Set when the sprint closes: done / carried-over / returned / dropped.
    disposition: str | None
    # The open impediments that block it (I-3); shown on the board of a sprint not yet closed.
    blocked_by: list[str] = []


class RetroAction(ReadModel):
    text: str
    # The backlog item the action became.
    key: str | None


class RetroRead(ReadModel):
    went_well: list[str]
    improve: list[str]
    actions: list[RetroAction]


class SprintDetail(ReadModel):
    sprint: SprintRead
    items: list[SprintItemRead]
    committed_points: float
    done_points: float
    remaining_points: float
    added_points: float
    removed_points: float
    review: list[str]
    retro: RetroRead
    # For a closed sprint with carry-over into the next: that sprint's number.
    next_sprint: int | None = None
    # committed + added - removed: the scope the sprint ended with.
    final_scope_points: float = 0.0
    # done / committed and done / final scope, 0..1; None when there was nothing.
    completion_rate: float | None = None
    completion_of_final_scope: float | None = None
    # Keys of items in scope without points (they count in no total), and those not done.
    unestimated: list[str] = []
    unestimated_open: list[str] = []
    # A closed sprint's carried-over items: key -> the sprint they are in now.
    went_to: dict[str, int] = {}


class VelocityRow(ReadModel):
    number: int
    starts: date
    ends: date
    goal_met: str | None
    committed: float
    completed: float
    # The sprint's planned length, and completed points per week of it.
    weeks: float = 0.0
    per_week: float | None = None


class VelocityRead(ReadModel):
    lab: str
    sprints: list[VelocityRow]
    mean: float | None
    min: float | None
    max: float | None
    mean_committed: float | None
    completion_rate: float | None
    # Completed points per sprint week, over the sprints' weeks: sprints of any length compare.
    mean_per_week: float | None = None
    # Keys of items in these sprints' final scope that had no points: in no total above.
    unestimated: list[str] = []


class BurndownDay(ReadModel):
    day: date
    week: str
    remaining: float | None
    ideal: float


class BurndownRead(ReadModel):
    lab: str
    sprint: int
    goal: str | None
    committed: float
    days: list[BurndownDay]


class KnowledgeRead(ReadModel):
    key: str
    number: int
    lab: str
    title: str
    kind: str
    tags: list[str]
    author: str | None
    sprint: int | None
    item: str | None
    created_on: date
    version: int
    shared_with: list[str]
    adopted_by: list[str]


class ShareStatusRead(ReadModel):
    """Where an entry stands in one receiving lab."""

    lab: str
    shared_on: date
    # shared (no answer yet) / trying / adopted / declined
    status: str
    since: date
    note: str | None


class AnswerRead(ReadModel):
    lab: str
    status: str
    on: date
    note: str | None
    actor: str | None


class RevisionRead(ReadModel):
    version: int
    title: str
    kind: str
    tags: list[str]
    actor: str | None
    changed_at: datetime


class KnowledgeDetail(ReadModel):
    entry: KnowledgeRead
    lab_name: str
    author_name: str | None
    body: str
    sharing: list[ShareStatusRead]
    answers: list[AnswerRead]
    revisions: list[RevisionRead]
    # The PDSA cycle whose adopted change this entry shares (P-3), if any.
    pdsa: str | None = None


class ShareResult(ReadModel):
    key: str
    lab: str
    shared_with: list[str]
    already_shared: list[str]


class AnswerResult(ReadModel):
    key: str
    lab: str
    status: str
    previous: str | None
    on: date


class InboxRead(ReadModel):
    key: str
    from_lab: str
    title: str
    kind: str
    tags: list[str]
    shared_on: date


class SearchHit(ReadModel):
    key: str
    lab: str
    title: str
    kind: str
    tags: list[str]
    created_on: date
    # The best passage, matched terms in [brackets].
    snippet: str
    score: float


class FlowCell(ReadModel):
    source: str
    target: str
    shared: int
    trying: int
    adopted: int
    declined: int


class FlowRead(ReadModel):
    since: date | None
    until: date | None
    labs: list[str]
    cells: list[FlowCell]
    # Every entry recorded or shared in the period that no lab had adopted by its
    # end; not_adopted lists the newest of them (`--limit`, all with 0).
    not_adopted_count: int
    not_adopted: list[KnowledgeRead]
    labs_sharing_nothing: list[str]


class DigestShared(ReadModel):
    key: str
    title: str
    kind: str
    to: list[str]


class DigestAnswer(ReadModel):
    key: str
    title: str
    from_lab: str
    status: str
    on: date
    note: str | None


class DigestLab(ReadModel):
    lab: str
    name: str
    shared: list[DigestShared]
    answers: list[DigestAnswer]


class DigestRead(ReadModel):
    since: date
    until: date
    labs: list[DigestLab]


# Sprint summaries and the programme report --------------------------------------
# What `lablog export sprint|programme` and their templates see (docs/templates.md).


class SummaryLab(ReadModel):
    code: str
    name: str
    focus: str | None
    target_groups: list[str]


class SummaryPerson(ReadModel):
    handle: str
    name: str
    role: str


class SummaryOrg(ReadModel):
    """An organisation taking part, with the lab members from it."""

    code: str
    name: str
    sector: str
    people: list[SummaryPerson]


class SummaryScrumMaster(ReadModel):
    handle: str
    name: str
    org: str
    role: str
    starts: date
    ends: date | None


class SummaryKnowledge(ReadModel):
    key: str
    title: str
    kind: str
    # The lab that recorded it.
    lab: str
    on: date
    shared_with: list[str] = []
    note: str | None = None


class ImpedimentStepRead(ReadModel):
    """One line of an impediment's history: an escalation or the resolution."""

    kind: str
    from_level: str
    to_level: str | None
    on: date
    note: str | None
    actor: str | None


class ImpedimentRead(ReadModel):
    key: str
    number: int
    lab: str
    text: str
    item: str | None
    owner: str | None
    # lab / network / steering-group: who must act now (or acted last).
    level: str
    status: str
    opened_on: date
    resolved_on: date | None
    resolution: str | None
    # Days open: until today, or until it was resolved.
    age_days: int


class SummaryMeasure(ReadModel):
    """One of the lab's measures in a sprint summary: its series up to the sprint's end, analysed."""

    key: str
    name: str
    # outcome / process / balancing; up / down; week / month
    type: str
    unit: str
    better: str
    period: str
    target: float | None
    baseline_until: str | None
    status: str
    retired_on: date | None
    # Every point that starts on or before the sprint's last day, in time order.
    points: "list[MeasurePointRead]"
    analysis: "MeasureAnalysis"


class SummaryPdsa(ReadModel):
    """A PDSA cycle that ran during the sprint, as it stood on the sprint's last day."""

    key: str
    title: str
    measure: str | None
    item: str | None
    # plan / do / study / act: the last step taken by the sprint's end.
    stage: str
    # adopt / adapt / abandon, when acted on by the sprint's end.
    decision: str | None
    planned_on: date
    do_on: date | None
    study_on: date | None
    act_on: date | None


class SprintSummary(ReadModel):
    format: str
    lab: SummaryLab
    # Codes of the organisations the participants come from, sorted.
    organisations: list[str]
    sprint: SprintRead
    # Every ISO week the sprint's planned dates touch, first to last.
    weeks: list[str]
    scrum_masters: list[SummaryScrumMaster]
    participants: list[SummaryOrg]
    committed: float
    completed: float
    # completed / committed, 0..1; None when nothing was committed.
    completion_rate: float | None
    # committed + added - removed, and completed / that.
    final_scope: float = 0.0
    completion_of_final_scope: float | None = None
    # Keys of items in scope without points, and of those not done.
    unestimated: list[str] = []
    unestimated_open: list[str] = []
    # Carried-over items: key -> the sprint they really went to (none when taken out again).
    went_to: dict[str, int] = {}
    completed_items: list[SprintItemRead]
    # Not finished: carried over, returned to the backlog, dropped (or still open).
    unfinished: list[SprintItemRead]
    added: list[SprintItemRead]
    removed: list[SprintItemRead]
    added_points: float
    removed_points: float
    next_sprint: int | None
    # None for a sprint that has not started.
    burndown: BurndownRead | None
    # Closed sprints up to and including this one.
    velocity: VelocityRead
    review: list[str]
    retro: RetroRead
    knowledge_created: list[SummaryKnowledge]
    knowledge_adopted: list[SummaryKnowledge]
    # The lab's impediments open at some time during the sprint, oldest first.
    impediments: list[ImpedimentRead] = []
    # The lab's measures (active during the sprint) and the PDSA cycles that ran in it.
    measures: list[SummaryMeasure] = []
    pdsa: list[SummaryPdsa] = []
    # The lab's meetings held for the sprint's planning, review and retrospective.
    meetings: list["SummaryMeeting"] = []


class SummaryMeeting(ReadModel):
    """A sprint event's meeting: who came, counted per organisation (present only)."""

    key: str
    event: str | None
    on: date
    hours: float
    cancelled_on: date | None
    present: int
    absent: int
    # organisation code -> people present, sorted by code.
    by_org: dict = {}


class ProgrammeItem(ReadModel):
    key: str
    title: str
    points: float | None
    done_on: date


class ProgrammeSprint(ReadModel):
    """A sprint closed in the report's period, with the steering group's two questions answered."""

    number: int
    goal: str | None
    starts: date
    ends: date
    closed_on: date
    # yes / partly / no; None: not assessed (yet).
    goal_met: str | None
    outcome: str | None
    # Set when the assessment was added or changed after the close.
    assessed_on: date | None
    assessed_by: str | None
    committed: float
    completed: float
    # completed / committed (0–1, may exceed 1); None when nothing was committed.
    completion_rate: float | None
    review: list[str]
    retro: RetroRead


class ProgrammeImpediment(ReadModel):
    """An impediment waiting for the steering group on the report's last day."""

    key: str
    lab: str
    text: str
    item: str | None
    owner: str | None
    opened_on: date
    # The day it reached the steering group.
    escalated_on: date
    # Days from opened_on to the report's last day.
    age_days: int


class ProgrammeDecision(ReadModel):
    """A decision taken in the report's period, and the impediment it resolved."""

    on: date
    # steering-group / network / lab
    by: str
    lab: str | None
    text: str
    resolves: str | None
    impediment: str | None


class ProgrammeLab(ReadModel):
    code: str
    name: str
    status: str
    # The active sprint, else the latest one.
    sprint: SprintRead | None
    # Completed points of the last three closed sprints, oldest first.
    velocity: list[float]
    trend: str | None
    done: list[ProgrammeItem]
    done_points: float
    leads: list[str]
    co: list[str]
    handovers: list[AssignmentRead]
    coverage: dict[str, list[str]]
    missing_legs: list[str]
    knowledge_shared: int
    knowledge_adopted: int
    knowledge_received: int
    # The lab's sprint is active and past its end (today).
    overdue: bool
    # Read from the store as they are iterated, like `done`.
    sprints_closed: list[ProgrammeSprint]
    decisions_needed: list[ProgrammeImpediment]
    decisions: list[ProgrammeDecision]
    # The lab's measures on the report's last day: latest value, median, target, verdict.
    measures: "list[MeasureReportRow]" = []


class ProgrammeTotals(ReadModel):
    labs: int
    open_labs: int
    active_sprints: int
    sprints_closed: int
    items_done: int
    points_done: float
    handovers: int
    labs_without_lead: list[str]
    labs_missing_a_leg: list[str]
    knowledge_shared: int
    knowledge_adopted: int
    goals_met: int
    goals_partly_met: int
    goals_not_met: int
    goals_not_assessed: int
    overdue_sprints: list[str]
    decisions_needed: int
    decisions: int
    # Measures listed (every lab's), and the keys of those whose runs analysis shows a signal.
    measures: int = 0
    measures_signal: list[str] = []


class ProgrammeReport(ReadModel):
    format: str
    since: date
    until: date
    totals: ProgrammeTotals
    # Decisions of the period that concern no one lab.
    programme_decisions: list[ProgrammeDecision]
    # handle -> how the report names the person: the name, with the handle where two share it.
    people: dict[str, str]
    labs: list[ProgrammeLab]
    # Knowledge shared between labs in the period: source x receiving lab, and where each share stands.
    knowledge_flow: list[FlowCell] = []
    # Meetings and who took part, when any were held in the period.
    participation: "ParticipationReport | None" = None


# Impediments and decisions ------------------------------------------------------


class DecisionRead(ReadModel):
    key: str
    number: int
    text: str
    # steering-group / network / lab
    by: str
    # The lab that decided (by = lab).
    lab: str | None
    on: date
    # The impediment it resolved (I-4).
    resolves: str | None
    actor: str | None
    # The meeting it was taken at (MT-3).
    meeting: str | None = None


class ImpedimentDetail(ReadModel):
    impediment: ImpedimentRead
    lab_name: str
    owner_name: str | None
    item_title: str | None
    steps: list[ImpedimentStepRead]
    decisions: list[DecisionRead]


class DecisionDetail(ReadModel):
    decision: DecisionRead
    lab_name: str | None
    # The impediment it resolved, as it stands now.
    impediment: ImpedimentRead | None


# Measures ------------------------------------------------------------------------


class MeasureRead(ReadModel):
    key: str
    number: int
    lab: str
    name: str
    # outcome / process / balancing
    type: str
    unit: str
    # up / down: which way is better.
    better: str
    # week / month
    period: str
    target: float | None
    description: str | None
    # The last period of the frozen baseline.
    baseline_until: str | None
    status: str
    retired_on: date | None
    points: int
    # value / proportion: what its points hold (None before the first).
    kind: str | None
    latest_period: str | None
    latest_value: float | None


class MeasurePointRead(ReadModel):
    period: str
    starts_on: date
    value: float
    numerator: float | None
    denominator: float | None
    note: str | None


class MeasureMark(ReadModel):
    """A PDSA cycle's start on a measure's chart: the period its Do began in."""

    pdsa: str
    title: str
    do_on: date
    period: str


class MeasureAnalysis(ReadModel):
    """The runs analysis (Anhøj and Olesen) of the points shown."""

    n_points: int
    median: float | None
    baseline_points: int | None
    useful_observations: int
    longest_run: int
    longest_run_limit: int | None
    crossings: int
    crossings_limit: int | None
    shift: bool
    crossings_signal: bool
    signal: bool
    # better / worse / None
    direction: str | None
    verdict: str


class MeasureLimits(ReadModel):
    """A control chart's limits: 3 sigma around the centre line."""

    chart: str
    centre: float
    lower: list[float]
    upper: list[float]
    # Periods of the points beyond the limits.
    outside: list[str]


class MeasureDetail(ReadModel):
    measure: MeasureRead
    lab_name: str
    chart: str
    # The baseline used: --baseline-until, else the measure's own.
    baseline_until: str | None
    points: list[MeasurePointRead]
    pdsa: list[MeasureMark]
    analysis: MeasureAnalysis
    limits: MeasureLimits | None


class MeasureReportRow(ReadModel):
    """A measure in `report measures`: where it stands now."""

    key: str
    lab: str
    name: str
    type: str
    unit: str
    better: str
    period: str
    points: int
    latest_period: str | None
    latest_value: float | None
    median: float | None
    target: float | None
    signal: bool
    direction: str | None
    verdict: str


# PDSA cycles ---------------------------------------------------------------------


class PdsaRead(ReadModel):
    key: str
    number: int
    lab: str
    title: str
    # plan / do / study / act: the last step recorded.
    stage: str
    # The step to record next (do, study, act), None once acted on.
    next_step: str | None
    # adopt / adapt / abandon, once acted on.
    decision: str | None
    planned_on: date
    do_on: date | None
    study_on: date | None
    act_on: date | None
    measure: str | None
    item: str | None
    # The adapted cycle this one continues (P-1), and the one that continued it.
    after: str | None
    followed_by: str | None
    # The knowledge entry an adopted change was shared as (K-7).
    knowledge: str | None


class PdsaStepRead(ReadModel):
    """One step of a cycle: the day it was recorded and what was written."""

    stage: str
    on: date
    note: str | None


class PdsaDetail(ReadModel):
    pdsa: PdsaRead
    lab_name: str
    plan: str
    prediction: str
    measure_name: str | None
    item_title: str | None
    knowledge_title: str | None
    steps: list[PdsaStepRead]
    # The chain: the cycles this one continues (first first), and those that continued it.
    earlier: list[PdsaRead]
    later: list[PdsaRead]


class MeetingRead(ReadModel):
    """A meeting as `meeting list` shows it; hours are the meeting's length."""

    key: str
    number: int
    kind: str
    title: str
    on: date
    lab: str | None
    hours: float
    starts_at: str | None
    ends_at: str | None
    place: str | None
    # The sprint (UDSK 3) and event (planning / review / retro) a lab meeting was held for.
    sprint: str | None
    event: str | None
    cancelled_on: date | None
    present: int
    absent: int
    # The hours of everyone present, summed (what `report honorarium` claims from).
    attended_hours: float


class AttendanceRead(ReadModel):
    """One person at one meeting; org and sector are those they had on the day."""

    meeting: str
    person: str
    name: str
    org: str
    sector: str
    present: bool
    role: str | None
    hours: float
    note: str | None


class MeetingDetail(ReadModel):
    meeting: MeetingRead
    lab_name: str | None
    notes: str | None
    attendance: list[AttendanceRead] = []
    # The decisions taken at it, in the order they were recorded.
    decisions: list[DecisionRead] = []


class ParticipationLine(ReadModel):
    """Meetings attended and hours, in total and per meeting kind, for a person, organisation or sector."""

    key: str
    name: str
    org: str | None
    sector: str | None
    meetings: int
    hours: float
    meetings_by_kind: dict = {}
    hours_by_kind: dict = {}


class LegGap(ReadModel):
    """A lab's meeting series, or one meeting, where one of the three legs took no part."""

    # lab: a lab's meeting series (ref is its code); meeting: one meeting (ref MT-3).
    scope: str
    ref: str
    title: str
    meetings: int
    missing: list[str] = []


class ParticipationReport(ReadModel):
    since: date | None
    until: date | None
    org: str | None
    sector: str | None
    meetings_held: int
    cancelled: int
    meetings_by_kind: dict = {}
    people: list[ParticipationLine] = []
    organisations: list[ParticipationLine] = []
    sectors: list[ParticipationLine] = []
    gaps: list[LegGap] = []


class HonorariumLine(ReadModel):
    meeting: str
    on: date
    kind: str
    title: str
    hours: Decimal
    amount: Decimal


class HonorariumPerson(ReadModel):
    person: str
    name: str
    hours: Decimal
    amount: Decimal
    lines: list[HonorariumLine] = []


class HonorariumClaim(ReadModel):
    """One organisation's claim: each line is hours × rate rounded to øre; totals are sums of lines."""

    org: str
    org_name: str
    since: date
    until: date
    rate: Decimal
    hours: Decimal
    amount: Decimal
    people: list[HonorariumPerson] = []


class TextHit(ReadModel):
    """One text that matches `lablog search`: what it is, where, and the passage that matched."""

    kind: str
    id: int
    key: str
    lab: str | None
    title: str
    # The best passage, matched words in [brackets].
    snippet: str
    score: float
