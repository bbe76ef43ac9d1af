"""The whole service in this process, without a display: the real engine thread, dispatcher,
programme watcher, state file and control socket, with a fake clock, the memory store, a fake
idle source and a presenter that records what it was asked to show.

Each test tells an office day as a story and checks it where a person would: the log, the
replies, and what the presenter showed."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from deskbreak.control import send
from deskbreak.core.clock import FakeClock
from deskbreak.core.commands import COMMANDS, Verb, parse_command, parse_console
from deskbreak.core.events import Answer, Event, Outcome, PromptOutcome, PromptShown
from deskbreak.core.prompt_card import PromptCard
from deskbreak.library import load_programme
from deskbreak.paths import user_paths
from deskbreak.service import RunOptions, Sensors, Service
from deskbreak.service.engine_thread import EngineThread, Mailbox
from deskbreak.store import MemoryStore
from deskbreak.ui.prompt_protocol import Answered, Hidden, Started, WindowMessage

POLL = 5.0  # seconds between samples, as `deskbreak run` takes them
START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday
PROGRAMME = """\
deskbreak: 1
title: In-process office
settings:
  natural_break: 3m
  respond_within: 5m
  working_hours: {days: [mon, tue, wed, thu, fri, sat, sun], from: "08:00", to: "18:00"}
breaks:
  - name: neck mobility
    kind: micro
    every: 20m
    duration: 60s
    snooze: {minutes: 5, max: 1}
    per_prompt: 2
    exercises: [chin-tuck, neck-rotation, shoulder-rolls, eye-break]
