"""A whole-store file as a header and a stream of records, so a large store never sits in memory.

`records(path, fmt)` gives the document's top-level values but its lists
(the header: format, version, next_knowledge_number), then every element of
its lists (organisations, people, labs, knowledge, …) one by one, in the
order of SECTIONS, each saying whether its text is known to be clean. A JSON file
written by `lablog export all` is read as it goes: orjson (or, where the
text must be looked at closely, the standard library's decoder) reads each
element, this module only the document's outline, so memory holds one
element (an item, a knowledge entry) at a time. Any other file (TOML, an
older format version, lists in another order) is read whole and handed out
the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lablog.errors import LablogError
from lablog.i18n import _
from lablog.services.transfer_format import FORMAT, VERSION, FileError, parse, upgrade_document

# The document's lists, in the order they are loaded: each refers only to those before it
# (a decision's meeting, checked once all are read, excepted).
SECTIONS = (
    "organisations",
    "people",
    "labs",
    "knowledge",
    "impediments",
    "decisions",
    "measures",
    "pdsa_cycles",
    "meetings",
    "change_log",
)
# Read at a time from the file: an element larger than this makes the buffer grow.
BLOCK = 1 << 20
# progress(bytes just read, bytes in all)
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Record:
    section: str
    index: int
    value: Any
    # Known to hold no text that lablog.text would refuse or change (see `plain`), so the
    # string-by-string check can be left out.
    clean: bool


class Restart(Exception):
    """The stream found that the file must be read whole (lists out of order): start again with `whole`."""


def read_file(path: Path, *, binary: bool = False):
    """The file opened; one clear line when it is missing, a directory or unreadable."""
    try:
        return path.open("rb") if binary else path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise LablogError(
            _("No file {path}; give the path of a file written by `lablog export all`").format(path=path)
        ) from None
    except IsADirectoryError:
        raise LablogError(
            _("{path} is a directory; give the path of a file written by `lablog export all`").format(
                path=path
            )
        ) from None
    except PermissionError:
        raise LablogError(_("Cannot read {path}: permission denied").format(path=path)) from None


def _not_utf8(path: Path) -> LablogError:
    return LablogError(_("{path} is not UTF-8 text; is it a lablog export?").format(path=path))


def read_text(path: Path) -> str:
    """The file's whole text."""
    with read_file(path) as f:
        try:
            return f.read()
        except UnicodeDecodeError:
            raise _not_utf8(path) from None


def records(path: Path, fmt: str, *, progress: Progress | None = None) -> tuple[dict, Iterator[Record]]:
    """(header, records): see the module's docstring. Raises FileError for a file that is not one.

    The records of a streamed file may end in Restart, when it turns out to
    need reading whole: undo what was done with them and call `whole`.
    """
    if fmt == "json":
        stream = _JsonStream(path, progress)
        try:
            header = stream.header()
        except Restart:
            stream.close()
        else:
            return header, stream.records()
    return whole(path, fmt, progress=progress)


def _split(doc: dict, progress: Progress | None) -> tuple[dict, Iterator[Record]]:
    header = {k: v for k, v in doc.items() if k not in SECTIONS or not isinstance(v, list)}

    def each() -> Iterator[Record]:
        total = sum(len(doc[s]) for s in SECTIONS if isinstance(doc.get(s), list))
        for section in SECTIONS:
            values = doc.get(section)
            if isinstance(values, list):
                for index, value in enumerate(values):
                    if progress:
                        progress(1, total)
                    if section == "labs":
                        yield from lab_parts(index, value, False)
                    else:
                        yield Record(section, index, value, False)

    return header, each()


# A lab is handed out in parts, so that a large one need not be held whole: its own values
# ("labs"), then each sprint ("labs.sprints") before each item ("labs.items"), which names
# its sprints, then "labs.end". A part's index is its place in the lab's list.
LAB_LISTS = ("sprints", "items")


def lab_parts(index: int, lab: Any, clean: bool) -> Iterator[Record]:
    """A lab read whole, in parts; one that is not an object with lists is one part (the check refuses it)."""
    if not isinstance(lab, dict) or any(not isinstance(lab.get(key, []), list) for key in LAB_LISTS):
        yield Record("labs", index, lab, clean)
        yield Record("labs.end", index, None, True)
        return
    yield Record("labs", index, {k: v for k, v in lab.items() if k not in LAB_LISTS}, clean)
    for key in LAB_LISTS:
        for n, value in enumerate(lab.get(key, [])):
            yield Record(f"labs.{key}", n, value, clean)
    yield Record("labs.end", index, None, True)


