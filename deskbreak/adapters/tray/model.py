"""What the tray shows, whatever draws it: the view, the menu entries and their wording.

Pure data and functions (no GUI, no D-Bus): every tray backend and the tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskbreak.errors import DeskbreakError

ICON_NAME = "deskbreak"

COMMANDS = ("break-now", "snooze", "skip", "pause 30m", "pause 1h", "pause today", "resume",
            "summary", "report", "reload", "quit")
#: Commands whose effect the user cannot see in the menu itself: the service confirms each in
#: one short notification (see `confirmation`).
CONFIRMED = ("pause 30m", "pause 1h", "pause today", "resume", "reload")


class TrayUnavailable(DeskbreakError):
    """No tray icon can be shown here; the message says why (the service falls back to console)."""


@dataclass(frozen=True)
class TrayView:
    """What the tray shows: the icon's look, its tooltip, the menu's status line and which
    entries answer."""

    sitting_seconds: int
    paused: bool
    status_line: str
    tooltip: str
    away: bool = False
    #: Sitting time at which the movement break is due: the icon's ring is full there.
    bout_limit_seconds: int = 3600
    #: A prompt is open now: only then do Snooze and Skip do anything.
    prompt_open: bool = False
    #: Inside the programme's working hours: outside them no break comes, whatever the clock.
    in_working_hours: bool = True


@dataclass(frozen=True)
class MenuEntry:
    """One menu line; `command` None with `label` "" is a separator."""

    label: str
    command: str | None
    enabled: bool = True

    @property
    def separator(self) -> bool:
        return self.command is None and not self.label


SEPARATOR = MenuEntry("", None)
OUTSIDE_HOURS = "Outside working hours: no breaks until they start"


def headline(view: TrayView) -> str:
    """The menu's first line and the tooltip: what is true now, never a countdown to a break
    that will not come (paused, or outside working hours)."""
    line = view.status_line or "deskbreak"
    if view.paused:
        return line if line.startswith("Paused") else "Paused"
    if not view.in_working_hours:
        return OUTSIDE_HOURS
    return line


def tooltip(view: TrayView) -> str:
    """The tooltip text: the service's tooltip, corrected like `headline`."""
    if view.paused or not view.in_working_hours:
        return headline(view)
    return view.tooltip or headline(view)


def menu_entries(view: TrayView) -> tuple[MenuEntry, ...]:
    """The menu for `view`, top to bottom: the status line first, disabled."""
    paused = view.paused
    answerable = view.prompt_open and not paused
    return (
        MenuEntry(headline(view), None, enabled=False),
        SEPARATOR,
        MenuEntry("Start a break now", "break-now"),
        MenuEntry("Snooze", "snooze", enabled=answerable),
        MenuEntry("Skip", "skip", enabled=answerable),
        SEPARATOR,
        MenuEntry("Pause 30 min", "pause 30m", enabled=not paused),
        MenuEntry("Pause 1 hour", "pause 1h", enabled=not paused),
        MenuEntry("Pause for the rest of the day", "pause today", enabled=not paused),
        MenuEntry("Resume", "resume", enabled=paused),
        SEPARATOR,
        MenuEntry("Today's summary", "summary"),
        MenuEntry("Open report", "report"),
        MenuEntry("Reload programme", "reload"),
        SEPARATOR,
        MenuEntry("Quit", "quit"),
    )


def confirmation(command: str, view: TrayView, error: str | None = None) -> str | None:
    """The one short notification line confirming `command`, from the view after it took
    effect (None for commands that need none). `error` is the reason it failed, if it did."""
    if command not in CONFIRMED:
        return None
    if error:
        return f"Could not {command.split()[0]}: {error}"
    if command.startswith("pause"):
        return headline(view) if view.paused else "Paused"
    if command == "resume":
        return "Resumed. " + headline(view)
    return "Programme reloaded. " + headline(view)
