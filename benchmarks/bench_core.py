"""Benchmark the core: simulating a working week, and `deskbreak programme check`.

Targets (issue 2): a 5-day working week at a 5 s poll simulates in well under 1 s; checking the
shipped example programmes takes under 0.3 s wall time including interpreter start.
Writes the section "Core" of docs/benchmarks.md.

    python benchmarks/bench_core.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from _results import machine, write_section

from deskbreak.core.simulation import parse_trace, simulate
from deskbreak.library import load_programme

PROGRAMME = REPO / "config" / "programmes" / "desk-worker-general.yaml"
MONDAY = date(2026, 11, 23)


def week_trace(nights: str) -> str:
    """Five working days with meetings and lunch; between days the laptop is `nights`."""
    rows = ["at,what"]
    for offset in range(5):
        day = MONDAY + timedelta(days=offset)
        rows += [f"{day}T08:30:00,active", f"{day}T10:30:00,idle", f"{day}T11:15:00,active",
                 f"{day}T12:30:00,locked", f"{day}T13:15:00,active", f"{day}T17:30:00,{nights}"]
    rows.append(f"{MONDAY + timedelta(days=5)}T08:00:00,end")
    return "\n".join(rows) + "\n"


def best_of(runs: int, work) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    programme = load_programme(PROGRAMME)
    lines = ["| measurement | best | median | target |", "|---|---|---|---|"]
    for nights, label in (("asleep", "suspended at night"), ("idle", "left on, idle at night")):
        rows = parse_trace(week_trace(nights), "week.csv")

        def run(rows: list = rows) -> None:
            for _ in simulate(programme, rows, poll_seconds=5.0):
                pass

        best, median = best_of(5, run)
        events = sum(1 for _ in simulate(programme, rows, poll_seconds=5.0))
        lines.append(f"| simulate a 5-day week, 5 s poll, {label} ({events} events), in process "
                     f"| {best:.3f} s | {median:.3f} s | well under 1 s |")
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "week.csv"
        trace.write_text(week_trace("asleep"), encoding="utf-8")
        cmd = [sys.executable, "-m", "deskbreak", "simulate", "--programme", str(PROGRAMME),
               "--trace", str(trace)]
        best, median = best_of(5, lambda: subprocess.run(cmd, check=True, capture_output=True))
        lines.append(f"| `deskbreak simulate` of that week, wall time incl. interpreter start "
                     f"| {best:.3f} s | {median:.3f} s | |")
    examples = sorted(str(p) for p in (REPO / "config" / "programmes").glob("*.yaml"))
    cmd = [sys.executable, "-m", "deskbreak", "programme", "check", *examples]
    best, median = best_of(10, lambda: subprocess.run(cmd, check=True, capture_output=True))
    lines.append(f"| `deskbreak programme check` on the {len(examples)} shipped examples, wall "
                 f"time incl. interpreter start | {best:.3f} s | {median:.3f} s | under 0.3 s |")
    cmd = [sys.executable, "-c", "pass"]
    best, median = best_of(10, lambda: subprocess.run(cmd, check=True))
    lines.append(f"| bare `python -c pass`, for scale | {best:.3f} s | {median:.3f} s | |")
    body = f"Measured {machine()} by `benchmarks/bench_core.py`.\n\n" + "\n".join(lines)
    write_section("Core", body)
    print(body)


if __name__ == "__main__":
    main()
