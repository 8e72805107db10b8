"""Taskwarrior's `task export` (a JSON array of tasks) as Incoming items. Pure: no database.

pending (started: doing) and waiting tasks are to do, completed ones done on
their `end`; deleted tasks are skipped, and so are recurring parents (their
instances come as tasks of their own). A task's project picks its lab
(`--project NAME=LAB`; a sub-project `hjem.udskrivning` follows `hjem`);
tasks of other projects are skipped and counted. Problems name their path,
e.g. `[3].entry`.
"""

from __future__ import annotations

import json

from lablog import text
from lablog.i18n import _
from lablog.services.import_rows import Incoming, as_tag, parse_day

SOURCE = "taskwarrior"


def parse(
    data: bytes, *, projects: dict[str, str], allow_number: bool = False
) -> tuple[list[Incoming], list[tuple[str, str]], list[str]]:
    """The file's items, the tasks skipped (path, why) and every problem, each naming its path."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [], [_("the file is not UTF-8 text; is it the output of `task export`?")]
    except json.JSONDecodeError as e:
        return (
            [],
            [],
            [
                _("the file is not JSON (line {line}: {error}); is it the output of `task export`?").format(
                    line=e.lineno, error=e.msg
                )
            ],
        )
    if not isinstance(doc, list):
        return [], [], [_("the file is not a list of tasks; write it with `task export`")]
    doc, problems = text.clean_document(doc, allow_number=allow_number)
    # Tasks whose text was refused: reported once, not read further.
    refused = {p.split(".")[0].split(" ")[0] for p in problems}
    labs = {name.casefold(): lab for name, lab in projects.items()}
    items: list[Incoming] = []
    skipped: list[tuple[str, str]] = []
    for n, task in enumerate(doc):
        where = f"[{n}]"
        if not isinstance(task, dict):
            problems.append(
                _("{where}: a task is an object; write the file with `task export`").format(where=where)
            )
            continue
        status = str(task.get("status", "pending"))
        if status == "deleted":
            skipped.append((where, _("deleted in Taskwarrior")))
            continue
        if status == "recurring":
            skipped.append((where, _("a recurring task's template (its instances are imported)")))
            continue
        project = str(task.get("project") or "")
        lab = labs.get(project.casefold()) or labs.get(project.split(".")[0].casefold())
        if lab is None:
            if project:
                why = _("project {project!r} is mapped to no lab (map it with --project NAME=LAB)")
            else:
                why = _("no project (map it with --project NAME=LAB)")
            skipped.append((where, why.format(project=project)))
            continue
        if where in refused:
            continue
        item, wrong = _item(where, task, status, lab)
        problems += wrong
        if item is not None:
            items.append(item)
    return items, skipped, problems


def _item(where: str, task: dict, status: str, lab: str) -> tuple[Incoming | None, list[str]]:
    problems = []
    title = " ".join(str(task.get("description") or "").split())
    if not title:
        problems.append(_("{where}.description: the task has no description").format(where=where))
    if status not in ("pending", "waiting", "completed"):
        problems.append(
            _("{where}.status: {status!r} is not a Taskwarrior status").format(where=where, status=status)
        )
    uuid = task.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        problems.append(
            _("{where}.uuid: the task has no uuid; write the file with `task export`").format(where=where)
        )
    days = {}
    for name in ("entry", "start", "end"):
        if task.get(name):
            try:
                days[name] = parse_day(str(task[name]))
            except ValueError as e:
                problems.append(f"{where}.{name}: {e}")
    notes = []
    for k, note in enumerate(task.get("annotations") or []):
        if not isinstance(note, dict) or not str(note.get("description") or "").strip():
            problems.append(
                _("{where}.annotations[{k}]: an annotation needs a description").format(where=where, k=k)
            )
            continue
        try:
            day = f"{parse_day(str(note['entry']))}: " if note.get("entry") else ""
        except ValueError as e:
            problems.append(f"{where}.annotations[{k}].entry: {e}")
            continue
        notes.append(day + str(note["description"]).strip())
    points = task.get("points")
    if points is not None and not isinstance(points, int | float):
        problems.append(_("{where}.points: {points!r} is not a number").format(where=where, points=points))
    tags = task.get("tags") or []
    if not isinstance(tags, list):
        problems.append(_("{where}.tags: the tags are a list").format(where=where))
    if problems:
        return None, problems
    done = status == "completed"
    return Incoming(
        where=where,
        source=SOURCE,
        source_id=uuid.strip(),
        lab=lab,
        title=title,
        status="done" if done else ("doing" if task.get("start") else "todo"),
        points=float(points) if points is not None else None,
        type="task",
        tags=[as_tag(str(t)) for t in tags if str(t).strip()],
        description="\n".join(notes) or None,
        created=days.get("entry"),
        started=days.get("start"),
        done_on=days.get("end") if done else None,
    ), []
