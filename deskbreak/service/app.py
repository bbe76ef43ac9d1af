"""The app: one tick (sample the OS, advance the engine), recording every event, and acting on
it (show or dismiss a prompt, save state, refresh the tray). Engine thread only."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from deskbreak.core.clock import Clock
from deskbreak.core.diary import CATCH_UP_DAYS, diary_gaps
from deskbreak.core.engine import Engine
from deskbreak.core.events import (
    BoutEnded,
    CheckinAnswered,
    CheckinDue,
    Event,
    HeadacheDiary,
    Paused,
    ProgrammeLoaded,
    ProgrammeRejected,
    PromptOutcome,
    PromptShown,
    Resumed,
    SafetyAdvice,
    ScreeningDue,
    SnoozeRefused,
)
from deskbreak.core.sitting import Sample
from deskbreak.core.status import status_line
from deskbreak.errors import DeskbreakError
from deskbreak.service.ports import (
    BusyCheck,
    FullscreenCheck,
    IdleOpener,
    IdleSource,
    LockSource,
    Presenter,
    Store,
)
from deskbreak.service.programme_watch import ProgrammeWatcher, SavedState

if TYPE_CHECKING:
    from deskbreak.adapters.tray import TrayView

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """What `deskbreak run` was asked for."""

    programme_path: Path
    poll_seconds: float = 5.0
    console: bool = False
    speed: float = 1.0
    idle_source: str | None = None
    notifier: str | None = None
    tray_backend: str | None = None
    windows: bool = True


def idle_caveat(source: IdleSource) -> str | None:
    """Why `source` may not see all of the user's input in this session, or None."""
    from deskbreak.adapters.idle import session_caveat

    return session_caveat(source.name, os.environ)


@dataclass
class Sensors:
    """The OS readers the tick samples (each None when this desktop has none)."""

    idle: IdleSource | None = None
    #: Opens a fresh idle source when the current one fails (None: do not retry).
    reopen_idle: IdleOpener | None = None
    #: Why there is no idle source (all time then counts as sitting).
    idle_error: str | None = None
    #: Why the idle source may miss input in this session (X11 under Wayland), or None.
    idle_caveat: str | None = None
    lock: LockSource | None = None
    fullscreen: FullscreenCheck | None = None
    #: Why a due prompt should wait besides fullscreen ("microphone in use by ..."), or None.
    busy: BusyCheck | None = None


