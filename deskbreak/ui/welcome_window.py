"""The welcome window of the first start, and the same text later as "About deskbreak".

    python -m deskbreak.ui.welcome_window               "About deskbreak": always shows
    python -m deskbreak.ui.welcome_window --first-start  shows once per user, then never again

It says what the tray icon shows (with the real icons), when prompts come (from the programme
in force), where the programme comes from, how to pause, and where the log is. "Got it", Enter
or Escape close it; it prints nothing and exits 0.

With --first-start the window records that it was shown (a small marker file in the state
folder, written when the window appears) and exits at once, without a window, when the marker
is already there: the service can start it on every launch and it shows only the first time.

Threading: a single-threaded Tk process of its own, like the prompt window.
"""

from __future__ import annotations

import argparse
import base64
import io
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskbreak.ui.card_window import CardWindow

if TYPE_CHECKING:
    import tkinter as tk

    from deskbreak.core.programme import Programme
    from deskbreak.paths import Paths

log = logging.getLogger(__name__)

WELCOME_TITLE = "Welcome to deskbreak"
ABOUT_TITLE = "About deskbreak"
MARKER_NAME = "welcome-shown"
WRAP = 860
COLUMN_WRAP = 420
#: Sections in the left column (after the icon legend); the rest go on the right.
LEFT_SECTIONS = ("When prompts come", "Take care")
ICON_PIXELS = 24
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Section:
    """One heading and its lines."""

    heading: str
    lines: tuple[str, ...]


def marker_path(paths: Paths) -> Path:
    """The file whose presence means the welcome was shown on this account."""
    return paths.state / MARKER_NAME


def already_welcomed(paths: Paths) -> bool:
    """True once the first-start welcome has appeared."""
    return marker_path(paths).exists()


def mark_welcomed(paths: Paths) -> None:
    """Remember that the welcome appeared (errors are logged: worst case it shows again)."""
    from deskbreak.paths import ensure_private_dir

    try:
        ensure_private_dir(paths.state)
        marker_path(paths).write_text("shown\n", encoding="utf-8")
    except OSError as error:
        log.warning("could not remember that the welcome was shown: %s", error)


def _minutes(seconds: float) -> str:
    from deskbreak.core.units import format_duration

    return format_duration(seconds)


def _short(path: Path) -> str:
    """`path` with the home folder written as ~ (shorter, and what people recognise)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if ordered == list(range(5)):
        return "Monday to Friday"
    if ordered == list(range(7)):
        return "every day"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def sections(programme: Programme | None, programme_path: str, paths: Paths,
             safety_line: str) -> tuple[Section, ...]:
    """The window's text, built from the programme in force (None when it cannot be read)."""
    if programme is not None:
        hours = programme.settings.working_hours
        when = [f"{brk.name}: after {_minutes(brk.every_seconds)} of sitting"
                for brk in programme.breaks]
        when.append(f"Only in working hours: {_days(hours.days)}, "
                    f"{hours.start:%H:%M} to {hours.end:%H:%M}.")
        when.append(f"Time away from the desk ({_minutes(programme.settings.natural_break_seconds)}"
                    " or more) counts as a break and starts the count again.")
        source = [f"\u201c{programme.title}\u201d"]
        if programme.prescribed_by:
            source.append(f"From: {programme.prescribed_by}")
    else:
        when = ["The programme could not be read: run \u201cdeskbreak programme check\u201d."]
        source = []
    source += [f"File: {programme_path}",
               "Your physio can give you a programme of your own; install it with "
               "\u201cdeskbreak programme install FILE\u201d."]
    return (
        Section("When prompts come", tuple(when)),
        Section("Where your programme comes from", tuple(source)),
        Section("Pausing", (
            "Click the tray icon and choose Pause (30 minutes, an hour or the rest of the "
            "day), or run \u201cdeskbreak pause 30m\u201d; Resume ends it.",
            "A prompt can also be snoozed for a few minutes or skipped.")),
        Section("Your log", (
            f"Every prompt and answer: {_short(paths.database)}",
            f"What the service did: {_short(paths.service_log)}",
            "\u201cdeskbreak report\u201d makes a summary to take to your physio.")),
        Section("Take care", (
            safety_line,
            # The safety line names the tray entry; say only where else the card is.
            "The same card in a terminal: \u201cdeskbreak safety\u201d.")),
    )


