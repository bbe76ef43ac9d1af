"""The daily headache question, as a small window in a screen corner (its own process).

Run as `python -m deskbreak.ui.checkin_window` with {"question": "headache"} on stdin. Prints
{"checkin": "headache", "value": "none"|"mild"|"moderate"|"severe"} and exits 0; closing the
window (or Escape) answers nothing. Like the prompt window it never takes the keyboard focus
when it appears; keys 1-4 answer once the user has clicked into it.
"""

from __future__ import annotations

import json
import logging
import sys

from deskbreak.core.events import HEADACHE_LEVELS
from deskbreak.ui.placement import place
from deskbreak.ui.prompt_window import AnswerWriter, _map_without_focus

log = logging.getLogger(__name__)
TITLE = "deskbreak: headache check-in"
QUESTION = "Did you have a headache today?"
EXPLANATION = "Your answer goes into your log for your physiotherapist."


def run(writer: AnswerWriter) -> None:
    """Show the question until it is answered or closed."""
    import tkinter as tk
    from tkinter import font as tkfont

    root = tk.Tk(className="deskbreak")
    root.withdraw()
    root.title(TITLE)
    big = tkfont.Font(root=root, family="DejaVu Sans", size=15, weight="bold")
    normal = tkfont.Font(root=root, family="DejaVu Sans", size=12)
    frame = tk.Frame(root, padx=16, pady=12)
    frame.pack(fill="both", expand=True)
    tk.Label(frame, text=QUESTION, font=big).pack(anchor="w")
    tk.Label(frame, text=EXPLANATION, font=normal, fg="#555555").pack(anchor="w", pady=(2, 10))
    row = tk.Frame(frame)
    row.pack(fill="x")

    def answer(level: str) -> None:
        writer.send({"checkin": "headache", "value": level})
        root.destroy()

    for number, level in enumerate(HEADACHE_LEVELS, start=1):
        tk.Button(row, text=f"{number}  {level.capitalize()}", font=normal, width=10,
                  command=lambda lv=level: answer(lv)).pack(side="left", padx=(0, 6))
        root.bind(str(number), lambda _e, lv=level: answer(lv))
    root.bind("<Escape>", lambda _e: root.destroy())
    root.protocol("WM_DELETE_WINDOW", root.destroy)
    try:
        root.wm_attributes("-type", "dialog")
    except tk.TclError:
        pass  # not X11
    root.wm_attributes("-topmost", True)
    root.update_idletasks()
    place(root, root.winfo_reqwidth(), root.winfo_reqheight(), "bottom-right")
    _map_without_focus(root)
    root.deiconify()
    root.mainloop()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="checkin_window: %(message)s")
    try:
        request = json.loads(sys.stdin.read() or "{}")
    except json.JSONDecodeError as error:
        print(f"checkin_window: cannot read the request: {error}", file=sys.stderr)
        return 2
    if request.get("question", "headache") != "headache":
        print("checkin_window: only the headache question is asked here", file=sys.stderr)
        return 2
    run(AnswerWriter(sys.stdout))
    return 0


if __name__ == "__main__":
    sys.exit(main())
