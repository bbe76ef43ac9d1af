"""Property tests: the planner's rules hold over generated activity traces.

A trace is a random run of active / idle / locked / asleep segments of random lengths, with the
user answering (done / skip / snooze) at random moments while at the desk. Each is replayed
through the same simulator `deskbreak simulate` uses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskbreak.core.engine import QUIET_AFTER_PROMPT_SECONDS
from deskbreak.core.events import (
    BoutEnded,
    BoutStarted,
    Event,
    Outcome,
    PromptOutcome,
    PromptShown,
    SnoozeRefused,
    event_to_json,
)
from deskbreak.core.programme import Programme
from deskbreak.core.programme_file import parse_programme
from deskbreak.core.simulation import parse_trace, simulate
from deskbreak.library import load_library

PROGRAMME_TEMPLATE = """\
deskbreak: 1
title: Property programme
settings:
  natural_break: {natural_break}
  respond_within: {respond_within}
  working_hours: {{days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}}
breaks:
  - name: neck
    kind: micro
    every: {micro_every}
    duration: 60s
    snooze: {{minutes: {snooze_minutes}, max: {snooze_max}}}
    exercises: [chin-tuck, eye-break, neck-rotation]
  - name: move
    kind: movement
    every: {movement_every}
    duration: 3m
    snooze: {{minutes: {snooze_minutes}, max: {snooze_max}}}
    exercises: [stand-and-walk]
