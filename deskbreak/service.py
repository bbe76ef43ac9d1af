"""The running service: wiring of clock, OS adapters, engine, store, presenter, tray and control.

Threads, and who owns what:
- the main thread runs the tray icon's loop (pystray requires it) or the console's input loop;
- one engine thread owns the Engine, the Store and the adapters that read the OS; everything
  else reaches them by posting a job to its queue (`post`), never by calling them directly;
- APScheduler's background scheduler posts a tick every poll interval;
- the control server's thread, the notifier's bus thread and the prompt window's reader thread
  only post jobs.
One tick: read the clock once, sample idle and lock state, feed the engine, record every event,
then act on it (show or dismiss a prompt, refresh the tray).
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import queue
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic as time_monotonic
from typing import Any, TypeVar

from deskbreak.core.clock import Clock
from deskbreak.core.engine import AnswerResult, Engine
from deskbreak.core.events import (
    Answer,
    CheckinDue,
    Event,
    Paused,
    ProgrammeRejected,
    PromptOutcome,
    PromptShown,
    Resumed,
    SnoozeRefused,
)
from deskbreak.core.programme import Programme
from deskbreak.core.programme_file import ProgrammeInvalid
from deskbreak.core.sitting import Sample
from deskbreak.core.units import parse_duration
from deskbreak.errors import DeskbreakError
from deskbreak.paths import Paths, ensure_private_dir
from deskbreak.presenters import ConsolePresenter, Presenter, PromptView

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long a control request waits for the engine thread: less than the client's 2 s, so a
#: busy engine gives a clear "busy" answer instead of a client-side timeout.
CONTROL_TIMEOUT_SECONDS = 1.5
#: An engine job slower than this is logged: prompts and answers queue up behind it.
SLOW_JOB_SECONDS = 0.5
#: The service's own log rotates at this size, keeping this many old files.
LOG_BYTES, LOG_BACKUPS = 1_000_000, 3


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


class _Stop(Exception):
    """Raised inside the engine thread's loop to end it."""


