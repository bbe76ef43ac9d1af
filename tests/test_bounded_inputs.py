"""Huge, odd and hostile values in durations, pauses and traces give one clear line, never a
traceback or a crash (issue: 1 followed by 320 zeros, `pause 99999999999h`, `checkin neck ³`,
years 0001 and 9999, a time in the hour the clocks skip)."""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from deskbreak.core.units import MAX_DURATION_SECONDS, format_duration, parse_duration
from deskbreak.errors import DeskbreakError

GENERAL = REPO / "config" / "programmes" / "desk-worker-general.yaml"


def with_every(tmp_path: Path, value: str) -> Path:
    text = re.sub(r"every: \S+", f"every: {value}", GENERAL.read_text(), count=1)
    path = tmp_path / "programme.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text", ["1" + "0" * 320 + "s", "9" * 400 + "h", "99999999999h",
                                  "367d", "8785h", "1" + "0" * 13 + "m"])
def test_a_huge_duration_is_refused_with_a_message_not_an_overflow(text: str) -> None:
    if text == "367d":
        text = f"{367 * 24}h"
    with pytest.raises(ValueError, match="too long a duration") as caught:
        parse_duration(text)
    assert len(str(caught.value)) < 200  # a 400-digit value is shortened in the message


def test_the_longest_duration_allowed_is_a_year_and_a_day() -> None:
    assert parse_duration("8784h") == MAX_DURATION_SECONDS


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 1e300, -90.0])
def test_format_duration_gives_text_for_any_float(value: float) -> None:
    assert isinstance(format_duration(value), str)
    assert format_duration(-90.0) == "-1 min 30 s"


def test_check_reports_a_320_digit_interval_in_one_line(tmp_path: Path) -> None:
    path = with_every(tmp_path, "1" + "0" * 320 + "s")
    result = run_cli("programme", "check", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    problem = [line for line in (result.stdout + result.stderr).splitlines()
               if line.startswith(str(path))]
    assert len(problem) == 1 and re.match(rf"{re.escape(str(path))}:\d+:\d+: breaks\[0\].every: "
                                          ".*too long a duration", problem[0]), problem


def test_a_pause_of_99999999999_hours_is_refused_as_a_domain_error() -> None:
    try:
        from deskbreak.service import pause_until  # type: ignore[attr-defined]
    except ImportError:  # the service became a package; the helper moved to the core
        from deskbreak.core.commands import pause_until  # type: ignore[no-redef,import-not-found]
    from deskbreak.library import load_programme

    programme = load_programme(GENERAL)
    now = datetime(2026, 11, 23, 9, 0).astimezone()
    for spec in ("99999999999h", "9" * 400 + "m"):
        with pytest.raises(DeskbreakError, match="too long a duration"):
            pause_until(now, spec, programme)


def simulate(tmp_path: Path, rows: list[str], tz: str = "Europe/London") -> tuple[int, str]:
    trace = tmp_path / "trace.csv"
    trace.write_text("at,what\n" + "\n".join(rows) + "\n")
    result = run_cli("simulate", "--programme", str(GENERAL), "--trace", str(trace),
                     env={"TZ": tz})
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr.strip()


@pytest.mark.parametrize(("rows", "message"), [
    (["2026-11-23T08:00:00,active", "2026-11-23T08:10:00,checkin neck ³",
      "2026-11-23T09:00:00,end"], "trace.csv:3: write 'checkin neck 0-10'"),
    (["2026-11-23T08:00:00,active", "2026-11-23T08:10:00,pause " + "9" * 400 + "s",
      "2026-11-23T09:00:00,end"], "trace.csv:3: pause needs a duration"),
    (["2026-11-23T08:00:00,active", "2026-11-23T08:10:00,pause 99999999999h",
      "2026-11-23T09:00:00,end"], "trace.csv:3: pause needs a duration"),
    (["0001-01-01T08:00:00,active", "0001-01-01T09:00:00,end"],
     "trace.csv:2: '0001-01-01T08:00:00' is outside the years"),
    (["9999-12-31T08:00:00,active", "9999-12-31T09:00:00,end"],
     "trace.csv:2: '9999-12-31T08:00:00' is outside the years"),
])
def test_a_hostile_trace_row_gives_one_trace_line_message(tmp_path: Path, rows: list[str],
                                                          message: str) -> None:
    code, stderr = simulate(tmp_path, rows)
    assert code != 0
    assert len(stderr.splitlines()) == 1 and message in stderr, stderr


def test_a_naive_time_in_the_spring_gap_is_named_not_moved(tmp_path: Path) -> None:
    code, stderr = simulate(tmp_path, ["2026-03-29T00:30:00,active", "2026-03-29T01:30:00,idle",
                                       "2026-03-29T02:10:00,active", "2026-03-29T03:00:00,end"])
    assert code != 0
    assert "trace.csv:3: 2026-03-29T01:30:00 does not exist in local time" in stderr
    assert "earlier than the row before" not in stderr


def test_a_trace_near_the_end_of_the_calendar_runs(tmp_path: Path) -> None:
    code, stderr = simulate(tmp_path, ["9997-12-31T08:00:00,active",
                                       "9997-12-31T09:00:00,pause 8784h",
                                       "9997-12-31T10:00:00,end"])
    assert code == 0, stderr
