"""Issue 8 point 1: the guided break hid its own buttons and cut its safety text.

Every exercise of the library and of every shipped programme is opened in the real prompt
window on the real X server, at the default screen (1280x800) and at 1280x720, and Tk's own
geometry (winfo_*) must show every button, every caution line, the safety line and the key hint
wholly inside the window, at their full requested height (not squeezed, so no half-cut line).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desktop import DesktopSession

from deskbreak.core.programme import Exercise
from deskbreak.library import load_library, load_programme
from deskbreak.paths import shipped_dir
from deskbreak.ui import exercise_picture
from deskbreak.ui.guided_steps import ScreenKind
from deskbreak.ui.prompt_protocol import exercise_payload, parse_request
from deskbreak.ui.prompt_window import AnswerWriter, PromptApp


def shipped_programmes() -> list[Path]:
    folders = [shipped_dir() / "programmes", shipped_dir() / "templates"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.yaml"))


def breaks_to_open() -> list[tuple[str, str, str, list[Exercise]]]:
    """(label, break name, kind, exercises): each library exercise alone, then every break of
    every shipped programme with all the exercises its file lists (at the starting dose)."""
    cases = [(f"library/{i}", e.title, e.suits[0].value, [e])
             for i, e in sorted(load_library().items())]
    default = shipped_dir() / "default.yaml"
    for path in [default, *shipped_programmes()]:
        programme = load_programme(path)
        for brk in programme.breaks:
            exercises = [programme.exercises[i] for i in brk.exercise_ids
                         if i in programme.exercises]
            cases.append((f"{path.stem}/{brk.name}", brk.name, brk.kind.value, exercises))
    return cases


@pytest.fixture(scope="module")
def small_screen() -> Iterator[DesktopSession]:
    """A second desktop, 1280x720: the smallest common laptop screen."""
    session = DesktopSession(screen="1280x720x24", tray=False, notification_daemon=False)
    session.start()
    try:
        yield session
    finally:
        session.stop()


def _inside(widget: Any, root: Any) -> str | None:
    """Why `widget` is not wholly visible inside `root`, or None when it is."""
    if not widget.winfo_viewable():
        return "not viewable"
    x, y = widget.winfo_rootx() - root.winfo_rootx(), widget.winfo_rooty() - root.winfo_rooty()
    w, h = widget.winfo_width(), widget.winfo_height()
    if x < 0 or y < 0 or x + w > root.winfo_width() or y + h > root.winfo_height():
        return f"at {x},{y} {w}x{h} outside the window {root.winfo_width()}x{root.winfo_height()}"
    if h < widget.winfo_reqheight() or w < min(widget.winfo_reqwidth(), root.winfo_width()):
        return f"squeezed to {w}x{h} of {widget.winfo_reqwidth()}x{widget.winfo_reqheight()}"
    return None


def _widgets(parent: Any) -> Iterator[Any]:
    for child in parent.winfo_children():
        yield child
        yield from _widgets(child)


def must_be_visible(app: PromptApp) -> list[tuple[str, Any]]:
    """Every button, every caution line ("\u26a0 ..."), and what the window itself lists as
    must-show (the safety line, the key hint), found from Tk's own widget tree."""
    found: dict[str, tuple[str, Any]] = {}
    for widget in _widgets(app.root):
        if widget.winfo_class() == "Button" and widget.winfo_ismapped():
            found[str(widget)] = (f"button {widget.cget('text')!r}", widget)
        elif widget.winfo_class() == "Label" and str(widget.cget("text")).startswith("\u26a0"):
            found[str(widget)] = (f"caution {str(widget.cget('text'))[:40]!r}", widget)
    for widget in getattr(app, "must_show", []):
        found.setdefault(str(widget), (f"line {str(widget.cget('text'))[:40]!r}", widget))
    return list(found.values())


def _wait_mapped(app: PromptApp) -> None:
    deadline = time.monotonic() + 5
    while not app.root.winfo_viewable():
        assert time.monotonic() < deadline, "the window never mapped"
        app.root.update()
        time.sleep(0.02)


def _settle(app: PromptApp) -> None:
    # Rounds: the first lays out, <Configure> re-wraps, the next lay out the result.
    for _ in range(3):
        app.root.update()


def check_every_screen(display: str) -> list[str]:
    """Open every case on `display`; return the problems found (empty when all fit)."""
    problems: list[str] = []
    old_display = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = display
    try:
        for label, name, kind, exercises in breaks_to_open():
            request = parse_request({"break": name, "kind": kind, "neck_checkin": True,
                                     "notes": "Keep every movement gentle.\nWithin comfort.",
                                     "exercises": [exercise_payload(e) for e in exercises]})
            app = PromptApp(request, AnswerWriter(io.StringIO()), speed=1e-6)
            try:
                app.show_initially()
                _wait_mapped(app)
                _settle(app)
                root = app.root
                screen_h = root.winfo_screenheight()
                for what, widget in must_be_visible(app):
                    if (why := _inside(widget, root)) is not None:
                        problems.append(f"{label} prompt: {what} {why}")
                app._start_guided()
                seen: set[tuple[str, ScreenKind]] = set()
                for index, screen in enumerate(app._screens):
                    # The first screen of each kind for each exercise: the intro carries the
                    # most text; the countdown screens the biggest type.
                    if (screen.exercise_id, screen.kind) in seen:
                        continue
                    seen.add((screen.exercise_id, screen.kind))
                    app._index = index
                    app._show_screen()
                    _settle(app)
                    if root.winfo_rooty() + root.winfo_height() > screen_h:
                        problems.append(f"{label}: the window runs off the screen")
                    where = f"{label} {screen.exercise_id or '-'} {screen.kind.value}"
                    for what, widget in must_be_visible(app):
                        if (why := _inside(widget, root)) is not None:
                            problems.append(f"{where}: {what} {why}")
            finally:
                app.root.destroy()
                # The window keeps each exercise's picture as an image of its own Tk (one
                # window per process); this test makes one Tk per case, so start afresh.
                exercise_picture._photos.clear()
    finally:
        if old_display is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old_display
    return problems


def test_every_exercise_screen_shows_all_its_buttons_and_cautions_on_the_default_screen(
        desktop: Any) -> None:
    assert check_every_screen(desktop.env["DISPLAY"]) == []


def test_every_exercise_screen_shows_all_its_buttons_and_cautions_at_1280x720(
        desktop: Any, small_screen: DesktopSession) -> None:
    assert small_screen.screen.startswith("1280x720")
    assert check_every_screen(small_screen.env["DISPLAY"]) == []
