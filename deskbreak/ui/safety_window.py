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
from typing import TYPE_CHECKING

from deskbreak.core.safety import SAFETY_CARD, SafetyCard
from deskbreak.ui.card_window import CardWindow

if TYPE_CHECKING:
    import tkinter as tk

#: The window's title: the tray entry's words, so the person sees what they asked for.
TITLE = "When to get help"
#: One column of this width per section, side by side in the card's order, so the whole card,
#: the emergency signs included, shows without scrolling on a 1280x800 laptop screen.
COLUMN_WRAP = 370
COLUMN_GAP = 20
WRAP = 3 * COLUMN_WRAP + 2 * COLUMN_GAP
BULLET = "\u2022"


def run(card: SafetyCard = SAFETY_CARD) -> None:
    """Show `card` until the window is closed."""
    build(card).mainloop()


def build(card: SafetyCard = SAFETY_CARD) -> tk.Tk:
    """The window showing `card`, placed and mapped; the caller runs its main loop."""
    import tkinter as tk

    window = CardWindow(TITLE, button="Close", hint="Also in a terminal: deskbreak safety")
    label = window.label
    body, fonts = window.body, window.fonts
    label(body, card.title, "title", WRAP)
    label(body, card.intro, "text", WRAP, pady=(4, 0))
    columns = tk.Frame(body)
    columns.pack(fill="x")
    for number, section in enumerate(card.sections):
        column = tk.Frame(columns)
        column.pack(side="left", fill="y", anchor="n", padx=(0 if number == 0 else COLUMN_GAP, 0))
        label(column, section.heading, "heading", COLUMN_WRAP, pady=(12, 2))
        label(column, section.action, "text", COLUMN_WRAP, pady=(0, 2))
        for sign in section.signs:
            # The bullet in a column of its own, so wrapped lines hang under the text.
            row = tk.Frame(column)
            row.pack(fill="x", pady=(0, 1))
            tk.Label(row, text=BULLET, font=fonts["text"]).pack(side="left", anchor="n",
                                                                  padx=(4, 4))
            tk.Label(row, text=sign, font=fonts["text"], anchor="w", justify="left",
                     wraplength=COLUMN_WRAP - 20).pack(side="left", fill="x")
        if section.after:
            label(column, section.after, "text", COLUMN_WRAP, pady=(2, 0))
    label(body, card.not_a_diagnosis, "text", WRAP, pady=(14, 0))
    window.show()
    return window.root


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
