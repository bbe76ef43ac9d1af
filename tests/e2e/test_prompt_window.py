"""The prompt window process on a real (headless) desktop: focus, buttons, keys, guided flow."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deskbreak.ui.prompt_protocol import parse_message

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
    """The window as the service runs it; `keep_stdin` leaves the pipe open for service lines
    such as {"show": true}. `layout` is where the window says its buttons are."""

    counter = 0

    def __init__(self, desktop: Any, spec: dict[str, Any], speed: float = 50, *,
                 keep_stdin: bool = False) -> None:
        self.desktop = desktop
        PromptProcess.counter += 1
        SHOTS.mkdir(exist_ok=True)
        self.layout_file = SHOTS / f"layout-{PromptProcess.counter}.json"
        self.layout_file.unlink(missing_ok=True)
        self.proc = desktop.spawn(
            [sys.executable, "-m", "deskbreak.ui.prompt_window", "--speed", str(speed),
             "--layout-file", str(self.layout_file)],
            name="prompt_window", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=REPO)
        self.proc.stdin.write(json.dumps(spec) + ("\n" if keep_stdin else ""))
        self.proc.stdin.flush()
        if not keep_stdin:
            self.close_stdin()

    def close_stdin(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
            self.proc.stdin = None  # communicate() must not flush the closed pipe

    def tell(self, message: dict[str, Any]) -> None:
        """Write one service line to the window's stdin."""
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def read_line(self, timeout: float = 5) -> dict[str, Any]:
        """The next answer line, while the window is still running."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, "the window printed nothing"
        return json.loads(self.proc.stdout.readline())

    def button(self, key: str, title: str = "", timeout: float = 5) -> tuple[int, int]:
        """Where the window says button `key` is now (window-relative centre)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                layout = json.loads(self.layout_file.read_text())
                if key in layout["buttons"] and title in layout["title"]:
                    x, y, _state = layout["buttons"][key]
                    return int(x), int(y)
            except (OSError, ValueError):
                pass
            assert time.monotonic() < deadline, f"no button {key!r} in the layout"
            time.sleep(0.05)

    def wait_for_window(self, title: str, timeout: float = 5.0) -> int:
        """This window process's visible window titled `title`."""
        return int(self.desktop.wait_for_window(title, timeout, pid=self.proc.pid))

    def visible(self, title: str) -> bool:
        found = self.desktop.run(["xdotool", "search", "--onlyvisible", "--pid",
                                  str(self.proc.pid), "--name", title], check=False)
        return bool(found.stdout.strip())

    def texts(self) -> list[str]:
        """What the window shows now, as its layout file says."""
        return list(json.loads(self.layout_file.read_text()).get("texts", []))

    def press(self, window: int, key: str, timeout: float = 5) -> None:
        """Press `key` in `window` and wait until the window has drawn its next screen (it
        rewrites the layout file for each), so the next key never lands on the old one."""
        before = self.layout_file.read_text()
        self.desktop.xdotool("windowactivate", "--sync", str(window), "key", key)
        deadline = time.monotonic() + timeout
        while self.layout_file.read_text() == before:
            assert time.monotonic() < deadline, f"{key} did not move the window on"
            time.sleep(0.05)

    def start_guided(self, *, click: bool = False) -> int:
        """Start the guided break from the prompt, with Enter (or a click on Start), and
        return the guided window (the same toplevel, retitled)."""
        window = self.wait_for_window(PROMPT_TITLE)
        if click:
            self.click(window, "start")
        else:
            self.desktop.xdotool("windowactivate", "--sync", str(window), "key", "Return")
        return self.wait_for_window(GUIDED_TITLE)

    def click(self, window: int, key: str, title: str = "") -> None:
        x, y = self.button(key, title)
        click_button(self.desktop, window, x, y)

    def answers(self, timeout: float = 10) -> list[dict[str, Any]]:
        """Wait for the process to exit 0 and return the JSON lines it printed."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        finally:
            self.desktop.stop_process(self.proc)
        assert self.proc.returncode == 0, err
        for line in out.splitlines():
            parse_message(line)  # every line is one the service reads (raises otherwise)
        return [json.loads(line) for line in out.splitlines()]

    def answers_after_start(self, timeout: float = 10) -> list[dict[str, Any]]:
        """The answers, checking that the first one was {"started": true}."""
        answers = self.answers(timeout)
        assert answers[:1] == [{"started": True}], answers
        return answers[1:]


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
    """Centres of the prompt's Start, Snooze and Skip buttons, for a window the test did not
    start itself (the service's): found in a screenshot by the buttons' own colour, in the
    first band of rows that holds three of them side by side (the light theme)."""
    from PIL import Image

    from deskbreak.ui.theme import LIGHT

    image = Image.open(shoot(desktop, window, "buttons-probe.png")).convert("RGB")
    target = tuple(int(LIGHT.button[i:i + 2], 16) for i in (1, 3, 5))
    width, height = image.size
    pixels = image.load()
    for y in range(height):
        runs: list[tuple[int, int]] = []
        start = None
        for x in range(width + 1):
            inside = x < width and pixels[x, y] == target
            if inside and start is None:
                start = x
            elif not inside and start is not None:
                if x - start >= 20:
                    runs.append((start, x))
                start = None
        if len(runs) == 3:
            # Move to the middle of the band for a safe click.
            band_end = y
            # (down the button's left edge, where no label text is)
            while band_end + 1 < height and pixels[runs[0][0] + 2, band_end + 1] == target:
                band_end += 1
            middle = (y + band_end) // 2
            centres = [((a + b) // 2, middle) for a, b in runs]
            return dict(zip(("start", "snooze", "skip"), centres))
    raise AssertionError("no row of three buttons in the prompt")


def test_prompt_appears_in_the_corner_without_taking_focus_and_skip_answers_skip(
        desktop: Any, editor: int) -> None:
    focus(desktop, editor)
    prompt = PromptProcess(desktop, request())
    window = prompt.wait_for_window(PROMPT_TITLE)
    time.sleep(0.5)  # give the window manager every chance to (wrongly) focus it
    assert int(desktop.xdotool("getwindowfocus").strip()) == editor
    box = desktop.geometry(window)
    assert box["X"] > 640 and box["Y"] > 400  # bottom-right quarter
    shoot(desktop, window, "prompt.png")
    # The buttons found from the picture are where the window says they are.
    found = button_positions(desktop, window)
    for key in ("start", "snooze", "skip"):
        x, y = prompt.button(key)
        assert abs(found[key][0] - x) <= 3 and abs(found[key][1] - y) <= 3, (key, found)
    prompt.click(window, "skip")
    assert prompt.answers() == [{"answer": "skip"}]


def test_escape_in_the_prompt_snoozes(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request())
    window = prompt.wait_for_window(PROMPT_TITLE)
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
    assert prompt.answers() == [{"answer": "snooze"}]


def test_escape_skips_when_snooze_is_not_allowed_and_the_reason_is_shown(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(snooze_allowed=False,
                                            snooze_reason="snoozed twice already"))
    window = prompt.wait_for_window(PROMPT_TITLE)
    shoot(desktop, window, "prompt-no-snooze.png")
    prompt.button("snooze")  # the layout file is written
    texts = json.loads(prompt.layout_file.read_text())["texts"]
    assert any("snoozed twice already" in text for text in texts), texts
    # The disabled Snooze button does nothing when clicked.
    prompt.click(window, "snooze")
    time.sleep(0.3)
    assert prompt.proc.poll() is None, "a click on the disabled Snooze answered"
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
    assert prompt.answers() == [{"answer": "skip"}]


def test_closing_the_prompt_with_the_window_manager_hides_it_and_the_service_can_reopen_it(
        desktop: Any, editor: int) -> None:
    """Issue 8 point 5: the title-bar X left no way back. Now it hides (after saying how to
    get it back), tells the service {"hidden": true}, and {"show": true} brings it back."""
    prompt = PromptProcess(desktop, request(), keep_stdin=True)
    window = prompt.wait_for_window(PROMPT_TITLE)
    # Openbox's Close (its default Alt+F4 binding) asks the window to close: WM_DELETE_WINDOW.
    desktop.xdotool("windowactivate", "--sync", str(window), "key", "alt+F4")
    assert prompt.read_line() == {"hidden": True}
    time.sleep(0.3)
    shoot(desktop, window, "prompt-hidden-notice.png")
    deadline = time.monotonic() + 5
    while prompt.visible(PROMPT_TITLE):
        assert time.monotonic() < deadline, "the closed prompt never hid"
        time.sleep(0.1)
    assert prompt.proc.poll() is None, "the hidden prompt ended; the answer would be lost"
    prompt.tell({"show": True})
    guided = prompt.start_guided(click=True)
    assert prompt.read_line() == {"started": True}
    prompt.close_stdin()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    prompt.click(guided, "reason-busy", GUIDED_TITLE[1:-1])
    assert prompt.answers() == [{"answer": "stopped", "reason": "busy"}]


def test_a_prompt_hidden_by_the_window_manager_ends_when_the_service_cannot_show_it_again(
        desktop: Any, editor: int) -> None:
    """With stdin closed after the request the service reopens by starting a new window, so
    the hidden one says {"hidden": true} and ends (no invisible window left behind)."""
    prompt = PromptProcess(desktop, request())
    guided = prompt.start_guided(click=True)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "alt+F4")
    assert prompt.answers_after_start() == [{"hidden": True}]


def test_start_then_enter_through_every_screen_answers_done(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=50)
    guided = prompt.start_guided(click=True)
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
    assert prompt.answers_after_start() == [{"answer": "done"}]


def test_neck_checkin_is_asked_at_the_end_and_reported_before_done(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(neck_checkin=True, exercises=[
        {"id": "x", "title": "Shoulder rolls", "reps": 1, "dose_text": "1 rep"}]), speed=50)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # past intro
    time.sleep(0.5)  # the one rep (3 s at speed 50) advances by itself to the check-in
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "3")
    time.sleep(0.2)
    shoot(desktop, guided, "guided-checkin.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
    assert prompt.answers_after_start() == [{"checkin": "neck", "value": 3},
                                            {"answer": "done"}]


def test_a_neck_checkin_of_10_can_be_typed(desktop: Any, editor: int) -> None:
    """Issue 8 point 9: only single digits could be typed, so 10 could not."""
    prompt = PromptProcess(desktop, request(neck_checkin=True, exercises=[]), speed=50)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "1", "0", "Return")
    assert prompt.answers_after_start() == [{"checkin": "neck", "value": 10},
                                            {"answer": "done"}]


def test_done_on_the_checkin_without_a_rating_is_refused_until_no_answer_is_chosen(
        desktop: Any, editor: int) -> None:
    """Issue 8 point 9: Done closed the check-in without a rating, silently."""
    prompt = PromptProcess(desktop, request(neck_checkin=True, exercises=[]), speed=50)
    guided = prompt.start_guided()
    prompt.click(guided, "next", GUIDED_TITLE[1:-1])  # Done, disabled without a rating
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # Enter too
    time.sleep(0.3)
    assert prompt.proc.poll() is None, "Done without a rating closed the check-in"
    prompt.click(guided, "no-answer", GUIDED_TITLE[1:-1])
    # No exercises in this break: nothing was finished, and no rating is invented.
    assert prompt.answers_after_start() == [{"answer": "done"}]


def test_the_neck_rating_before_the_break_is_asked_first_and_sent_as_soon_as_it_is_given(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(neck_checkin=True, neck_before=True, exercises=[
        {"id": "x", "title": "Shoulder rolls", "reps": 1, "dose_text": "1 rep"}]), speed=50)
    guided = prompt.start_guided()
    assert prompt.read_line() == {"started": True}
    prompt.click(guided, "next", GUIDED_TITLE[1:-1])  # Next, refused without a rating
    prompt.click(guided, "checkin-6", GUIDED_TITLE[1:-1])  # clicked, like the rating after
    time.sleep(0.2)
    shoot(desktop, guided, "guided-checkin-before.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
    # Sent at once, while the break goes on: a break stopped later keeps it.
    assert prompt.read_line() == {"checkin": "neck_before", "value": 6}
    assert prompt.proc.poll() is None
    prompt.button("stop", GUIDED_TITLE[1:-1])  # now on the exercise
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # past intro
    time.sleep(0.5)  # the one rep advances by itself to the rating after
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "3", "Return")
    assert prompt.answers() == [{"checkin": "neck", "value": 3}, {"answer": "done"}]


def test_the_rating_before_the_break_can_be_skipped_and_nothing_is_invented(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(neck_before=True, exercises=[]), speed=50)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "7")  # chosen, not sent
    prompt.click(guided, "skip-question", GUIDED_TITLE[1:-1])
    prompt.button("next", GUIDED_TITLE[1:-1])
    time.sleep(0.2)
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")  # Close
    assert prompt.answers_after_start() == [{"answer": "done"}]


def test_stop_before_finishing_any_exercise_asks_why_and_is_recorded_as_stopped(
        desktop: Any, editor: int) -> None:
    """Issue 8 point 3: Stop during the first exercise was logged as a skip."""
    prompt = PromptProcess(desktop, request(), speed=1)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    prompt.button("reason-busy", GUIDED_TITLE[1:-1])
    shoot(desktop, guided, "guided-stop-why.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "1")  # busy
    assert prompt.answers_after_start() == [{"answer": "stopped", "reason": "busy"}]


def test_back_to_the_exercise_after_stop_carries_on(desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=50)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    prompt.click(guided, "back", GUIDED_TITLE[1:-1])
    prompt.button("skip-exercise", GUIDED_TITLE[1:-1])
    for _ in range(15):
        if prompt.proc.poll() is not None:
            break
        desktop.run(["xdotool", "windowactivate", "--sync", str(guided), "key", "Return"],
                    check=False)
        time.sleep(0.15)
    assert prompt.answers_after_start() == [{"answer": "done"}]


def test_stop_after_finishing_one_exercise_is_partial_with_its_id_and_the_reason(
        desktop: Any, editor: int) -> None:
    """Issue 8 point 3: Stop later was logged as done (the partial flag was dropped)."""
    prompt = PromptProcess(desktop, request(), speed=1)
    guided = prompt.start_guided()
    # Next through the chin tucks (intro, rep 1, release, rep 2; a hold that runs out moves on
    # by itself, so the presses are not counted) until the second exercise is on screen.
    prompt.button("next", GUIDED_TITLE[1:-1])  # the guided view is drawn
    for _ in range(8):
        if any(t.startswith("Exercise 2 of 2") for t in prompt.texts()):
            break
        prompt.press(guided, "Return")
    assert any(t.startswith("Exercise 2 of 2") for t in prompt.texts())
    prompt.press(guided, "Escape")
    prompt.click(guided, "reason-other", GUIDED_TITLE[1:-1])
    assert prompt.answers_after_start() == [
        {"answer": "partial", "finished": ["chin-tuck"], "reason": "other"}]


def test_skipping_an_exercise_ends_as_partial_with_only_the_finished_ones(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=50)
    guided = prompt.start_guided()
    prompt.click(guided, "skip-exercise", GUIDED_TITLE[1:-1])  # skip the chin tucks
    for _ in range(15):
        if prompt.proc.poll() is not None:
            break
        desktop.run(["xdotool", "windowactivate", "--sync", str(guided), "key", "Return"],
                    check=False)
        time.sleep(0.15)
    assert prompt.answers_after_start() == [{"answer": "partial", "finished": ["rotation"]}]


def test_a_malformed_request_exits_2_with_a_reason() -> None:
    result = subprocess.run([sys.executable, "-m", "deskbreak.ui.prompt_window"],
                            input='{"kind": "micro"}', capture_output=True, text=True,
                            timeout=30, cwd=REPO)
    assert result.returncode == 2
    assert "break is missing" in result.stderr


DOCS = REPO / "docs"


def docs_shot(desktop: Any, window: int, name: str) -> Path:
    """Screenshot `window` into docs/NAME, as a small palette PNG (text on flat colours)."""
    from PIL import Image

    raw = shoot(desktop, window, name)
    image = Image.open(raw).convert("RGB").quantize(
        colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    path = DOCS / name
    image.save(path, optimize=True)
    return path


def real_break_request() -> dict[str, Any]:
    """The first break of the shipped default programme, as the service would send it."""
    from deskbreak.library import load_programme, shipped_default_programme
    from deskbreak.ui.prompt_protocol import exercise_payload

    programme = load_programme(shipped_default_programme())
    brk = programme.breaks[0]
    exercises = [programme.exercises[i] for i in brk.exercise_ids[:3]]
    return request(**{"break": brk.name, "title": programme.title, "notes": programme.notes,
                      "neck_checkin": True, "show_notes": False,
                      "exercises": [exercise_payload(e) for e in exercises]})


def test_screenshots_for_the_readme_show_a_real_break(desktop: Any, editor: int) -> None:
    """The pictures in the README's "On the desktop", taken from the real windows."""
    spec = real_break_request()
    prompt = PromptProcess(desktop, spec, speed=1)
    window = prompt.wait_for_window("^deskbreak: " + spec["break"] + "$")
    prompt.button("start")
    docs_shot(desktop, window, "prompt.png")
    prompt.click(window, "start")
    guided = prompt.wait_for_window(GUIDED_TITLE)
    prompt.button("skip-exercise", GUIDED_TITLE[1:-1])
    time.sleep(0.3)
    docs_shot(desktop, guided, "guided-break.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
    time.sleep(1.3)  # a second into the countdown
    docs_shot(desktop, guided, "guided-countdown.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    prompt.button("reason-busy", GUIDED_TITLE[1:-1])
    docs_shot(desktop, guided, "guided-stop.png")
    prompt.click(guided, "reason-busy", GUIDED_TITLE[1:-1])
    assert prompt.answers_after_start() == [{"answer": "stopped", "reason": "busy"}]

    checkin = PromptProcess(desktop, request(neck_checkin=True, exercises=[]), speed=50)
    guided = checkin.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "4")
    desktop.xdotool("mousemove", "0", "400")  # no button looks hovered in the picture
    time.sleep(0.3)
    docs_shot(desktop, guided, "checkin.png")
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Return")
    assert checkin.answers_after_start() == [{"checkin": "neck", "value": 4},
                                             {"answer": "done"}]


def test_the_headache_programmes_prompt_is_short_and_its_notes_open_once_a_day(
        desktop: Any, editor: int) -> None:
    """Issue 8 point 7: with the headache example the prompt was ~650 px, mostly warnings."""
    from deskbreak.library import load_programme, programmes_dir
    from deskbreak.ui.prompt_protocol import exercise_payload

    programme = load_programme(programmes_dir() / "cervicogenic-headache-phase1.yaml")
    brk = programme.breaks[0]
    spec = request(**{"break": brk.name, "title": programme.title, "notes": programme.notes,
                      "exercises": [exercise_payload(programme.exercises[i])
                                    for i in brk.exercise_ids[:4]]})
    heights = []
    for _ in range(2):  # the first prompt of the day, then the next one
        prompt = PromptProcess(desktop, spec)
        window = prompt.wait_for_window("^deskbreak: " + brk.name + "$")
        prompt.button("start")
        heights.append(desktop.geometry(window)["HEIGHT"])
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert prompt.answers() == [{"answer": "snooze"}]
    first, second = heights
    assert first <= 560, f"the first prompt of the day is {first} px tall"
    assert second <= 320, f"a later prompt is {second} px tall"
    assert second < first  # the notes showed open only the first time


def test_stopping_for_symptoms_says_what_to_do_before_the_answer_is_sent(
        desktop: Any, editor: int) -> None:
    prompt = PromptProcess(desktop, request(), speed=1)
    guided = prompt.start_guided()
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "Escape")
    prompt.button("reason-symptoms", GUIDED_TITLE[1:-1])
    desktop.xdotool("windowactivate", "--sync", str(guided), "key", "2")  # symptoms
    prompt.button("close", GUIDED_TITLE[1:-1])
    assert prompt.proc.poll() is None, "the advice closed before it could be read"
    prompt.click(guided, "close", GUIDED_TITLE[1:-1])
    assert prompt.answers_after_start() == [{"answer": "stopped", "reason": "symptoms"}]
