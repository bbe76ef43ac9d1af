"""The safety card in a small window: the tray menu's "When to get help".

    python -m deskbreak.ui.safety_window

Shows the built-in card (deskbreak.core.safety, the same words as `deskbreak safety`): each
section's heading, what to do and the signs, then the not-a-diagnosis note. "Close", Enter or
Escape close it; it prints nothing and exits 0. Themed and placed like the other windows; the
text scrolls when the screen is too small for it.

Threading: a single-threaded Tk process of its own, like the welcome window.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from deskbreak.core.safety import SAFETY_CARD, SafetyCard
from deskbreak.ui import theme

if TYPE_CHECKING:
    import tkinter as tk

#: The window's title: the tray entry's words, so the person sees what they asked for.
TITLE = "When to get help"
#: One column of this width per section, side by side in the card's order, so the whole card,
#: the emergency signs included, shows without scrolling on a 1280x800 laptop screen.
COLUMN_WRAP = 370
COLUMN_GAP = 20
WRAP = 3 * COLUMN_WRAP + 2 * COLUMN_GAP
#: The window never grows past the screen less this much; the text scrolls instead.
SCREEN_ROOM = 110
BULLET = "\u2022"


def run(card: SafetyCard = SAFETY_CARD) -> None:
    """Show `card` until the window is closed."""
    build(card).mainloop()


def build(card: SafetyCard = SAFETY_CARD) -> tk.Tk:
    """The window showing `card`, placed and mapped; the caller runs its main loop."""
    import tkinter as tk

    root = tk.Tk(className="deskbreak")
    root.withdraw()
    palette = theme.apply(root)
    root.title(TITLE)
    fonts = {"title": theme.font(root, 16, "bold"), "heading": theme.font(root, 12, "bold"),
             "text": theme.font(root, 11), "button": theme.font(root, 12, "bold")}

    # The footer first, so "Close" always shows however small the screen.
    footer = tk.Frame(root, padx=18, pady=12)
    footer.pack(side="bottom", fill="x")
    tk.Button(footer, text="Close", font=fonts["button"], default="active", width=8,
              command=root.destroy).pack(side="right")
    tk.Label(footer, text="Also in a terminal: deskbreak safety", font=fonts["text"],
             fg=palette.muted).pack(side="left")

    outer = tk.Frame(root)
    outer.pack(side="top", fill="both", expand=True)
    canvas = tk.Canvas(outer, highlightthickness=0, borderwidth=0, background=palette.background)
    bar = tk.Scrollbar(outer, orient="vertical", command=canvas.yview)
    canvas.configure(yscrollcommand=bar.set)
    canvas.pack(side="left", fill="both", expand=True)
    body = tk.Frame(canvas, padx=18, pady=14)
    canvas.create_window(0, 0, window=body, anchor="nw")

    def label(parent: tk.Misc, text: str, font: str, wrap: int = COLUMN_WRAP,
              **pack: Any) -> tk.Label:
        widget = tk.Label(parent, text=text, font=fonts[font], anchor="w", justify="left",
                          wraplength=wrap)
        widget.pack(fill="x", **pack)
        return widget

    label(body, card.title, "title", wrap=WRAP)
    label(body, card.intro, "text", wrap=WRAP, pady=(4, 0))
    columns = tk.Frame(body)
    columns.pack(fill="x")
    for number, section in enumerate(card.sections):
        column = tk.Frame(columns)
        column.pack(side="left", fill="y", anchor="n", padx=(0 if number == 0 else COLUMN_GAP, 0))
        label(column, section.heading, "heading", pady=(12, 2))
        label(column, section.action, "text", pady=(0, 2))
        for sign in section.signs:
            # The bullet in a column of its own, so wrapped lines hang under the text.
            row = tk.Frame(column)
            row.pack(fill="x", pady=(0, 1))
            tk.Label(row, text=BULLET, font=fonts["text"]).pack(side="left", anchor="n",
                                                                  padx=(4, 4))
            tk.Label(row, text=sign, font=fonts["text"], anchor="w", justify="left",
                     wraplength=COLUMN_WRAP - 20).pack(side="left", fill="x")
        if section.after:
            label(column, section.after, "text", pady=(2, 0))
    label(body, card.not_a_diagnosis, "text", wrap=WRAP, pady=(14, 0))

    root.update_idletasks()
    wanted_h = body.winfo_reqheight()
    room = root.winfo_screenheight() - SCREEN_ROOM - footer.winfo_reqheight()
    canvas.configure(width=body.winfo_reqwidth(), height=min(wanted_h, room),
                     scrollregion=(0, 0, body.winfo_reqwidth(), wanted_h))
    if wanted_h > room:
        bar.pack(side="right", fill="y")
        for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1)):
            def on_wheel(_event: object, units: int = step) -> None:
                canvas.yview_scroll(units, "units")

            root.bind_all(sequence, on_wheel)
    for sequence in ("<Return>", "<KP_Enter>", "<Escape>"):
        root.bind(sequence, lambda _e: root.destroy())
    root.protocol("WM_DELETE_WINDOW", root.destroy)
    root.update_idletasks()
    from deskbreak.ui.placement import place

    # In the middle of the monitor the person is using, shrunk to fit it if need be.
    place(root, root.winfo_reqwidth(), root.winfo_reqheight(), "center")
    root.deiconify()
    return root


def main(argv: list[str] | None = None) -> int:
    """Show the safety card window; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="safety_window: %(message)s")
    if argv:
        print("usage: python -m deskbreak.ui.safety_window", file=sys.stderr)
        return 2
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