_NOT_WHITESPACE = re.compile(rb"[^ \t\n\r]")

# Bytes that may hold what lablog.text refuses: an escape (\u…, \b, \f, \r; a control
# character is one), a control character as it is, or ten digits in a row or six, a dash and
# four (a CPR number; long numbers also go the exact way, see _JsonStream._value). Text with
# none of them, and already NFC, is as clean as the check would make it. Looked for in each
# block read, digits made 0s, C0 controls and DEL made \x01, and the bytes of U+0080–U+00FF
# (Latin-1 letters: NFC alone or together) made "a" by one translate: a regular expression
# over every character took longer than reading the file.
_SPOT = bytes.maketrans(
    b"123456789" + bytes([*range(0, 9), *range(11, 32), 127, *range(0x80, 0xC0), 0xC2, 0xC3]),
    b"0" * 9 + b"\x01" * 31 + b"a" * 66,
)
_ESCAPE = re.compile(rb"\\[ubfr]")
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
# What a block keeps of the one before it, for what straddles them.
TAIL = 16


def plain(data: bytes) -> bool:
    """Whether JSON text (UTF-8, perhaps cut mid-character at its ends) surely holds nothing
    lablog.text would refuse or change, and no number too long for a machine integer."""
    spots = data.translate(_SPOT)
    if b"\x01" in spots or (b"\\" in spots and _ESCAPE.search(spots)):
        return False
    if b"\xc2" in data and _C1.search(data):
        return False
    if b"0000000000" in spots or b"000000-0000" in spots:
        return False
    return spots.isascii() or unicodedata.is_normalized("NFC", data.decode(errors="ignore"))


