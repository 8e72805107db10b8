"""Reading a whole-store file as a header and records: streamed JSON, and everything else read whole."""

from __future__ import annotations

import json

import pytest

from lablog.errors import LablogError
from lablog.services import transfer_read
from lablog.services.transfer_format import FileError

DOC = {
    "format": "lablog-store",
    "version": 5,
    "next_knowledge_number": 3,
    "organisations": [{"code": "FAV", "name": "Favrskov Kommune æøå"}],
    "people": [],
    "labs": [
        {"code": "HJBH", "items": [{"number": n, "title": "x" * (n * 37 % 500)} for n in range(1, 60)]},
        {"code": "UDSK", "items": []},
    ],
    "knowledge": [{"number": 1, "body": 'linje\nto "citat" \\ 12345'}, {"number": 2, "body": 1.5e10}],
}


def _read(path, fmt="json"):
    header, records = transfer_read.records(path, fmt)
    return header, [(r.section, r.index, r.value, r.clean) for r in records]


def _whole(path, fmt="json"):
    header, records = transfer_read.whole(path, fmt)
    return header, [(r.section, r.index, r.value) for r in records]


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_streaming_gives_what_reading_whole_gives(tmp_path, monkeypatch, indent, block):
    # Tiny blocks: every value, string and number crosses a block's end somewhere.
    monkeypatch.setattr(transfer_read, "BLOCK", block)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(DOC, ensure_ascii=False, indent=indent), encoding="utf-8")
    header, streamed = _read(path)
    assert header == {"format": "lablog-store", "version": 5, "next_knowledge_number": 3}
    assert [(s, i, v) for s, i, v, _t in streamed] == _whole(path)[1]
    assert [(s, i) for s, i, _v, _t in streamed][:3] == [("organisations", 0), ("labs", 0), ("labs.items", 0)]
    # The second knowledge entry's number has ten digits: its record (and any sharing a block
    # with it) is checked string by string; without it, none is.
    assert streamed[-1][3] is False
    path.write_text(
        json.dumps({**DOC, "knowledge": DOC["knowledge"][:1]}, ensure_ascii=False, indent=indent),
        encoding="utf-8",
    )
    assert all(clean for _s, _i, _v, clean in _read(path)[1])


def test_a_syntax_error_late_in_a_file_names_its_line_and_column(tmp_path, monkeypatch):
    monkeypatch.setattr(transfer_read, "BLOCK", 16)
    text = json.dumps(DOC, ensure_ascii=False, indent=2)
    at = text.index('"number": 2')
    bad = text[:at] + '"number": 2,,' + text[at + len('"number": 2,') :]
    path = tmp_path / "bad.json"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(bad)
    header, records = transfer_read.records(path, "json")
    with pytest.raises(FileError) as e:
        list(records)
    where = f"(at line {expected.value.lineno}, column {expected.value.colno})"
    assert str(e.value) == f"{path} is not valid JSON: {expected.value.msg} {where}"


def test_a_file_cut_short_is_an_error_not_a_hang(tmp_path, monkeypatch):
    monkeypatch.setattr(transfer_read, "BLOCK", 16)
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(DOC)[:-40], encoding="utf-8")
    _header, records = transfer_read.records(path, "json")
    with pytest.raises(FileError, match="is not valid JSON"):
        list(records)


def test_lists_out_of_order_ask_for_the_file_to_be_read_whole(tmp_path):
    doc = {"format": "lablog-store", "version": 5, "labs": [{"code": "A"}], "organisations": [{"code": "O"}]}
    path = tmp_path / "o.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _header, records = transfer_read.records(path, "json")
    with pytest.raises(transfer_read.Restart):
        list(records)
    # Read whole, the records come in the order they load in.
    assert [r[0] for r in _whole(path)[1]] == ["organisations", "labs", "labs.end"]


@pytest.mark.parametrize(
    "doc",
    [
        # An older format version is upgraded whole; so is a file whose version comes after its lists.
        {"format": "lablog-store", "version": 4, "labs": [{"code": "A"}]},
        {"labs": [{"code": "A"}], "format": "lablog-store", "version": 5},
    ],
)
def test_files_that_cannot_stream_are_read_whole(tmp_path, doc):
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    header, records = _read(path)
    assert header["version"] == 5
    assert [(s, i, v, t) for s, i, v, t in records] == [
        ("labs", 0, {"code": "A"}, False),
        ("labs.end", 0, None, True),
    ]


