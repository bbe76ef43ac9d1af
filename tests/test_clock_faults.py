"""Clock faults through the real engine and the real store: the wall clock set back or forward
by hours, both DST changes, suspends of a minute, an hour and a weekend. Whatever the clock
does: no burst of prompts, no negative duration, no long silence while the user sits, and the
report read back from the log equals the one computed from the events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO

from deskbreak.core.compliance import Period, facts_from_events, summarise_facts
from deskbreak.core.engine import Engine
from deskbreak.core.events import BoutEnded, Event, PromptOutcome, PromptShown
from deskbreak.core.sitting import Sample
from deskbreak.library import load_programme
from deskbreak.store import open_store

LONDON = ZoneInfo("Europe/London")
POLL = 5
PROGRAMME = load_programme(REPO / "config" / "programmes" / "desk-worker-general.yaml")
#: The longest a sitting user may go without a prompt: the micro interval (30 min), the answer
#: window of the unanswered prompt before it (10 min), and slack.
LONGEST_SILENCE = timedelta(minutes=50)


@dataclass
class Run:
    """The story's result: events, and the real (monotonic) moment each prompt was shown."""

    events: list[Event] = field(default_factory=list)
    shown_real: list[timedelta] = field(default_factory=list)
    active_real: list[tuple[timedelta, timedelta]] = field(default_factory=list)


def story(start: datetime, steps: list[tuple[str, float]], tmp_path: Path) -> Run:
    """Tell a day: ("sit", minutes) of input every few seconds, ("jump", minutes) the wall clock
    moves without real time passing, ("suspend", minutes) real and wall time pass with no
    samples. Events go through the engine and into a real SQLite log, and are read back."""
    engine = Engine(PROGRAMME, poll_seconds=POLL)
    store = open_store(tmp_path / "log.sqlite3")
    run = Run()
    wall = start.astimezone(LONDON)  # instants move steadily; the zone adds the DST offsets
    real = timedelta(0)
    store.append_many(engine.replace_programme(PROGRAMME, wall, "programme.yaml"))
    for what, minutes in steps:
        length = timedelta(minutes=minutes)
        if what == "jump":
            wall = (wall + length).astimezone(LONDON)
            continue
        if what == "suspend":
            wall, real = (wall + length).astimezone(LONDON), real + length
            continue
        began = real
        for _ in range(int(length.total_seconds()) // POLL):
            wall, real = (wall + timedelta(seconds=POLL)).astimezone(LONDON), \
                real + timedelta(seconds=POLL)
            events = engine.tick(Sample(wall, idle_seconds=1.0))
            run.shown_real += [real for e in events if isinstance(e, PromptShown)]
            assert store.append_many(events)
        run.active_real.append((began, real))
    store.append_many(engine.finish(wall, reason="end of story"))
    run.events = list(store.events())
    days = sorted({e.at.date() for e in run.events})
    period = Period(days[0], days[-1])
    assert summarise_facts(store.report_facts(period), period) == summarise_facts(
        facts_from_events(run.events, period), period)
    store.close()
    return run


def assert_sound(run: Run) -> None:
    shown = {e.prompt: e for e in run.events if isinstance(e, PromptShown)}
    outcomes = [e for e in run.events if isinstance(e, PromptOutcome)]
    # At most one outcome per prompt, never before the prompt.
    assert len({o.prompt for o in outcomes}) == len(outcomes)
    for outcome in outcomes:
        assert outcome.at >= shown[outcome.prompt].at, (outcome, shown[outcome.prompt])
    # No negative or impossible bout.
    for bout in (e for e in run.events if isinstance(e, BoutEnded)):
        assert bout.seconds >= 0 and bout.end >= bout.start and bout.at >= bout.end, bout
    # No burst: never more than two prompts within ten real minutes.
    for index, moment in enumerate(run.shown_real):
        later = [m for m in run.shown_real[index:] if m - moment < timedelta(minutes=10)]
        assert len(later) <= 2, f"burst at {moment}: {run.shown_real}"


def assert_no_long_silence(run: Run, since_real: timedelta) -> None:
    """From `since_real` on, while the user sat, a prompt came at least every LONGEST_SILENCE."""
    marks = [since_real, *[m for m in run.shown_real if m >= since_real]]
    end = run.active_real[-1][1]
    gaps = [b - a for a, b in zip(marks, [*marks[1:], end], strict=True)]
    assert max(gaps) <= LONGEST_SILENCE, (gaps, run.shown_real)


MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)


@pytest.mark.parametrize("hours", [1, 3])
def test_the_clock_set_back_by_hours_still_prompts_within_the_interval(
        tmp_path: Path, hours: int) -> None:
    run = story(MONDAY_NOON, [("sit", 40), ("jump", -60 * hours), ("sit", 120)], tmp_path)
    assert_sound(run)
    assert_no_long_silence(run, since_real=timedelta(minutes=40))
    assert any(e.reason == "clock set back" for e in run.events if isinstance(e, BoutEnded))


@pytest.mark.parametrize("hours", [1, 3])
def test_the_clock_set_forward_by_hours_gives_no_burst(tmp_path: Path, hours: int) -> None:
    start = datetime(2026, 11, 23, 9, 30, tzinfo=LONDON)
    run = story(start, [("sit", 40), ("jump", 60 * hours), ("sit", 120)], tmp_path)
    assert_sound(run)
    assert_no_long_silence(run, since_real=timedelta(minutes=40))


@pytest.mark.parametrize("minutes", [1, 60])
def test_a_suspend_gives_no_burst_and_prompts_come_back(tmp_path: Path, minutes: int) -> None:
    run = story(MONDAY_NOON, [("sit", 45), ("suspend", minutes), ("sit", 120)], tmp_path)
    assert_sound(run)
    assert_no_long_silence(run, since_real=timedelta(minutes=45 + minutes))


def test_a_weekend_suspend_starts_monday_fresh(tmp_path: Path) -> None:
    friday = datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)
    run = story(friday, [("sit", 60), ("suspend", (2 * 24 + 17) * 60), ("sit", 150)], tmp_path)
    assert_sound(run)
    monday = [e for e in run.events if isinstance(e, PromptShown) and e.at.date() ==
              date(2026, 11, 23)]
    assert monday and monday[0].at >= datetime(2026, 11, 23, 9, 15, tzinfo=LONDON)
    assert all(e.sitting_seconds < 3 * 3600 for e in monday)  # Friday's sitting did not carry
    assert_no_long_silence(run, since_real=timedelta(minutes=60 + (2 * 24 + 17) * 60))


@pytest.mark.parametrize("day", [date(2026, 3, 30), date(2026, 10, 26)])
def test_a_dst_change_during_a_sitting_day_is_a_non_event(tmp_path: Path, day: date) -> None:
    """The clocks change on Sunday night; sitting across midnight UTC into Monday working
    hours (the change is an offset, not a jump of instants)."""
    start = datetime(day.year, day.month, day.day - 1, 23, 0, tzinfo=LONDON)  # Sunday 23:00
    run = story(start, [("sit", 60 * 12)], tmp_path)
    assert_sound(run)
    assert {e.at.utcoffset() for e in run.events} <= {timedelta(0), timedelta(hours=1)}
    first_working = next(e for e in run.events if isinstance(e, PromptShown))
    assert first_working.at.astimezone(LONDON).hour >= 9
