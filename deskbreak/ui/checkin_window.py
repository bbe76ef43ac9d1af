"""The daily headache diary, as a small window in a screen corner (its own process).

Run as `python -m deskbreak.ui.checkin_window` with {"question": "headache"} on stdin, or
{"question": "headache", "days": ["2026-11-28", "2026-11-29", ...]} to also catch up on days
that were not answered (days off included; see `deskbreak.core.diary.missed_days`). For each
day it asks how bad the headache was (0 = none, 1-10), how long it lasted, and whether
painkillers were taken, then prints one line per day:

    {"checkin": "headache", "value": {"day": "2026-11-30", "intensity": 5,
                                      "duration": "1-4h", "painkillers": true}}

(`Engine.checkin(now, "headache", value)` records it). Closing the window (or Escape) answers
nothing more. Like the prompt window it never takes the keyboard focus when it appears; once
clicked into, keys 0-9 choose the intensity (0: no headache), d cycles the duration, p / o
answer painkillers yes / no, and Return saves the day.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from datetime import date
from typing import Any

from deskbreak.core.events import DIARY_DURATIONS

log = logging.getLogger(__name__)
TITLE = "deskbreak: headache check-in"
EXPLANATION = "Your answers go into your headache diary for your physiotherapist."
DURATION_LABELS = {"under-1h": "Under 1 hour", "1-4h": "1 to 4 hours", "over-4h": "Over 4 hours",
                   "all-day": "All day"}
WRAP = 520


def question_for(day: date, today: date) -> str:
    """"Did you have a headache today?", or about an earlier day for a catch-up answer."""
    if day == today:
        return "Did you have a headache today?"
    return f"Did you have a headache on {day:%A} {day.day} {day:%B}?"


def diary_message(day: date, intensity: int, duration: str | None,
                  painkillers: bool) -> dict[str, Any]:
    """The line printed for one day (see the module docstring)."""
    return {"checkin": "headache", "value": {
        "day": day.isoformat(), "intensity": intensity,
        "duration": duration if intensity else None, "painkillers": painkillers}}


class DiaryApp:
    """One page per day asked about. Tk thread only."""

    def __init__(self, root: Any, days: list[date], today: date, send: Any) -> None:
        from tkinter import font as tkfont

        self.root = root
        self.days = days
        self.today = today
        self.send = send
        self.big = tkfont.Font(root=root, family="DejaVu Sans", size=15, weight="bold")
        self.normal = tkfont.Font(root=root, family="DejaVu Sans", size=12)
        self.bold = tkfont.Font(root=root, family="DejaVu Sans", size=12, weight="bold")
        self.frame: Any = None
        self.index = 0
        self._page()
        for digit in range(10):
            root.bind(str(digit), lambda _e, d=digit: self._intensity(d))
        root.bind("d", lambda _e: self._cycle_duration())
        root.bind("p", lambda _e: self._painkillers(True))
        root.bind("o", lambda _e: self._painkillers(False))
        root.bind("<Return>", lambda _e: self._save())
        root.bind("<Escape>", lambda _e: root.destroy())

    def _page(self) -> None:
        import tkinter as tk

        if self.frame is not None:
            self.frame.destroy()
        self.intensity: int | None = None
        self.duration: str | None = None
        self.pills: bool | None = None
        day = self.days[self.index]
        self.frame = frame = tk.Frame(self.root, padx=16, pady=12)
        frame.pack(fill="both", expand=True)
        tk.Label(frame, text=question_for(day, self.today), font=self.big, wraplength=WRAP,
                 justify="left").pack(anchor="w")
        more = len(self.days) - self.index - 1
        note = EXPLANATION + (f" ({more} more day{'s' if more != 1 else ''} to catch up after "
                              "this one.)" if more else "")
        tk.Label(frame, text=note, font=self.normal, fg="#555555", wraplength=WRAP,
                 justify="left").pack(anchor="w", pady=(2, 8))
        tk.Label(frame, text="How bad was it at its worst? 0 = no headache, 10 = the worst "
                 "imaginable", font=self.normal, wraplength=WRAP, justify="left").pack(anchor="w")
        scale = tk.Frame(frame)
        scale.pack(fill="x", pady=(2, 8))
        self.scale_buttons = []
        for value in range(11):
            button = tk.Button(scale, text="None" if value == 0 else str(value), font=self.normal,
                               width=4 if value == 0 else 2,
                               command=functools.partial(self._intensity, value))
            button.pack(side="left", padx=1)
            self.scale_buttons.append(button)
        self.how_long = tk.Label(frame, text="How long did it last?", font=self.normal)
        self.how_long.pack(anchor="w")
        row = tk.Frame(frame)
        row.pack(fill="x", pady=(2, 8))
        self.duration_buttons = {}
        for key in DIARY_DURATIONS:
            button = tk.Button(row, text=DURATION_LABELS[key], font=self.normal,
                               command=functools.partial(self._duration, key))
            button.pack(side="left", padx=(0, 4))
            self.duration_buttons[key] = button
        tk.Label(frame, text="Did you take any painkillers that day?",
                 font=self.normal).pack(anchor="w")
        row = tk.Frame(frame)
        row.pack(fill="x", pady=(2, 8))
        self.pill_buttons = {}
        for value, label in ((True, "Yes"), (False, "No")):
            button = tk.Button(row, text=label, font=self.normal, width=5,
                               command=functools.partial(self._painkillers, value))
            button.pack(side="left", padx=(0, 4))
            self.pill_buttons[value] = button
        self.save = tk.Button(frame, text="Save", font=self.bold, state="disabled",
                              command=self._save)
        self.save.pack(anchor="e")
        self._refresh()

    def _mark(self, button: Any, chosen: bool) -> None:
        button.configure(relief="sunken" if chosen else "raised",
                         bg="#bbdefb" if chosen else self.root.cget("bg"))

    def _refresh(self) -> None:
        for value, button in enumerate(self.scale_buttons):
            self._mark(button, value == self.intensity)
        needs_duration = bool(self.intensity)
        for key, button in self.duration_buttons.items():
            self._mark(button, key == self.duration)
            button.configure(state="normal" if needs_duration else "disabled")
        for value, button in self.pill_buttons.items():
            self._mark(button, value == self.pills)
        ready = (self.intensity is not None and self.pills is not None
                 and (self.intensity == 0 or self.duration is not None))
        self.save.configure(state="normal" if ready else "disabled")

    def _intensity(self, value: int) -> None:
        self.intensity = value
        self._refresh()

    def _duration(self, key: str) -> None:
        if self.intensity:
            self.duration = key
            self._refresh()

    def _cycle_duration(self) -> None:
        order = list(DIARY_DURATIONS)
        nxt = 0 if self.duration is None else (order.index(self.duration) + 1) % len(order)
        self._duration(order[nxt])

    def _painkillers(self, value: bool) -> None:
        self.pills = value
        self._refresh()

    def _save(self) -> None:
        if str(self.save.cget("state")) != "normal" or self.intensity is None \
                or self.pills is None:
            return
        self.send(diary_message(self.days[self.index], self.intensity, self.duration,
                                self.pills))
        self.index += 1
        if self.index >= len(self.days):
            self.root.destroy()
            return
        self._page()


def run(days: list[date], today: date, writer: Any) -> None:
    """Ask about `days` (oldest first; `today` last when it is among them) until answered or
    closed."""
    import tkinter as tk

    from deskbreak.ui.placement import show_unasked

    root = tk.Tk(className="deskbreak")
    root.withdraw()
    root.title(TITLE)
    DiaryApp(root, days, today, writer.send)
    root.protocol("WM_DELETE_WINDOW", root.destroy)
    show_unasked(root, "bottom-right")
    root.mainloop()


def parse_days(request: dict[str, Any], today: date) -> list[date]:
    """The days to ask about: the request's `days` (ISO dates, none after today), else today.
    Raises ValueError for a bad date."""
    raw = request.get("days") or [today.isoformat()]
    if not isinstance(raw, list):
        raise ValueError("days must be a list of dates")
    days = sorted({date.fromisoformat(str(d)) for d in raw})
    if days and days[-1] > today:
        raise ValueError("cannot ask about a day still to come")
    return days


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="checkin_window: %(message)s")
    try:
        request = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as error:
        print(f"checkin_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    if not isinstance(request, dict) or request.get("question", "headache") != "headache":
        print("checkin_window: only the headache question is asked here", file=sys.stderr)
        return 2
    today = date.today()  # the window's own process: the day the person is answering on
    try:
        days = parse_days(request, today)
    except ValueError as error:
        print(f"checkin_window: {error}", file=sys.stderr)
        return 2
    from deskbreak.ui.prompt_window import AnswerWriter

    run(days, today, AnswerWriter(sys.stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
