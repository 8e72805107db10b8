"""The programme report as the steering group prints it: headless Chromium to PDF (A4) and PNG.

SQLite only: what is checked is the printed page, not the store. Skipped where no
Chromium is installed (`.ci/run` may install Debian's). docs/report-programme.png
is the PNG this test makes (the demo's report, `--screenshot` below), committed so
a reader sees the first page.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"
)
# No network, no profile of the user's, nothing started in the background.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--hide-scrollbars",
]


def chromium(tmp_path: Path, name: str, *args: str) -> subprocess.Popen:
    profile = tmp_path / f"profile-{name}"
    return subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_the_programme_report_prints_to_a4_without_cutting_a_chart(demo, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    cli = demo
    page = tmp_path / "status.html"
    cli(f"export programme --format html -o {page}")
    report = json.loads(cli("export programme --format json").stdout)
    pdf, png = tmp_path / "status.pdf", tmp_path / "status.png"
    # Both at once: each takes about a second, mostly Chromium starting.
    jobs = [
        chromium(tmp_path, "pdf", f"--print-to-pdf={pdf}", page.as_uri()),
        chromium(tmp_path, "png", f"--screenshot={png}", "--window-size=1240,1754", page.as_uri()),
    ]
    for job in jobs:
        assert job.wait(timeout=60) == 0

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (1240, 1754)

    pages = [p.extract_text() for p in pypdf.PdfReader(pdf).pages]
    labs = report["labs"]
    # The summary, then each lab from a new page; a lab fills one to three pages.
    assert len(labs) + 1 <= len(pages) <= 3 * len(labs) + 2
    assert pages[0].split("\n")[0].upper().startswith("PROGRAMME STATUS REPORT")
    starts = [text.split("\n")[0] for text in pages]
    for lab in labs:
        assert f"{lab['code']}: {lab['name']}" in starts
    # A chart is never cut: its title and its legend land on the same page.
    charts = [("Knowledge shared between labs", "Each cell: entries")] + [
        (f"{lab['code']}: sprints closed in the period", "Committed Completed")
        for lab in labs
        if lab["sprints_closed"]
    ]
    for title, legend in charts:
        found = [text for text in pages if title in text]
        assert len(found) == 1, title
        after = found[0].split(title, 1)[1]
        assert re.search(re.escape(legend).replace(r"\ ", r"\s+"), after), (title, after[:300])
