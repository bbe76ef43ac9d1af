"""`deskbreak demo`: a newcomer's first look, with no setup and nothing touched in their log."""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path
from typing import Any

DEMO_PROGRAMME = "programmes/cervicogenic-headache-phase1.yaml"
DEMO_TRACE = "traces/demo-week.csv"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="simulate a realistic week and show its report",
        description="Simulate a working week (meetings, lunch, a suspended laptop, some "
                    "skipped and missed prompts) with an example programme, into a temporary "
                    "log; print the week's report and write the physio's HTML report.")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where to put the demo log and report (default: a new temporary "
                             "folder)")
    parser.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from deskbreak.cli import main
    from deskbreak.core.simulation import parse_trace
    from deskbreak.paths import ensure_private_dir, shipped_dir

    folder = args.out or Path(tempfile.mkdtemp(prefix="deskbreak-demo-"))
    ensure_private_dir(folder)
    log_path = folder / "demo-log.sqlite3"
    log_path.unlink(missing_ok=True)  # a rerun starts from an empty log
    html_path = folder / "demo-report.html"
    programme = shipped_dir() / DEMO_PROGRAMME
    trace = shipped_dir() / DEMO_TRACE
    rows = parse_trace(trace.read_text(encoding="utf-8"), str(trace))
    first, last = rows[0].at.date().isoformat(), rows[-1].at.date().isoformat()

    print(f"Simulating {first} to {last} with {programme.name} ...")
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["simulate", "--programme", str(programme), "--trace", str(trace),
                     "--log", str(log_path)])
    if code:
        return code
    period = ["--from", first, "--to", last, "--log", str(log_path)]
    code = main(["report", *period])
    if code:
        return code
    code = main(["export", "--format", "html", "--out", str(html_path), *period])
    if code:
        return code
    print(f"\nThe physio's report: {html_path}")
    print(f"The demo log (a real SQLite file): {log_path}")
    print("Your own log was not touched. Try: deskbreak log --log " + str(log_path))
    return 0
