"""`lablog init`, `lablog demo` and `lablog db …`: where the store is and its schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lablog.cli._common import JsonOpt, YesOpt, confirm, emit_json, notice, state
from lablog.i18n import N_, _, ngettext

app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="The store: its schema, upgrades and backups."
)


def register(root: typer.Typer) -> None:
    root.command("init")(init)
    root.command("demo")(demo)


# The help of init and demo (their docstrings, as Typer shows them), marked for the
# catalog, which finds the docstrings of decorated commands only.
N_("Create the store, or upgrade it, and print where it is.\n\nExample: lablog init")
N_("Build the example programme in a fresh store and show an overview.\n\nExample: lablog demo")


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
    print(_("Store:    {store} (from {source})").format(store=info["store"], source=info["source"]))
    print(_("Backend:  {backend}").format(backend=info["backend"]))
    current, head = info["revision"], info["head"]
    if not info["exists"]:
        print(_("Schema:   none: the store does not exist yet (run `lablog init`)"))
    elif current == head:
        print(_("Schema:   {revision} (up to date)").format(revision=current))
    elif current is None:
        print(_("Schema:   none (run `lablog init`)"))
    elif current in schema.known_revisions():
        print(
            _("Schema:   {revision} (older; run `lablog db upgrade` to reach {head})").format(
                revision=current, head=head
            )
        )
    else:
        print(
            _("Schema:   {revision} (newer than this lablog knows; upgrade lablog)").format(revision=current)
        )


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the store's schema up to this lablog's version.

    Example: lablog db upgrade
    """
    from lablog import schema

    st = state(ctx)
    st.engine(auto_upgrade=True)
    notice(_("The store at {store} is at schema {head}").format(store=st.store.display(), head=schema.head()))


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
        raise LablogError(_("db backup copies SQLite stores; back up PostgreSQL with pg_dump"))
    if file.exists() or file.is_symlink():
        raise LablogError(_("{file} exists already; choose a new file name").format(file=file))
    if not file.parent.is_dir():
        raise LablogError(_("The directory {dir} does not exist; create it first").format(dir=file.parent))
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
                _(
                    "The copy failed SQLite's integrity check ({problem}); nothing was written. "
                    "Run `lablog db check` on the store"
                ).format(problem=problems[0])
            )
        files.publish(partial, file, force=False)
    except (OSError, sqlite3.Error) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise LablogError(
            _("Cannot write {file}: {reason}; nothing was written").format(file=file, reason=reason)
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    notice(_("Backed up {source} to {file} (integrity checked)").format(source=source, file=file))


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
        raise LablogError(
            _("No store at {store}; create one with `lablog init`").format(store=store.display())
        )
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
        raise LablogError(
            ngettext(
                "The store at {store} has {n} problem; restore it from a backup",
                "The store at {store} has {n} problems; restore it from a backup",
                len(problems),
            ).format(store=store.display(), n=len(problems))
        )
    if not json:
        print(_("The store at {store} is sound").format(store=store.display()))


def _control_characters(conn) -> list[str]:
    """Rows holding control characters (stored before lablog refused them): reported, never altered."""
    from sqlmodel import Session

    from lablog.services import privacy
    from lablog.text import visible

    with Session(bind=conn) as session:
        found = [f for f in privacy.scan(session) if f.kind == "control-character"]
    return [
        _(
            "{ref} ({table}.{column}) holds the control character {value}; "
            "see `lablog privacy scan`, and edit the text to remove it"
        ).format(ref=visible(f.ref), table=f.table, column=f.column, value=f.value)
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
        raise LablogError(_("--to names the store being copied; give another database"))
    confirm(
        _("Copy the store at {store} into {target}?").format(
            store=st.store.display(), target=target.display()
        ),
        yes,
    )
    from lablog.cli.transfer import ProgressBar

    with ProgressBar(_("Copying rows")) as progress:
        counts = copy_store(st.engine(), target, progress=progress)
    notice(
        _("Copied {rows} rows in {tables} tables from {store} to {target}").format(
            rows=sum(counts.values()), tables=len(counts), store=st.store.display(), target=target.display()
        )
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
        raise LablogError(_("The demo builds a SQLite file; give --path FILE instead of a database URL"))
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
    notice(
        _("The demo programme is in {target}; explore it with `lablog --db {target} lab list`").format(
            target=target
        )
    )
    notice(
        _(
            "Wrote the summary of {lab} sprint {number} to {file} "
            "(`lablog --db {target} export sprint {lab} {number}`)"
        ).format(lab=summary.lab.code, number=summary.sprint.number, file=summary_file, target=target)
    )
