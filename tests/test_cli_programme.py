"""`deskbreak programme check|show|schema`, run as a user runs them: in a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from conftest import REPO, run_cli

HEADACHE = REPO / "config" / "programmes" / "cervicogenic-headache-phase1.yaml"
GENERAL = REPO / "config" / "programmes" / "desk-worker-general.yaml"

BROKEN = """\
deskbreak: 1
title: Broken on purpose
setings:
  natural_break: 5m
breaks:
  - name: neck
    kind: micro
    every: 25
    duration: 60s
    exercises: [chin-tuck]
  - name: move
    kind: movement
    every: [50m]
    duration: 3m
    exercises: [stand-and-walk]
exercises:
  chin-tuck: {use: library/chin-tuk, reps: 8}
"""


def test_check_on_the_shipped_programmes_exits_zero() -> None:
    result = run_cli("programme", "check", str(HEADACHE), str(GENERAL))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{HEADACHE}: ok: 'Neck-related headache")
    assert "2 breaks" in lines[0] and "2 phases" in lines[0]
    assert lines[1].startswith(f"{GENERAL}: ok: 'Desk worker")


def test_check_on_a_broken_file_lists_every_problem_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = run_cli("programme", "check", str(path))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.stdout.splitlines() == [
        f"{path}:3:1: setings: unknown key 'setings' (did you mean 'settings'?)",
        f"{path}:8:12: breaks[0].every: '25' has no unit; write 25s or 25m",
        f"{path}:13:12: breaks[1].every: expected a duration such as 30s or 5m, found a list",
        (f"{path}:17:20: exercises.chin-tuck.use: no library exercise 'chin-tuk' "
        "(did you mean 'chin-tuck'?)"),
    ]
    assert "1 of 1 file" in result.stderr


def test_check_reports_each_file_and_fails_if_any_is_broken(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = run_cli("programme", "check", str(HEADACHE), str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{HEADACHE}: ok")
    assert all(re.match(rf"^{re.escape(str(path))}:\d+:\d+: ", line)
               for line in result.stdout.splitlines()[1:])


def test_check_on_a_hostile_file_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    marker = tmp_path / "pwned"
    path.write_text(f"deskbreak: 1\ntitle: !!python/object/apply:os.system [\"touch {marker}\"]\n",
                    encoding="utf-8")
    result = run_cli("programme", "check", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith(f"{path}:2:8: (file): YAML tag ")
    assert not marker.exists()


def test_check_on_a_missing_file_fails_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli("programme", "check", str(tmp_path / "nope.yaml"))
    assert result.returncode != 0
    assert "no such file" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_show_prints_the_phase_and_doses_of_the_day() -> None:
    result = run_cli("programme", "show", str(HEADACHE), "--on", "2026-12-14")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Neck-related headache: settle and strengthen (phase 1)\n")
    assert re.search(r"^Phase on .*14 December 2026: build endurance \(chin nod stage 3\)$", out, re.MULTILINE)
    assert "week 3" in out
    assert "Neck micro break (micro break): every 25 min of sitting, takes 1 min 30 s" in out
    assert "Get up and move (movement break): every 50 min of sitting, takes 3 min" in out
    assert "[chin-nod]: 8 reps, hold 10 s" in out  # week 3 dose: the nod's stage 3
    assert "[scapular-setting]: 6 reps, hold 5 s, 2 sets, rest 10 s between sets" in out
    assert "Nod very slowly, as if saying a small yes" in out  # the steps
    assert "Stop if you feel dizzy" in out  # the cautions


def test_show_before_the_first_phase_prints_the_starting_doses() -> None:
    result = run_cli("programme", "show", str(HEADACHE), "--on", "2026-11-30")
    assert result.returncode == 0
    assert re.search(r"^Phase on .*30 November 2026: starting doses$", result.stdout,
                     re.MULTILINE)
    assert "[chin-nod]: 5 reps, hold 5 s" in result.stdout


def test_show_on_a_broken_file_fails_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = run_cli("programme", "show", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{path}:3:1: setings: unknown key" in result.stderr


def test_schema_prints_a_json_schema() -> None:
    result = run_cli("programme", "schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert {"deskbreak", "title", "breaks"} <= set(schema["required"])
    assert "settings" in schema["properties"]
