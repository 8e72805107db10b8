"""How long a programme takes to move onto a shared PostgreSQL server.

    python benchmarks/postgres.py [--items 25000] [--cache benchmarks/.cache]

Starts a throwaway PostgreSQL server (tests/pg.py: the machine's own binaries,
or the pgserver wheel of the test extra), then times, as whole processes
without the worker, the two ways a programme moves there: `lablog db copy
--to URL` from run.py's seeded SQLite store, and `lablog import FILE` of that
store's `export all --format json` into an empty database. Prints a Markdown
table (s, max RSS MB). The server skips fsync, as in the tests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from run import lablog_command, seeded_store  # noqa: E402
from tests import pg  # noqa: E402


def timed(argv: list[str], env: dict) -> tuple[float, float]:
    """(seconds, max RSS MB) of one run; exits with its output if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        sys.exit(f"{' '.join(argv)} failed:\n{process.stderr.read()}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=25_000)
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--lablog", help="the lablog executable (default: beside this Python)")
    args = parser.parse_args()
    lablog = lablog_command(args.lablog)
    store, _report = seeded_store(args.items, args.cache)
    env = {**os.environ, "LABLOG_NO_WORKER": "1"}
    env.pop("LABLOG_DB", None)
    server = pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="lablog-pg-bench-") as tmp:
            exported = Path(tmp) / "all.json"
            export = [*lablog, "--db", str(store), "export", "all", "-o", str(exported)]
            subprocess.run(export, env=env, check=True, capture_output=True)
            copy_to = server.url(server.create_database("copied"))
            copied = timed([*lablog, "--db", str(store), "db", "copy", "--to", copy_to, "--yes"], env)
            import_to = server.url(server.create_database("imported"))
            subprocess.run([*lablog, "--db", import_to, "init"], env=env, check=True, capture_output=True)
            imported = timed([*lablog, "--db", import_to, "import", str(exported)], env)
    finally:
        server.stop()
    print(f"| onto PostgreSQL, {args.items:,} items | s | max RSS MB |")
    print("|---|---:|---:|")
    for label, (seconds, rss) in (("`lablog db copy --to URL`", copied), ("`lablog import FILE`", imported)):
        print(f"| {label} | {seconds:.1f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
