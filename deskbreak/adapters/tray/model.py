"""What the tray shows, whatever draws it: the view, the menu entries and their wording.

Pure data and functions (no GUI, no D-Bus): every tray backend and the tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskbreak.adapters.tray.local import ABOUT, LOCAL_COMMANDS, SAFETY
from deskbreak.core.commands import Command, Verb
from deskbreak.errors import DeskbreakError

ICON_NAME = "deskbreak"

#: The menu's commands, top to bottom, from the one command vocabulary (core/commands.py).
#: The tray hands each on as its words (`Command.words()`, read back by `parse_command`).
BREAK_NOW = Command(Verb.BREAK_NOW)
SNOOZE = Command(Verb.SNOOZE)
SKIP = Command(Verb.SKIP)
PAUSE_30M = Command(Verb.PAUSE, pause_for="30m")
PAUSE_1H = Command(Verb.PAUSE, pause_for="1h")
PAUSE_TODAY = Command(Verb.PAUSE, pause_for="today")
RESUME = Command(Verb.RESUME)
SUMMARY = Command(Verb.SUMMARY)
OPEN_REPORT = Command(Verb.OPEN_REPORT)
RELOAD = Command(Verb.RELOAD)
QUIT = Command(Verb.QUIT)
MENU_COMMANDS = (BREAK_NOW, SNOOZE, SKIP, PAUSE_30M, PAUSE_1H, PAUSE_TODAY, RESUME, SUMMARY,
                 OPEN_REPORT, RELOAD, QUIT)
#: The words of every menu command the service carries out (each parses as a Command).
COMMANDS = tuple(command.words() for command in MENU_COMMANDS)
#: Every word a menu entry may send: COMMANDS, and LOCAL_COMMANDS the tray carries out itself.
MENU_WORDS = COMMANDS + LOCAL_COMMANDS
# Pause, Resume and Reload confirm in one short notification: the service's dispatcher sends
# it (CONFIRMED_ON_THE_TRAY in deskbreak/service/dispatch.py), from the command's reply.


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

    @property
    def fraction(self) -> float:
        """How far the sitting bout is toward the movement break (1.0 and more: due)."""
        if self.bout_limit_seconds <= 0:
            return 0.0
        return max(0.0, self.sitting_seconds / self.bout_limit_seconds)

    @property
    def due(self) -> bool:
        """A prompt waits for an answer: the icon says so (deskbreak.ui.icon's "due" look)."""
        return self.prompt_open and not self.paused

    @property
    def mode(self) -> str:
        """The icon's look: "paused", "away", "due" or "sitting"."""
        if self.paused:
            return "paused"
        if self.away:
            return "away"
        return "due" if self.due or self.fraction >= 1.0 else "sitting"


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
        MenuEntry("Start a break now", BREAK_NOW.words()),
        MenuEntry("Snooze", SNOOZE.words(), enabled=answerable),
        MenuEntry("Skip", SKIP.words(), enabled=answerable),
        SEPARATOR,
        MenuEntry("Pause 30 min", PAUSE_30M.words(), enabled=not paused),
        MenuEntry("Pause 1 hour", PAUSE_1H.words(), enabled=not paused),
        MenuEntry("Pause for the rest of the day", PAUSE_TODAY.words(), enabled=not paused),
        MenuEntry("Resume", RESUME.words(), enabled=paused),
        SEPARATOR,
        MenuEntry("Today's summary", SUMMARY.words()),
        MenuEntry("Open report", OPEN_REPORT.words()),
        MenuEntry("Reload programme", RELOAD.words()),
        SEPARATOR,
        MenuEntry("When to get help", SAFETY),
        MenuEntry("About deskbreak", ABOUT),
        MenuEntry("Quit", QUIT.words()),
    )
