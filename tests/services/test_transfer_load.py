"""The loader's own bookkeeping, where a run through the CLI cannot see it."""

from __future__ import annotations

import json

from lablog.services import transfer_load, transfer_read


def test_a_check_without_a_store_holds_no_rows(tmp_path, monkeypatch):
    # A dry run (no connection) numbers rows as an import would, but must let them go
    # batch by batch: holding them grew to gigabytes on a large file.
    monkeypatch.setattr(transfer_load, "BATCH", 10)
    at = "2026-11-02T09:00:00+00:00"
    item = {"type": "story", "status": "todo", "version": 1, "created_at": at, "updated_at": at}
    items = [{**item, "number": n, "title": f"Opgave {n}", "rank": f"{n:04d}"} for n in range(1, 80)]
    lab = {"code": "HJBH", "name": "Hjem", "start_date": "2026-11-02", "created_at": at, "items": items}
    doc = {"format": "lablog-store", "version": 5, "labs": [lab]}
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    header, records = transfer_read.records(path, "json")
    loader = transfer_load.Loader(None)
    loader.header(header)
    most = 0
    for record in records:
        loader.add(record)
        most = max(most, sum(len(rows) for rows in loader._pending.values()))
    assert loader.finish() == []
    assert loader.counts()["items"] == 79
    assert most <= 10
