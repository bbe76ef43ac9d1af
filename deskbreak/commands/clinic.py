"""`deskbreak clinic FILES... --out clinic.html`: one offline page across many patients."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from deskbreak.errors import DeskbreakError


def register(subparsers: Any) -> None:
    clinic = subparsers.add_parser(
        "clinic", help="one page across patients, from their HTML reports or JSON exports",
        description="Read the HTML reports or JSON exports patients send and write one offline "
                    "page with a row per patient (programme and phase, adherence, bouts over "
                    "60 minutes, pain and headache trend, safety events, review), who needs "
                    "attention first, each linked to its report. Files that cannot be used are "
                    "named with the reason; the rest still load.")
    clinic.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="HTML reports or JSON exports (a folder: every .html and .json in it)")
    clinic.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the page to write")
    clinic.add_argument("--force", action="store_true",
                        help="replace FILE if it exists and is not a clinic page")
    clinic.add_argument("--today-is", type=_date, help=argparse.SUPPRESS)
    clinic.set_defaults(func=cmd_clinic)


def _date(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.suffix.lower() in (".html", ".htm", ".json") and p.is_file())
        else:
            files.append(path)
    return files


def cmd_clinic(args: argparse.Namespace) -> int:
    from deskbreak.commands.reports import today, write_private
    from deskbreak.reporting.clinic import read_all, render_clinic

    started = time.perf_counter()
    out: Path = args.out
    files = [f for f in _expand(args.files) if f.resolve() != out.resolve()]
    if out.exists() and not args.force and not _is_clinic_page(out):
        raise DeskbreakError(f"{out} exists and is not a clinic page; choose another name or "
                             "add --force")
    patients, refused = read_all(files)
    page = render_clinic(patients, refused, out, today(args),
                         datetime.now().strftime("%a %d %b %Y %H:%M"))
    write_private(out, page)
    for item in refused:
        print(f"{item.path}: {item.reason}", file=sys.stderr)
    print(f"wrote {out}: {len(patients)} patient{'s' if len(patients) != 1 else ''}"
          + (f", {len(refused)} file{'s' if len(refused) != 1 else ''} not read" if refused
             else "") + f" ({time.perf_counter() - started:.2f} s)")
    return 0 if patients or not refused else 1


def _is_clinic_page(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"<title>deskbreak clinic view" in handle.read(2048)
    except OSError:
        return False
