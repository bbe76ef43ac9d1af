"""The service's collaborators as typed ports: what the service needs from each, nothing more.

Every port is passed in when the service is built (deskbreak/commands/service.py assembles the
real ones; tests/test_service_inprocess.py assembles fakes). Threading is part of each contract.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from deskbreak.core.commands import Command
from deskbreak.core.events import Event
from deskbreak.core.prompt_card import PromptCard
from deskbreak.ui.prompt_protocol import WindowMessage

if TYPE_CHECKING:
    from deskbreak.adapters.tray import TrayView


class Store(Protocol):
    """The compliance log. Used on the engine thread only (SQLite connections belong to the
    thread that made them, so the service opens it there, through a factory)."""

    def append_many(self, events: Iterable[Event]) -> bool: ...

    def events(self, since: datetime | None = None, until: datetime | None = None,
               kinds: Sequence[str] | None = None) -> Iterator[Event]: ...

    def highest_prompt_id(self) -> int: ...

    @property
    def pending_count(self) -> int: ...

    @property
    def last_error(self) -> str | None: ...

    @property
    def notice(self) -> str | None: ...

    def close(self) -> None: ...


class IdleSource(Protocol):
    """Seconds since the last keyboard or mouse input. Engine thread only; raises
    DeskbreakError when it stops working (the service then reopens one)."""

    name: str

    def seconds_since_last_input(self) -> float: ...


class LockSource(Protocol):
    """Whether the screen is locked (None: cannot tell). Engine thread only; never raises."""

    def is_locked(self) -> bool | None: ...


class Notifier(Protocol):
    """The desktop notification (see adapters/notify). Engine thread only, except the action
    callback it was built with, which runs on its own thread."""

    name: str
    supports_actions: bool

    def show(self, title: str, body: str, actions: Sequence[tuple[str, str]],
             expire_seconds: float, replace: bool = True) -> None: ...

    def close(self) -> None: ...

    def shutdown(self) -> None: ...


class Presenter(Protocol):
    """Shows prompts and messages. Every method is called on the engine thread. What the user
    answers comes back through the `Inbox` the presenter was built with."""

    def show_prompt(self, card: PromptCard) -> None:
        """Show a new prompt (one at a time: a previous one is dismissed)."""

    def reopen(self, prompt_id: int) -> bool:
        """Bring back the open prompt's window (hidden, or never shown); False if it cannot."""

    def started(self, prompt_id: int) -> None:
        """The user began the guided break: withdraw the notification (one place at a time)."""

    def hidden(self, prompt_id: int) -> None:
        """The window was closed with the window manager; the prompt stays open."""

    def dismiss(self, prompt_id: int) -> None:
        """The prompt ended: take down its notification and window."""

    def ask_headache(self, days: Sequence[date] = ()) -> None:
        """Open the headache diary: for today, or for `days` (earlier days left unanswered,
        oldest first) when given."""

    def ask_screening(self, trigger: str) -> None:
        """Ask the red-flag questions (an answer looked worrying: `trigger`)."""

    def message(self, title: str, body: str) -> None: ...

    def close(self) -> None: ...


class Inbox(Protocol):
    """Where presenters and the tray deliver what the user did. Callable from any thread: the
    service only posts the work to its engine thread."""

    def command(self, command: Command, surface: str) -> None:
        """A command from a surface ("tray", "notification", "console", ...)."""

    def window_message(self, prompt_id: int | None, message: WindowMessage) -> None:
        """A line from a prompt or check-in window (prompt_id None: not about a prompt)."""


class Tray(Protocol):
    """The tray icon (see adapters/tray). `update`, `visibility` and `stop` may be called from
    any thread."""

    #: Which backend draws it ("sni", "xorg", "gtk", ...).
    backend: str

    def update(self, view: TrayView) -> None: ...

    def stop(self) -> None: ...

    def visibility(self) -> tuple[bool | None, str]:
        """(shown in a tray?, why); None when the backend cannot tell."""
        ...


#: Reads whether the active window is fullscreen (None: cannot tell). Engine thread only.
FullscreenCheck = Callable[[], "bool | None"]
#: Why a due prompt should wait (a call: "microphone in use by Zoom"), or None. Engine thread.
BusyCheck = Callable[[], "str | None"]
#: Opens an idle source (raises DeskbreakError if none works); used again when one fails.
IdleOpener = Callable[[], IdleSource]