class Service:
    """One running deskbreak. Build it, then call `run()` from the main thread."""

    def __init__(self, options: RunOptions, paths: Paths, clock: Clock, programme: Programme,
                 open_store: Callable[[], Any],
                 startup_rejection: ProgrammeRejected | None = None) -> None:
        self.options = options
        self.paths = paths
        self.clock = clock
        #: Called on the engine thread: SQLite connections belong to the thread that made them.
        self._open_store = open_store
        self.store: Any = None
        self.engine = Engine(programme, poll_seconds=options.poll_seconds * options.speed)
        #: Problems of a programme file that was refused at start-up (recorded once running,
        #: but reported by `status` from the first moment).
        self.startup_rejection = startup_rejection
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any] | None]] = (
            queue.SimpleQueue())
        self._engine_thread = threading.Thread(target=self._engine_loop, name="engine",
                                               daemon=True)
        #: Set when shutdown starts, and when it has finished (the log is closed).
        self._stopped = threading.Event()
        self.finished = threading.Event()
        #: Set once start-up is complete: the control channel answers "starting" before that.
        self.ready = threading.Event()
        self._shutdown_lock = threading.Lock()
        self._programme_stat = _stat(options.programme_path)
        self._programme_problems: list[str] = (
            list(startup_rejection.problems) if startup_rejection else [])
        self.presenter: Presenter = ConsolePresenter()
        self.idle_source: Any = None
        self.idle_error: str | None = None
        self.lock_source: Any = None
        self.fullscreen: Callable[[], bool | None] | None = None
        self.tray: Any = None
        #: Tray views on their way to the tray (see LatestOnly); made when the tray is set.
        self._tray_views: LatestOnly = LatestOnly(self._apply_tray_view, "tray-updater")
        self.scheduler: Any = None
        self.control: Any = None
        self._last_tray_view: Any = None

    # -- threading --------------------------------------------------------------------------

    def post(self, job: Callable[[], T]) -> Future[T]:
        """Run `job` on the engine thread; the future gets its result or exception."""
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def call(self, job: Callable[[], T], timeout: float = CONTROL_TIMEOUT_SECONDS) -> T:
        """Run `job` on the engine thread and wait for its result."""
        return self.post(job).result(timeout=timeout)

    def _engine_loop(self) -> None:
        while True:
            job, future = self._jobs.get()
            started = time_monotonic()
            try:
                result = job()
            except _Stop:
                if future is not None:
                    future.set_result(None)
                return
            except DeskbreakError as error:  # expected, and reported by whoever waits for it
                log.warning("%s", error)
                if future is not None:
                    future.set_exception(error)
                continue
            except Exception as error:  # a bug: one bad job must not end the service
                log.exception("engine job failed")
                if future is not None:
                    future.set_exception(error)
                continue
            finally:
                took = time_monotonic() - started
                if took > SLOW_JOB_SECONDS:
                    # Everything else waits meanwhile: a slow bus or X server shows up here.
                    log.warning("engine job %s took %.2f s", getattr(job, "__name__", job), took)
            if future is not None:
                future.set_result(result)

    # -- start and stop ---------------------------------------------------------------------

    def start_background(self) -> None:
        """Open adapters, restore state, start the engine thread, scheduler and control server."""
        from deskbreak.control import ControlServer

        # First: the server sets a process-wide umask around bind(), before other threads exist.
        self.control = ControlServer(self.paths.control_socket, self.handle_control)
        self.control.start()
        self._open_adapters()
        self._engine_thread.start()
        self.call(self._open_log)
        self.call(self._restore_state)
        self.call(self._record_start)
        from apscheduler.executors.debug import DebugExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        # The job only posts to the engine queue, so it runs in the scheduler's own thread: a
        # thread pool would add one more thread waking up on every tick.
        self.scheduler = BackgroundScheduler(daemon=True, executors={"default": DebugExecutor()})
        self.scheduler.add_job(lambda: self.post(self.tick), "interval",
                               seconds=self.options.poll_seconds, id="tick", coalesce=True,
                               max_instances=1, misfire_grace_time=None)
        self.scheduler.start()
        self.post(self.tick)
        self.ready.set()

    def shutdown(self, reason: str = "quit") -> None:
        """Stop everything, recording the bout in progress. Safe to call more than once, from any
        thread; every call returns only once the log is closed."""
        with self._shutdown_lock:
            if self._stopped.is_set():
                self.finished.wait(timeout=30)
                return
            self._stopped.set()
        try:
            self._shutdown(reason)
        finally:
            self.finished.set()

    def _shutdown(self, reason: str) -> None:
        log.info("stopping (%s)", reason)
        steps: list[tuple[str, Callable[[], Any]]] = []
        if self.scheduler is not None:
            steps.append(("scheduler", lambda: self.scheduler.shutdown(wait=False)))
        if self.control is not None:
            steps.append(("control channel", self.control.stop))
        if self._engine_thread.is_alive():
            steps.append(("log", lambda: self.call(lambda: self._finish(reason), timeout=10)))
            steps.append(("engine", lambda: self.call(self._raise_stop, timeout=10)))
        steps.append(("prompts", self.presenter.close))
        if self.tray is not None:
            steps.append(("tray", self.tray.stop))
        for name, step in steps:
            # Each step on its own: one failing must not leave the rest (or the tray's loop on
            # the main thread) running.
            try:
                step()
            except Exception:
                log.exception("stopping the %s failed", name)
        log.info("stopped")

    @staticmethod
    def _raise_stop() -> None:
        raise _Stop

    def _finish(self, reason: str) -> None:
        if self.store is None:
            return
        self._record(self.engine.finish(self.clock.now(), reason=f"service {reason}"))
        self.store.close()

    def _open_log(self) -> None:
        self.store = self._open_store()
        # Prompt ids stay unique across restarts: continue after the highest one logged.
        self.engine.continue_prompt_ids_after(self.store.highest_prompt_id())

    def _record_start(self) -> None:
        now = self.clock.now()
        if self.startup_rejection is not None:
            self._record([self.startup_rejection])
            path = str(self.startup_rejection.path)
        else:
            path = str(self.options.programme_path)
        self._record(self.engine.replace_programme(self.engine.programme, now, path))

    def _open_adapters(self) -> None:
        from deskbreak.adapters.idle import choose_idle_source

        try:
            self.idle_source = choose_idle_source(self.options.idle_source)
            log.info("idle source: %s", self.idle_source.name)
        except DeskbreakError as error:
            self.idle_error = str(error)
            log.info("no idle source; counting all time as sitting: %s", error)
        try:
            from deskbreak.adapters.session import choose_lock_source

            self.lock_source = choose_lock_source()
        except Exception as error:  # lock detection is a refinement; idle time still works
            log.info("no screen-lock source: %s", error)
        try:
            from deskbreak.adapters.fullscreen import choose_fullscreen_detector

            self.fullscreen = choose_fullscreen_detector().active_window_is_fullscreen
        except Exception as error:
            log.info("no fullscreen detection: %s", error)

    # -- the tick ---------------------------------------------------------------------------

    def tick(self) -> None:
        """One poll: sample the OS, advance the engine, act on what happened. Engine thread."""
        now = self.clock.now()
        idle = self._idle_seconds()
        # Input within the last poll means someone is at an unlocked screen: skip the bus round
        # trip. A lock is seen on the first tick after input stops.
        locked = self._locked() if idle >= self.options.poll_seconds * self.options.speed else False
        sample = Sample(now, idle, locked=locked)
        fullscreen = False
        if self.fullscreen is not None and self.engine.prompt_may_be_due(now):
            fullscreen = bool(self.fullscreen())
        events = self.engine.tick(sample, fullscreen=fullscreen)
        if any(getattr(e, "reason", None) == "asleep" for e in events) and self.scheduler:
            self.scheduler.wakeup()  # timers were frozen during the suspend
        self._record(events)
        self._reload_if_changed(now)
        self._refresh_tray(now)

    def _idle_seconds(self) -> float:
        if self.idle_source is None:
            return 0.0
        try:
            return float(self.idle_source.seconds_since_last_input()) * self.options.speed
        except DeskbreakError as error:
            log.warning("idle source failed (%s); trying to reopen it", error)
            try:
                from deskbreak.adapters.idle import choose_idle_source

                self.idle_source = choose_idle_source(self.options.idle_source)
                return float(self.idle_source.seconds_since_last_input()) * self.options.speed
            except DeskbreakError as again:
                self.idle_error = str(again)
                self.idle_source = None
                return 0.0

    def _locked(self) -> bool:
        if self.lock_source is None:
            return False
        try:
            return bool(self.lock_source.is_locked())
        except Exception as error:
            log.debug("lock state unknown: %s", error)
            return False

    def _record(self, events: list[Event]) -> None:
        """Log every event first (nothing may be lost), then act on it."""
        if not events:
            return
        self.store.append_many(events)
        for event in events:
            self._act_on(event)

    def _act_on(self, event: Event) -> None:
        if isinstance(event, PromptShown):
            brk = self.engine.programme.break_named(event.break_name)
            checkins = self.engine.programme.settings.checkins
            self.presenter.show_prompt(PromptView(
                prompt=event, brk=brk, exercises=tuple(self.engine.exercises_for(event)),
                programme=self.engine.programme,
                snooze_allowed=event.snoozes < brk.snooze.max_count,
                neck_checkin=checkins.neck_after_break))
        elif isinstance(event, PromptOutcome):
            self.presenter.dismiss(event.prompt)
        elif isinstance(event, SnoozeRefused):
            self.presenter.message("deskbreak: no more snoozes", event.message)
        elif isinstance(event, CheckinDue):
            self.presenter.ask_headache()
        elif isinstance(event, (Paused, Resumed)):
            self._save_state()
        elif isinstance(event, ProgrammeRejected):
            self.presenter.message("deskbreak: programme not loaded",
                                   f"{len(event.problems)} problem(s) in {event.path}; the "
                                   "previous programme stays in force. Run `deskbreak doctor`.")

    # -- answers and commands (engine thread) -------------------------------------------------

    def answer(self, answer: Answer, prompt_id: int | None = None) -> tuple[AnswerResult, str]:
        result, events = self.engine.answer(self.clock.now(), answer, prompt_id)
        self._record(events)
        self._refresh_tray(self.clock.now())
        if result is AnswerResult.NO_PROMPT:
            return result, "there is no open prompt to answer"
        if result is AnswerResult.SNOOZE_REFUSED:
            refused = next(e for e in events if isinstance(e, SnoozeRefused))
            return result, refused.message
        return result, f"{answer.value}: recorded"

    def post_answer(self, prompt_id: int, answer: Answer) -> None:
        """A presenter callback (any thread): answer `prompt_id` on the engine thread."""
        self.post(lambda: self.answer(answer, prompt_id))

    def post_checkin(self, question: str, value: int | str, prompt_id: int | None) -> None:
        """A presenter callback (any thread): record a check-in on the engine thread."""
        self.post(lambda: self.checkin(question, value, prompt_id))

    def checkin(self, question: str, value: int | str, prompt_id: int | None = None) -> str:
        try:
            events = self.engine.checkin(self.clock.now(), question, value, prompt_id)
        except ValueError as error:
            raise DeskbreakError(str(error)) from None
        self._record(events)
        return "check-in recorded"

    def pause(self, spec: str | None) -> str:
        now = self.clock.now()
        until = pause_until(now, spec, self.engine.programme)
        self._record(self.engine.pause(now, until))
        self._refresh_tray(now)
        return f"paused until {until:%H:%M}" if until else "paused until you resume"

    def resume(self) -> str:
        now = self.clock.now()
        events = self.engine.resume(now)
        self._record(events)
        self._refresh_tray(now)
        return "resumed" if events else "was not paused"

    def break_now(self) -> str:
        events = self.engine.break_now(self.clock.now())
        self._record(events)
        shown = [e for e in events if isinstance(e, PromptShown)]
        return f"prompt {shown[0].prompt}: {shown[0].break_name}" if shown else (
            "a prompt is already open")

    def reload(self) -> str:
        return self._load_programme(self.clock.now(), forced=True)

    def status(self) -> dict[str, Any]:
        now = self.clock.now()
        status = self.engine.status(now)
        return {
            "presence": status.presence.value,
            "sitting_seconds": round(status.sitting_seconds),
            "paused": status.paused,
            "paused_until": status.paused_until.isoformat() if status.paused_until else None,
            "next_break": status.next_break,
            "next_break_in_seconds": (round(status.next_break_in_seconds)
                                      if status.next_break_in_seconds is not None else None),
            "open_prompt": status.open_prompt,
            "open_break": status.open_break,
            "in_working_hours": status.in_working_hours,
            "programme": status.programme_title,
            "programme_path": str(self.options.programme_path),
            "programme_problems": self._programme_problems,
            "idle_source": self.idle_source.name if self.idle_source else None,
            "idle_error": self.idle_error,
            "pending_events": self.store.pending_count,
            "pid": os.getpid(),
            "line": status_line(status.presence.value, status.sitting_seconds, status.paused,
                                status.paused_until, status.next_break,
                                status.next_break_in_seconds),
        }

    def handle_control(self, request: dict[str, Any]) -> dict[str, Any]:
        """Serve one control request (control server thread): post it to the engine, wait."""
        command = request.get("command")
        args = request.get("args") or {}
        if not self.ready.is_set():
            return {"ok": False, "message": "deskbreak is starting; try again in a moment",
                    "data": {}}
        try:
            if command == "quit":
                threading.Thread(target=self.request_quit, daemon=True).start()
                return {"ok": True, "message": "quitting", "data": {}}
            job = self._control_job(str(command), args)
            data = self.call(job)
            if isinstance(data, dict):
                return {"ok": True, "message": data.get("line", ""), "data": data}
            if isinstance(data, tuple):
                result, message = data
                return {"ok": result is AnswerResult.ACCEPTED, "message": message, "data": {}}
            return {"ok": True, "message": str(data), "data": {}}
        except DeskbreakError as error:
            return {"ok": False, "message": str(error), "data": {}}
        except TimeoutError:
            return {"ok": False, "message": "deskbreak is busy; try again in a moment", "data": {}}
        except Exception as error:
            log.exception("control request %r failed", command)
            return {"ok": False, "message": f"internal error: {error}", "data": {}}

    def _control_job(self, command: str, args: dict[str, Any]) -> Callable[[], Any]:
        answers = {"done": Answer.DONE, "snooze": Answer.SNOOZE, "skip": Answer.SKIP}
        if command in answers:
            prompt = args.get("prompt")
            return lambda: self.answer(answers[command], prompt)
        simple: dict[str, Callable[[], Any]] = {
            "status": self.status,
            "resume": self.resume,
            "break-now": self.break_now,
            "reload": self.reload,
        }
        if command in simple:
            return simple[command]
        if command == "pause":
            return lambda: self.pause(args.get("for"))
        if command == "checkin":
            return lambda: self.checkin(str(args.get("question")), args.get("value"),
                                        args.get("prompt"))
        raise DeskbreakError(f"unknown command {command!r}")

    def tray_command(self, command: str) -> None:
        """A tray menu choice (tray thread): post it to the engine thread."""
        if command == "quit":
            threading.Thread(target=self.request_quit, daemon=True).start()
            return
        if command.startswith("pause"):
            spec = command.partition(" ")[2] or None
            self.post(lambda: self.pause(spec))
        elif command == "summary":
            self.post(self._show_summary)
        elif command == "report":
            threading.Thread(target=self._open_report, daemon=True).start()
        else:
            try:
                job = self._control_job(command, {})
            except DeskbreakError:
                log.warning("unknown tray command %r", command)
                return
            self.post(job)

    def _show_summary(self) -> None:
        today = self.clock.now().date()
        start = datetime.combine(today, time.min).astimezone()
        events = list(self.store.events(since=start))
        from deskbreak.core.compliance import summarise_today

        self.presenter.message("deskbreak: today", summarise_today(events))

    def _open_report(self) -> None:
        import subprocess
        import webbrowser

        out = self.paths.state / "report.html"
        result = subprocess.run([sys.executable, "-m", "deskbreak", "export", "--format", "html",
                                 "--out", str(out), "--days", "14"], capture_output=True,
                                text=True, timeout=60)
        if result.returncode == 0:
            webbrowser.open(out.as_uri())
        else:
            self.post(lambda: self.presenter.message("deskbreak: report failed",
                                                     result.stderr.strip()[-300:]))

    def request_quit(self) -> None:
        """Stop the service from any thread."""
        self.shutdown("quit")

    # -- programme reload and saved state ---------------------------------------------------

    def _reload_if_changed(self, now: datetime) -> None:
        current = _stat(self.options.programme_path)
        if current != self._programme_stat:
            self._programme_stat = current
            self._load_programme(now, forced=False)

    def _load_programme(self, now: datetime, forced: bool) -> str:
        from deskbreak.library import load_programme

        path = self.options.programme_path
        try:
            programme = load_programme(path)
        except DeskbreakError as error:
            # A broken file (every problem, one per line) or an unreadable one: keep the
            # programme in force, record why, and tell whoever asked.
            problems = error.lines() if isinstance(error, ProgrammeInvalid) else [str(error)]
            self._programme_problems = problems
            self._record([ProgrammeRejected(at=now, path=str(path), problems=tuple(problems))])
            self._save_state()
            message = "the programme has problems; keeping the previous one:\n" + "\n".join(
                problems)
            if forced:
                raise DeskbreakError(message) from None
            return message
        if not forced and programme.content_hash == self.engine.programme.content_hash:
            # The same programme as in force, but the file may have been broken in between:
            # it is good again, so its old problems must no longer be reported.
            if self._programme_problems:
                self._programme_problems = []
                self._save_state()
                return f"fixed: {programme.title!r} is in force again"
            return "unchanged"
        self._programme_problems = []
        self._record(self.engine.replace_programme(programme, now, str(path)))
        self._save_state()
        return f"loaded {programme.title!r}"

    def _save_state(self) -> None:
        status = self.engine.status(self.clock.now())
        state = {
            "paused": status.paused,
            "paused_until": status.paused_until.isoformat() if status.paused_until else None,
            "programme_problems": self._programme_problems,
        }
        write_private_json(self.paths.service_state, state)

    def _restore_state(self) -> None:
        try:
            state = json.loads(self.paths.service_state.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return
        now = self.clock.now()
        if state.get("paused"):
            until = state.get("paused_until")
            until_at = datetime.fromisoformat(until) if until else None
            if until_at is None or until_at > now:
                self._record(self.engine.pause(now, until_at, reason="restored after restart"))

    # -- tray -------------------------------------------------------------------------------

    def _bout_limit_seconds(self) -> int:
        """The sitting time at which the tray ring is full: the movement break's interval (or
        the longest break's, when the programme has no movement break)."""
        breaks = self.engine.programme.breaks
        movement = [b.every_seconds for b in breaks if b.kind.value == "movement"]
        return int(min(movement) if movement else max(b.every_seconds for b in breaks))

    def _apply_tray_view(self, view: Any) -> None:
        """On the tray-updater thread: the GUI may take its time here."""
        if self.tray is not None:
            self.tray.update(view)

    def _refresh_tray(self, now: datetime) -> None:
        if self.tray is None:
            return
        from deskbreak.adapters.tray import TrayView

        status = self.engine.status(now)
        line = status_line(status.presence.value, status.sitting_seconds, status.paused,
                           status.paused_until, status.next_break, status.next_break_in_seconds)
        view = TrayView(sitting_seconds=int(status.sitting_seconds) // 60 * 60,
                        paused=status.paused, status_line=line, tooltip=line,
                        away=status.presence.value != "sitting",
                        bout_limit_seconds=self._bout_limit_seconds())
        if view != self._last_tray_view:
            self._last_tray_view = view
            self._tray_views.put(view)


class LatestOnly:
    """Hands the newest value to one consumer thread; the producer never waits.

    The engine thread puts tray views here; a separate thread applies them to the tray. A slow
    or stuck GUI toolkit then delays only the icon, never prompts, answers or the log, and views
    that arrive while one is being applied collapse into the newest.
    """

    def __init__(self, consume: Callable[[Any], None], name: str) -> None:
        self._consume = consume
        self._value: Any = None
        self._has_value = False
        self._condition = threading.Condition()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def put(self, value: Any) -> None:
        with self._condition:
            self._value, self._has_value = value, True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._has_value:
                    self._condition.wait()
                value, self._has_value = self._value, False
            try:
                self._consume(value)
            except Exception:
                log.exception("%s failed", threading.current_thread().name)


def status_line(presence: str, sitting_seconds: float, paused: bool, paused_until: datetime | None,
                next_break: str | None, next_in: float | None) -> str:
    """One line for the tooltip and `deskbreak status`, e.g. "Sitting 42 min, neck mobility in 8 min"."""
    if paused:
        return f"Paused until {paused_until:%H:%M}" if paused_until else "Paused"
    if presence != "sitting":
        return {"away": "Away from the desk", "locked": "Screen locked", "asleep": "Just woke up",
                "unknown": "Starting"}.get(presence, presence)
    text = f"Sitting {round(sitting_seconds / 60)} min"
    if next_break is not None and next_in is not None:
        text += f", {next_break} " + ("due now" if next_in <= 0 else
                                      f"in {max(1, round(next_in / 60))} min")
    return text


def pause_until(now: datetime, spec: str | None, programme: Programme) -> datetime | None:
    """When a pause of `spec` ("30m", "1h", "today" or None: until resumed) ends."""
    if spec is None or spec in ("", "indefinitely"):
        return None
    if spec == "today":
        hours = programme.settings.working_hours
        end = datetime.combine(now.date(), hours.end).astimezone()
        if end <= now:
            end = datetime.combine(now.date() + timedelta(days=1), time.min).astimezone()
        return end
    try:
        seconds = parse_duration(spec)
    except ValueError as error:
        raise DeskbreakError(f"cannot pause for {spec!r}: {error}") from None
    if seconds <= 0:
        raise DeskbreakError("a pause must be longer than 0")
    return now + timedelta(seconds=seconds)


def write_private_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically (temp file + rename) readable by the user only."""
    ensure_private_dir(path.parent)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def setup_service_logging(paths: Paths, verbose: bool) -> None:
    """The service logs to a rotating file in the user's state directory (0600)."""
    ensure_private_dir(paths.state)
    handler = logging.handlers.RotatingFileHandler(paths.service_log, maxBytes=LOG_BYTES,
                                                   backupCount=LOG_BACKUPS, encoding="utf-8")
    if os.name == "posix":
        os.chmod(paths.service_log, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in root.handlers:  # the terminal gets warnings only, unless --verbose
        existing.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # APScheduler logs every job run at INFO: thousands of lines a day that say nothing.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def install_signal_handlers(stop: Callable[[], None]) -> None:
    """SIGTERM and SIGINT end the service cleanly (the bout so far is recorded)."""
    def handler(signum: int, frame: Any) -> None:
        threading.Thread(target=stop, daemon=True).start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


__all__ = ["RunOptions", "Service", "pause_until", "status_line", "date"]
