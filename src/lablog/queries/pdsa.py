"""PDSA cycles as people look them up: by number (P-2), by lab, measure and stage, with their chains."""

from __future__ import annotations

import re

from lablog.enums import PdsaStage
from lablog.errors import InvalidValue, NotFound
from lablog.i18n import _, pgettext
from lablog.queries import measure as measures
from lablog.queries import refs
from lablog.reader import as_date
from lablog.shapes import PdsaDetail, PdsaRead, PdsaStepRead

_NUMBER = re.compile(r"^\s*(?:p-?)?(\d{1,9})\s*$", re.IGNORECASE)
# plan -> do -> study -> act: each step follows the one before it.
STAGES = [stage.value for stage in PdsaStage]

_SELECT = (
    "SELECT c.id, l.code, c.title, c.stage, c.decision, c.planned_on, c.do_on, c.study_on, c.act_on,"
    " c.measure_id, bl.code, b.number, c.after_id, (SELECT min(n.id) FROM pdsa AS n WHERE n.after_id = c.id),"
    " c.knowledge_id FROM pdsa AS c JOIN lab AS l ON l.id = c.lab_id"
    " LEFT JOIN backlog_item AS b ON b.id = c.item_id LEFT JOIN lab AS bl ON bl.id = b.lab_id"
)


def key(number: int) -> str:
    return f"P-{number}"


def number(ref: str) -> int:
    """The number in 'P-2', 'p-2' or '2'; raises InvalidValue."""
    m = _NUMBER.match(str(ref))
    if not m:
        raise InvalidValue(_("{ref!r} is not a PDSA cycle; give its number, e.g. P-2 or 2").format(ref=ref))
    return int(m.group(1))


def step_word(stage: str) -> str:
    """A step as people read it: "do" is "afprøv" in Danish."""
    words = {
        "plan": pgettext("pdsa step", "plan"),
        "do": pgettext("pdsa step", "do"),
        "study": pgettext("pdsa step", "study"),
        "act": pgettext("pdsa step", "act"),
    }
    return words.get(stage, stage)


def act_word(decision: str) -> str:
    """The act step with its decision, as people read it: "act: adopt" ("handl: implementér")."""
    words = {"adopt": _("act: adopt"), "adapt": _("act: adapt"), "abandon": _("act: abandon")}
    return words.get(decision, f"act: {decision}")


def next_step(stage: str) -> str | None:
    """The step that follows `stage`, None after act."""
    at = STAGES.index(stage)
    return STAGES[at + 1] if at + 1 < len(STAGES) else None


def find(reader, ref: str) -> int:
    """The id of cycle P-n; raises InvalidValue, NotFound."""
    n = number(ref)
    if not reader.rows("SELECT id FROM pdsa WHERE id = :id", id=n):
        raise NotFound(_("No PDSA cycle {key}; see `lablog pdsa list`").format(key=key(n)))
    return n


def reads(reader, ids: list[int]) -> list[PdsaRead]:
    """The cycles with these ids, in the order given."""
    if not ids:
        return []
    rows = {row[0]: row for row in reader.rows(f"{_SELECT} WHERE c.id IN :ids", ids=ids)}
    return [_read(rows[i]) for i in ids]


def list_(
    reader,
    *,
    lab: str | None = None,
    open_only: bool = False,
    measure: str | None = None,
) -> list[PdsaRead]:
    """Cycles in the order planned, filtered by lab, measure and whether acted on; raises NotFound."""
    where, params = ["1 = 1"], {}
    if lab:
        where.append("c.lab_id = :lab")
        params["lab"] = refs.lab_id(reader, lab)
    if measure:
        where.append("c.measure_id = :measure")
        params["measure"] = measures.find(reader, measure)
    if open_only:
        where.append("c.stage <> :act")
        params["act"] = PdsaStage.act.value
    rows = reader.rows(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY c.planned_on, c.id", **params)
    return [_read(row) for row in rows]


def chain(reader, n: int) -> tuple[list[int], list[int]]:
    """The ids of the cycles `n` continues (first first) and of those continuing it, in order."""
    earlier, at = [], n
    while (before := reader.rows("SELECT after_id FROM pdsa WHERE id = :id", id=at)[0][0]) is not None:
        earlier.insert(0, before)
        at = before
    later, at = [], n
    while after := reader.rows("SELECT min(id) FROM pdsa WHERE after_id = :id", id=at)[0][0]:
        later.append(after)
        at = after
    return earlier, later


def detail(reader, *, ref: str) -> PdsaDetail:
    """A cycle with its plan, each step's day and note, its chain, measure, item and knowledge entry."""
    n = find(reader, ref)
    (cycle,) = reads(reader, [n])
    (row,) = reader.rows(
        "SELECT l.name, c.plan, c.prediction, m.name, b.title, k.title, c.planned_on, c.do_on, c.do_note,"
        " c.study_on, c.study_note, c.act_on, c.act_note FROM pdsa AS c JOIN lab AS l ON l.id = c.lab_id"
        " LEFT JOIN measure AS m ON m.id = c.measure_id LEFT JOIN backlog_item AS b ON b.id = c.item_id"
        " LEFT JOIN knowledge_entry AS k ON k.id = c.knowledge_id WHERE c.id = :id",
        id=n,
    )
    lab_name, plan, prediction, measure_name, item_title, knowledge_title = row[:6]
    planned_on, do_on, do_note, study_on, study_note, act_on, act_note = row[6:]
    steps = [PdsaStepRead(stage=PdsaStage.plan.value, on=as_date(planned_on), note=None)]
    for stage, on, note in (
        ("do", do_on, do_note),
        ("study", study_on, study_note),
        ("act", act_on, act_note),
    ):
        if on is not None:
            steps.append(PdsaStepRead(stage=stage, on=as_date(on), note=note))
    earlier, later = chain(reader, n)
    return PdsaDetail(
        pdsa=cycle,
        lab_name=lab_name,
        plan=plan,
        prediction=prediction,
        measure_name=measure_name,
        item_title=item_title,
        knowledge_title=knowledge_title,
        steps=steps,
        earlier=reads(reader, earlier),
        later=reads(reader, later),
    )


def sharing(reader, knowledge_id: int) -> str | None:
    """The cycle (P-3) whose adopted change knowledge entry `knowledge_id` shares, if any."""
    found = reader.rows("SELECT min(id) FROM pdsa WHERE knowledge_id = :id", id=knowledge_id)
    return key(found[0][0]) if found and found[0][0] is not None else None


def _read(row: tuple) -> PdsaRead:
    (id_, lab, title, stage, decision, planned_on, do_on, study_on, act_on) = row[:9]
    (measure, item_lab, item_number, after, followed_by, knowledge) = row[9:]
    return PdsaRead(
        key=key(id_),
        number=int(id_),
        lab=lab,
        title=title,
        stage=stage,
        next_step=next_step(stage),
        decision=decision,
        planned_on=as_date(planned_on),
        do_on=as_date(do_on),
        study_on=as_date(study_on),
        act_on=as_date(act_on),
        measure=measures.key(measure) if measure is not None else None,
        item=f"{item_lab}-{item_number}" if item_number is not None else None,
        after=key(after) if after is not None else None,
        followed_by=key(followed_by) if followed_by is not None else None,
        knowledge=f"K-{knowledge}" if knowledge is not None else None,
    )
