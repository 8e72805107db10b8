"""How fast lablog answers: medians of repeated runs, with the worker and in-process.

    python benchmarks/startup.py [--runs 20] [--lablog PATH]

Builds the demo store in a temporary directory, then times `lablog --help`,
`--version`, `lab list` and `sm network` (`--help` and `lab list` in English and
in Danish) as a user runs them (a fresh process
each time, output to /dev/null), next to `python -c pass`, the interpreter's
floor. Prints a Markdown table of medians and their ratio to the floor.
Standard library only; it never touches your own store or worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def lablog_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    script = shutil.which("lablog", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "lablog"]


def median_ms(argv: list[str], env: dict, runs: int) -> float:
    for _ in range(2):  # warm the page cache (and the worker's first fork)
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def wait_for_worker(lablog: list[str], env: dict) -> int:
    """Start the worker and wait until it answers; the number of commands it has run."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        subprocess.run([*lablog, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)
        out = subprocess.run(
            [*lablog, "worker", "status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
        if '"running": true' in out:
            return int(out.split('"commands":')[1].split(",")[0])
        time.sleep(0.2)
    raise SystemExit("the worker did not start within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--lablog", help="the lablog executable (default: the one next to this Python)")
    args = parser.parse_args()
    lablog = lablog_command(args.lablog)

    with tempfile.TemporaryDirectory(prefix="lablog-bench-") as tmp:
        runtime = os.path.join(tmp, "run")
        os.mkdir(runtime, 0o700)
        env = {
            **os.environ,
            "LABLOG_DATA_DIR": os.path.join(tmp, "data"),
            "LABLOG_CONFIG_DIR": os.path.join(tmp, "config"),
            "LABLOG_RUNTIME_DIR": runtime,
            "LABLOG_WORKER_IDLE": "120",
        }
        # Installed packages come with bytecode; measure with it, not with compiling every module.
        for name in ("LABLOG_DB", "LABLOG_NO_WORKER", "LABLOG_DEBUG", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        store = os.path.join(tmp, "demo.db")
        subprocess.run(
            [*lablog, "demo", "--path", store],
            env={**env, "LABLOG_NO_WORKER": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        # (arguments, language): Danish loads the compiled catalog and translates the help.
        commands = {
            "lablog --help": (["--help"], "en"),
            "LABLOG_LANG=da lablog --help": (["--help"], "da"),
            "lablog --version": (["--version"], "en"),
            "lablog --db X lab list": (["--db", store, "lab", "list"], "en"),
            "LABLOG_LANG=da lablog --db X lab list": (["--db", store, "lab", "list"], "da"),
            "lablog --db X sm network": (["--db", store, "sm", "network"], "en"),
        }
        floor = median_ms([sys.executable, "-c", "pass"], env, args.runs)
        in_process = {
            name: median_ms([*lablog, *a], {**env, "LABLOG_NO_WORKER": "1", "LABLOG_LANG": lang}, args.runs)
            for name, (a, lang) in commands.items()
        }
        before = wait_for_worker(lablog, env)
        worker = {
            name: median_ms([*lablog, *a], {**env, "LABLOG_LANG": lang}, args.runs)
            for name, (a, lang) in commands.items()
        }
        served = wait_for_worker(lablog, env) - before
        subprocess.run([*lablog, "worker", "stop"], env=env, stderr=subprocess.DEVNULL, check=True)

    expected = len(commands) * (args.runs + 2) + 2
    program = " ".join(lablog)
    print(f"Medians of {args.runs} runs of `{program}`; the worker ran {served} of {expected} commands.\n")
    print("| command | worker (ms) | × floor | in-process (ms) | × floor |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `python -c pass` (the floor) | {floor:.0f} | 1.0 | {floor:.0f} | 1.0 |")
    for name in commands:
        w, p = worker[name], in_process[name]
        print(f"| `{name}` | {w:.0f} | {w / floor:.1f} | {p:.0f} | {p / floor:.1f} |")


if __name__ == "__main__":
    main()
