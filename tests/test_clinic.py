"""The report names the prescription, carries its data, and `deskbreak clinic` makes one page
across patients from the files they send: run as a physio runs it, in subprocesses."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from deskbreak.reporting.clinic import (
    DATA_BLOCK_ID,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    Patient,
    attention,
    read_file,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

#: Two weeks of phase 1, then phase 2 adds isometrics (a date-based copy of the accountant).
PROGRAMME = """\
deskbreak: 1
title: Cervicogenic headache, accountant
patient: Alex Example
prescribed_by: Sam Physio, MCSP
starts: 2026-11-23
review: 2026-12-14
settings:
  checkins: {neck_after_break: true, headache_daily: true}
breaks:
  - name: Neck break
    kind: micro
    every: 25m
    duration: 75s
    exercises: [chin-tuck, suboccipital-release, eye-break]
  - name: Move
    kind: movement
    every: 50m
    duration: 3m
    exercises: [stand-and-walk]
exercises:
  chin-tuck: {use: library/chin-tuck, reps: 6, hold: 5s}
  cervical-isometrics: {use: library/cervical-isometrics, reps: 3, hold: 5s}
phases:
  - name: "Phase 1: settle"
    from_week: 1
    until_week: 2
  - name: "Phase 2: strengthen"
    from_week: 3
    exercises: {chin-tuck: {reps: 8, hold: 10s}}
    breaks:
      Neck break: {every: 30m, duration: 90s, add: [cervical-isometrics]}
