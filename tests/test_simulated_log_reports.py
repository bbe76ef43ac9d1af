"""A simulated week recorded with `simulate --log` reports the same numbers as its JSON Lines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import REPO, run_cli

from deskbreak.core.compliance import Period, summarise
from deskbreak.core.events import event_from_json
from deskbreak.reporting.export import summary_dict

PROGRAMME = REPO / "config" / "programmes" / "cervicogenic-headache-phase1.yaml"
TRACE = REPO / "config" / "traces" / "demo-week.csv"
FIRST, LAST = date(2026, 11, 30), date(2026, 12, 4)


def test_report_from_the_simulated_log_equals_the_report_from_its_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "week.sqlite3"
    simulated = run_cli("simulate", "--programme", str(PROGRAMME), "--trace", str(TRACE),
                        "--log", str(log))
    assert simulated.returncode == 0, simulated.stderr
    events = [event_from_json(json.loads(line)) for line in simulated.stdout.splitlines()]
    from_json_lines = summary_dict(summarise(events, Period(FIRST, LAST)))

    out = tmp_path / "export.json"
    exported = run_cli("export", "--format", "json", "--out", str(out), "--log", str(log),
                       "--from", FIRST.isoformat(), "--to", LAST.isoformat())
    assert exported.returncode == 0, exported.stderr
    from_log = json.loads(out.read_text())["summary"]

    assert from_log == json.loads(json.dumps(from_json_lines))
    # The week really exercises the numbers: prompts of every outcome, bouts, check-ins.
    total = from_log["total"]
    assert total["done"] > 0 and total["skipped"] > 0 and total["missed"] > 0
    assert total["taken"] > 0 and total["snoozes"] > 0
    assert from_log["sitting"]["bouts"] > 20
    assert len(from_log["days"]) == 5


def test_demo_prints_the_week_and_writes_the_html_report(tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Mon 30 Nov 2026 to Fri 04 Dec 2026" in result.stdout
    assert "Per exercise" in result.stdout and "Sitting" in result.stdout
    html = tmp_path / "demo-report.html"
    assert f"The physio's report: {html}" in result.stdout
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    assert (html.stat().st_mode & 0o777) == 0o600
