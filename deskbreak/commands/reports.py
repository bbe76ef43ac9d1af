"""`deskbreak log`, `deskbreak report` and `deskbreak export`: the compliance log read back.

The only clock read is here: "today" comes from `--today-is`, else the environment variable
DESKBREAK_TODAY (tests, reproducible reports), else the system date.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskbreak.errors import DeskbreakError, UsageError

if TYPE_CHECKING:
    from deskbreak.core.compliance import Period, Report
    from deskbreak.store import SqliteStore

TODAY_ENV = "DESKBREAK_TODAY"


def register(subparsers: Any) -> None:
    log = subparsers.add_parser("log", help="the raw compliance log, one line per event",
                                description="Print the compliance log, one readable line per event.")
    log.add_argument("--since", type=_parse_date, metavar="DATE", help="from this day (YYYY-MM-DD)")
    log.add_argument("--until", type=_parse_date, metavar="DATE",
                     help="up to and including this day (YYYY-MM-DD)")
    _add_log_option(log)
    log.set_defaults(func=cmd_log)

    report = subparsers.add_parser(
        "report", help="adherence, sitting and symptoms for a period",
        description="Adherence per day and per exercise, sitting bouts, pain and headache trend, "
                    "flagged exercises. The default period is the last 7 days.")
    _add_period_options(report)
    _add_log_option(report)
    report.set_defaults(func=cmd_report)

    export = subparsers.add_parser(
        "export", help="write the report as CSV, JSON or a self-contained HTML file",
        description="Export a period: CSV or JSON for your own analysis, HTML for the physio.")
    export.add_argument("--format", required=True, choices=("csv", "json", "html"))
    export.add_argument("--out", required=True, type=Path, metavar="FILE",
                        help="the file to write (created readable by you only); never the "
                             "compliance log or a programme")
    export.add_argument("--force", action="store_true",
                        help="replace FILE if it exists (never the log or a programme)")
    export.add_argument("--table", choices=("daily", "exercises", "events"), default="daily",
                        help="CSV only: which table (default: daily)")
    export.add_argument("--patient", help="HTML: the patient's name (default: from the installed "
                                          "programme)")
    _add_period_options(export)
    _add_log_option(export)
    export.set_defaults(func=cmd_export)


def _add_log_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log", type=Path, metavar="FILE",
                        help="read this compliance log instead of yours")


def _add_period_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--today", action="store_true", help="today only")
    group.add_argument("--week", action="store_true", help="the last 7 days (the default)")
    group.add_argument("--days", type=int, metavar="N", help="the last N days, today included")
    group.add_argument("--from", dest="from_", type=_parse_date, metavar="DATE",
                       help="from this day (with --to; YYYY-MM-DD)")
    parser.add_argument("--to", type=_parse_date, metavar="DATE",
                        help="up to and including this day (default: today)")
    parser.add_argument("--today-is", type=_parse_date, help=argparse.SUPPRESS)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


def today(args: argparse.Namespace) -> date:
    """Today's date: --today-is, then DESKBREAK_TODAY, then the system clock."""
    if getattr(args, "today_is", None):
        value: date = args.today_is
        return value
    env = os.environ.get(TODAY_ENV)
    if env:
        try:
            return date.fromisoformat(env)
        except ValueError:
            raise UsageError(f"{TODAY_ENV}={env!r} is not a date; write it as YYYY-MM-DD") from None
    return date.today()


def resolve_period(args: argparse.Namespace, now: date) -> Period:
    """The period the options ask for, relative to `now`."""
    from deskbreak.core.compliance import Period

    if args.to is not None and args.from_ is None:
        raise UsageError("--to needs --from")
    if args.today:
        return Period(now, now)
    if args.days is not None:
        if args.days < 1:
            raise UsageError("--days must be at least 1")
        return Period.ending(now, args.days)
    if args.from_ is not None:
        last = args.to or now
        if last < args.from_:
            raise UsageError(f"--to {last} is before --from {args.from_}")
        return Period(args.from_, last)
    return Period.ending(now, 7)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


def open_for_reading(args: argparse.Namespace) -> SqliteStore:
    """The log, read-only; a damaged one is set aside (as `run` does) and the user told so."""
    from deskbreak.store import open_store

    store = open_store(args.log, read_only=True)
    if store.notice:
        print(f"deskbreak: {store.notice}", file=sys.stderr)
    return store


