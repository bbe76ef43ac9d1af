"""`deskbreak log`, `report` and `export` run as a user would, on the hand-computed sample log."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from conftest import run_cli
from test_report_sample_log import SAMPLE_PERIOD, sample_log

from deskbreak.core.events import event_from_json
from deskbreak.store import open_store

MON_TUE = ("--from", "2026-03-02", "--to", "2026-03-03")


@pytest.fixture
def recorded(deskbreak_home: Path) -> Path:
    """The sample log in the user's (test) compliance log."""
    store = open_store()
    assert store.append_many(sample_log())
    store.close()
    return deskbreak_home / "data" / "compliance.sqlite3"


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def squeeze(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def test_report_shows_the_hand_computed_numbers(recorded: Path) -> None:
    lines = squeeze(ok("report", *MON_TUE))
    assert lines[0] == "deskbreak report: Mon 02 Mar 2026 to Tue 03 Mar 2026 (2 days)"
    assert "Programme: Neck phase 1 [5f1d0c9a]" in lines
    # day, done/prompted, adherence, taken, skipped, snoozed, missed, snoozes
    assert "Mon 02 Mar 2/5 40% 1 1 0 1 1" in lines
    assert "Tue 03 Mar 2/3 67% 0 0 1 0 3" in lines
    assert "total 4/8 50% 1 1 1 1 4" in lines
    assert "chin-tuck 2/3 67% 0 0 1 0 2" in lines
    assert "neck-rotation 3/4 75% 0 0 1 0 2" in lines
    assert "shoulder-roll 1/3 33% 0 1 0 1 2" in lines
    assert "walk 0/1 0% 1 0 0 0 0" in lines
    assert "5 h 15 min in 5 bouts; longest 1 h 40 min; over 30 min: 4; over 60 min: 2" in lines
    assert "Mon 02 Mar 4 h 25 min 4 1 h 40 min 3 2" in lines
    assert "Tue 03 Mar 50 min 1 50 min 1 0" in lines
    # Two days cannot show a trend (four answered days in each half are needed): changed on
    # purpose, as are the flags (two clear rises of 2 points or more).
    assert any(line.startswith("neck pain (0-10): 5 answers;")
               and line.endswith("not enough answers") for line in lines)
    assert any(line.startswith("headache (diary)") and line.endswith("not enough answers")
               for line in lines)
    assert "neck-rotation: 2x" in lines and "chin-tuck: 2x" not in lines
    assert "Mon 02 Mar 13:32 neck 5/10 after the break, up from 3 earlier that day" in lines
    assert "Tue 03 Mar 11:32 neck 8/10 after the break, 5 just before it" in lines
    assert "one clear rise only (not flagged): chin-tuck" in lines
    assert "neck-rotation 1 pair: before 5.0, after 8.0 (+3.0)" in lines
    assert not any(line.startswith("shoulder-roll:") for line in lines)
    assert "*** Review due ***" not in lines  # no review date, no screening, two days


def test_periods_count_back_from_an_injected_today(recorded: Path) -> None:
    week = squeeze(ok("report", "--week", env={"DESKBREAK_TODAY": "2026-03-04"}))
    assert week[0] == "deskbreak report: Thu 26 Feb 2026 to Wed 04 Mar 2026 (7 days)"
    assert "total 5/9 56% 1 1 1 1 4" in week  # Wednesday's done prompt joins in
    assert squeeze(ok("report", "--days", "2", "--today-is", "2026-03-03"))[0] == (
        "deskbreak report: Mon 02 Mar 2026 to Tue 03 Mar 2026 (2 days)")
    today = squeeze(ok("report", "--today", "--today-is", "2026-03-03"))
    assert "total 2/3 67% 0 0 1 0 3" in today
    default = squeeze(ok("report", env={"DESKBREAK_TODAY": "2026-03-08"}))
    assert default[0].startswith("deskbreak report: Mon 02 Mar 2026 to Sun 08 Mar 2026")


def test_a_long_period_is_summarised_per_week(recorded: Path) -> None:
    lines = squeeze(ok("report", "--days", "60", "--today-is", "2026-03-31"))
    assert "week from done/prompted adherence taken skipped snoozed missed snoozes" in lines
    assert "Mon 02 Mar 5/9 56% 1 1 1 1 4" in lines
    assert "total 5/9 56% 1 1 1 1 4" in lines


def test_log_prints_one_readable_line_per_event(recorded: Path) -> None:
    lines = ok("log").splitlines()
    assert len(lines) == len(sample_log())
    assert lines[0].startswith("2026-03-01 16:00:00  checkin")
    assert "2026-03-02 09:37:00  outcome         #2 (series #1) neck: DONE - chin-tuck, neck-rotation" in lines
    assert any("sat 1 h 15 min from 09:00:00 to 10:15:00 (away)" in line for line in lines)
    only_tuesday = ok("log", "--since", "2026-03-03", "--until", "2026-03-03").splitlines()
    assert only_tuesday and all(line.startswith("2026-03-03") for line in only_tuesday)
    assert len(only_tuesday) == sum(1 for e in sample_log() if e.at.day == 3)


def test_log_reads_another_file_with_log_option(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    store = open_store(other)
    store.append_many(sample_log()[:3])
    store.close()
    assert len(ok("log", "--log", str(other)).splitlines()) == 3


def csv_rows(text: str) -> list[dict[str, str]]:
    """The rows of an exported CSV table, after its first line (the health-data notice)."""
    notice, _, table = text.partition("\n")
    assert notice.startswith("# deskbreak export: contains personal health data")
    return list(csv.DictReader(io.StringIO(table)))


def test_csv_export_has_the_daily_numbers_and_a_private_file(recorded: Path, tmp_path: Path) -> None:
    out = tmp_path / "daily.csv"
    ok("export", "--format", "csv", "--out", str(out), *MON_TUE)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = csv_rows(out.read_text())
    assert [r["day"] for r in rows] == ["2026-03-02", "2026-03-03"]
    monday = rows[0]
    assert (monday["prompted"], monday["done"], monday["adherence"]) == ("5", "2", "0.4")
    assert (monday["sitting_seconds"], monday["bouts_over_30_min"], monday["bouts_over_60_min"]) == (
        str(265 * 60), "3", "2")
    assert (monday["neck_mean"], monday["headache"]) == ("4.0", "mild")

    ok("export", "--format", "csv", "--table", "exercises", "--out", str(out), "--force", *MON_TUE)
    exercises = {r["exercise"]: r for r in csv_rows(out.read_text())}
    assert exercises["neck-rotation"]["done"] == "3" and exercises["neck-rotation"]["flags"] == "2"

    ok("export", "--format", "csv", "--table", "events", "--out", str(out), "--force", *MON_TUE)
    events = csv_rows(out.read_text())
    in_period = [e for e in sample_log() if e.at.date() in SAMPLE_PERIOD]
    assert [event_from_json(json.loads(r["json"])) for r in events] == in_period


def test_json_export_holds_the_summary_and_every_event_losslessly(recorded: Path,
                                                                   tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    ok("export", "--format", "json", "--out", str(out), *MON_TUE)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    document = json.loads(out.read_text())
    summary = document["summary"]
    assert summary["total"] == {"prompted": 8, "done": 4, "taken": 1, "skipped": 1, "snoozed": 1,
                                "missed": 1, "snoozes": 4, "adherence": 0.5}
    assert summary["sitting"] == {"sitting_seconds": 315 * 60, "bouts": 5,
                                  "longest_bout_seconds": 6000, "bouts_over_30_min": 4,
                                  "bouts_over_60_min": 2}
    assert [f["exercise"] for f in summary["flags"]] == ["neck-rotation", "neck-rotation"]
    assert summary["pain_trend"]["words"] == "not enough answers"
    in_period = [e for e in sample_log() if e.at.date() in SAMPLE_PERIOD]
    assert [event_from_json(e) for e in document["events"]] == in_period


def test_a_corrupted_log_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"\x00garbage" * 1000)
    for args in (("report",), ("log",), ("export", "--format", "json", "--out", str(tmp_path / "x"))):
        result = run_cli(*args, "--log", str(bad))
        assert result.returncode == 1
        assert result.stderr.startswith("deskbreak: the compliance log ")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "damaged" in result.stderr


def test_no_log_yet_is_a_clear_message() -> None:
    result = run_cli("report")
    assert result.returncode == 1
    assert "nothing has been recorded yet" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ("report", "--from", "2026-13-01"),
    ("report", "--to", "2026-03-01"),
    ("report", "--days", "0"),
    ("report", "--from", "2026-03-05", "--to", "2026-03-01"),
    ("report", "--week", "--today"),
    ("export", "--format", "pdf", "--out", "x"),
    ("export", "--format", "json", "--table", "events", "--out", "x"),
    ("log", "--since", "2026-03-05", "--until", "2026-03-01"),
])
def test_bad_options_are_usage_errors(recorded: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_a_bad_deskbreak_today_is_a_usage_error(recorded: Path) -> None:
    result = run_cli("report", env={"DESKBREAK_TODAY": "tomorrow"})
    assert result.returncode == 2 and "DESKBREAK_TODAY" in result.stderr


def test_export_to_a_folder_is_refused(recorded: Path, tmp_path: Path) -> None:
    result = run_cli("export", "--format", "csv", "--out", str(tmp_path), *MON_TUE)
    assert result.returncode == 1 and "is a folder" in result.stderr
