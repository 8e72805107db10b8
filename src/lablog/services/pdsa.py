"""PDSA cycles: one change tested against a prediction, step by step, chained when adapted."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lablog.enums import KnowledgeKind, MeasureStatus, PdsaDecision, PdsaStage
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.models import Lab, Measure, Pdsa
from lablog.queries import pdsa as queries
from lablog.queries.measure import key as measure_key
from lablog.queries.pdsa import key, next_step
from lablog.reader import SessionReader
from lablog.services import backlog, eventdays, knowledge, refs
from lablog.services import measure as measures
from lablog.shapes import PdsaDetail, PdsaRead

# What each step records, for the messages that name the step to take next.
_HOW = {
    "do": "lablog pdsa do {k}",
    "study": "lablog pdsa study {k} --note …",
    "act": "lablog pdsa act {k} adopt|adapt|abandon",
}
_DONE = {"do": "carried out", "study": "studied", "act": "acted on"}
# Where a cycle stands, for the message refusing a step out of order.
_AT = {"plan": "planned only", "do": "carried out but not studied", "study": "studied but not acted on"}


def get(session: Session, ref: str) -> Pdsa:
    """Cycle P-2 (or 2); raises InvalidValue, NotFound."""
    n = queries.number(ref)
    row = session.get(Pdsa, n)
    if row is None:
        raise NotFound(f"No PDSA cycle {key(n)}; see `lablog pdsa list`")
    return row


def _text(value: str | None, what: str) -> str:
    words = (value or "").strip()
    if not words:
        raise InvalidValue(f"{what} is empty; say it in a few words")
    return words


def _measure(session: Session, ref: str, lab: Lab) -> Measure:
    row = measures.get(session, ref)
    if row.lab_id != lab.id:
        raise InvalidValue(
            f"{measure_key(row.id)} is a measure of another lab than {lab.code}; "
            f"see `lablog measure list --lab {lab.code}`"
        )
    if row.status == MeasureStatus.retired.value:
        raise InvalidTransition(f"{measure_key(row.id)} is retired; test the change against a measure in use")
    return row


def _after(session: Session, ref: str, lab: Lab, on: date, today: date) -> Pdsa:
    earlier = get(session, ref)
    k = key(earlier.id)
    if earlier.lab_id != lab.id:
        raise InvalidValue(f"{k} is a cycle of another lab; a chain stays in one lab ({lab.code})")
    if earlier.decision != PdsaDecision.adapt.value:
        said = (
            f"was acted on with {earlier.decision}" if earlier.decision else f"is at the {earlier.stage} step"
        )
        raise InvalidTransition(
            f"{k} {said}; only a cycle acted on with adapt starts the next one "
            f"(`lablog pdsa act {k} adapt` when it is studied)"
        )
    taken = session.exec(select(Pdsa.id).where(Pdsa.after_id == earlier.id)).first()
    if taken is not None:
        raise InvalidTransition(
            f"{k} is continued by {key(taken)} already; continue the chain with --after {key(taken)}"
        )
    eventdays.check(on, today=today, earliest=earlier.act_on, because=f"{k} was acted on")
    return earlier


def add(
    session: Session,
    *,
    lab: str,
    title: str,
    plan: str,
    prediction: str,
    on: date,
    today: date,
    measure: str | None = None,
    item: str | None = None,
    after: str | None = None,
) -> PdsaRead:
    """Plan a cycle in a lab; raises NotFound, InvalidValue, InvalidTransition."""
    the_lab = refs.lab(session, lab)
    backlog.require_open_lab(the_lab)
    words = " ".join(title.split())
    if not words:
        raise InvalidValue("Give the cycle a title: the change it tests, in a few words")
    row = Pdsa(
        lab_id=the_lab.id,
        title=words,
        plan=_text(plan, "--plan"),
        prediction=_text(prediction, "--prediction"),
        planned_on=on,
    )
    eventdays.check(on, today=today, earliest=the_lab.start_date, because=f"{the_lab.code} started")
    if measure is not None:
        row.measure_id = _measure(session, measure, the_lab).id
    if item is not None:
        the_item = backlog.item_by_key(session, item)
        if the_item.lab_id != the_lab.id:
            raise InvalidValue(
                f"{backlog.norm_key(item)} is not an item of {the_lab.code}; a cycle tests its own lab's work"
            )
        row.item_id = the_item.id
    if after is not None:
        row.after_id = _after(session, after, the_lab, on, today).id
    session.add(row)
    return _read(session, row)


def _step(session: Session, ref: str, step: str, on: date, today: date) -> Pdsa:
    """The cycle, if `step` is the one it is waiting for on `on`; raises InvalidTransition, InvalidValue."""
    row = get(session, ref)
    k = key(row.id)
    expected = next_step(row.stage)
    if expected is None:
        follow = (
            f"; continue with `lablog pdsa add {_lab_code(session, row)} TITLE --after {k} …`"
            if row.decision == PdsaDecision.adapt.value
            else ""
        )
        raise InvalidTransition(
            f"{k} was acted on ({row.decision}) on {row.act_on}; its cycle is complete{follow}"
        )
    if step != expected:
        at = _AT[row.stage]
        raise InvalidTransition(f"{k} is {at}; the next step is {expected}: `{_HOW[expected].format(k=k)}`")
    last = {"do": row.planned_on, "study": row.do_on, "act": row.study_on}[step]
    what = "planned" if step == "do" else _DONE[row.stage]
    eventdays.check(on, today=today, earliest=last, because=f"{k} was {what}")
    return row


def _lab_code(session: Session, row: Pdsa) -> str:
    return session.get(Lab, row.lab_id).code


def do(session: Session, *, ref: str, on: date, today: date, note: str | None = None) -> PdsaRead:
    """Record that the planned change was carried out; raises NotFound, InvalidValue, InvalidTransition."""
    row = _step(session, ref, "do", on, today)
    row.do_note = _text(note, "--note") if note is not None else None
    row.stage, row.do_on = PdsaStage.do.value, on
    session.add(row)
    return _read(session, row)


def study(session: Session, *, ref: str, note: str, on: date, today: date) -> PdsaRead:
    """Record what happened against the prediction; raises NotFound, InvalidValue, InvalidTransition."""
    row = _step(session, ref, "study", on, today)
    row.study_note = _text(note, "--note")
    row.stage, row.study_on = PdsaStage.study.value, on
    session.add(row)
    return _read(session, row)


def act(
    session: Session,
    *,
    ref: str,
    decision: str,
    on: date,
    today: date,
    note: str | None = None,
    share: bool = False,
    actor: str | None = None,
) -> PdsaRead:
    """Adopt, adapt or abandon the change; with share (adopt only) record it as a knowledge entry.

    Raises NotFound, InvalidValue, InvalidTransition.
    """
    try:
        chosen = PdsaDecision(decision.strip().lower()).value
    except ValueError:
        raise InvalidValue(f"{decision!r} is not a decision; use adopt, adapt or abandon") from None
    if share and chosen != PdsaDecision.adopt.value:
        raise InvalidValue(f"--share goes with adopt only: an {chosen}ed change is not one to pass on yet")
    row = _step(session, ref, "act", on, today)
    row.act_note = _text(note, "--note") if note is not None else None
    row.stage, row.act_on, row.decision = PdsaStage.act.value, on, chosen
    session.add(row)
    if share:
        session.flush()
        entry = knowledge.add(
            session,
            lab=_lab_code(session, row),
            title=row.title,
            body=_body(session, row),
            kind=KnowledgeKind.model.value,
            tags=["pdsa"],
            item=_item_key(session, row),
            on=on,
            actor=actor,
        )
        row.knowledge_id = entry.number
        session.add(row)
    return _read(session, row)


def _item_key(session: Session, row: Pdsa) -> str | None:
    return _read(session, row).item


def _body(session: Session, row: Pdsa) -> str:
    """The shared entry's Markdown: the chain, the measure and every step of the cycle."""
    reader = SessionReader(session)
    earlier, _ = queries.chain(reader, row.id)
    lines = [f"Adopted after PDSA cycle {key(row.id)}"]
    if earlier:
        lines[0] += " (chain " + " → ".join(key(n) for n in [*earlier, row.id]) + ")"
    lines[0] += "."
    if row.measure_id is not None:
        measure = session.get(Measure, row.measure_id)
        lines[0] += f" Measured by {measure_key(measure.id)} {measure.name}."
    lines += [
        "",
        f"**Plan ({row.planned_on}):** {row.plan}",
        "",
        f"**Prediction:** {row.prediction}",
        "",
        f"**Do ({row.do_on}):** {row.do_note or '(no note)'}",
        "",
        f"**Study ({row.study_on}):** {row.study_note}",
        "",
        f"**Act ({row.act_on}, adopt):** {row.act_note or '(no note)'}",
    ]
    return "\n".join(lines)


def _read(session: Session, row: Pdsa) -> PdsaRead:
    session.flush()
    return queries.reads(SessionReader(session), [row.id])[0]


def show(session: Session, *, ref: str) -> PdsaDetail:
    """A cycle with its steps and chain; raises NotFound, InvalidValue."""
    return queries.detail(SessionReader(session), ref=ref)
