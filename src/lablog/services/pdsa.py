"""PDSA cycles: one change tested against a prediction, step by step, chained when adapted."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from lablog.enums import KnowledgeKind, MeasureStatus, PdsaDecision, PdsaStage
from lablog.errors import InvalidTransition, InvalidValue, NotFound
from lablog.i18n import N_, _
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
# What happened on the day a step may not come before, by the stage the cycle is at.
_DONE = {
    "plan": N_("{key} was planned"),
    "do": N_("{key} was carried out"),
    "study": N_("{key} was studied"),
    "act": N_("{key} was acted on"),
}
# Where a cycle stands, for the message refusing a step out of order.
_AT = {
    "plan": N_("{key} is planned only; the next step is do: `{how}`"),
    "do": N_("{key} is carried out but not studied; the next step is study: `{how}`"),
    "study": N_("{key} is studied but not acted on; the next step is act: `{how}`"),
}
# Why a cycle cannot be continued: its decision, or the step it is at.
_NOT_ADAPTED = {
    "adopt": N_(
        "{key} was acted on with adopt; only a cycle acted on with adapt starts the next one "
        "(`lablog pdsa act {key} adapt` when it is studied)"
    ),
    "abandon": N_(
        "{key} was acted on with abandon; only a cycle acted on with adapt starts the next one "
        "(`lablog pdsa act {key} adapt` when it is studied)"
    ),
    "plan": N_(
        "{key} is at the plan step; only a cycle acted on with adapt starts the next one "
        "(`lablog pdsa act {key} adapt` when it is studied)"
    ),
    "do": N_(
        "{key} is at the do step; only a cycle acted on with adapt starts the next one "
        "(`lablog pdsa act {key} adapt` when it is studied)"
    ),
    "study": N_(
        "{key} is at the study step; only a cycle acted on with adapt starts the next one "
        "(`lablog pdsa act {key} adapt` when it is studied)"
    ),
}
# A cycle acted on is complete, by its decision.
_COMPLETE = {
    "adopt": N_("{key} was acted on (adopt) on {day}; its cycle is complete"),
    "abandon": N_("{key} was acted on (abandon) on {day}; its cycle is complete"),
    "adapt": N_(
        "{key} was acted on (adapt) on {day}; its cycle is complete; "
        "continue with `lablog pdsa add {lab} TITLE --after {key} …`"
    ),
}
_NOT_SHARED = {
    "adapt": N_("--share goes with adopt only: an adapted change is not one to pass on yet"),
    "abandon": N_("--share goes with adopt only: an abandoned change is not one to pass on yet"),
}
_EMPTY = {
    "--plan": N_("--plan is empty; say it in a few words"),
    "--prediction": N_("--prediction is empty; say it in a few words"),
    "--note": N_("--note is empty; say it in a few words"),
}


def get(session: Session, ref: str) -> Pdsa:
    """Cycle P-2 (or 2); raises InvalidValue, NotFound."""
    n = queries.number(ref)
    row = session.get(Pdsa, n)
    if row is None:
        raise NotFound(_("No PDSA cycle {key}; see `lablog pdsa list`").format(key=key(n)))
    return row


def _text(value: str | None, what: str) -> str:
    words = (value or "").strip()
    if not words:
        raise InvalidValue(_(_EMPTY[what]))
    return words


def _measure(session: Session, ref: str, lab: Lab) -> Measure:
    row = measures.get(session, ref)
    if row.lab_id != lab.id:
        raise InvalidValue(
            _("{key} is a measure of another lab than {lab}; see `lablog measure list --lab {lab}`").format(
                key=measure_key(row.id), lab=lab.code
            )
        )
    if row.status == MeasureStatus.retired.value:
        raise InvalidTransition(
            _("{key} is retired; test the change against a measure in use").format(key=measure_key(row.id))
        )
    return row


def _after(session: Session, ref: str, lab: Lab, on: date, today: date) -> Pdsa:
    earlier = get(session, ref)
    k = key(earlier.id)
    if earlier.lab_id != lab.id:
        raise InvalidValue(
            _("{key} is a cycle of another lab; a chain stays in one lab ({lab})").format(key=k, lab=lab.code)
        )
    if earlier.decision != PdsaDecision.adapt.value:
        raise InvalidTransition(_(_NOT_ADAPTED[earlier.decision or earlier.stage]).format(key=k))
    taken = session.exec(select(Pdsa.id).where(Pdsa.after_id == earlier.id)).first()
    if taken is not None:
        raise InvalidTransition(
            _("{key} is continued by {next} already; continue the chain with --after {next}").format(
                key=k, next=key(taken)
            )
        )
    eventdays.check(
        on, today=today, earliest=earlier.act_on, because=_(_DONE[PdsaStage.act.value]).format(key=k)
    )
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
        raise InvalidValue(_("Give the cycle a title: the change it tests, in a few words"))
    row = Pdsa(
        lab_id=the_lab.id,
        title=words,
        plan=_text(plan, "--plan"),
        prediction=_text(prediction, "--prediction"),
        planned_on=on,
    )
    eventdays.check(
        on, today=today, earliest=the_lab.start_date, because=_("{lab} started").format(lab=the_lab.code)
    )
    if measure is not None:
        row.measure_id = _measure(session, measure, the_lab).id
    if item is not None:
        the_item = backlog.item_by_key(session, item)
        if the_item.lab_id != the_lab.id:
            raise InvalidValue(
                _("{item} is not an item of {lab}; a cycle tests its own lab's work").format(
                    item=backlog.norm_key(item), lab=the_lab.code
                )
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
        raise InvalidTransition(
            _(_COMPLETE[row.decision]).format(key=k, day=row.act_on, lab=_lab_code(session, row))
        )
    if step != expected:
        raise InvalidTransition(_(_AT[row.stage]).format(key=k, how=_HOW[expected].format(k=k)))
    last = {"do": row.planned_on, "study": row.do_on, "act": row.study_on}[step]
    eventdays.check(on, today=today, earliest=last, because=_(_DONE[row.stage]).format(key=k))
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
        raise InvalidValue(
            _("{decision!r} is not a decision; use adopt, adapt or abandon").format(decision=decision)
        ) from None
    if share and chosen != PdsaDecision.adopt.value:
        raise InvalidValue(_(_NOT_SHARED[chosen]))
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
    earlier, _later = queries.chain(reader, row.id)
    if earlier:
        chain = " → ".join(key(n) for n in [*earlier, row.id])
        first = _("Adopted after PDSA cycle {key} (chain {chain}).").format(key=key(row.id), chain=chain)
    else:
        first = _("Adopted after PDSA cycle {key}.").format(key=key(row.id))
    if row.measure_id is not None:
        measure = session.get(Measure, row.measure_id)
        first += " " + _("Measured by {key} {name}.").format(key=measure_key(measure.id), name=measure.name)
    no_note = _("(no note)")
    lines = [
        first,
        "",
        _("**Plan ({day}):** {text}").format(day=row.planned_on, text=row.plan),
        "",
        _("**Prediction:** {text}").format(text=row.prediction),
        "",
        _("**Do ({day}):** {text}").format(day=row.do_on, text=row.do_note or no_note),
        "",
        _("**Study ({day}):** {text}").format(day=row.study_on, text=row.study_note),
        "",
        _("**Act ({day}, adopt):** {text}").format(day=row.act_on, text=row.act_note or no_note),
    ]
    return "\n".join(lines)


def _read(session: Session, row: Pdsa) -> PdsaRead:
    session.flush()
    return queries.reads(SessionReader(session), [row.id])[0]


def show(session: Session, *, ref: str) -> PdsaDetail:
    """A cycle with its steps and chain; raises NotFound, InvalidValue."""
    return queries.detail(SessionReader(session), ref=ref)
