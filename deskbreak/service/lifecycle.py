"""The running service: its parts started in order, stopped in reverse, and the entry points
of every surface (control socket, tray, windows, console) into the engine thread.

Threads, and who owns what:
- the main thread runs the tray icon's loop (pystray requires it) or the console's input loop;
- the engine thread (EngineThread) owns the engine, the store and the OS readers; everything
  else reaches them by posting to it, never by calling them directly;
- APScheduler's background scheduler posts a tick every poll interval;
- the control server's thread, the notifier's bus thread and the prompt window's reader thread
  only post work (`handle_control` waits for the reply; the others do not);
- the tray-updater thread applies tray views (LatestOnly), so a slow tray never holds up a tick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timezone
from typing import TYPE_CHECKING, Any

from deskbreak.core.clock import Clock
from deskbreak.core.commands import Command, CommandError, Reply, Verb, command_from_request
from deskbreak.core.engine import Engine
from deskbreak.core.events import ProgrammeRejected
from deskbreak.core.programme import Programme
from deskbreak.paths import Paths
from deskbreak.service.app import App, RunOptions, Sensors
from deskbreak.service.dispatch import Dispatcher
from deskbreak.service.engine_thread import EngineThread, LatestOnly
from deskbreak.service.ports import Presenter, Store, Tray
from deskbreak.service.programme_watch import ProgrammeLoader, ProgrammeWatcher
from deskbreak.service.runtime import open_report

if TYPE_CHECKING:
    from deskbreak.adapters.tray import TrayView
    from deskbreak.control import ControlServer

log = logging.getLogger(__name__)


class Service:
    """One running deskbreak, built with every collaborator. `start_background()`, then the
    main thread runs the tray or the console; `shutdown()` from anywhere ends it."""

    def __init__(self, *, options: RunOptions, paths: Paths, clock: Clock, programme: Programme,
                 engine_thread: EngineThread, open_store: Callable[[], Store],
                 presenter: Presenter, sensors: Sensors, load_programme: ProgrammeLoader,
                 tray: Tray | None = None, startup_rejection: ProgrammeRejected | None = None,
                 play_cue: Callable[[], object] | None = None,
                 schedule_ticks: bool = True) -> None:
        self.options = options
        self.paths = paths
        self.engine_thread = engine_thread
        self.presenter = presenter
        self.tray = tray
        self.startup_rejection = startup_rejection
        #: False in tests that tick by hand (`tick_now`).
        self._schedule_ticks = schedule_ticks
        self._tray_views: LatestOnly[TrayView] | None = (
            LatestOnly(tray.update, "tray-updater") if tray is not None else None)
        self.app = App(
            options=options, clock=clock,
            engine=Engine(programme, poll_seconds=options.poll_seconds * options.speed),
            open_store=open_store, presenter=presenter, sensors=sensors,
            watcher=ProgrammeWatcher(options.programme_path, load_programme, startup_rejection),
            state_path=paths.service_state,
            show_tray=self._tray_views.put if self._tray_views is not None else None,
            play_cue=play_cue)
        #: Why there is no tray icon (set by whoever started the service without one).
        self.tray_error: str | None = None
        self.dispatcher = Dispatcher(self.app, request_quit=self.request_quit,
                                     open_report=self._open_report,
                                     tray_status=self._tray_status)
        #: Set when shutdown starts; `finished` when it has finished (the log is closed).
        self._stopped = threading.Event()
        self.finished = threading.Event()
        #: Set once start-up is complete: the control channel answers "starting" before that.
        self.ready = threading.Event()
        self._shutdown_lock = threading.Lock()
        self.scheduler: Any = None
        self.control: ControlServer | None = None

    @property
    def engine(self) -> Engine:
        return self.app.engine

    @property
    def idle_error(self) -> str | None:
        return self.app.sensors.idle_error

    # -- start and stop -----------------------------------------------------------------------

    def start_background(self) -> None:
        """Start the control server, the engine thread and the scheduler; restore state."""
        from deskbreak.control import ControlServer

        # First: the server sets a process-wide umask around bind().
        self.control = ControlServer(self.paths.control_socket, self.handle_control)
        self.control.start()
        self.engine_thread.start(self.dispatcher.receive)
        call = self.engine_thread.call
        call(self.app.open_log)
        call(self.app.restore_state)
        call(lambda: self.app.record_start(self.startup_rejection))
        if self._schedule_ticks:
            from apscheduler.executors.debug import DebugExecutor
            from apscheduler.schedulers.background import BackgroundScheduler

            # The job only posts to the engine queue, so it runs in the scheduler's own thread:
            # a thread pool would add one more thread waking up on every tick.
            # UTC because an interval job needs no zone, and asking for the local one goes
            # through tzlocal, which refuses POSIX TZ strings such as "UTC-10:47".
            self.scheduler = BackgroundScheduler(daemon=True, timezone=timezone.utc,
                                                 executors={"default": DebugExecutor()})
            self.scheduler.add_job(lambda: self.engine_thread.post(self._tick), "interval",
                                   seconds=self.options.poll_seconds, id="tick", coalesce=True,
                                   max_instances=1, misfire_grace_time=None)
            self.scheduler.start()
            self.engine_thread.post(self._tick)
        self.ready.set()

    def tick_now(self) -> None:
        """One tick, waited for (tests drive the clock themselves)."""
        self.engine_thread.call(self._tick, timeout=10)

    def _tick(self) -> None:
        if self.app.tick() and self.scheduler is not None:
            self.scheduler.wakeup()  # timers were frozen during the suspend

    def shutdown(self, reason: str = "quit") -> None:
        """Stop everything, closing the open prompt and the bout in progress. Safe to call more
        than once, from any thread; every call returns only once the log is closed."""
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
        steps: list[tuple[str, Callable[[], object]]] = []
        scheduler, control, tray = self.scheduler, self.control, self.tray
        if scheduler is not None:
            steps.append(("scheduler", lambda: scheduler.shutdown(wait=False)))
        if control is not None:
            steps.append(("control channel", control.stop))
        if self.engine_thread.is_alive():
            steps.append(("log", lambda: self.engine_thread.call(
                lambda: self.app.finish(reason), timeout=10)))
            steps.append(("engine", self.engine_thread.stop))
        steps.append(("prompts", self.presenter.close))
        if tray is not None:
            steps.append(("tray", tray.stop))
        for name, step in steps:
            # Each step on its own: one failing must not leave the rest (or the tray's loop on
            # the main thread) running.
            try:
                step()
            except Exception:
                log.exception("stopping the %s failed", name)
        log.info("stopped")

    def _tray_status(self) -> dict[str, object]:
        """Whether a tray shows the icon, and why (`status` and `doctor` print it)."""
        if self.tray is None:
            return {"visible": False, "backend": None,
                    "reason": self.tray_error or "no tray icon in console mode"}
        visible, reason = self.tray.visibility()
        return {"visible": visible, "backend": self.tray.backend, "reason": reason}

    def request_quit(self) -> None:
        """Stop the service from any thread, without waiting for it here."""
        threading.Thread(target=self.shutdown, args=("quit",), name="quit", daemon=True).start()

    def _open_report(self) -> None:
        def failed(text: str) -> None:
            self.engine_thread.post(lambda: self.presenter.message("deskbreak: report failed",
                                                                   text))

        open_report(self.paths.state / "report.html", failed)

    # -- surfaces -----------------------------------------------------------------------------

    def handle_control(self, request: dict[str, Any]) -> dict[str, Any]:
        """Serve one control request (control server thread): run it on the engine thread and
        wait for the reply."""
        if not self.ready.is_set():
            return Reply(False, "deskbreak is starting; try again in a moment").to_json()
        try:
            command = command_from_request(request.get("command"), request.get("args"))
        except CommandError as error:
            return Reply(False, str(error)).to_json()
        return self.run(command).to_json()

    def run(self, command: Command) -> Reply:
        """Run `command` on the engine thread and wait for its reply (any thread but that one)."""
        if command.verb is Verb.QUIT:
            return self.dispatcher.run(command)  # starts its own thread; nothing to wait for
        try:
            return self.engine_thread.call(lambda: self.dispatcher.run(command))
        except TimeoutError:
            return Reply(False, "deskbreak is busy; try again in a moment")
        except Exception as error:
            log.exception("command %s failed", command.verb.value)
            return Reply(False, f"internal error: {error}")
