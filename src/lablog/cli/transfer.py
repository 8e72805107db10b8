"""`lablog import FILE`, and what it shares with `lablog export all`: formats and progress bars.

The file format is described in docs/export-format.md.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lablog.cli._common import notice, say_error, session, state
from lablog.errors import LablogError
from lablog.i18n import N_, _, ngettext
from lablog.text import visible

FORMATS = ("toml", "json")
# Below this many rows the work takes a blink; a bar would only flicker.
PROGRESS_ABOVE = 1000

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="toml|json",
        help="The file's format (default: from the file name's extension; toml for stdout).",
    ),
]


def file_format(fmt: str | None, path: Path | None, *, param: str, default: str | None = None) -> str:
    """The format asked for, else the one the file name says; a mismatch or a guess is a usage error."""
    if fmt is not None:
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise typer.BadParameter(
                _("{fmt!r} is not a format; use toml or json").format(fmt=fmt), param_hint="--format"
            )
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    if suffix in FORMATS:
        if fmt is not None and fmt != suffix:
            raise typer.BadParameter(
                _("--format {fmt} does not match the file name {name}; name it .{fmt}").format(
                    fmt=fmt, name=path.name
                ),
                param_hint="--format",
            )
        return suffix
    if fmt is not None:
        return fmt
    if path is None and default:
        return default
    raise typer.BadParameter(
        _("cannot tell the format of {name} from its name; name it .toml or .json, or pass --format").format(
            name=path.name
        ),
        param_hint=param,
    )


class ProgressBar:
    """progress(n, total): advances a bar on stderr, shown only on a terminal and for large work."""

    def __init__(self, what: str, *, in_bytes: bool = False):
        self.what = what
        self.in_bytes = in_bytes
        self.bar = None
        self.task = None
        self.off = not sys.stderr.isatty()

    def __call__(self, n: int, total: int) -> None:
        if self.off or total <= PROGRESS_ABOVE:
            return
        if self.bar is None:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from lablog.cli._common import err_console

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn() if self.in_bytes else MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err_console(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.what, total=total)
        self.bar.advance(self.task, n)

    def now(self, what: str) -> None:
        """Say what the work has moved on to, on a bar already shown."""
        if self.bar is not None:
            self.bar.update(self.task, description=what)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


# What a file holds, counted in the words of services.transfer_load.Loader.counts.
_COUNTED = {
    "organisations": lambda n: ngettext("{n} organisation", "{n} organisations", n),
    "people": lambda n: ngettext("{n} person", "{n} people", n),
    "labs": lambda n: ngettext("{n} lab", "{n} labs", n),
    "items": lambda n: ngettext("{n} item", "{n} items", n),
    "sprints": lambda n: ngettext("{n} sprint", "{n} sprints", n),
    "knowledge entries": lambda n: ngettext("{n} knowledge entry", "{n} knowledge entries", n),
    "impediments": lambda n: ngettext("{n} impediment", "{n} impediments", n),
    "decisions": lambda n: ngettext("{n} decision", "{n} decisions", n),
    "measures": lambda n: ngettext("{n} measure", "{n} measures", n),
    "measure points": lambda n: ngettext("{n} measure point", "{n} measure points", n),
    "PDSA cycles": lambda n: ngettext("{n} PDSA cycle", "{n} PDSA cycles", n),
    "meetings": lambda n: ngettext("{n} meeting", "{n} meetings", n),
    "attendance rows": lambda n: ngettext("{n} attendance row", "{n} attendance rows", n),
    "change-log rows": lambda n: ngettext("{n} change-log row", "{n} change-log rows", n),
}


def _plural(n: int, word: str) -> str:
    said = _COUNTED.get(word)
    return said(n).format(n=n) if said else f"{n} {word}"


# import_store's help (its docstring, as Typer shows it), marked for the catalog, which
# finds the docstrings of decorated commands only.
N_(
    "Load a whole-store file into an empty store, all or nothing, after checking all of it.\n\n"
    "Every problem is reported with where it is (labs[2].sprints[0].ends: …);\n"
    "with any problem, nothing is written.\n\n"
    "Example: lablog --db new.db import programme.toml"
)


def refuse(file: Path, problems: list[str], *, named: bool = False) -> NoReturn:
    """Say every problem in the file (after its name, with named), then that nothing was imported."""
    for problem in problems:
        say_error(f"{file}: {visible(problem)}" if named else problem)
    raise LablogError(
        ngettext(
            "{file} has {n} problem; nothing was imported",
            "{file} has {n} problems; nothing was imported",
            len(problems),
        ).format(file=file, n=len(problems))
    )


def _unmake(ctx: typer.Context, path: Path, existed: bool) -> None:
    """Put a store file this import made back as it was: gone, or empty."""
    state(ctx).close()
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    if existed:
        path.write_bytes(b"")
    else:
        path.unlink(missing_ok=True)


def import_store(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `lablog export all` (.toml or .json).")],
    fmt: FormatOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and say what it holds; write nothing.")
    ] = False,
) -> None:
    """Load a whole-store file into an empty store, all or nothing, after checking all of it.

    Every problem is reported with where it is (labs[2].sprints[0].ends: …);
    with any problem, nothing is written.

    Example: lablog --db new.db import programme.toml
    """
    from lablog.services import transfer, transfer_load, transfer_read

    kind = file_format(fmt, file, param="FILE")
    where = state(ctx).store.display()

    def load(whole: bool) -> transfer_load.Loader:
        read = transfer_read.whole if whole else transfer_read.records
        with ProgressBar(_("Importing"), in_bytes=not whole) as progress:
            # The file first: a missing or unreadable file is its error, before any store's.
            header, records = read(file, kind, progress=None if progress.off else progress)
            # Checked, numbered and inserted as it is read; any problem rolls all of it back.
            # A dry run for a store not made yet checks the file alone.
            path = state(ctx).store.sqlite_path
            alone = dry_run and path is not None and not path.exists()
            with nullcontext() if alone else session(ctx, write=not dry_run) as s:
                if s is not None:
                    transfer.check_empty(s, where=where)
                connection = None if dry_run else s.connection()
                loader = transfer_load.Loader(connection, allow_number=state(ctx).allow_number)
                loader.header(header)
                for record in records:
                    loader.add(record)
                # Read: the indexes are built and the counters set, which takes a while for a large file.
                progress.now(_("Building indexes"))
                problems = loader.finish()
                if problems:
                    refuse(file, problems)
        return loader

    # A store this import makes (where there was no file, or an empty one) is left only if it succeeds.
    made = state(ctx).store.sqlite_path
    existed = made is not None and made.exists()
    if dry_run or made is None or (existed and made.stat().st_size):
        made = None
    state(ctx).held_notices = []
    try:
        try:
            loader = load(whole=False)
        except transfer_read.Restart:
            loader = load(whole=True)
    except BaseException:
        if made is not None:
            _unmake(ctx, made, existed)
        raise
    for message in state(ctx).held_notices:
        notice(message)
    held = ", ".join(_plural(n, what) for what, n in loader.counts().items())
    if dry_run:
        print(
            _("{file} is valid and holds {held}; nothing was written (--dry-run)").format(
                file=file, held=held
            )
        )
        return
    notice(
        _("Imported {held} ({rows} rows) from {file} into {where}").format(
            held=held, rows=sum(loader.inserted.values()), file=file, where=where
        )
    )
