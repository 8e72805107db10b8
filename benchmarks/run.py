"""How fast lablog answers on a large programme, and how that changes as it grows.

    python benchmarks/run.py [--sizes small,medium,large] [--runs 7] [--no-worker]
                             [--output benchmarks/RESULTS.md] [--smoke]

Seeds a programme at each size through lablog's own bulk loader (lablog.seed,
lablog.services.bulk; cached under benchmarks/.cache/), then times the
commands users type most as whole processes through the real `lablog`
executable and its worker: the median of --runs runs each, next to the floor
(`python -c pass`, measured in the same run), as a ratio. Peak memory is the
max RSS of one in-process run (LABLOG_NO_WORKER=1) of each command: all that
command's memory in one process. With `task` (Taskwarrior) installed it
also times `task list limit:50` at 10,000 and 100,000 tasks, alternately with
lablog, as the peer row. Writes a Markdown table to --output and prints it.

Standard library only, besides lablog; it never touches your own store or worker.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"small": 1_000, "medium": 25_000, "large": 250_000}
SMOKE_SIZE = 800
LAB = "HJEM1"
# What `lablog search` looks for: in the seed's item titles "for ældre borgere", one in ten.
SEARCH_ALL = "ældre borger"
TARGET_MS, HELP_TARGET_MS = 100, 60
# In-process budgets, × floor: commands that never open the store, and reads.
NO_STORE_BUDGET, READ_BUDGET = 20, 30
TASKWARRIOR_SIZES = (10_000, 100_000)
# Commands whose output grows with the store: run once per size, in-process, for
# their peak memory, which must stay flat (they stream) under MEMORY_TARGET_MB.
WHOLE = {
    f"backlog list {LAB} --all": ["backlog", "list", LAB, "--all"],
    "knowledge list --limit 0": ["knowledge", "list", "--limit", "0"],
    "report knowledge-flow": ["report", "knowledge-flow"],
    "export all --format json": ["export", "all", "--format", "json"],
    "knowledge digest --since 2020-01-01 --json": ["knowledge", "digest", "--since", "2020-01-01", "--json"],
}
MEMORY_TARGET_MB = 80
# The whole store out and back in (issue 15): `export all --format json -o FILE`, then
# `import FILE` into a new store, each under these at 250,000 items.
TRANSFER_TARGET_S, TRANSFER_TARGET_MB = 10, 150


def lablog_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    script = shutil.which("lablog", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "lablog"]


# Stores ------------------------------------------------------------------------


def _store_path(items: int, cache: Path) -> Path:
    """Named by what the seeded rows depend on: the generator, the loader, the search index and the schema."""
    import lablog
    from lablog import schema

    digest = hashlib.sha256()
    package = Path(lablog.__file__).parent
    for module in ("seed.py", "services/bulk.py", "services/search.py", "searchtext.py"):
        digest.update((package / module).read_bytes())
    return cache / f"programme-{items}-{schema.head()}-{digest.hexdigest()[:12]}.db"


def seeded_store(items: int, cache: Path) -> tuple[Path, dict]:
    """The cached store for `items` items, seeded first when missing; and its seeding report.

    Seeding runs in a child process: this one stays small, and so does every
    process it starts (Linux counts the parent's memory at fork in a child's max RSS).
    """
    path = _store_path(items, cache)
    report = path.with_suffix(".json")
    if path.exists() and report.exists():
        return path, {**json.loads(report.read_text()), "cached": True}
    subprocess.run([sys.executable, __file__, "--seed", str(items), "--cache", str(cache)], check=True)
    return path, {**json.loads(report.read_text()), "cached": False}


def _seed(items: int, cache: Path) -> None:
    from lablog import db, schema, seed
    from lablog.services import bulk, search

    cache.mkdir(parents=True, exist_ok=True)
    path = _store_path(items, cache)
    report = path.with_suffix(".json")

    building = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    store = db.StoreURL(db.to_url(str(building)), "benchmark")
    engine = db.create_engine(store)
    schema.upgrade(engine)
    start = time.perf_counter()
    with engine.begin() as conn:
        counts = bulk.load(
            conn, itertools.chain(seed.programme(items), [seed.measures()]), search_index=False
        )
    seconds = time.perf_counter() - start
    # `lablog search`'s index: every text normalised and stemmed in Python, timed on its own.
    start = time.perf_counter()
    with engine.begin() as conn:
        search.rebuild(conn)
    indexed = time.perf_counter() - start
    # Time the item rows alone too: the target is 250,000 items in 5 s.
    items_only = _time_items_only(items, cache)
    insert = {
        "total_s": round(seconds, 2),
        "backlog_items_s": round(items_only, 2),
        "search_index_s": round(indexed, 2),
    }
    engine.dispose()
    conn = sqlite3.connect(building)
    conn.execute("PRAGMA journal_mode = DELETE")  # one file, safe to copy
    conn.close()
    building.rename(path)
    info = {"items": items, "rows": sum(counts.values()), "counts": counts, **insert}
    report.write_text(json.dumps(info, indent=1))


def _time_items_only(items: int, cache: Path) -> float:
    """Seconds to load just the labs and backlog items of a programme into a fresh store."""
    from lablog import db, schema, seed
    from lablog.services import bulk

    path = cache / "items-only.tmp.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = db.create_engine(db.StoreURL(db.to_url(str(path)), "benchmark"))
    schema.upgrade(engine)
    keep = {"organisation", "person", "lab", "sprint", "backlog_item"}
    batches = [{k: v for k, v in b.items() if k in keep} for b in seed.programme(items)]
    start = time.perf_counter()
    with engine.begin() as conn:
        bulk.load(conn, batches, search_index=False)
    seconds = time.perf_counter() - start
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return seconds


# Timing ------------------------------------------------------------------------


def run_once(argv: list[str], env: dict) -> tuple[float, int]:
    """Wall milliseconds and max RSS (KiB) of one whole process, output to /dev/null."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode:
        raise SystemExit(f"`{' '.join(argv)}` exited with {proc.returncode}:\n{err}")
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return elapsed, rss


