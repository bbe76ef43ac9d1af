"""The screening contract from a trace: `deskbreak simulate` with `screen yes` / `screen no`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import REPO, run_cli

PROGRAMME = REPO / "config" / "programmes" / "cervicogenic-headache-phase1.yaml"

# Monday 30 November 2026 in London (UTC+0). Neck break at 08:55, then a neck rating of 8.
TRACE = """\
at,what
2026-11-30T08:30:00,active
2026-11-30T08:55:30,respond done
2026-11-30T08:55:40,checkin neck 8
2026-11-30T08:56:30,screen {answer}
2026-11-30T16:30:00,end
"""


def run(tmp_path: Path, answer: str) -> list[dict[str, Any]]:
    path = tmp_path / "trace.csv"
    path.write_text(TRACE.format(answer=answer), encoding="utf-8")
    result = run_cli("simulate", "--programme", str(PROGRAMME), "--trace", str(path))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_screen_yes_logs_screening_and_safety_and_no_neck_prompt_follows(tmp_path: Path) -> None:
    out = run(tmp_path, "yes arm_symptoms")
    kinds = [e["event"] for e in out]
    due = out[kinds.index("screening_due")]
    assert due["trigger"] == "neck 7 or more" and due["at"] == "2026-11-30T08:55:40+00:00"
    screening = out[kinds.index("screening")]
    assert screening["trigger"] == "neck 7 or more"
    assert screening["answers"]["arm_symptoms"] is True
    assert sum(screening["answers"].values()) == 1
    safety = out[kinds.index("safety")]
    assert safety == {"at": "2026-11-30T08:56:30+00:00", "event": "safety",
                      "trigger": "neck 7 or more", "any_yes": True, "advice": "same_day",
                      "until": "2026-12-01T00:00:00+00:00"}
    later = [e for e in out[kinds.index("safety"):] if e["event"] == "prompt"]
    assert later, "movement breaks go on"
    assert {p["kind"] for p in later} == {"movement"}


def test_screen_no_logs_reassurance_and_neck_prompts_carry_on(tmp_path: Path) -> None:
    out = run(tmp_path, "no")
    safety = [e for e in out if e["event"] == "safety"]
    assert [(s["any_yes"], s["advice"], s.get("until")) for s in safety] == [
        (False, "reassure", None)]
    later = [e for e in out if e["event"] == "prompt" and e["at"] > safety[0]["at"]]
    assert "micro" in {p["kind"] for p in later}


def test_screen_yes_alone_answers_yes_to_every_question_and_gives_emergency_advice(
        tmp_path: Path) -> None:
    out = run(tmp_path, "yes")
    [screening] = [e for e in out if e["event"] == "screening"]
    assert all(screening["answers"].values())
    [safety] = [e for e in out if e["event"] == "safety"]
    assert safety["advice"] == "emergency"


def test_a_trace_with_a_bad_screen_answer_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "trace.csv"
    path.write_text(TRACE.format(answer="maybe"), encoding="utf-8")
    result = run_cli("simulate", "--programme", str(PROGRAMME), "--trace", str(path))
    assert result.returncode != 0
    assert f"{path}:5: write 'screen no', 'screen yes'" in result.stderr


def test_headache_diary_and_neck_before_words_in_a_trace(tmp_path: Path) -> None:
    path = tmp_path / "trace.csv"
    path.write_text("""\
at,what
2026-11-30T08:30:00,active
2026-11-30T08:55:10,checkin neck_before 3
2026-11-30T08:55:30,respond done
2026-11-30T08:55:40,checkin neck 2
2026-11-30T17:00:00,checkin headache 5 1-4h painkillers
2026-11-30T17:00:05,checkin headache 0 no-painkillers 2026-11-29
2026-11-30T17:10:00,end
""", encoding="utf-8")
    result = run_cli("simulate", "--programme", str(PROGRAMME), "--trace", str(path))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    checkins = [(e["question"], e["value"], e["prompt"]) for e in out if e["event"] == "checkin"]
    assert checkins == [("neck_before", 3, 1), ("neck", 2, 1)]
    diary = [{k: e[k] for k in ("day", "intensity", "duration", "painkillers")}
             for e in out if e["event"] == "headache"]
    assert diary == [
        {"day": "2026-11-30", "intensity": 5, "duration": "1-4h", "painkillers": True},
        {"day": "2026-11-29", "intensity": 0, "duration": None, "painkillers": False}]
