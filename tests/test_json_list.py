"""A streamed JSON array is the same text as the whole list dumped at once."""

from __future__ import annotations

import pytest

from lablog.cli._common import emit_json, emit_json_list


@pytest.mark.parametrize(
    "items",
    [[], [{"title": "Fælles øvelse på Århus"}], [{"a": 1, "b": [1, 2], "c": {}}, {"a": None, "b": []}, 3]],
)
def test_streamed_list_matches_emit_json(items, capsys):
    emit_json(items)
    whole = capsys.readouterr().out
    emit_json_list(iter(items))
    assert capsys.readouterr().out == whole
