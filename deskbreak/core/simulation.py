"""Replaying an activity trace through the engine on a simulated clock.

A trace is CSV with a header `at,what` and rows in time order (ISO 8601 date-times; without an
offset they are local time). `what` is one of:

- `active`: input every few seconds from then on;
- `idle`: no input from then on;
- `locked`: the screen is locked;
- `asleep`: the machine is suspended (no samples at all);
- `respond done|skip|snooze`: the user answers the open prompt at that moment (a click: input);
- `respond partial N [REASON]`: the user stopped the guided break after finishing its first N
  exercises (N >= 1); `respond stopped [REASON]`: stopped before finishing any. REASON is one
  of busy, symptoms, other;
- `checkin neck N` / `checkin headache LEVEL`: a symptom answer at that moment;
  `checkin neck_before N`: the rating before a guided break; `checkin headache N [DURATION]
  [painkillers|no-painkillers] [YYYY-MM-DD]`: a headache diary entry (intensity 0-10, for
  today unless a day is given; DURATION one of under-1h, 1-4h, over-4h, all-day);
- `screen no` / `screen yes [QUESTION ...]`: the user answers the red-flag screening: all no,
  or yes to the named questions (`screen yes` alone: yes to every question);
- `pause DURATION` / `resume`: the user pauses or resumes prompts;
- `end`: the last row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from deskbreak.core.clock import FakeClock
from deskbreak.core.engine import Engine
from deskbreak.core.events import DIARY_DURATIONS, HEADACHE_LEVELS, STOP_REASONS, Answer, Event
from deskbreak.core.programme import Programme
from deskbreak.core.screening import QUESTION_IDS
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
        if parse_respond(argument) is None:
            raise TraceInvalid(f"{where}: write 'respond done', 'respond skip' or "
                               "'respond snooze' (after starting the guided break: 'respond "
                               "partial N' or 'respond stopped'), not "
                               f"'respond {argument}'")
    elif verb == "checkin":
        if parse_checkin(argument) is None:
            raise TraceInvalid(f"{where}: write 'checkin neck 0-10', 'checkin neck_before "
                               "0-10', 'checkin headache 0-10 [DURATION] [painkillers]' or "
                               f"'checkin headache {'|'.join(HEADACHE_LEVELS)}'")
    elif verb == "screen":
        if parse_screen(argument) is None:
            raise TraceInvalid(f"{where}: write 'screen no', 'screen yes' or 'screen yes "
                               f"QUESTION ...' with questions from {', '.join(QUESTION_IDS)}")
    elif verb == "pause":
        try:
            parse_duration(argument)
        except ValueError as error:
            raise TraceInvalid(f"{where}: pause needs a duration: {error}") from None
    else:
        raise TraceInvalid(f"{where}: unknown action {verb!r}; expected one of "
                           f"{', '.join((*MODES, 'respond', 'checkin', 'screen', 'pause', 'resume', 'end'))}")


def parse_checkin(argument: str) -> tuple[str, int | str | dict[str, Any]] | None:
    """`checkin`'s argument as (question, value) for `Engine.checkin`; None when malformed."""
    words = argument.split()
    if len(words) < 2:
        return None
    question, value = words[0], words[1]
    # isascii: "³".isdigit() is True, but int("³") fails; a short number, never a huge one.
    number = int(value) if value.isascii() and value.isdigit() and len(value) <= 2 else None
    if question in ("neck", "neck_before"):
        return (question, number) if len(words) == 2 and number is not None \
            and 0 <= number <= 10 else None
    if question != "headache":
        return None
    if len(words) == 2 and value in HEADACHE_LEVELS:
        return question, value  # the old one-word scale
    if number is None or number > 10:
        return None
    answer: dict[str, Any] = {"intensity": number}
    for word in words[2:]:
        if word in DIARY_DURATIONS and "duration" not in answer:
            answer["duration"] = word
        elif word in ("painkillers", "no-painkillers") and "painkillers" not in answer:
            answer["painkillers"] = word == "painkillers"
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", word) and "day" not in answer:
            answer["day"] = word
        else:
            return None
    return question, answer


def parse_screen(argument: str) -> dict[str, bool] | None:
    """`screen`'s argument as the screening answers; None when malformed."""
    words = argument.split()
    if words == ["no"]:
        return dict.fromkeys(QUESTION_IDS, False)
    if not words or words[0] != "yes":
        return None
    named = words[1:] or list(QUESTION_IDS)
    if not set(named) <= set(QUESTION_IDS):
        return None
    return {q: q in named for q in QUESTION_IDS}


def parse_respond(argument: str) -> tuple[Answer, int, str | None] | None:
    """`respond`'s argument as (answer, exercises finished, reason); None when malformed."""
    words = argument.split()
    if not words:
        return None
    try:
        answer = Answer(words[0])
    except ValueError:
        return None
    rest = words[1:]
    if answer in (Answer.DONE, Answer.SKIP, Answer.SNOOZE):
        return (answer, 0, None) if not rest else None
    count = 0
    if answer is Answer.PARTIAL:
        if not rest or not rest[0].isdigit() or int(rest[0]) < 1:
            return None
        count, rest = int(rest[0]), rest[1:]
    if len(rest) > 1 or (rest and rest[0] not in STOP_REASONS):
        return None
    return answer, count, rest[0] if rest else None


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
            parsed = parse_respond(row.argument)
            if parsed is not None:  # parse_trace checked it
                answer, count, reason = parsed
                if answer in (Answer.PARTIAL, Answer.STOPPED):
                    # Stopping a guided break means it was started first.
                    engine.start_break(now)
                _, events = engine.answer(now, answer, finished=engine.first_exercises(count),
                                          reason=reason)
                yield from events
        elif row.what == "checkin":
            checkin = parse_checkin(row.argument)
            if checkin is not None:  # parse_trace checked it
                question, value = checkin
                prompt = engine.last_prompt_id if question.startswith("neck") else None
                try:
                    yield from engine.checkin(now, question, value, prompt_id=prompt)
                except ValueError as error:  # e.g. a diary day still to come
                    raise TraceInvalid(f"trace line {row.line}: {error}") from None
        elif row.what == "screen":
            answers = parse_screen(row.argument)
            if answers is not None:
                last_input = now
                yield from engine.screening(now, answers)
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
