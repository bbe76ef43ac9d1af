"""`deskbreak safety`: the built-in safety card as a plain-text handout."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "safety", help="when to stop an exercise and when to get help",
        description="Print the built-in safety card: when to stop an exercise, when to get "
                    "medical advice the same day and when to call an ambulance. It applies to "
                    "every programme.")
    parser.add_argument("--width", type=int, default=72, metavar="COLUMNS",
                        help="wrap lines at this width (default 72)")
    parser.set_defaults(func=cmd_safety)


def cmd_safety(args: argparse.Namespace) -> int:
    from deskbreak.core.safety import card_text

    sys.stdout.write(card_text(width=max(40, args.width)))
    return 0
