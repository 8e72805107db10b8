"""Files lablog writes: private to their owner, whole or not at all, never through a symlink.

What lablog writes names people (an export, a backup, the store itself), so
files are 0600 and new directories 0700. A file is written under a temporary
name beside its target, created with O_EXCL | O_NOFOLLOW, and takes the
target's name only once it is complete: a full disk or a crash leaves no half
file, and a symlink planted at the target is replaced, never followed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from lablog.errors import LablogError
from lablog.i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dirs(path: Path) -> None:
    """Create path and any missing parents, each 0700 (mkdir's mode= only applies to the last)."""
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            pass


def _problem(path: Path, e: OSError) -> LablogError:
    reason = e.strerror or str(e)
    return LablogError(
        _("Cannot write {file}: {reason}; nothing was written").format(file=path, reason=reason)
    )


def check_target(output: Path, *, force: bool) -> None:
    """Refuse a target that exists (without --force) or whose directory does not."""
    if (output.exists() or output.is_symlink()) and not force:
        raise LablogError(_("{file} exists already; pass --force to overwrite it").format(file=output))
    if not output.parent.is_dir():
        raise LablogError(_("The directory {dir} does not exist; create it first").format(dir=output.parent))


@contextmanager
def atomic(output: Path, *, force: bool, binary: bool = False) -> Iterator[TextIO | BinaryIO]:
    """A file to write piece by piece that becomes `output` only once all of it is written.

    Without force it never replaces a file that exists or appeared meanwhile.
    """
    check_target(output, force=force)
    partial = output.parent / f".{output.name}.{secrets.token_hex(4)}.partial"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except OSError as e:
        raise _problem(output, e) from None
    try:
        try:
            mode = "wb" if binary else "w"
            kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
            with open(fd, mode, **kwargs) as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
        except OSError as e:
            raise _problem(output, e) from None
        publish(partial, output, force=force)
    finally:
        partial.unlink(missing_ok=True)


def publish(partial: Path, output: Path, *, force: bool) -> None:
    """Give the finished file at `partial` the name `output` (a rename: a symlink there is replaced)."""
    try:
        if force:
            os.replace(partial, output)
            return
        try:
            os.link(partial, output)  # fails if output exists, unlike a rename
        except FileExistsError:
            raise LablogError(
                _("{file} exists already; pass --force to overwrite it").format(file=output)
            ) from None
        except OSError:  # a file system without hard links
            if output.exists() or output.is_symlink():
                raise LablogError(
                    _("{file} exists already; pass --force to overwrite it").format(file=output)
                ) from None
            os.replace(partial, output)
    except LablogError:
        raise
    except OSError as e:
        raise _problem(output, e) from None


def write_text(output: Path, text: str, *, force: bool) -> None:
    with atomic(output, force=force) as out:
        out.write(text)
