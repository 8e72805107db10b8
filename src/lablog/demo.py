"""`lablog demo`: the example programme, built through lablog's own services."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from lablog.dates import parse_date
from lablog.errors import LablogError

DATA = "programme.toml"


def data_file() -> Path:
    """The example data: shipped inside the package, or in the source tree's examples/."""
    here = Path(__file__).parent
    for candidate in (here / "examples" / DATA, here.parents[1] / "examples" / DATA):
        if candidate.exists():
            return candidate
    raise LablogError(f"The example programme ({DATA}) is missing from this installation; reinstall lablog")


def reset(target: Path, *, replace: bool) -> None:
    """Remove an earlier demo store; refuse to touch any other file unless asked."""
    if target.exists() and not replace:
        raise LablogError(f"{target} exists already; pass --replace to overwrite it with the demo")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def load(session, *, today: date) -> None:
    """Load the example programme into an empty store, in the caller's transaction."""
    from lablog.services import labs, orgs, people, sm

    with data_file().open("rb") as f:
        data = tomllib.load(f)

    def day(value: str) -> date:
        return parse_date(value, today=today)

    for o in data["org"]:
        orgs.add(session, code=o["code"], name=o["name"], sector=o["sector"])
    for p in data["person"]:
        people.add(session, name=p["name"], org=p["org"], email=p.get("email"))
    for lab in data["lab"]:
        starts = day(lab["start"])
        labs.add(
            session,
            code=lab["code"],
            name=lab["name"],
            focus=lab.get("focus"),
            target_groups=lab.get("target_groups", []),
            start=starts,
            today=today,
        )
        for m in lab.get("members", []):
            labs.member_add(
                session, lab=lab["code"], person=m["person"], role=m.get("role", "member"), on=starts
            )
    for a in data["sm"]:
        sm.assign(
            session, person=a["person"], lab=a["lab"], starts=day(a["from"]), role=a.get("role", "lead")
        )


def build(state) -> dict:
    """Fill the state's (fresh) store with the example programme; return an overview."""
    from sqlmodel import Session

    from lablog.services import labs, sm

    today = state.today()
    from lablog.services import changelog

    with Session(state.engine(), expire_on_commit=False) as session, session.begin():
        changelog.track(session, actor=state.actor())
        load(session, today=today)
        return {
            "store": state.store.display(),
            "labs": labs.list_all(session, today=today),
            "network": sm.network(session, at=today),
        }


def show(overview: dict) -> None:
    from rich.console import Console

    from lablog.render import tables

    console = Console(highlight=False)
    console.rule("[bold]The example programme")
    tables.labs(console, overview["labs"])
    tables.network(console, overview["network"])
