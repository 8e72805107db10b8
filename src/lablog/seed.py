"""A large made-up programme for benchmarks and tests, written by services.bulk.

`programme(items=250_000)` yields rows for every table, as lablog's services
would have written them: per-lab item numbers and `next_item_number`,
fractional ranks from services.ranking, dated item events, sprint stays
frozen at close, knowledge entries with tags, shares and answers, chains of
PDSA cycles. The same
arguments always give the same rows (one `random.Random(seed)`).

What a user sees stays the same size as the store grows, as in a real
programme: 50 labs, 500 people, each lab with an active sprint of 6 items
and 10 items waiting in its backlog. Growth is history: closed sprints full
of done and dropped items, and knowledge entries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from lablog.enums import POINT_SCALE
from lablog.services import ranking

TODAY = date(2026, 11, 23)
LABS = 50
PEOPLE = 500
ACTIVE_ITEMS = ("done", "done", "doing", "todo", "todo", "todo")
WAITING_ITEMS = 10
SPRINT_DAYS = 14
# What `knowledge search` looks for: a word in one entry in ten, so that every
# size fills a page of hits (20) and the larger ones rank more matches for it.
SEARCH_WORD = "faldforebyggelse"

_ORGS = [
    ("AAK", "Aarhus Kommune", "municipality"),
    ("FAV", "Favrskov Kommune", "municipality"),
    ("RAN", "Randers Kommune", "municipality"),
    ("SKB", "Skanderborg Kommune", "municipality"),
    ("SYD", "Syddjurs Kommune", "municipality"),
    ("NOR", "Norddjurs Kommune", "municipality"),
    ("ODD", "Odder Kommune", "municipality"),
    ("SAM", "Samsø Kommune", "municipality"),
    ("AUH", "Aarhus Universitetshospital", "hospital"),
    ("RRH", "Regionshospitalet Randers", "hospital"),
    ("HEH", "Hospitalsenheden Horsens", "hospital"),
    ("RHG", "Regionshospitalet Gødstrup", "hospital"),
    ("PL1", "Lægehuset Søndergade", "general-practice"),
    ("PL2", "Lægerne i Åbyhøj", "general-practice"),
    ("PL3", "Lægehuset Ørsted", "general-practice"),
    ("PL4", "Lægepraksis Skødstrup", "general-practice"),
    ("RM", "Region Midtjylland", "region"),
    ("KL", "Kommunernes Landsforening", "other"),
]
_FIRST = [
    "Mette",
    "Søren",
    "Anne",
    "Jørgen",
    "Birgitte",
    "Mads",
    "Hanne",
    "Rasmus",
    "Åse",
    "Lærke",
    "Niels",
    "Signe",
    "Bjørn",
    "Karen",
    "Thøger",
    "Ida",
    "Frederik",
    "Maja",
    "Øjvind",
    "Kirsten",
]
_LAST = [
    "Ørum",
    "Holm",
    "Sørensen",
    "Jensen",
    "Ærø",
    "Nielsen",
    "Damgård",
    "Møller",
    "Kjær",
    "Høst",
    "Bæk",
    "Lund",
    "Østergaard",
    "Skovgård",
    "Friis",
    "Væver",
    "Aagaard",
    "Brønd",
    "Lykke",
    "Thø",
]
_STEMS = ["HJEM", "KOL", "MED", "DEM", "SAM", "REH", "ERN", "DIA", "PSY", "AKUT"]
_LAB_NAMES = [
    "Hjemmebesøg",
    "KOL i eget hjem",
    "Medicinhåndtering",
    "Demens og pårørende",
    "Sammenhængende forløb",
    "Genoptræning",
    "Ernæring og vægttab",
    "Diabetes på tværs",
    "Psykisk sårbare ældre",
    "Akut sygepleje",
]
_VERBS = [
    "Afprøv",
    "Kortlæg",
    "Test",
    "Beskriv",
    "Evaluér",
    "Indfør",
    "Undersøg",
    "Tilpas",
    "Følg op på",
    "Saml",
]
_THINGS = [
    "fælles medicinliste",
    "opfølgende hjemmebesøg",
    "udskrivelsessamtale",
    "pårørendemøde",
    "tryghedsopkald",
    "ernæringsscreening",
    "faldrisiko",
    "video-konsultation",
    "sårpleje",
    "tidlig opsporing",
    "kommunikation med egen læge",
    "genoptræningsplan",
    "forløbskoordinator",
    "døgnrytme",
    "hjælpemidler",
    "borgerens mål",
]
_WITH = [
    "med hjemmesygeplejen",
    "på tværs af sektorer",
    "for ældre borgere",
    "i akutteamet",
    "med almen praksis",
    "efter udskrivelse",
    "for borgere med KOL",
    "i weekenden",
    "på plejecentre",
    "sammen med pårørende",
]
_WORDS = [
    "hjemmesygepleje",
    "borger",
    "pårørende",
    "udskrivelse",
    "medicin",
    "træning",
    "sektorovergang",
    "læge",
    "sygeplejerske",
    "kommune",
    "hospital",
    "forløb",
    "tryghed",
    "ernæring",
    "søvn",
    "smerte",
    "mobilitet",
    "ensomhed",
    "kørsel",
    "vagt",
    "overlevering",
    "journal",
    "aftale",
    "møde",
    "erfaring",
    "måling",
    "data",
    "spørgeskema",
    "opfølgning",
    "kvalitet",
    "økonomi",
    "tid",
]
_TAGS = [
    "medicin",
    "ældre",
    "kol",
    "demens",
    "retro",
    "data",
    "pårørende",
    "træning",
    "akut",
    "ernæring",
    "sektorovergang",
    "kvalitet",
]
_KINDS = ["learning", "model", "method", "result", "risk"]


Batch = dict[str, list[dict]]


def lab_code(lab_id: int) -> str:
    """HJEM1, KOL1, … AKUT5: the code of lab number `lab_id` (1-based)."""
    return f"{_STEMS[(lab_id - 1) % len(_STEMS)]}{(lab_id - 1) // len(_STEMS) + 1}"


def per_lab(items: int) -> int:
    return max(items // LABS, len(ACTIVE_ITEMS) + WAITING_ITEMS)


def sprints_per_lab(items: int) -> int:
    """Sprints per lab, the last one active: 8 for small programmes, 40 at 250,000 items."""
    return max(8, min(40, per_lab(items) // 125))


def waiting_keys(items: int, lab_id: int) -> list[str]:
    """The keys of the items waiting in a lab's backlog (todo, in no sprint): its last numbers."""
    n = per_lab(items)
    return [f"{lab_code(lab_id)}-{k}" for k in range(n - WAITING_ITEMS + 1, n + 1)]