def build_report(store: SqliteStore, period: Period) -> tuple[Report, datetime, datetime]:
    """The report for `period` (reduced in SQL), plus the time bounds of its days."""
    from deskbreak.core.compliance import summarise_facts

    since = _local_midnight(period.first)
    until = _local_midnight(period.last + timedelta(days=1))
    review = _programme_review_date(store, until)
    return summarise_facts(store.report_facts(period), period, review), since, until


def _programme_review_date(store: SqliteStore, until: datetime) -> date | None:
    """The review date of the programme in force at the end of the period (for the review
    banner): from the file the log last loaded, else the installed programme; None when it has
    none or cannot be read (a report never fails for it)."""
    from deskbreak.core.events import ProgrammeLoaded
    from deskbreak.paths import user_paths

    loaded = [e for e in store.events(until=until, kinds=("programme",))
              if isinstance(e, ProgrammeLoaded)]
    paths = [Path(loaded[-1].path)] if loaded else []
    for path in [*paths, user_paths().installed_programme]:
        data = _read_yaml_mapping(path)
        if data is not None:
            try:
                return date.fromisoformat(str(data.get("review") or ""))
            except ValueError:
                return None
    return None


def cmd_log(args: argparse.Namespace) -> int:
    from deskbreak.reporting.text import event_line

    if args.since and args.until and args.until < args.since:
        raise UsageError(f"--until {args.until} is before --since {args.since}")
    since = _local_midnight(args.since) if args.since else None
    until = _local_midnight(args.until + timedelta(days=1)) if args.until else None
    store = open_for_reading(args)
    try:
        out = sys.stdout
        count = 0
        for event in store.events(since, until):
            out.write(event_line(event) + "\n")
            count += 1
        if count == 0:
            print("(no events recorded in this period)", file=sys.stderr)
    finally:
        store.close()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from deskbreak.reporting.prescription import find_prescription, prescription_lines
    from deskbreak.reporting.text import report_lines

    period = resolve_period(args, today(args))
    store = open_for_reading(args)
    try:
        report, _, until = build_report(store, period)
        prescription = find_prescription(store, period.first, period.last, until)
    finally:
        store.close()
    lines = list(report_lines(report))
    # What was prescribed goes under the report's heading, after the review banner and any
    # safety screenings (those stay first), before the prompt tables.
    prompts = [i for i, line in enumerate(lines) if line.startswith("Prompts (")]
    at = prompts[0] if prompts else (lines.index("") + 1 if "" in lines else len(lines))
    lines[at:at] = [*prescription_lines(prescription), ""]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    period = resolve_period(args, today(args))
    if args.table != "daily" and args.format != "csv":
        raise UsageError("--table is for --format csv")
    store = open_for_reading(args)
    try:
        check_export_target(args.out, store, force=args.force)
        report, since, until = build_report(store, period)
        if args.format in ("html", "json"):
            # The prescription and the clinic record (`deskbreak clinic` reads it) ride along.
            from deskbreak.reporting.prescription import report_data

            patient, prescriber, programme = _programme_header(store, until)
            prescription, record = report_data(store, report, since, until,
                                               args.patient or patient, datetime.now())
        if args.format == "html":
            from deskbreak.reporting.clinic import add_section, data_document, embed_data
            from deskbreak.reporting.export import summary_dict
            from deskbreak.reporting.html import Header, generated_text, render_html
            from deskbreak.reporting.prescription import prescription_html

            header = Header(patient=args.patient or patient, prescribed_by=prescriber,
                            programme=programme, generated=generated_text(datetime.now()),
                            exercise_names=_exercise_titles(store, until))
            from deskbreak.reporting.export import HEALTH_DATA_NOTICE

            # The first line says what the file holds (after the doctype, which must come first
            # for standards mode), as a comment a browser does not show. The prescription and
            # the data the clinic view reads go in first.
            page = render_html(report, header)
            page = add_section(page, prescription_html(prescription))
            page = embed_data(page, data_document(record, summary_dict(report), prescription))
            doctype = "<!DOCTYPE html>" if page.startswith("<!DOCTYPE html>") else ""
            text = f"{doctype}<!-- {HEALTH_DATA_NOTICE} -->\n" + page.removeprefix(doctype)
        elif args.format == "json":
            from deskbreak.reporting.export import to_json

            text = to_json(report, store.events(since, until),
                           extra={"clinic": record, "prescription": prescription})
        else:
            from deskbreak.reporting.export import to_csv

            text = to_csv(report, store.events(since, until), args.table)
    finally:
        store.close()
    write_private(args.out, text)
    print(f"wrote {args.out} ({args.format}, {period.first} to {period.last})")
    return 0


