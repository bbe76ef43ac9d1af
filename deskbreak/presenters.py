"""How prompts reach the user: on the desktop (notification + prompt window) or in a console.

A presenter only serialises the engine's prompt card: it never looks anything up. What the user
does comes back through the `Inbox` it was built with, as commands (the notification's buttons)
or typed window messages (ui/prompt_protocol.py).
Threading: every presenter method is called from the engine thread only. The notification's
action callback and the window's reader thread run on their own threads and only hand what
they received to the inbox, which posts it to the engine thread.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import IO, Any

from deskbreak.core.commands import ANSWER_VERBS, Command, Verb, console_help
from deskbreak.core.diary import diary_request
from deskbreak.core.prompt_card import PromptCard
from deskbreak.service.ports import Inbox, Notifier
from deskbreak.ui.prompt_protocol import MessageError, parse_message, request_payload

log = logging.getLogger(__name__)

#: Opens the notifier, given the callback for its actions; raises if there is none here.
NotifierOpener = Callable[[Callable[[str], None]], Notifier]
#: The red-flag questions' window (a separate process, like the prompt window).
SCREENING_WINDOW = "deskbreak.ui.screening_window"
#: What the notification says when the prompt window was closed with the window manager.
HIDDEN_TEXT = ("The prompt is still open. Click its notification, choose \"Start a break now\" "
               "in the tray menu, or run `deskbreak break-now` to bring it back.")


class DesktopPresenter:
    """A notification (with actions where the server supports them) plus the prompt window.

    The window runs as a separate short-lived process (`python -m deskbreak.ui.prompt_window`),
    so a GUI problem can never take the service down and the service never loads Tk.
    """

    def __init__(self, inbox: Inbox, open_notifier: NotifierOpener | None, windows: bool = True,
                 window_args: tuple[str, ...] = (), speed: float = 1.0) -> None:
        self._inbox = inbox
        self._windows = windows
        self._window_args = window_args
        #: `deskbreak run --speed` runs the clock faster; expiries are in real seconds.
        self._speed = speed
        #: The prompt's window and the prompt it shows. The check-in and screening windows
        #: are kept apart (`_other_windows`), so one opening while a prompt is up never makes
        #: the service lose the prompt's window (and open a second one on `break-now`).
        self._window: subprocess.Popen[str] | None = None
        self._window_prompt: int | None = None
        self._other_windows: list[subprocess.Popen[str]] = []
        #: The open prompt's card (read by the notification's action thread for its id only).
        self._card: PromptCard | None = None
        self.notifier: Notifier | None = None
        self.notifier_error: str | None = None
        if open_notifier is not None:
            try:
                self.notifier = open_notifier(self._notification_action)
            except Exception as error:  # a missing notification server must not stop the service
                self.notifier_error = str(error)
                log.warning("no notifications: %s", error)

    def _notification_action(self, key: str) -> None:
        """On the notifier's thread: a button, or the notification itself ("default")."""
        card = self._card
        if card is None:
            return
        if key == "default":
            # Clicking the notification brings the prompt back (never starts a new one).
            self._inbox.command(Command(Verb.BREAK_NOW, prompt=card.prompt), "notification")
            return
        verb = next((v for v, answer in ANSWER_VERBS.items() if answer.value == key), None)
        if verb is None:
            log.debug("ignoring notification action %r", key)
            return
        self._inbox.command(Command(verb, prompt=card.prompt), "notification")

    def show_prompt(self, card: PromptCard) -> None:
        if self._card is not None:  # one prompt on screen at a time
            self.dismiss(self._card.prompt)
        self._card = card
        self._notify(card)
        if self._windows:
            self._open_window("deskbreak.ui.prompt_window", request_payload(card), card.prompt)

    def _notify(self, card: PromptCard) -> None:
        if self.notifier is None:
            return
        actions = [("default", "Open"), ("done", "Done")]
        if card.snooze_allowed:
            actions.append(("snooze", f"Snooze {card.snooze_minutes:g} min"))
        actions.append(("skip", "Skip"))
        try:
            self.notifier.show(card.headline, card.body(), actions,
                               expire_seconds=card.respond_within_seconds / self._speed)
        except Exception as error:
            log.warning("notification failed: %s", error)

    def reopen(self, prompt_id: int) -> bool:
        card = self._card
        if card is None or card.prompt != prompt_id:
            return False
        if not self._windows:
            self._notify(card)
            return True
        window = self._window
        if window is not None and self._window_prompt == prompt_id and window.poll() is None:
            return False  # still on screen
        self._open_window("deskbreak.ui.prompt_window", request_payload(card), prompt_id)
        return True

    def started(self, prompt_id: int) -> None:
        if self._card is not None and self._card.prompt == prompt_id:
            self._withdraw_notification()

    def hidden(self, prompt_id: int) -> None:
        if self._card is not None and self._card.prompt == prompt_id:
            self.message("deskbreak: prompt hidden", HIDDEN_TEXT)

    def _withdraw_notification(self) -> None:
        if self.notifier is not None:
            try:
                self.notifier.close()
            except Exception as error:
                log.debug("closing the notification failed: %s", error)

    def _open_window(self, module: str, spec: dict[str, Any], prompt_id: int | None) -> None:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", module, *self._window_args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        except OSError as error:
            log.warning("could not open the prompt window: %s", error)
            return
        stdin, stdout = process.stdin, process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - both are pipes above
            return
        try:
            stdin.write(json.dumps(spec))
            stdin.close()
        except OSError as error:
            log.warning("prompt window did not take its spec: %s", error)
        if prompt_id is None:
            self._other_windows = [w for w in self._other_windows if w.poll() is None]
            self._other_windows.append(process)
        else:
            self._window, self._window_prompt = process, prompt_id
        threading.Thread(target=self._read_window, args=(stdout, prompt_id),
                         name="prompt-window-reader", daemon=True).start()

    def _read_window(self, stream: IO[str], prompt_id: int | None) -> None:
        """Runs on its own thread: hands each line, as one typed message, to the inbox."""
        for line in stream:
            if not line.strip():
                continue
            try:
                message = parse_message(line)
            except MessageError as error:
                log.warning("refused a line from the prompt window: %s", error)
                continue
            self._inbox.window_message(prompt_id, message)

    def dismiss(self, prompt_id: int) -> None:
        if self._card is not None and prompt_id == self._card.prompt:
            self._card = None
            self._withdraw_notification()
        window = self._window
        if window is not None and self._window_prompt == prompt_id and window.poll() is None:
            window.terminate()
        if window is not None and window.poll() is not None:
            self._window = None

    def ask_headache(self, days: Sequence[date] = ()) -> None:
        if self._windows:
            spec = diary_request(days) if days else {"question": "headache"}
            self._open_window("deskbreak.ui.checkin_window", spec, None)
        elif self.notifier is not None:
            self.message("deskbreak", headache_question(days))

    def ask_screening(self, trigger: str) -> None:
        if self._windows and importlib.util.find_spec(SCREENING_WINDOW) is not None:
            self._open_window(SCREENING_WINDOW, screening_request(trigger), None)
        else:
            self.message("deskbreak: please check", screening_text())

    def message(self, title: str, body: str) -> None:
        if self.notifier is None:
            log.info("%s: %s", title, body)
            return
        try:
            self.notifier.show(title, body, [], expire_seconds=10, replace=False)
        except Exception as error:
            log.warning("notification failed: %s", error)

    def close(self) -> None:
        for window in (self._window, *self._other_windows):
            if window is not None and window.poll() is None:
                window.terminate()
        notifier = self.notifier
        if notifier is not None:
            for name, step in (("close", notifier.close), ("shutdown", notifier.shutdown)):
                try:
                    step()
                except Exception as error:  # shutting down: nothing left to tell the user
                    log.debug("notifier %s: %s", name, error)


