"""What the report says for a one-day period and how it names exercises (issue: "(1 days)" and
ids instead of names in the per-exercise table)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_cli


def _simulated_log(tmp_path: Path) -> Path:
    log = tmp_path / "log.sqlite3"
    done = run_cli("simulate", "--programme", "config/default.yaml", "--trace",
                   "config/traces/demo-week.csv", "--log", str(log))
    assert done.returncode == 0, done.stderr
    return log


def test_a_one_day_report_says_1_day_in_text_and_html(tmp_path: Path) -> None:
    log = _simulated_log(tmp_path)
    first_day = run_cli("log", "--log", str(log)).stdout
    day = re.search(r"\d{4}-\d{2}-\d{2}", first_day)
    assert day, first_day
    text = run_cli("report", "--log", str(log), "--from", day.group(), "--to", day.group())
    assert "(1 day)" in text.stdout and "(1 days)" not in text.stdout, text.stdout + text.stderr
    out = tmp_path / "day.html"
    page = run_cli("export", "--log", str(log), "--format", "html", "--from", day.group(),
                   "--to", day.group(), "--out", str(out))
    assert page.returncode == 0, page.stderr
    html = out.read_text()
    assert "(1 day)" in html and "(1 days)" not in html


def test_the_per_exercise_table_names_library_exercises_by_their_titles(tmp_path: Path) -> None:
    log = _simulated_log(tmp_path)
    out = tmp_path / "week.html"
    done = run_cli("export", "--log", str(log), "--format", "html", "--days", "3650",
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = out.read_text().split("<h2>Per exercise</h2>", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td>([^<]+)</td>", table)
    assert cells, table[:500]
    assert not any(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", cell) for cell in cells), cells