"""


class FakeIdle:
    """Idle time from the fake clock and the last simulated input."""

    name = "fake"

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.last_input = clock.now()

    def seconds_since_last_input(self) -> float:
        return (self.clock.now() - self.last_input).total_seconds()


@dataclass
class RecordingPresenter:
    """Everything the service asked to show, in order."""

    cards: list[PromptCard] = field(default_factory=list)
    dismissed: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    started_breaks: list[int] = field(default_factory=list)
    hidden_prompts: list[int] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    headache_questions: int = 0
    #: The earlier days each headache question asked about (empty: today).
    headache_days: list[tuple[date, ...]] = field(default_factory=list)
    screenings: list[str] = field(default_factory=list)
    closed: bool = False

    def show_prompt(self, card: PromptCard) -> None:
        self.cards.append(card)

    def reopen(self, prompt_id: int) -> bool:
        self.reopened.append(prompt_id)
        return True

    def started(self, prompt_id: int) -> None:
        self.started_breaks.append(prompt_id)

    def hidden(self, prompt_id: int) -> None:
        self.hidden_prompts.append(prompt_id)

    def dismiss(self, prompt_id: int) -> None:
        self.dismissed.append(prompt_id)

    def ask_headache(self, days: Sequence[date] = ()) -> None:
        self.headache_questions += 1
        self.headache_days.append(tuple(days))

    def ask_screening(self, trigger: str) -> None:
        self.screenings.append(trigger)

    def message(self, title: str, body: str) -> None:
        self.messages.append((title, body))

    def close(self) -> None:
        self.closed = True


class Office:
    """The service running in this process, and the ways a test uses it as a person would."""

    def __init__(self, programme: Path, store: MemoryStore, clock: FakeClock,
                 busy: Callable[[], str | None] | None = None,
                 open_log: Callable[[], Any] | None = None) -> None:
        """`open_log` (run on the engine thread, as the service opens its log) replaces
        `store` for a test of a real SQLite log."""
        self.clock, self.store, self.programme = clock, store, programme
        self.presenter = RecordingPresenter()
        self.idle = FakeIdle(clock)
        engine_thread = EngineThread()
        self.inbox = Mailbox(engine_thread)
        self.service = Service(
            options=RunOptions(programme_path=programme, poll_seconds=POLL),
            paths=user_paths(), clock=clock, programme=load_programme(programme),
            engine_thread=engine_thread, open_store=open_log or (lambda: store),
            presenter=self.presenter,
            sensors=Sensors(idle=self.idle, busy=busy), load_programme=load_programme,
            schedule_ticks=False)
        self.service.start_background()

    # -- the person at the desk --
    def type_for(self, duration: timedelta) -> None:
        end = self.clock.now() + duration
        while self.clock.now() < end:
            self.clock.advance(POLL)
            self.idle.last_input = self.clock.now()
            self.service.tick_now()

    def away_for(self, duration: timedelta) -> None:
        end = self.clock.now() + duration
        while self.clock.now() < end:
            self.clock.advance(POLL)
            self.service.tick_now()

    def type_until_prompt(self, limit: timedelta = timedelta(hours=2)) -> PromptCard:
        seen = len(self.presenter.cards)
        end = self.clock.now() + limit
        while len(self.presenter.cards) == seen:
            assert self.clock.now() < end, "no prompt came"
            self.type_for(timedelta(seconds=POLL))
        return self.presenter.cards[-1]

    # -- the surfaces --
    def socket(self, verb: str, **args: Any) -> dict[str, Any]:
        """A real request over the real control socket (as `deskbreak VERB` sends it)."""
        return send(verb, args, timeout=5)

    def tray(self, words: str) -> None:
        self.inbox.words(words, "tray")
        self.settle()

    def console(self, line: str) -> str:
        return self.service.run(parse_console(line)).message

    def window(self, prompt_id: int, message: WindowMessage) -> None:
        self.inbox.window_message(prompt_id, message)
        self.settle()

    def settle(self) -> None:
        """Wait until the engine thread has handled everything handed to it so far."""
        self.service.engine_thread.call(lambda: None, timeout=5)

    # -- what happened --
    def events(self) -> list[Event]:
        return list(self.store.events())

    def outcomes(self) -> list[PromptOutcome]:
        return [e for e in self.events() if isinstance(e, PromptOutcome)]

    def prompts(self) -> list[PromptShown]:
        return [e for e in self.events() if isinstance(e, PromptShown)]

    def stop(self) -> None:
        self.service.shutdown("quit")


@pytest.fixture
def programme_file(tmp_path: Path) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return path


@pytest.fixture
def office(programme_file: Path) -> Iterator[Office]:
    running = Office(programme_file, MemoryStore(), FakeClock(START))
    yield running
    running.stop()


def test_a_morning_of_sitting_brings_prompts_built_once_and_each_ends_with_one_outcome(
        office: Office) -> None:
    office.type_for(timedelta(hours=3))
    office.stop()
    prompts, outcomes = office.prompts(), office.outcomes()
    assert len(prompts) >= 5
    assert sorted(o.prompt for o in outcomes) == [p.prompt for p in prompts]
    card = office.presenter.cards[0]
    assert card.headline == "Time for neck mobility"
    assert card.reason == "You have been sitting for 20 min."
    assert [e.id for e in card.exercises] == ["chin-tuck", "neck-rotation"]
    assert all(e.dose_text() for e in card.exercises)
    assert card.expires_at - card.shown_at == timedelta(minutes=5)
    assert card.snooze_allowed and card.snooze_reason == ""
    assert office.presenter.dismissed == [p.prompt for p in prompts]
    assert office.presenter.closed
    bouts = [e for e in office.events() if e.KIND == "bout"]
    assert bouts[-1].reason == "service quit"  # type: ignore[union-attr]


def test_answers_from_the_socket_tray_console_and_window_all_reach_the_log(
        office: Office) -> None:
    first = office.type_until_prompt()
    reply = office.socket("done")
    assert reply == {"ok": True, "message": "done: recorded", "data": {}}
    office.type_until_prompt()
    office.tray("skip")
    third = office.type_until_prompt()
    assert office.console("s") == "snooze: recorded"
    again = office.type_until_prompt()
    # The snoozed prompt comes back with the same exercises, and no more snoozes allowed.
    assert [e.id for e in again.exercises] == [e.id for e in third.exercises]
    assert not again.snooze_allowed
    assert again.snooze_reason == "already snoozed 1 time; your physio allows no more"
    office.window(again.prompt, Answered(Answer.DONE))
    assert [(o.prompt, o.outcome) for o in office.outcomes()] == [
        (first.prompt, Outcome.DONE), (first.prompt + 1, Outcome.SKIPPED),
        (third.prompt, Outcome.SNOOZED), (again.prompt, Outcome.DONE)]
    assert office.outcomes()[-1].finished == tuple(e.id for e in again.exercises)


def test_a_started_break_outlives_the_answer_window_and_a_partial_answer_is_logged(
        office: Office) -> None:
    card = office.type_until_prompt()
    office.window(card.prompt, Started())
    assert office.presenter.started_breaks == [card.prompt]  # notification withdrawn
    office.type_for(timedelta(minutes=12))  # far past the 5 minute answer window
    assert office.outcomes() == []
    office.window(card.prompt, Answered(Answer.PARTIAL, ("chin-tuck",), "busy"))
    [outcome] = office.outcomes()
    assert (outcome.outcome, outcome.finished, outcome.stop_reason) == (
        Outcome.PARTIAL, ("chin-tuck",), "busy")


def test_a_hidden_prompt_comes_back_with_break_now_and_break_now_never_says_0_min(
        office: Office) -> None:
    office.type_for(timedelta(seconds=30))
    reply = office.socket("break-now")
    assert reply["ok"] and reply["message"].endswith("neck mobility")
    card = office.presenter.cards[-1]
    assert card.reason == "You asked for a break."
    office.window(card.prompt, Hidden())
    assert office.presenter.hidden_prompts == [card.prompt]
    reply = office.socket("break-now")
    assert reply == {"ok": True, "message": f"prompt {card.prompt} (neck mobility) is open "
                     "again", "data": {}}
    assert office.presenter.reopened == [card.prompt]
    assert len(office.presenter.cards) == 1


def test_a_broken_programme_edit_is_refused_and_the_last_good_one_stays(
        office: Office, programme_file: Path) -> None:
    office.type_for(timedelta(minutes=2))
    programme_file.write_text(PROGRAMME.replace("every: 20m", "evry: 20m"), encoding="utf-8")
    office.type_for(timedelta(seconds=POLL))
    status = office.socket("status")["data"]
    assert status["programme"] == "In-process office"
    assert any("unknown key 'evry'" in line for line in status["programme_problems"])
    assert office.presenter.messages[-1][0] == "deskbreak: programme not loaded"
    assert "programme_rejected" in [e.KIND for e in office.events()]
    office.type_until_prompt()  # the last good programme still prompts
    reload = office.socket("reload")
    assert not reload["ok"] and "unknown key 'evry'" in reload["message"]
    programme_file.write_text(PROGRAMME.replace("In-process office", "Fixed office"),
                              encoding="utf-8")
    os.utime(programme_file)
    office.type_for(timedelta(seconds=POLL))
    assert office.socket("status")["data"]["programme"] == "Fixed office"


def test_a_pause_survives_a_restart(programme_file: Path) -> None:
    store, clock = MemoryStore(), FakeClock(START)
    first = Office(programme_file, store, clock)
    try:
        reply = first.socket("pause", **{"for": "today"})
        assert reply["message"] == "paused until 18:00"
    finally:
        first.stop()
    clock.advance(60)
    second = Office(programme_file, store, clock)
    try:
        assert second.socket("status")["message"] == "Paused until 18:00"
        second.type_for(timedelta(minutes=40))
        assert second.presenter.cards == []
        assert [e.KIND for e in store.events() if e.KIND in ("paused", "resumed")] == [
            "paused", "paused"]
    finally:
        second.stop()


def test_every_surface_knows_every_command(office: Office) -> None:
    from deskbreak.cli import build_parser

    parser = build_parser()
    subcommands = next(a for a in parser._actions if a.dest == "command").choices
    assert set(office.service.dispatcher.verbs) == set(Verb)
    for spec in COMMANDS:
        verb = spec.verb
        assert verb.value in subcommands, f"the CLI has no `deskbreak {verb.value}`"
        argument = {Verb.PAUSE: " 1h", Verb.CHECKIN: " neck 2"}.get(verb, "")
        assert parse_console(spec.letter + argument).verb is verb
        assert parse_console(verb.value + argument).verb is verb
        assert parse_command(verb.value + argument).verb is verb  # the tray menu's words
    from deskbreak.adapters import tray

    for words in tray.COMMANDS:  # every entry of the tray menu is a command
        assert parse_command(words).verb in Verb
    # Over the socket, every command gets a well-formed reply (quit and the browser aside).
    for verb in set(Verb) - {Verb.QUIT, Verb.OPEN_REPORT}:
        args = {Verb.PAUSE: {"for": "1h"}, Verb.CHECKIN: {"question": "neck", "value": 2}}
        reply = office.socket(verb.value, **args.get(verb, {}))
        assert set(reply) == {"ok", "message", "data"} and reply["message"], (verb, reply)
    assert office.socket("dance") == {
        "ok": False, "data": {},
        "message": "unknown command 'dance'; known commands: " + ", ".join(v.value for v in Verb)}


def test_a_tray_choice_is_confirmed_in_one_short_message(office: Office) -> None:
    office.tray("pause 30m")
    assert office.presenter.messages[-1] == ("deskbreak", "paused until 09:30")
    office.tray("resume")
    assert office.presenter.messages[-1] == ("deskbreak", "resumed")
    office.tray("snooze")
    assert office.presenter.messages[-1] == ("deskbreak", "there is no open prompt to answer")


def test_a_prompt_that_comes_due_during_a_call_waits_and_the_log_says_why(
        programme_file: Path) -> None:
    on_call = ["microphone in use by Zoom"]
    office = Office(programme_file, MemoryStore(), FakeClock(START),
                    busy=lambda: on_call[0] if on_call else None)
    try:
        office.type_for(timedelta(minutes=25))
        assert office.presenter.cards == []
        deferred = [e for e in office.events() if e.KIND == "deferred"]
        assert [e.reason for e in deferred] == ["microphone in use by Zoom"]  # type: ignore[union-attr]
        on_call.clear()  # the call ends: the prompt comes at once
        office.type_for(timedelta(seconds=POLL))
        assert len(office.presenter.cards) == 1
    finally:
        office.stop()


def test_a_worrying_rating_asks_the_red_flag_questions_and_a_yes_pauses_neck_prompts_over_a_restart(
        programme_file: Path) -> None:
    from deskbreak.core.screening import QUESTION_IDS
    from deskbreak.ui.prompt_protocol import CheckinGiven, ScreeningGiven

    store, clock = MemoryStore(), FakeClock(START)
    office = Office(programme_file, store, clock)
    try:
        card = office.type_until_prompt()
        office.window(card.prompt, Answered(Answer.DONE))
        office.window(card.prompt, CheckinGiven("neck", 8))
        assert office.presenter.screenings == ["neck 7 or more"]
        office.window(card.prompt, ScreeningGiven(
            "neck 7 or more", tuple((q, q == QUESTION_IDS[0]) for q in QUESTION_IDS)))
        advice = [e for e in store.events() if e.KIND == "safety"]
        assert advice and advice[0].any_yes  # type: ignore[union-attr]
        assert office.socket("status")["data"]["neck_prompts_paused_until"]
    finally:
        office.stop()
    clock.advance(60)
    again = Office(programme_file, store, clock)
    try:
        again.type_for(timedelta(minutes=45))
        assert again.presenter.cards == []  # neck prompts stay paused for the rest of the day
    finally:
        again.stop()


def test_the_tray_tooltip_carries_the_idle_sources_caveat(programme_file: Path) -> None:
    """When the idle source may miss input (X11 under Wayland), the tray's tooltip says so
    under the status line; without a caveat the tooltip is the status line alone."""
    from deskbreak.core.engine import Engine
    from deskbreak.service.app import App
    from deskbreak.service.programme_watch import ProgrammeWatcher

    views: list[Any] = []
    caveat = "sitting time may be wrong: this is a Wayland session"
    for sensors in (Sensors(idle_caveat=caveat), Sensors()):
        app = App(options=RunOptions(programme_path=programme_file, poll_seconds=POLL),
                  clock=FakeClock(START), engine=Engine(load_programme(programme_file)),
                  open_store=MemoryStore, presenter=RecordingPresenter(), sensors=sensors,
                  watcher=ProgrammeWatcher(programme_file, load_programme),
                  state_path=programme_file.parent / "state.json", show_tray=views.append)
        app.refresh_tray(START)
    with_caveat, without = views
    assert with_caveat.tooltip.splitlines()[-1] == "Sitting time may be wrong: this is a " \
                                                   "Wayland session."
    assert with_caveat.tooltip.splitlines()[0] == without.tooltip


def test_the_neck_rating_before_a_break_is_asked_when_the_programme_says_and_logged_as_before(
        tmp_path: Path) -> None:
    from deskbreak.core.events import CheckinAnswered
    from deskbreak.ui.prompt_protocol import (
        CheckinGiven,
        parse_message,
        parse_request,
        request_payload,
    )

    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME.replace(
        "settings:\n", "settings:\n  checkins: {neck_after_break: true, "
        "neck_before_break: true}\n"), encoding="utf-8")
    office = Office(path, MemoryStore(), FakeClock(START))
    try:
        card = office.type_until_prompt()
        # What the window is sent asks for the rating before the first exercise ...
        assert card.neck_before
        assert parse_request(request_payload(card)).neck_before
        office.window(card.prompt, Started())
        # ... and the line it prints as soon as it is answered reaches the log as "before".
        office.window(card.prompt, parse_message('{"checkin": "neck_before", "value": 4}'))
        office.window(card.prompt, CheckinGiven("neck", 2))
        office.window(card.prompt, Answered(Answer.DONE))
        checkins = [(e.question, e.value, e.prompt) for e in office.events()
                    if isinstance(e, CheckinAnswered)]
        assert checkins == [("neck_before", 4, card.prompt), ("neck", 2, card.prompt)]
    finally:
        office.stop()
    path.write_text(PROGRAMME, encoding="utf-8")
    office = Office(path, MemoryStore(), FakeClock(START))
    try:
        assert not office.type_until_prompt().neck_before
    finally:
        office.stop()


def _diary_programme(folder: Path) -> Path:
    """The office programme with the daily headache diary on."""
    path = folder / "programme.yaml"
    path.write_text(PROGRAMME.replace(
        "settings:\n", "settings:\n  checkins: {headache_daily: true}\n"), encoding="utf-8")
    return path


def test_at_start_the_headache_diary_asks_about_the_earlier_days_nobody_answered(
        tmp_path: Path) -> None:
    from deskbreak.core.events import CheckinAnswered, HeadacheDiary, ProgrammeLoaded

    path = _diary_programme(tmp_path)
    store = MemoryStore()
    wed, thu, fri, sat, sun = (START - timedelta(days=n) for n in (5, 4, 3, 2, 1))
    store.append_many([
        # First used on Wednesday; nothing older is "missed".
        ProgrammeLoaded(at=wed, title="In-process office", programme_hash="x", path=str(path)),
        HeadacheDiary(at=thu.replace(hour=17), day=thu.date().isoformat(), intensity=3,
                      duration="1-4h", painkillers=False),
        CheckinAnswered(at=fri.replace(hour=17), question="headache", value="mild"),
        # Saturday caught up on Sunday (a day off is still a diary day).
        HeadacheDiary(at=sun.replace(hour=10), day=sat.date().isoformat(), intensity=0),
    ])
    office = Office(path, store, FakeClock(START))
    try:
        office.settle()
        # Wednesday and Sunday have no answer; today is asked later, at its usual time.
        assert office.presenter.headache_days == [(wed.date(), sun.date())]
    finally:
        office.stop()
    # Without the diary in the programme nothing is asked.
    path.write_text(PROGRAMME, encoding="utf-8")
    office = Office(path, store, FakeClock(START))
    try:
        office.settle()
        assert office.presenter.headache_days == []
    finally:
        office.stop()


def test_status_says_when_the_log_was_deleted_under_the_running_service(
        programme_file: Path, tmp_path: Path) -> None:
    from deskbreak.store import open_store

    path = tmp_path / "compliance.sqlite3"
    office = Office(programme_file, MemoryStore(), FakeClock(START),
                    open_log=lambda: open_store(path))
    try:
        assert office.socket("status")["data"]["log_notice"] is None
        for name in ("compliance.sqlite3", "compliance.sqlite3-wal", "compliance.sqlite3-shm"):
            (tmp_path / name).unlink(missing_ok=True)
        assert office.socket("pause", **{"for": "30m"})["ok"]  # an event to write
        data = office.socket("status")["data"]
        assert "was deleted while deskbreak was running" in data["log_notice"]
        assert (data["pending_events"], data["log_error"]) == (0, None)
        assert path.exists()  # started again where reports look
    finally:
        office.stop()


def _start_and_sit(path: Path, store: MemoryStore, at: datetime, minutes: int
                   ) -> RecordingPresenter:
    """Start the service at `at`, sit for `minutes`, stop it: what it showed the person."""
    office = Office(path, store, FakeClock(at))
    try:
        office.settle()
        office.type_for(timedelta(minutes=minutes))
    finally:
        office.stop()
    return office.presenter


def test_started_after_the_diary_time_it_asks_every_day_in_one_window_and_never_twice(
        tmp_path: Path) -> None:
    from deskbreak.core.events import CheckinAnswered, HeadacheDiary, ProgrammeLoaded

    path = _diary_programme(tmp_path)
    store = MemoryStore()
    friday = START - timedelta(days=3)
    store.append(ProgrammeLoaded(at=friday, title="In-process office", programme_hash="x",
                                 path=str(path)))
    # 17:40: today's question (17:30, half an hour before the end of the day) is already due.
    late = START.replace(hour=17, minute=40)
    missed = tuple(friday.date() + timedelta(days=n) for n in range(3))
    asked = _start_and_sit(path, store, late, 10)
    assert asked.headache_days == [(*missed, late.date())]  # one window
    # Every day answered in that window; a restart the same evening asks nothing more.
    store.append_many(HeadacheDiary(at=late, day=day.isoformat(), intensity=0)
                      for day in (*missed, late.date()))
    assert _start_and_sit(path, store, late + timedelta(minutes=5), 10).headache_questions == 0
    # A one-word answer counts as today's answer too; with no earlier day missing, today's
    # question comes from the engine as usual, once.
    fresh = MemoryStore()
    fresh.append(ProgrammeLoaded(at=late, title="In-process office", programme_hash="x",
                                 path=str(path)))
    assert _start_and_sit(path, fresh, late, 5).headache_days == [()]
    fresh.append(CheckinAnswered(at=late + timedelta(minutes=5), question="headache",
                                 value="none"))
    assert _start_and_sit(path, fresh, late + timedelta(minutes=6), 5).headache_questions == 0
