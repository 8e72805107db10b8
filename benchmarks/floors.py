"""The least a whole-store export or import can take on this machine, to measure ours against.

Both do what `lablog export all` and `lablog import` must, and nothing else:

- read floor: every row of every table read through Python's sqlite3 driver
  and written with orjson as plain arrays (no keys, no nesting, no checks),
  then flushed to disk, as the export is;
- copy floor: every row copied into an empty store by SQLite itself
  (INSERT … SELECT, all in C: no file to parse, no check, no Python per row),
  the non-unique indexes built after, the search index filled from the text
  already stored, in one transaction, committed, as the import does.

An export or import cannot be faster than these; how many times slower it is
says how much its own work costs. Standard library and orjson only.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

# Tables SQLite keeps for itself or for the search index; copied by the index's own rows.
_SKIP = ("sqlite_", "search_index", "alembic_version")


def _tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    rows = conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY rowid")
    return [name for (name,) in rows if not name.startswith(_SKIP)]


def read_floor(store: Path, out: Path) -> float:
    """Seconds to read every row of the store and write it to `out` as JSON arrays."""
    import orjson

    start = time.perf_counter()
    conn = sqlite3.connect(store)
    with out.open("wb") as f:
        for table in _tables(conn):
            cursor = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
            while rows := cursor.fetchmany(2000):
                f.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
        f.flush()
        os.fsync(f.fileno())
    conn.close()
    return time.perf_counter() - start


def copy_floor(store: Path, empty: Path) -> float:
    """Seconds for SQLite to copy the store's rows into `empty` (a new store), as described above."""
    conn = sqlite3.connect(empty, isolation_level=None)
    conn.execute("ATTACH ? AS source", (str(store),))
    indexes = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name NOT LIKE 'search_index%'"
    ).fetchall()
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for name, _sql in indexes:
        conn.execute(f"DROP INDEX main.{name}")
    for table in _tables(conn):
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM source.{table}")
    for _name, sql in indexes:
        conn.execute(sql)
    columns = "rowid, title, body, parts, tags, kind, lab_id"
    conn.execute(f"INSERT INTO main.search_index ({columns}) SELECT {columns} FROM source.search_index")
    conn.execute("INSERT INTO main.search_index (search_index) VALUES ('optimize')")
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def main() -> None:
    """python benchmarks/floors.py STORE EMPTY OUT: both floors as JSON, in a process of their own
    (a child's max RSS counts its parent's memory at fork, so run.py stays small)."""
    import json
    import sys

    store, empty, out = (Path(arg) for arg in sys.argv[1:4])
    print(json.dumps({"export": read_floor(store, out), "import": copy_floor(store, empty)}))


if __name__ == "__main__":
    main()