# Times as a store holds them: to the microsecond, every one different (9:00 and as many
# microseconds as times made so far in this programme, so a record's later times are later).
_made = [0]


def _at(day: date) -> datetime:
    _made[0] += 1
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC) + timedelta(microseconds=_made[0])


def programme(items: int = 250_000, *, seed: int = 7) -> Iterator[Batch]:
    """Rows for a programme of about `items` backlog items (at least 16 per lab), a lab at a time.

    Each batch maps table names to rows whose parents are in it or in an
    earlier batch, as services.bulk.load wants them; memory stays flat.
    """
    rnd = random.Random(seed)
    _made[0] = 0
    rows: Batch = defaultdict(list)
    start = TODAY - timedelta(days=5 * 365)
    created = _at(start)

    # Organisations and people --------------------------------------------------
    for i, (code, name, sector) in enumerate(_ORGS, 1):
        rows["organisation"].append(
            {"id": i, "code": code, "name": name, "sector": sector, "created_at": created}
        )
    by_sector: dict[str, list[int]] = {}
    for o in rows["organisation"]:
        by_sector.setdefault(o["sector"], []).append(o["id"])
    handles: list[str] = []
    person_org: list[int] = []
    for i in range(1, PEOPLE + 1):
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i // len(_FIRST)) % len(_LAST)]
        handle = f"{_ascii(first)}-{_ascii(last)}-{i}"
        org_id = rows["organisation"][i % len(_ORGS)]["id"]
        rows["person"].append(
            {
                "id": i,
                "handle": handle,
                "name": f"{first} {last}",
                "email": f"{handle}@example.dk",
                "organisation_id": org_id,
                "created_at": created,
            }
        )
        handles.append(handle)
        person_org.append(org_id)
    yield rows

    # Labs, members and scrum masters -----------------------------------------
    size = per_lab(items)
    n_sprints = sprints_per_lab(items)
    first_sprint = TODAY - timedelta(days=5 + SPRINT_DAYS * (n_sprints - 1))
    scrum_masters = list(range(1, 61))
    sprint_id = item_id = event_id = stay_id = tag_id = 0
    for lab_id in range(1, LABS + 1):
        rows = defaultdict(list)
        code = lab_code(lab_id)
        rows["lab"].append(
            {
                "id": lab_id,
                "code": code,
                "name": f"{_LAB_NAMES[(lab_id - 1) % len(_LAB_NAMES)]} {(lab_id - 1) // len(_STEMS) + 1}",
                "focus": rnd.choice(_THINGS).capitalize() + " " + rnd.choice(_WITH),
                "start_date": first_sprint,
                "closed_on": None,
                "created_at": created,
                "next_item_number": size + 1,
            }
        )
        for position, group in enumerate(rnd.sample(["elderly", "chronically-ill", "working-age"], 2)):
            rows["lab_target_group"].append({"lab_id": lab_id, "name": group, "position": position})
        members = []
        for sector in ("municipality", "hospital", "general-practice", "municipality", "region", "hospital"):
            candidates = [p for p in range(61, PEOPLE + 1) if person_org[p - 1] in by_sector[sector]]
            person = rnd.choice(candidates)
            if person not in members:
                members.append(person)
        for n, person in enumerate(members):
            rows["lab_member"].append(
                {
                    "lab_id": lab_id,
                    "person_id": person,
                    "role": "product-owner" if n == 0 else "member",
                    "joined_on": first_sprint,
                    "left_on": None,
                }
            )
        # Every lab but a few has a lead; half of them took over from an earlier one.
        if lab_id % 17 != 0:
            lead = scrum_masters[lab_id % len(scrum_masters)]
            since = first_sprint
            if lab_id % 2 == 0:
                before = scrum_masters[(lab_id + 30) % len(scrum_masters)]
                since = first_sprint + timedelta(days=200)
                rows["sm_assignment"].append(
                    {
                        "person_id": before,
                        "lab_id": lab_id,
                        "role": "lead",
                        "starts": first_sprint,
                        "ends": since - timedelta(days=1),
                        "end_reason": "handover",
                        "created_at": created,
                    }
                )
            rows["sm_assignment"].append(
                {
                    "person_id": lead,
                    "lab_id": lab_id,
                    "role": "lead",
                    "starts": since,
                    "ends": None,
                    "end_reason": None,
                    "created_at": created,
                }
            )
        if lab_id % 5 == 0:
            rows["sm_assignment"].append(
                {
                    "person_id": scrum_masters[(lab_id + 7) % len(scrum_masters)],
                    "lab_id": lab_id,
                    "role": "co",
                    "starts": first_sprint,
                    "ends": None,
                    "end_reason": None,
                    "created_at": created,
                }
            )

        # Sprints and items ---------------------------------------------------
        history = size - len(ACTIVE_ITEMS) - WAITING_ITEMS
        closed = n_sprints - 1
        ranks = ranking.spread(size)
        # Rank order: the active sprint's items, the waiting backlog, then the history.
        rank_of = {}
        order = list(range(history + 1, size + 1)) + list(range(1, history + 1))
        for rank, number in zip(ranks, order, strict=True):
            rank_of[number] = rank
        number = 0
        for s in range(1, n_sprints + 1):
            sprint_id += 1
            starts = first_sprint + timedelta(days=SPRINT_DAYS * (s - 1))
            ends = starts + timedelta(days=SPRINT_DAYS - 1)
            active = s == n_sprints
            count = len(ACTIVE_ITEMS) if active else history // closed + (1 if s <= history % closed else 0)
            committed = completed = 0.0
            for k in range(count):
                number += 1
                item_id += 1
                points = float(rnd.choice(POINT_SCALE[1:8]))
                committed += points
                if active:
                    status = ACTIVE_ITEMS[k]
                else:
                    status = "dropped" if rnd.random() < 0.08 else "done"
                done_on = (
                    min(ends, starts + timedelta(days=rnd.randrange(SPRINT_DAYS)))
                    if status == "done"
                    else None
                )
                if active and done_on:
                    done_on = min(done_on, TODAY)
                if status == "done":
                    completed += points
                owner = rnd.choice(members)
                made = starts - timedelta(days=rnd.randrange(1, 30))
                title = f"{rnd.choice(_VERBS)} {rnd.choice(_THINGS)} {rnd.choice(_WITH)}"
                rows["backlog_item"].append(
                    _item(
                        item_id,
                        lab_id,
                        number,
                        title,
                        points,
                        status,
                        rank_of[number],
                        owner,
                        sprint_id,
                        done_on,
                        made,
                        rnd,
                    )
                )
                event_id = _events(
                    rows["item_event"],
                    event_id,
                    item_id,
                    sprint_id,
                    s,
                    made,
                    starts,
                    points,
                    status,
                    done_on or starts + timedelta(days=3),
                    handles[owner - 1],
                )
                tag_id = _tag(rows["item_tag"], tag_id, item_id, rnd)
                stay_id += 1
                rows["sprint_item"].append(
                    {
                        "id": stay_id,
                        "sprint_id": sprint_id,
                        "item_id": item_id,
                        "committed": True,
                        "committed_points": points,
                        "added_on": starts,
                        "removed_on": None,
                        "disposition": None if active else status,
                        "final_title": None if active else title,
                        "final_points": None if active else points,
                        "final_status": None if active else status,
                    }
                )
            rows["sprint"].append(
                {
                    "id": sprint_id,
                    "lab_id": lab_id,
                    "number": s,
                    "goal": f"{rnd.choice(_VERBS)} {rnd.choice(_THINGS)}",
                    "starts": starts,
                    "ends": ends,
                    "status": "active" if active else "closed",
                    "started_on": starts,
                    "closed_on": None if active else ends,
                    "goal_met": None if active else rnd.choice(["yes", "partly", "no"]),
                    "outcome": None,
                    "carry_over": None if active else "backlog",
                    "committed_points": committed,
                    "completed_points": None if active else completed,
                    "version": 1,
                    "created_at": _at(starts - timedelta(days=1)),
                }
            )
        for _ in range(WAITING_ITEMS):
            number += 1
            item_id += 1
            made = TODAY - timedelta(days=rnd.randrange(1, 60))
            points = float(rnd.choice(POINT_SCALE[1:8])) if rnd.random() < 0.7 else None
            title = f"{rnd.choice(_VERBS)} {rnd.choice(_THINGS)} {rnd.choice(_WITH)}"
            rows["backlog_item"].append(
                _item(
                    item_id,
                    lab_id,
                    number,
                    title,
                    points,
                    "todo",
                    rank_of[number],
                    None,
                    None,
                    None,
                    made,
                    rnd,
                )
            )
            event_id = _events(
                rows["item_event"], event_id, item_id, None, None, made, None, points, "todo", None, None
            )
            tag_id = _tag(rows["item_tag"], tag_id, item_id, rnd)
        yield rows

    # Knowledge -------------------------------------------------------------------
    entries = max(items // 5, LABS)
    share_id = 0
    rows = defaultdict(list)
    for entry_id in range(1, entries + 1):
        if len(rows["knowledge_entry"]) == 5000:
            yield rows
            rows = defaultdict(list)
        lab_id = entry_id % LABS + 1
        made = start + timedelta(days=(entry_id * 5 * 365) // entries)
        tags = rnd.sample(_TAGS, rnd.randint(1, 3))
        words = rnd.choices(_WORDS, k=40)
        if entry_id % 10 == 0:
            words[rnd.randrange(len(words))] = SEARCH_WORD
        rows["knowledge_entry"].append(
            {
                "id": entry_id,
                "lab_id": lab_id,
                "title": f"{rnd.choice(_THINGS).capitalize()} {rnd.choice(_WITH)}",
                "body": " ".join(words).capitalize() + ".",
                "kind": rnd.choice(_KINDS),
                "tags_text": " ".join(tags),
                "author_id": rnd.randrange(61, PEOPLE + 1),
                "sprint_id": None,
                "item_id": None,
                "created_on": made,
                "version": 1,
                "created_at": _at(made),
                "updated_at": _at(made),
            }
        )
        for t in tags:
            rows["knowledge_tag"].append({"entry_id": entry_id, "tag": t, "created_on": made})
        for target in rnd.sample(range(1, LABS + 1), 3):
            if target == lab_id:
                continue
            share_id += 1
            shared = made + timedelta(days=rnd.randrange(1, 14))
            rows["knowledge_share"].append(
                {
                    "id": share_id,
                    "entry_id": entry_id,
                    "lab_id": target,
                    "shared_on": shared,
                    "actor": None,
                    "created_at": _at(shared),
                }
            )
            if rnd.random() < 0.5:
                answered = shared + timedelta(days=rnd.randrange(1, 30))
                rows["knowledge_answer"].append(
                    {
                        "entry_id": entry_id,
                        "lab_id": target,
                        "status": rnd.choice(["trying", "adopted", "declined"]),
                        "note": None,
                        "on": answered,
                        "actor": None,
                        "created_at": _at(answered),
                    }
                )
    _pdsa(rows, items, entries, random.Random(seed + 1))
    yield rows


# A chain of PDSA cycles: adapted, adapted, then adopted and shared (days after planning).
CHAIN = ("adapt", "adapt", "adopt")
DO, STUDY, ACT = 7, 21, 22


def _pdsa(rows: Batch, items: int, entries: int, rnd: random.Random) -> None:
    """Chains of PDSA cycles in every lab, spread over the programme's five years.

    Its own random stream, so the rows before it stay as they were.
    """
    chains = max(items // 5000, 1)
    span = 5 * 365 - len(CHAIN) * ACT - LABS
    cycle_id = 0
    for lab_id in range(1, LABS + 1):
        # The lab's first knowledge entry stands in for what an adopted cycle was shared as.
        shared_as = LABS if lab_id == 1 else lab_id - 1
        for chain in range(chains):
            planned = TODAY - timedelta(days=5 * 365 - (chain * span) // chains - lab_id)
            after = None
            for decision in CHAIN:
                cycle_id += 1
                rows["pdsa"].append(
                    {
                        "id": cycle_id,
                        "lab_id": lab_id,
                        "title": f"{rnd.choice(_THINGS).capitalize()} {rnd.choice(_WITH)}",
                        "plan": " ".join(rnd.choices(_WORDS, k=12)).capitalize() + ".",
                        "prediction": " ".join(rnd.choices(_WORDS, k=8)).capitalize() + ".",
                        "measure_id": None,
                        "item_id": None,
                        "after_id": after,
                        "stage": "act",
                        "planned_on": planned,
                        "do_on": planned + timedelta(days=DO),
                        "do_note": None,
                        "study_on": planned + timedelta(days=STUDY),
                        "study_note": " ".join(rnd.choices(_WORDS, k=10)).capitalize() + ".",
                        "act_on": planned + timedelta(days=ACT),
                        "decision": decision,
                        "act_note": None,
                        "knowledge_id": shared_as if decision == "adopt" and shared_as <= entries else None,
                        "version": 1,
                        "created_at": _at(planned),
                    }
                )
                after = cycle_id if decision == "adapt" else None
                planned += timedelta(days=ACT)


def _ascii(name: str) -> str:
    from lablog.services.refs import slugify

    return slugify(name)


def _item(item_id, lab_id, number, title, points, status, rank, owner, sprint_id, done_on, made, rnd) -> dict:
    return {
        "id": item_id,
        "lab_id": lab_id,
        "number": number,
        "title": title,
        "description": None if rnd.random() < 0.6 else f"{title}. Aftalt på tværs af sektorerne.",
        "type": "story" if rnd.random() < 0.7 else rnd.choice(["task", "experiment", "action"]),
        "points": points,
        "status": status,
        "rank": rank,
        "owner_id": owner,
        "sprint_id": sprint_id,
        "origin_sprint_id": None,
        "done_on": done_on,
        "version": 1,
        "created_at": _at(made),
        "updated_at": _at(done_on or made),
    }


def _events(out, event_id, item_id, sprint_id, sprint_number, made, starts, points, status, moved, actor):
    """The events backlog.add, sprints.add_items and backlog.transition write."""

    def add(kind, on, old=None, new=None, sprint=None):
        nonlocal event_id
        event_id += 1
        out.append(
            {
                "id": event_id,
                "item_id": item_id,
                "sprint_id": sprint,
                "kind": kind,
                "on": on,
                "old_value": old,
                "new_value": new,
                "actor": actor,
                "created_at": _at(on),
            }
        )

    add("created", made, new="todo")
    if points is not None:
        add("points", made, new=f"{points:g}")
    if sprint_id is not None:
        add("sprint-added", starts - timedelta(days=1), new=str(sprint_number), sprint=sprint_id)
        if status in ("doing", "done"):
            add("status", starts + timedelta(days=1), old="todo", new="doing", sprint=sprint_id)
        if status == "done":
            add("status", moved, old="doing", new="done", sprint=sprint_id)
        elif status == "dropped":
            add("status", moved, old="todo", new="dropped", sprint=sprint_id)
    return event_id


def _tag(out, tag_id, item_id, rnd) -> int:
    if rnd.random() < 0.3:
        tag_id += 1
        out.append({"id": tag_id, "item_id": item_id, "tag": rnd.choice(_TAGS)})
    return tag_id


# The benchmark's measure: lab 1's M-1, weekly, this many points up to last week.
MEASURE_POINTS = 500


def measures() -> Batch:
    """Rows for one measure per lab, loaded after programme()'s (benchmarks/run.py does).

    Lab 1's is weekly with MEASURE_POINTS points, a shift down at the end and a
    note every 50 points; the others are monthly, two years each. Not part of
    programme(), whose stores tests compare with golden files.
    """
    rnd = random.Random(12)
    rows: Batch = defaultdict(list)
    this_week = TODAY - timedelta(days=TODAY.weekday())
    point_id = 0
    for lab_id in range(1, LABS + 1):
        weekly = lab_id == 1
        starts = this_week - timedelta(weeks=MEASURE_POINTS) if weekly else date(2024, 11, 1)
        rows["measure"].append(
            {
                "id": lab_id,
                "lab_id": lab_id,
                "name": "Dage fra henvisning til hjemmebehandling"
                if weekly
                else "Genindlæggelser inden 30 dage",
                "type": "process" if weekly else "outcome",
                "unit": "dage" if weekly else "%",
                "better": "down",
                "period": "week" if weekly else "month",
                "target": 3.0,
                "description": None,
                "baseline_until": None,
                "status": "active",
                "retired_on": None,
                "version": 1,
                "created_at": _at(starts),
            }
        )
        count = MEASURE_POINTS if weekly else 24
        for n in range(count):
            if weekly:
                day = starts + timedelta(weeks=n)
                year, week, _ = day.isocalendar()
                period = f"{year}-W{week:02d}"
            else:
                day = date(2024 + (10 + n) // 12, (10 + n) % 12 + 1, 1)
                period = f"{day.year}-{day.month:02d}"
            point_id += 1
            shifted = n >= count - count // 5
            rows["measure_point"].append(
                {
                    "id": point_id,
                    "measure_id": lab_id,
                    "period": period,
                    "starts_on": day,
                    "value": round(rnd.gauss(6 if shifted else 9, 1.5), 1),
                    "numerator": None,
                    "denominator": None,
                    "note": "Ny visitationsgang" if n % 50 == 49 else None,
                    "actor": None,
                    "version": 1,
                    "created_at": _at(day),
                }
            )
    return rows
