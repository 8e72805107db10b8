"""Knowledge entries at a terminal, and the digest as Markdown. Read models only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from rich.console import Console
from rich.text import Text

from lablog.dates import iso_week
from lablog.render.tables import _d, _table, empty
from lablog.shapes import (
    DigestLab,
    DigestRead,
    FlowRead,
    InboxRead,
    KnowledgeDetail,
    KnowledgeRead,
    SearchHit,
)

STATUS_STYLE = {"shared": "dim", "trying": "yellow", "adopted": "green", "declined": "red"}
_MARKED = re.compile(r"\[([^\[\]]+)\]")


def entries(console: Console, rows: Iterable[KnowledgeRead]) -> None:
    """The entries as a table; `rows` is read once, as it streams in, and never held whole."""
    table = _table(
        "Key",
        "Lab",
        "Title",
        "Kind",
        "Tags",
        "Recorded",
        "Shared with",
        "Adopted by",
        drop={"Recorded": 1, "Kind": 2},
    )
    table.add_rows(
        (
            r.key,
            r.lab,
            r.title,
            r.kind,
            ", ".join(r.tags),
            _d(r.created_on),
            ", ".join(r.shared_with),
            Text(", ".join(r.adopted_by), style="green"),
        )
        for r in rows
    )
    if not table.row_count:
        return empty(console, "No knowledge entries match: add one with `lablog knowledge add LAB TITLE`")
    table.print(console)


def detail(console: Console, d: KnowledgeDetail) -> None:
    e = d.entry
    console.print(Text.assemble((f"{e.key}  {e.title}", "bold"), f"  [{e.kind}]"))
    facts = [f"From: {e.lab} {d.lab_name}", f"Recorded: {_d(e.created_on)}"]
    if e.author:
        facts.append(f"Author: {d.author_name} ({e.author})")
    if e.sprint is not None:
        facts.append(f"Sprint: {e.lab} {e.sprint}")
    if e.item:
        facts.append(f"Item: {e.item}")
    if e.tags:
        facts.append("Tags: " + ", ".join(e.tags))
    if d.pdsa:
        facts.append(f"From PDSA cycle: {d.pdsa} (`lablog pdsa show {d.pdsa}`)")
    if e.version > 1:
        facts.append(f"Version: {e.version}")
    for fact in facts:
        console.print(fact)
    console.print()
    if d.body.strip():
        # Only here: rich.markdown brings rich.table, which the lists and search do not need.
        from rich.markdown import Markdown

        console.print(Markdown(d.body))
    else:
        empty(console, "(no body)")
    console.print()
    if d.sharing:
        table = _table("Lab", "Shared", "Status", "Since", "Note", title="Sharing and adoption")
        for s in d.sharing:
            table.add_row(
                s.lab,
                _d(s.shared_on),
                Text(s.status, style=STATUS_STYLE[s.status]),
                _d(s.since),
                s.note or "",
            )
        table.print(console)
    else:
        empty(console, f"Not shared yet: share it with `lablog knowledge share {e.key} --all`")
    if len(d.answers) > len([s for s in d.sharing if s.status != "shared"]):
        table = _table("Lab", "Answer", "On", "By", "Note", title="Answers")
        for a in d.answers:
            table.add_row(a.lab, a.status, _d(a.on), a.actor or "", a.note or "")
        table.print(console)
    if d.revisions:
        table = _table("Version", "Title", "Changed", "By", title="Earlier versions")
        for r in d.revisions:
            table.add_row(str(r.version), r.title, r.changed_at.strftime("%Y-%m-%d %H:%M"), r.actor or "")
        table.print(console)


def inbox(console: Console, lab: str, rows: Sequence[InboxRead]) -> None:
    if not rows:
        return empty(console, f"Nothing waiting for {lab}: every entry shared with it has an answer.")
    table = _table(
        "Key", "From", "Title", "Kind", "Tags", "Shared", title=f"Waiting for an answer from {lab}"
    )
    for r in rows:
        table.add_row(r.key, r.from_lab, r.title, r.kind, ", ".join(r.tags), _d(r.shared_on))
    table.print(console)
    console.print(Text(f"Answer with `lablog knowledge try|adopt|decline K --lab {lab}`", style="dim"))


def highlighted(snippet: str) -> Text:
    """The snippet with its [matched] terms styled instead of bracketed."""
    text = Text()
    last = 0
    for m in _MARKED.finditer(snippet):
        text.append(snippet[last : m.start()])
        text.append(m.group(1), style="bold reverse")
        last = m.end()
    text.append(snippet[last:])
    return text


def hits(console: Console, rows: Sequence[SearchHit]) -> None:
    if not rows:
        return empty(console, "No entry matches; try fewer words or a prefix like hjemme*")
    table = _table("Key", "Lab", "Title", "Kind", "Match")
    for r in rows:
        table.add_row(r.key, r.lab, r.title, r.kind, highlighted(" ".join(r.snippet.split())))
    table.print(console)


def _period(since, until) -> str:
    if since and until:
        return f"{since} – {until}"
    if since:
        return f"since {since}"
    if until:
        return f"until {until}"
    return "all time"


def flow(console: Console, f: FlowRead, not_adopted: Iterable[KnowledgeRead] | None = None) -> None:
    """The flow matrix and what no lab adopted; `not_adopted`, when given, streams in that list."""
    console.print(Text(f"Knowledge flow, {_period(f.since, f.until)}", style="bold"))
    cells = {(c.source, c.target): c for c in f.cells}
    if cells:
        table = _table("From \\ to", *f.labs)
        for src in f.labs:
            row = []
            for dst in f.labs:
                c = cells.get((src, dst))
                if src == dst:
                    row.append(Text("·", style="dim"))
                elif c is None:
                    row.append("")
                else:
                    row.append(f"{c.shared}: {c.trying}t {c.adopted}a {c.declined}d")
            table.add_row(src, *row)
        table.print(console)
        console.print(Text("shared: trying / adopted / declined", style="dim"))
    else:
        empty(console, "Nothing was shared in this period.")
    listed = 0
    table = _table(
        "Key", "Lab", "Title", "Shared with", title=f"Not adopted by any lab ({f.not_adopted_count})"
    )

    def cells() -> Iterator[tuple]:
        # Counted as the table reads them: the list is never held whole.
        nonlocal listed
        for e in f.not_adopted if not_adopted is None else not_adopted:
            listed += 1
            yield (e.key, e.lab, e.title, ", ".join(e.shared_with) or Text("nobody", style="yellow"))
        if listed < f.not_adopted_count:
            more = f.not_adopted_count - listed
            note = Text(f"… and {more} more (--limit 0 lists them all)", style="dim")
            yield (Text("…", style="dim"), "", note)

    table.add_rows(cells())
    if table.row_count:
        table.print(console)
    if f.labs_sharing_nothing:
        console.print(
            Text("Labs that shared nothing: " + ", ".join(f.labs_sharing_nothing), style="bold yellow")
        )


def _week(day) -> str:
    return iso_week(day).split("-")[1]


def digest_markdown_parts(d: DigestRead, labs: Iterable[DigestLab]) -> Iterator[str]:
    """The digest as Markdown for the scrum-master network's meeting notes, one lab at a time."""
    days = (d.until - d.since).days + 1 if d.since and d.until else None
    length = f", {days} days" if days else ""
    yield f"# Knowledge digest {d.since} – {d.until} ({_week(d.since)}–{_week(d.until)}{length})\n\n"
    first = True
    for lab in labs:
        yield ("" if first else "\n") + "\n".join(_digest_lab(lab)) + "\n"
        first = False
    if first:
        yield "Nothing was shared or answered in this period.\n"


def _digest_lab(lab: DigestLab) -> list[str]:
    from lablog.render.markdown import md_inline as md

    lines = [f"## {md(lab.lab)} {md(lab.name)}"]
    if lab.shared:
        lines += ["", "Shared:"]
        lines += [
            f"- {s.key} {md(s.title)} ({s.kind}) → {', '.join(md(t) for t in s.to)}" for s in lab.shared
        ]
    for status, heading in (("adopted", "Adopted"), ("trying", "Trying"), ("declined", "Declined")):
        answers = [a for a in lab.answers if a.status == status]
        if answers:
            lines += ["", f"{heading}:"]
            for a in answers:
                note = f": {md(a.note)}" if a.note else ""
                lines.append(f"- {a.key} {md(a.title)} (from {md(a.from_lab)}, {a.on}){note}")
    return lines
