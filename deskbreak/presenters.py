"""How prompts reach the user: on the desktop (notification + prompt window) or in a console.

A presenter shows prompts and messages and reports answers through the callbacks it was given.
Threading: `show_prompt`, `dismiss`, `ask_headache`, `message` and `close` are called from the
engine thread only. Callbacks (`on_answer`, `on_checkin`) come from other threads (a window's
reader thread, the notifier's bus thread, the console's stdin thread): the receiver must post
them to the engine thread, never touch engine state directly.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

from deskbreak.core.events import Answer, PromptShown
from deskbreak.core.programme import Break, Exercise, Programme

log = logging.getLogger(__name__)

AnswerCallback = Callable[[int, Answer], None]
CheckinCallback = Callable[[str, "int | str", "int | None"], None]


@dataclass(frozen=True)
class PromptView:
    """Everything a presenter needs to show one prompt."""

    prompt: PromptShown
    brk: Break
    exercises: tuple[Exercise, ...]
    programme: Programme
    snooze_allowed: bool
    neck_checkin: bool

    def headline(self) -> str:
        if self.brk.kind.value == "movement":
            return f"Time to get up: {self.brk.name}"
        return f"Time for {self.brk.name}"

    def body(self) -> str:
        sat = round(self.prompt.sitting_seconds / 60)
        parts = [f"{e.title} ({e.dose_text()})" for e in self.exercises]
        return f"You have been sitting for {sat} min. " + "; ".join(parts)

    def window_spec(self) -> dict[str, Any]:
        """The JSON the prompt window process reads on stdin (see ui/prompt_protocol.py)."""
        from deskbreak.ui.prompt_protocol import request_payload

        return request_payload(
            self.prompt.prompt, self.brk, self.exercises,
            programme_title=self.programme.title, notes=self.programme.notes,
            snooze_allowed=self.snooze_allowed,
            snooze_reason="" if self.snooze_allowed else "no more snoozes for this break",
            neck_checkin=self.neck_checkin)


class Presenter(Protocol):
    """Shows prompts; see the module docstring for the threading contract."""

    def show_prompt(self, view: PromptView) -> None: ...

    def dismiss(self, prompt_id: int) -> None: ...

    def ask_headache(self) -> None: ...

    def message(self, title: str, body: str) -> None: ...

    def close(self) -> None: ...


class DesktopPresenter:
    """A notification (with actions where the server supports them) plus the prompt window.

    The window runs as a separate short-lived process (`python -m deskbreak.ui.prompt_window`),
    so a GUI problem can never take the service down and the service never loads Tk.
    """

    def __init__(self, on_answer: AnswerCallback, on_checkin: CheckinCallback,
                 notifier_override: str | None = None, windows: bool = True,
                 window_args: tuple[str, ...] = (), speed: float = 1.0) -> None:
        self._on_answer = on_answer
        self._on_checkin = on_checkin
        self._windows = windows
        self._window_args = window_args
        #: `deskbreak run --speed` runs the clock faster; expiries are in real seconds.
        self._speed = speed
        self._window: subprocess.Popen[str] | None = None
        self._window_prompt: int | None = None
        self._current_prompt: int | None = None
        self.notifier: Any = None
        self.notifier_error: str | None = None
        try:
            from deskbreak.adapters.notify import choose_notifier

            self.notifier = choose_notifier(self._notification_action, override=notifier_override)
        except Exception as error:  # a missing notification server must not stop the service
            self.notifier_error = str(error)
            log.warning("no notifications: %s", error)

    def _notification_action(self, key: str) -> None:
        prompt_id = self._current_prompt
        if prompt_id is None:
            return
        if key == "default":
            # Clicking the notification itself brings the prompt window back up.
            return
        try:
            answer = Answer(key)
        except ValueError:
            log.debug("ignoring notification action %r", key)
            return
        self._on_answer(prompt_id, answer)

    def show_prompt(self, view: PromptView) -> None:
        if self._current_prompt is not None:  # one prompt on screen at a time
            self.dismiss(self._current_prompt)
        self._current_prompt = view.prompt.prompt
        if self.notifier is not None:
            actions = [("default", "Open"), ("done", "Done")]
            if view.snooze_allowed:
                actions.append(("snooze", f"Snooze {view.brk.snooze.minutes:g} min"))
            actions.append(("skip", "Skip"))
            try:
                expire = view.programme.settings.respond_within_seconds / self._speed
                self.notifier.show(view.headline(), view.body(), actions, expire_seconds=expire)
            except Exception as error:
                log.warning("notification failed: %s", error)
        if self._windows:
            self._open_window("deskbreak.ui.prompt_window", view.window_spec(), view.prompt.prompt)

    def _open_window(self, module: str, spec: dict[str, Any], prompt_id: int | None) -> None:
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", module, *self._window_args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        except OSError as error:
            log.warning("could not open the prompt window: %s", error)
            return
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps(spec))
            process.stdin.close()
        except OSError as error:
            log.warning("prompt window did not take its spec: %s", error)
        self._window, self._window_prompt = process, prompt_id
        threading.Thread(target=self._read_window, args=(process.stdout, prompt_id),
                         name="prompt-window-reader", daemon=True).start()

    def _read_window(self, stream: IO[str], prompt_id: int | None) -> None:
        """Runs on its own thread: turns the window's JSON lines into callbacks."""
        for line in stream:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                log.warning("prompt window said something unexpected: %r", line[:200])
                continue
            if "checkin" in message:
                self._on_checkin(str(message["checkin"]), message.get("value"), prompt_id)
            elif "answer" in message and prompt_id is not None:
                try:
                    self._on_answer(prompt_id, Answer(message["answer"]))
                except ValueError:
                    log.warning("unknown answer from the prompt window: %r", message)

    def dismiss(self, prompt_id: int) -> None:
        if prompt_id == self._current_prompt:
            self._current_prompt = None
            if self.notifier is not None:
                try:
                    self.notifier.close()
                except Exception as error:
                    log.debug("closing the notification failed: %s", error)
        window = self._window
        if window is not None and self._window_prompt == prompt_id and window.poll() is None:
            window.terminate()
        if window is not None and window.poll() is not None:
            self._window = None

    def ask_headache(self) -> None:
        if self._windows:
            self._open_window("deskbreak.ui.checkin_window", {"question": "headache"}, None)
        elif self.notifier is not None:
            self.message("deskbreak", "Did you have a headache today? Answer with "
                         "`deskbreak checkin headache none|mild|moderate|severe`.")

    def message(self, title: str, body: str) -> None:
        if self.notifier is None:
            log.info("%s: %s", title, body)
            return
        try:
            self.notifier.show(title, body, [], expire_seconds=10, replace=False)
        except Exception as error:
            log.warning("notification failed: %s", error)

    def close(self) -> None:
        if self._window is not None and self._window.poll() is None:
            self._window.terminate()
        if self.notifier is not None:
            for step in (self.notifier.close, self.notifier.shutdown):
                try:
                    step()
                except Exception as error:  # shutting down: nothing left to tell the user
                    log.debug("notifier %s: %s", step.__name__, error)


