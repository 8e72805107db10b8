"""The stand-up board (`lablog board`): a sprint's board and burndown, and a cheap change stamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lablog.enums import SprintStatus
from lablog.errors import NotFound
from lablog.i18n import _
from lablog.queries import impediment, refs, reports, sprints
from lablog.shapes import BurndownRead, SprintDetail


@dataclass(frozen=True)
class Board:
    detail: SprintDetail
    # None for a sprint that has not started (nothing to burn down yet).
    burndown: BurndownRead | None


def load(reader, *, lab: str, number: int | None, today: date) -> Board:
    """Sprint N of the lab with its blocked items marked, or without N its active sprint.

    Raises NotFound when the lab has no active sprint: the board is for the
    sprint being worked on (`sprint show` shows the others).
    """
    the_lab = refs.lab(reader, lab)
    if number is None:
        active = sprints.active(reader, the_lab)
        if active is None:
            raise NotFound(
                _(
                    "{lab} has no active sprint; start one with `lablog sprint start {lab}` "
                    "(`lablog sprint show {lab}` shows the latest)"
                ).format(lab=the_lab.code)
            )
        number = active.number
    detail = sprints.detail(reader, lab=the_lab.code, number=number, today=today)
    detail = impediment.on_board(reader, detail)
    burndown = None
    if detail.sprint.status != SprintStatus.planned.value:
        burndown = reports.burndown(reader, lab=the_lab.code, number=number, today=today)
    return Board(detail=detail, burndown=burndown)


def stamp(reader, *, lab: str) -> tuple:
    """What the change log holds for this lab, in two numbers: when either moves, reload.

    The count as well as the newest time: on PostgreSQL a change that commits
    late can carry an earlier time than one already seen. Both come from the
    (lab, at) index alone, so polling every few seconds costs next to nothing.
    """
    return tuple(reader.rows("SELECT count(*), max(at) FROM change_log WHERE lab = :lab", lab=lab)[0])
