"""The real service with its prompt window and tray icon, on the test desktop: what the user
clicks reaches the compliance log."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from desktop import DesktopSession

from .service_harness import PROGRAMME as PROGRAMME_TEXT
from .service_harness import RunningService, Typist
from .test_prompt_window import button_positions
from .test_tray import open_xorg_menu

PROMPT = "^deskbreak: neck mobility$"
GUIDED = "^deskbreak: guided break$"
WITH_WINDOWS = pytest.mark.parametrize("service", ["windows"], indirect=True)


def outcomes(service: RunningService) -> list[str]:
    return [e.outcome.value for e in service.events() if e.KIND == "outcome"]


def visible(service: RunningService, title: str) -> bool:
    """Whether one of this service's windows titled `title` is on screen."""
    return bool(service.windows(title))


@WITH_WINDOWS
def test_the_prompt_window_comes_after_the_threshold_and_its_skip_button_is_recorded(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    window = service.wait_for_window(PROMPT, 25)
    prompt = next(e for e in service.events() if e.KIND == "prompt")
    assert prompt.sitting_seconds >= 5 * 60
    x, y = button_positions(desktop, window)["skip"]
    desktop.xdotool("mousemove", "--window", str(window), str(x), str(y), "click", "1")
    service.wait_for(lambda: outcomes(service) == ["skipped"], 10, "the skip")
    service.wait_for(lambda: not visible(service, PROMPT), 5, "the window to close")


@WITH_WINDOWS
def test_escape_in_the_prompt_window_snoozes_and_the_break_comes_back(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    window = service.wait_for_window(PROMPT, 25)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
    service.wait_for(lambda: outcomes(service) == ["snoozed"], 10, "the snooze")
    # Two minutes of programme time later (4 s here), the same break asks again.
    service.wait_for_window(PROMPT, 15)
    prompts = [e for e in service.events() if e.KIND == "prompt"]
    assert len(prompts) == 2
    assert prompts[1].series == prompts[0].prompt and prompts[1].snoozes == 1


@WITH_WINDOWS
def test_finishing_the_guided_break_is_recorded_as_done(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    window = service.wait_for_window(PROMPT, 25)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")  # Start
    guided = service.wait_for_window(GUIDED, 5)
    deadline = time.monotonic() + 20
    while visible(service, GUIDED):
        assert time.monotonic() < deadline, "the guided break never finished"
        desktop.run(["xdotool", "windowactivate", "--sync", str(guided), "key", "Return"],
                    check=False)
        time.sleep(0.2)
    service.wait_for(lambda: outcomes(service) == ["done"], 10, "the done")


@WITH_WINDOWS
def test_no_prompt_window_during_a_natural_break(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    service.wait_for(lambda: service.status().get("sitting_seconds", 0) >= 3 * 60, 15,
                     "three minutes of sitting")
    typist.stop()
    service.wait_for(lambda: "bout" in service.kinds(), 10, "the bout to end")
    # Away until the service's own clock is past where the old bout would have reached 5m.
    bout = next(e for e in service.events() if e.KIND == "bout")
    service.wait_for(lambda: _service_now(service) >= bout.start + timedelta(minutes=6), 15,
                     "the time the old bout would have prompted")
    assert not visible(service, PROMPT)
    assert "prompt" not in service.kinds()


def close_like_the_window_manager(window: int) -> None:
    """Ask `window` to close as a window manager's Close does: WM_DELETE_WINDOW (sent
    directly, so a typist's key presses cannot get in the way of an Alt+F4)."""
    from Xlib import X, display, protocol

    connection = display.Display()
    try:
        target = connection.create_resource_object("window", window)
        event = protocol.event.ClientMessage(
            window=target, client_type=connection.intern_atom("WM_PROTOCOLS"),
            data=(32, [connection.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]))
        target.send_event(event, event_mask=X.NoEventMask)
        connection.flush()
    finally:
        connection.close()


def _service_now(service: RunningService) -> datetime:
    """The service's clock (it runs faster than the wall clock): from a status answer."""
    return datetime.fromisoformat(service.status()["now"])


@WITH_WINDOWS
def test_a_prompt_closed_with_the_window_manager_comes_back_with_break_now(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    # A long answer window (an hour of programme time, two real minutes), so the prompt is
    # still open however slowly this machine runs the steps below.
    service.programme.write_text(PROGRAMME_TEXT.format(title="E2E short programme").replace(
        "respond_within: 5m", "respond_within: 60m"))
    service.wait_for(lambda: service.kinds().count("programme") == 2, 10, "the edit")
    typist.start()
    window = service.wait_for_window(PROMPT, 25)
    prompt = next(e for e in service.events() if e.KIND == "prompt")
    close_like_the_window_manager(window)
    service.wait_for(lambda: not visible(service, PROMPT), 5, "the window to close")
    assert service.status()["open_prompt"] == prompt.prompt  # hidden, not answered
    again = service.cli("break-now")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"prompt {prompt.prompt} (neck mobility) is open again"
    service.wait_for_window(PROMPT, 10)
    assert [e.prompt for e in service.events() if e.KIND == "prompt"] == [prompt.prompt]
    assert outcomes(service) == []


def test_the_tray_icon_docks_and_its_menu_pauses_the_service(
        service: RunningService, desktop: DesktopSession) -> None:
    # The icon's window is named after its tooltip, the status line.
    icon = desktop.wait_for_window("^(deskbreak|Starting|Sitting|Away)", timeout=10)
    panel = desktop.wait_for_window("^panel$", by="classname")
    tree = desktop.run(["xwininfo", "-tree", "-id", str(panel)]).stdout
    assert hex(icon) in tree, "the icon is not docked in the tray"
    menu = open_xorg_menu(desktop, icon)
    # Items are ~27 px high: status, separator, 3 items, separator, then Pause 30 min.
    desktop.xdotool("mousemove", "--window", str(menu), "60", "145", "click", "1")
    service.wait_for(lambda: service.cli("status").stdout.startswith("Paused until"), 10,
                     "the pause from the tray menu")
    assert "paused" in service.kinds()


@WITH_WINDOWS
def test_a_started_break_outlives_the_answer_window_and_withdraws_the_notification(
        service: RunningService, typist: Typist, desktop: DesktopSession) -> None:
    typist.start()
    window = service.wait_for_window(PROMPT, 25)
    [note] = service.wait_for(service.prompt_notifications, 5, "the prompt notification")
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")  # Start
    service.wait_for_window(GUIDED, 5)
    # One place at a time: the notification goes as the guided break starts.
    service.wait_for(lambda: service.prompt_notifications()[0].closed_reason is not None, 10,
                     "the notification to be withdrawn")
    # The answer window is 5 min of programme time (10 s here); the guided break goes on.
    shown = next(e for e in service.events() if e.KIND == "prompt")
    service.wait_for(lambda: datetime.fromisoformat(service.status()["now"])
                     >= shown.at + timedelta(minutes=7), 20, "the answer window to pass")
    assert visible(service, GUIDED)
    assert outcomes(service) == []
    assert service.status()["open_prompt"] == shown.prompt
    del note
