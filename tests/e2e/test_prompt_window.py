"""The prompt window process on a real (headless) desktop: focus, buttons, keys, guided flow."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
PROMPT_TITLE = "^deskbreak: neck mobility$"
GUIDED_TITLE = "^deskbreak: guided break$"
SHOTS = Path("/tmp/deskbreak-ui-screenshots")

EDITOR = """
import tkinter as tk
root = tk.Tk()
root.title("pretend editor")
root.geometry("500x300+60+80")
text = tk.Text(root)
text.pack(fill="both", expand=True)
text.focus_set()
root.mainloop()
"""


def request(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "prompt": 1, "break": "neck mobility", "kind": "micro", "title": "Neck programme",
        "notes": "Gently, within comfort.",
        "exercises": [
            {"id": "chin-tuck", "title": "Chin tucks", "summary": "Glide the head back.",
             "steps": ["Sit tall.", "Glide the chin straight back.", "Hold, then relax."],
             "cautions": ["Stop if you feel pins and needles."], "reps": 2, "sets": 1,
             "hold_seconds": 2, "rest_seconds": 0, "sides": [], "duration_seconds": None,
             "dose_text": "2 reps, hold 2 s"},
            {"id": "rotation", "title": "Neck rotation", "summary": "",
             "steps": ["Turn to look over your shoulder."], "cautions": [], "reps": 1,
             "sets": 1, "hold_seconds": None, "rest_seconds": 0, "sides": ["left", "right"],
             "duration_seconds": None, "dose_text": "1 rep, left and right"},
        ],
        "snooze_allowed": True, "snooze_minutes": 5, "neck_checkin": False,
        "corner": "bottom-right",
    }
    base.update(overrides)
    return base


@pytest.fixture(scope="module")
def editor(desktop: Any) -> Iterator[int]:
    """A focused Tk window standing in for the app the user is typing into."""
    proc = desktop.spawn([sys.executable, "-c", EDITOR], name="editor")
    window = desktop.wait_for_window("^pretend editor$")
    yield window
    desktop.stop_process(proc)


class PromptProcess:
    def __init__(self, desktop: Any, spec: dict[str, Any], speed: float = 50) -> None:
        self.desktop = desktop
        self.proc = desktop.spawn(
            [sys.executable, "-m", "deskbreak.ui.prompt_window", "--speed", str(speed)],
            name="prompt_window", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=REPO)
        self.proc.stdin.write(json.dumps(spec))
        self.proc.stdin.close()
        self.proc.stdin = None  # communicate() must not flush the closed pipe

    def answers(self, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait for the process to exit 0 and return the JSON lines it printed."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        finally:
            self.desktop.stop_process(self.proc)
        assert self.proc.returncode == 0, err
        return [json.loads(line) for line in out.splitlines()]


def focus(desktop: Any, window: int) -> None:
    desktop.xdotool("windowactivate", "--sync", str(window))
    deadline = time.monotonic() + 5
    while int(desktop.xdotool("getwindowfocus").strip()) != window:
        assert time.monotonic() < deadline, "could not focus the editor"
        time.sleep(0.05)


def click_button(desktop: Any, window: int, label_x: int, label_y: int) -> None:
    desktop.xdotool("mousemove", "--window", str(window), str(label_x), str(label_y),
                    "click", "1")


def shoot(desktop: Any, window: int, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / name
    desktop.run(["import", "-window", str(window), str(path)], timeout=20)
    return path


def button_positions(desktop: Any, window: int) -> dict[str, tuple[int, int]]:
    """Centres of the prompt's three buttons, from its fixed layout (bottom button row)."""
    geometry = desktop.xdotool("getwindowgeometry", "--shell", str(window))
    values = dict(line.split("=") for line in geometry.split())
    height = int(values["HEIGHT"])
    return {"start": (70, height - 65), "snooze": (200, height - 65), "skip": (330, height - 65)}


