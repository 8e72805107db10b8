"""Knowledge entries at a terminal, and the digest as Markdown. Read models only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from rich.console import Console
from rich.text import Text

from lablog import i18n
from lablog.dates import iso_week
from lablog.i18n import N_, _, ngettext
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

# Kinds and statuses as shown; JSON keeps the values themselves.
KIND_LABELS = {
    "learning": N_("learning"),
    "model": N_("model"),
    "method": N_("method"),
    "result": N_("result"),
    "risk": N_("risk"),
}
STATUS_LABELS = {
    "shared": N_("shared"),
    "trying": N_("trying"),
    "adopted": N_("adopted"),
    "declined": N_("declined"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def entries(console: Console, rows: Iterable[KnowledgeRead]) -> None:
    """The entries as a table; `rows` is read once, as it streams in, and never held whole."""
    table = _table(
        N_("Key"),
        N_("Lab"),
        N_("Title"),
        N_("Kind"),
        N_("Tags"),
        N_("Recorded"),
        N_("Shared with"),
        N_("Adopted by"),
        drop={"Recorded": 1, "Kind": 2},
    )
    table.add_rows(
        (
            r.key,
            r.lab,
            r.title,
            kind_label(r.kind),
            ", ".join(r.tags),
            _d(r.created_on),
            ", ".join(r.shared_with),
            Text(", ".join(r.adopted_by), style="green"),
        )
        for r in rows
    )
    if not table.row_count:
        return empty(console, _("No knowledge entries match: add one with `lablog knowledge add LAB TITLE`"))
    table.print(console)


def detail(console: Console, d: KnowledgeDetail) -> None:
    e = d.entry
    console.print(Text.assemble((f"{e.key}  {e.title}", "bold"), f"  [{kind_label(e.kind)}]"))
    facts = [
        _("From: {lab} {name}").format(lab=e.lab, name=d.lab_name),
        _("Recorded: {day}").format(day=_d(e.created_on)),
    ]
    if e.author:
        facts.append(_("Author: {name} ({handle})").format(name=d.author_name, handle=e.author))
    if e.sprint is not None:
        facts.append(_("Sprint: {lab} {number}").format(lab=e.lab, number=e.sprint))
    if e.item:
        facts.append(_("Item: {item}").format(item=e.item))
    if e.tags:
        facts.append(_("Tags: {tags}").format(tags=", ".join(e.tags)))
    if d.pdsa:
        facts.append(_("From PDSA cycle: {pdsa} (`lablog pdsa show {pdsa}`)").format(pdsa=d.pdsa))
    if e.version > 1:
        facts.append(_("Version: {version}").format(version=e.version))
    for fact in facts:
        console.print(fact)
    console.print()
    if d.body.strip():
        # Only here: rich.markdown brings rich.table, which the lists and search do not need.
        from rich.markdown import Markdown

        console.print(Markdown(d.body))
    else:
        empty(console, _("(no body)"))
    console.print()
    if d.sharing:
        table = _table(
            N_("Lab"), N_("Shared"), N_("Status"), N_("Since"), N_("Note"), title=_("Sharing and adoption")
        )
        for s in d.sharing:
            table.add_row(
                s.lab,
                _d(s.shared_on),
                Text(status_label(s.status), style=STATUS_STYLE[s.status]),
                _d(s.since),
                s.note or "",
            )
        table.print(console)
    else:
        empty(
            console, _("Not shared yet: share it with `lablog knowledge share {key} --all`").format(key=e.key)
        )
    if len(d.answers) > len([s for s in d.sharing if s.status != "shared"]):
        table = _table(N_("Lab"), N_("Answer"), N_("On"), N_("By"), N_("Note"), title=_("Answers"))
        for a in d.answers:
            table.add_row(a.lab, status_label(a.status), _d(a.on), a.actor or "", a.note or "")
        table.print(console)
    if d.revisions:
        table = _table(N_("Version"), N_("Title"), N_("Changed"), N_("By"), title=_("Earlier versions"))
        for r in d.revisions:
            table.add_row(str(r.version), r.title, r.changed_at.strftime("%Y-%m-%d %H:%M"), r.actor or "")
        table.print(console)


def inbox(console: Console, lab: str, rows: Sequence[InboxRead]) -> None:
    if not rows:
        return empty(
            console, _("Nothing waiting for {lab}: every entry shared with it has an answer.").format(lab=lab)
        )
    table = _table(
        N_("Key"),
        N_("From"),
        N_("Title"),
        N_("Kind"),
        N_("Tags"),
        N_("Shared"),
        title=_("Waiting for an answer from {lab}").format(lab=lab),
    )
    for r in rows:
        table.add_row(r.key, r.from_lab, r.title, kind_label(r.kind), ", ".join(r.tags), _d(r.shared_on))
    table.print(console)
    hint = _("Answer with `lablog knowledge try|adopt|decline K --lab {lab}`").format(lab=lab)
    console.print(Text(hint, style="dim"))


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
        return empty(console, _("No entry matches; try fewer words or a prefix like hjemme*"))
    table = _table(N_("Key"), N_("Lab"), N_("Title"), N_("Kind"), N_("Match"))
    for r in rows:
        table.add_row(r.key, r.lab, r.title, kind_label(r.kind), highlighted(" ".join(r.snippet.split())))
    table.print(console)


def _flow_title(since, until) -> str:
    since, until = since and i18n.long_date(since), until and i18n.long_date(until)
    if since and until:
        return _("Knowledge flow, {since} – {until}").format(since=since, until=until)
    if since:
        return _("Knowledge flow, since {since}").format(since=since)
    if until:
        return _("Knowledge flow, until {until}").format(until=until)
    return _("Knowledge flow, all time")


def flow(console: Console, f: FlowRead, not_adopted: Iterable[KnowledgeRead] | None = None) -> None:
    """The flow matrix and what no lab adopted; `not_adopted`, when given, streams in that list."""
    console.print(Text(_flow_title(f.since, f.until), style="bold"))
    cells = {(c.source, c.target): c for c in f.cells}
    # Shared: trying, adopted, declined, each by its initial in the current language.
    cell = _("{shared}: {trying}t {adopted}a {declined}d")
    if cells:
        table = _table(_("From \\ to"), *f.labs)
        for src in f.labs:
            row = []
            for dst in f.labs:
                c = cells.get((src, dst))
                if src == dst:
                    row.append(Text("·", style="dim"))
                elif c is None:
                    row.append("")
                else:
                    row.append(
                        cell.format(shared=c.shared, trying=c.trying, adopted=c.adopted, declined=c.declined)
                    )
            table.add_row(src, *row)
        table.print(console)
        console.print(Text(_("shared: trying / adopted / declined"), style="dim"))
    else:
        empty(console, _("Nothing was shared in this period."))
    listed = 0
    table = _table(
        N_("Key"),
        N_("Lab"),
        N_("Title"),
        N_("Shared with"),
        title=_("Not adopted by any lab ({n})").format(n=f.not_adopted_count),
    )

    def cells() -> Iterator[tuple]:
        # Counted as the table reads them: the list is never held whole.
        nonlocal listed
        for e in f.not_adopted if not_adopted is None else not_adopted:
            listed += 1
            yield (e.key, e.lab, e.title, ", ".join(e.shared_with) or Text(_("nobody"), style="yellow"))
        if listed < f.not_adopted_count:
            more = f.not_adopted_count - listed
            note = Text(_("… and {n} more (--limit 0 lists them all)").format(n=more), style="dim")
            yield (Text("…", style="dim"), "", note)

    table.add_rows(cells())
    if table.row_count:
        table.print(console)
    if f.labs_sharing_nothing:
        console.print(
            Text(
                _("Labs that shared nothing: {labs}").format(labs=", ".join(f.labs_sharing_nothing)),
                style="bold yellow",
            )
        )


def _week(day) -> str:
    return iso_week(day).split("-")[1]


def _weeks(since, until) -> str:
    """The period's weeks: "W40–W48" in English (as lablog always wrote it), "uge 40–48" in Danish."""
    if i18n.danish():
        return i18n.weeks(since, until)
    return f"{_week(since)}–{_week(until)}"


