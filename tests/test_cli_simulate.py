"""`deskbreak simulate`, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli

PROGRAMME = REPO / "config" / "programmes" / "cervicogenic-headache-phase1.yaml"

# Monday 30 November 2026 (the programme starts that day); TZ is Europe/London in tests.
TRACE = """\
# a morning at the desk
at,what
2026-11-30T08:30:00,active
2026-11-30T08:55:30,respond done
2026-11-30T09:41:00,idle
2026-11-30T09:48:00,active
2026-11-30T10:13:20,respond snooze
2026-11-30T10:30:00,locked
2026-11-30T10:40:00,active
2026-11-30T11:00:00,asleep
2026-11-30T11:40:00,active
2026-11-30T12:00:00,end
"""


def simulate(tmp_path: Path, trace: str, *extra: str) -> Any:
    path = tmp_path / "trace.csv"
    path.write_text(trace, encoding="utf-8")
    return run_cli("simulate", "--programme", str(PROGRAMME), "--trace", str(path), *extra)


def events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_simulate_prints_json_lines_with_the_documented_keys(tmp_path: Path) -> None:
    result = simulate(tmp_path, TRACE)
    assert result.returncode == 0, result.stderr
    out = events(result.stdout)
    assert out
    for event in out:
        assert {"at", "event"} <= set(event)
        assert event["at"].startswith("2026-11-30T") and event["at"].endswith("+00:00")
    prompts = [e for e in out if e["event"] == "prompt"]
    outcomes = [e for e in out if e["event"] == "outcome"]
    bouts = [e for e in out if e["event"] == "bout"]
    for prompt in prompts:
        assert {"prompt", "break", "kind", "exercises", "sitting_seconds"} <= set(prompt)
        assert prompt["kind"] in ("micro", "movement")
        assert isinstance(prompt["exercises"], list) and prompt["exercises"]
    for outcome in outcomes:
        assert {"prompt", "outcome"} <= set(outcome)
        assert outcome["outcome"] in ("done", "skipped", "snoozed", "taken", "missed")
    for bout in bouts:
        assert {"start", "end", "seconds"} <= set(bout)
    # the first prompt: the neck break 25 minutes in, answered done
    first = prompts[0]
    assert (first["at"], first["prompt"], first["break"], first["kind"]) == (
        "2026-11-30T08:55:00+00:00", 1, "Neck micro break", "micro")
    assert first["sitting_seconds"] == 1500
    assert first["exercises"] == ["chin-nod", "eye-break", "suboccipital-release"]
    assert outcomes[0] == {"at": "2026-11-30T08:55:30+00:00", "event": "outcome", "prompt": 1,
                           "series": 1, "break": "Neck micro break", "kind": "micro",
                           "outcome": "done",
                           "exercises": ["chin-nod", "eye-break", "suboccipital-release"],
                           "finished": ["chin-nod", "eye-break", "suboccipital-release"]}
    # seven minutes idle ends the first bout, back-dated to the last input
    assert bouts[0]["start"] == "2026-11-30T08:30:00+00:00"
    assert bouts[0]["end"] == "2026-11-30T09:41:00+00:00"
    assert bouts[0]["seconds"] == 4260
    assert bouts[0]["reason"] == "idle"
    # the snoozed neck prompt comes back in its series after 5 minutes
    snoozed = [o for o in outcomes if o["outcome"] == "snoozed"]
    assert len(snoozed) == 1
    again = [p for p in prompts if p.get("series") == snoozed[0]["prompt"]
             and p["prompt"] != snoozed[0]["prompt"]]
    assert [p["at"] for p in again] == ["2026-11-30T10:18:20+00:00"]
    # locked and asleep end bouts; the output is in time order
    assert [b["reason"] for b in bouts] == ["idle", "locked", "asleep", "end of trace"]
    assert [e["at"] for e in out] == sorted(e["at"] for e in out)


def test_simulate_output_is_byte_identical_on_two_runs(tmp_path: Path) -> None:
    first = simulate(tmp_path, TRACE)
    second = simulate(tmp_path, TRACE)
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.endswith("\n")


def test_simulate_writes_times_with_the_summer_offset(tmp_path: Path) -> None:
    trace = "at,what\n2026-06-15T09:00:00,active\n2026-06-15T09:30:00,end\n"
    result = simulate(tmp_path, trace)
    assert result.returncode == 0, result.stderr
    out = events(result.stdout)
    assert out[0]["at"] == "2026-06-15T09:00:00+01:00"
    assert out[-1]["event"] == "bout"


def test_simulate_accepts_a_poll_interval(tmp_path: Path) -> None:
    result = simulate(tmp_path, TRACE, "--poll", "1")
    assert result.returncode == 0, result.stderr
    prompts = [e for e in events(result.stdout) if e["event"] == "prompt"]
    assert prompts[0]["at"] == "2026-11-30T08:55:00+00:00"


@pytest.mark.parametrize(("trace", "line", "message"), [
    ("", 1, "the trace is empty"),
    ("when,what\n2026-11-30T08:30:00,active\n", 1, "the first line must be the header"),
    ("at,what\n2026-11-30T08:30:00,active\nyesterday,idle\n2026-11-30T09:00:00,end\n", 3,
     "'yesterday' is not an ISO 8601 date-time"),
    (("at,what\n2026-11-30T08:30:00,active\n2026-11-30T08:00:00,idle\n"
     "2026-11-30T09:00:00,end\n"), 3, "earlier than the row before"),
    (("at,what\n2026-11-30T08:30:00,active\n2026-11-30T08:40:00,dancing\n"
     "2026-11-30T09:00:00,end\n"), 3, "unknown action 'dancing'"),
    (("at,what\n2026-11-30T08:30:00,active\n2026-11-30T08:40:00,respond maybe\n"
     "2026-11-30T09:00:00,end\n"), 3, "write 'respond done', 'respond skip' or 'respond snooze'"),
    ("at,what\n2026-11-30T08:30:00,active,extra\n2026-11-30T09:00:00,end\n", 2,
     "expected 2 columns"),
    ("at,what\n2026-11-30T08:30:00,active\n2026-11-30T09:00:00,idle\n", 3,
     "the last row must be 'end'"),
    (("at,what\n2026-11-30T08:30:00,active\n2026-11-30T09:00:00,end\n"
     "2026-11-30T09:10:00,active\n"), 4, "rows after 'end'"),
    ("at,what\n# comment\n2026-11-30T08:30:00,respond done\n2026-11-30T09:00:00,end\n", 3,
     "the first row must say what the user is doing"),
])
def test_a_malformed_trace_gives_trace_line_message_and_fails(tmp_path: Path, trace: str,
                                                              line: int, message: str) -> None:
    result = simulate(tmp_path, trace)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    path = tmp_path / "trace.csv"
    [error] = result.stderr.splitlines()
    # exactly TRACE:LINE: message, as editors and compilers print locations
    assert error.startswith(f"{path}:{line}: "), error
    assert message in error


def test_a_missing_trace_fails_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli("simulate", "--programme", str(PROGRAMME), "--trace",
                     str(tmp_path / "none.csv"))
    assert result.returncode != 0
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_trace_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    trace = "\ufeffat,what\n2026-11-30T08:30:00,active\n2026-11-30T09:30:00,end\n"
    result = simulate(tmp_path, trace)
    assert result.returncode == 0, result.stderr
    assert '"event":"bout_start"' in result.stdout


def test_a_trace_can_stop_a_guided_break_part_way_and_the_json_lines_carry_it(
        tmp_path: Path) -> None:
    trace = TRACE.replace("08:55:30,respond done", "08:55:30,respond partial 1 busy").replace(
        "10:13:20,respond snooze", "10:13:20,respond stopped symptoms")
    result = simulate(tmp_path, trace)
    assert result.returncode == 0, result.stderr
    out = events(result.stdout)
    prompts = {e["prompt"]: e for e in out if e["event"] == "prompt"}
    outcomes = [e for e in out if e["event"] == "outcome"]
    partial = next(e for e in outcomes if e["outcome"] == "partial")
    assert partial["finished"] == prompts[partial["prompt"]]["exercises"][:1]
    assert partial["stop_reason"] == "busy"
    stopped = next(e for e in outcomes if e["outcome"] == "stopped")
    assert stopped["stop_reason"] == "symptoms" and "finished" not in stopped


def test_every_prompt_gets_exactly_one_outcome_even_when_the_trace_ends_with_it_open(
        tmp_path: Path) -> None:
    trace = TRACE.replace("2026-11-30T12:00:00,end", "2026-11-30T12:40:00,end")
    result = simulate(tmp_path, trace)
    assert result.returncode == 0, result.stderr
    out = events(result.stdout)
    shown = [e["prompt"] for e in out if e["event"] == "prompt"]
    ended = [e["prompt"] for e in out if e["event"] == "outcome"]
    assert sorted(ended) == sorted(shown)


@pytest.mark.parametrize("row", ["respond partial", "respond partial 0", "respond stopped 2",
                                 "respond done busy", "respond stopped lazy"])
def test_a_malformed_respond_row_is_refused(tmp_path: Path, row: str) -> None:
    trace = f"at,what\n2026-11-30T08:30:00,active\n2026-11-30T08:40:00,{row}\n" \
            "2026-11-30T09:00:00,end\n"
    result = simulate(tmp_path, trace)
    assert result.returncode != 0
    assert "trace.csv:3: write 'respond done'" in result.stderr
