"""`deskbreak programme check|show|new|examples|schema|library|install`: for the physio.

Wherever a subcommand takes a programme FILE it also takes the name of a shipped example or
template (`deskbreak programme examples` lists them), so a pip user never has to find them
inside site-packages.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from deskbreak.errors import DeskbreakError, UsageError

#: Which shipped folder holds which kind of named programme, in the order names are looked up.
NAMED_KINDS = (("programmes", "example"), ("templates", "template"))


def named_programmes() -> dict[str, tuple[str, Path]]:
    """Every shipped example and template by name: (kind, path). Examples win a name clash."""
    from deskbreak.paths import shipped_dir

    found: dict[str, tuple[str, Path]] = {}
    for folder, kind in NAMED_KINDS:
        for path in sorted((shipped_dir() / folder).glob("*.yaml")):
            found.setdefault(path.stem, (kind, path))
    return found


def template_names() -> list[str]:
    from deskbreak.paths import shipped_dir

    return sorted(p.stem for p in (shipped_dir() / "templates").glob("*.yaml"))


def programme_path(argument: str) -> Path:
    """A programme FILE argument: an existing file, else a shipped example's or template's name.

    Raises DeskbreakError naming the choices when it is neither.
    """
    path = Path(argument)
    if path.exists() or path.suffix in (".yaml", ".yml") or "/" in argument or "\\" in argument:
        return path  # a file (a missing one is reported by whoever reads it)
    named = named_programmes()
    if argument in named:
        return named[argument][1]
    import difflib

    close = difflib.get_close_matches(argument, list(named), n=1, cutoff=0.6)
    raise DeskbreakError(f"{argument}: no such file, and no shipped example or template of that "
                         "name" + (f" (did you mean {close[0]!r}?)" if close else "")
                         + "; `deskbreak programme examples` lists them")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("programme", help="check, show and install programme files",
                                   description="Work with the physiotherapist's programme files.")
    sub = parser.add_subparsers(dest="programme_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="check programme files; list every problem")
    check.add_argument("files", nargs="+", metavar="FILE",
                       help="a programme file, or the name of a shipped example or template")
    check.set_defaults(func=cmd_check)

    show = sub.add_parser("show", help="show a programme as the patient sees it on a day",
                          description="Show a programme as the patient gets it on a day (the "
                          "phase in force, its breaks and doses), and about how often each "
                          "exercise comes up in a typical working day.")
    show.add_argument("file", metavar="FILE",
                      help="a programme file, or the name of a shipped example or template")
    when = show.add_mutually_exclusive_group()
    when.add_argument("--on", type=_iso_date, metavar="YYYY-MM-DD",
                      help="show the phase and doses of this day (default: today)")
    when.add_argument("--weeks", action="store_true",
                      help="show every phase in turn, with its dates and daily load")
    show.set_defaults(func=cmd_show)

    names = ", ".join(template_names())
    new = sub.add_parser("new", help="write a commented starting point from a template",
                         description="Write a commented starting point for a programme. "
                         f"Templates: {names}.")
    new.add_argument("--template", required=True, metavar="NAME", choices=template_names(),
                     help=f"one of: {names}")
    new.add_argument("--out", required=True, type=Path, metavar="FILE",
                     help="the file to write (never overwritten without --force)")
    new.add_argument("--starts", type=_iso_date, metavar="YYYY-MM-DD",
                     help="week 1's first day (default: next Monday); the review moves with it")
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    new.set_defaults(func=cmd_new)

    examples = sub.add_parser("examples", help="list the shipped example programmes and templates",
                              description="List the shipped examples and templates by name; "
                              "every programme subcommand takes a name where it takes a FILE.")
    examples.set_defaults(func=cmd_examples)

    schema = sub.add_parser("schema", help="print the JSON Schema of programme files")
    schema.set_defaults(func=cmd_schema)

    library = sub.add_parser("library", help="list the built-in exercises")
    library.set_defaults(func=cmd_library)

    install = sub.add_parser("install", help="check a programme and make it the one deskbreak runs")
    install.add_argument("file", metavar="FILE",
                         help="a programme file, or the name of a shipped example or template")
    install.set_defaults(func=cmd_install)

    handout = sub.add_parser(
        "handout", help="write the patient's handout: HTML, or PDF where Chromium is installed",
        description="Write a printable handout for the patient: a page per phase with the "
        "break schedule and each exercise's picture, dose, steps and cautions (a later phase "
        "shows in full only what it adds, and new doses beside the old), then your notes, the "
        "safety card and the review date.")
    handout.add_argument("file", metavar="FILE",
                         help="a programme file, or the name of a shipped example or template")
    handout.add_argument("--out", type=Path, metavar="OUT",
                         help="the handout to write: a .html file, or a .pdf (printed with "
                         "headless Chromium or Chrome)")
    handout.add_argument("--pdf", type=Path, metavar="PDF", help="also print it to this PDF")
    handout.add_argument("--paper", choices=("a4", "letter"), default="a4",
                         help="page size to lay it out for (default: a4)")
    handout.set_defaults(func=cmd_handout)


def cmd_check(args: argparse.Namespace) -> int:
    from deskbreak.core.programme_file import ProgrammeInvalid
    from deskbreak.library import load_programme

    failed = 0
    for argument in args.files:
        path = Path(argument)
        try:
            path = programme_path(argument)
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
    from deskbreak.render import programme_text, weeks_text

    programme = load_programme(programme_path(args.file))
    if args.weeks:
        print(weeks_text(programme), end="")
        return 0
    day = args.on or date.today()
    print(programme_text(programme, day), end="")
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it like 2026-12-07"
                                         ) from None


def cmd_new(args: argparse.Namespace) -> int:
    import re
    from datetime import timedelta

    from deskbreak.core.programme_file import parse_programme
    from deskbreak.library import load_library, read_programme_text

    source = named_programmes()[args.template][1]
    text = read_programme_text(source)
    template = parse_programme(text, str(source), load_library())
    today = date.today()
    starts = args.starts or today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    if template.starts is not None:
        shift = starts - template.starts
        # Dates move together, so the review keeps its distance from the start.
        text = re.sub(r"^(starts|review):( *)(\d{4}-\d{2}-\d{2})",
                      lambda m: f"{m[1]}:{m[2]}{date.fromisoformat(m[3]) + shift}", text,
                      flags=re.MULTILINE)
    out: Path = args.out
    if out.exists() and not args.force:
        raise DeskbreakError(f"{out} exists; choose another name or add --force to replace it")
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DeskbreakError(f"could not write {out}: {error.strerror or error}") from None
    print(f"wrote {out} from the {args.template!r} template (starts {starts}); edit it, then "
          f"run: deskbreak programme check {out}")
    return 0


def cmd_examples(args: argparse.Namespace) -> int:
    from deskbreak.core.programme_file import ProgrammeInvalid
    from deskbreak.library import load_programme

    rows: list[tuple[str, str, str]] = []
    for name, (kind, path) in named_programmes().items():
        try:
            title = load_programme(path).title
        except (ProgrammeInvalid, DeskbreakError):
            title = "(does not check; see deskbreak programme check " + name + ")"
        rows.append((kind, name, title))
    width = max((len(name) for _, name, _ in rows), default=0)
    for kind in ("example", "template"):
        chosen = [row for row in rows if row[0] == kind]
        if not chosen:
            continue
        print("Examples (use the name wherever a FILE is asked for):" if kind == "example"
              else "Templates (deskbreak programme new --template NAME --out FILE):")
        for _, name, title in chosen:
            print(f"  {name:<{width}}  {title}")
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

    path = programme_path(args.file)
    programme = load_programme(path)  # refuses an invalid file before touching anything
    text = read_programme_text(path)
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


def cmd_handout(args: argparse.Namespace) -> int:
    from deskbreak.library import load_programme
    from deskbreak.reporting.handout import write_handout

    if args.out is None and args.pdf is None:
        raise UsageError("say where to write the handout: --out handout.html and/or --pdf "
                         "handout.pdf")
    html_out, pdf_out = args.out, args.pdf
    if html_out is not None and html_out.suffix.lower() == ".pdf":
        html_out, pdf_out = None, html_out if pdf_out is None else pdf_out
    programme = load_programme(programme_path(args.file))
    for path in write_handout(programme, html_out=html_out, pdf_out=pdf_out,
                              today=date.today(), paper=args.paper):
        print(f"wrote {path}")
    return 0


__all__ = ["register", "UsageError"]
