"""The command line: the only place that turns errors into exit codes and text."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from deskbreak import __version__
from deskbreak.errors import DeskbreakError

#: Modules that register subcommands, in the order they appear in --help.
COMMAND_MODULES = (
    "deskbreak.commands.service",
    "deskbreak.commands.programme",
    "deskbreak.commands.simulate",
    "deskbreak.commands.reports",
    "deskbreak.commands.clinic",
    "deskbreak.commands.demo",
    "deskbreak.commands.safety",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deskbreak",
        description="Neck-exercise prompts and movement breaks from your real sitting time.",
    )
    parser.add_argument("--version", action="version", version=f"deskbreak {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="deskbreak: %(levelname)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
        return code
    except DeskbreakError as error:
        print(f"deskbreak: {error}" if error.prefixed else str(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `deskbreak log | head`: the reader went away, which is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
