"""The red-flag screening, as a small window of its own (its own process).

Run as `python -m deskbreak.ui.screening_window` with {"trigger": "<screening.Trigger value>"}
on stdin. It asks the questions of `deskbreak.core.screening` in plain words, yes or no each.
When every question has an answer and the user presses "Done" it prints one line

    {"screening": {"trigger": "...", "answers": {"<question id>": true|false, ...}}}

then shows the advice (urgent advice after any yes, reassurance after all no) until closed,
and exits 0. Closing the window before "Done" prints nothing. Keys: y / n answer the next question,
Return is Done, Escape closes (before Done: without an answer). The service records the answer
with `Engine.screening(now, answers, trigger)` (see `screening_message_answers`).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Mapping
from typing import Any

from deskbreak.core.screening import INTRO, QUESTIONS, Advice, Trigger, assess

log = logging.getLogger(__name__)
TITLE = "deskbreak: a few quick questions"
#: Why the questions come, in the user's terms, by trigger.
WHY = {
    Trigger.SEVERE_HEADACHE.value: "You said you have a severe headache.",
    Trigger.HIGH_NECK.value: "You rated your neck 7 or more out of 10.",
    Trigger.NECK_RISE.value: "Your neck rating went up by 3 or more today.",
    Trigger.STOPPED_FOR_SYMPTOMS.value: "You stopped the break because of symptoms.",
}
WRAP = 520
ADVICE_HEADINGS = {
    Advice.EMERGENCY: "Call for help now",
    Advice.SAME_DAY: "Please get medical advice today",
    Advice.REASSURE: "Thank you",
}
ADVICE_COLOURS = {Advice.EMERGENCY: "#b71c1c", Advice.SAME_DAY: "#b71c1c",
                  Advice.REASSURE: "#2e7d32"}


def screening_message(trigger: str, answers: Mapping[str, bool]) -> dict[str, Any]:
    """The line the window prints (see the module docstring)."""
    return {"screening": {"trigger": trigger, "answers": dict(answers)}}


def screening_message_answers(message: Mapping[str, Any]) -> tuple[str, dict[str, bool]]:
    """The trigger and answers of a window's screening line, for `Engine.screening`. Raises
    ValueError when the line is not a complete screening answer."""
    body = message.get("screening")
    if not isinstance(body, Mapping):
        raise ValueError("not a screening answer")
    answers = body.get("answers")
    if not isinstance(answers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
        raise ValueError("screening answers must be question id -> true/false")
    return str(body.get("trigger") or ""), dict(answers)


class ScreeningApp:
    """The questions, then the advice. Tk thread only."""

    def __init__(self, root: Any, trigger: str, send: Any) -> None:
        import tkinter as tk
        from tkinter import font as tkfont

        self.root = root
        self.trigger = trigger
        self.send = send
        self.answers: dict[str, bool] = {}
        self.big = tkfont.Font(root=root, family="DejaVu Sans", size=15, weight="bold")
        self.normal = tkfont.Font(root=root, family="DejaVu Sans", size=12)
        self.bold = tkfont.Font(root=root, family="DejaVu Sans", size=12, weight="bold")
        self.frame = tk.Frame(root, padx=18, pady=14)
        self.frame.pack(fill="both", expand=True)
        self.buttons: dict[tuple[str, bool], Any] = {}
        self.done: Any = None
        self._questions()
        # Keys, once the user has clicked into the window: y / n answer the next question
        # without an answer, Return is Done.
        root.bind("y", lambda _e: self._next(True))
        root.bind("n", lambda _e: self._next(False))
        root.bind("<Return>", lambda _e: self._finish())
        root.bind("<Escape>", lambda _e: root.destroy())  # like closing: nothing is sent

    def _next(self, value: bool) -> None:
        for question in QUESTIONS:
            if question.id not in self.answers:
                self._choose(question.id, value)
                return

    def _questions(self) -> None:
        import tkinter as tk

        tk.Label(self.frame, text=WHY.get(self.trigger, "Something you told us may need "
                                          "checking."), font=self.big, wraplength=WRAP,
                 justify="left").pack(anchor="w")
        tk.Label(self.frame, text=INTRO, font=self.normal, wraplength=WRAP,
                 justify="left").pack(anchor="w", pady=(4, 10))
        for number, question in enumerate(QUESTIONS, start=1):
            row = tk.Frame(self.frame)
            row.pack(fill="x", pady=4)
            tk.Label(row, text=f"{number}. {question.text}", font=self.normal,
                     wraplength=WRAP - 150, justify="left").pack(side="left", anchor="w")
            for value, label in ((False, "No"), (True, "Yes")):
                button = tk.Button(row, text=label, font=self.normal, width=4,
                                   command=functools.partial(self._choose, question.id, value))
                button.pack(side="right", padx=2)
                self.buttons[(question.id, value)] = button
        self.done = tk.Button(self.frame, text="Done", font=self.bold, state="disabled",
                              command=self._finish)
        self.done.pack(anchor="e", pady=(12, 0))

    def _choose(self, question_id: str, value: bool) -> None:
        self.answers[question_id] = value
        for (qid, v), button in self.buttons.items():
            if qid == question_id:
                chosen = v == value
                button.configure(relief="sunken" if chosen else "raised",
                                 bg=("#ffcdd2" if v else "#c8e6c9") if chosen else
                                 self.root.cget("bg"))
        if len(self.answers) == len(QUESTIONS):
            self.done.configure(state="normal")

    def _finish(self) -> None:
        import tkinter as tk

        if len(self.answers) != len(QUESTIONS):
            return
        self.send(screening_message(self.trigger, self.answers))
        result = assess(self.answers)
        for child in self.frame.winfo_children():
            child.destroy()
        tk.Label(self.frame, text=ADVICE_HEADINGS[result.advice], font=self.big,
                 fg=ADVICE_COLOURS[result.advice]).pack(anchor="w")
        tk.Label(self.frame, text=result.text, font=self.normal, wraplength=WRAP,
                 justify="left").pack(anchor="w", pady=(6, 10))
        tk.Label(self.frame, text="deskbreak cannot tell what causes your symptoms; this is "
                 "not a diagnosis.", font=self.normal, fg="#555555", wraplength=WRAP,
                 justify="left").pack(anchor="w")
        tk.Button(self.frame, text="Close", font=self.bold,
                  command=self.root.destroy).pack(anchor="e", pady=(12, 0))
        for key in ("y", "n", "<Return>"):
            self.root.unbind(key)
        self.root.bind("<Escape>", lambda _e: self.root.destroy())
        self.root.update_idletasks()
        self.root.geometry("")  # let the window shrink to the advice


def run(trigger: str, writer: Any) -> None:
    """Show the questions until they are answered and the advice closed, or the window closed."""
    import tkinter as tk

    from deskbreak.ui.placement import show_unasked

    root = tk.Tk(className="deskbreak")
    root.withdraw()
    root.title(TITLE)
    ScreeningApp(root, trigger, writer.send)
    root.protocol("WM_DELETE_WINDOW", root.destroy)
    show_unasked(root, "bottom-right", follow_content=True)  # it shrinks to the advice later
    root.mainloop()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="screening_window: %(message)s")
    try:
        request = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as error:
        print(f"screening_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    if not isinstance(request, dict):
        print("screening_window: the request must be a JSON object", file=sys.stderr)
        return 2
    from deskbreak.ui.prompt_window import AnswerWriter

    run(str(request.get("trigger") or ""), AnswerWriter(sys.stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