def test_a_list_that_is_not_one_stays_in_the_header_for_the_check(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(
        json.dumps({"format": "lablog-store", "version": 5, "labs": {"code": "A"}}), encoding="utf-8"
    )
    header, records = _read(path)
    assert header["labs"] == {"code": "A"} and records == []


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"format": "lablog-store", "version": 5, "organisations": [{"name": "\xe6"}]}')
    with pytest.raises(LablogError, match="is not UTF-8 text"):
        header, records = transfer_read.records(path, "json")
        list(records)


LAB = {"code": "A", "name": "Lab A", "sprints": [{"number": 1}, {"number": 2}], "items": [{"number": 7}]}


@pytest.mark.parametrize("order", [["sprints", "items"], ["items", "sprints"]])
def test_a_lab_comes_in_parts_sprints_before_items(tmp_path, monkeypatch, order):
    """However the file orders a lab's lists, its sprints come first: items name them."""
    monkeypatch.setattr(transfer_read, "BLOCK", 5)
    lab = {"code": "A", "name": "Lab A", **{key: LAB[key] for key in order}}
    doc = {"format": "lablog-store", "version": 5, "labs": [lab, {"code": "B"}]}
    path = tmp_path / "l.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    expected = [
        ("labs", 0, {"code": "A", "name": "Lab A"}),
        ("labs.sprints", 0, {"number": 1}),
        ("labs.sprints", 1, {"number": 2}),
        ("labs.items", 0, {"number": 7}),
        ("labs.end", 0, None),
        ("labs", 1, {"code": "B"}),
        ("labs.end", 1, None),
    ]
    assert [(s, i, v) for s, i, v, _c in _read(path)[1]] == expected
    assert _whole(path)[1] == expected


def test_a_value_after_a_labs_lists_reads_the_file_whole(tmp_path):
    doc = {"format": "lablog-store", "version": 5, "labs": [{"sprints": [], "code": "A"}]}
    path = tmp_path / "late.json"
    path.write_text(
        json.dumps({**doc, "labs": [{"sprints": [{"number": 1}], "code": "A"}]}), encoding="utf-8"
    )
    _header, records = transfer_read.records(path, "json")
    with pytest.raises(transfer_read.Restart):
        list(records)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        # Times to the microsecond are six digits in a row, and every real store has them.
        ('"created_at": "2026-11-23T07:46:23.123456+00:00"', True),
        ('"title": "Bedre overgange for ældre: Ærø, Øster Åby"', True),
        ('"title": "Samtale – opfølgning"', True),
        ('"body": "CPR 010190-1234"', False),
        ('"body": "0101901234"', False),
        ('"body": "klokke \\u0007"', False),
        ('"body": "ud\\r"', False),
        ('"body": "a\u0085b"', False),  # a C1 control as it is
        ('"body": "a\u030a"', False),  # å not composed: NFC would change it
        ('"body": "linje\\nto \\"citat\\""', True),
    ],
)
def test_plain_spots_what_the_text_check_must_see(text, plain):
    assert transfer_read.plain(text.encode()) is plain


@pytest.mark.parametrize("indent", [None, 2])
def test_numbers_too_long_for_a_machine_integer_stay_exact(tmp_path, indent):
    big = 123456789012345678901234567890
    doc = {**DOC, "knowledge": [{"number": big, "body": "x"}]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc, indent=indent), encoding="utf-8")
    assert _read(path)[1][-1][2]["number"] == big


def test_bytes_that_are_not_utf8_inside_a_streamed_element_say_so(tmp_path, monkeypatch):
    monkeypatch.setattr(transfer_read, "BLOCK", 64)
    text = json.dumps(DOC, ensure_ascii=False, indent=2).encode()
    path = tmp_path / "bad.json"
    path.write_bytes(text.replace("Kommune æøå".encode(), b"Kommune \xe6"))
    with pytest.raises(LablogError, match="is not UTF-8 text"):
        list(transfer_read.records(path, "json")[1])
