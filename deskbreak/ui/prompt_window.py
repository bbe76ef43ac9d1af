"""The break prompt and guided-exercise window, run as its own short-lived process.

    python -m deskbreak.ui.prompt_window [--speed FACTOR] < request.json

Reads ONE request object from the first line of stdin (see `deskbreak.ui.prompt_protocol`),
shows a small always-on-top window in a screen corner titled "deskbreak: <break name>" with the
break's name, each exercise with its dose, and Start, Snooze and Skip. The physio's notes sit
behind a "Notes from your physio" line, reflowed from the programme file; they show open on the
first prompt of each day (and when they change), or as the request's "show_notes" says. It writes one JSON line per user action to stdout, flushed at
once, and exits 0 after the final answer.

Answer lines (the service's side is `deskbreak.ui.prompt_protocol`):

    {"started": true}                          Start was chosen: the guided break is running
    {"answer": "done"}                         every exercise was finished
    {"answer": "partial", "finished": [ids], "reason": "busy|symptoms|other"}
                                               stopped after finishing at least one exercise
                                               (no "reason" when exercises were skipped, not
                                               stopped)
    {"answer": "stopped", "reason": "busy|symptoms|other"}   stopped before finishing any
    {"answer": "snooze"} / {"answer": "skip"}  on the prompt
    {"checkin": "neck_before", "value": 0..10} as soon as the rating before the first exercise is
                                               answered, when the programme asks for it
    {"checkin": "neck", "value": 0..10}        before the final answer, when asked and answered
    {"hidden": true}                           closed with the window manager: the window hides,
                                               the prompt stays open

Lines the service may write to stdin after the request (the window keeps reading until EOF):

    {"show": true}                             show the hidden window again

A service that closes stdin after the request (it cannot send "show") gets a window that exits
0 once it has hidden; the service then reopens the prompt by starting a new window.

Choices this module makes:

* **Never steals the keyboard.** The window is mapped with the EWMH hint `_NET_WM_USER_TIME = 0`
  ("the user has not interacted with this window yet, do not focus it"), typed as a dialog and
  kept above other windows; it never calls `focus_force` and grabs nothing.
* **Always fits.** The guided view has three parts: a header (progress, exercise, dose), a
  footer that is packed first so it always gets its room (cautions, the safety line, the key
  hint, the buttons), and between them the instructions, which wrap to the window's width and
  scroll when they are longer than the room left. A frame beside the instructions is kept for
  the exercise's picture.
* **Stop asks why** (busy / symptoms / other) before answering; "Back to the exercise" resumes.
* **Closing with the window manager hides** the window (countdowns pause) after a two-second
  line that says how to get it back.
* Keys: Enter = the default button (Start / Next / Done); Escape = Snooze on the prompt (Skip
  when snooze is not allowed) and Stop in the guided view; digits answer the neck check-in
  (type 1 then 0 for 10).

`--speed 20` runs every countdown twenty times faster, for tests and demonstrations.
`--layout-file PATH` makes the window write where its buttons are (JSON, window-relative
centres) after every screen, so tests and accessibility tools can click them.

Threading: a single-threaded Tk process; nothing here is shared with the service. A request that
cannot be read is reported on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from deskbreak.core.programme import reflow
from deskbreak.core.units import format_duration
from deskbreak.ui import theme
from deskbreak.ui.guided_steps import (
    Screen,
    ScreenKind,
    finishes_exercise,
    guided_screens,
    next_exercise_index,
    progress_text,
    seconds_left,
)
from deskbreak.ui.placement import place, show_unasked
from deskbreak.ui.prompt_protocol import PromptRequest, RequestError, parse_request

if TYPE_CHECKING:
    import tkinter
    import tkinter as tk

    from deskbreak.adapters.monitors import Rect

log = logging.getLogger(__name__)

GUIDED_TITLE = "deskbreak: guided break"
PROMPT_WRAP = 380
#: The physio's notes, opened on the prompt, scroll beyond this height (pixels).
NOTES_HEIGHT = 220
#: The guided view's size when the monitor has room for it; smaller monitors get less height
#: (deskbreak.ui.placement fits it inside the monitor with the pointer).
GUIDED_SIZE = (700, 620)
#: Inner padding of the guided view, pixels.
PAD = 16
#: How often a running countdown redraws, in real milliseconds (before the speed factor).
TICK_MS = 200
#: How long the "hidden, here is how to get it back" line shows before the window hides.
HIDE_NOTICE_MS = 2000
#: Two digits typed within this many milliseconds make one number (1 then 0 = 10).
DIGIT_PAIR_MS = 1500
#: A symptoms answer is sent when the advice screen is closed, or after this long.
ADVICE_TIMEOUT_MS = 120_000
DEFAULT_SNOOZE_REASON = "you have already snoozed this break as often as your programme allows"
HOW_TO_REOPEN = ("Hidden. Your break is still waiting: choose \u201cStart a break now\u201d in "
                 "the tray menu, or run \u201cdeskbreak break-now\u201d.")
NOTES_LINE = "Notes from your physio"
#: The file (in the state folder) that remembers the day the notes last showed open.
NOTES_MARKER = "notes-shown"
STOP_REASONS = (
    ("busy", "Busy: no time now"),
    ("symptoms", "Pain, dizziness or another symptom"),
    ("other", "Another reason"),
)


def notes_open_today(state_dir: Path, today: date, notes: str) -> bool:
    """Whether this prompt shows the physio's notes open: the first prompt of each day, and the
    first after the notes changed. Remembers the answer in a small file in `state_dir`; when
    that cannot be read or written, the notes stay closed (the line still opens them)."""
    digest = hashlib.sha256(notes.encode("utf-8")).hexdigest()[:16]
    stamp = f"{today.isoformat()} {digest}"
    marker = state_dir / NOTES_MARKER
    try:
        if marker.read_text(encoding="utf-8").strip() == stamp:
            return False
    except OSError:
        pass  # never shown yet
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(stamp + "\n", encoding="utf-8")
    except OSError as error:
        log.warning("could not remember that the notes were shown: %s", error)
        return False
    return True


def guided_safety_line() -> str:
    """The one short safety line every guided screen carries (the built-in safety card's)."""
    from deskbreak.core.safety import SCREEN_LINE

    return SCREEN_LINE


class AnswerWriter:
    """Writes answer lines to the service; a vanished reader ends the conversation quietly."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        """Write `message` as one JSON line and flush it at once."""
        if self.closed:
            return
        try:
            self._stream.write(json.dumps(message, separators=(", ", ": ")) + "\n")
            self._stream.flush()
        except (BrokenPipeError, OSError, ValueError):
            # The service has gone away; there is nobody left to tell.
            log.warning("could not send %s: the service closed the pipe", message)
            self.closed = True


class PromptApp:
    """The prompt window and, after Start, the guided view in the same Tk toplevel."""

    def __init__(self, request: PromptRequest, writer: AnswerWriter, speed: float = 1.0, *,
                 show_notes: bool = False, palette: theme.Palette | None = None,
                 layout_file: str | None = None) -> None:
        import tkinter as tk

        self._tk = tk
        self.request = request
        self.writer = writer
        self.speed = speed
        self.root = tk.Tk(className="deskbreak")
        self.root.withdraw()
        self.palette = theme.apply(self.root, palette)
        self.root.title(f"deskbreak: {request.break_name}")
        self.root.protocol("WM_DELETE_WINDOW", self._on_window_closed)
        self._fonts = {
            name: theme.font(self.root, size, weight)
            for name, size, weight in (
                ("prompt-title", 15, "bold"), ("prompt", 12, "normal"),
                ("prompt-small", 11, "normal"), ("prompt-button", 12, "normal"),
                ("prompt-default", 12, "bold"), ("prompt-link", 11, "bold"),
                ("g-progress", 12, "normal"), ("g-title", 17, "bold"),
                ("g-heading", 26, "bold"), ("g-count", 40, "bold"), ("g-text", 14, "normal"),
                ("g-caution", 12, "normal"), ("g-small", 11, "normal"),
                ("g-button", 13, "normal"), ("g-default", 13, "bold"),
            )
        }
        self._on_enter: Callable[[], None] = lambda: None
        self._on_escape: Callable[[], None] = lambda: None
        self._on_digit: Callable[[int], None] | None = None
        self.root.bind("<Return>", lambda _e: self._on_enter())
        self.root.bind("<KP_Enter>", lambda _e: self._on_enter())
        self.root.bind("<Escape>", lambda _e: self._on_escape())
        for digit in range(10):
            def on_digit(_e: object, d: int = digit) -> None:
                self._digit(d)

            self.root.bind(str(digit), on_digit)
            self.root.bind(f"<KP_{digit}>", on_digit)
        for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1)):
            def on_wheel(_e: object, s: int = step) -> None:
                self._scroll(s)

            self.root.bind_all(sequence, on_wheel)
        self.root.bind_all("<MouseWheel>", lambda e: self._scroll(-1 if e.delta > 0 else 1))
        self._show_notes = show_notes
        self._layout_file = layout_file
        self._guided = False
        self._hidden = False
        self._screens: tuple[Screen, ...] = ()
        self._index = 0
        self._finished: list[str] = []
        self._timer: str | None = None
        self._deadline = 0.0
        self._paused_remaining: float | None = None
        #: The sound cue, made the first time a hold ends with sound on; holds cued so far.
        self._cue: Any = None
        self.holds_cued = 0
        self._body: tk.Frame | None = None
        self._count_label: tk.Label | None = None
        self._progress_label: tk.Label | None = None
        self._canvas: tk.Canvas | None = None
        #: The monitor the prompt opened on (set when it is first shown).
        self._monitor: Rect | None = None
        self._buttons: dict[str, tk.Button] = {}
        self._wrapping: list[tuple[tk.Label, tk.Misc, int]] = []
        self.picture_frame: tk.Frame | None = None
        #: Widgets of the current screen that must be wholly visible (cautions, the safety
        #: line, the key hint): tests check them, with every button, against the window.
        self.must_show: list[tk.Widget] = []
        self._checkin_value: int | None = None
        self._checkin_way_out = "No answer"
        self._checkin_buttons: list[tk.Button] = []
        self._last_digit: tuple[int, float] | None = None
        self._done_button: tk.Button | None = None
        self._stdin_fd: int | None = None
        self._stdin_buffer = b""
        self._stdin_open = False
        self._build_prompt()

    # --- lifecycle -------------------------------------------------------------------------

    def run(self) -> None:
        """Show the prompt without taking focus and run Tk until the final answer."""
        from deskbreak.ui.exercise_picture import prepare_pictures

        prepare_pictures(self.request.exercises)  # on a worker thread, while the prompt waits
        self.show_initially()
        self.root.mainloop()

    def show_initially(self) -> None:
        """Map the prompt in its corner without taking the focus (run() without mainloop)."""
        # The monitor is chosen once, here: the guided view that replaces the prompt stays on
        # it even if the pointer has moved on.
        self._monitor = show_unasked(self.root, self.request.corner)
        self._after_layout()

    def listen(self, fd: int, leftover: bytes = b"", *, at_eof: bool = False) -> None:
        """Keep reading service lines ({"show": true}) from `fd` until it reaches EOF."""
        self._stdin_fd = fd
        self._stdin_buffer = leftover
        self._handle_service_lines()
        if at_eof:
            self._stdin_open = False
            return
        self._stdin_open = True
        try:
            self.root.tk.createfilehandler(fd, self._tk.READABLE, self._on_stdin)
        except (AttributeError, self._tk.TclError):
            log.info("cannot watch stdin on this platform: the window cannot be re-shown")
            self._stdin_open = False

    def _on_stdin(self, fd: int, _mask: int) -> None:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            self.root.tk.deletefilehandler(fd)
            self._stdin_open = False
            if self._hidden and self.root.state() == "withdrawn":
                self._finish()  # hidden, and nobody left who could show it again
            return
        self._stdin_buffer += chunk
        self._handle_service_lines()

    def _handle_service_lines(self) -> None:
        while b"\n" in self._stdin_buffer:
            line, self._stdin_buffer = self._stdin_buffer.split(b"\n", 1)
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                log.warning("unreadable line from the service: %r", line[:200])
                continue
            if isinstance(message, dict) and message.get("show"):
                self.show_again()

    def show_again(self) -> None:
        """Bring a hidden window back where it was and resume its countdown."""
        if not self._hidden:
            self.root.deiconify()
            self.root.lift()
            return
        self._hidden = False
        if self._guided:
            self._show_screen(resume=True)
        else:
            self._build_prompt()
        self.root.deiconify()
        self.root.lift()
        self._after_layout()

    def _finish(self, *messages: dict[str, Any]) -> None:
        for message in messages:
            self.writer.send(message)
        self._cancel_timer()
        self.root.destroy()

    def _on_window_closed(self) -> None:
        """The title bar's X (or the window manager's Close): hide, keep the prompt open."""
        if self._hidden:
            return
        log.info("closed with the window manager: hidden, the prompt stays open")
        self._hidden = True
        self._pause_countdown()
        self.writer.send({"hidden": True})
        body = self._new_body()
        tk = self._tk
        notice = tk.Label(body, text=HOW_TO_REOPEN, font=self._fonts["prompt"], anchor="w",
                          justify="left", wraplength=max(260, self.root.winfo_width() - 2 * PAD))
        notice.pack(fill="both", expand=True)
        self._on_enter = self._on_escape = lambda: None
        self.root.after(HIDE_NOTICE_MS, self._withdraw_if_hidden)

    def _withdraw_if_hidden(self) -> None:
        if not self._hidden:
            return
        if not self._stdin_open:
            # The service closed our stdin, so it cannot ask us to show again: it reopens the
            # prompt with a new window instead, and this one ends.
            self._finish()
            return
        self.root.withdraw()

    def _place_in_corner(self, width: int, height: int) -> None:
        # The monitor is chosen once, when the prompt opens: the guided view that replaces it
        # stays on the same monitor even if the pointer has moved on.
        self._monitor = place(self.root, width, height, self.request.corner, self._monitor)

    def _new_body(self) -> tk.Frame:
        if self._body is not None:
            self._body.destroy()
        self._body = self._tk.Frame(self.root, padx=PAD, pady=12)
        self._body.pack(fill="both", expand=True)
        self._buttons = {}
        self.must_show = []
        self._wrapping = []
        self._canvas = None
        self._count_label = None
        self._progress_label = None
        self.picture_frame = None
        self._on_digit = None
        return self._body

    def _label(self, parent: tk.Misc, text: str, font: str, *, colour: str | None = None,
               wrap_in: tk.Misc | None = None, slack: int = 0, **pack: Any) -> tk.Label:
        """A left-aligned label; with `wrap_in`, it wraps to that widget's width (less
        `slack` pixels) whenever the width changes."""
        label = self._tk.Label(parent, text=text, font=self._fonts[font], anchor="w",
                               justify="left", fg=colour or self.palette.foreground)
        label.pack(fill="x", **pack)
        if wrap_in is not None:
            self._wrapping.append((label, wrap_in, slack))
            width = wrap_in.winfo_width()
            label.configure(wraplength=max(200, (width if width > 1 else 600) - slack))
        return label

    def _rewrap(self, _event: Any = None) -> None:
        for label, container, slack in self._wrapping:
            try:
                width = container.winfo_width()
                if width > 1:
                    label.configure(wraplength=max(120, width - slack))
            except self._tk.TclError:
                pass  # the label went with a previous screen

    def _button(self, parent: tk.Misc, key: str, text: str, command: Callable[[], None], *,
                default: bool = False, side: Literal["left", "right", "top", "bottom"] = "left",
                font: str = "g-button",
                padx: Any = 0, **options: Any) -> tk.Button:
        button = self._tk.Button(parent, text=text, command=command, font=self._fonts[font],
                                 default="active" if default else "normal", **options)
        button.pack(side=side, padx=padx)
        self._buttons[key] = button
        return button

    def _after_layout(self) -> None:
        """Re-wrap to the real width and, for tests and tools, say where the buttons are."""
        self.root.update_idletasks()
        self._rewrap()
        path = self._layout_file
        if not path:
            return
        layout: dict[str, Any] = {"title": self.root.title(), "buttons": {}}
        root_x, root_y = self.root.winfo_rootx(), self.root.winfo_rooty()
        for key, button in self._buttons.items():
            if not button.winfo_ismapped():
                continue
            layout["buttons"][key] = [
                button.winfo_rootx() - root_x + button.winfo_width() // 2,
                button.winfo_rooty() - root_y + button.winfo_height() // 2,
                str(button.cget("state")),
            ]
        layout["texts"] = _visible_texts(self.root)
        try:
            with open(path + ".tmp", "w", encoding="utf-8") as stream:
                json.dump(layout, stream)
            os.replace(path + ".tmp", path)
        except OSError as error:
            log.warning("could not write the layout file: %s", error)

    # --- the prompt ------------------------------------------------------------------------

    def _build_prompt(self) -> None:
        req, p = self.request, self.palette
        body = self._new_body()
        self._label(body, req.break_name[:1].upper() + req.break_name[1:], "prompt-title")
        lead = ("Time for a short break at your desk." if req.kind == "micro"
                else "Time to stand up and move.")
        self._label(body, lead, "prompt", pady=(2, 8))
        for exercise in req.exercises:
            row = self._tk.Frame(body)
            row.pack(fill="x")
            self._tk.Label(row, text=f"\u2022 {exercise.title}", font=self._fonts["prompt"],
                           anchor="w").pack(side="left")
            self._tk.Label(row, text=exercise.dose_text(), font=self._fonts["prompt-small"],
                           fg=p.muted, anchor="e").pack(side="right", padx=(12, 0))
        buttons = self._tk.Frame(body)
        buttons.pack(fill="x", pady=(14, 0))
        self._button(buttons, "start", "Start", self._start_guided, default=True,
                     font="prompt-default", width=7)
        snooze = self._button(buttons, "snooze",
                              f"Snooze {format_duration(req.snooze_minutes * 60)}",
                              lambda: self._finish({"answer": "snooze"}), font="prompt-button",
                              padx=8)
        self._button(buttons, "skip", "Skip", lambda: self._finish({"answer": "skip"}),
                     font="prompt-button", width=6)
        if req.snooze_allowed:
            self._on_escape = lambda: self._finish({"answer": "snooze"})
            hint = "Enter starts \u00b7 Esc snoozes"
        else:
            snooze.configure(state="disabled")
            reason = req.snooze_reason or DEFAULT_SNOOZE_REASON
            self._label(body, f"Snooze is not available: {reason}.", "prompt-small",
                        colour=p.muted, wrap_in=body, slack=2 * PAD + 8, pady=(6, 0))
            self._on_escape = lambda: self._finish({"answer": "skip"})
            hint = "Enter starts \u00b7 Esc skips"
        self._label(body, hint + " (click the window first)", "prompt-small", colour=p.muted,
                    pady=(6, 0))
        if req.notes or req.programme_title:
            self._build_notes(body)
        self._on_enter = self._start_guided
        body.bind("<Configure>", self._rewrap)

    def _build_notes(self, body: tk.Frame) -> None:
        tk, p = self._tk, self.palette
        holder = tk.Frame(body)
        holder.pack(fill="x", pady=(10, 0))
        arrow = "\u25be" if self._show_notes else "\u25b8"
        link = tk.Label(holder, text=f"{arrow} {NOTES_LINE}", font=self._fonts["prompt-link"],
                        fg=p.accent, anchor="w", cursor="hand2")
        link.pack(fill="x")
        link.bind("<Button-1>", lambda _e: self._toggle_notes())
        if self._show_notes:
            text = "\n\n".join(t for t in (self.request.programme_title,
                                           reflow(self.request.notes)) if t)
            # Long notes scroll inside a box of at most NOTES_HEIGHT, so the prompt itself
            # stays small and its buttons stay where they were.
            content = self._scrolling(holder)
            label = tk.Label(content, text=text, font=self._fonts["prompt-small"], fg=p.muted,
                             anchor="nw", justify="left", wraplength=PROMPT_WRAP)
            label.pack(fill="x", pady=(4, 0))
            if self._canvas is not None:
                self._canvas.configure(width=PROMPT_WRAP + 4,
                                       height=min(NOTES_HEIGHT, label.winfo_reqheight() + 8))

    def _toggle_notes(self) -> None:
        self._show_notes = not self._show_notes
        self._build_prompt()
        self.root.update_idletasks()
        self._place_in_corner(self.root.winfo_reqwidth(), self.root.winfo_reqheight())
        self._after_layout()

    # --- the guided view -------------------------------------------------------------------

    def _start_guided(self) -> None:
        self.writer.send({"started": True})
        self._guided = True
        self._screens = guided_screens(self.request.exercises, self.request.neck_checkin,
                                       self.request.neck_before)
        self._index = 0
        self._finished = []
        self.root.title(GUIDED_TITLE)
        width, height = GUIDED_SIZE
        self._place_in_corner(width, height)
        self._show_screen()

    def _show_screen(self, *, resume: bool = False) -> None:
        tk, p = self._tk, self.palette
        self._cancel_timer()
        screen = self._screens[self._index]
        body = self._new_body()
        body.configure(pady=10)
        final = screen.kind in (ScreenKind.CHECKIN, ScreenKind.FINISH)

        # Header: where we are in the whole break, then this exercise and its dose.
        header = tk.Frame(body)
        header.pack(side="top", fill="x")
        self._progress_label = self._label(header, "", "g-progress", colour=p.muted)
        if screen.title:
            self._label(header, screen.title, "g-title", wrap_in=body, slack=2 * PAD + 8)
            self._label(header, screen.dose_text, "g-small", colour=p.muted, wrap_in=body,
                        slack=2 * PAD + 8)

        # Footer first, so it always gets its room: cautions, safety, key hint, buttons.
        footer = tk.Frame(body)
        footer.pack(side="bottom", fill="x")
        for caution in screen.cautions:
            self.must_show.append(self._label(
                footer, f"\u26a0 {caution}", "g-caution", colour=p.caution, wrap_in=body,
                slack=2 * PAD + 8, pady=(2, 0)))
        if not final or screen.kind is ScreenKind.CHECKIN:
            self.must_show.append(self._label(
                footer, guided_safety_line(), "g-small", colour=p.muted, wrap_in=body,
                slack=2 * PAD + 8, pady=(6, 0)))
        buttons = tk.Frame(footer)
        buttons.pack(fill="x", pady=(8, 0))
        if screen.kind is ScreenKind.CHECKIN:
            self._done_button = self._button(buttons, "next", "Done", self._next, default=True,
                                             side="right", font="g-default", width=8)
            self._button(buttons, "no-answer", "No answer", self._finish_without_checkin,
                         font="g-button")
            hint = "Type 0 to 10 (1 then 0 for 10), then Enter"
        elif screen.kind is ScreenKind.BEFORE:
            self._done_button = self._button(buttons, "next", "Next", self._next, default=True,
                                             side="right", font="g-default", width=8)
            self._button(buttons, "skip-question", "Skip this question", self._skip_question,
                         font="g-button")
            hint = "Type 0 to 10 (1 then 0 for 10), then Enter \u00b7 Esc: stop"
        elif screen.kind is ScreenKind.FINISH:
            self._button(buttons, "next", "Close", self._next, default=True, side="right",
                         font="g-default", width=8)
            hint = "Enter closes"
        else:
            self._button(buttons, "next", "Next", self._next, default=True, side="right",
                         font="g-default", width=8)
            self._button(buttons, "stop", "Stop", self._ask_why, font="g-button", width=6)
            self._button(buttons, "skip-exercise", "Skip this exercise", self._skip_exercise,
                         font="g-button", padx=(8, 0))
            hint = "Enter: next \u00b7 Esc: stop"
        self.must_show.append(self._label(footer, hint, "g-small", colour=p.muted,
                                          pady=(6, 0)))

        # The middle: instructions that scroll when long, and room for a picture beside them.
        middle = tk.Frame(body)
        middle.pack(side="top", fill="both", expand=True, pady=(6, 4))
        self.picture_frame = tk.Frame(middle)
        self.picture_frame.pack(side="right", fill="y")
        self._fill_picture(self.picture_frame, screen)
        content = self._scrolling(middle)
        self._label(content, screen.heading, "g-heading", wrap_in=content, slack=8)
        if screen.detail:
            self._label(content, screen.detail, "g-text", wrap_in=content, slack=8)
        if screen.countdown_seconds is not None:
            self._count_label = self._label(content, "", "g-count")
        for number, step in enumerate(screen.steps, start=1):
            self._label(content, f"{number}. {step}", "g-text", wrap_in=content, slack=8,
                        pady=(4, 0))
        if screen.kind is ScreenKind.CHECKIN:
            self._build_checkin(content, "No answer")
        elif screen.kind is ScreenKind.BEFORE:
            self._build_checkin(content, "Skip this question")
        self._on_enter = self._next
        self._on_escape = self._ask_why if not final else self._next
        body.bind("<Configure>", self._rewrap)
        if screen.countdown_seconds is not None:
            if resume and self._paused_remaining is not None:
                remaining = self._paused_remaining
            else:
                remaining = screen.countdown_seconds / self.speed
            self._paused_remaining = None
            self._deadline = time.monotonic() + remaining
            self._tick()
        else:
            self._update_progress(0.0)
        if self.root.winfo_ismapped():
            self._after_layout()

    def _fill_picture(self, frame: tk.Frame, screen: Screen) -> None:
        """The exercise's picture beside the instructions (see `exercise_picture`)."""
        from deskbreak.ui.exercise_picture import show_picture

        for exercise in self.request.exercises:
            if exercise.id == screen.exercise_id:
                show_picture(frame, exercise)
                return

    def _scrolling(self, parent: tk.Misc) -> tk.Frame:
        """A frame inside a canvas that scrolls vertically when its content is too tall."""
        tk = self._tk
        outer = tk.Frame(parent)
        outer.pack(side="left", fill="both", expand=True)
        # width=1: the canvas must not ask for Tk's default 10 cm, or beside a picture it takes
        # the whole column and leaves the scroll bar no room; `expand` gives it the width.
        canvas = tk.Canvas(outer, highlightthickness=0, borderwidth=0, width=1,
                           background=self.palette.background)
        bar = tk.Scrollbar(outer, orient="vertical", command=canvas.yview)
        canvas.configure(yscrollcommand=bar.set)
        canvas.pack(side="left", fill="both", expand=True)
        # `tk` here is the module held in self._tk, which mypy sees only as a ModuleType.
        content: tkinter.Frame = tk.Frame(canvas)
        window = canvas.create_window(0, 0, window=content, anchor="nw")

        def fit(_event: Any = None) -> None:
            canvas.itemconfigure(window, width=canvas.winfo_width())
            self._rewrap()
            canvas.configure(scrollregion=(0, 0, canvas.winfo_width(),
                                           content.winfo_reqheight()))
            if content.winfo_reqheight() > canvas.winfo_height() + 1:
                if not bar.winfo_ismapped():
                    bar.pack(side="right", fill="y")
            elif bar.winfo_ismapped():
                bar.pack_forget()
                canvas.yview_moveto(0)

        canvas.bind("<Configure>", fit)
        content.bind("<Configure>", fit)
        self._canvas = canvas
        return content

    def _scroll(self, step: int) -> None:
        if self._canvas is not None:
            try:
                self._canvas.yview_scroll(step, "units")
            except self._tk.TclError:
                pass

    def _build_checkin(self, content: tk.Frame, way_out: str) -> None:
        tk = self._tk
        row = tk.Frame(content)
        row.pack(fill="x", pady=(12, 0))
        self._checkin_buttons = []
        for value in range(11):
            button = tk.Button(row, text=str(value), font=self._fonts["g-button"], width=2,
                               command=lambda v=value: self._choose_checkin(v))
            button.pack(side="left", padx=1)
            self._buttons[f"checkin-{value}"] = button
            self._checkin_buttons.append(button)
        self._checkin_value = None
        self._last_digit = None
        self._on_digit = self._typed_checkin_digit
        self._checkin_way_out = way_out
        self._checkin_status = self._label(content,
                                           f"Choose a number, or \u201c{way_out}\u201d.",
                                           "g-small", colour=self.palette.muted, pady=(8, 0))
        if self._done_button is not None:
            self._done_button.configure(state="disabled")

    def _digit(self, digit: int) -> None:
        if self._on_digit is not None:
            self._on_digit(digit)

    def _typed_checkin_digit(self, digit: int) -> None:
        now = time.monotonic()
        previous = self._last_digit
        if (previous is not None and previous[0] == 1 and digit == 0
                and (now - previous[1]) * 1000 <= DIGIT_PAIR_MS):
            value = 10
            self._last_digit = None
        else:
            value = digit
            self._last_digit = (digit, now)
        self._choose_checkin(value)

    def _choose_checkin(self, value: int) -> None:
        self._checkin_value = value
        for number, button in enumerate(self._checkin_buttons):
            chosen = number == value
            button.configure(relief="sunken" if chosen else "raised",
                             background=self.palette.highlight if chosen
                             else self.palette.button)
        send = self._done_button.cget("text") if self._done_button is not None else "Done"
        self._checkin_status.configure(text=f"Your answer: {value}. Enter or {send} to send it.")
        if self._done_button is not None:
            self._done_button.configure(state="normal")

    def _finish_without_checkin(self) -> None:
        self._finish(self._final_answer())

    def _tick(self) -> None:
        self._timer = None
        remaining_real = self._deadline - time.monotonic()
        if remaining_real <= 0:
            if self._screens[self._index].hold:
                self._hold_ended()
            self._next()
            return
        shown = math.ceil(remaining_real * self.speed)
        screen = self._screens[self._index]
        prefix = "Hold " if screen.hold else ""
        if self._count_label is not None:
            self._count_label.configure(text=f"{prefix}{shown} s")
        elapsed = (screen.countdown_seconds or 0.0) - remaining_real * self.speed
        self._update_progress(elapsed)
        delay = max(10, min(int(TICK_MS / self.speed), int(remaining_real * 1000) + 1))
        self._timer = self.root.after(delay, self._tick)

    def _hold_ended(self) -> None:
        """The soft "let go" sound, when the programme asks for sound: the person can hold a
        stretch with their eyes off the countdown."""
        if not self.request.sound:
            return
        if self._cue is None:
            from deskbreak.adapters.sound import SoundCue

            self._cue = SoundCue(enabled=True)
        self._cue.play("hold-end")
        self.holds_cued += 1

    def _update_progress(self, elapsed: float) -> None:
        if self._progress_label is None:
            return
        screen = self._screens[self._index]
        text = progress_text(screen, seconds_left(self._screens, self._index, elapsed))
        self._progress_label.configure(text=text)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self.root.after_cancel(self._timer)
            self._timer = None

    def _pause_countdown(self) -> None:
        if self._timer is not None:
            self._paused_remaining = max(0.0, self._deadline - time.monotonic())
        self._cancel_timer()

    def _final_answer(self) -> dict[str, Any]:
        """The answer once the last screen is reached: done when every exercise was finished,
        partial or stopped (without a reason) when some were skipped."""
        ids = [e.id for e in self.request.exercises]
        if all(i in self._finished for i in ids):
            return {"answer": "done"}
        if self._finished:
            return {"answer": "partial", "finished": list(self._finished)}
        return {"answer": "stopped"}

    def _next(self) -> None:
        screen = self._screens[self._index]
        if screen.kind in (ScreenKind.CHECKIN, ScreenKind.BEFORE) and self._checkin_value is None:
            self._checkin_status.configure(
                text=f"Choose a number first (0 to 10), or \u201c{self._checkin_way_out}\u201d.",
                fg=self.palette.caution)
            return
        if screen.kind is ScreenKind.BEFORE:
            # Sent at once, not with the final answer: a break stopped or hidden later still
            # keeps the rating given before it.
            self.writer.send({"checkin": "neck_before", "value": self._checkin_value})
            self._skip_question()
            return
        if screen.kind is ScreenKind.CHECKIN:
            self._finish({"checkin": "neck", "value": self._checkin_value},
                         self._final_answer())
            return
        if screen.kind is ScreenKind.FINISH:
            self._finish(self._final_answer())
            return
        finished = finishes_exercise(self._screens, self._index)
        if finished is not None and finished not in self._finished:
            self._finished.append(finished)
        self._index += 1
        self._show_screen()

    def _skip_question(self) -> None:
        """Leave the rating before the break (answered or not) for the first exercise."""
        self._checkin_value = None
        self._index += 1
        self._show_screen()

    def _skip_exercise(self) -> None:
        self._index = next_exercise_index(self._screens, self._index)
        self._show_screen()

    # --- stopping --------------------------------------------------------------------------

    def _ask_why(self) -> None:
        """Stop: pause and ask why, with a way back to the exercise."""
        self._pause_countdown()
        tk, p = self._tk, self.palette
        body = self._new_body()
        self._label(body, "Stop the break?", "g-title")
        self._label(body, "Why are you stopping? Your answer goes into your log for your "
                    "physio.", "g-text", wrap_in=body, slack=2 * PAD + 8, pady=(4, 10))
        for number, (reason, text) in enumerate(STOP_REASONS, start=1):
            self._button(body, f"reason-{reason}", f"{number}  {text}",
                         functools.partial(self._stop, reason), font="g-button", side="top",
                         anchor="w", padx=0)
            self._buttons[f"reason-{reason}"].pack_configure(fill="x", pady=3)
        back = tk.Frame(body)
        back.pack(side="bottom", fill="x")
        self._button(back, "back", "Back to the exercise", self._back_to_exercise,
                     default=True, side="right", font="g-default")
        self._label(body, "Keys 1 to 3 answer \u00b7 Esc goes back", "g-small", colour=p.muted,
                    side="bottom", pady=(0, 6))
        self._on_enter = self._back_to_exercise
        self._on_escape = self._back_to_exercise
        self._on_digit = lambda d: (self._stop(STOP_REASONS[d - 1][0])
                                    if 1 <= d <= len(STOP_REASONS) else None)
        body.bind("<Configure>", self._rewrap)
        self._after_layout()

    def _back_to_exercise(self) -> None:
        self._show_screen(resume=True)

    def _stop(self, reason: str) -> None:
        finished = list(self._finished)
        answer: dict[str, Any] = (
            {"answer": "partial", "finished": finished, "reason": reason} if finished
            else {"answer": "stopped", "reason": reason})
        if reason == "symptoms":
            self._show_symptom_advice(answer)
        else:
            self._finish(answer)

    def _show_symptom_advice(self, answer: dict[str, Any]) -> None:
        """Before closing after a symptoms answer, say what to do about them."""
        p = self.palette
        body = self._new_body()
        self._label(body, "Stopped", "g-title")
        self._label(body, symptom_advice(), "g-text", colour=p.caution, wrap_in=body,
                    slack=2 * PAD + 8, pady=(6, 0))
        row = self._tk.Frame(body)
        row.pack(side="bottom", fill="x")
        self._button(row, "close", "Close", lambda: self._finish(answer), default=True,
                     side="right", font="g-default", width=8)
        self._on_enter = self._on_escape = lambda: self._finish(answer)
        self._on_digit = None
        body.bind("<Configure>", self._rewrap)
        self.root.after(ADVICE_TIMEOUT_MS, lambda: self._finish(answer))
        self._after_layout()