"""

_PROGRAMMES: dict[tuple[str, ...], Programme] = {}


def programme(natural_break: str, respond_within: str, micro_every: str, movement_every: str,
              snooze_minutes: int, snooze_max: int) -> Programme:
    key = (natural_break, respond_within, micro_every, movement_every, str(snooze_minutes),
           str(snooze_max))
    if key not in _PROGRAMMES:
        text = PROGRAMME_TEMPLATE.format(
            natural_break=natural_break, respond_within=respond_within, micro_every=micro_every,
            movement_every=movement_every, snooze_minutes=snooze_minutes, snooze_max=snooze_max)
        _PROGRAMMES[key] = parse_programme(text, "property.yaml", load_library())
    return _PROGRAMMES[key]


programmes = st.builds(
    programme,
    natural_break=st.sampled_from(["1m", "5m"]),
    respond_within=st.sampled_from(["1m", "4m", "10m"]),
    micro_every=st.sampled_from(["5m", "10m", "25m"]),
    movement_every=st.sampled_from(["5m", "15m", "50m"]),
    snooze_minutes=st.sampled_from([1, 5]),
    snooze_max=st.sampled_from([0, 1, 2]),
)

MODES = ("active", "idle", "locked", "asleep")
segment_lengths = st.one_of(
    st.integers(1, 90),  # seconds: shorter than a poll, a suspend threshold, a minute
    st.integers(90, 600),  # a few minutes: around the natural break
    st.integers(600, 90 * 60),  # a long stretch
)
#: Mostly at the desk, so that prompts (and answers to them) are common.
segment_modes = st.sampled_from(("active", "active", "active", "idle", "idle", "locked", "asleep"))
segments = st.lists(st.tuples(segment_modes, segment_lengths), min_size=1, max_size=14)
#: Answers at random moments (mostly when no prompt is open: they must change nothing).
responds = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["done", "skip", "snooze"])),
                    max_size=10)
starts = st.builds(
    lambda day, minute: datetime(2026, 11, 23, tzinfo=timezone.utc)
    + timedelta(days=day, minutes=minute),
    day=st.sampled_from([0, 1, 2, 3, 4, 4, 5]), minute=st.integers(7 * 60, 17 * 60))


@dataclass
class Trace:
    start: datetime
    end: datetime
    #: (start, end, mode) of every segment.
    segments: list[tuple[datetime, datetime, str]]
    rows: list[tuple[datetime, str]]

    @property
    def text(self) -> str:
        rows = sorted(self.rows, key=lambda row: row[0]) + [(self.end, "end")]
        return "at,what\n" + "".join(f"{t.isoformat()},{what}\n" for t, what in rows)

    @property
    def blocked(self) -> list[tuple[datetime, datetime]]:
        """(start, end) of every locked or asleep stretch."""
        return [(s, e) for s, e, m in self.segments if m in ("locked", "asleep")]

    def respond(self, moment: datetime, answer: str) -> None:
        """Add an answer at `moment` if the user is at the desk then (and no row is there)."""
        mode = next((m for s, e, m in self.segments if s <= moment < e), "end")
        if mode in ("active", "idle") and all(t != moment for t, _ in self.rows) \
                and moment != self.end:
            self.rows.append((moment, f"respond {answer}"))


def build_trace(start: datetime, parts: list[tuple[str, int]],
                answers: list[tuple[float, str]]) -> Trace:
    at = start
    bounds: list[tuple[datetime, datetime, str]] = []
    for mode, seconds in parts:
        bounds.append((at, at + timedelta(seconds=seconds), mode))
        at += timedelta(seconds=seconds)
    trace = Trace(start, at, bounds, [(s, m) for s, _, m in bounds])
    total = (trace.end - start).total_seconds()
    for fraction, answer in answers:
        trace.respond(start + timedelta(seconds=int(fraction * total)), answer)
    return trace


def run(prog: Programme, trace: Trace) -> list[Event]:
    return list(simulate(prog, parse_trace(trace.text, "trace.csv"), poll_seconds=5.0))


#: How the user reacts to one prompt: not at all, or an answer some seconds after it shows.
reactions = st.one_of(st.none(), st.tuples(st.sampled_from(["done", "skip", "snooze"]),
                                           st.integers(0, 700)))


def answer_prompts(prog: Programme, trace: Trace, data: st.DataObject,
                   most: int = 8) -> list[Event]:
    """Replay, then answer the prompts one at a time as they show (an interactive user)."""
    events = run(prog, trace)
    handled = trace.start - timedelta(seconds=1)
    for _ in range(most):
        pending = [e for e in events if isinstance(e, PromptShown) and e.at > handled]
        if not pending:
            break
        prompt = pending[0]
        handled = prompt.at
        reaction = data.draw(reactions)
        if reaction is not None:
            answer, delay = reaction
            trace.respond(prompt.at + timedelta(seconds=delay), answer)
            events = run(prog, trace)
    return events


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(prog=programmes, start=starts, parts=segments, answers=responds, data=st.data())
def test_planner_rules_hold_over_generated_traces(prog: Programme, start: datetime,
                                                  parts: list[tuple[str, int]],
                                                  answers: list[tuple[float, str]],
                                                  data: st.DataObject) -> None:
    trace = build_trace(start, parts, answers)
    events = answer_prompts(prog, trace, data)
    breaks = {b.name: b for b in prog.breaks}
    hours = prog.settings.working_hours

    # the output is in time order
    stamps = [e.at for e in events]
    assert stamps == sorted(stamps)

    # at most one open prompt; every prompt gets exactly one outcome before the next prompt
    open_prompt: PromptShown | None = None
    last_outcome: PromptOutcome | None = None
    snoozed_series: dict[int, PromptOutcome] = {}
    for event in events:
        if isinstance(event, PromptShown):
            assert open_prompt is None, f"prompt {event.prompt} while {open_prompt} is open"
            open_prompt = event
            brk = breaks[event.break_name]
            assert event.due_at <= event.at
            assert event.exercises and set(event.exercises) <= set(brk.exercise_ids)
            if event.snoozes == 0:
                assert event.series == event.prompt
                # no prompt before `every` of sitting
                assert event.sitting_seconds >= brk.every_seconds
                # the lead's quiet time: no fresh prompt within 2 min of another ending
                if last_outcome is not None:
                    assert (event.at - last_outcome.at).total_seconds() >= \
                        QUIET_AFTER_PROMPT_SECONDS
            else:
                # a snoozed prompt comes back in its series, after the snooze minutes
                assert 1 <= event.snoozes <= brk.snooze.max_count
                before = snoozed_series.pop(event.series)
                assert before.break_name == event.break_name
                assert (event.at - before.at).total_seconds() >= brk.snooze.minutes * 60
        elif isinstance(event, PromptOutcome):
            assert open_prompt is not None and event.prompt == open_prompt.prompt
            assert event.at >= open_prompt.at
            if event.outcome is Outcome.SNOOZED:
                snoozed_series[event.series] = event
            open_prompt = None
            last_outcome = event
        elif isinstance(event, SnoozeRefused):
            assert open_prompt is not None and event.prompt == open_prompt.prompt

    prompts = [e for e in events if isinstance(e, PromptShown)]
    ended = [e for e in events if isinstance(e, BoutEnded)]
    started = [e for e in events if isinstance(e, BoutStarted)]

    # bouts: end >= start, back-dated (end <= noticed), never overlapping, in time order
    for bout in ended:
        assert bout.start <= bout.end <= bout.at
        assert bout.seconds == int((bout.end - bout.start).total_seconds())
        if bout.reason == "idle":
            assert (bout.at - bout.end).total_seconds() >= prog.settings.natural_break_seconds
    for earlier, later in itertools.pairwise(ended):
        assert earlier.end <= later.start
    assert [b.start for b in ended] == sorted(b.start for b in ended)
    # every ended bout was started, and every start is ended by the end of the trace
    assert [b.start for b in ended] == [s.at for s in started][:len(ended)]
    assert len(started) - len(ended) in (0, 1)

    # sitting time never exceeds wall time
    assert sum(b.seconds for b in ended) <= (trace.end - trace.start).total_seconds()

    # no prompt outside working hours, or while not sitting (locked, asleep, between bouts)
    spans = [(b.start, b.at) for b in ended]
    if len(started) > len(ended):
        spans.append((started[-1].at, trace.end))
    for prompt in prompts:
        assert hours.contains(prompt.at), prompt.at
        assert not any(s <= prompt.at < e for s, e in trace.blocked), prompt.at
        assert any(s <= prompt.at <= e for s, e in spans), prompt.at


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(prog=programmes, start=starts, parts=segments, answers=responds)
def test_the_same_trace_gives_identical_output(prog: Programme, start: datetime,
                                               parts: list[tuple[str, int]],
                                               answers: list[tuple[float, str]]) -> None:
    trace = build_trace(start, parts, answers)
    first = [event_to_json(e) for e in run(prog, trace)]
    second = [event_to_json(e) for e in run(prog, trace)]
    assert first == second
