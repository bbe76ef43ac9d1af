"""Commands and window messages, carried out on the engine thread: the one place a command
becomes a `Reply`, and a window's line becomes an answer, a check-in or a start."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime, time
from typing import Any

from deskbreak.core.commands import ANSWER_VERBS, Command, Reply, Verb
from deskbreak.core.engine import AnswerResult
from deskbreak.core.events import Answer, PromptShown, SnoozeRefused
from deskbreak.core.status import pause_until, status_line
from deskbreak.errors import DeskbreakError
from deskbreak.service.app import App
from deskbreak.service.engine_thread import CommandDelivery, Delivery, WindowDelivery
from deskbreak.ui.prompt_protocol import (
    Answered,
    CheckinGiven,
    Hidden,
    ScreeningGiven,
    Started,
    WindowMessage,
)

log = logging.getLogger(__name__)

#: Tray choices whose reply is worth a short notification even when it worked (the menu
#: itself shows nothing); answers and break-now show their effect on screen already.
CONFIRMED_ON_THE_TRAY = frozenset({Verb.STATUS, Verb.PAUSE, Verb.RESUME, Verb.RELOAD,
                                   Verb.CHECKIN, Verb.SUMMARY})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class Dispatcher:
    """Runs commands against the app. Engine thread only; `run` never raises for a user's
    mistake (it becomes a reply, here and nowhere else)."""

    def __init__(self, app: App, *, request_quit: Callable[[], None],
                 open_report: Callable[[], None],
                 tray_status: Callable[[], dict[str, object]] | None = None) -> None:
        self.app = app
        self._request_quit = request_quit
        self._open_report = open_report
        #: Whether the tray icon can be seen and why (None: no tray part, e.g. in tests).
        self._tray_status = tray_status
        self._handlers: dict[Verb, Callable[[Command], Reply]] = {
            Verb.STATUS: self._status,
            Verb.PAUSE: self._pause,
            Verb.RESUME: self._resume,
            Verb.BREAK_NOW: self._break_now,
            Verb.DONE: self._answer,
            Verb.SNOOZE: self._answer,
            Verb.SKIP: self._answer,
            Verb.RELOAD: self._reload,
            Verb.CHECKIN: self._checkin,
            Verb.SUMMARY: self._summary,
            Verb.OPEN_REPORT: self._report,
            Verb.QUIT: self._quit,
        }

    @property
    def verbs(self) -> frozenset[Verb]:
        """The verbs this dispatcher carries out (a test checks: all of them)."""
        return frozenset(self._handlers)

    def run(self, command: Command) -> Reply:
        """Carry out `command` and say how it went."""
        try:
            return self._handlers[command.verb](command)
        except DeskbreakError as error:
            return Reply(False, str(error))

    def receive(self, delivery: Delivery) -> None:
        """What a surface handed to the engine thread without waiting for a reply."""
        if isinstance(delivery, WindowDelivery):
            self.window_message(delivery.prompt_id, delivery.message)
            return
        self.tell(delivery, self.run(delivery.command))

    def tell(self, delivery: CommandDelivery, reply: Reply) -> None:
        """Show a reply on the surface that asked, where it has no answer line of its own."""
        verb = delivery.command.verb
        if delivery.surface == "tray" and (not reply.ok or verb in CONFIRMED_ON_THE_TRAY):
            self.app.presenter.message("deskbreak", reply.message)
        elif not reply.ok:
            log.info("%s command %s: %s", delivery.surface, verb.value, reply.message)

    # -- commands -----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.app.clock.now()

    def _status(self, command: Command) -> Reply:
        app, now = self.app, self._now()
        status = app.engine.status(now)
        line = status_line(status.presence.value, status.sitting_seconds, status.paused,
                           status.paused_until, status.next_break, status.next_break_in_seconds)
        data: dict[str, Any] = {
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
            "programme_path": str(app.options.programme_path),
            "programme_problems": list(app.watcher.problems),
            "idle_source": app.sensors.idle.name if app.sensors.idle else None,
            "idle_error": app.sensors.idle_error,
            "idle_caveat": app.sensors.idle_caveat,
            "pending_events": app.store.pending_count,
            #: Why events are pending, and what the user must know about the log (a damaged
            #: log set aside, a log deleted or replaced while running).
            "log_error": app.store.last_error,
            "log_notice": app.store.notice,
            "pid": os.getpid(),
            #: The service's clock (faster than the wall clock under `run --speed`).
            "now": now.isoformat(),
            "neck_prompts_paused_until": _iso(app.engine.neck_prompts_paused_until(now)),
            "tray": self._tray_status() if self._tray_status is not None else None,
            "line": line,
        }
        return Reply(True, line, data)

    def _pause(self, command: Command) -> Reply:
        now = self._now()
        until = pause_until(now, command.pause_for, self.app.engine.programme)
        self.app.record(self.app.engine.pause(now, until))
        self.app.refresh_tray(now)
        return Reply(True, f"paused until {until:%H:%M}" if until else "paused until you resume")

    def _resume(self, command: Command) -> Reply:
        now = self._now()
        events = self.app.engine.resume(now)
        self.app.record(events)
        self.app.refresh_tray(now)
        return Reply(True, "resumed" if events else "was not paused")

    def _break_now(self, command: Command) -> Reply:
        app = self.app
        open_prompt = app.engine.open_prompt
        if open_prompt is not None and command.prompt in (None, open_prompt.shown.prompt):
            # One way back to a prompt that was hidden or lost behind other windows.
            shown = open_prompt.shown
            if app.presenter.reopen(shown.prompt):
                return Reply(True, f"prompt {shown.prompt} ({shown.break_name}) is open again")
            return Reply(True, f"prompt {shown.prompt} ({shown.break_name}) is already open")
        if command.prompt is not None:
            return Reply(False, f"prompt {command.prompt} is no longer open")
        events = app.engine.break_now(self._now())
        app.record(events)
        shown_now = [e for e in events if isinstance(e, PromptShown)]
        if not shown_now:
            return Reply(False, "no break to show now")
        return Reply(True, f"prompt {shown_now[0].prompt}: {shown_now[0].break_name}")

    def _answer(self, command: Command) -> Reply:
        answer = ANSWER_VERBS[command.verb]
        result, message = self.answer(answer, command.prompt)
        return Reply(result is AnswerResult.ACCEPTED, message)

    def answer(self, answer: Answer, prompt_id: int | None, finished: tuple[str, ...] = (),
               reason: str | None = None) -> tuple[AnswerResult, str]:
        now = self._now()
        result, events = self.app.engine.answer(now, answer, prompt_id, finished, reason)
        self.app.record(events)
        self.app.refresh_tray(now)
        if result is AnswerResult.NO_PROMPT:
            return result, "there is no open prompt to answer"
        if result is AnswerResult.SNOOZE_REFUSED:
            refused = next(e for e in events if isinstance(e, SnoozeRefused))
            return result, refused.message
        return result, f"{answer.value}: recorded"

    def _reload(self, command: Command) -> Reply:
        ok, message = self.app.reload(self._now(), forced=True)
        return Reply(ok, message)

    def _checkin(self, command: Command) -> Reply:
        assert command.question is not None and command.value is not None  # the parser's job
        self.checkin(command.question, command.value, command.prompt)
        return Reply(True, "check-in recorded")

    def checkin(self, question: str, value: int | str | Mapping[str, Any],
                prompt_id: int | None) -> None:
        try:
            events = self.app.engine.checkin(self._now(), question, value, prompt_id)
        except ValueError as error:
            raise DeskbreakError(str(error)) from None
        self.app.record(events)

    def _summary(self, command: Command) -> Reply:
        from deskbreak.core.compliance import summarise_today

        now = self._now()
        start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
        return Reply(True, summarise_today(list(self.app.store.events(since=start))))

    def _report(self, command: Command) -> Reply:
        self._open_report()
        return Reply(True, "opening the report of the last two weeks")

    def _quit(self, command: Command) -> Reply:
        self._request_quit()
        return Reply(True, "quitting")

    # -- window messages ----------------------------------------------------------------------

    def window_message(self, prompt_id: int | None, message: WindowMessage) -> None:
        """A line from a window: every field is recorded or refused (logged), never dropped."""
        app = self.app
        if isinstance(message, CheckinGiven):
            try:
                self.checkin(message.question, message.value, prompt_id)
            except DeskbreakError as error:
                log.warning("check-in from the window refused: %s", error)
            return
        if isinstance(message, ScreeningGiven):
            try:
                events = app.engine.screening(self._now(), dict(message.answers),
                                              message.trigger)
            except ValueError as error:
                log.warning("screening answers refused: %s", error)
                return
            app.record(events)
            return
        if prompt_id is None:
            log.warning("window message without a prompt refused: %r", message)
            return
        if isinstance(message, Started):
            if app.engine.start_break(self._now(), prompt_id):
                app.presenter.started(prompt_id)
        elif isinstance(message, Hidden):
            if app.engine.open_prompt is not None:
                app.presenter.hidden(prompt_id)
        elif isinstance(message, Answered):
            result, text = self.answer(message.answer, prompt_id, message.finished,
                                       message.reason)
            if result is not AnswerResult.ACCEPTED:
                log.info("answer from the window for prompt %s: %s", prompt_id, text)