def symptom_advice() -> str:
    """What to do when an exercise brought on symptoms: the safety card's "stop" advice."""
    from deskbreak.core.safety import SAFETY_CARD

    stop = SAFETY_CARD.section("stop")
    return (f"{stop.heading}. Sit or lie down somewhere safe and rest. If it settles within a "
            "few minutes, carry on with your day and leave that exercise out until you have "
            "spoken to your physio. If it does not settle, the tray menu's \u201cWhen to get "
            "help\u201d (or \u201cdeskbreak safety\u201d) says what to do next.")


def read_request(fd: int) -> tuple[bytes, bytes, bool]:
    """The request (the first line, or everything when stdin ends without a newline), whatever
    came after it, and whether stdin has ended; read straight from the file descriptor so
    nothing is left in a Python buffer the window's later reads would miss."""
    data = b""
    while b"\n" not in data:
        chunk = os.read(fd, 65536)
        if not chunk:
            return data, b"", True
        data += chunk
    first, rest = data.split(b"\n", 1)
    return first, rest, False


def _visible_texts(widget: Any) -> list[str]:
    """The text of every shown label and button under `widget`, in stacking order: what a
    person can read in the window (written to the layout file for tests and tools)."""
    texts: list[str] = []
    for child in widget.winfo_children():
        if not child.winfo_ismapped():
            continue
        try:
            text = str(child.cget("text"))
        except Exception:  # a widget without a text option (frames, canvases)
            text = ""
        if text:
            texts.append(text)
        texts.extend(_visible_texts(child))
    return texts

def main(argv: list[str] | None = None) -> int:
    """Run one prompt from the request on stdin; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m deskbreak.ui.prompt_window",
                                     description="Show one deskbreak prompt (request on stdin).")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="run countdowns FACTOR times faster (tests, demonstrations)")
    parser.add_argument("--layout-file", metavar="PATH",
                        help="write where the buttons are (JSON) after every screen")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="prompt_window: %(message)s")
    if not args.speed > 0:
        print("prompt_window: --speed must be greater than 0", file=sys.stderr)
        return 2
    fd = sys.stdin.fileno()
    try:
        first, rest, at_eof = read_request(fd)
        data = json.loads(first.decode("utf-8"))
        request = parse_request(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RequestError) as error:
        print(f"prompt_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    if "show_notes" in data:
        show_notes = bool(data["show_notes"])
    else:
        from deskbreak.paths import user_paths

        show_notes = bool(request.notes) and notes_open_today(
            user_paths().state, date.today(), request.notes)
    app = PromptApp(request, AnswerWriter(sys.stdout), speed=args.speed,
                    show_notes=show_notes, layout_file=args.layout_file)
    app.listen(fd, rest, at_eof=at_eof)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