class App:
    """Tick, record, act. Built with every collaborator; used on the engine thread only."""

    def __init__(self, *, options: RunOptions, clock: Clock, engine: Engine,
                 open_store: Callable[[], Store], presenter: Presenter, sensors: Sensors,
                 watcher: ProgrammeWatcher, state_path: Path,
                 show_tray: Callable[[TrayView], None] | None = None,
                 play_cue: Callable[[], object] | None = None) -> None:
        self.options = options
        self.clock = clock
        self.engine = engine
        self.presenter = presenter
        self.sensors = sensors
        self.watcher = watcher
        self._open_store = open_store
        self._state_path = state_path
        self._show_tray = show_tray
        #: Plays the "a break is here" sound (used when the programme asks for sound).
        self._play_cue = play_cue
        self._last_tray_view: TrayView | None = None
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise DeskbreakError("the compliance log is not open yet")
        return self._store

    # -- start and stop -----------------------------------------------------------------------

    def open_log(self) -> None:
        """Open the store here, on the engine thread (SQLite connections belong to it)."""
        self._store = self._open_store()
        # Prompt ids stay unique across restarts: continue after the highest one logged.
        self.engine.continue_prompt_ids_after(self._store.highest_prompt_id())

    def record_start(self, startup_rejection: ProgrammeRejected | None) -> None:
        """The log says which programme is in force from now (and why, if it is the default)."""
        path = str(self.options.programme_path)
        if startup_rejection is not None:
            self.record([startup_rejection])
            path = str(startup_rejection.path)
        self.record(self.engine.replace_programme(self.engine.programme, self.clock.now(), path))

    def restore_state(self) -> None:
        """A pause that has not run out yet goes on after a restart, and so does today's
        safety pause of neck prompts (read back from the log)."""
        state = SavedState.load(self._state_path)
        now = self.clock.now()
        if state.paused and (state.paused_until is None or state.paused_until > now):
            self.record(self.engine.pause(now, state.paused_until,
                                          reason="restored after restart"))
        midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
        for advice in self.store.events(since=midnight, kinds=[SafetyAdvice.KIND]):
            if isinstance(advice, SafetyAdvice) and advice.until and advice.until > now:
                self.engine.pause_neck_prompts(advice.until)

    def ask_missed_headache_days(self) -> None:
        """When the programme keeps a headache diary, ask about the earlier days nobody answered
        (days off included, back to a week), read from the log. Today is asked at its usual
        time, or with those days when that time has passed already, and never again when the
        log has today's answer (a restart). Posted after start-up, so the tray never waits
        for it; ticks are queued after it, so today cannot be asked twice."""
        if not self.engine.programme.settings.checkins.headache_daily:
            return
        now = self.clock.now()
        since = datetime.combine(now.date() - timedelta(days=CATCH_UP_DAYS + 1), time.min,
                                 tzinfo=now.tzinfo)
        # Bouts and programme starts say since when deskbreak has been in use: a day before
        # that is not "missed". Check-ins and diary entries say which days were answered.
        events = self.store.events(since=since, kinds=[
            CheckinAnswered.KIND, HeadacheDiary.KIND, BoutEnded.KIND, ProgrammeLoaded.KIND])
        gaps = diary_gaps(events, now.date())
        days = list(gaps.missed)
        if gaps.today_answered:
            self.engine.headache_asked(now.date())  # restarted after answering: not again
        elif days and self.engine.headache_question_due(now):
            # Started after today's question time: one window for every day, not two.
            self.engine.headache_asked(now.date())
            days.append(now.date())
        if days:
            log.info("asking about %d headache diary day(s) at start", len(days))
            self.presenter.ask_headache(days)

    def finish(self, reason: str) -> None:
        """Close the open prompt and the bout in progress, then the log."""
        if self._store is None:
            return
        self.record(self.engine.finish(self.clock.now(), reason=f"service {reason}"))
        self._store.close()
        self._store = None

    # -- the tick -----------------------------------------------------------------------------

    def tick(self) -> bool:
        """One poll: sample the OS, advance the engine, act on what happened. True when the
        machine has just woken from a suspend (timers were frozen meanwhile)."""
        now = self.clock.now()
        idle = self._idle_seconds()
        # Input within the last poll means someone is at an unlocked screen: skip the bus round
        # trip. A lock is seen on the first tick after input stops.
        poll = self.options.poll_seconds * self.options.speed
        locked = self._locked() if idle >= poll else False
        busy = self._busy(now)
        events = self.engine.tick(Sample(now, idle, locked=locked), busy=busy)
        self.record(events)
        if self.watcher.changed():
            self.reload(now, forced=False)
        self.refresh_tray(now)
        return any(getattr(e, "reason", None) == "asleep" for e in events)

    def _busy(self, now: datetime) -> str | None:
        """Why a prompt should wait now; asked only when one could be due (the checks cost a
        window-manager or sound-server round trip)."""
        if not self.engine.prompt_may_be_due(now):
            return None
        if self.sensors.fullscreen is not None and self.sensors.fullscreen():
            return "fullscreen"
        return self.sensors.busy() if self.sensors.busy is not None else None

    def _idle_seconds(self) -> float:
        sensors = self.sensors
        for attempt in range(2):
            if sensors.idle is None:
                return 0.0
            try:
                return float(sensors.idle.seconds_since_last_input()) * self.options.speed
            except DeskbreakError as error:
                log.warning("idle source failed (%s); trying to reopen it", error)
                sensors.idle = None
                if attempt or sensors.reopen_idle is None:
                    sensors.idle_error = str(error)
                    return 0.0
                try:
                    sensors.idle = sensors.reopen_idle()
                    sensors.idle_caveat = idle_caveat(sensors.idle)
                except DeskbreakError as again:
                    sensors.idle_error = str(again)
                    return 0.0
        return 0.0

    def _locked(self) -> bool:
        if self.sensors.lock is None:
            return False
        try:
            return bool(self.sensors.lock.is_locked())
        except Exception as error:
            log.debug("lock state unknown: %s", error)
            return False

    # -- record, then act ---------------------------------------------------------------------

    def record(self, events: list[Event]) -> None:
        """Log every event first (nothing may be lost), then act on it."""
        if not events:
            return
        self.store.append_many(events)
        for event in events:
            self._act_on(event)

    def _act_on(self, event: Event) -> None:
        if isinstance(event, PromptShown):
            if event.card is not None:
                self.presenter.show_prompt(event.card)
            if self._play_cue is not None and self.engine.programme.settings.sound:
                self._play_cue()
        elif isinstance(event, PromptOutcome):
            self.presenter.dismiss(event.prompt)
        elif isinstance(event, SnoozeRefused):
            self.presenter.message("deskbreak: no more snoozes", event.message)
        elif isinstance(event, CheckinDue):
            self.presenter.ask_headache()
        elif isinstance(event, ScreeningDue):
            self.presenter.ask_screening(event.trigger)
        elif isinstance(event, (Paused, Resumed)):
            self.save_state()
        elif isinstance(event, ProgrammeRejected):
            self.presenter.message("deskbreak: programme not loaded",
                                   f"{len(event.problems)} problem(s) in {event.path}; the "
                                   "previous programme stays in force. Run `deskbreak doctor`.")

    # -- programme and state ------------------------------------------------------------------

    def reload(self, now: datetime, forced: bool) -> tuple[bool, str]:
        """Read the programme file: (loaded or unchanged, what to tell whoever asked)."""
        had_problems = bool(self.watcher.problems)
        result = self.watcher.load(now, self.engine.programme.content_hash, forced)
        if had_problems and not self.watcher.problems:
            self.save_state()  # a fixed file's old problems leave the state file too
        if result.rejection is not None:
            self.record([result.rejection])
            self.save_state()
            return False, result.message
        if result.programme is not None:
            self.record(self.engine.replace_programme(result.programme, now,
                                                      str(self.watcher.path)))
        if result.programme is not None or result.fixed:
            self.save_state()
        return True, result.message

    def save_state(self) -> None:
        status = self.engine.status(self.clock.now())
        SavedState(status.paused, status.paused_until,
                   tuple(self.watcher.problems)).save(self._state_path)

    # -- tray ---------------------------------------------------------------------------------

    def refresh_tray(self, now: datetime) -> None:
        """Hand the tray a new view when what it shows has changed."""
        if self._show_tray is None:
            return
        from deskbreak.adapters.tray import TrayView

        status = self.engine.status(now)
        line = status_line(status.presence.value, status.sitting_seconds, status.paused,
                           status.paused_until, status.next_break, status.next_break_in_seconds)
        caveat = self.sensors.idle_caveat
        view = TrayView(sitting_seconds=int(status.sitting_seconds) // 60 * 60,
                        paused=status.paused, status_line=line,
                        tooltip=f"{line}\n{caveat[0].upper()}{caveat[1:]}." if caveat else line,
                        away=status.presence.value != "sitting",
                        bout_limit_seconds=self._bout_limit_seconds(),
                        # Snooze/Skip answer only with a prompt open; the first line tells
                        # the truth outside working hours (adapters/tray/model.py).
                        prompt_open=status.open_prompt is not None,
                        in_working_hours=status.in_working_hours)
        if view != self._last_tray_view:
            self._last_tray_view = view
            self._show_tray(view)

    def _bout_limit_seconds(self) -> int:
        """The sitting time at which the tray ring is full: the movement break's interval (or
        the longest break's, when the programme has no movement break)."""
        breaks = self.engine.programme.breaks
        movement = [b.every_seconds for b in breaks if b.kind.value == "movement"]
        return int(min(movement) if movement else max(b.every_seconds for b in breaks))
