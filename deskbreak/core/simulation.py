"""Replaying an activity trace through the engine on a simulated clock.

A trace is CSV with a header `at,what` and rows in time order (ISO 8601 date-times; without an
offset they are local time). `what` is one of:

- `active`: input every few seconds from then on;
- `idle`: no input from then on;
- `locked`: the screen is locked;
- `asleep`: the machine is suspended (no samples at all);
- `respond done|skip|snooze`: the user answers the open prompt at that moment (a click: input);
- `checkin neck N` / `checkin headache LEVEL`: a symptom answer at that moment;
- `pause DURATION` / `resume`: the user pauses or resumes prompts;
- `end`: the last row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from deskbreak.core.clock import FakeClock
from deskbreak.core.engine import Engine
from deskbreak.core.events import HEADACHE_LEVELS, Answer, Event
from deskbreak.core.programme import Programme
from deskbreak.core.sitting import Sample
from deskbreak.core.units import parse_duration
from deskbreak.errors import DeskbreakError

#: Trace times must fall in these years: the engine adds up to a year (the longest pause) to
#: them, and local-time conversion fails near the ends of the calendar.
TRACE_YEARS = (1971, 9997)
#: While "active", the simulated user touches the keyboard or mouse this often.
ACTIVE_INPUT_EVERY_SECONDS = 2
MODES = ("active", "idle", "locked", "asleep")


class TraceInvalid(DeskbreakError):
    """A trace file is malformed; the message is `TRACE:LINE: what is wrong`."""

    prefixed = False


@dataclass(frozen=True)
class TraceRow:
    """One row of a trace."""

    line: int
    at: datetime
    what: str
    argument: str = ""


def parse_trace(text: str, filename: str) -> list[TraceRow]:
    """Parse and check a trace. Raises TraceInvalid naming the file and line."""
    rows: list[TraceRow] = []
    text = text.removeprefix("\ufeff")  # spreadsheets save CSV with a byte-order mark
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise TraceInvalid(f"{filename}:1: the trace is empty; it needs a header 'at,what'")
    header_line, header = lines[0]
    if [c.strip() for c in header.split(",")] != ["at", "what"]:
        raise TraceInvalid(f"{filename}:{header_line}: the first line must be the header "
                           f"'at,what', not {header.strip()!r}")
    previous: datetime | None = None
    for number, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != 2:
            raise TraceInvalid(f"{filename}:{number}: expected 2 columns (at,what), found "
                               f"{len(cells)}")
        stamp, what = cells[0].strip(), cells[1].strip()
        try:
            at = datetime.fromisoformat(stamp)
        except ValueError:
            raise TraceInvalid(f"{filename}:{number}: {stamp!r} is not an ISO 8601 date-time "
                               "such as 2026-11-23T08:30:00") from None
        at = _instant(at, stamp, f"{filename}:{number}")
        if previous is not None and at < previous:
            raise TraceInvalid(f"{filename}:{number}: {stamp} is earlier than the row before; "
                               "rows must be in time order")
        verb, _, argument = what.partition(" ")
        argument = argument.strip()
        _check_row(verb, argument, f"{filename}:{number}")
        if rows and rows[-1].what == "end":
            raise TraceInvalid(f"{filename}:{number}: rows after 'end'")
        rows.append(TraceRow(number, at, verb, argument))
        previous = at
    if len(rows) < 1 or rows[-1].what != "end":
        last = lines[-1][0]
        raise TraceInvalid(f"{filename}:{last}: the last row must be 'end'")
    if rows[0].what not in MODES:
        raise TraceInvalid(f"{filename}:{rows[0].line}: the first row must say what the user is "
                           f"doing ({', '.join(MODES)})")
    return rows


def _instant(at: datetime, stamp: str, where: str) -> datetime:
    """`at` as an aware local time: naive means local, aware keeps its instant. Refuses years
    the engine cannot add a pause to, and naive times that do not exist locally (the hour the
    clocks skip in spring), rather than silently moving them."""
    if not TRACE_YEARS[0] <= at.year <= TRACE_YEARS[1]:
        raise TraceInvalid(f"{where}: {stamp!r} is outside the years {TRACE_YEARS[0]} to "
                           f"{TRACE_YEARS[1]}")
    try:
        local = at.astimezone()
    except (OverflowError, ValueError, OSError) as error:
        raise TraceInvalid(f"{where}: {stamp!r} cannot be placed in local time ({error})") \
            from None
    if at.tzinfo is None and local.replace(tzinfo=None) != at:
        raise TraceInvalid(f"{where}: {stamp} does not exist in local time (the clocks skip "
                           "this hour); write a time outside the skipped hour, or give a UTC "
                           "offset such as +01:00")
    return local


def _check_row(verb: str, argument: str, where: str) -> None:
    if verb in (*MODES, "end", "resume"):
        if argument:
            raise TraceInvalid(f"{where}: {verb!r} takes nothing after it")
    elif verb == "respond":
        if argument not in {a.value for a in Answer}:
            raise TraceInvalid(f"{where}: write 'respond done', 'respond skip' or "
                               f"'respond snooze', not 'respond {argument}'")
    elif verb == "checkin":
        question, _, value = argument.partition(" ")
        # isascii: "³".isdigit() is True, but int("³") fails.
        ok = (question == "neck" and value.isascii() and value.isdigit() and len(value) <= 2
              and 0 <= int(value) <= 10) or (
            question == "headache" and value in HEADACHE_LEVELS)
        if not ok:
            raise TraceInvalid(f"{where}: write 'checkin neck 0-10' or 'checkin headache "
                               f"{'|'.join(HEADACHE_LEVELS)}'")
    elif verb == "pause":
        try:
            parse_duration(argument)
        except ValueError as error:
            raise TraceInvalid(f"{where}: pause needs a duration: {error}") from None
    else:
        raise TraceInvalid(f"{where}: unknown action {verb!r}; expected one of "
                           f"{', '.join((*MODES, 'respond', 'checkin', 'pause', 'resume', 'end'))}")


def simulate(programme: Programme, rows: list[TraceRow], poll_seconds: float = 5.0) -> Iterator[Event]:
    """Run the trace through a fresh engine; yield every event in time order."""
    if poll_seconds <= 0:
        raise DeskbreakError("the poll interval must be more than 0 seconds")
    engine = Engine(programme, poll_seconds=poll_seconds)
    # Like the service at start-up: the log says which programme was in force from when.
    yield from engine.replace_programme(programme, rows[0].at, programme.source)
    clock = FakeClock(rows[0].at.astimezone(timezone.utc))
    poll = timedelta(seconds=poll_seconds)
    mode = rows[0].what
    mode_since = rows[0].at
    last_input = rows[0].at
    next_sample = rows[0].at.astimezone(timezone.utc)
    for index, row in enumerate(rows):
        row_at = row.at.astimezone(timezone.utc)
        # Sample up to (not including) this row's moment, in the mode set by earlier rows.
        if mode != "asleep":
            while next_sample < row_at:
                clock.set(next_sample)
                now = next_sample.astimezone()
                if mode == "active":
                    last_input = _latest_input(mode_since, now)
                yield from engine.tick(Sample(now, (now - last_input).total_seconds(),
                                              locked=mode == "locked"))
                next_sample += poll
        else:
            next_sample = max(next_sample, row_at)
        clock.set(max(clock.now(), row_at))
        now = row_at.astimezone()
        if row.what in MODES:
            if mode == "active":
                last_input = _latest_input(mode_since, now)
            if row.what == "active" or mode == "asleep":
                # Coming back (or waking up) is itself an input at this moment.
                last_input = now if row.what == "active" else last_input
            mode, mode_since = row.what, now
            next_sample = row_at
        elif row.what == "respond":
            last_input = now
            _, events = engine.answer(now, Answer(row.argument))
            yield from events
        elif row.what == "checkin":
            question, _, value = row.argument.partition(" ")
            prompt = engine.last_prompt_id if question == "neck" else None
            yield from engine.checkin(now, question, int(value) if question == "neck" else value,
                                      prompt_id=prompt)
        elif row.what == "pause":
            yield from engine.pause(now, now + timedelta(seconds=parse_duration(row.argument)))
        elif row.what == "resume":
            yield from engine.resume(now)
        elif row.what == "end":
            yield from engine.tick(Sample(now, (now - last_input).total_seconds(),
                                          locked=mode == "locked"))
            yield from engine.finish(now, reason="end of trace")
        del index


def _latest_input(since: datetime, now: datetime) -> datetime:
    """The last of the inputs an active user makes every few seconds from `since`."""
    elapsed = int((now - since).total_seconds())
    return since + timedelta(seconds=elapsed - elapsed % ACTIVE_INPUT_EVERY_SECONDS)
