"""The daily headache question: its window, and its way from the service into the log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from desktop import DesktopSession

from .service_harness import PROGRAMME, RunningService, Typist, start_service

TITLE = "^deskbreak: headache check-in$"


def test_the_headache_window_answers_with_the_chosen_level(desktop: DesktopSession) -> None:
    window_process = subprocess.Popen(
        [sys.executable, "-m", "deskbreak.ui.checkin_window"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=desktop.full_env())
    assert window_process.stdin is not None
    window_process.stdin.write(json.dumps({"question": "headache"}))
    window_process.stdin.close()
    try:
        window = desktop.wait_for_window(TITLE)
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "2")
        assert window_process.wait(timeout=10) == 0
        assert window_process.stdout is not None
        out = window_process.stdout.read()
    finally:
        desktop.stop_process(window_process)
    assert [json.loads(line) for line in out.splitlines()] == [
        {"checkin": "headache", "value": "mild"}]


def test_the_daily_headache_question_comes_once_and_its_answer_is_logged(
        desktop: DesktopSession, deskbreak_home: Path, tmp_path: Path, typist: Typist) -> None:
    programme = tmp_path / "programme.yaml"
    # Asked from the first minute of the day, so it is due as soon as the user sits down.
    programme.write_text(PROGRAMME.format(title="E2E headache programme").replace(
        '  working_hours:', '  checkins: {headache_daily: true, headache_at: "00:00"}\n'
        '  working_hours:'))
    process = start_service(desktop, deskbreak_home, programme, windows=True)
    service = RunningService(desktop, deskbreak_home, programme, process)
    try:
        typist.start()
        window = desktop.wait_for_window(TITLE, timeout=20)
        desktop.xdotool("windowactivate", "--sync", str(window), "key", "3")
        answers = service.wait_for(
            lambda: [e for e in service.events() if e.KIND == "checkin"], 10, "the answer")
        assert [(a.question, a.value) for a in answers] == [("headache", "moderate")]
        assert [e.question for e in service.events() if e.KIND == "checkin_due"] == ["headache"]
    finally:
        desktop.stop_process(process)


@pytest.mark.parametrize("level", ["none", "severe"])
def test_a_headache_answer_typed_on_the_command_line_reaches_the_log(
        service: RunningService, level: str) -> None:
    result = service.cli("checkin", "headache", level)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "check-in recorded"
    [answer] = [e for e in service.events() if e.KIND == "checkin"]
    assert (answer.question, answer.value) == ("headache", level)
