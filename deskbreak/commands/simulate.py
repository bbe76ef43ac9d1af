"""`deskbreak simulate`: replay an activity trace through the real engine on a simulated clock."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from deskbreak.errors import DeskbreakError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate", help="replay an activity trace; print events as JSON Lines",
        description="Replay an activity trace (CSV: at,what) through the same engine the "
                    "service runs, on a simulated clock, and print every event as JSON Lines.")
    parser.add_argument("--programme", type=Path, required=True, metavar="FILE")
    parser.add_argument("--trace", type=Path, required=True, metavar="TRACE.csv")
    parser.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                        help="seconds between idle samples (default 5)")
    parser.add_argument("--log", type=Path, metavar="FILE",
                        help="also record the events in this compliance log (SQLite)")
    parser.set_defaults(func=cmd_simulate)


def read_trace(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DeskbreakError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DeskbreakError(f"{path}: cannot read the trace: {error}") from None


def cmd_simulate(args: argparse.Namespace) -> int:
    from deskbreak.core.events import event_to_json
    from deskbreak.core.simulation import parse_trace, simulate
    from deskbreak.library import load_programme

    programme = load_programme(args.programme)
    rows = parse_trace(read_trace(args.trace), str(args.trace))
    store = None
    if args.log is not None:
        from deskbreak.store import open_store

        store = open_store(args.log)
        if store.notice:
            print(f"deskbreak: {store.notice}", file=sys.stderr)
    out = sys.stdout
    lost = 0
    reason: str | None = None
    try:
        for event in simulate(programme, rows, poll_seconds=args.poll):
            out.write(json.dumps(event_to_json(event), separators=(",", ":")) + "\n")
            if store is not None:
                store.append(event)
        if store is not None and not store.flush():
            lost, reason = store.pending_count, store.last_error
    finally:
        if store is not None:
            store.close()
    if lost:
        # Printed events that never reached the log must not look like success.
        raise DeskbreakError(f"{lost} event(s) could not be written to {args.log} ({reason})")
    return 0
