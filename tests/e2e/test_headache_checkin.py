"""The daily headache question: its window, and its way from the service into the log."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from desktop import DesktopSession

from .service_harness import PROGRAMME, RunningService, Typist, start_service

TITLE = "^deskbreak: headache check-in$"


def open_diary(desktop: DesktopSession, request: dict[str, object]) -> subprocess.Popen[str]:
    window_process = subprocess.Popen(
        [sys.executable, "-m", "deskbreak.ui.checkin_window"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, env=desktop.full_env())
    assert window_process.stdin is not None
    window_process.stdin.write(json.dumps(request))
    window_process.stdin.close()
    return window_process


def keys(desktop: DesktopSession, window: int, *names: str) -> None:
    desktop.xdotool("windowactivate", "--sync", str(window))
    time.sleep(0.3)  # the key bindings are live once the window has the focus
    desktop.xdotool("key", "--delay", "80", *names)


def test_the_headache_diary_answers_intensity_duration_and_painkillers(
        desktop: DesktopSession, tmp_path: Path) -> None:
    window_process = open_diary(desktop, {"question": "headache"})
    try:
        window = desktop.wait_for_window(TITLE, timeout=10)
        keys(desktop, window, "6", "d", "d")
        shot = desktop.screenshot(tmp_path / "headache-diary.png")
        if os.environ.get("DESKBREAK_KEEP_SCREENSHOTS"):
            shutil.copy(shot, Path(os.environ["DESKBREAK_KEEP_SCREENSHOTS"]) / shot.name)
        keys(desktop, window, "p", "Return")
        assert window_process.wait(timeout=10) == 0
        assert window_process.stdout is not None
        out = window_process.stdout.read()
    finally:
        desktop.stop_process(window_process)
    # Changed on purpose: a 0-10 diary with duration and painkillers, not four words.
    assert [json.loads(line) for line in out.splitlines()] == [
        {"checkin": "headache", "value": {"day": date.today().isoformat(), "intensity": 6,
                                          "duration": "1-4h", "painkillers": True}}]


def test_the_diary_catches_up_on_missed_days_oldest_first(desktop: DesktopSession) -> None:
    today = date.today()
    earlier = today - timedelta(days=2)
    window_process = open_diary(desktop, {"question": "headache",
                                          "days": [today.isoformat(), earlier.isoformat()]})
    try:
        window = desktop.wait_for_window(TITLE, timeout=10)
        keys(desktop, window, "0", "o", "Return")  # the earlier day: no headache
        time.sleep(0.3)
        keys(desktop, window, "3", "d", "o", "Return")
        assert window_process.wait(timeout=10) == 0
        assert window_process.stdout is not None
        values = [json.loads(line)["value"] for line in window_process.stdout.read().splitlines()]
    finally:
        desktop.stop_process(window_process)
    assert [(v["day"], v["intensity"], v["duration"], v["painkillers"]) for v in values] == [
        (earlier.isoformat(), 0, None, False), (today.isoformat(), 3, "under-1h", False)]


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
        # The typist's Shift must not turn "3" into "#" (it did once in a full run).
        typist.stop()
        keys(desktop, window, "3", "d", "p", "Return")
        answers = service.wait_for(
            lambda: [e for e in service.events() if e.KIND == "headache"], 10, "the answer")
        assert [(a.intensity, a.duration, a.painkillers) for a in answers] == [
            (3, "under-1h", True)]
        assert [e.question for e in service.events() if e.KIND == "checkin_due"] == ["headache"]
    finally:
        desktop.stop_process(process)


def test_at_start_the_service_opens_the_diary_for_the_days_nobody_answered(
        desktop: DesktopSession, deskbreak_home: Path, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from deskbreak.core.events import HeadacheDiary, ProgrammeLoaded
    from deskbreak.store import open_store

    programme = tmp_path / "programme.yaml"
    # Today is asked near midnight: only the catch-up can bring the window up now.
    programme.write_text(PROGRAMME.format(title="E2E headache catch-up").replace(
        '  working_hours:', '  checkins: {headache_daily: true, headache_at: "23:58"}\n'
        '  working_hours:'))
    today = date.today()
    first, answered, missed = (today - timedelta(days=n) for n in (2, 2, 1))
    noon = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc).replace(hour=12)
    log_file = deskbreak_home / "data" / "compliance.sqlite3"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(log_file)
    try:
        store.append_many([
            ProgrammeLoaded(at=noon, title="E2E", programme_hash="x", path=str(programme)),
            HeadacheDiary(at=noon, day=answered.isoformat(), intensity=2)])
    finally:
        store.close()
    process = start_service(desktop, deskbreak_home, programme, windows=True)
    service = RunningService(desktop, deskbreak_home, programme, process)
    try:
        window = desktop.wait_for_window(TITLE, timeout=20)
        time.sleep(0.3)
        desktop.screenshot(tmp_path / "diary-catch-up.png")  # names yesterday, not today
        keys(desktop, window, "4", "d", "o", "Return")  # yesterday: 4/10, under an hour
        answers = service.wait_for(
            lambda: [e for e in service.events() if e.KIND == "headache" and e.at.date()
                     != first], 10, "the catch-up answer")
        assert [(a.day, a.intensity, a.duration, a.painkillers) for a in answers] == [
            (missed.isoformat(), 4, "under-1h", False)]
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
