"""`lablog init`, `lablog demo` and `lablog db …`: where the store is and its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, emit_json, notice, state

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="The store: its schema, upgrades and backups."
)


def register(root: typer.Typer) -> None:
    root.command("init")(init)
    root.command("demo")(demo)


def init(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Create the store, or upgrade it, and print where it is.

    Example: lablog init
    """
    st = state(ctx)
    _print_status(_info(st.store, st.engine(auto_upgrade=True, init=True)), json)


@app.command("status")
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show where the store is and which schema revision it has.

    Example: lablog db status --json
    """
    from lablog import db as dbmod

    store = state(ctx).store
    if store.sqlite_path and not store.sqlite_path.exists():
        return _print_status(_info(store, None), json)
    engine = dbmod.create_engine(store)
    try:
        _print_status(_info(store, engine), json)
    finally:
        engine.dispose()


def _info(store, engine) -> dict:
    from lablog import db, schema

    current = None
    if engine is not None:
        with db.connect(engine, store) as conn:
            current = schema.current_revision(conn)
    return {
        "store": store.display(),
        "source": store.source,
        "backend": "sqlite" if store.is_sqlite else store.url.split(":", 1)[0],
        "exists": engine is not None,
        "revision": current,
        "head": schema.head(),
        "up_to_date": current == schema.head(),
    }


def _print_status(info: dict, json: bool) -> None:
    from lablog import schema

    if json:
        return emit_json(info)
    print(f"Store:    {info['store']} (from {info['source']})")
    print(f"Backend:  {info['backend']}")
    current, head = info["revision"], info["head"]
    if not info["exists"]:
        print("Schema:   none: the store does not exist yet (run `lablog init`)")
    elif current == head:
        print(f"Schema:   {current} (up to date)")
    elif current is None:
        print("Schema:   none (run `lablog init`)")
    elif current in schema.known_revisions():
        print(f"Schema:   {current} (older; run `lablog db upgrade` to reach {head})")
    else:
        print(f"Schema:   {current} (newer than this lablog knows; upgrade lablog)")


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the store's schema up to this lablog's version.

    Example: lablog db upgrade
    """
    from lablog import schema

    st = state(ctx)
    st.engine(auto_upgrade=True)
    notice(f"The store at {st.store.display()} is at schema {schema.head()}")


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new SQLite file).")],
) -> None:
    """Copy a SQLite store to FILE while it is in use (SQLite's online backup), then check the copy.

    Example: lablog db backup ~/lablog-2026-W48.db
    """
    import os
    import secrets
    import sqlite3

    from lablog import files
    from lablog.errors import LablogError

    st = state(ctx)
    source = st.store.sqlite_path
    if source is None:
        raise LablogError("db backup copies SQLite stores; back up PostgreSQL with pg_dump")
    if file.exists() or file.is_symlink():
        raise LablogError(f"{file} exists already; choose a new file name")
    if not file.parent.is_dir():
        raise LablogError(f"The directory {file.parent} does not exist; create it first")
    st.engine()
    partial = file.parent / f".{file.name}.{secrets.token_hex(4)}.partial"
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, files.FILE_MODE))
        src, dst = sqlite3.connect(source), sqlite3.connect(partial)
        try:
            src.backup(dst)
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check") if row[0] != "ok"]
        finally:
            src.close()
            dst.close()
        if problems:
            raise LablogError(
                f"The copy failed SQLite's integrity check ({problems[0]}); nothing was written. "
                "Run `lablog db check` on the store"
            )
        files.publish(partial, file, force=False)
    except (OSError, sqlite3.Error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise LablogError(f"Cannot write {file}: {reason}; nothing was written") from None
    finally:
        partial.unlink(missing_ok=True)
    notice(f"Backed up {source} to {file} (integrity checked)")


@app.command("check")
def check(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Check the store for damage: SQLite's integrity and foreign-key checks and the search index,
    or on PostgreSQL unvalidated constraints and unreadable tables. Exit 1 when something is wrong.

    Example: lablog db check
    """
    import sqlalchemy as sa

    from lablog import backends, db
    from lablog.errors import LablogError

    st = state(ctx)
    store = st.store
    if store.sqlite_path and not store.sqlite_path.exists():
        raise LablogError(f"No store at {store.display()}; create one with `lablog init`")
    # Not st.engine(): a damaged store must be checked, not refused at the door.
    engine = db.create_engine(store)
    try:
        with db.connect(engine, store) as conn, conn.begin():
            try:
                problems = backends.for_store(store).integrity_problems(conn)
            except sa.exc.DatabaseError as e:
                problems = [str(e.orig)]
            notes = [] if problems else _control_characters(conn)
            conn.rollback()
    finally:
        engine.dispose()
    if json:
        emit_json({"store": store.display(), "ok": not problems, "problems": problems, "notes": notes})
    else:
        for problem in problems:
            print(problem)
        for note in notes:
            print(note)
    if problems:
        many = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise LablogError(f"The store at {store.display()} has {many}; restore it from a backup")
    if not json:
        print(f"The store at {store.display()} is sound")


def _control_characters(conn) -> list[str]:
    """Rows holding control characters (stored before lablog refused them): reported, never altered."""
    from sqlmodel import Session

    from lablog.services import privacy
    from lablog.text import visible

    with Session(bind=conn) as session:
        found = [f for f in privacy.scan(session) if f.kind == "control-character"]
    return [
        f"{visible(f.ref)} ({f.table}.{f.column}) holds the control character {f.value}; "
        "see `lablog privacy scan`, and edit the text to remove it"
        for f in found
    ]


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="URL|PATH", help="The empty store to copy into.")],
    yes: YesOpt = False,
) -> None:
    """Copy this store into an empty one, all or nothing: e.g. a local file to the shared server.

    Example: lablog db copy --to postgresql+psycopg://mette@db.example/lablog
    """
    from lablog import db as dbmod
    from lablog.errors import LablogError
    from lablog.services.copy import copy_store

    st = state(ctx)
    target = dbmod.StoreURL(dbmod.to_url(to), "--to")
    if target.url == st.store.url:
        raise LablogError("--to names the store being copied; give another database")
    confirm(f"Copy the store at {st.store.display()} into {target.display()}?", yes)
    from lablog.cli.transfer import ProgressBar

    with ProgressBar("Copying rows") as progress:
        counts = copy_store(st.engine(), target, progress=progress)
    notice(
        f"Copied {sum(counts.values())} rows in {len(counts)} tables from {st.store.display()} "
        f"to {target.display()}"
    )


def demo(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Where to build the demo store (default: demo.db in the data dir)."),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite an existing file at --path.")] = False,
    json: JsonOpt = False,
) -> None:
    """Build the example programme in a fresh store and show an overview.

    Example: lablog demo
    """
    from lablog import config
    from lablog import demo as demo_mod
    from lablog.cli._common import AppState
    from lablog.errors import LablogError

    st = state(ctx)
    default = config.data_dir() / "demo.db"
    if st.db and "://" in st.db:
        raise LablogError("The demo builds a SQLite file; give --path FILE instead of a database URL")
    target = (path or (Path(st.db) if st.db else default)).expanduser().resolve()
    # The default demo store is the demo's own, so it is always rebuilt.
    demo_mod.reset(target, replace=replace or target == default.expanduser().resolve())
    demo_state = AppState(db=str(target))
    try:
        overview = demo_mod.build(demo_state)
    finally:
        demo_state.close()
    summary = overview.pop("summary")
    summary_file, summary_text = demo_mod.write_summary(summary, target.parent)
    overview["summary_file"] = str(summary_file)
    if json:
        return emit_json(overview)
    demo_mod.show(overview, summary_text)
    notice(f"The demo programme is in {target}; explore it with `lablog --db {target} lab list`")
    notice(
        f"Wrote the summary of {summary.lab.code} sprint {summary.sprint.number} to {summary_file} "
        f"(`lablog --db {target} export sprint {summary.lab.code} {summary.sprint.number}`)"
    )
