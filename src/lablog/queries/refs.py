"""Finding a row from what a user typed, for the reads in lablog.queries."""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import NamedTuple

from lablog.errors import NotFound
from lablog.i18n import N_, _

_DANISH = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa", "ß": "ss"})


def slugify(name: str) -> str:
    """'Mette Ørum Holm' -> 'mette-orum-holm' (Danish letters transliterated)."""
    text = unicodedata.normalize("NFKD", name.translate(_DANISH))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class LabRef(NamedTuple):
    id: int
    code: str


# The messages for an unknown name, whole sentences per kind of thing:
# (close ones found, none exist yet, the known ones).
_UNKNOWN = {
    "lab": (
        N_("No lab {typed!r}; did you mean {close}?"),
        N_("No lab {typed!r}; there are no labs yet"),
        N_("No lab {typed!r}; known labs: {known}"),
    ),
    "organisation": (
        N_("No organisation {typed!r}; did you mean {close}?"),
        N_("No organisation {typed!r}; there are no organisations yet"),
        N_("No organisation {typed!r}; known organisations: {known}"),
    ),
    "person": (
        N_("No person {typed!r}; did you mean {close}?"),
        N_("No person {typed!r}; there are no people yet"),
        N_("No person {typed!r}; known people: {known}"),
    ),
}


def candidates(typed: str, known: list[str], what: str, plural: str) -> str:
    """The message for an unknown name: the close ones, else the known ones."""
    close_one, none_yet, known_ones = _UNKNOWN.get(
        what,
        (
            f"No {what} {{typed!r}}; did you mean {{close}}?",
            f"No {what} {{typed!r}}; there are no {plural} yet",
            f"No {what} {{typed!r}}; known {plural}: {{known}}",
        ),
    )
    close = difflib.get_close_matches(typed, known, n=3, cutoff=0.5)
    if close:
        return _(close_one).format(typed=typed, close=", ".join(close))
    if not known:
        return _(none_yet).format(typed=typed)
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return _(known_ones).format(typed=typed, known=shown)


def lab(reader, ref: str) -> LabRef:
    """The lab with this code (any case); raises NotFound listing candidates."""
    code = ref.strip().upper()
    found = reader.rows("SELECT id, code FROM lab WHERE code = :code", code=code)
    if not found:
        raise unknown_lab(reader, code)
    return LabRef(*found[0])


def lab_id(reader, ref: str) -> int:
    """The id of the lab with this code (any case); raises NotFound listing candidates."""
    return lab(reader, ref).id


def unknown_lab(reader, code: str) -> NotFound:
    """The error for a lab code that matches no lab: the closest codes, else the known ones."""
    known = [c for (c,) in reader.rows("SELECT code FROM lab ORDER BY code")]
    return NotFound(candidates(code, known, "lab", "labs"))


def person_id(reader, ref: str) -> int:
    """The id of a person by handle, email or a unique handle prefix; raises NotFound when none or several."""
    typed = ref.strip()
    found, several = _person(reader, typed)
    if found is not None:
        return found[0]
    if "@" in typed:
        raise NotFound(_("No person with email {typed!r}; see `lablog person list`").format(typed=typed))
    if several:
        raise NotFound(
            _("{typed!r} matches several people ({handles}); give the whole handle").format(
                typed=typed, handles=", ".join(several[:5])
            )
        )
    known = [h for (h,) in reader.rows("SELECT handle FROM person ORDER BY handle")]
    raise NotFound(candidates(slugify(typed) or typed, known, "person", "people"))


def person_handle(reader, ref: str) -> str | None:
    """The handle of the one person `ref` names (handle, email, name or unique handle prefix), else None."""
    found, _ = _person(reader, ref.strip())
    return None if found is None else found[1]


def _person(reader, typed: str) -> tuple[tuple[int, str] | None, list[str]]:
    """(id, handle) of the person typed names, else None and the handles it could be."""
    if "@" in typed:
        found = reader.rows("SELECT id, handle FROM person WHERE lower(email) = :email", email=typed.lower())
        return (tuple(found[0]) if found else None), []
    handle = slugify(typed)
    found = reader.rows("SELECT id, handle FROM person WHERE handle = :handle", handle=handle)
    if found:
        return tuple(found[0]), []
    if not handle:
        return None, []
    # A slug has only a-z, 0-9 and -, so nothing in it is a LIKE wildcard.
    matches = reader.rows(
        "SELECT id, handle FROM person WHERE handle LIKE :prefix ORDER BY handle LIMIT 6",
        prefix=handle + "%",
    )
    if len(matches) == 1:
        return tuple(matches[0]), []
    return None, [h for _, h in matches]
