"""The whole store as one document, built and dumped in memory: the oracle for `lablog export all`.

This is how `export all` worked before it streamed (services/transfer.py
`export_document`, services/transfer_format.py `write`): every table read into
memory, one dict, one `tomli_w.dumps` or `json.dumps`. The streaming export
must write exactly the same bytes; tests/services/test_export_stream.py
compares the two on the same stores.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from lablog import backends
from lablog.services.transfer import _compact, _float, _tables, _utc, measure_doc, meeting_doc, pdsa_doc
from lablog.services.transfer_format import FORMAT, VERSION


def _json_default(value):
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def export_store(session: Session) -> dict:
    """Every record of the store as a document of the current format version; same store, same document."""
    conn = session.connection()
    t = _tables()

    def rows(name: str) -> list:
        result = conn.execute(sa.select(t[name]).order_by(t[name].c.id)).mappings().all()
        return result

    orgs = rows("organisation")
    org_code = {o["id"]: o["code"] for o in orgs}
    people = rows("person")
    handle = {p["id"]: p["handle"] for p in people}
    labs = rows("lab")
    lab_code = {lab["id"]: lab["code"] for lab in labs}
    sprints = rows("sprint")
    sprint_no = {s["id"]: s["number"] for s in sprints}
    items = rows("backlog_item")
    item_no = {i["id"]: i["number"] for i in items}
    item_key = {i["id"]: f"{lab_code[i['lab_id']]}-{i['number']}" for i in items}

    def by(name: str, column: str) -> dict[int, list]:
        out: dict[int, list] = {}
        for row in rows(name):
            out.setdefault(row[column], []).append(row)
        return out

    groups = by("lab_target_group", "lab_id")
    members = by("lab_member", "lab_id")
    assignments = by("sm_assignment", "lab_id")
    item_tags = by("item_tag", "item_id")
    events = by("item_event", "item_id")
    sprint_items = by("sprint_item", "sprint_id")
    notes = by("sprint_note", "sprint_id")
    entries = rows("knowledge_entry")
    entry_tags = by("knowledge_tag", "entry_id")
    revisions = by("knowledge_revision", "entry_id")
    shares = by("knowledge_share", "entry_id")
    answers = by("knowledge_answer", "entry_id")
    attendance = by("attendance", "meeting_id")
    changes = rows("change_log")
    impediments = rows("impediment")
    steps = by("impediment_step", "impediment_id")
    decisions = rows("decision")
    points = by("measure_point", "measure_id")

    def item_doc(i) -> dict:
        return _compact(
            {
                "number": i["number"],
                "title": i["title"],
                "description": i["description"],
                "type": i["type"],
                "points": _float(i["points"]),
                "status": i["status"],
                "rank": i["rank"],
                "owner": handle.get(i["owner_id"]),
                "sprint": sprint_no.get(i["sprint_id"]),
                "origin_sprint": sprint_no.get(i["origin_sprint_id"]),
                "done_on": i["done_on"],
                "tags": [tag["tag"] for tag in item_tags.get(i["id"], [])],
                "version": i["version"],
                "created_at": _utc(i["created_at"]),
                "updated_at": _utc(i["updated_at"]),
                "events": [
                    _compact(
                        {
                            "on": e["on"],
                            "kind": e["kind"],
                            "sprint": sprint_no.get(e["sprint_id"]),
                            "old": e["old_value"],
                            "new": e["new_value"],
                            "actor": e["actor"],
                            "created_at": _utc(e["created_at"]),
                        }
                    )
                    for e in events.get(i["id"], [])
                ],
            }
        )

    def sprint_doc(s) -> dict:
        return _compact(
            {
                "number": s["number"],
                "goal": s["goal"],
                "starts": s["starts"],
                "ends": s["ends"],
                "status": s["status"],
                "started_on": s["started_on"],
                "closed_on": s["closed_on"],
                "goal_met": s["goal_met"],
                "outcome": s["outcome"],
                "assessed_at": None if s["assessed_at"] is None else _utc(s["assessed_at"]),
                "assessed_by": s["assessed_by"],
                "carry_over": s["carry_over"],
                "committed_points": _float(s["committed_points"]),
                "completed_points": _float(s["completed_points"]),
                "version": s["version"],
                "created_at": _utc(s["created_at"]),
                "items": [
                    _compact(
                        {
                            "item": item_no[si["item_id"]],
                            "committed": bool(si["committed"]),
                            "committed_points": _float(si["committed_points"]),
                            "added_on": si["added_on"],
                            "removed_on": si["removed_on"],
                            "disposition": si["disposition"],
                            "final_title": si["final_title"],
                            "final_points": _float(si["final_points"]),
                            "final_status": si["final_status"],
                            "position": si["position"],
                        }
                    )
                    for si in sprint_items.get(s["id"], [])
                ],
                "notes": [
                    _compact(
                        {
                            "kind": n["kind"],
                            "text": n["text"],
                            "item": item_no.get(n["item_id"]),
                            "actor": n["actor"],
                            "created_at": _utc(n["created_at"]),
                        }
                    )
                    for n in notes.get(s["id"], [])
                ],
            }
        )

    def lab_doc(lab) -> dict:
        own_items = sorted((i for i in items if i["lab_id"] == lab["id"]), key=lambda i: i["number"])
        own_sprints = sorted((s for s in sprints if s["lab_id"] == lab["id"]), key=lambda s: s["number"])
        return _compact(
            {
                "code": lab["code"],
                "name": lab["name"],
                "focus": lab["focus"],
                "start_date": lab["start_date"],
                "closed_on": lab["closed_on"],
                "next_item_number": lab["next_item_number"],
                "created_at": _utc(lab["created_at"]),
                "target_groups": [
                    g["name"]
                    for g in sorted(groups.get(lab["id"], []), key=lambda g: (g["position"], g["id"]))
                ],
                "members": [
                    _compact(
                        {
                            "handle": handle[m["person_id"]],
                            "role": m["role"],
                            "joined_on": m["joined_on"],
                            "left_on": m["left_on"],
                        }
                    )
                    for m in members.get(lab["id"], [])
                ],
                "scrum_masters": [
                    _compact(
                        {
                            "handle": handle[a["person_id"]],
                            "role": a["role"],
                            "starts": a["starts"],
                            "ends": a["ends"],
                            "end_reason": a["end_reason"],
                            "created_at": _utc(a["created_at"]),
                        }
                    )
                    for a in assignments.get(lab["id"], [])
                ],
                "sprints": [sprint_doc(s) for s in own_sprints],
                "items": [item_doc(i) for i in own_items],
            }
        )

    def entry_doc(e) -> dict:
        return _compact(
            {
                "number": e["id"],
                "lab": lab_code[e["lab_id"]],
                "title": e["title"],
                "body": e["body"],
                "kind": e["kind"],
                "tags": [tag["tag"] for tag in entry_tags.get(e["id"], [])],
                "author": handle.get(e["author_id"]),
                "sprint": sprint_no.get(e["sprint_id"]),
                "item": item_key.get(e["item_id"]),
                "created_on": e["created_on"],
                "version": e["version"],
                "created_at": _utc(e["created_at"]),
                "updated_at": _utc(e["updated_at"]),
                "revisions": [
                    _compact(
                        {
                            "version": r["version"],
                            "title": r["title"],
                            "body": r["body"],
                            "kind": r["kind"],
                            "tags": r["tags_text"].split(),
                            "actor": r["actor"],
                            "changed_at": _utc(r["changed_at"]),
                        }
                    )
                    for r in revisions.get(e["id"], [])
                ],
                "shares": [
                    _compact(
                        {
                            "lab": lab_code[s["lab_id"]],
                            "shared_on": s["shared_on"],
                            "actor": s["actor"],
                            "created_at": _utc(s["created_at"]),
                        }
                    )
                    for s in shares.get(e["id"], [])
                ],
                "answers": [
                    _compact(
                        {
                            "lab": lab_code[a["lab_id"]],
                            "status": a["status"],
                            "on": a["on"],
                            "note": a["note"],
                            "actor": a["actor"],
                            "created_at": _utc(a["created_at"]),
                        }
                    )
                    for a in answers.get(e["id"], [])
                ],
            }
        )

    backend = backends.for_dialect(conn.dialect.name)
    return _compact(
        {
            "format": FORMAT,
            "version": VERSION,
            "next_knowledge_number": backend.next_id(conn, t["knowledge_entry"]),
            "organisations": [
                {
                    "code": o["code"],
                    "name": o["name"],
                    "sector": o["sector"],
                    "created_at": _utc(o["created_at"]),
                }
                for o in sorted(orgs, key=lambda o: o["code"])
            ],
            "people": [
                _compact(
                    {
                        "handle": p["handle"],
                        "name": p["name"],
                        "email": p["email"],
                        "org": org_code[p["organisation_id"]],
                        "created_at": _utc(p["created_at"]),
                    }
                )
                for p in sorted(people, key=lambda p: p["handle"])
            ],
            "labs": [lab_doc(lab) for lab in sorted(labs, key=lambda lab: lab["code"])],
            "knowledge": [entry_doc(e) for e in entries],
            "impediments": [
                _compact(
                    {
                        "number": i["id"],
                        "lab": lab_code[i["lab_id"]],
                        "text": i["text"],
                        "item": item_key.get(i["item_id"]),
                        "owner": handle.get(i["owner_id"]),
                        "level": i["level"],
                        "status": i["status"],
                        "opened_on": i["opened_on"],
                        "resolved_on": i["resolved_on"],
                        "resolution": i["resolution"],
                        "version": i["version"],
                        "created_at": _utc(i["created_at"]),
                        "steps": [
                            _compact(
                                {
                                    "kind": step["kind"],
                                    "from_level": step["from_level"],
                                    "to_level": step["to_level"],
                                    "on": step["on"],
                                    "note": step["note"],
                                    "actor": step["actor"],
                                    "created_at": _utc(step["created_at"]),
                                }
                            )
                            for step in steps.get(i["id"], [])
                        ],
                    }
                )
                for i in impediments
            ],
            "decisions": [
                _compact(
                    {
                        "number": d["id"],
                        "text": d["text"],
                        "by": d["by"],
                        "lab": lab_code.get(d["lab_id"]),
                        "on": d["on"],
                        "resolves": d["impediment_id"],
                        "actor": d["actor"],
                        "created_at": _utc(d["created_at"]),
                    }
                )
                for d in decisions
            ],
            "measures": [measure_doc(m, points.get(m["id"], []), lab_code) for m in rows("measure")],
            "pdsa_cycles": [pdsa_doc(c, lab_code, item_key) for c in rows("pdsa")],
            "meetings": [
                meeting_doc(m, attendance.get(m["id"], []), lab_code, sprint_no, handle, org_code)
                for m in rows("meeting")
            ],
            "change_log": [
                _compact(
                    {
                        "at": _utc(c["at"]),
                        "actor": c["actor"],
                        "entity": c["entity"],
                        "key": c["key"],
                        "action": c["action"],
                        "lab": c["lab"],
                        "changes": c["changes"],
                        "db_user": c["db_user"],
                    }
                )
                for c in changes
            ],
        }
    )


def dumps(doc: dict, fmt: str) -> str:
    """The document as TOML (native dates and times) or JSON (ISO strings), ending in a newline."""
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    import tomli_w

    return tomli_w.dumps(doc, multiline_strings=True)