#: The first bytes of every SQLite database file.
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_export_target(out: Path, store: SqliteStore, *, force: bool) -> None:
    """Refuse an --out that would destroy something: the compliance log (or any SQLite
    database, or the log's -wal/-shm files), a programme file (the installed one, one the log
    says was loaded, or any .yaml/.yml file), a folder; any other existing file needs --force."""
    from deskbreak.core.events import ProgrammeLoaded
    from deskbreak.paths import user_paths

    out = out.expanduser()
    if out.is_dir():
        raise DeskbreakError(f"{out} is a folder; give a file name with --out")
    if not out.exists() and not out.is_symlink():
        return
    target = out.resolve()
    log_files = {Path(f"{store.path}{suffix}").resolve() for suffix in ("", "-wal", "-shm",
                                                                         "-journal")}
    log_files.add(user_paths().database.resolve())
    if target in log_files or _starts_with(target, _SQLITE_MAGIC):
        raise DeskbreakError(f"refusing to write over {out}: it is a compliance log; choose "
                             "another file name")
    programmes = {user_paths().installed_programme.resolve()}
    programmes.update(Path(e.path).resolve() for e in store.events(kinds=("programme",))
                      if isinstance(e, ProgrammeLoaded))
    if target in programmes or target.suffix.lower() in (".yaml", ".yml"):
        raise DeskbreakError(f"refusing to write over {out}: it is a programme file; choose "
                             "another file name")
    if not force:
        raise DeskbreakError(f"{out} already exists; add --force to replace it")


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


def _programme_header(store: SqliteStore, until: datetime) -> tuple[str, str, str]:
    """Patient, prescriber and title for the HTML header: from the file of the last programme
    the log says was loaded, else from the installed programme. Only these three fields are read,
    through the same guarded reader as `check` (size limit, no aliases or tags, bounded nesting):
    a report must not fail, or be made to take minutes and gigabytes, because of that file."""
    from deskbreak.core.events import ProgrammeLoaded
    from deskbreak.paths import user_paths

    candidates: list[Path] = []
    loaded = [e for e in store.events(until=until, kinds=("programme",))
              if isinstance(e, ProgrammeLoaded)]
    if loaded:
        candidates.append(Path(loaded[-1].path))
    candidates.append(user_paths().installed_programme)
    for path in candidates:
        data = _read_yaml_mapping(path)
        if data is not None:
            patient, prescriber, title = (str(data.get(k) or "")
                                          for k in ("patient", "prescribed_by", "title"))
            return patient, prescriber, title
    return "", "", ""


def _exercise_titles(store: SqliteStore, until: datetime) -> dict[str, str]:
    """Exercise titles by id: the built-in library's, then the physio's own from the last
    programme the log names. What cannot be read is left out (the table then shows the id),
    so a report never fails for a title."""
    from deskbreak.core.events import ProgrammeLoaded
    from deskbreak.library import load_library, load_programme

    titles: dict[str, str] = {}
    try:
        titles.update((key, ex.title) for key, ex in load_library().items())
    except DeskbreakError:
        pass
    loaded = [e for e in store.events(until=until, kinds=("programme",))
              if isinstance(e, ProgrammeLoaded)]
    if loaded:
        try:
            programme = load_programme(Path(loaded[-1].path))
        except (DeskbreakError, OSError):
            return titles
        titles.update((key, ex.title) for key, ex in programme.exercises.items())
    return titles


@functools.lru_cache(maxsize=4)
def _read_yaml_mapping(path: Path) -> dict[str, Any] | None:
    """The top-level plain values of a programme file, or None if it cannot be read safely.
    Cached: the report's review date and the HTML header read the same file once."""
    import yaml

    from deskbreak.core.programme_file import compose_safely
    from deskbreak.library import read_programme_text

    try:
        node = compose_safely(read_programme_text(path), str(path))
    except (DeskbreakError, OSError, ValueError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    return {key.value: value.value for key, value in node.value
            if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)}


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by the user only (0600)."""
    path = path.expanduser()
    if path.is_dir():
        raise DeskbreakError(f"{path} is a folder; give a file name with --out")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as error:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise DeskbreakError(f"cannot write {path}: {error.strerror}") from None