ICON_LEGEND = (
    ("sitting", "The ring fills as you sit; green, then amber near the next movement break."),
    ("due", "A break is due: a solid disc with \u201c!\u201d."),
    ("paused", "Paused: two bars. No prompts until you resume."),
    ("away", "Away from the desk: a dotted ring. The count waits for you."),
)


def _icon_photo(root: tk.Misc, look: str) -> tk.PhotoImage:
    """A Tk image of the real tray icon, drawn by deskbreak.ui.icon at ICON_PIXELS."""
    import tkinter as tk

    from deskbreak.ui.icon import LEVELS, IconMode, IconState, render

    state = {"sitting": IconState(IconMode.SITTING, LEVELS // 2),
             "due": IconState(IconMode.DUE, LEVELS),
             "paused": IconState(IconMode.PAUSED), "away": IconState(IconMode.AWAY)}[look]
    buffer = io.BytesIO()
    render(state.mode, state.level, ICON_PIXELS).save(buffer, format="PNG")
    return tk.PhotoImage(master=root, data=base64.b64encode(buffer.getvalue()).decode("ascii"))


def _safety_line() -> str:
    from deskbreak.ui.prompt_window import guided_safety_line

    return guided_safety_line()


def _load_programme() -> tuple[Programme | None, str]:
    from deskbreak.errors import DeskbreakError
    from deskbreak.library import default_programme_path, display_path, load_programme

    path = default_programme_path()
    try:
        return load_programme(path), display_path(path)
    except DeskbreakError as error:
        log.warning("cannot read the programme: %s", error)
        return None, display_path(path)


def run(title: str, content: tuple[Section, ...]) -> None:
    """Show the window until it is closed."""
    import tkinter as tk

    window = CardWindow(title, button="Got it",
                        hint="Reopen this from the tray menu: About deskbreak")
    label, body, fonts = window.label, window.body, window.fonts
    label(body, title, "title", WRAP)
    label(body, "deskbreak reminds you to take the short exercise breaks in your programme "
          "and keeps a log of them for you and your physio.", "text", WRAP, pady=(4, 0))
    # Two columns: the icon and the timing on the left, the rest on the right, so the whole
    # text fits a laptop screen without scrolling.
    columns = tk.Frame(body)
    columns.pack(fill="x")
    left = tk.Frame(columns)
    left.pack(side="left", fill="y", anchor="n", padx=(0, 24))
    right = tk.Frame(columns)
    right.pack(side="left", fill="y", anchor="n")
    label(left, "What the icon shows", "heading", WRAP, pady=(12, 2))
    photos: list[tk.PhotoImage] = []  # Tk forgets images nobody holds on to
    for look, text in ICON_LEGEND:
        row = tk.Frame(left)
        row.pack(fill="x", pady=1)
        photo = _icon_photo(window.root, look)
        photos.append(photo)
        tk.Label(row, image=photo, width=ICON_PIXELS + 8).pack(side="left", anchor="n")
        tk.Label(row, text=text, font=fonts["text"], anchor="w", justify="left",
                 wraplength=COLUMN_WRAP - ICON_PIXELS - 16).pack(side="left", fill="x")
    for section in content:
        column = left if section.heading in LEFT_SECTIONS else right
        label(column, section.heading, "heading", WRAP, pady=(12, 2))
        for line in section.lines:
            label(column, line, "text", COLUMN_WRAP, pady=(0, 2))
    # Centred on the person's monitor, shrunk to fit it if need be (the text then scrolls;
    # the footer with "Got it" always shows).
    window.show()
    window.root.mainloop()


def main(argv: list[str] | None = None) -> int:
    """Show the welcome (or About) window; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m deskbreak.ui.welcome_window",
                                     description="Show what deskbreak does and where things are.")
    parser.add_argument("--first-start", action="store_true",
                        help="show only if it has never been shown for this user")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="welcome_window: %(message)s")
    from deskbreak.paths import user_paths

    paths = user_paths()
    if args.first_start:
        if already_welcomed(paths):
            return 0
        mark_welcomed(paths)
    programme, where = _load_programme()
    title = WELCOME_TITLE if args.first_start else ABOUT_TITLE
    run(title, sections(programme, where, paths, _safety_line()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