def test_prompt_appears_in_the_corner_without_taking_focus_and_skip_answers_skip(
        desktop: Any, editor: int) -> None:
    focus(desktop, editor)
    prompt = PromptProcess(desktop, request())
    window = desktop.wait_for_window(PROMPT_TITLE)
    time.sleep(0.5)  # give the window manager every chance to (wrongly) focus it
    assert int(desktop.xdotool("getwindowfocus").strip()) == editor
    geometry = desktop.xdotool("getwindowgeometry", "--shell", str(window))
    values = dict(line.split("=") for line in geometry.split())
    assert int(values["X"]) > 640 and int(values["Y"]) > 400  # bottom-right quarter
    shoot(desktop, window, "prompt.png")
    x, y = button_positions(desktop, window)["skip"]
    click_button(desktop, window, x, y)
    assert prompt.answers() == [{"answer": "skip"}]


def test_escape_in_the_prompt_snoozes(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request())
    window = desktop.wait_for_window(PROMPT_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
    assert prompt.answers() == [{"answer": "snooze"}]


def test_escape_skips_when_snooze_is_not_allowed_and_the_reason_is_shown(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(snooze_allowed=False,
                                            snooze_reason="snoozed twice already"))
    window = desktop.wait_for_window(PROMPT_TITLE)
    shoot(desktop, window, "prompt-no-snooze.png")
    # The disabled Snooze button does nothing when clicked.
    geometry = desktop.xdotool("getwindowgeometry", "--shell", str(window))
    height = int(dict(line.split("=") for line in geometry.split())["HEIGHT"])
    # With the explanation line the button row sits higher: probe a few heights.
    for y in range(height - 130, height - 40, 15):
        click_button(desktop, window, 200, y)
    time.sleep(0.3)
    assert prompt.proc.poll() is None, "a click on the disabled Snooze answered"
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
    assert prompt.answers() == [{"answer": "skip"}]


def test_closing_the_prompt_with_the_window_manager_answers_nothing(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request())
    window = desktop.wait_for_window(PROMPT_TITLE)
    # Openbox's Close (its default Alt+F4 binding) asks the window to close: WM_DELETE_WINDOW.
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "alt+F4")
    assert prompt.answers() == []


def test_start_then_enter_through_every_screen_answers_done(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=50)
    window = desktop.wait_for_window(PROMPT_TITLE)
    x, y = button_positions(desktop, window)["start"]
    click_button(desktop, window, x, y)
    guided = desktop.wait_for_window(GUIDED_TITLE)
    shoot(desktop, guided, "guided-intro.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
    time.sleep(0.05)
    shoot(desktop, guided, "guided-rep.png")
    # Next through the rest; countdowns also advance by themselves at --speed 50.
    for _ in range(12):
        if prompt.proc.poll() is not None:
            break
        desktop.run(["xdotool", "windowactivate", "--sync", str(guided), "key", "Return"],
                    check=False)
        time.sleep(0.15)
    assert prompt.answers() == [{"answer": "done"}]


def test_neck_checkin_is_asked_at_the_end_and_reported_before_done(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(neck_checkin=True, exercises=[
        {"id": "x", "title": "Shoulder rolls", "reps": 1, "dose_text": "1 rep"}]), speed=50)
    window = desktop.wait_for_window(PROMPT_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")  # Start
    guided = desktop.wait_for_window(GUIDED_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # past intro
    time.sleep(0.5)  # the one rep (3 s at speed 50) advances by itself to the check-in
    shoot(desktop, guided, "guided-checkin.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "3")
    assert prompt.answers() == [{"checkin": "neck", "value": 3}, {"answer": "done"}]


def test_stop_before_finishing_any_exercise_is_a_skip(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=1)
    window = desktop.wait_for_window(PROMPT_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")
    guided = desktop.wait_for_window(GUIDED_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    assert prompt.answers() == [{"answer": "skip"}]


def test_stop_after_finishing_one_exercise_is_a_partial_done(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=1)
    window = desktop.wait_for_window(PROMPT_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")
    guided = desktop.wait_for_window(GUIDED_TITLE)
    # intro, rep 1, rep 2 of chin tucks: three Nexts finish the first exercise.
    for _ in range(3):
        desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
        time.sleep(0.1)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    assert prompt.answers() == [{"answer": "done", "partial": True}]


def test_a_malformed_request_exits_2_with_a_reason() -> None:
    result = subprocess.run([sys.executable, "-m", "deskbreak.ui.prompt_window"],
                            input='{"kind": "micro"}', capture_output=True, text=True,
                            timeout=30, cwd=REPO)
    assert result.returncode == 2
    assert "break is missing" in result.stderr