"""

TRACE_DAYS = ("2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08")


@pytest.fixture
def patient_log(tmp_path: Path) -> tuple[Path, Path]:
    """A log of four working days across the phase change (Monday 7 December), via simulate."""
    programme = tmp_path / "alex.yaml"
    programme.write_text(PROGRAMME, encoding="utf-8")
    rows = ["at,what"]
    for day in TRACE_DAYS:
        rows += [f"{day}T09:00:00,active", f"{day}T09:26:00,respond done",
                 f"{day}T09:26:30,checkin neck 3", f"{day}T12:00:00,idle",
                 f"{day}T13:00:00,active", f"{day}T15:00:00,idle"]
    rows.append("2026-12-08T18:00:00,end")
    trace = tmp_path / "trace.csv"
    trace.write_text("\n".join(rows) + "\n", encoding="utf-8")
    log = tmp_path / "alex.sqlite3"
    result = run_cli("simulate", "--programme", str(programme), "--trace", str(trace), "--log",
                     str(log))
    assert result.returncode == 0, result.stderr
    return programme, log


def export(log: Path, fmt: str, out: Path) -> None:
    result = run_cli("export", "--format", fmt, "--log", str(log), "--from", "2026-12-01",
                     "--to", "2026-12-08", "--out", str(out))
    assert result.returncode == 0, result.stderr


def data_block(page: str) -> dict[str, Any]:
    match = re.search(rf'<template id="{DATA_BLOCK_ID}"[^>]*>(.*?)</template>', page, re.DOTALL)
    assert match, "no data block"
    value: dict[str, Any] = json.loads(match[1])
    return value


def test_the_text_report_names_the_prescription_and_when_the_phase_changed(
        patient_log: tuple[Path, Path]) -> None:
    _, log = patient_log
    result = run_cli("report", "--log", str(log), "--from", "2026-12-01", "--to", "2026-12-08")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    block = out[out.index("Prescription\n"):out.index("Prompts (")]
    assert "  Cervicogenic headache, accountant\n" in block
    assert "  prescribed by Sam Physio, MCSP\n" in block
    assert "  review appointment: Mon 14 Dec 2026\n" in block
    assert "  from Tue 1 Dec 2026: Phase 1: settle (weeks 1-2)\n" in block
    assert "  from Mon 7 Dec 2026: Phase 2: strengthen (week 3 on)\n" in block
    phase1, phase2 = block.split("Phase 2: strengthen")
    assert "Chin tuck: 6 reps, hold 5 s" in phase1 and "isometrics" not in phase1
    assert "Chin tuck: 8 reps, hold 10 s" in phase2
    assert "Neck press without moving: 3 reps, hold 5 s" in phase2
    assert "Neck break (micro): every 30 min of sitting, 1 min 30 s" in phase2


def test_the_html_report_names_the_prescription_and_embeds_its_data(
        patient_log: tuple[Path, Path], tmp_path: Path) -> None:
    _, log = patient_log
    out = tmp_path / "alex.html"
    export(log, "html", out)
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"<script\b", page)  # data, never code
    section = page[page.index('<section class="prescription">'):]
    section = section[:section.index("</section>")]
    text = re.sub(r"<[^>]+>", " ", section)
    assert "Cervicogenic headache, accountant" in text
    assert "Phase 2: strengthen" in text and "Mon 14 Dec 2026" in text
    assert "From Mon 7 Dec 2026: Phase 2: strengthen (week 3 on)" in text
    data = data_block(page)
    assert (data["format"], data["version"]) == (EXPORT_FORMAT, EXPORT_VERSION)
    clinic = data["clinic"]
    assert clinic["patient"] == "Alex Example"
    assert clinic["programme"] == "Cervicogenic headache, accountant"
    assert clinic["phase"] == "Phase 2: strengthen"
    assert clinic["review"] == "2026-12-14"
    assert clinic["prompted"] == data["summary"]["total"]["prompted"] > 0
    assert data["prescription"]["periods"][1]["since"] == "2026-12-07"
    # The clinic reads the record back from the page itself.
    read = read_file(out)
    assert isinstance(read, Patient) and read.record == clinic


def test_the_json_export_puts_the_clinic_record_in_its_first_lines(
        patient_log: tuple[Path, Path], tmp_path: Path) -> None:
    _, log = patient_log
    out = tmp_path / "alex.json"
    export(log, "json", out)
    document = json.loads(out.read_text(encoding="utf-8"))
    keys = list(document)
    assert (document["format"], document["version"]) == (EXPORT_FORMAT, EXPORT_VERSION)
    assert keys.index("clinic") < keys.index("summary") < keys.index("events")
    assert document["clinic"]["phase"] == "Phase 2: strengthen"
    assert document["events"]  # still the whole, lossless export
    read = read_file(out)
    assert isinstance(read, Patient) and read.record == document["clinic"]


def record(name: str, *, adherence: float | None = 0.8, pain: str = "steady",
           headache: str = "steady", safety: int = 0, review: str | None = "2027-02-01",
           over_60: int = 2, flags: int = 0, phase: str | None = "Phase 1: settle") -> dict[str, Any]:
    return {
        "patient": name, "programme": "Neck-related headache", "phase": phase, "review": review,
        "period": {"first": "2026-11-02", "last": "2026-11-29", "days": 28},
        "prompted": 200, "done": int(200 * (adherence or 0)), "adherence": adherence,
        "bouts": 120, "bouts_over_60_min": over_60,
        "pain": {"words": pain, "change": 1.0 if pain == "worse" else -1.0 if pain == "better"
                 else 0.0, "first": 3.0, "second": 4.0 if pain == "worse" else 2.0},
        "headache": {"words": headache, "change": None, "first": None, "second": None},
        "safety_events": safety, "flags": flags, "generated": "2026-11-30T10:00:00",
    }


def write_export(folder: Path, name: str, rec: dict[str, Any], version: int = EXPORT_VERSION
                 ) -> Path:
    path = folder / f"{name.lower().replace(' ', '-')}.json"
    path.write_text(json.dumps({"format": EXPORT_FORMAT, "version": version, "clinic": rec,
                                "summary": {}, "events": []}, indent=1), encoding="utf-8")
    return path


def test_the_clinic_sorts_who_needs_attention_first() -> None:
    today = date(2026, 11, 30)
    patients = [
        ("Fine Fiona", record("Fine Fiona")),
        ("Low Lee", record("Low Lee", adherence=0.3)),
        ("Safety Sam", record("Safety Sam", safety=1)),
        ("Worse Wendy", record("Worse Wendy", pain="worse")),
        ("Review Ravi", record("Review Ravi", review="2026-11-20")),
    ]
    order = sorted(patients, key=lambda p: -attention(p[1], today)[0])
    assert [name for name, _ in order] == ["Safety Sam", "Worse Wendy", "Review Ravi",
                                           "Low Lee", "Fine Fiona"]
    assert attention(record("Fine Fiona"), today) == (0, [])
    assert attention(record("Review Ravi", review="2026-11-20"), today)[1] == [
        "review overdue by 10 days"]


def test_the_clinic_names_files_it_cannot_read_and_still_loads_the_rest(
        patient_log: tuple[Path, Path], tmp_path: Path) -> None:
    _, log = patient_log
    folder = tmp_path / "inbox"
    folder.mkdir()
    export(log, "html", folder / "alex.html")
    write_export(folder, "Bo Brown", record("Bo Brown", adherence=0.4, pain="worse"))
    write_export(folder, "Future Fay", record("Future Fay"), version=EXPORT_VERSION + 1)
    (folder / "shopping.json").write_text('{"eggs": 6}\n', encoding="utf-8")
    (folder / "holiday.html").write_text("<html><body>Photos</body></html>\n", encoding="utf-8")
    (folder / "old-report.html").write_text("<!DOCTYPE html><html><head><title>deskbreak report"
                                            "</title></head><body></body></html>\n")
    out = tmp_path / "clinic.html"
    result = run_cli("clinic", *sorted(str(p) for p in folder.iterdir()), str(tmp_path / "gone.json"),
                     "--out", str(out), "--today-is", "2026-12-09")
    assert result.returncode == 0, result.stderr
    assert re.match(r"wrote .*clinic.html: 2 patients, 5 files not read \(\d+\.\d\d s\)",
                    result.stdout)
    errors = result.stderr.splitlines()
    assert any(line.endswith("future-fay.json: made by a newer deskbreak (data version 2; this "
                             "one reads up to 1); update deskbreak to read it") for line in errors)
    assert any(line.endswith("shopping.json: not a deskbreak report or JSON export")
               for line in errors)
    assert any(line.endswith("holiday.html: not a deskbreak report or JSON export")
               for line in errors)
    assert any("old-report.html: a deskbreak report from before reports carried their data"
               in line for line in errors)
    assert any(line.endswith("gone.json: no such file") for line in errors)
    page = out.read_text(encoding="utf-8")
    # Bo's neck pain is worse and his adherence under 50%: he comes before Alex, whose review
    # (14 December) is within a week.
    rows = re.findall(r'<tr class="\w+"><td><a href="([^"]+)">([^<]+)</a>', page)
    assert rows == [("inbox/bo-brown.json", "Bo Brown"), ("inbox/alex.html", "Alex Example")]
    assert "Files not read (5)" in page
    assert "review in 5 days" in page


def test_a_page_that_is_not_a_clinic_page_is_never_overwritten(tmp_path: Path) -> None:
    source = write_export(tmp_path, "Bo Brown", record("Bo Brown"))
    out = tmp_path / "notes.html"
    out.write_text("my notes\n", encoding="utf-8")
    result = run_cli("clinic", str(source), "--out", str(out))
    assert result.returncode == 1
    assert "exists and is not a clinic page" in result.stderr
    assert out.read_text(encoding="utf-8") == "my notes\n"


def generated_patients(folder: Path, count: int) -> list[Path]:
    """`count` patients with a spread of adherence, trends, safety events and reviews."""
    names = ["Alex", "Bo", "Cam", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kit", "Lou"]
    paths = []
    for index in range(count):
        name = f"{names[index % len(names)]} {chr(65 + index // len(names))}."
        rec = record(name, adherence=[0.92, 0.81, 0.64, 0.41, None][index % 5],
                     pain=["steady", "better", "worse", "steady"][index % 4],
                     headache=["better", "steady", "steady", "worse", "not enough answers"][
                         index % 5],
                     safety=1 if index % 11 == 3 else 0,
                     review=f"2026-12-{1 + index % 28:02d}", over_60=index % 40,
                     flags=index % 6 == 0, phase=["Phase 1: settle", "Phase 2: strengthen",
                                                  None][index % 3])
        paths.append(write_export(folder, f"p{index:03d} {name}", rec))
    return paths


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
def test_headless_chromium_renders_the_clinic_page_with_generated_patients(
        tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "exports"
    folder.mkdir()
    paths = generated_patients(folder, 24)
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "clinic.html"
    result = run_cli("clinic", str(folder), "--out", str(out), "--today-is", "2026-11-30")
    assert result.returncode == 0, result.stderr
    assert "24 patients, 1 file not read" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b", page)  # offline, nothing to fetch
    assert page.count('<tr class="') == len(paths)
    shot = tmp_path / "clinic.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--screenshot={shot}",
         "--hide-scrollbars", "--window-size=1300,1100", out.as_uri()],
        capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 1100)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    present = {colour for _, colour in colours}
    # Rows that need attention carry a red bar, some an orange one; the header band is there.
    assert (0xC6, 0x28, 0x28) in present and (0xEF, 0x6C, 0x00) in present
    assert (0xE8, 0xEA, 0xF6) in present
    # Kept for a person to look at (and for docs/clinic-view.png) when a folder is named.
    keep = os.environ.get("DESKBREAK_KEEP_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / "clinic-view.png")


def test_the_clinic_reads_only_the_start_of_a_file_never_a_year_of_events(
        tmp_path: Path) -> None:
    path = write_export(tmp_path, "Long Year", record("Long Year"))
    # After the record comes a year of events; here, 30 MB that are not even valid JSON.
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"events": [' + "x" * 30_000_000)
    read = read_file(path)
    assert isinstance(read, Patient) and read.record["patient"] == "Long Year"


def test_names_with_markup_stay_text_in_the_clinic_page_and_the_data_block(
        tmp_path: Path) -> None:
    from deskbreak.reporting.clinic import data_document, embed_data

    hostile = '</template><script>alert(1)</script> & "Bo"'
    page = embed_data("<html><head></head><body></body></html>",
                      data_document(record(hostile), {}, None))
    assert "<script>" not in page
    report = tmp_path / "bo.html"
    report.write_text(page, encoding="utf-8")
    read = read_file(report)
    assert isinstance(read, Patient) and read.record["patient"] == hostile
    out = tmp_path / "clinic.html"
    assert run_cli("clinic", str(report), "--out", str(out)).returncode == 0
    clinic = out.read_text(encoding="utf-8")
    assert "<script>" not in clinic and "&lt;/template&gt;&lt;script&gt;" in clinic


def test_deskbreak_simulate_across_the_phase_change_prompts_the_new_exercise_from_that_day(
        tmp_path: Path) -> None:
    programme = tmp_path / "alex.yaml"
    programme.write_text(PROGRAMME, encoding="utf-8")
    rows = ["at,what"]
    for day in ("2026-12-04", "2026-12-07"):  # the Friday before phase 2, its first Monday
        rows += [f"{day}T09:00:00,active", f"{day}T16:00:00,idle"]
    rows.append("2026-12-07T18:00:00,end")
    trace = tmp_path / "trace.csv"
    trace.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("simulate", "--programme", str(programme), "--trace", str(trace))
    assert result.returncode == 0, result.stderr
    prompts = [json.loads(line) for line in result.stdout.splitlines()
               if json.loads(line).get("event") == "prompt"]
    friday = [p for p in prompts if p["at"].startswith("2026-12-04")]
    monday = [p for p in prompts if p["at"].startswith("2026-12-07")]
    assert friday and monday
    assert not any("cervical-isometrics" in p["exercises"] for p in friday)
    assert any("cervical-isometrics" in p["exercises"] for p in monday)
