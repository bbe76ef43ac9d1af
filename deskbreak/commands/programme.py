"""`deskbreak programme check|show|schema|library|install`: for the physio writing a programme."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from deskbreak.errors import DeskbreakError, UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("programme", help="check, show and install programme files",
                                   description="Work with the physiotherapist's programme files.")
    sub = parser.add_subparsers(dest="programme_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="check programme files; list every problem")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.set_defaults(func=cmd_check)

    show = sub.add_parser("show", help="show a programme as the patient sees it on a day")
    show.add_argument("file", type=Path, metavar="FILE")
    show.add_argument("--on", type=date.fromisoformat, metavar="YYYY-MM-DD",
                      help="show the phase and doses of this day (default: today)")
    show.set_defaults(func=cmd_show)

    schema = sub.add_parser("schema", help="print the JSON Schema of programme files")
    schema.set_defaults(func=cmd_schema)

    library = sub.add_parser("library", help="list the built-in exercises")
    library.set_defaults(func=cmd_library)

    install = sub.add_parser("install", help="check a programme and make it the one deskbreak runs")
    install.add_argument("file", type=Path, metavar="FILE")
    install.set_defaults(func=cmd_install)


def cmd_check(args: argparse.Namespace) -> int:
    from deskbreak.core.programme_file import ProgrammeInvalid
    from deskbreak.library import load_programme

    failed = 0
    for path in args.files:
        try:
            programme = load_programme(path)
        except ProgrammeInvalid as error:
            failed += 1
            for line in error.lines():
                print(line)
            continue
        except DeskbreakError as error:
            failed += 1
            print(error)
            continue
        for warning in programme.warnings:
            print(warning)
        print(f"{path}: ok: {programme.title!r}, {len(programme.breaks)} breaks, "
              f"{len(programme.exercises)} exercises, {len(programme.phases)} phases"
              + (f", {len(programme.warnings)} warnings" if programme.warnings else ""))
    if failed:
        total = len(args.files)
        print(f"{failed} of {total} file{'s' if total != 1 else ''} "
              f"{'has' if failed == 1 else 'have'} problems", file=sys.stderr)
        return 1
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from deskbreak.library import load_programme
    from deskbreak.render import programme_text

    programme = load_programme(args.file)
    day = args.on or date.today()
    print(programme_text(programme, day), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from deskbreak.core.schema import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    from deskbreak.library import load_library

    for exercise_id, exercise in load_library().items():
        kinds = "/".join(k.value for k in exercise.suits)
        print(f"{exercise_id:28} {exercise.title:40} {kinds:15} {exercise.dose_text()}")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    import os
    import tempfile

    from deskbreak.library import load_programme, read_programme_text
    from deskbreak.paths import ensure_private_dir, user_paths

    programme = load_programme(args.file)  # refuses an invalid file before touching anything
    text = read_programme_text(args.file)
    target = user_paths().installed_programme
    ensure_private_dir(target.parent)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".programme-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)  # atomic: a running service never sees half a file
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise DeskbreakError(f"could not install the programme: {error}") from None
    print(f"installed {programme.title!r} as {target}; a running deskbreak picks it up by itself")
    return 0


__all__ = ["register", "UsageError"]
