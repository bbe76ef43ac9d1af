"""The break prompt and guided-exercise window, run as its own short-lived process.

    python -m deskbreak.ui.prompt_window [--speed FACTOR] < request.json

Reads ONE request object from stdin (see `deskbreak.ui.prompt_protocol`), shows a small
always-on-top window in a screen corner titled "deskbreak: <break name>" that names the break and
each exercise with its dose, and offers Start, Snooze and Skip. It writes one JSON line per user
action to stdout, flushed at once, and exits 0 after the final answer.

Choices this module makes:

* **Never steals the keyboard.** The window is mapped with the EWMH hint `_NET_WM_USER_TIME = 0`
  ("the user has not interacted with this window yet, do not focus it"), typed as a dialog and
  kept above other windows; it never calls `focus_force` and grabs nothing. The user gives it
  focus by clicking it, after which Enter and Escape work.
* **Start turns the same window into the guided view** (title "deskbreak: guided break"): one
  screen at a time from `guided_steps.guided_screens`, with countdowns driven by Tk's `after`.
  `--speed 20` runs every countdown twenty times faster, for tests and demonstrations.
* **Stop part-way** prints {"answer": "done", "partial": true} when at least one exercise was
  completed, else {"answer": "skip"}; stopping on the check-in or closing screen, when every
  exercise is done, is a plain {"answer": "done"}.
* **Closing with the window manager**: on the prompt, prints nothing and exits 0, so the service
  applies its own timeout; in the guided view it counts as Stop (the user did start).
* Keys: Enter = the default button (Start / Next / Done); Escape = Snooze on the prompt (Skip when
  snooze is not allowed) and Stop in the guided view; 0-9 answer the neck check-in.

Threading: a single-threaded Tk process; nothing here is shared with the service. A request that
cannot be read is reported on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from deskbreak.core.units import format_duration
from deskbreak.ui.guided_steps import Screen, ScreenKind, completed_exercises, guided_screens
from deskbreak.ui.placement import place
from deskbreak.ui.prompt_protocol import PromptRequest, RequestError, parse_request

if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)

GUIDED_TITLE = "deskbreak: guided break"
PROMPT_WRAP = 360
GUIDED_SIZE = (680, 600)
GUIDED_WRAP = 620
#: How often a running countdown redraws, in real milliseconds (before the speed factor).
TICK_MS = 200
DEFAULT_SNOOZE_REASON = "you have already snoozed this break as often as your programme allows"
CAUTION_COLOUR = "#9a3412"
MUTED_COLOUR = "#555555"


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

    def __init__(self, request: PromptRequest, writer: AnswerWriter, speed: float = 1.0) -> None:
        import tkinter as tk
        from tkinter import font as tkfont

        self._tk = tk
        self.request = request
        self.writer = writer
        self.speed = speed
        self.root = tk.Tk(className="deskbreak")
        self.root.withdraw()
        self.root.title(f"deskbreak: {request.break_name}")
        self.root.protocol("WM_DELETE_WINDOW", self._on_window_closed)
        self._fonts = {
            name: tkfont.Font(root=self.root, family="DejaVu Sans", size=size, weight=weight)
            for name, size, weight in (
                ("prompt-title", 15, "bold"), ("prompt", 12, "normal"),
                ("prompt-small", 11, "normal"), ("prompt-button", 12, "normal"),
                ("prompt-default", 12, "bold"),
                ("g-title", 18, "bold"), ("g-heading", 28, "bold"), ("g-count", 44, "bold"),
                ("g-text", 16, "normal"), ("g-button", 16, "normal"),
                ("g-default", 16, "bold"),
            )
        }
        self._on_enter: Callable[[], None] = lambda: None
        self._on_escape: Callable[[], None] = lambda: None
        self.root.bind("<Return>", lambda _e: self._on_enter())
        self.root.bind("<KP_Enter>", lambda _e: self._on_enter())
        self.root.bind("<Escape>", lambda _e: self._on_escape())
        self._guided = False
        self._screens: tuple[Screen, ...] = ()
        self._index = 0
        self._timer: str | None = None
        self._deadline = 0.0
        self._body: tk.Frame | None = None
        self._count_label: tk.Label | None = None
        self._build_prompt()

    # --- lifecycle -------------------------------------------------------------------------

    def run(self) -> None:
        """Show the prompt without taking focus and run Tk until the final answer."""
        try:
            self.root.wm_attributes("-type", "dialog")
        except self._tk.TclError:
            pass  # not X11: the attribute does not exist there
        self.root.wm_attributes("-topmost", True)
        self.root.update_idletasks()
        self._place_in_corner(self.root.winfo_reqwidth(), self.root.winfo_reqheight())
        _map_without_focus(self.root)
        self.root.deiconify()
        self.root.mainloop()

    def _finish(self, *messages: dict[str, Any]) -> None:
        for message in messages:
            self.writer.send(message)
        self._cancel_timer()
        self.root.destroy()

    def _on_window_closed(self) -> None:
        if self._guided:
            self._stop()
        else:
            log.info("prompt closed with the window manager: no answer")
            self._cancel_timer()
            self.root.destroy()

    def _place_in_corner(self, width: int, height: int) -> None:
        # The monitor is chosen once, when the prompt opens: the guided view that replaces it
        # stays on the same monitor even if the pointer has moved on.
        self._monitor = place(self.root, width, height, self.request.corner,
                              getattr(self, "_monitor", None))

    def _new_body(self) -> tk.Frame:
        if self._body is not None:
            self._body.destroy()
        self._body = self._tk.Frame(self.root, padx=16, pady=12)
        self._body.pack(fill="both", expand=True)
        return self._body

    # --- the prompt ------------------------------------------------------------------------

    def _build_prompt(self) -> None:
        tk, req, f = self._tk, self.request, self._fonts
        body = self._new_body()
        tk.Label(body, text=req.break_name[:1].upper() + req.break_name[1:],
                 font=f["prompt-title"], anchor="w").pack(fill="x")
        lead = ("Time for a micro break at your desk." if req.kind == "micro"
                else "Time to stand up and move.")
        tk.Label(body, text=lead, font=f["prompt"], anchor="w").pack(fill="x", pady=(2, 6))
        for exercise in req.exercises:
            tk.Label(body, text=f"\u2022 {exercise.title}: {exercise.dose_text()}",
                     font=f["prompt"], anchor="w", justify="left",
                     wraplength=PROMPT_WRAP).pack(fill="x")
        if req.notes:
            tk.Label(body, text=req.notes, font=f["prompt-small"], fg=MUTED_COLOUR, anchor="w",
                     justify="left", wraplength=PROMPT_WRAP).pack(fill="x", pady=(6, 0))
        buttons = tk.Frame(body)
        buttons.pack(fill="x", pady=(12, 0))
        start = tk.Button(buttons, text="Start", font=f["prompt-default"], default="active",
                          command=self._start_guided, width=7)
        start.pack(side="left")
        snooze_text = f"Snooze {format_duration(req.snooze_minutes * 60)}"
        snooze = tk.Button(buttons, text=snooze_text, font=f["prompt-button"],
                           command=lambda: self._finish({"answer": "snooze"}))
        snooze.pack(side="left", padx=8)
        tk.Button(buttons, text="Skip", font=f["prompt-button"], width=6,
                  command=lambda: self._finish({"answer": "skip"})).pack(side="left")
        if req.snooze_allowed:
            self._on_escape = lambda: self._finish({"answer": "snooze"})
        else:
            snooze.configure(state="disabled")
            reason = req.snooze_reason or DEFAULT_SNOOZE_REASON
            tk.Label(body, text=f"Snooze is not available: {reason}.", font=f["prompt-small"],
                     fg=MUTED_COLOUR, anchor="w", justify="left",
                     wraplength=PROMPT_WRAP).pack(fill="x", pady=(6, 0))
            self._on_escape = lambda: self._finish({"answer": "skip"})
        if req.programme_title:
            tk.Label(body, text=req.programme_title, font=f["prompt-small"], fg=MUTED_COLOUR,
                     anchor="w").pack(fill="x", pady=(8, 0))
        self._on_enter = self._start_guided

    # --- the guided view -------------------------------------------------------------------

    def _start_guided(self) -> None:
        self._guided = True
        self._screens = guided_screens(self.request.exercises, self.request.neck_checkin)
        self._index = 0
        self.root.title(GUIDED_TITLE)
        width, height = GUIDED_SIZE
        self._place_in_corner(width, height)
        self._show_screen()

    def _show_screen(self) -> None:
        tk, f = self._tk, self._fonts
        self._cancel_timer()
        screen = self._screens[self._index]
        body = self._new_body()
        if screen.title:
            exercise_of = (f"  ({screen.exercise_number} of {screen.exercise_count})"
                           if screen.exercise_count > 1 else "")
            tk.Label(body, text=screen.title + exercise_of, font=f["g-title"],
                     anchor="w").pack(fill="x")
            tk.Label(body, text=screen.dose_text, font=f["g-text"], fg=MUTED_COLOUR,
                     anchor="w", wraplength=GUIDED_WRAP, justify="left").pack(fill="x")
        tk.Label(body, text=screen.heading, font=f["g-heading"], anchor="w",
                 wraplength=GUIDED_WRAP, justify="left").pack(fill="x", pady=(10, 0))
        if screen.detail:
            tk.Label(body, text=screen.detail, font=f["g-text"], anchor="w",
                     wraplength=GUIDED_WRAP, justify="left").pack(fill="x")
        self._count_label = tk.Label(body, text="", font=f["g-count"], anchor="w")
        if screen.countdown_seconds is not None:
            self._count_label.pack(fill="x")
        for number, step in enumerate(screen.steps, start=1):
            tk.Label(body, text=f"{number}. {step}", font=f["g-text"], anchor="w",
                     justify="left", wraplength=GUIDED_WRAP).pack(fill="x", pady=(4, 0))
        for caution in screen.cautions:
            tk.Label(body, text=f"\u26a0 {caution}", font=f["g-text"], fg=CAUTION_COLOUR,
                     anchor="w", justify="left",
                     wraplength=GUIDED_WRAP).pack(fill="x", pady=(6, 0))
        if screen.kind is ScreenKind.CHECKIN:
            self._build_checkin(body)
        buttons = tk.Frame(body)
        buttons.pack(side="bottom", fill="x", pady=(12, 0))
        final = screen.kind in (ScreenKind.CHECKIN, ScreenKind.FINISH)
        next_text = "Done" if final else "Next"
        tk.Button(buttons, text=next_text, font=f["g-default"], default="active", width=8,
                  command=self._next).pack(side="right")
        if not final:
            tk.Button(buttons, text="Stop", font=f["g-button"], width=8,
                      command=self._stop).pack(side="left")
        self._on_enter = self._next
        self._on_escape = self._stop
        if screen.countdown_seconds is not None:
            self._deadline = time.monotonic() + screen.countdown_seconds / self.speed
            self._tick()

    def _build_checkin(self, body: tk.Frame) -> None:
        tk = self._tk
        row = tk.Frame(body)
        row.pack(fill="x", pady=(12, 0))
        for value in range(11):
            tk.Button(row, text=str(value), font=self._fonts["g-button"], width=2,
                      command=lambda v=value: self._answer_checkin(v)).pack(side="left", padx=1)
        for digit in range(10):
            self.root.bind(str(digit), lambda _e, v=digit: self._answer_checkin(v))

    def _answer_checkin(self, value: int) -> None:
        self._finish({"checkin": "neck", "value": value}, {"answer": "done"})

    def _tick(self) -> None:
        self._timer = None
        remaining_real = self._deadline - time.monotonic()
        if remaining_real <= 0:
            self._next()
            return
        shown = math.ceil(remaining_real * self.speed)
        prefix = "Hold " if self._screens[self._index].hold else ""
        if self._count_label is not None:
            self._count_label.configure(text=f"{prefix}{shown} s")
        delay = max(10, min(int(TICK_MS / self.speed), int(remaining_real * 1000) + 1))
        self._timer = self.root.after(delay, self._tick)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self.root.after_cancel(self._timer)
            self._timer = None

    def _next(self) -> None:
        screen = self._screens[self._index]
        if screen.kind in (ScreenKind.CHECKIN, ScreenKind.FINISH):
            self._finish({"answer": "done"})
            return
        self._index += 1
        self._show_screen()

    def _stop(self) -> None:
        screen = self._screens[self._index]
        if screen.kind in (ScreenKind.CHECKIN, ScreenKind.FINISH):
            self._finish({"answer": "done"})
        elif completed_exercises(self._screens, self._index):
            self._finish({"answer": "done", "partial": True})
        else:
            self._finish({"answer": "skip"})


def _map_without_focus(root: tk.Tk) -> None:
    """Tell an X11 window manager not to focus the window when it first maps.

    EWMH: `_NET_WM_USER_TIME` = 0 on the client (Tk's wrapper) window before mapping means the
    user has not interacted with it, so the window manager must not give it focus. Tk has no
    command for arbitrary properties, hence python-xlib. Elsewhere this does nothing.
    """
    if root.tk.call("tk", "windowingsystem") != "x11":
        return
    try:
        from Xlib import Xatom
        from Xlib import display as xdisplay
    except ImportError:
        log.warning("python-xlib is missing: the prompt may take keyboard focus")
        return
    root.update_idletasks()
    try:
        conn = xdisplay.Display(root.winfo_screen())
    except Exception:  # Xlib raises several unrelated types for a bad display
        log.warning("could not open the display to set _NET_WM_USER_TIME", exc_info=True)
        return
    try:
        inner = conn.create_resource_object("window", root.winfo_id())
        wrapper = inner.query_tree().parent
        wrapper.change_property(conn.intern_atom("_NET_WM_USER_TIME"), Xatom.CARDINAL, 32, [0])
        conn.sync()
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    """Run one prompt from the request on stdin; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m deskbreak.ui.prompt_window",
                                     description="Show one deskbreak prompt (request on stdin).")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="run countdowns FACTOR times faster (tests, demonstrations)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="prompt_window: %(message)s")
    if not args.speed > 0:
        print("prompt_window: --speed must be greater than 0", file=sys.stderr)
        return 2
    try:
        request = parse_request(json.loads(sys.stdin.read()))
    except (json.JSONDecodeError, RequestError) as error:
        print(f"prompt_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    PromptApp(request, AnswerWriter(sys.stdout), speed=args.speed).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