class ConsolePresenter:
    """Prompts printed to a terminal, answered by typing a letter and Enter.

    Used when there is no desktop (a server, an SSH session) or with `deskbreak run --console`.
    """

    HELP = "answer: [d]one, [s]nooze, s[k]ip; also [p]ause, [r]esume, [?] status, [q]uit"

    def __init__(self, out: IO[str] | None = None) -> None:
        self._out = out or sys.stdout
        self.current_prompt: int | None = None

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    def show_prompt(self, view: PromptView) -> None:
        self.current_prompt = view.prompt.prompt
        self._print(f"\n[{view.prompt.at:%H:%M}] {view.headline()} (prompt {view.prompt.prompt})")
        self._print(f"  You have been sitting for {round(view.prompt.sitting_seconds / 60)} min.")
        for exercise in view.exercises:
            self._print(f"  - {exercise.title}: {exercise.dose_text()}")
            for number, step in enumerate(exercise.steps, start=1):
                self._print(f"      {number}. {step}")
            for caution in exercise.cautions:
                self._print(f"      ! {caution}")
        snooze = "" if view.snooze_allowed else " (snooze is not allowed now)"
        self._print(f"  {self.HELP}{snooze}")

    def dismiss(self, prompt_id: int) -> None:
        if prompt_id == self.current_prompt:
            self.current_prompt = None

    def ask_headache(self) -> None:
        self._print("\nDid you have a headache today? Type: h none | h mild | h moderate | "
                    "h severe")

    def message(self, title: str, body: str) -> None:
        self._print(f"{title}: {body}")

    def close(self) -> None:
        return None