def _digest_title(d: DigestRead) -> str:
    since, until = i18n.long_date(d.since), i18n.long_date(d.until)
    weeks = _weeks(d.since, d.until)
    days = (d.until - d.since).days + 1
    return ngettext(
        "# Knowledge digest {since} – {until} ({weeks}, {n} day)",
        "# Knowledge digest {since} – {until} ({weeks}, {n} days)",
        days,
    ).format(since=since, until=until, weeks=weeks, n=days)


# The answers in the digest, in the order of its sections.
_DIGEST_SECTIONS = (("adopted", N_("Adopted:")), ("trying", N_("Trying:")), ("declined", N_("Declined:")))


def digest_markdown_parts(d: DigestRead, labs: Iterable[DigestLab]) -> Iterator[str]:
    """The digest as Markdown for the scrum-master network's meeting notes, one lab at a time."""
    yield _digest_title(d) + "\n\n"
    first = True
    for lab in labs:
        yield ("" if first else "\n") + "\n".join(_digest_lab(lab)) + "\n"
        first = False
    if first:
        yield _("Nothing was shared or answered in this period.") + "\n"


def _digest_lab(lab: DigestLab) -> list[str]:
    from lablog.render.markdown import md_inline as md

    lines = [f"## {md(lab.lab)} {md(lab.name)}"]
    if lab.shared:
        lines += ["", _("Shared:")]
        lines += [
            _("- {key} {title} ({kind}) → {labs}").format(
                key=s.key, title=md(s.title), kind=kind_label(s.kind), labs=", ".join(md(t) for t in s.to)
            )
            for s in lab.shared
        ]
    for status, heading in _DIGEST_SECTIONS:
        answers = [a for a in lab.answers if a.status == status]
        if answers:
            lines += ["", _(heading)]
            for a in answers:
                fields = {
                    "key": a.key,
                    "title": md(a.title),
                    "lab": md(a.from_lab),
                    "on": i18n.long_date(a.on),
                }
                if a.note:
                    lines.append(
                        _("- {key} {title} (from {lab}, {on}): {note}").format(**fields, note=md(a.note))
                    )
                else:
                    lines.append(_("- {key} {title} (from {lab}, {on})").format(**fields))
    return lines
