"""The red-flag screening window on a real (headless) X desktop: plain questions, yes/no each,
one answer line, then the advice."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from desktop import DesktopSession

from deskbreak.core.screening import QUESTION_IDS
from deskbreak.ui.screening_window import screening_message_answers

TITLE = "^deskbreak: a few quick questions$"
KEEP = os.environ.get("DESKBREAK_KEEP_SCREENSHOTS")


def open_window(desktop: DesktopSession, trigger: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "deskbreak.ui.screening_window"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=desktop.full_env())
    assert process.stdin is not None
    process.stdin.write(json.dumps({"trigger": trigger}))
    process.stdin.close()
    return process


def read_line(process: subprocess.Popen[str], timeout: float = 15.0) -> str:
    """The window's next line, or a clear failure instead of a hang."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"the window sent nothing within {timeout} s"
    return process.stdout.readline()


def shot(desktop: DesktopSession, tmp_path: Path, name: str) -> Path:
    path = desktop.screenshot(tmp_path / name)
    if KEEP:
        shutil.copy(path, Path(KEEP) / name)
    return path


def test_a_yes_sends_the_answers_and_shows_same_day_advice(desktop: DesktopSession,
                                                           tmp_path: Path) -> None:
    process = open_window(desktop, "neck 7 or more")
    try:
        window = desktop.wait_for_window(TITLE, timeout=10)
        shot(desktop, tmp_path, "screening-questions.png")
        # Answer: no, no, yes (arm symptoms), no, no; then Done.
        desktop.xdotool("windowactivate", "--sync", str(window))
        time.sleep(0.3)  # the bindings are live once the window has the focus
        desktop.xdotool("key", "--window", str(window), "--delay", "80", "n", "n", "y", "n",
                        "n", "Return")
        line = read_line(process)
        trigger, answers = screening_message_answers(json.loads(line))
        assert trigger == "neck 7 or more"
        assert answers == dict.fromkeys(QUESTION_IDS, False) | {"arm_symptoms": True}
        time.sleep(0.5)
        path = shot(desktop, tmp_path, "screening-advice.png")
        assert path.stat().st_size > 5_000
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert process.wait(timeout=10) == 0
    finally:
        desktop.stop_process(process)


def test_done_waits_for_every_answer_and_closing_sends_nothing(desktop: DesktopSession) -> None:
    process = open_window(desktop, "severe headache")
    try:
        window = desktop.wait_for_window(TITLE, timeout=10)
        desktop.xdotool("windowactivate", "--sync", str(window))
        time.sleep(0.3)
        desktop.xdotool("key", "--window", str(window), "--delay", "80", "n", "n", "Return")
        time.sleep(0.5)
        assert process.poll() is None  # three questions still unanswered: no answer yet
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "Escape")
        assert process.wait(timeout=10) == 0
        assert process.stdout is not None
        assert process.stdout.read() == ""
    finally:
        desktop.stop_process(process)