class ConsolePresenter:
    """Prompts printed to a terminal, answered by typing a letter and Enter.

    Used when there is no desktop (a server, an SSH session) or with `deskbreak run --console`.
    """

    def __init__(self, out: IO[str] | None = None) -> None:
        self._out = out or sys.stdout
        self.current_prompt: int | None = None
        self._card: PromptCard | None = None

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    def show_prompt(self, card: PromptCard) -> None:
        self.current_prompt, self._card = card.prompt, card
        self._print(f"\n[{card.shown_at:%H:%M}] {card.headline} (prompt {card.prompt})")
        self._print(f"  {card.reason}")
        for exercise in card.exercises:
            self._print(f"  - {exercise.title}: {exercise.dose_text()}")
            for number, step in enumerate(exercise.steps, start=1):
                self._print(f"      {number}. {step}")
            for caution in exercise.cautions:
                self._print(f"      ! {caution}")
        snooze = "" if card.snooze_allowed else f" (no snooze: {card.snooze_reason})"
        self._print(f"  answer: d done, s snooze, k skip{snooze}")

    def reopen(self, prompt_id: int) -> bool:
        if self._card is None or self._card.prompt != prompt_id:
            return False
        self.show_prompt(self._card)
        return True

    def started(self, prompt_id: int) -> None:
        return None

    def hidden(self, prompt_id: int) -> None:
        return None

    def dismiss(self, prompt_id: int) -> None:
        if prompt_id == self.current_prompt:
            self.current_prompt, self._card = None, None

    def ask_headache(self, days: Sequence[date] = ()) -> None:
        if days:
            self._print(f"\n{headache_question(days)}")
            return
        self._print("\nDid you have a headache today? Type: h none | h mild | h moderate | "
                    "h severe")

    def ask_screening(self, trigger: str) -> None:
        self._print(f"\ndeskbreak: please check ({trigger}): {screening_text()}")

    def message(self, title: str, body: str) -> None:
        self._print(f"{title}: {body}")

    def close(self) -> None:
        return None

    @staticmethod
    def help() -> str:
        return console_help()


def headache_question(days: Sequence[date]) -> str:
    """The headache question as one line of text, where no diary window can ask it: for today,
    or for the earlier `days` nobody answered (each answered with its date)."""
    if not days:
        return ("Did you have a headache today? Answer with "
                "`deskbreak checkin headache none|mild|moderate|severe`.")
    listed = ", ".join(f"{d:%a} {d.isoformat()}" for d in sorted(days))
    return (f"Headache diary: no answer yet for {listed}. For each day, answer with "
            "`deskbreak checkin headache 0-10 [under-1h|1-4h|over-4h|all-day] "
            "[painkillers|no-painkillers] YYYY-MM-DD`.")


def screening_request(trigger: str) -> dict[str, Any]:
    """What the screening window reads: why it is asked, and the questions in order."""
    from deskbreak.core.screening import QUESTIONS

    return {"trigger": trigger,
            "questions": [{"id": q.id, "text": q.text} for q in QUESTIONS]}


def screening_text() -> str:
    """The red-flag questions as text, where no window can ask them one by one."""
    from deskbreak.core.screening import QUESTIONS

    questions = " ".join(f"{q.text}" for q in QUESTIONS)
    return (f"{questions} If the answer to any of these is yes, stop the neck exercises today "
            "and follow `deskbreak safety`.")