WARM = 2


def median_ms(argvs, env: dict, runs: int) -> float:
    return timed(argvs, env, runs)[0]


def timed(argvs, env: dict, runs: int) -> tuple[float, int]:
    """The median milliseconds over `runs` runs and the largest max RSS (KiB).

    `argvs(i)` gives run i's command; the warm-up runs come first.
    """
    for i in range(WARM):
        run_once(argvs(i), env)
    results = [run_once(argvs(WARM + i), env) for i in range(runs)]
    return statistics.median(ms for ms, _ in results), max(rss for _, rss in results)


def wait_for_worker(lablog: list[str], env: dict) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        subprocess.run([*lablog, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)
        out = subprocess.run(
            [*lablog, "worker", "status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
        info = json.loads(out)
        if info.get("running"):
            return info
        time.sleep(0.2)
    raise SystemExit("the worker did not start within 60 s")


def worker_rss_kib(pid: int) -> int | None:
    """The worker's own resident memory (Linux); forked commands share most of its pages."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def commands(items: int, store: str, available: set[str]) -> tuple[dict, list[str]]:
    """The commands to time, as functions of the run number; and the notes on what was skipped."""
    from lablog import seed

    done_keys = [k for n in range(seed.LABS) for k in seed.waiting_keys(items, n + 1)]
    sprint = seed.sprints_per_lab(items)

    def fixed(*args):
        return lambda i: ["--db", store, *args]

    table = {
        "--help": lambda i: ["--help"],
        "lab list": fixed("lab", "list"),
        f"backlog list {LAB}": fixed("backlog", "list", LAB),
        f"sprint show {LAB}": fixed("sprint", "show", LAB),
        # A different item every run: each goes from todo to done once.
        "item done KEY": lambda i: ["--db", store, "item", "done", done_keys[i % len(done_keys)]],
        f"report velocity {LAB}": fixed("report", "velocity", LAB),
        f"knowledge search {seed.SEARCH_WORD}": fixed("knowledge", "search", seed.SEARCH_WORD),
        # Everything people wrote, Danish-aware: a word of one item title in ten and
        # its inflection, so the large store ranks some 25,000 matches.
        f"search {SEARCH_ALL}": fixed("search", SEARCH_ALL),
        # N: the lab's active sprint, its latest.
        f"export sprint {LAB} N": fixed("export", "sprint", LAB, str(sprint)),
        "sm network": fixed("sm", "network"),
        # M-1: lab 1's weekly measure with seed.MEASURE_POINTS points, drawn and judged.
        "measure show M-1": fixed("measure", "show", "M-1"),
        "report measures": fixed("report", "measures"),
    }
    skipped = []
    for name in list(table):
        args = table[name](0)
        group = args[2] if args[0] == "--db" else None
        if group and (group, args[3]) not in available and (group, "") not in available:
            skipped.append(f"`{name}`: this lablog has no `{group} {args[3]}` command")
            del table[name]
    return table, skipped


def available_commands(lablog: list[str], env: dict, wanted: set[str]) -> set[tuple[str, str]]:
    """(group, verb) pairs this lablog's --help lists, for the groups in `wanted`."""
    found = set()
    groups = subprocess.run([*lablog, "--help"], env=env, capture_output=True, text=True, check=True).stdout
    found |= {(name, "") for name in _listed(groups)}  # commands of their own, like `search`
    for group in set(_listed(groups)) & wanted:
        out = subprocess.run([*lablog, group, "--help"], env=env, capture_output=True, text=True).stdout
        found |= {(group, verb) for verb in _listed(out)}
    return found


def _listed(help_text: str) -> list[str]:
    names, in_commands = [], False
    for line in help_text.splitlines():
        if line.strip().lower().startswith("commands"):
            in_commands = True
        elif in_commands and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
    return names


def measure(sizes: dict[str, int], args, lablog, env: dict, tmp: Path, available) -> list[dict]:
    """Every command at every size, the sizes' runs interleaved so they share the machine's mood."""
    results, tables, stores = [], [], []
    for name, items in sizes.items():
        print(f"{name}: {items:,} items…", file=sys.stderr, flush=True)
        cached, seeding = seeded_store(items, args.cache)
        store = tmp / f"{name}.db"
        shutil.copyfile(cached, store)  # write commands change the copy, never the cache
        with open(store, "rb+") as f:
            os.fsync(f.fileno())  # no write-back of a fresh copy during the timings
        table, skipped = commands(items, str(store), available)
        tables.append(table)
        stores.append(str(store))
        results.append(
            {
                "name": name,
                "items": items,
                "seeding": seeding,
                "skipped": skipped,
                "rows": {k: {} for k in table},
            }
        )
    in_process = {**env, "LABLOG_NO_WORKER": "1"}
    floor = [sys.executable, "-c", "pass"]
    labels = list(tables[-1])
    used = [0] * len(sizes)  # item done: never the same item twice, across every mode

    def rounds(key: str, run_env: dict, runs: int) -> None:
        """Warm-up, then `runs` rounds; each round runs every size once, in turn."""
        for label in [None, *labels]:
            samples: list[list[tuple[float, int]]] = [[] for _ in sizes]
            for n in range(WARM + runs):
                for k, table in enumerate(tables):
                    if label is None:
                        argv = floor
                    elif label in table:
                        argv = [*lablog, *table[label](used[k])]
                        used[k] += 1
                    else:
                        continue
                    sample = run_once(argv, run_env)
                    if n >= WARM:
                        samples[k].append(sample)
            for k, result in enumerate(results):
                if not samples[k]:
                    continue
                ms = statistics.median(t for t, _ in samples[k])
                rss = max(r for _, r in samples[k])
                if label is None:
                    result.setdefault("floor", ms)
                    result.setdefault("floor_rss", rss)
                else:
                    result["rows"][label][key] = ms
                    result["rows"][label].setdefault("rss", rss)

    for k, result in enumerate(results):
        result["whole"] = {
            label: run_once([*lablog, "--db", stores[k], *argv], in_process)
            for label, argv in WHOLE.items()
            if (argv[0], argv[1]) in available
        }
    for k, result in enumerate(results):
        if ("export", "all") not in available:
            break
        out, target = tmp / f"{result['name']}-all.json", tmp / f"{result['name']}-imported.db"
        exported = run_once(
            [*lablog, "--db", stores[k], "export", "all", "--format", "json", "-o", str(out)], in_process
        )
        imported = run_once([*lablog, "--db", str(target), "import", str(out)], in_process)
        result["transfer"] = {"export": exported, "import": imported, "mb": out.stat().st_size / 1e6}
        out.unlink()
        # What the machine itself needs for the same rows (benchmarks/floors.py).
        empty = tmp / f"{result['name']}-floor.db"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run([*lablog, "--db", str(empty), "init"], env=in_process, check=True, **quiet)
        floors = [sys.executable, str(HERE / "floors.py"), stores[k], str(empty), str(out)]
        result["floors"] = json.loads(subprocess.run(floors, check=True, capture_output=True).stdout)
        out.unlink()
        empty.unlink()
    if not args.no_worker_only:
        # Peak memory: one in-process run holds everything the command needs.
        for k, table in enumerate(tables):
            for label, argv in table.items():
                results[k]["rows"][label]["rss"] = run_once([*lablog, *argv(used[k])], in_process)[1]
                used[k] += 1
        info = wait_for_worker(lablog, env)
        rounds("worker", env, args.runs)
        rss = worker_rss_kib(info["pid"])
        for result in results:
            result["worker_rss"] = rss
        subprocess.run([*lablog, "worker", "stop"], env=env, stderr=subprocess.DEVNULL, check=True)
    if args.no_worker or args.no_worker_only:
        rounds("process", in_process, args.runs)
    return results


# Taskwarrior ---------------------------------------------------------------------


def taskwarrior(lablog, base_env, tmp: Path, runs: int, lablog_store: str | None) -> list[dict]:
    """`task list limit:50` at each size, timed alternately with lablog's `backlog list` as the peer row."""
    task = shutil.which("task")
    if not task:
        return []
    out = []
    for size in TASKWARRIOR_SIZES:
        data = tmp / f"task-{size}"
        data.mkdir()
        rc = data / "taskrc"
        rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=99.99.99\n")
        env = {**base_env, "TASKDATA": str(data), "TASKRC": str(rc)}
        tasks = [
            {
                "description": f"Opgave {n} på tværs af sektorer",
                "status": "pending",
                "project": f"lab{n % 50}",
                "entry": "20260101T000000Z",
                "uuid": _uuid(size, n),
            }
            for n in range(size)
        ]
        (data / "import.json").write_text(json.dumps(tasks))
        subprocess.run(
            [task, "rc.confirmation=off", "import", str(data / "import.json")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        argv = [task, "rc.confirmation=off", "list", "limit:50"]
        peer = [*lablog, "--db", lablog_store, "backlog", "list", LAB] if lablog_store else None
        task_times, peer_times = [], []
        if peer:
            # The worker was stopped after the worker rounds: time the peer with it up again.
            wait_for_worker(lablog, base_env)
        for _ in range(2):
            run_once(argv, env)
            if peer:
                run_once(peer, base_env)
        for _ in range(runs):
            task_times.append(run_once(argv, env)[0])
            if peer:
                peer_times.append(run_once(peer, base_env)[0])
        out.append(
            {
                "size": size,
                "task": statistics.median(task_times),
                "rss": run_once(argv, env)[1],
                "lablog": statistics.median(peer_times) if peer_times else None,
            }
        )
    return out


def _uuid(size: int, n: int) -> str:
    h = hashlib.md5(f"{size}-{n}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


# Report ----------------------------------------------------------------------------


def _budget(label: str) -> str:
    if label.startswith("--"):
        return f"{NO_STORE_BUDGET}×"
    return "write" if label.startswith("item done") else f"{READ_BUDGET}×"


def _runs_table(
    head: str, names: list[str], rows: list, *, unit: str, scale: float, digits: int
) -> list[str]:
    """A Markdown table of (wall ms, max RSS KiB) runs per size, as `unit` and MB; – where none."""
    lines = [
        f"| {head} | " + " | ".join(f"{n} {unit} | max RSS MB" for n in names) + " |",
        "|---" + "|---:" * (2 * len(names)) + "|",
    ]
    for label, runs in rows:
        cells = [f"{got[0] / scale:.{digits}f} | {got[1] / 1024:.0f}" if got else "– | –" for got in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _floors_table(results: list[dict], names: list[str]) -> list[str]:
    """The transfer's floors (benchmarks/floors.py) and how many times them each step took."""
    lines = [
        "",
        "Their floors, the least this machine needs for the same rows (benchmarks/floors.py): for the "
        "export, every row read by Python's sqlite3 driver and written as plain arrays by orjson; for "
        "the import, SQLite copying the store's rows and search index into a new store by itself, in C "
        "(s, and the step's time over its floor):",
        "",
        "| floor | " + " | ".join(f"{n} s | × floor" for n in names) + " |",
        "|---" + "|---:" * (2 * len(names)) + "|",
    ]
    labels = {"export": "every row read and written", "import": "the store copied by SQLite"}
    for step, label in labels.items():
        cells = []
        for r in results:
            floor, got = r.get("floors", {}).get(step), r.get("transfer", {}).get(step)
            cells.append(f"{floor:.2f} | {got[0] / 1000 / floor:.1f}" if floor and got else "– | –")
        lines.append(f"| {step}: {label} | " + " | ".join(cells) + " |")
    largest = results[-1].get("floors", {})
    for step, floor in largest.items():
        if floor >= TRANSFER_TARGET_S:
            lines.append(
                f"\nThe {step}'s floor alone is {floor:.1f} s at {names[-1]}: "
                f"under {TRANSFER_TARGET_S} s is out of reach on this machine."
            )
    return lines


def report(results: list[dict], tasks: list[dict], args, lablog: list[str]) -> str:
    import lablog as package

    worker = not args.no_worker_only
    lines = [
        "# Benchmark results",
        "",
        f"Produced by `python benchmarks/run.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{os.cpu_count()} CPUs ({platform.machine()}, {platform.system()}), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, lablog {package.__version__}.",
        "",
        f"Each time is the median of {args.runs} runs of a whole process (after {WARM} warm-up runs; "
        "the sizes take turns, run by run, so that they share the machine's load), "
        "output to /dev/null, through the "
        + ("worker (`lablog` as installed)" if worker else "in-process path (`LABLOG_NO_WORKER=1`)")
        + "; × floor is that time over `python -c pass` measured in the same run. "
        "Max RSS is one in-process run of the command (all its memory in one process). "
        "Only the ratios compare across machines. "
        f"Targets on the large store: every command under {TARGET_MS} ms, "
        f"`--help` under {HELP_TARGET_MS} ms; large ÷ small ≤ 1.15 for every read command.",
        "",
    ]
    names = [r["name"] for r in results]
    mode = "worker" if worker else "process"
    header = "| command | " + " | ".join(
        f"{r['name']} ({r['items']:,} items) ms | × floor | max RSS MB" for r in results
    )
    if len(results) > 1:
        header += f" | {names[-1]} ÷ {names[0]}"
    lines += [header + " |", "|---" + "|---:" * (3 * len(results) + (len(results) > 1)) + "|"]
    floor_cells = " | ".join(f"{r['floor']:.0f} | 1.0 | {r['floor_rss'] / 1024:.0f}" for r in results)
    lines.append(
        f"| `python -c pass` (the floor) | {floor_cells}" + (" |" if len(results) > 1 else "") + " |"
    )
    labels = list(results[-1]["rows"])
    for label in labels:
        cells = []
        for r in results:
            row = r["rows"].get(label)
            if row is None:
                cells.append("– | – | –")
                continue
            ms = row[mode]
            cells.append(f"{ms:.0f} | {ms / r['floor']:.1f} | {row['rss'] / 1024:.0f}")
        line = f"| `lablog {label}` | " + " | ".join(cells)
        if len(results) > 1:
            first, last = results[0]["rows"].get(label), results[-1]["rows"].get(label)
            line += f" | {last[mode] / first[mode]:.2f}" if first and last else " | –"
        lines.append(line + " |")
    if args.no_worker and worker:
        lines += [
            "",
            "Without the worker (`LABLOG_NO_WORKER=1`: the fallback, and the first command before the "
            f"worker is up), same runs. Budget: ≤ {NO_STORE_BUDGET}× the floor for commands that do not "
            f"open the store, ≤ {READ_BUDGET}× for reads; writes have none.",
            "",
        ]
        lines += [
            "| command | " + " | ".join(f"{n} ms | × floor" for n in names) + " | budget |",
            "|---" + "|---:" * (2 * len(results)) + "|---:|",
        ]
        for label in labels:
            cells = []
            for r in results:
                row = r["rows"].get(label)
                cells.append(f"{row['process']:.0f} | {row['process'] / r['floor']:.1f}" if row else "– | –")
            lines.append(f"| `lablog {label}` | " + " | ".join(cells) + f" | {_budget(label)} |")
    if any(r.get("whole") for r in results):
        lines += [
            "",
            "Whole histories: commands whose output grows with the store, one in-process run each "
            "(ms, max RSS MB). They stream, so their memory should stay flat and under "
            f"{MEMORY_TARGET_MB} MB:",
            "",
        ]
        rows = [(f"`lablog {label}`", [r.get("whole", {}).get(label) for r in results]) for label in WHOLE]
        lines += _runs_table("command", names, rows, unit="ms", scale=1, digits=0)
    if any(r.get("transfer") for r in results):
        lines += [
            "",
            "The whole store out and back in: `export all --format json -o FILE`, then `import FILE` "
            "into a new store, one in-process run each (s, max RSS MB). Target at the largest size: "
            f"each under {TRANSFER_TARGET_S} s and {TRANSFER_TARGET_MB} MB.",
            "",
        ]
        rows = [(step, [r.get("transfer", {}).get(step) for r in results]) for step in ("export", "import")]
        lines += _runs_table("step", names, rows, unit="s", scale=1000, digits=1)
        sizes_mb = ", ".join(
            f"{r['name']} {r['transfer']['mb']:.0f} MB" for r in results if r.get("transfer")
        )
        lines.append(f"\nThe files: {sizes_mb}.")
        lines += _floors_table(results, names)
    lines += ["", "Seeding (`lablog.seed` through `lablog.services.bulk.load`, indexes built after):", ""]
    for r in results:
        s = r["seeding"]
        cached = " (cached; timed when it was built)" if s.get("cached") else ""
        lines.append(
            f"- {r['name']}: {s['rows']:,} rows ({s['counts'].get('backlog_item', 0):,} items, "
            f"{s['counts'].get('item_event', 0):,} events, {s['counts'].get('knowledge_entry', 0):,} "
            f"knowledge entries) in {s['total_s']:.1f} s; the labs, sprints and items alone in "
            f"{s['backlog_items_s']:.1f} s; `lablog search`'s index of every text "
            f"in {s.get('search_index_s', 0):.1f} s{cached}."
        )
    if results[-1].get("worker_rss"):
        lines += [
            "",
            f"The worker's own RSS after the runs: {results[-1]['worker_rss'] / 1024:.0f} MB "
            "(one worker serves every size; forked commands share its pages).",
        ]
    skipped = sorted({s for r in results for s in r["skipped"]})
    if skipped:
        lines += ["", "Not timed:", ""] + [f"- {s}" for s in skipped]
    if tasks:
        lines += [
            "",
            "Peer: Taskwarrior's `task list limit:50`, run alternately with "
            f"`lablog backlog list {LAB}` on the largest store (through the worker):",
            "",
            "| tasks | task ms | max RSS MB | lablog ms |",
            "|---:|---:|---:|---:|",
        ]
        for t in tasks:
            peer = f"{t['lablog']:.0f}" if t["lablog"] else "–"
            lines.append(f"| {t['size']:,} | {t['task']:.0f} | {t['rss'] / 1024:.0f} | {peer} |")
    elif not args.smoke:
        lines += ["", "Taskwarrior (`task`) is not installed here: no peer row."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large", help=f"from {', '.join(SIZES)}")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-worker", action="store_true", help="also time every command in-process")
    parser.add_argument("--no-worker-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="a tiny store, one run: for CI, no targets")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--lablog", help="the lablog executable (default: the one next to this Python)")
    args = parser.parse_args()
    if args.seed:
        return _seed(args.seed, args.cache)
    lablog = lablog_command(args.lablog)
    if args.smoke:
        global WARM
        sizes, args.runs, WARM = {"smoke": SMOKE_SIZE}, 1, 0
        args.no_worker_only = True
    else:
        unknown = set(args.sizes.split(",")) - set(SIZES)
        if unknown:
            parser.error(f"unknown size {', '.join(sorted(unknown))}; use {', '.join(SIZES)}")
        sizes = {n: SIZES[n] for n in SIZES if n in args.sizes.split(",")}

    with tempfile.TemporaryDirectory(prefix="lablog-bench-") as tmp:
        tmp = Path(tmp)
        env = {
            **os.environ,
            "LABLOG_DATA_DIR": str(tmp / "data"),
            "LABLOG_CONFIG_DIR": str(tmp / "config"),
            "LABLOG_WORKER_IDLE": "120",
            "NO_COLOR": "1",
            "COLUMNS": "100",
        }
        runtime = tmp / "run"
        runtime.mkdir(mode=0o700)
        # Installed packages come with bytecode; measure with it, not with compiling every module.
        for name in ("LABLOG_DB", "LABLOG_NO_WORKER", "LABLOG_DEBUG", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        wanted = {"lab", "backlog", "sprint", "item", "report", "knowledge", "export", "sm", "measure"}
        available = available_commands(lablog, {**env, "LABLOG_NO_WORKER": "1"}, wanted)
        results = measure(sizes, args, lablog, {**env, "LABLOG_RUNTIME_DIR": str(runtime)}, tmp, available)
        tasks = []
        if not args.smoke:
            largest = max(sizes.values())
            peer = tmp / "peer.db"
            shutil.copyfile(seeded_store(largest, args.cache)[0], peer)
            worker_env = {**env, "LABLOG_RUNTIME_DIR": str(runtime)}
            try:
                tasks = taskwarrior(lablog, worker_env, tmp, args.runs, str(peer))
            finally:
                subprocess.run([*lablog, "worker", "stop"], env=worker_env, stderr=subprocess.DEVNULL)
    text = report(results, tasks, args, lablog)
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