class _JsonStream:
    """The outline of a JSON document read by hand, its values by orjson or json's own decoder.

    Works on the file's bytes. A list's element as `lablog export all` writes it
    (an object or list starting a line, indented, its end on a line of its own
    as deep) is found by that end and decoded by orjson, in one call: the
    slice decodes only if it is exactly one value. Anything else, and any
    element whose bytes the text check must see (see `plain`), is decoded by
    the standard library's decoder, which is what reading the file whole does.
    """

    def __init__(self, path: Path, progress: Progress | None):
        self.path = path
        self.name = str(path)
        self.file = read_file(path, binary=True)
        self.total = path.stat().st_size if progress else 0
        self.reported = 0
        self.progress = progress
        self.buf = b""
        self.pos = 0
        self.eof = False
        # Bytes of the file dropped from the buffer, for where an error is.
        self.before = 0
        # Where text may not be clean, as [start, end) in bytes from the file's start.
        self.suspect: list[tuple[int, int]] = []
        self.tail = b""
        self.decoder = json.JSONDecoder()

    def close(self) -> None:
        self.file.close()

    # Reading ------------------------------------------------------------------

    def _more(self, at_least: int = BLOCK) -> bool:
        """Read on (at least `at_least` bytes, when there are); False at the end of the file."""
        if self.eof:
            return False
        block = self.file.read(max(BLOCK, at_least))
        if not block:
            self.eof = True
            if self.progress:
                self.progress(self.total - self.reported, self.total)
            return False
        start = self.before + len(self.buf)
        # A block at a time, with the end of the one before: what is looked for may straddle them.
        for at in range(0, len(block), BLOCK):
            piece = self.tail + block[at : at + BLOCK]
            if not plain(piece):
                self.suspect.append((start + at - len(self.tail), start + at + len(piece)))
            self.tail = piece[-TAIL:]
        # What is read is let go, but for a line's worth before the place reached (see _indent).
        drop = self.pos - 256
        if drop > BLOCK:
            self.before += drop
            self.buf = self.buf[drop:] + block
            self.pos -= drop
        else:
            self.buf += block
        if self.progress:
            done = min(len(block), self.total - self.reported)
            self.reported += done
            self.progress(done, self.total)
        return True

    def _skip(self) -> str:
        """The next character that is not white space ("" at the end), not taken."""
        while True:
            found = _NOT_WHITESPACE.search(self.buf, self.pos)
            if found:
                self.pos = found.start()
                return chr(self.buf[self.pos])
            self.pos = len(self.buf)
            if not self._more():
                return ""

    def _error(self, message: str, pos: int | None = None) -> FileError:
        # Where, counted in the file read again from the start: only ever for an error.
        offset = self.before + (self.pos if pos is None else pos)
        with read_file(self.path, binary=True) as f:
            before = f.read(offset)
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode(errors="replace")) + 1
        return FileError(
            _("{name} is not valid JSON: {error} (at line {line}, column {column})").format(
                name=self.name, error=message, line=line, column=column
            )
        )

    def _expect(self, chars: str) -> str:
        found = self._skip()
        if not found or found not in chars:
            what = {
                ":": "Expecting ':' delimiter",
                ",}": "Expecting ',' delimiter",
                ",]": "Expecting ',' delimiter",
                "{": "Expecting value",
                '"': "Expecting property name enclosed in double quotes",
            }[chars]
            raise self._error(what)
        self.pos += 1
        return found

    def _value(self) -> Any:
        """The JSON value at the current place."""
        self._skip()
        end = self._end()
        if end is not None and self._clean_between(self.before + self.pos, self.before + end):
            import orjson

            try:
                value = orjson.loads(memoryview(self.buf)[self.pos : end])
            except orjson.JSONDecodeError:
                pass  # not one value after all: the exact way says why
            else:
                self.pos = end
                return value
        return self._decoded()

    def _indent(self) -> int | None:
        """How deep the value here is indented, when it starts a line (else None)."""
        line = self.buf.rfind(b"\n", max(0, self.pos - 256), self.pos)
        gap = self.buf[line + 1 : self.pos]
        return len(gap) if line >= 0 and gap.count(b" ") == len(gap) else None

    def _end(self) -> int | None:
        """Where the object or list here ends, by its closing line as deep as it; None if unseen."""
        opening = self.buf[self.pos : self.pos + 1]
        if opening not in (b"{", b"[") or (depth := self._indent()) is None:
            return None
        closing = b"\n" + b" " * depth + (b"}" if opening == b"{" else b"]")
        while (end := self.buf.find(closing, self.pos)) < 0:
            # Read as much again as the value has so far: a large value is looked through a few
            # times, not once per block.
            if not self._more(len(self.buf) - self.pos):
                return None
        return end + len(closing)

    def _decoded(self) -> Any:
        """The value here by json's own decoder, as reading the file whole decodes it."""
        size = 1 << 12
        while True:
            start = self.pos
            text = self._text(start, size)
            try:
                value, end = self.decoder.raw_decode(text)
            except RecursionError:
                raise FileError(
                    _(
                        "{name} is nested too deeply to be a lablog store file; "
                        "write one with `lablog export all`"
                    ).format(name=self.name)
                ) from None
            except json.JSONDecodeError as e:
                # Cut off by the end of what was decoded (an unterminated string says where it began)?
                cut = e.pos >= len(text) - 6 or e.msg.startswith("Unterminated string")
                if cut and self._room(start, size):
                    size *= 4
                    continue
                raise self._error(e.msg, start + len(text[: e.pos].encode())) from None
            # A number may go on after what was decoded.
            if end >= len(text) - 1 and self._room(start, size):
                size *= 4
                continue
            self.pos = start + len(text[:end].encode())
            return value

    def _room(self, start: int, size: int) -> bool:
        """Whether there is more to decode than `size` bytes from start (reading on if need be)."""
        return start + size < len(self.buf) or self._more(size)

    def _text(self, start: int, size: int) -> str:
        """Up to `size` bytes from start as text, a character cut off at the end left out."""
        data = self.buf[start : start + size]
        try:
            return data.decode()
        except UnicodeDecodeError as e:
            more = start + size < len(self.buf) or not self.eof
            if e.reason == "unexpected end of data" and more:
                return data[: e.start].decode()
            raise _not_utf8(self.path) from None

    def _key(self) -> str | None:
        """The next key of the object being read, or None at its end."""
        if self._skip() == "}":
            self.pos += 1
            return None
        if self.buf[self.pos : self.pos + 1] != b'"':
            raise self._error("Expecting property name enclosed in double quotes")
        key = self._value()
        self._expect(":")
        return key

    # The document ------------------------------------------------------------------

    def header(self) -> dict:
        """The values before the first list; Restart unless the file can be streamed."""
        if self._skip() != "{":
            raise Restart
        self.pos += 1
        self.fields: dict = {}
        self.done: list[str] = []
        self.first = True
        while True:
            key = self._next_key()
            if key is None:
                self.pending = None
                break
            if key in SECTIONS and self._skip() == "[":
                self.pending = key
                break
            self.fields[key] = self._value()
        if self.fields.get("format") != FORMAT or self.fields.get("version") != VERSION:
            raise Restart
        return self.fields

    def _next_key(self) -> str | None:
        if not self.first and self._skip() != "}":
            self._expect(",}")
        self.first = False
        return self._key()

    def records(self) -> Iterator[Record]:
        try:
            key = self.pending
            while key is not None:
                if key in SECTIONS and self._skip() == "[":
                    yield from self._section(key)
                else:
                    # A value after the lists: too late for the header; read the file whole.
                    raise Restart
                key = self._next_key()
            if self._skip():
                raise self._error("Extra data")
        finally:
            self.close()

    def _section(self, key: str) -> Iterator[Record]:
        if key in self.done or any(SECTIONS.index(d) > SECTIONS.index(key) for d in self.done):
            raise Restart
        self.done.append(key)
        self.pos += 1  # "["
        if self._skip() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            if key == "labs" and self._skip() == "{":
                yield from self._lab(index)
            else:
                start = self._at()
                value = self._value()
                clean = self._clean(start)
                if key == "labs":
                    yield from lab_parts(index, value, clean)
                else:
                    yield Record(key, index, value, clean)
            index += 1
            if self._expect(",]") == "]":
                return

    def _at(self) -> int:
        return self.before + self.pos

    def _clean(self, start: int) -> bool:
        """Whether the text from start to here lies outside every block that may need checking."""
        return self._clean_between(start, self._at())

    def _clean_between(self, start: int, end: int) -> bool:
        while self.suspect and self.suspect[0][1] <= start:
            self.suspect.pop(0)
        return not any(s < end and e > start for s, e in self.suspect)

    def _lab(self, index: int) -> Iterator[Record]:
        """A lab's parts (see lab_parts) as the lab is read: its sprints and items one by one.

        Items before sprints (as files written before sprints came first have them)
        are read whole and handed out after the sprints.
        """
        start = self._at()
        self.pos += 1  # "{"
        fields: dict = {}
        lists: set[str] = set()
        said = False
        items, items_clean = None, True
        first = True
        while True:
            if not first and self._skip() != "}":
                self._expect(",}")
            first = False
            key = self._key()
            if key is None:
                break
            if key in LAB_LISTS and self._skip() == "[":
                if not said:
                    yield Record("labs", index, fields, self._clean(start))
                    said = True
                if key in lists:
                    raise Restart  # twice: json.loads keeps the last; so does reading it whole
                lists.add(key)
                if key == "items" and "sprints" not in lists:
                    # Sprints may follow: hold the items (whole, as before) until they have.
                    at = self._at()
                    items = self._value()
                    items_clean = self._clean(at)
                    continue
                self.pos += 1  # "["
                n = 0
                if self._skip() == "]":
                    self.pos += 1
                    continue
                while True:
                    at = self._at()
                    value = self._value()
                    yield Record(f"labs.{key}", n, value, self._clean(at))
                    n += 1
                    if self._expect(",]") == "]":
                        break
            elif said:
                raise Restart  # a value after the lists: read the file whole
            else:
                fields[key] = self._value()
        if not said:
            yield Record("labs", index, fields, self._clean(start))
        for n, value in enumerate(items or []):
            yield Record("labs.items", n, value, items_clean)
        yield Record("labs.end", index, None, True)


def whole(path: Path, fmt: str, *, progress: Progress | None = None) -> tuple[dict, Iterator[Record]]:
    """The file read whole, then handed out as `records` does."""
    doc = upgrade_document(parse(read_text(path), fmt, name=str(path)), name=str(path))
    return _split(doc, progress)
